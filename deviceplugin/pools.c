/* Device plugin pools as sriov-network-device-plugin defines them: a device
 * belongs to the first pool whose selectors (any of them; within one, every
 * given field) select it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devplugin_pools.h"
#include "dpn_devplugin.h"

int dpn_devplugin_pools_defaults(const struct dpn_inventory *inv, const struct dpn_nic_table *t,
        struct dpn_devplugin_pools *p)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < inv->n_pfs && p->n < DPN_DEVPLUGIN_MAX_POOLS; i++) {
		const struct dpn_pf *pf = &inv->pfs[i];
		const char *res = json_string_value(
		        json_object_get(dpn_nic_vendor(t, pf->vendor_id), "default_resource"));
		const char *slash = res ? strchr(res, '/') : NULL;
		if (!slash || !pf->numvfs)
			continue;
		/* the PFs of one vendor share its resource */
		int k;
		for (k = 0; k < p->n; k++)
			if (!strncmp(p->pool[k].prefix, res, slash - res) &&
			        !strcmp(p->pool[k].name, slash + 1))
				break;
		if (k == p->n) {
			snprintf(p->pool[k].prefix, sizeof(p->pool[k].prefix), "%.*s",
			        (int)(slash - res), res);
			snprintf(p->pool[k].name, sizeof(p->pool[k].name), "%s", slash + 1);
			p->pool[k].selectors = json_pack("[{s:[]}]", "rootDevices");
			p->n++;
		}
		json_array_append_new(
		        json_object_get(json_array_get(p->pool[k].selectors, 0), "rootDevices"),
		        json_string(pf->bdf));
	}
	return 0;
}

static bool in_list(json_t *list, const char *v, bool ci)
{
	json_t *x;
	size_t i;
	if (!v || !*v)
		return false;
	json_array_foreach (list, i, x)
		if (ci ? !strcasecmp(json_string_value(x), v) : !strcmp(json_string_value(x), v))
			return true;
	return false;
}

static bool selects(
        json_t *s, const struct dpn_pf *pf, const struct dpn_vf *vf, const char *link_type)
{
	json_t *v;

	if ((v = json_object_get(s, "vendors")) && !in_list(v, vf->vendor_id, true))
		return false;
	if ((v = json_object_get(s, "devices")) && !in_list(v, vf->device_id, true))
		return false;
	if ((v = json_object_get(s, "drivers")) && !in_list(v, vf->driver, false))
		return false;
	if ((v = json_object_get(s, "pciAddresses")) && !in_list(v, vf->bdf, true))
		return false;
	if ((v = json_object_get(s, "rootDevices")) && !in_list(v, pf->bdf, true))
		return false;
	if ((v = json_object_get(s, "linkTypes")) && !in_list(v, link_type, true))
		return false;
	if ((v = json_object_get(s, "isRdma")) && json_is_true(v) != (vf->rdma[0] != '\0'))
		return false;
	if ((v = json_object_get(s, "pfNames"))) {
		json_t *x;
		size_t i;
		bool any = false, m;
		json_array_foreach (v, i, x)
			if (dpn_devplugin_pfname_match(
			            json_string_value(x), pf->netdev, vf->index, &m) == 0 &&
			        m)
				any = true;
		if (!any)
			return false;
	}
	return true;
}

int dpn_devplugin_pool_of(const struct dpn_devplugin_pools *p, const struct dpn_pf *pf,
        const struct dpn_vf *vf, const char *link_type)
{
	for (int i = 0; i < p->n; i++) {
		json_t *s;
		size_t k;
		json_array_foreach (p->pool[i].selectors, k, s)
			if (selects(s, pf, vf, link_type))
				return i;
	}
	return -1;
}

json_t *dpn_devplugin_assign(const struct dpn_devplugin_pools *p, const struct dpn_inventory *inv)
{
	json_t *out = json_object();
	char key[300];

	for (int i = 0; i < p->n; i++) {
		snprintf(key, sizeof(key), "%s/%s", p->pool[i].prefix, p->pool[i].name);
		json_object_set_new(out, key, json_array()); /* empty pools are served too */
	}
	for (int i = 0; i < inv->n_pfs; i++) {
		const struct dpn_pf *pf = &inv->pfs[i];
		for (int k = 0; k < pf->n_vfs; k++) {
			const struct dpn_vf *vf = &pf->vfs[k];
			/* sriovdp takes a VF's link type from its netdev, else its PF's */
			int pi = vf->bdf[0]
			                 ? dpn_devplugin_pool_of(p, pf, vf,
			                           vf->link_type[0] ? vf->link_type : pf->link_type)
			                 : -1;
			if (pi < 0)
				continue;
			snprintf(key, sizeof(key), "%s/%s", p->pool[pi].prefix, p->pool[pi].name);
			json_array_append_new(json_object_get(out, key), json_string(vf->bdf));
		}
	}
	return out;
}

int dpn_devplugin_resource_of(const struct dpn_devplugin_conf *c, const struct dpn_inventory *inv,
        const struct dpn_nic_table *t, const char *vf_bdf, char *out, size_t len)
{
	struct dpn_devplugin_pools defaults = {0};
	const struct dpn_devplugin_pools *p = &c->pools;
	int ret = -ENODEV;

	if (!c->has_resources) {
		dpn_devplugin_pools_defaults(inv, t, &defaults);
		p = &defaults;
	}
	for (int i = 0; i < inv->n_pfs && ret == -ENODEV; i++) {
		const struct dpn_pf *pf = &inv->pfs[i];
		for (int k = 0; k < pf->n_vfs && ret == -ENODEV; k++) {
			const struct dpn_vf *vf = &pf->vfs[k];
			if (strcmp(vf->bdf, vf_bdf))
				continue;
			int pi = dpn_devplugin_pool_of(
			        p, pf, vf, vf->link_type[0] ? vf->link_type : pf->link_type);
			ret = pi < 0 ? -ENOENT : 0;
			if (pi >= 0)
				snprintf(out, len, "%s/%s", p->pool[pi].prefix, p->pool[pi].name);
		}
	}
	dpn_devplugin_pools_free(&defaults);
	return ret;
}
