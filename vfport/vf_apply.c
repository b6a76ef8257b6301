/* What vf.add does to the machine, in order, each step undone when a later
 * one fails: the VF's settings through its PF (MAC always: KO #1519), its
 * netdev into the pod, the representor's OVS port. The record (entry) keeps
 * what was there before, for DEL, also after a restart:
 *   {"req": {...}, "pci": VF, "pf": PF netdev, "vf_index": N,
 *    "netdev": host name ("" for vfio-pci), "orig": {"mac", "mtu"},
 *    "orig_vf": {PF's view of the VF}, "ovs": {the port spec}} */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DPN_LOG_MOD "vfport"
#include "dpn_devlink.h"
#include "dpn_devplugin.h"
#include "dpn_log.h"
#include "dpn_sriov_mon.h"
#include "dpn_vfnl.h"
#include "vf_netns.h"
#include "vfport_priv.h"

struct vf_ref {
	const struct dpn_inventory *inv;
	const struct dpn_pf *pf;
	const struct dpn_vf *vf;
};

static int find_vf(struct dpn_vfport *v, const char *bdf, struct vf_ref *ref, struct dpn_err *err)
{
	struct dpn_sriov_mon *mon = dpn_sriov_monitor(v->sriov);
	const struct dpn_inventory *inv = mon ? dpn_sriov_mon_current(mon) : NULL;

	for (int i = 0; inv && i < inv->n_pfs; i++) {
		const struct dpn_pf *pf = &inv->pfs[i];
		size_t n = strlen(pf->bdf);
		int idx;
		/* netdevsim's VFs by index: "netdevsim10/vf1" */
		if (!strcmp(pf->bus, "netdevsim") && !strncmp(bdf, pf->bdf, n) && bdf[n] == '/' &&
		        sscanf(bdf + n, "/vf%d", &idx) == 1 && idx >= 0 && idx < pf->n_vfs) {
			*ref = (struct vf_ref){inv, pf, &pf->vfs[idx]};
			return 0;
		}
		if (!strcmp(pf->bdf, bdf))
			return dpn_err_set(err, -EINVAL,
			        "device_id: %s is a PF (%s), not a VF: give one of its VFs", bdf,
			        pf->netdev[0] ? pf->netdev : pf->driver);
		for (int k = 0; k < pf->n_vfs; k++)
			if (!strcmp(pf->vfs[k].bdf, bdf)) {
				*ref = (struct vf_ref){inv, pf, &pf->vfs[k]};
				return 0;
			}
	}
	return dpn_err_set(err, -ENODEV,
	        "device_id: %s is not a VF on this node (dpnodectl vfs lists them)", bdf);
}

/* A NAD names its device-plugin resource: the VF Multus passes must be one
 * the device plugin serves under that name (not a VF of another pool). */
static int check_pool(struct dpn_vfport *v, const struct vf_ref *ref,
        const struct dpn_vfport_req *r, struct dpn_err *err)
{
	char res[300];
	int ret;

	if (!r->resource[0])
		return 0;
	ret = dpn_devplugin_resource_of(&v->conf->devplugin, ref->inv, dpn_sriov_nics(v->sriov),
	        r->device_id, res, sizeof(res));
	if (ret == -ENOENT)
		return dpn_err_set(err, -EINVAL,
		        "device_id: VF %s is in no device-plugin pool, the network asks for %s",
		        r->device_id, r->resource);
	if (ret == 0 && strcmp(res, r->resource))
		return dpn_err_set(err, -EINVAL,
		        "device_id: VF %s is of pool %s, the network asks for %s (a VF of another "
		        "pool)",
		        r->device_id, res, r->resource);
	return ret;
}

/* The pod's MAC and IPs: OVN's when OVN runs the network, else asked for
 * (MAC derived when not). A MAC asked for that is not OVN's is refused. */
static int addresses(struct dpn_vfport *v, struct dpn_vfport_req *r, struct dpn_err *err)
{
	struct dpn_req_pod *p = &r->pod;
	struct dpn_ovn_port op;
	int ret;

	char asked[sizeof(p->ip)];

	snprintf(asked, sizeof(asked), "%s", p->ip);
	if (!v->ovn) {
		dpn_ip_cidrs(p->ip, NULL, r->cidrs, sizeof(r->cidrs));
		uint64_t h = dpn_req_hash(p->ifname, p->pod_uid);
		if (!p->mac[0]) /* 0a: locally administered unicast, as vhost ports */
			snprintf(p->mac, sizeof(p->mac), "0a:%02x:%02x:%02x:%02x:%02x",
			        (unsigned)(h >> 32) & 0xff, (unsigned)(h >> 24) & 0xff,
			        (unsigned)(h >> 16) & 0xff, (unsigned)(h >> 8) & 0xff,
			        (unsigned)h & 0xff);
		return 0;
	}
	if ((ret = dpn_ovn_port_wait(v->ovn, p->iface_id, v->bind_timeout_ms, &op, err)) < 0)
		return ret;
	if (r->mac_given && strcasecmp(p->mac, op.mac))
		return dpn_err_set(err, -EINVAL,
		        "mac: %s was asked for, but OVN's logical port %s has %s", p->mac,
		        p->iface_id, op.mac);
	snprintf(p->mac, sizeof(p->mac), "%s", op.mac);
	p->ip[0] = '\0';
	for (int i = 0; i < op.n_ips; i++) {
		size_t off = strlen(p->ip);
		snprintf(p->ip + off, sizeof(p->ip) - off, "%s%s", i ? "," : "", op.ips[i]);
	}
	/* OVN's addresses carry no prefix: the one asked for, else a host prefix */
	dpn_ip_cidrs(p->ip, asked, r->cidrs, sizeof(r->cidrs));
	return 0;
}

static json_t *kv_json(const struct dpn_ovs_kv *kv, int n)
{
	json_t *o = json_object();
	for (int i = 0; i < n; i++)
		if (kv[i].value)
			json_object_set_new(o, kv[i].key, json_string(kv[i].value));
	return o;
}

static json_t *spec_json(const struct dpn_ovs_port_spec *s)
{
	return json_pack("{s:s, s:s, s:i, s:o, s:o, s:o}", "name", s->name, "type", s->type, "mtu",
	        s->mtu, "options", kv_json(s->options, s->n_options), "iface_ids",
	        kv_json(s->iface_ids, s->n_iface_ids), "port_ids",
	        kv_json(s->port_ids, s->n_port_ids));
}

static void kv_from(json_t *o, struct dpn_ovs_kv *kv, int *n)
{
	const char *k;
	json_t *val;
	json_object_foreach (o, k, val)
		dpn_ovs_kv_add(kv, n, k, json_string_value(val));
}

int vfp_port_from_entry(struct dpn_vfport *v, json_t *entry, struct dpn_err *err)
{
	json_t *o = json_object_get(entry, "ovs");
	struct dpn_ovs_port_spec s = {.name = json_string_value(json_object_get(o, "name")),
	        .owner = DPN_VFPORT_OWNER,
	        .type = json_string_value(json_object_get(o, "type")),
	        .mtu = json_integer_value(json_object_get(o, "mtu"))};

	kv_from(json_object_get(o, "options"), s.options, &s.n_options);
	kv_from(json_object_get(o, "iface_ids"), s.iface_ids, &s.n_iface_ids);
	kv_from(json_object_get(o, "port_ids"), s.port_ids, &s.n_port_ids);
	return dpn_ovs_port_set(v->ovs, v->bridge, &s, err);
}

/* The PF's view of the VF now (what DEL restores). */
static json_t *pf_view(const char *pf_netdev, int index)
{
	struct dpn_vf_attrs *all = NULL;
	int n = dpn_vfnl_get(pf_netdev, &all);
	json_t *o = NULL;

	for (int i = 0; i < n; i++)
		if (all[i].index == index)
			o = json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i}", "mac", all[i].mac,
			        "vlan", all[i].vlan, "qos", all[i].qos, "spoofchk", all[i].spoofchk,
			        "trust", all[i].trust, "min_tx_rate", all[i].min_tx_rate,
			        "max_tx_rate", all[i].max_tx_rate);
	free(all);
	return o ? o : json_object();
}

static int jint(json_t *o, const char *k, int dflt)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (int)json_integer_value(v) : dflt;
}

/* want: {"mac", "vlan", ...} as pf_view gives; absent fields are left. */
static int pf_set(const char *pf_netdev, int index, json_t *want)
{
	struct dpn_vf_attrs a = {.index = index,
	        .vlan = jint(want, "vlan", -1),
	        .qos = jint(want, "qos", 0),
	        .spoofchk = jint(want, "spoofchk", -1),
	        .trust = jint(want, "trust", -1),
	        .link_state = -1,
	        .min_tx_rate = jint(want, "min_tx_rate", -1),
	        .max_tx_rate = jint(want, "max_tx_rate", -1)};
	snprintf(a.mac, sizeof(a.mac), "%s", json_string_value(json_object_get(want, "mac")) ?: "");
	return pf_netdev[0] ? dpn_vfnl_set(pf_netdev, &a) : -ENODEV;
}

static json_t *pf_want(const struct dpn_vfport_req *r, bool switchdev)
{
	json_t *w = json_pack("{s:s}", "mac", r->pod.mac);
	if (r->vlan >= 0) {
		json_object_set_new(w, "vlan", json_integer(r->vlan));
		json_object_set_new(w, "qos", json_integer(r->qos));
	}
	if (r->spoofchk >= 0)
		json_object_set_new(w, "spoofchk", json_integer(r->spoofchk));
	if (r->trust >= 0)
		json_object_set_new(w, "trust", json_integer(r->trust));
	if (!switchdev && (r->min_tx_rate >= 0 || r->max_tx_rate >= 0)) {
		json_object_set_new(w, "min_tx_rate", json_integer(r->min_tx_rate));
		json_object_set_new(w, "max_tx_rate", json_integer(r->max_tx_rate));
	}
	return w;
}

static void undo_pf(json_t *rec)
{
	const char *pf = json_string_value(json_object_get(rec, "pf")) ?: "";
	json_t *dl = json_object_get(rec, "devlink_rate");
	int ret = pf_set(pf, jint(rec, "vf_index", -1), json_object_get(rec, "orig_vf"));

	if (dl) /* back to no limit */
		dpn_devlink_vf_rate_set(json_string_value(json_object_get(dl, "bus")),
		        json_string_value(json_object_get(dl, "dev")), jint(rec, "vf_index", -1), 0,
		        0);
	if (ret < 0 && ret != -EOPNOTSUPP && ret != -ENODEV)
		LOG_WARN("PF %s: cannot restore VF %d: %s", pf, jint(rec, "vf_index", -1),
		        strerror(-ret));
}

/* switchdev: rates are the e-switch port's (devlink rate), not IFLA_VF_RATE,
 * which drivers refuse in that mode. */
static int devlink_rate(
        const struct vf_ref *ref, const struct dpn_vfport_req *r, json_t *rec, struct dpn_err *err)
{
	int ret = dpn_devlink_vf_rate_set(ref->pf->bus, ref->pf->bdf, ref->vf->index,
	        r->min_tx_rate > 0 ? r->min_tx_rate * 1000000ULL : 0,
	        r->max_tx_rate > 0 ? r->max_tx_rate * 1000000ULL : 0);

	if (ret < 0) {
		undo_pf(rec);
		return dpn_err_set(err, ret,
		        "PF %s: cannot set VF %d (%s)'s rate through devlink: %s", ref->pf->bdf,
		        ref->vf->index, r->device_id, strerror(-ret));
	}
	json_object_set_new(rec, "devlink_rate",
	        json_pack("{s:s, s:s}", "bus", ref->pf->bus, "dev", ref->pf->bdf));
	return 0;
}

/* The VF's MAC and settings through its PF (IFLA_VF_*). A PF whose driver
 * cannot (no VF ops) is tolerated only for a kernel VF asked for nothing but
 * the MAC, which its own netdev then carries; rec says which happened. */
static int apply_pf(const struct vf_ref *ref, const struct dpn_vfport_req *r, bool vfio,
        json_t *rec, struct dpn_err *err)
{
	bool switchdev = !strcmp(ref->pf->eswitch, "switchdev");
	bool rates = switchdev && (r->min_tx_rate >= 0 || r->max_tx_rate >= 0);
	json_t *want = pf_want(r, switchdev);
	bool mac_only = json_object_size(want) == 1 && !rates;
	const char *pf = ref->pf->netdev[0] ? ref->pf->netdev : ref->pf->bdf;
	int ret;

	json_object_set_new(rec, "orig_vf", pf_view(ref->pf->netdev, ref->vf->index));
	ret = pf_set(ref->pf->netdev, ref->vf->index, want);
	json_decref(want);
	if (ret < 0) /* the kernel applies VF attributes one by one: undo the first ones */
		undo_pf(rec);
	if ((ret == -EOPNOTSUPP || ret == -ENODEV) && !vfio && mac_only) {
		json_object_set_new(rec, "pf_settings",
		        json_sprintf("not applied: PF %s cannot set VF attributes (%s); the MAC is "
		                     "on the VF's netdev",
		                pf, strerror(-ret)));
		return 0;
	}
	if (ret < 0)
		return dpn_err_set(err, ret, "PF %s: cannot set VF %d (%s) to MAC %s%s: %s", pf,
		        ref->vf->index, r->device_id, r->pod.mac,
		        mac_only ? "" : " and its settings", strerror(-ret));
	if (rates && (ret = devlink_rate(ref, r, rec, err)) < 0)
		return ret;
	json_object_set_new(rec, "pf_settings", json_string("applied"));
	return 0;
}

static json_t *record(const struct vf_ref *ref, const struct dpn_vfport_req *r)
{
	return json_pack("{s:o, s:s, s:s, s:i, s:s, s:s}", "req", dpn_vfport_req_json(r), "pci",
	        r->device_id, "pf", ref->pf->netdev, "vf_index", ref->vf->index, "netdev",
	        ref->vf->netdev, "driver", ref->vf->driver);
}

/* The VF's netdev (as it is now, for DEL) into the pod. */
static int apply_netdev(struct dpn_vfport *v, const struct vf_ref *ref,
        const struct dpn_vfport_req *r, json_t *rec, struct dpn_err *err)
{
	struct vfns_link orig;
	int nsfd, ret;

	if ((ret = vfns_link_get(v->host_fd, -1, ref->vf->netdev, &orig)) < 0)
		return dpn_err_set(err, ret,
		        "VF %s: its netdev %s is not in dpnoded's network namespace (%s)",
		        r->device_id, ref->vf->netdev, strerror(-ret));
	if ((nsfd = open(r->netns, O_RDONLY | O_CLOEXEC)) < 0)
		return dpn_err_set(err, -errno, "netns: %s: %s", r->netns, strerror(errno));
	json_object_set_new(rec, "orig", json_pack("{s:s, s:i}", "mac", orig.mac, "mtu", orig.mtu));
	ret = vfns_move_in(v->host_fd, ref->vf->netdev, nsfd, r->pod.ifname, r->pod.mac, r->mtu,
	        r->cidrs, err);
	close(nsfd);
	return ret;
}

static int undo_netdev(struct dpn_vfport *v, json_t *rec, struct dpn_err *err)
{
	json_t *req = json_object_get(rec, "req"), *o = json_object_get(rec, "orig");
	const char *netdev = json_string_value(json_object_get(rec, "netdev")) ?: "";
	const char *netns = json_string_value(json_object_get(req, "netns")) ?: "";
	struct vfns_link orig = {.mtu = jint(o, "mtu", 0)};
	int nsfd, ret;

	if (!netdev[0])
		return 0;
	snprintf(orig.mac, sizeof(orig.mac), "%s",
	        json_string_value(json_object_get(o, "mac")) ?: "");
	nsfd = netns[0] ? open(netns, O_RDONLY | O_CLOEXEC) : -1; /* -1: the pod's is gone */
	ret = vfns_move_out(v->host_fd, nsfd,
	        json_string_value(json_object_get(req, "ifname")) ?: "", netdev, &orig, err);
	if (nsfd >= 0)
		close(nsfd);
	return ret;
}

static int check_foreign(struct dpn_vfport *v, const struct dpn_vfport_req *r, struct dpn_err *err)
{
	char foreign[256];
	if (!dpn_ovs_iface_id_foreign(v->ovs, r->pod.iface_id, foreign, sizeof(foreign)))
		return 0;
	return dpn_err_set(err, -EEXIST,
	        "iface_id %s is already on OVS interface %s, which dpnode does not manage "
	        "(OVN binds a logical port to one interface)",
	        r->pod.iface_id, foreign);
}

int vfp_apply(struct dpn_vfport *v, struct dpn_vfport_req *r, json_t **entry, struct dpn_err *err)
{
	struct vf_ref ref = {0};
	struct dpn_vfport_attach a;
	json_t *rec;
	int ret;

	if ((ret = find_vf(v, r->device_id, &ref, err)) < 0)
		return ret;
	if ((ret = check_pool(v, &ref, r, err)) < 0)
		return ret;
	bool vfio = !ref.vf->netdev[0];
	if (!vfio && !r->netns[0])
		return dpn_err_set(err, -EINVAL,
		        "netns: missing (VF %s's netdev %s goes into the pod)", r->device_id,
		        ref.vf->netdev);
	if ((ret = addresses(v, r, err)) < 0)
		return ret;
	struct dpn_vfport_attach_in in = {
	        .vendor = dpn_nic_vendor(dpn_sriov_nics(v->sriov), ref.pf->vendor_id),
	        .inv = ref.inv,
	        .pf = ref.pf,
	        .vf = ref.vf,
	        .uplink = v->uplink,
	        .ovs_other_config = v->conf->ovs.other_config,
	        .req = r,
	        .mac = r->pod.mac};
	if ((ret = dpn_vfport_attach_spec(&in, &a, err)) < 0 ||
	        (ret = check_foreign(v, r, err)) < 0)
		return ret;
	rec = record(&ref, r);
	if ((ret = apply_pf(&ref, r, vfio, rec, err)) < 0)
		goto fail;
	if (!vfio && (ret = apply_netdev(v, &ref, r, rec, err)) < 0)
		goto fail_pf;
	if ((ret = dpn_ovs_port_set(v->ovs, v->bridge, &a.spec, err)) < 0)
		goto fail_netdev;
	json_object_set_new(rec, "ovs", spec_json(&a.spec));
	*entry = rec;
	return 0;
fail_netdev:
	undo_netdev(v, rec, NULL);
fail_pf:
	undo_pf(rec);
fail:
	json_decref(rec);
	return ret;
}

int vfp_unapply(struct dpn_vfport *v, json_t *entry, struct dpn_err *err)
{
	const char *port =
	        json_string_value(json_object_get(json_object_get(entry, "ovs"), "name"));
	int ret;

	/* the netdev first: a DEL that cannot get it back changes nothing and
	 * is asked again */
	if ((ret = undo_netdev(v, entry, err)) < 0)
		return ret;
	undo_pf(entry);
	if (port)
		dpn_ovs_port_del(v->ovs, v->bridge, port, DPN_VFPORT_OWNER);
	return 0;
}
