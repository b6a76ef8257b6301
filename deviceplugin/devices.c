/* A resource's devices and health, and what an Allocate returns. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devplugin_pools.h"
#include "devplugin_alloc.h"
#include "devplugin_res.h"
#include "dpn_util.h"

int dpn_devres_init(struct dpn_devres *r, const struct dpn_devplugin_pools *p, int pool)
{
	const struct dpn_devplugin_pool *pl = &p->pool[pool];

	memset(r, 0, sizeof(*r));
	r->pool = pool;
	snprintf(r->prefix, sizeof(r->prefix), "%s", pl->prefix);
	snprintf(r->name, sizeof(r->name), "%s", pl->name);
	if (dpn_snprintf(r->resource, sizeof(r->resource), "%s/%s", pl->prefix, pl->name) < 0)
		return -ENAMETOOLONG;
	/* sriovdp's socket name: the resource with '/' as '_' */
	snprintf(r->endpoint, sizeof(r->endpoint), "%s_%s.sock", pl->prefix, pl->name);
	dpn_devplugin_env_name(pl->prefix, pl->name, r->env, sizeof(r->env));
	r->exclude_topology = pl->exclude_topology;
	r->need_vhost_net = pl->need_vhost_net;
	return 0;
}

void dpn_devres_fini(struct dpn_devres *r)
{
	free(r->dev);
	r->dev = NULL;
	r->n_dev = 0;
}

static const struct dpn_vf *find_vf(
        const struct dpn_inventory *inv, const char *id, const struct dpn_pf **pf)
{
	for (int i = 0; i < inv->n_pfs; i++)
		for (int k = 0; k < inv->pfs[i].n_vfs; k++)
			if (!strcmp(inv->pfs[i].vfs[k].bdf, id)) {
				*pf = &inv->pfs[i];
				return &inv->pfs[i].vfs[k];
			}
	return NULL;
}

const struct dpn_devres_dev *dpn_devres_find(const struct dpn_devres *r, const char *id)
{
	for (int i = 0; i < r->n_dev; i++)
		if (!strcmp(r->dev[i].id, id))
			return &r->dev[i];
	return NULL;
}

static const char *vf_link(const struct dpn_pf *pf, const struct dpn_vf *vf)
{
	return vf->link_type[0] ? vf->link_type : pf->link_type;
}

/* The drivers the pool's selectors name, joined ("" when none does);
 * *named: drv is one of them. */
static void expected_drivers(
        const struct dpn_devplugin_pool *pl, const char *drv, char *out, size_t len, bool *named)
{
	json_t *s, *d;
	size_t i, k;
	out[0] = '\0';
	*named = false;
	json_array_foreach (pl->selectors, i, s)
		json_array_foreach (json_object_get(s, "drivers"), k, d) {
			size_t n = strlen(out);
			snprintf(out + n, len - n, "%s%s", n ? ", " : "", json_string_value(d));
			*named |= !strcmp(json_string_value(d), drv);
		}
}

static void health(struct dpn_devres_dev *d, const struct dpn_devplugin_pools *p, int pool,
        const struct dpn_pf *pf, const struct dpn_vf *vf)
{
	char drivers[256];

	d->healthy = false;
	d->present = vf != NULL;
	if (!vf) {
		snprintf(d->why, sizeof(d->why), "gone");
		return;
	}
	d->numa = vf->numa;
	snprintf(d->pf, sizeof(d->pf), "%s", pf->bdf);
	if (!vf->driver[0]) {
		snprintf(d->why, sizeof(d->why), "no driver bound");
		return;
	}
	if (dpn_devplugin_pool_of(p, pf, vf, vf_link(pf, vf)) != pool) {
		bool named;
		expected_drivers(&p->pool[pool], vf->driver, drivers, sizeof(drivers), &named);
		if (drivers[0] && !named)
			snprintf(d->why, sizeof(d->why), "driver %s, the pool expects %s",
			        vf->driver, drivers);
		else
			snprintf(d->why, sizeof(d->why), "no longer selected by the pool");
		return;
	}
	if (!strcmp(pf->operstate, "down")) {
		snprintf(d->why, sizeof(d->why), "PF %s link down", pf->netdev);
		return;
	}
	d->why[0] = '\0';
	d->healthy = true;
}

static bool same(const struct dpn_devres_dev *a, const struct dpn_devres_dev *b)
{
	return a->healthy == b->healthy && a->present == b->present && a->numa == b->numa &&
	       !strcmp(a->why, b->why) && !strcmp(a->pf, b->pf);
}

bool dpn_devres_update(
        struct dpn_devres *r, const struct dpn_devplugin_pools *p, const struct dpn_inventory *inv)
{
	bool changed = false;

	/* known devices first: they keep their place in the list */
	for (int i = 0; i < r->n_dev; i++) {
		const struct dpn_pf *pf = NULL;
		const struct dpn_vf *vf = find_vf(inv, r->dev[i].id, &pf);
		struct dpn_devres_dev old = r->dev[i];
		health(&r->dev[i], p, r->pool, pf, vf);
		changed |= !same(&old, &r->dev[i]);
	}
	for (int i = 0; i < inv->n_pfs; i++) {
		const struct dpn_pf *pf = &inv->pfs[i];
		for (int k = 0; k < pf->n_vfs; k++) {
			const struct dpn_vf *vf = &pf->vfs[k];
			if (!vf->bdf[0] || dpn_devres_find(r, vf->bdf) ||
			        dpn_devplugin_pool_of(p, pf, vf, vf_link(pf, vf)) != r->pool)
				continue;
			struct dpn_devres_dev *n = realloc(r->dev, (r->n_dev + 1) * sizeof(*n));
			if (!n)
				return changed;
			r->dev = n;
			n = &r->dev[r->n_dev++];
			memset(n, 0, sizeof(*n));
			snprintf(n->id, sizeof(n->id), "%s", vf->bdf);
			health(n, p, r->pool, pf, vf);
			changed = true;
		}
	}
	if (changed)
		r->version++;
	return changed;
}

/* sriovdp's _INFO entry for a device, from the specs it got. */
static json_t *info_of(const char *id, json_t *specs)
{
	json_t *info = json_pack("{s:{s:s}}", "generic", "deviceID", id), *s;
	size_t i;

	json_array_foreach (specs, i, s) {
		const char *c = json_string_value(json_object_get(s, "container_path"));
		const char *base = strrchr(c, '/') + 1;
		json_t *o;
		if (!strncmp(c, "/dev/vfio/", 10)) {
			if (!(o = json_object_get(info, "vfio")))
				json_object_set_new(info, "vfio", o = json_object());
			json_object_set_new(
			        o, strcmp(base, "vfio") ? "dev-mount" : "mount", json_string(c));
		} else if (!strncmp(c, "/dev/infiniband/", 16)) {
			if (!(o = json_object_get(info, "rdma")))
				json_object_set_new(info, "rdma", o = json_object());
			char key[32];
			snprintf(key, sizeof(key), "%.*s", (int)strcspn(base, "0123456789"), base);
			json_object_set_new(o, key, json_string(c));
		} else {
			if (!(o = json_object_get(info, "vhost")))
				json_object_set_new(info, "vhost", o = json_object());
			json_object_set_new(o, !strcmp(base, "tun") ? "tun-mount" : "net-mount",
			        json_string(c));
		}
	}
	return info;
}

static bool has_spec(json_t *all, json_t *s)
{
	json_t *x;
	size_t i;
	json_array_foreach (all, i, x)
		if (json_equal(x, s))
			return true;
	return false;
}

json_t *dpn_devres_allocate(const struct dpn_devres *r, const struct dpn_inventory *inv,
        const char *root, const char *const *ids, int n, struct dpn_err *err)
{
	dpn_err_clear(err);
	for (int i = 0; i < n; i++) {
		const struct dpn_devres_dev *d = dpn_devres_find(r, ids[i]);
		if (!d) {
			dpn_err_set(err, -EINVAL, "device %s is not a device of %s", ids[i],
			        r->resource);
			return NULL;
		}
		if (!d->healthy) {
			dpn_err_set(err, -EINVAL, "device %s of %s (%s) is unhealthy", ids[i],
			        r->resource, d->why);
			return NULL;
		}
	}
	json_t *out = json_pack("{s:{}, s:[], s:{}}", "envs", "devices", "devinfo");
	json_t *infos = json_object();
	char list[4096] = "";
	for (int i = 0; i < n; i++) {
		const struct dpn_pf *pf;
		const struct dpn_vf *vf = find_vf(inv, ids[i], &pf);
		json_t *specs = json_array(), *s;
		size_t k;
		if (!vf ||
		        dpn_devplugin_device_specs(root, vf, r->need_vhost_net, specs, err) < 0) {
			json_decref(specs);
			json_decref(infos);
			json_decref(out);
			if (!vf) /* else err says what the VF lacks */
				dpn_err_set(err, -ENODEV, "device %s of %s is gone", ids[i],
				        r->resource);
			return NULL;
		}
		json_array_foreach (specs, k, s)
			if (!has_spec(json_object_get(out, "devices"), s))
				json_array_append(json_object_get(out, "devices"), s);
		json_object_set_new(infos, ids[i], info_of(ids[i], specs));
		json_object_set_new(
		        json_object_get(out, "devinfo"), ids[i], dpn_devplugin_devinfo(pf, vf));
		json_decref(specs);
		size_t l = strlen(list);
		snprintf(list + l, sizeof(list) - l, "%s%s", l ? "," : "", ids[i]);
	}
	char key[320];
	json_object_set_new(json_object_get(out, "envs"), r->env, json_string(list));
	snprintf(key, sizeof(key), "%s_INFO", r->env);
	char *dump = json_dumps(infos, JSON_COMPACT | JSON_SORT_KEYS);
	json_object_set_new(json_object_get(out, "envs"), key, json_string(dump ? dump : "{}"));
	free(dump);
	json_decref(infos);
	return out;
}

json_t *dpn_devres_preferred(const struct dpn_devres *r, const char *const *avail, int n_avail,
        const char *const *must, int n_must, int size)
{
	struct dpn_devplugin_cand *c = calloc(n_avail ? n_avail : 1, sizeof(*c));
	int n = 0;
	if (!c)
		return NULL;
	for (int i = 0; i < n_avail; i++) {
		const struct dpn_devres_dev *d = dpn_devres_find(r, avail[i]);
		/* kubelet only offers what we advertised; unknown IDs get no NUMA/PF */
		c[n++] = (struct dpn_devplugin_cand){
		        .id = avail[i], .numa = d ? d->numa : -1, .pf = d ? d->pf : ""};
	}
	json_t *out = dpn_devplugin_preferred(c, n, must, n_must, size);
	free(c);
	return out;
}

void dpn_devres_devinfo_name(const struct dpn_devres *r, const char *id, char *out, size_t len)
{
	snprintf(out, len, "%s-%s-%s-device.json", r->prefix, r->name, id);
}
