/* The vfport module: vf.add / vf.del / vf.list, the record of what each
 * attachment changed (the state file), adopted again after a restart. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DPN_LOG_MOD "vfport"
#include "dpn_api.h"
#include "dpn_log.h"
#include "dpn_state.h"
#include "dpn_util.h"
#include "vfport_priv.h"

static const char *state_file(struct dpn_vfport *v)
{
	return v->conf->sriov.vf_state_file;
}

static json_t *result(struct dpn_vfport *v, const char *key, json_t *e, bool created)
{
	json_t *req = json_object_get(e, "req"), *ovs = json_object_get(e, "ovs");
	const char *port = json_string_value(json_object_get(ovs, "name"));
	json_t *st = dpn_ovs_iface_status(v->ovs, port, port);
	json_t *j = json_pack("{s:s, s:s, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:b}", "port", key,
	        "ovs_port", port, "pod_uid", json_object_get(req, "pod_uid"), "ifname",
	        json_object_get(req, "ifname"), "device_id", json_object_get(e, "pci"), "mac",
	        json_object_get(req, "mac"), "iface_id", json_object_get(req, "iface_id"),
	        "representor_type", json_object_get(ovs, "type"), "pf_settings",
	        json_object_get(e, "pf_settings"), "created", created);
	json_t *ips = json_array();
	char buf[sizeof(((struct dpn_req_pod *)0)->ip)], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", json_string_value(json_object_get(req, "ip")) ?: "");
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		json_array_append_new(ips, json_string(t));
	json_object_set_new(j, "ips", ips);
	json_object_set_new(
	        j, "vfio", json_boolean(!json_string_length(json_object_get(e, "netdev"))));
	json_object_set(j, "netns", json_object_get(req, "netns") ?: json_null());
	if (v->ovn)
		json_object_set_new(j, "ovn",
		        json_pack("{s:O, s:b, s:I}", "logical_port",
		                json_object_get(req, "iface_id"), "installed",
		                json_is_true(json_object_get(st, "ovn_installed")),
		                "bind_timeout_s", (json_int_t)(v->bind_timeout_ms / 1000)));
	json_object_set_new(j, "ovs", st ? st : json_null());
	return j;
}

/* The attachment of the same pod interface: the same VF and namespace are
 * answered with it (ADD again), anything else refused. Returns 1 when answered. */
static int existing(struct dpn_vfport *v, const char *key, const struct dpn_vfport_req *r,
        json_t **res, struct dpn_err *err)
{
	json_t *e = json_object_get(v->ports, key), *req = json_object_get(e, "req");
	const char *ns = json_string_value(json_object_get(req, "netns")) ?: "";

	if (!e)
		return 0;
	if (strcmp(json_string_value(json_object_get(e, "pci")), r->device_id) ||
	        strcmp(ns, r->netns))
		return dpn_err_set(err, -EEXIST,
		        "pod %s interface %s already has VF %s (netns %s); asked for %s (netns %s)",
		        r->pod.pod_uid, r->pod.ifname, json_string_value(json_object_get(e, "pci")),
		        ns, r->device_id, r->netns);
	*res = result(v, key, e, false);
	return 1;
}

static int in_use(struct dpn_vfport *v, const char *key, const char *bdf, struct dpn_err *err)
{
	const char *k;
	json_t *e;
	json_object_foreach (v->ports, k, e) {
		json_t *req = json_object_get(e, "req");
		if (strcmp(k, key) && !strcmp(json_string_value(json_object_get(e, "pci")), bdf))
			return dpn_err_set(err, -EBUSY,
			        "device_id: VF %s is already given to pod %s/%s interface %s", bdf,
			        json_string_value(json_object_get(req, "namespace")),
			        json_string_value(json_object_get(req, "pod")),
			        json_string_value(json_object_get(req, "ifname")));
	}
	return 0;
}

static int add_vf(void *ctx, json_t *params, json_t **res, struct dpn_err *err)
{
	struct dpn_vfport *v = ctx;
	struct dpn_vfport_req r;
	char key[16];
	json_t *e = NULL;
	int ret;

	if ((ret = dpn_vfport_req_parse(params, &r, err)) < 0)
		return ret;
	dpn_vfport_name(r.pod.pod_uid, r.pod.ifname, key);
	if ((ret = existing(v, key, &r, res, err)) != 0)
		return ret < 0 ? ret : 0;
	if ((ret = in_use(v, key, r.device_id, err)) < 0 || (ret = vfp_apply(v, &r, &e, err)) < 0)
		return ret;
	if ((ret = dpn_state_commit(&v->state, v->ports, key, e, err)) < 0) {
		vfp_unapply(v, e, NULL);
		json_decref(e);
		return ret;
	}
	LOG_INFO("VF %s to pod %s/%s as %s, representor port %s", r.device_id, r.pod.ns, r.pod.pod,
	        r.pod.ifname,
	        json_string_value(json_object_get(json_object_get(e, "ovs"), "name")));
	*res = result(v, key, e, true);
	json_decref(e);
	return 0;
}

static int del_vf(void *ctx, json_t *params, json_t **res, struct dpn_err *err)
{
	struct dpn_vfport *v = ctx;
	char key[16];
	json_t *e;
	int ret;

	if ((ret = dpn_req_port_key(params, dpn_vfport_name, key, err)) < 0)
		return ret;
	if (!(e = json_incref(json_object_get(v->ports, key)))) { /* DEL is idempotent */
		*res = json_pack("{s:s, s:b}", "port", key, "deleted", 0);
		return 0;
	}
	if ((ret = vfp_unapply(v, e, err)) == 0 &&
	        (ret = dpn_state_commit(&v->state, v->ports, key, NULL, err)) == 0) {
		if (v->ovn)
			dpn_ovn_unwatch(v->ovn, json_string_value(json_object_get(
			                                json_object_get(e, "req"), "iface_id")));
		LOG_INFO("VF %s back from pod interface %s",
		        json_string_value(json_object_get(e, "pci")), key);
		*res = json_pack("{s:s, s:b}", "port", key, "deleted", 1);
	}
	json_decref(e);
	return ret;
}

static json_t *show(void *ctx, const char *key, json_t *e)
{
	json_t *j = result(ctx, key, e, false);
	json_object_del(j, "created");
	return j;
}

static int api_list(void *ctx, json_t *params, json_t **res, struct dpn_err *err)
{
	struct dpn_vfport *v = ctx;
	if (!json_object_get(params, "port")) /* as vhost.list: counters for a reader */
		dpn_ovs_counters_want(v->ovs);
	*res = dpn_req_list(params, v->ports, show, v);
	return dpn_req_list_ready(params, res, err);
}

static int api_add(void *ctx, json_t *params, json_t **res, struct dpn_err *err)
{
	return dpn_req_stats_call(&((struct dpn_vfport *)ctx)->adds, add_vf, ctx, params, res, err);
}

static int api_del(void *ctx, json_t *params, json_t **res, struct dpn_err *err)
{
	return dpn_req_stats_call(&((struct dpn_vfport *)ctx)->dels, del_vf, ctx, params, res, err);
}

/* Records become desired OVS ports before the first reconcile (else they
 * would look stale); a damaged file stops the module instead. */
static int vfport_load(struct dpn_vfport *v, struct dpn_err *err)
{
	json_t *ports, *e;
	const char *key;
	int n = 0, ret = dpn_state_open(&v->state, state_file(v), &ports, &v->from_prev, err);

	if (ret < 0)
		return ret;
	if (err->msg[0])
		LOG_WARN("%s", err->msg);
	json_object_foreach (ports, key, e) {
		struct dpn_err perr = {0};
		if (vfp_port_from_entry(v, e, &perr) < 0) {
			LOG_ERR("%s: %s: %s: dropped", state_file(v), key, perr.msg);
			continue;
		}
		if (v->ovn)
			dpn_ovn_watch(v->ovn, json_string_value(json_object_get(
			                              json_object_get(e, "req"), "iface_id")));
		json_object_set(v->ports, key, e);
		n++;
	}
	json_decref(ports);
	LOG_INFO("restored %d VF attachment(s) from %s", n, state_file(v));
	*err = (struct dpn_err){0};
	return 0;
}

static void uplink_device(struct dpn_vfport *v)
{
	const struct dpn_uplink_conf *u = &v->conf->uplink;
	if (!u->present || !u->n_ports)
		return;
	/* the PCI address, or the devargs' device (before its first ',') */
	dpn_snprintf(v->uplink, sizeof(v->uplink), "%s",
	        u->ports[0].pci[0] ? u->ports[0].pci : u->ports[0].devargs);
	v->uplink[strcspn(v->uplink, ",")] = '\0';
}

static int vfport_init(struct dpn_node *n, void **priv, struct dpn_err *err)
{
	const struct dpn_conf *c = dpn_node_conf(n);
	struct dpn_vfport *v = calloc(1, sizeof(*v));
	int ret;

	if (!v)
		return dpn_err_set(err, -ENOMEM, "out of memory");
	*v = (struct dpn_vfport){.conf = c,
	        .ovs = dpn_ovs_of(dpn_node_module(n, "ovs")),
	        .ovn = dpn_ovn_of(dpn_node_module(n, "ovn")),
	        .sriov = dpn_node_module(n, "sriov"),
	        .bind_timeout_ms = c->ovn.bind_timeout_s * 1000L,
	        .ports = json_object()};
	snprintf(v->bridge, sizeof(v->bridge), "%s", c->int_bridge);
	uplink_device(v);
	v->host_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (v->host_fd < 0)
		ret = dpn_err_set(err, -errno, "/proc/self/ns/net: %s", strerror(errno));
	else if ((ret = vfport_load(v, err)) < 0)
		dpn_err_prefix(err, "cannot restore VF attachments");
	if (ret < 0) {
		if (v->host_fd >= 0)
			close(v->host_fd);
		json_decref(v->ports);
		free(v);
		return ret;
	}
	*priv = v;
	return 0;
}

static int vfport_status(void *priv, json_t *st, struct dpn_err *err)
{
	struct dpn_vfport *v = priv;
	json_object_set_new(st, "vfport",
	        json_pack("{s:I, s:s, s:s, s:b, s:{s:o, s:o}}", "attachments",
	                (json_int_t)json_object_size(v->ports), "state_file", state_file(v),
	                "uplink_device", v->uplink, "restored_from_last_good_copy", v->from_prev,
	                "requests", "add", dpn_req_stats_json(&v->adds), "del",
	                dpn_req_stats_json(&v->dels)));
	if (v->from_prev)
		return dpn_err_set(err, -EIO,
		        "%s was damaged; the attachments were restored from %s.prev", state_file(v),
		        state_file(v));
	return 0;
}

static void vfport_fini(void *priv)
{
	struct dpn_vfport *v = priv;
	close(v->host_fd);
	json_decref(v->ports);
	free(v);
}

static const char *vfport_disabled(const struct dpn_conf *c)
{
	return c->ovs.mode == DPN_OVS_NONE ? "ovs.mode is none: representors need OVS" : NULL;
}

static const struct dpn_api_method vfport_methods[] = {
        {"vf.add", api_add},
        {"vf.del", api_del},
        {"vf.list", api_list, true},
        {NULL, NULL},
};

const struct dpn_module dpn_vfport_module = {
        .name = "vfport",
        .depends_on = (const char *const[]){"sriov", "ovs", NULL},
        .after = (const char *const[]){"ovn", NULL},
        .disabled = vfport_disabled,
        .init = vfport_init,
        .status = vfport_status,
        .fini = vfport_fini,
        .methods = vfport_methods,
};
