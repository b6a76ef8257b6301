/* conf internal: JSON walking with a path for error messages. */
#ifndef DPN_CONF_CTX_H
#define DPN_CONF_CTX_H

#include "dpn_conf.h"

struct cctx {
	struct dpn_conf_errors *errs;
	const struct dpn_machine *m;
	char path[512];
};

/* Path handling: returns the old length to restore with cctx_pop. */
size_t cctx_push(struct cctx *x, const char *key);
size_t cctx_push_idx(struct cctx *x, size_t idx);
void cctx_pop(struct cctx *x, size_t old);
/* Calls fn for each element of arr (the value of key) with the path at
 * "key[i]"; an element that is not an object is reported instead. */
void cforeach_obj(struct cctx *x, json_t *arr, const char *key,
        void (*fn)(struct cctx *x, json_t *item, size_t i, void *arg), void *arg);

/* "path.key: msg"; key may be NULL for the current path. */
void cerr(struct cctx *x, const char *key, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* The value as JSON text for messages; caller frees. */
char *cval(const json_t *v);

/* Reports every key of obj not in keys (NULL terminated). */
void cobj_check(struct cctx *x, json_t *obj, const char *const keys[]);
/* Each getter leaves *dst alone when the key is absent and reports wrong
 * types/values itself; returns 0 when set, -ENOENT when absent, -EINVAL
 * when bad (already reported). */
int cget_str(struct cctx *x, json_t *obj, const char *key, char *dst, size_t len);
int cget_int(struct cctx *x, json_t *obj, const char *key, long min, long max, long *dst);
int cget_bool(struct cctx *x, json_t *obj, const char *key, bool *dst);
/* Object-valued key: returns it or NULL (absent or reported as wrong type). */
json_t *cget_obj(struct cctx *x, json_t *obj, const char *key);
json_t *cget_arr(struct cctx *x, json_t *obj, const char *key);
/* Picks one of names[] (NULL terminated) into *dst (its index); returns as
 * the getters above. */
int cget_enum(struct cctx *x, json_t *obj, const char *key, const char *const names[], int *dst);

/* An absolute path (reported otherwise). */
void ccheck_abs_path(struct cctx *x, json_t *obj, const char *key, char *dst, size_t len);
void ccheck_ifname(struct cctx *x, const char *key, const char *name);
/* Array of MB per NUMA node ([1024, 1024]) into dst/n; returns as cget_*. */
int cget_mb_list(struct cctx *x, json_t *o, const char *key, long *dst, int *n);

/* Sections in their own files. */
void dpn_conf_parse_sriov(struct cctx *x, json_t *o, struct dpn_sriov_conf *s);
void dpn_conf_parse_ovs(struct cctx *x, json_t *o, struct dpn_ovs_conf *ovs);
void dpn_conf_parse_uplink(struct cctx *x, json_t *o, struct dpn_uplink_conf *u);
void dpn_conf_parse_integration(struct cctx *x, json_t *o, struct dpn_conf *c);
void dpn_conf_parse_ovn(struct cctx *x, json_t *o, struct dpn_ovn_conf *ovn);
void dpn_conf_parse_metrics(struct cctx *x, json_t *o, struct dpn_metrics_conf *m);

#endif
