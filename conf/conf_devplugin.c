/* Node config: device plugin pools in sriov-network-device-plugin's
 * resourceList format, validated so a bad selector is a config error. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_ctx.h"

static const char *const list_keys[] = {"vendors", "devices", "drivers", "pciAddresses", "pfNames",
        "rootDevices", "linkTypes", NULL};

/* "0-3,5" -> checks syntax; with idx >= 0 says whether idx is in it. */
static int range_has(const char *r, int idx, bool *in)
{
	const char *p = r;
	*in = false;
	if (!*p)
		return -EINVAL;
	while (*p) {
		char *end;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		long a = strtol(p, &end, 10), b = a;
		p = end;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				return -EINVAL;
			b = strtol(p, &end, 10);
			p = end;
			if (b < a)
				return -EINVAL;
		}
		if (idx >= a && idx <= b)
			*in = true;
		if (*p == ',') {
			p++;
			if (!*p)
				return -EINVAL;
		} else if (*p) {
			return -EINVAL;
		}
	}
	return 0;
}

int dpn_devplugin_pfname_match(const char *entry, const char *pf, int idx, bool *match)
{
	const char *hash = strchr(entry, '#');
	size_t n = hash ? (size_t)(hash - entry) : strlen(entry);
	bool in = true;

	*match = false;
	if (n == 0 || n > 15)
		return -EINVAL;
	if (hash && range_has(hash + 1, idx, &in) < 0)
		return -EINVAL;
	*match = pf && strlen(pf) == n && !strncmp(entry, pf, n) && in;
	return 0;
}

static void err_at(
        struct dpn_conf_errors *e, const char *where, size_t i, const char *what, const char *msg)
{
	dpn_conf_errorf(e, "%s[%zu]%s%s: %s", where, i, what[0] ? "." : "", what, msg);
}

static void check_selector(
        json_t *s, const char *where, size_t i, const char *sel, struct dpn_conf_errors *e)
{
	const char *k;
	json_t *v;

	json_object_foreach (s, k, v) {
		char at[160];
		snprintf(at, sizeof(at), "%s.%s", sel, k);
		if (!strcmp(k, "isRdma") || !strcmp(k, "needVhostNet")) {
			if (!json_is_boolean(v))
				err_at(e, where, i, at, "expected true or false");
			continue;
		}
		size_t j;
		for (j = 0; list_keys[j] && strcmp(list_keys[j], k); j++)
			;
		if (!list_keys[j]) {
			err_at(e, where, i, at,
			        "unknown selector (vendors, devices, drivers, "
			        "pciAddresses, pfNames, rootDevices, linkTypes, isRdma, "
			        "needVhostNet)");
			continue;
		}
		if (!json_is_array(v)) {
			err_at(e, where, i, at, "expected a list of strings");
			continue;
		}
		size_t n;
		json_t *x;
		json_array_foreach (v, n, x) {
			char at2[200], msg[160];
			const char *s2 = json_string_value(x);
			snprintf(at2, sizeof(at2), "%s[%zu]", at, n);
			bool in;
			if (!s2)
				err_at(e, where, i, at2, "expected a string");
			else if (!strcmp(k, "pfNames") &&
			         dpn_devplugin_pfname_match(s2, NULL, -1, &in) < 0) {
				snprintf(msg, sizeof(msg),
				        "\"%s\" is not NAME or NAME#RANGE (e.g. "
				        "enp2s0f0#0-3,5)",
				        s2);
				err_at(e, where, i, at2, msg);
			} else if ((!strcmp(k, "pciAddresses") || !strcmp(k, "rootDevices")) &&
			           !dpn_pci_addr_valid(s2)) {
				snprintf(msg, sizeof(msg),
				        "\"%s\" is not a PCI address (DDDD:BB:DD.F)", s2);
				err_at(e, where, i, at2, msg);
			}
		}
	}
}

static bool name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
			return false;
	return true;
}

int dpn_devplugin_pools_parse(json_t *list, const char *where, struct dpn_devplugin_pools *p,
        struct dpn_conf_errors *errs)
{
	int before = errs->n;
	json_t *r;
	size_t i;

	memset(p, 0, sizeof(*p));
	if (!json_is_array(list)) {
		dpn_conf_errorf(errs, "%s: expected a list of resources", where);
		return -EINVAL;
	}
	json_array_foreach (list, i, r) {
		static const char *const keys[] = {"resourceName", "resourcePrefix", "deviceType",
		        "selectors", "excludeTopology", "additionalInfo", NULL};
		const char *k, *name = json_string_value(json_object_get(r, "resourceName"));
		const char *prefix = json_string_value(json_object_get(r, "resourcePrefix"));
		const char *type = json_string_value(json_object_get(r, "deviceType"));
		json_t *v, *sel = json_object_get(r, "selectors");
		if (!json_is_object(r)) {
			err_at(errs, where, i, "", "expected an object");
			continue;
		}
		json_object_foreach (r, k, v) {
			size_t j;
			for (j = 0; keys[j] && strcmp(keys[j], k); j++)
				;
			if (!keys[j])
				err_at(errs, where, i, k, "unknown key");
		}
		if (!name || !name_ok(name))
			err_at(errs, where, i, "resourceName",
			        "missing or not a resource name "
			        "(letters, digits, '_', '-', '.')");
		if (prefix && !name_ok(prefix))
			err_at(errs, where, i, "resourcePrefix", "not a DNS-style prefix");
		if (type && strcmp(type, "netDevice"))
			err_at(errs, where, i, "deviceType", "only netDevice is supported");
		if (p->n >= DPN_DEVPLUGIN_MAX_POOLS) {
			err_at(errs, where, i, "", "too many resources");
			break;
		}
		struct dpn_devplugin_pool *pool = &p->pool[p->n];
		/* one selector object or a list of them (any one may select) */
		json_t *sels = json_is_object(sel)  ? json_pack("[O]", sel)
		               : json_is_array(sel) ? json_incref(sel)
		                                    : NULL;
		if (!sels) {
			err_at(errs, where, i, "selectors",
			        "expected an object or a list of objects");
			continue;
		}
		size_t si;
		json_t *s;
		json_array_foreach (sels, si, s) {
			char at[32];
			snprintf(at, sizeof(at),
			        json_is_array(sel) ? "selectors[%zu]" : "selectors", si);
			if (!json_is_object(s))
				err_at(errs, where, i, at, "expected an object");
			else
				check_selector(s, where, i, at, errs);
			if (json_is_true(json_object_get(s, "needVhostNet")))
				pool->need_vhost_net = true;
		}
		snprintf(pool->prefix, sizeof(pool->prefix), "%s", prefix ? prefix : "intel.com");
		snprintf(pool->name, sizeof(pool->name), "%s", name ? name : "");
		pool->exclude_topology = json_is_true(json_object_get(r, "excludeTopology"));
		pool->selectors = sels;
		p->n++;
	}
	if (errs->n > before) {
		dpn_devplugin_pools_free(p);
		return -EINVAL;
	}
	return 0;
}

int dpn_devplugin_pools_load_sriovdp(
        const char *path, struct dpn_devplugin_pools *p, struct dpn_conf_errors *errs)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	int ret;

	memset(p, 0, sizeof(*p));
	if (!root) {
		dpn_conf_errorf(errs, "%s:%d: %s", path, jerr.line, jerr.text);
		return -EINVAL;
	}
	char where[512];
	snprintf(where, sizeof(where), "%s: resourceList", path);
	ret = dpn_devplugin_pools_parse(json_object_get(root, "resourceList"), where, p, errs);
	json_decref(root);
	return ret;
}

void dpn_devplugin_pools_free(struct dpn_devplugin_pools *p)
{
	for (int i = 0; i < p->n; i++)
		json_decref(p->pool[i].selectors);
	p->n = 0;
}
