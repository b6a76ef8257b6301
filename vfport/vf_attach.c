/* The representor's OVS port, from the vendor's NIC-table attach rule:
 *   "attach": {"type": "netdev"}                   the kernel representor
 *   "attach": {"type": "dpdk", "devargs": T,       a DPDK port (representor
 *              "iface_ids": {K: T}, "queue_desc"}   devargs from template T)
 *   "smartnic": {...}                               the rule for smart-NIC VFs
 * A vendor without a rule (or an unknown NIC) gets the kernel representor. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dpn_util.h"
#include "dpn_vfport.h"

static json_t *rule_of(const struct dpn_vfport_attach_in *in)
{
	json_t *rule = json_object_get(in->vendor, "attach");
	json_t *smart = json_object_get(rule, "smartnic");
	return in->vf->smartnic && smart ? smart : rule;
}

/* Descriptors by the VFs of the whole device: [[up to N VFs, n], ..., [0, n]]. */
static int by_vfs(json_t *steps, int vfs)
{
	size_t i;
	json_t *s;
	json_array_foreach (steps, i, s) {
		json_int_t upto = json_integer_value(json_array_get(s, 0));
		if (upto == 0 || vfs <= upto)
			return json_integer_value(json_array_get(s, 1));
	}
	return 0;
}

static void queue_desc(
        const struct dpn_vfport_attach_in *in, json_t *q, struct dpn_vfport_attach *a)
{
	struct dpn_ovs_port_spec *s = &a->spec;
	const char *rx = json_string_value(json_object_get(
	        in->ovs_other_config, json_string_value(json_object_get(q, "rx_key")) ?: ""));
	const char *tx = json_string_value(json_object_get(
	        in->ovs_other_config, json_string_value(json_object_get(q, "tx_key")) ?: ""));
	int vfs = dpn_sriov_device_numvfs(in->inv, in->pf);

	if (!q)
		return;
	snprintf(a->rxq, sizeof(a->rxq), "%d", by_vfs(json_object_get(q, "rx"), vfs));
	snprintf(a->txq, sizeof(a->txq), "%d", by_vfs(json_object_get(q, "tx"), vfs));
	dpn_ovs_kv_add(s->options, &s->n_options, "n_rxq_desc", rx ? rx : a->rxq);
	dpn_ovs_kv_add(s->options, &s->n_options, "n_txq_desc", tx ? tx : a->txq);
}

static int dpdk_port(const struct dpn_vfport_attach_in *in, json_t *rule,
        struct dpn_vfport_attach *a, struct dpn_err *err)
{
	const char *vendor = json_string_value(json_object_get(in->vendor, "name")) ?: "?";
	const char *tmpl = json_string_value(json_object_get(rule, "devargs"));
	const struct dpn_pf *pf0 = dpn_sriov_pf0(in->inv, in->pf);
	json_t *rep = json_object_get(in->vendor, "representors");
	struct dpn_rep_vars v = {.pf = in->pf,
	        .vf = in->vf,
	        .uplink = in->uplink && in->uplink[0] ? in->uplink
	                  : pf0                       ? pf0->bdf
	                                              : in->pf->bdf,
	        .index = dpn_sriov_rep_index(rep, in->inv, in->pf, in->vf->index)};
	struct dpn_ovs_port_spec *s = &a->spec;
	const char *k;
	json_t *t;
	int n = 0;

	if (!tmpl || dpn_sriov_rep_template(tmpl, &v, a->devargs, sizeof(a->devargs)) < 0)
		return dpn_err_set(err, -EINVAL,
		        "NIC table: %s attach.devargs: \"%s\" is not a template", vendor,
		        tmpl ? tmpl : "(none)");
	dpn_vfport_name(in->req->pod.pod_uid, in->req->pod.ifname, a->name);
	strcpy(a->type, "dpdk");
	dpn_ovs_kv_add(s->options, &s->n_options, "dpdk-devargs", a->devargs);
	queue_desc(in, json_object_get(rule, "queue_desc"), a);
	json_object_foreach (json_object_get(rule, "iface_ids"), k, t) {
		if (n == 4 || strlen(k) >= sizeof(a->extra[n][0]) || !json_is_string(t) ||
		        dpn_sriov_rep_template(json_string_value(t), &v, a->extra[n][1],
		                sizeof(a->extra[n][1])) < 0)
			return dpn_err_set(err, -EINVAL,
			        "NIC table: %s attach.iface_ids.%s: not a template", vendor, k);
		strcpy(a->extra[n][0], k);
		n++;
	}
	for (int i = 0; i < n; i++)
		dpn_ovs_kv_add(s->iface_ids, &s->n_iface_ids, a->extra[i][0], a->extra[i][1]);
	return 0;
}

static void pod_ids(const struct dpn_vfport_attach_in *in, struct dpn_ovs_port_spec *s)
{
	const struct dpn_req_pod *p = &in->req->pod;

	/* What ovn-controller and Kube-OVN read on the Interface. */
	dpn_ovs_kv_add(s->iface_ids, &s->n_iface_ids, "iface-id", p->iface_id);
	dpn_ovs_kv_add(s->iface_ids, &s->n_iface_ids, "attached-mac", in->mac);
	dpn_ovs_kv_add(s->iface_ids, &s->n_iface_ids, "pod_name", p->pod);
	dpn_ovs_kv_add(s->iface_ids, &s->n_iface_ids, "pod_namespace", p->ns);
	dpn_ovs_kv_add(s->iface_ids, &s->n_iface_ids, "pod_netns",
	        in->req->netns[0] ? in->req->netns : NULL);
	dpn_ovs_kv_add(s->iface_ids, &s->n_iface_ids, "ip", p->ip[0] ? p->ip : NULL);
	dpn_ovs_kv_add(s->iface_ids, &s->n_iface_ids, "dpnode-pod-uid", p->pod_uid);
	dpn_ovs_kv_add(s->iface_ids, &s->n_iface_ids, "dpnode-ifname", p->ifname);
	dpn_ovs_kv_add(
	        s->iface_ids, &s->n_iface_ids, "dpnode-vf", in->req->device_id); /* a representor */
	dpn_ovs_kv_add(s->port_ids, &s->n_port_ids, "dpnode-pod-uid", p->pod_uid);
	dpn_ovs_kv_add(s->port_ids, &s->n_port_ids, "dpnode-ifname", p->ifname);
	dpn_ovs_kv_add(s->port_ids, &s->n_port_ids, "dpnode-vf", in->req->device_id);
}

int dpn_vfport_attach_spec(
        const struct dpn_vfport_attach_in *in, struct dpn_vfport_attach *a, struct dpn_err *err)
{
	json_t *rule = rule_of(in);
	const char *type = json_string_value(json_object_get(rule, "type")) ?: "netdev";
	int ret;

	memset(a, 0, sizeof(*a));
	a->spec = (struct dpn_ovs_port_spec){.owner = DPN_VFPORT_OWNER, .mtu = in->req->mtu};
	if (!strcmp(type, "dpdk")) {
		if ((ret = dpdk_port(in, rule, a, err)) < 0)
			return ret;
	} else if (!strcmp(type, "netdev")) {
		if (strcmp(in->vf->rep_kind, "netdev") || !in->vf->representor[0])
			return dpn_err_set(err, -ENODEV,
			        "VF %s has no representor netdev (is PF %s's eswitch in switchdev "
			        "mode?)",
			        in->req->device_id, in->pf->bdf);
		if (!dpn_ifname_valid(in->vf->representor))
			return dpn_err_set(err, -EINVAL,
			        "VF %s: representor \"%s\" is not an interface name",
			        in->req->device_id, in->vf->representor);
		memcpy(a->name, in->vf->representor, strlen(in->vf->representor) + 1);
		strcpy(a->type, "system");
	} else {
		return dpn_err_set(err, -EINVAL,
		        "NIC table: %s attach.type: \"%s\" is not \"netdev\" or \"dpdk\"",
		        json_string_value(json_object_get(in->vendor, "name")) ?: "?", type);
	}
	a->spec.name = a->name;
	a->spec.type = a->type;
	pod_ids(in, &a->spec);
	return dpn_ovs_port_spec_check(&a->spec, err);
}
