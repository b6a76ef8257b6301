/* VF -> representor. Netdev representors are found by the PF's switch ID and
 * their phys_port_name (pfNvfM, cKpfNvfM; uplink pN) or, for Yusur, their
 * name pfNvfMrep; DPDK-representor vendors get devargs built from the NIC
 * table's template. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpn_devlink.h"
#include "sriov_priv.h"

struct netinfo {
	char name[16];
	char switch_id[64];
	char ppn[32];
	char parent[16]; /* PCI device the netdev hangs off */
};

static int collect(struct udev *u, struct netinfo **out)
{
	struct udev_enumerate *e = udev_enumerate_new(u);
	struct udev_list_entry *l;
	int n = 0;

	*out = NULL;
	udev_enumerate_add_match_subsystem(e, "net");
	udev_enumerate_scan_devices(e);
	udev_list_entry_foreach (l, udev_enumerate_get_list_entry(e)) {
		struct udev_device *d =
		        udev_device_new_from_syspath(u, udev_list_entry_get_name(l));
		struct netinfo *ni;
		if (!d)
			continue;
		ni = realloc(*out, sizeof(**out) * (n + 1));
		if (!ni) {
			udev_device_unref(d);
			break;
		}
		*out = ni;
		ni = &ni[n++];
		memset(ni, 0, sizeof(*ni));
		const char *sid = udev_device_get_sysattr_value(d, "phys_switch_id");
		const char *ppn = udev_device_get_sysattr_value(d, "phys_port_name");
		struct udev_device *pci =
		        udev_device_get_parent_with_subsystem_devtype(d, "pci", NULL);
		snprintf(ni->name, sizeof(ni->name), "%s", udev_device_get_sysname(d));
		snprintf(ni->switch_id, sizeof(ni->switch_id), "%s", sid ? sid : "");
		snprintf(ni->ppn, sizeof(ni->ppn), "%s", ppn ? ppn : "");
		snprintf(ni->parent, sizeof(ni->parent), "%s",
		        pci ? udev_device_get_sysname(pci) : "");
		udev_device_unref(d);
	}
	udev_enumerate_unref(e);
	return n;
}

static struct dpn_vf *vf_by_index(struct dpn_pf *pf, int idx)
{
	for (int i = 0; i < pf->n_vfs; i++)
		if (pf->vfs[i].index == idx)
			return &pf->vfs[i];
	return NULL;
}

/* The PFs of one PCI device: same domain, bus and slot ("DDDD:BB:DD."). */
static bool same_device(const struct dpn_pf *a, const struct dpn_pf *b)
{
	size_t stem = strlen(a->bdf) - 1;
	return !strcmp(a->bus, b->bus) && strlen(b->bdf) == stem + 1 &&
	       !strncmp(a->bdf, b->bdf, stem);
}

const struct dpn_pf *dpn_sriov_pf0(const struct dpn_inventory *inv, const struct dpn_pf *pf)
{
	for (int i = 0; i < inv->n_pfs; i++)
		if (same_device(&inv->pfs[i], pf) && inv->pfs[i].bdf[strlen(pf->bdf) - 1] == '0')
			return &inv->pfs[i];
	return NULL;
}

int dpn_sriov_device_numvfs(const struct dpn_inventory *inv, const struct dpn_pf *pf)
{
	int n = 0;
	for (int i = 0; i < inv->n_pfs; i++)
		n += same_device(&inv->pfs[i], pf) ? inv->pfs[i].numvfs : 0;
	return n;
}

int dpn_sriov_rep_index(
        json_t *rep, const struct dpn_inventory *inv, const struct dpn_pf *pf, int vf_index)
{
	const char *rule = json_string_value(json_object_get(rep, "index"));
	const struct dpn_pf *pf0 = dpn_sriov_pf0(inv, pf);
	/* Yunsilicon numbers the second PF's representors after PF0's VFs */
	if (rule && !strcmp(rule, "vf_plus_pf0_numvfs_on_second_pf") && pf0 && pf0 != pf)
		return vf_index + pf0->numvfs;
	return vf_index;
}

static int expand(char c, const struct dpn_rep_vars *v, char *out, size_t len)
{
	switch (c) {
	case 'B':
		return snprintf(out, len, "%s", v->pf->bdf);
	case 'b':
		return snprintf(out, len, "%s", v->vf->bdf);
	case 'U':
		return snprintf(out, len, "%s", v->uplink);
	case 'V':
		return snprintf(out, len, "%d", v->vf->index);
	case 'I':
		return snprintf(out, len, "%d", v->index);
	case 'P':
		return snprintf(out, len, "%d", v->pf->pfnum);
	case '%':
		return snprintf(out, len, "%%");
	default:
		return -1;
	}
}

int dpn_sriov_rep_template(const char *tmpl, const struct dpn_rep_vars *v, char *out, size_t len)
{
	size_t o = 0;

	for (const char *t = tmpl; *t; t++) {
		int n = *t == '%' ? expand(t[1], v, out + o, len - o)
		                  : snprintf(out + o, len - o, "%c", *t);
		if (n < 0)
			return -EINVAL;
		if ((size_t)n >= len - o)
			return -ENAMETOOLONG;
		o += n;
		t += *t == '%';
	}
	if (!len)
		return -ENAMETOOLONG;
	out[o] = '\0';
	return 0;
}

static void map_netdevs(struct dpn_pf *pf, json_t *rep, const struct netinfo *nets, int n)
{
	const char *vname = json_string_value(json_object_get(rep, "vf_name"));
	/* %F: Yusur counts PFs by PCI function, the others by the PF number */
	int want_pf = vname && strstr(vname, "%F") ? pf->bdf[strlen(pf->bdf) - 1] - '0' : pf->pfnum;

	for (int i = 0; i < n; i++) {
		const struct netinfo *ni = &nets[i];
		bool mine = pf->switch_id[0] ? !strcmp(ni->switch_id, pf->switch_id)
		                             : !strcmp(ni->parent, pf->bdf);
		if (!mine) /* the PF's own netdev is the uplink representor (pN) */
			continue;
		int ctl, p, v, kind;
		kind = dpn_sriov_parse_port_name(ni->ppn[0] ? ni->ppn : ni->name, &ctl, &p, &v);
		if (kind == 0 && ni->ppn[0]) /* Yusur: the name says it */
			kind = dpn_sriov_parse_port_name(ni->name, &ctl, &p, &v);
		if (ctl != 0 || p != want_pf)
			continue;
		if (kind == 2 && !pf->uplink_rep[0]) {
			snprintf(pf->uplink_rep, sizeof(pf->uplink_rep), "%s", ni->name);
		} else if (kind == 1) {
			struct dpn_vf *vf = vf_by_index(pf, v);
			if (vf && !vf->representor[0]) {
				snprintf(vf->representor, sizeof(vf->representor), "%s", ni->name);
				strcpy(vf->rep_kind, "netdev");
			}
		}
	}
}

/* devlink ports say it best: flavour pcivf, its VF number, its netdev. */
static void map_devlink(struct dpn_pf *pf)
{
	struct dpn_devlink_port *ports;
	int n = dpn_devlink_ports(pf->bus, pf->bdf, &ports);

	for (int i = 0; i < n; i++) {
		struct dpn_devlink_port *p = &ports[i];
		if (!p->netdev[0] || p->controller > 0)
			continue;
		if (dpn_devlink_port_is_uplink(p) && !pf->uplink_rep[0]) {
			snprintf(pf->uplink_rep, sizeof(pf->uplink_rep), "%s", p->netdev);
		} else if (dpn_devlink_port_is_vf(p)) {
			struct dpn_vf *vf = vf_by_index(pf, p->vfnum);
			if (vf && !vf->representor[0]) {
				snprintf(vf->representor, sizeof(vf->representor), "%s", p->netdev);
				strcpy(vf->rep_kind, "netdev");
			}
		}
	}
	if (n > 0)
		free(ports);
}

void dpn_sriov_map_reps(struct udev *u, const struct dpn_nic_table *t, struct dpn_inventory *inv)
{
	struct netinfo *nets;
	int n = collect(u, &nets);

	for (int i = 0; i < inv->n_pfs; i++) {
		struct dpn_pf *pf = &inv->pfs[i];
		map_devlink(pf);
		json_t *vendor = dpn_nic_vendor(t, pf->vendor_id);
		json_t *rep = json_object_get(vendor, "representors");
		const char *kind = json_string_value(json_object_get(rep, "kind"));
		/* an unknown vendor still gets the generic switchdev naming */
		if (!kind || strstr(kind, "netdev"))
			map_netdevs(pf, rep, nets, n);
		if (!kind || !strstr(kind, "dpdk"))
			continue;
		const char *tmpl = json_string_value(json_object_get(rep, "devargs"));
		const struct dpn_pf *pf0 = dpn_sriov_pf0(inv, pf);
		for (int k = 0; tmpl && k < pf->n_vfs; k++) {
			struct dpn_vf *vf = &pf->vfs[k];
			/* without the node's uplink (%U), the device's first PF */
			struct dpn_rep_vars rv = {.pf = pf,
			        .vf = vf,
			        .uplink = pf0 ? pf0->bdf : pf->bdf,
			        .index = dpn_sriov_rep_index(rep, inv, pf, vf->index)};
			if (dpn_sriov_rep_template(
			            tmpl, &rv, vf->rep_devargs, sizeof(vf->rep_devargs)) < 0)
				continue;
			if (!vf->representor[0]) {
				snprintf(vf->representor, sizeof(vf->representor), "%s",
				        vf->rep_devargs);
				strcpy(vf->rep_kind, "dpdk");
			}
		}
	}
	free(nets);
}
