/* Inventory of SR-IOV NICs through libudev (and sysfs links libudev does not
 * model: physfn, virtfnN, iommu_group). Works the same under umockdev. */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libudev.h>

#include "dpn_devlink.h"
#include "dpn_vfnl.h"
#include "dpn_util.h"
#include "sriov_priv.h"

int dpn_sriov_parse_port_name(const char *name, int *controller, int *pf, int *vf)
{
	int n = 0;

	*controller = 0;
	*pf = *vf = -1;
	if (sscanf(name, "c%dpf%dvf%d%n", controller, pf, vf, &n) == 3 && !name[n])
		return 1;
	*controller = 0;
	if (sscanf(name, "pf%dvf%d%n", pf, vf, &n) == 2 && (!name[n] || !strcmp(name + n, "rep")))
		return 1;
	if (sscanf(name, "p%d%n", pf, &n) == 1 && !name[n])
		return 2;
	*pf = *vf = -1;
	return 0;
}

static void hexid(const char *v, char out[8])
{
	snprintf(out, 8, "%s", v && !strncmp(v, "0x", 2) ? v + 2 : (v ? v : ""));
}

static int link_base(const char *dir, const char *link, char *out, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	if (dpn_snprintf(path, sizeof(path), "%s/%s", dir, link) < 0)
		return -ENAMETOOLONG;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	snprintf(out, len, "%s", basename(target));
	return 0;
}

/* ARPHRD of a netdev as sriovdp names it */
static void link_type(struct udev *u, const char *netdev, char *out, size_t len)
{
	struct udev_device *n =
	        netdev[0] ? udev_device_new_from_subsystem_sysname(u, "net", netdev) : NULL;
	const char *t = n ? udev_device_get_sysattr_value(n, "type") : NULL;
	snprintf(out, len, "%s",
	        !t              ? ""
	        : atoi(t) == 32 ? "infiniband"
	        : atoi(t) == 1  ? "ether"
	                        : t);
	if (n)
		udev_device_unref(n);
}

static int attr_int(struct udev_device *d, const char *name, int dflt)
{
	const char *v = udev_device_get_sysattr_value(d, name);
	return v ? atoi(v) : dflt;
}

static int iommu_group(struct udev_device *d)
{
	char g[32];
	return link_base(udev_device_get_syspath(d), "iommu_group", g, sizeof(g)) == 0 ? atoi(g)
	                                                                               : -1;
}

/* Devices of one subsystem, children of parent when given. */
static int each_dev(struct udev *u, struct udev_device *parent, const char *subsystem,
        void (*fn)(struct udev_device *d, void *arg), void *arg)
{
	struct udev_enumerate *e = udev_enumerate_new(u);
	struct udev_list_entry *l;
	int n = 0;

	if (parent)
		udev_enumerate_add_match_parent(e, parent);
	udev_enumerate_add_match_subsystem(e, subsystem);
	udev_enumerate_scan_devices(e);
	udev_list_entry_foreach (l, udev_enumerate_get_list_entry(e)) {
		struct udev_device *c =
		        udev_device_new_from_syspath(u, udev_list_entry_get_name(l));
		if (!c)
			continue;
		fn(c, arg);
		udev_device_unref(c);
		n++;
	}
	udev_enumerate_unref(e);
	return n;
}

struct pick {
	char *out;
	size_t len;
	bool skip_reps; /* a PF's own netdev, not the representors under it */
};

static void pick_first(struct udev_device *c, void *arg)
{
	struct pick *p = arg;
	const char *ppn = udev_device_get_sysattr_value(c, "phys_port_name");
	int ctl, pf, vf;

	if (p->out[0])
		return;
	if (p->skip_reps && ppn && dpn_sriov_parse_port_name(ppn, &ctl, &pf, &vf) == 1)
		return;
	snprintf(p->out, p->len, "%s", udev_device_get_sysname(c));
}

static void child_name(struct udev *u, struct udev_device *d, const char *subsystem, bool pf,
        char *out, size_t len)
{
	struct pick p = {.out = out, .len = len, .skip_reps = pf};
	out[0] = '\0';
	each_dev(u, d, subsystem, pick_first, &p);
}

static void fill_common(struct udev *u, struct udev_device *d, char *vendor, char *device,
        char *driver, size_t dlen, int *numa, int *group)
{
	const char *drv = udev_device_get_driver(d);
	hexid(udev_device_get_sysattr_value(d, "vendor"), vendor);
	hexid(udev_device_get_sysattr_value(d, "device"), device);
	snprintf(driver, dlen, "%s", drv ? drv : "");
	*numa = attr_int(d, "numa_node", -1);
	*group = iommu_group(d);
	(void)u;
}

static int add_pf(struct udev *u, const struct dpn_nic_table *t, struct udev_device *d,
        struct dpn_inventory *inv)
{
	struct dpn_pf *pfs = realloc(inv->pfs, sizeof(*pfs) * (inv->n_pfs + 1)), *p;

	if (!pfs)
		return -ENOMEM;
	inv->pfs = pfs;
	p = &pfs[inv->n_pfs++];
	memset(p, 0, sizeof(*p));
	snprintf(p->bus, sizeof(p->bus), "%s", udev_device_get_subsystem(d));
	snprintf(p->bdf, sizeof(p->bdf), "%s", udev_device_get_sysname(d));
	fill_common(u, d, p->vendor_id, p->device_id, p->driver, sizeof(p->driver), &p->numa,
	        &p->iommu_group);
	p->numvfs = attr_int(d, "sriov_numvfs", 0);
	p->totalvfs = attr_int(d, "sriov_totalvfs", 0);
	json_t *v = dpn_nic_vendor(t, p->vendor_id), *m = dpn_nic_model(v, p->device_id, false);
	snprintf(p->vendor, sizeof(p->vendor), "%s",
	        v ? json_string_value(json_object_get(v, "name")) : "");
	snprintf(p->model, sizeof(p->model), "%s",
	        m ? json_string_value(json_object_get(m, "model")) : "");
	child_name(u, d, "net", true, p->netdev, sizeof(p->netdev));
	link_type(u, p->netdev, p->link_type, sizeof(p->link_type));
	child_name(u, d, "infiniband", false, p->rdma, sizeof(p->rdma));
	p->pfnum = strcmp(p->bus, "pci") ? 0 : p->bdf[strlen(p->bdf) - 1] - '0';
	enum dpn_eswitch_mode mode;
	if (dpn_devlink_eswitch_get(p->bus, p->bdf, &mode) == 0)
		snprintf(p->eswitch, sizeof(p->eswitch), "%s", dpn_eswitch_mode_name(mode));
	/* netdevsim's VFs are not devices: list them by index */
	if (strcmp(p->bus, "pci") && p->numvfs > 0) {
		p->vfs = calloc(p->numvfs, sizeof(*p->vfs));
		if (!p->vfs)
			return -ENOMEM;
		for (int i = 0; i < p->numvfs; i++) {
			p->vfs[i].index = i;
			p->vfs[i].numa = p->vfs[i].iommu_group = -1;
		}
		p->n_vfs = p->numvfs;
	}
	if (p->netdev[0]) {
		struct udev_device *n = udev_device_new_from_subsystem_sysname(u, "net", p->netdev);
		const char *sid = n ? udev_device_get_sysattr_value(n, "phys_switch_id") : NULL;
		const char *ppn = n ? udev_device_get_sysattr_value(n, "phys_port_name") : NULL;
		const char *op = n ? udev_device_get_sysattr_value(n, "operstate") : NULL;
		int ctl, pf, vf;
		snprintf(p->operstate, sizeof(p->operstate), "%s", op ? op : "");
		snprintf(p->switch_id, sizeof(p->switch_id), "%s", sid ? sid : "");
		if (ppn && dpn_sriov_parse_port_name(ppn, &ctl, &pf, &vf) == 2)
			p->pfnum = pf;
		if (n)
			udev_device_unref(n);
	}
	return 0;
}

static struct dpn_pf *find_pf(struct dpn_inventory *inv, const char *bdf)
{
	for (int i = 0; i < inv->n_pfs; i++)
		if (!strcmp(inv->pfs[i].bdf, bdf))
			return &inv->pfs[i];
	return NULL;
}

static int vf_index(struct udev *u, const struct dpn_pf *pf, const char *vf_bdf)
{
	struct udev_device *d = udev_device_new_from_subsystem_sysname(u, "pci", pf->bdf);
	char name[32], bdf[32];
	int idx = -1;

	for (int i = 0; d && i < pf->totalvfs && i < 4096; i++) {
		snprintf(name, sizeof(name), "virtfn%d", i);
		if (link_base(udev_device_get_syspath(d), name, bdf, sizeof(bdf)) == 0 &&
		        !strcmp(bdf, vf_bdf)) {
			idx = i;
			break;
		}
	}
	if (d)
		udev_device_unref(d);
	return idx;
}

static int add_vf(struct udev *u, struct udev_device *d, struct dpn_inventory *inv)
{
	char pf_bdf[32];
	struct dpn_pf *pf;
	struct dpn_vf *vf;

	if (link_base(udev_device_get_syspath(d), "physfn", pf_bdf, sizeof(pf_bdf)) < 0 ||
	        !(pf = find_pf(inv, pf_bdf)))
		return 0;
	vf = realloc(pf->vfs, sizeof(*vf) * (pf->n_vfs + 1));
	if (!vf)
		return -ENOMEM;
	pf->vfs = vf;
	vf = &pf->vfs[pf->n_vfs++];
	memset(vf, 0, sizeof(*vf));
	snprintf(vf->bdf, sizeof(vf->bdf), "%s", udev_device_get_sysname(d));
	fill_common(u, d, vf->vendor_id, vf->device_id, vf->driver, sizeof(vf->driver), &vf->numa,
	        &vf->iommu_group);
	vf->index = vf_index(u, pf, vf->bdf);
	child_name(u, d, "net", false, vf->netdev, sizeof(vf->netdev));
	link_type(u, vf->netdev, vf->link_type, sizeof(vf->link_type));
	child_name(u, d, "infiniband", false, vf->rdma, sizeof(vf->rdma));
	const char *plat = udev_device_get_sysattr_value(d, "hw/plat_name");
	size_t pl = plat ? strcspn(plat, "\n") : 0;
	vf->smartnic = plat && pl >= 9 && !strncmp(plat + pl - 9, "smart-nic", 9);
	return 0;
}

/* MAC, VLAN, trust... as the PF's netdev reports them (rtnetlink). */
static void read_vf_attrs(struct dpn_inventory *inv)
{
	for (int i = 0; i < inv->n_pfs; i++) {
		struct dpn_pf *pf = &inv->pfs[i];
		struct dpn_vf_attrs *a;
		int n = pf->netdev[0] ? dpn_vfnl_get(pf->netdev, &a) : 0;
		for (int k = 0; k < n; k++) {
			for (int j = 0; j < pf->n_vfs; j++) {
				struct dpn_vf *vf = &pf->vfs[j];
				if (vf->index != a[k].index)
					continue;
				vf->have_attrs = true;
				snprintf(vf->mac, sizeof(vf->mac), "%s", a[k].mac);
				vf->vlan = a[k].vlan;
				vf->qos = a[k].qos;
				vf->spoofchk = a[k].spoofchk;
				vf->trust = a[k].trust;
				vf->link_state = a[k].link_state;
			}
		}
		if (n > 0)
			free(a);
	}
}

struct scan_arg {
	struct udev *u;
	const struct dpn_nic_table *t;
	struct dpn_inventory *inv;
	int pass; /* 0 netdevsim, 1 PCI PFs, 2 PCI VFs */
	int ret;
};

static void scan_cb(struct udev_device *d, void *arg)
{
	struct scan_arg *a = arg;
	const char *cls = udev_device_get_sysattr_value(d, "class");
	bool sriov_pf = udev_device_get_sysattr_value(d, "sriov_totalvfs") != NULL;

	if (a->ret < 0)
		return;
	if (a->pass == 0) {
		if (udev_device_get_sysattr_value(d, "sriov_numvfs"))
			a->ret = add_pf(a->u, a->t, d, a->inv);
	} else if (cls && !strncmp(cls, "0x02", 4)) {
		if (a->pass == 1 && sriov_pf)
			a->ret = add_pf(a->u, a->t, d, a->inv);
		else if (a->pass == 2 && !sriov_pf)
			a->ret = add_vf(a->u, d, a->inv);
	}
}

int dpn_sriov_scan(const struct dpn_nic_table *t, struct dpn_inventory *inv, struct dpn_err *err)
{
	struct udev *u = udev_new();
	int ret = 0;

	memset(inv, 0, sizeof(*inv));
	if (!u)
		return dpn_err_set(err, -ENOMEM, "libudev: cannot create a context");
	/* netdevsim (the test rig's NIC) first: any device with SR-IOV is a PF;
	 * then PCI PFs before VFs, so that VFs find theirs whatever the order */
	struct scan_arg a = {.u = u, .t = t, .inv = inv};
	each_dev(u, NULL, "netdevsim", scan_cb, &a);
	for (a.pass = 1; a.pass <= 2 && a.ret == 0; a.pass++)
		each_dev(u, NULL, "pci", scan_cb, &a);
	ret = a.ret;
	if (ret == 0) {
		dpn_sriov_map_reps(u, t, inv);
		read_vf_attrs(inv);
	}
	udev_unref(u);
	if (ret < 0) {
		dpn_inventory_free(inv);
		return dpn_err_set(err, ret, "scanning devices: %s", strerror(-ret));
	}
	return ret;
}

void dpn_inventory_free(struct dpn_inventory *inv)
{
	for (int i = 0; i < inv->n_pfs; i++)
		free(inv->pfs[i].vfs);
	free(inv->pfs);
	inv->pfs = NULL;
	inv->n_pfs = 0;
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *int_or_null(int v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

static int by_index(const void *a, const void *b)
{
	return ((const struct dpn_vf *)a)->index - ((const struct dpn_vf *)b)->index;
}

json_t *dpn_inventory_json(const struct dpn_inventory *inv)
{
	json_t *pfs = json_array();

	for (int i = 0; i < inv->n_pfs; i++) {
		const struct dpn_pf *p = &inv->pfs[i];
		json_t *vfs = json_array();
		qsort(p->vfs, p->n_vfs, sizeof(*p->vfs), by_index);
		for (int k = 0; k < p->n_vfs; k++) {
			const struct dpn_vf *v = &p->vfs[k];
			json_t *vj = json_pack("{s:o, s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:o, s:o, "
			                       "s:o, s:o, s:o, s:b}",
			        "pci", str_or_null(v->bdf), "pf", p->bdf, "index", v->index,
			        "vendor_id", v->vendor_id, "device_id", v->device_id, "driver",
			        str_or_null(v->driver), "netdev", str_or_null(v->netdev),
			        "representor", str_or_null(v->representor), "representor_kind",
			        str_or_null(v->rep_kind), "representor_devargs",
			        str_or_null(v->rep_devargs), "numa_node", int_or_null(v->numa),
			        "iommu_group", int_or_null(v->iommu_group), "rdma",
			        str_or_null(v->rdma), "smartnic", v->smartnic);
			static const char *const ls[] = {"auto", "enable", "disable"};
			json_object_set_new(
			        vj, "mac", v->have_attrs ? str_or_null(v->mac) : json_null());
			json_object_set_new(
			        vj, "vlan", v->have_attrs ? json_integer(v->vlan) : json_null());
			json_object_set_new(vj, "trust",
			        v->have_attrs && v->trust >= 0 ? json_boolean(v->trust)
			                                       : json_null());
			json_object_set_new(vj, "spoofchk",
			        v->have_attrs && v->spoofchk >= 0 ? json_boolean(v->spoofchk)
			                                          : json_null());
			json_object_set_new(vj, "link_state",
			        v->have_attrs && v->link_state >= 0 && v->link_state <= 2
			                ? json_string(ls[v->link_state])
			                : json_null());
			json_array_append_new(vfs, vj);
		}
		json_array_append_new(pfs,
		        json_pack(
		                "{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:i, "
		                "s:o, s:o, s:i, s:o, s:o, s:o}",
		                "bus", p->bus, "pci", p->bdf, "vendor_id", p->vendor_id,
		                "device_id", p->device_id, "vendor", str_or_null(p->vendor),
		                "model", str_or_null(p->model), "driver", str_or_null(p->driver),
		                "netdev", str_or_null(p->netdev), "operstate",
		                str_or_null(p->operstate), "numa_node", int_or_null(p->numa),
		                "iommu_group", int_or_null(p->iommu_group), "numvfs", p->numvfs,
		                "totalvfs", p->totalvfs, "eswitch_mode", str_or_null(p->eswitch),
		                "switch_id", str_or_null(p->switch_id), "pfnum", p->pfnum,
		                "uplink_representor", str_or_null(p->uplink_rep), "rdma",
		                str_or_null(p->rdma), "vfs", vfs));
	}
	return json_pack("{s:o}", "pfs", pfs);
}
