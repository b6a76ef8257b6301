/* Where a pod's devices are described: the SR-IOV device plugin's env, the
 * CNI device-info files, Multus' network-status annotation, the command line. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dpn_app.h"

int dpn_app_fail(struct dpn_err *err, const char *fmt, ...)
{
	va_list ap;
	err->code = -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool seen(const struct dpn_app_devs *d, const struct dpn_app_dev *x)
{
	for (int i = 0; i < d->n; i++) {
		if (d->dev[i].type != x->type)
			continue;
		if (x->type == DPN_APP_PCI ? !strcasecmp(d->dev[i].pci, x->pci)
		                           : !strcmp(d->dev[i].path, x->path))
			return true;
	}
	return false;
}

static int push(struct dpn_app_devs *d, struct dpn_app_dev *x, struct dpn_err *err)
{
	if (seen(d, x))
		return 0;
	if (d->n >= DPN_APP_MAX_DEVS)
		return dpn_app_fail(err, "%s: more than %d devices", x->source, DPN_APP_MAX_DEVS);
	d->dev[d->n++] = *x;
	return 1;
}

int dpn_app_add_pci(
        const char *bdf, const char *source, struct dpn_app_devs *d, struct dpn_err *err)
{
	struct dpn_app_dev x = {.type = DPN_APP_PCI};

	if (!dpn_pci_addr_valid(bdf))
		return dpn_app_fail(
		        err, "%s: \"%s\" is not a PCI address (DDDD:BB:DD.F)", source, bdf);
	snprintf(x.pci, sizeof(x.pci), "%s", bdf);
	for (char *c = x.pci; *c; c++)
		*c = tolower((unsigned char)*c);
	snprintf(x.source, sizeof(x.source), "%s", source);
	return push(d, &x, err);
}

static int add_vhost(const char *path, bool server, int queues, const char *source,
        struct dpn_app_devs *d, struct dpn_err *err)
{
	struct dpn_app_dev x = {.type = DPN_APP_VHOST, .server = server, .queues = queues};

	if (path[0] != '/' || strlen(path) >= sizeof(x.path))
		return dpn_app_fail(err,
		        "%s: \"%s\" is not an absolute socket path under %zu bytes", source, path,
		        sizeof(x.path));
	strcpy(x.path, path);
	snprintf(x.source, sizeof(x.source), "%s", source);
	return push(d, &x, err);
}

int dpn_app_add_vhost(
        const char *spec, const char *source, struct dpn_app_devs *d, struct dpn_err *err)
{
	char buf[256], *save = NULL, *tok;
	bool server = true, split = false;
	int queues = 0, ret;

	if (strlen(spec) >= sizeof(buf))
		return dpn_app_fail(err, "%s: \"%s\" is too long", source, spec);
	strcpy(buf, spec);
	char *path = strtok_r(buf, ",", &save);
	if (!path)
		return dpn_app_fail(err,
		        "%s: empty vhost spec (PATH[,server|client][,queues=N][,split])", source);
	while ((tok = strtok_r(NULL, ",", &save))) {
		if (!strcmp(tok, "server"))
			server = true;
		else if (!strcmp(tok, "client"))
			server = false;
		else if (!strncmp(tok, "queues=", 7) && atoi(tok + 7) > 0 && atoi(tok + 7) <= 64)
			queues = atoi(tok + 7);
		else if (!strcmp(tok, "split") || !strcmp(tok, "packed"))
			split = tok[0] == 's';
		else
			return dpn_app_fail(err,
			        "%s: \"%s\": expected server, client, queues=1..64, split or "
			        "packed",
			        source, tok);
	}
	if ((ret = add_vhost(path, server, queues, source, d, err)) > 0)
		d->dev[d->n - 1].split = split;
	return ret;
}

int dpn_app_from_env(char *const envp[], struct dpn_app_devs *d, struct dpn_err *err)
{
	int added = 0;

	for (char *const *e = envp; e && *e; e++) {
		char name[256], src[300];
		const char *eq = strchr(*e, '=');
		if (strncmp(*e, "PCIDEVICE_", 10) || !eq || (size_t)(eq - *e) >= sizeof(name))
			continue;
		memcpy(name, *e, eq - *e);
		name[eq - *e] = '\0';
		if (strlen(name) > 5 && !strcmp(name + strlen(name) - 5, "_INFO"))
			continue; /* the JSON companion of the address list */
		snprintf(src, sizeof(src), "env %s", name);
		char *list = strdup(eq + 1), *save = NULL;
		for (char *a = strtok_r(list, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
			int r = dpn_app_add_pci(a, src, d, err);
			if (r < 0) {
				free(list);
				return r;
			}
			added += r;
		}
		free(list);
	}
	return added;
}

/* One Device Information Specification object (type pci or vhost-user). */
static int from_devinfo(json_t *di, const char *source, struct dpn_app_devs *d, struct dpn_err *err)
{
	const char *type = json_string_value(json_object_get(di, "type"));

	if (!type)
		return dpn_app_fail(err, "%s: device-info without \"type\"", source);
	if (!strcmp(type, "pci")) {
		const char *a = json_string_value(
		        json_object_get(json_object_get(di, "pci"), "pci-address"));
		if (!a)
			return dpn_app_fail(
			        err, "%s: pci device-info without pci.pci-address", source);
		return dpn_app_add_pci(a, source, d, err);
	}
	if (!strcmp(type, "vhost-user")) {
		json_t *v = json_object_get(di, "vhost-user");
		const char *path = json_string_value(json_object_get(v, "path"));
		const char *mode = json_string_value(json_object_get(v, "mode"));
		if (!path)
			return dpn_app_fail(
			        err, "%s: vhost-user device-info without vhost-user.path", source);
		if (mode && strcmp(mode, "server") && strcmp(mode, "client"))
			return dpn_app_fail(err,
			        "%s: vhost-user.mode \"%s\" is not server or client", source, mode);
		return add_vhost(path, !mode || !strcmp(mode, "server"), 0, source, d, err);
	}
	return 0; /* other kinds (vdpa, memif) are not ours to drive */
}

int dpn_app_from_devinfo_dir(const char *dir, struct dpn_app_devs *d, struct dpn_err *err)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), added = 0, ret = 0;

	if (n < 0)
		return errno == ENOENT ? 0 : dpn_app_fail(err, "%s: %s", dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		char path[1024];
		json_error_t jerr;
		if (ret >= 0 && strstr(names[i]->d_name, ".json")) {
			json_t *j = NULL;
			if (dpn_snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) < 0)
				ret = dpn_app_fail(
				        err, "%s/%s: path too long", dir, names[i]->d_name);
			else if (!(j = json_load_file(path, 0, &jerr)))
				ret = dpn_app_fail(err, "%s: not JSON: %s", path, jerr.text);
			else if ((ret = from_devinfo(j, path, d, err)) > 0)
				added += ret;
			json_decref(j);
		}
		free(names[i]);
	}
	free(names);
	return ret < 0 ? ret : added;
}

/* The downward API writes key="Go-quoted value" lines. */
static char *unquote(const char *s, const char **end)
{
	size_t n = strlen(s), o = 0;
	char *out = malloc(n + 1);

	if (!out || *s != '"') {
		free(out);
		return NULL;
	}
	for (s++; *s && *s != '"'; s++) {
		if (*s != '\\') {
			out[o++] = *s;
			continue;
		}
		switch (*++s) {
		case 'n':
			out[o++] = '\n';
			break;
		case 't':
			out[o++] = '\t';
			break;
		case 'r':
			out[o++] = '\r';
			break;
		case '"':
			out[o++] = '"';
			break;
		case '\\':
			out[o++] = '\\';
			break;
		case 'u': {
			unsigned cp;
			/* exactly four hex digits: "\u7" at the end of the string
			 * must not skip past its NUL */
			bool hex4 = true;
			for (int i = 1; i <= 4 && hex4; i++)
				hex4 = isxdigit((unsigned char)s[i]);
			if (!hex4 || sscanf(s + 1, "%4x", &cp) != 1 || cp > 0x7f) {
				free(out);
				return NULL;
			}
			out[o++] = cp;
			s += 4;
			break;
		}
		default:
			free(out);
			return NULL;
		}
	}
	if (*s != '"') {
		free(out);
		return NULL;
	}
	out[o] = '\0';
	*end = s + 1;
	return out;
}

int dpn_app_from_network_status(const char *file, struct dpn_app_devs *d, struct dpn_err *err)
{
	static const char key[] = "k8s.v1.cni.cncf.io/network-status=";
	char *text = NULL, *line, *save = NULL;
	size_t cap = 0;
	FILE *f = fopen(file, "re");
	int added = 0;

	if (!f)
		return errno == ENOENT ? 0 : dpn_app_fail(err, "%s: %s", file, strerror(errno));
	ssize_t r = getdelim(&text, &cap, '\0', f);
	fclose(f);
	if (r < 0) {
		free(text);
		return 0;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *end;
		char src[600];
		if (strncmp(line, key, sizeof(key) - 1))
			continue;
		char *val = unquote(line + sizeof(key) - 1, &end);
		json_error_t jerr;
		json_t *arr = val ? json_loads(val, 0, &jerr) : NULL, *net;
		free(val);
		if (!json_is_array(arr)) {
			json_decref(arr);
			free(text);
			return dpn_app_fail(err, "%s: network-status is not a JSON list", file);
		}
		size_t i;
		json_array_foreach (arr, i, net) {
			json_t *di = json_object_get(net, "device-info");
			if (!di)
				continue;
			snprintf(src, sizeof(src), "%s network %s", file,
			        json_string_value(json_object_get(net, "name")) ?: "?");
			int r2 = from_devinfo(di, src, d, err);
			if (r2 < 0) {
				json_decref(arr);
				free(text);
				return r2;
			}
			added += r2;
		}
		json_decref(arr);
	}
	free(text);
	return added;
}
