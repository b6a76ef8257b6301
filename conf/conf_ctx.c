#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "conf_ctx.h"

void dpn_conf_errorf(struct dpn_conf_errors *e, const char *fmt, ...)
{
	char **n;
	char *line;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (!line)
		return;
	n = realloc(e->lines, sizeof(*n) * (e->n + 1));
	if (!n) {
		free(line);
		return;
	}
	e->lines = n;
	e->lines[e->n++] = line;
}

void dpn_conf_errors_free(struct dpn_conf_errors *e)
{
	for (int i = 0; i < e->n; i++)
		free(e->lines[i]);
	free(e->lines);
	e->lines = NULL;
	e->n = 0;
}

void dpn_conf_errors_print(const struct dpn_conf_errors *e, FILE *f)
{
	for (int i = 0; i < e->n; i++)
		fprintf(f, "%s\n", e->lines[i]);
}

size_t cctx_push(struct cctx *x, const char *key)
{
	size_t old = strlen(x->path);
	snprintf(x->path + old, sizeof(x->path) - old, "%s%s", old ? "." : "", key);
	return old;
}

size_t cctx_push_idx(struct cctx *x, size_t idx)
{
	size_t old = strlen(x->path);
	snprintf(x->path + old, sizeof(x->path) - old, "[%zu]", idx);
	return old;
}

void cforeach_obj(struct cctx *x, json_t *arr, const char *key,
        void (*fn)(struct cctx *x, json_t *item, size_t i, void *arg), void *arg)
{
	size_t old = cctx_push(x, key), i;
	json_t *v;

	json_array_foreach (arr, i, v) {
		size_t o2 = cctx_push_idx(x, i);
		if (json_is_object(v))
			fn(x, v, i, arg);
		else
			cerr(x, NULL, "expected an object");
		cctx_pop(x, o2);
	}
	cctx_pop(x, old);
}

void cctx_pop(struct cctx *x, size_t old)
{
	x->path[old] = '\0';
}

void cerr(struct cctx *x, const char *key, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (key)
		dpn_conf_errorf(x->errs, "%s%s%s: %s", x->path, x->path[0] ? "." : "", key, msg);
	else
		dpn_conf_errorf(x->errs, "%s: %s", x->path[0] ? x->path : "(root)", msg);
}

char *cval(const json_t *v)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	return s ? s : strdup("?");
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

void cobj_check(struct cctx *x, json_t *obj, const char *const keys[])
{
	const char *k;
	json_t *v;

	json_object_foreach (obj, k, v) {
		size_t i;
		for (i = 0; keys[i]; i++)
			if (strcmp(keys[i], k) == 0)
				break;
		if (keys[i])
			continue;
		char allowed[512] = "";
		size_t off = 0;
		for (i = 0; keys[i] && off < sizeof(allowed); i++)
			off += snprintf(allowed + off, sizeof(allowed) - off, "%s%s", i ? ", " : "",
			        keys[i]);
		cerr(x, k, "unknown key (expected one of: %s)", allowed);
	}
}

static json_t *want(struct cctx *x, json_t *obj, const char *key, json_type t, const char *what)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return NULL;
	if (json_typeof(v) != t && !(t == JSON_TRUE && json_is_boolean(v))) {
		cerr(x, key, "expected %s, got %s", what, type_name(v));
		return NULL;
	}
	return v;
}

int cget_str(struct cctx *x, json_t *obj, const char *key, char *dst, size_t len)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return -ENOENT;
	if (!json_is_string(v)) {
		cerr(x, key, "expected a string, got %s", type_name(v));
		return -EINVAL;
	}
	if (json_string_length(v) >= len) {
		cerr(x, key, "longer than %zu characters", len - 1);
		return -EINVAL;
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		cerr(x, key, "contains a NUL character");
		return -EINVAL;
	}
	strcpy(dst, json_string_value(v));
	return 0;
}

int cget_int(struct cctx *x, json_t *obj, const char *key, long min, long max, long *dst)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return -ENOENT;
	if (!json_is_integer(v)) {
		cerr(x, key, "expected an integer, got %s", type_name(v));
		return -EINVAL;
	}
	json_int_t i = json_integer_value(v);
	if (i < min || i > max) {
		cerr(x, key, "%lld is out of range (%ld..%ld)", (long long)i, min, max);
		return -EINVAL;
	}
	*dst = i;
	return 0;
}

int cget_bool(struct cctx *x, json_t *obj, const char *key, bool *dst)
{
	json_t *v = want(x, obj, key, JSON_TRUE, "a boolean (true/false)");
	if (!v)
		return json_object_get(obj, key) ? -EINVAL : -ENOENT;
	*dst = json_is_true(v);
	return 0;
}

json_t *cget_obj(struct cctx *x, json_t *obj, const char *key)
{
	return want(x, obj, key, JSON_OBJECT, "an object");
}

json_t *cget_arr(struct cctx *x, json_t *obj, const char *key)
{
	return want(x, obj, key, JSON_ARRAY, "an array");
}

int cget_enum(struct cctx *x, json_t *obj, const char *key, const char *const names[], int *dst)
{
	char buf[64];
	int r = cget_str(x, obj, key, buf, sizeof(buf));
	if (r < 0)
		return r;
	for (int i = 0; names[i]; i++) {
		if (strcmp(names[i], buf) == 0) {
			*dst = i;
			return 0;
		}
	}
	char allowed[256] = "";
	size_t off = 0;
	for (int i = 0; names[i]; i++)
		off += snprintf(
		        allowed + off, sizeof(allowed) - off, "%s%s", i ? ", " : "", names[i]);
	cerr(x, key, "\"%s\" is not one of: %s", buf, allowed);
	return -EINVAL;
}

void ccheck_abs_path(struct cctx *x, json_t *obj, const char *key, char *dst, size_t len)
{
	if (cget_str(x, obj, key, dst, len) == 0 && dst[0] != '/')
		cerr(x, key, "\"%s\" is not an absolute path", dst);
}

void ccheck_ifname(struct cctx *x, const char *key, const char *name)
{
	if (!dpn_ifname_valid(name))
		cerr(x, key,
		        "\"%s\" is not an interface name (1-15 characters, no '/', ':' or spaces)",
		        name);
}

/* Array of MB per NUMA node: [1024, 1024]. */
int cget_mb_list(struct cctx *x, json_t *o, const char *key, long *dst, int *n)
{
	json_t *arr = cget_arr(x, o, key), *v;
	size_t i;

	if (!arr)
		return -ENOENT;
	if (json_array_size(arr) == 0 || json_array_size(arr) > DPN_MAX_NUMA) {
		cerr(x, key, "expected 1 to %d entries (MB per NUMA node)", DPN_MAX_NUMA);
		return -EINVAL;
	}
	size_t old = cctx_push(x, key);
	json_array_foreach (arr, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		        json_integer_value(v) > 16 * 1024 * 1024) {
			char *s = cval(v);
			cerr(x, NULL, "[%zu] %s is not a size in MB (0..16777216)", i, s);
			free(s);
			continue;
		}
		dst[i] = json_integer_value(v);
	}
	cctx_pop(x, old);
	*n = json_array_size(arr);
	return 0;
}
