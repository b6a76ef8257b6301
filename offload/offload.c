/* The offload module: the PF checks and OVS's offload reports, refreshed
 * every few seconds (asynchronously: a busy vswitchd never blocks the
 * loop), kept for status, /metrics and `dpnodectl offload`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DPN_LOG_MOD "offload"
#include "dpn_api.h"
#include "dpn_conf.h"
#include "dpn_log.h"
#include "dpn_ovs.h"
#include "dpn_sriov_mon.h"
#include "dpn_unixctl.h"
#include "offload_priv.h"

#define REFRESH_S 5

struct offload {
	const struct dpn_conf *conf;
	struct event_base *base;
	struct dpn_ovs *ovs;
	void *sriov;
	struct event *timer;
	struct dpn_unixctl_async *flows_call, *stats_call;
	json_t *flows; /* in_port name -> offloaded flows (last dump) */
	json_t *stats; /* offload-stats-show's totals */
	char flows_error[256];
};

static void flows_cb(void *arg, int ret, const char *text)
{
	struct offload *o = arg;
	o->flows_call = NULL;
	json_object_clear(o->flows);
	if (ret < 0) {
		snprintf(o->flows_error, sizeof(o->flows_error), "dpctl/dump-flows: %s",
		        text && text[0] ? text : strerror(-ret));
		return;
	}
	o->flows_error[0] = '\0';
	dpn_offload_count_flows(text, o->flows);
}

static void stats_cb(void *arg, int ret, const char *text)
{
	struct offload *o = arg;
	o->stats_call = NULL;
	json_decref(o->stats);
	o->stats = ret == 0 ? dpn_offload_parse_stats(text) : json_null();
}

static void refresh(evutil_socket_t fd, short what, void *arg)
{
	struct offload *o = arg;
	struct timeval tv = {REFRESH_S, 0};
	char sock[300];
	(void)fd, (void)what;

	if (o->ovs && dpn_ovs_ctl_socket(o->ovs, sock, sizeof(sock)) == 0) {
		const char *dump[] = {"--names", "type=offloaded"};
		if (!o->flows_call)
			o->flows_call = dpn_unixctl_call_async(
			        o->base, sock, "dpctl/dump-flows", 2, dump, 2000, flows_cb, o);
		if (!o->stats_call)
			o->stats_call = dpn_unixctl_call_async(o->base, sock,
			        "dpif-netdev/offload-stats-show", 0, NULL, 2000, stats_cb, o);
	}
	evtimer_add(o->timer, &tv);
}

/* OVS's hw-offload: asked for by the config, and in the running vswitchd. */
static json_t *ovs_block(struct offload *o, bool *on)
{
	char v[16];
	int known = o->ovs ? dpn_ovs_startup_value(o->ovs, "hw-offload", v, sizeof(v)) : -ENOENT;
	const char *running = known < 0 ? NULL : !strcmp(v, "true") ? "true" : "false";

	*on = running ? !strcmp(running, "true") : o->conf->ovs.hw_offload;
	return json_pack("{s:b, s:s?, s:s?, s:O}", "hw_offload", o->conf->ovs.hw_offload, "running",
	        running, "running_unknown_because",
	        running ? NULL
	        : o->conf->ovs.mode == DPN_OVS_MANAGED
	                ? "ovs-vswitchd is not up, or dpnoded did not start it (a planned restart "
	                  "follows)"
	                : "attach mode: ovs-vswitchd reads hw-offload when it starts, outside "
	                  "dpnode",
	        "stats", o->stats ? o->stats : json_null());
}

/* Why a representor's flows cannot be offloaded at all, or NULL. br-int is
 * the userspace (netdev) datapath's: OVS-DPDK's. */
static const char *never(json_t *port)
{
	const char *type = json_string_value(json_object_get(port, "type")) ?: "";
	if (strcmp(type, "dpdk"))
		return "a kernel representor in OVS's userspace datapath: OVS-DPDK offloads the "
		       "flows of DPDK ports (rte_flow), a kernel netdev's are not TC's to offload "
		       "here";
	return NULL;
}

/* Representor ports (the vfport module's, dpnode-vf on the interface) with
 * their offloaded flows; only theirs are read (a node has many pod ports). */
static json_t *port_entry(struct offload *o, json_t *p, bool on, json_t *warnings)
{
	const char *vf = json_string_value(json_object_get(p, "dpnode-vf"));
	const char *name = json_string_value(json_object_get(p, "name"));
	json_int_t pkts = json_integer_value(json_object_get(p, "rx_packets")) +
	                  json_integer_value(json_object_get(p, "tx_packets"));
	json_int_t n = json_integer_value(json_object_get(o->flows, name ?: ""));
	const char *why = never(p);

	if (!vf || !name)
		return NULL;
	if (on && pkts > 0 && n == 0)
		json_array_append_new(warnings,
		        json_sprintf("%s (VF %s) carries traffic (%lld packets) but none of its "
		                     "datapath flows is offloaded",
		                name, vf, (long long)pkts));
	return json_pack("{s:s, s:s, s:O, s:I, s:I, s:b, s:s?}", "port", name, "vf", vf, "type",
	        json_object_get(p, "type"), "packets", pkts, "offloaded_flows", n, "offloadable",
	        !why, "not_offloadable_because", why);
}

static json_t *ports_block(struct offload *o, bool on, json_t *warnings)
{
	json_t *out = json_array(), *names, *n;
	size_t i;

	if (!o->ovs)
		return out;
	names = dpn_ovs_owned_ports(o->ovs, o->conf->int_bridge, "vfport"); /* vfport's owner */
	if (json_array_size(names)) /* their traffic decides the warning */
		dpn_ovs_counters_want(o->ovs);
	json_array_foreach (names, i, n) {
		json_t *p =
		        dpn_ovs_iface_status(o->ovs, json_string_value(n), json_string_value(n));
		json_t *e = p ? port_entry(o, p, on, warnings) : NULL;
		if (e)
			json_array_append_new(out, e);
		json_decref(p);
	}
	json_decref(names);
	return out;
}

static json_t *offload_json(struct offload *o)
{
	struct dpn_sriov_mon *mon = dpn_sriov_monitor(o->sriov);
	json_t *warnings = json_array();
	bool on;
	json_t *ovs = ovs_block(o, &on);
	json_t *pfs =
	        offload_pfs(mon ? dpn_sriov_mon_current(mon) : NULL, dpn_sriov_nics(o->sriov));
	size_t i;
	json_t *pf;

	json_array_foreach (pfs, i, pf)
		if (o->conf->ovs.hw_offload && !json_is_true(json_object_get(pf, "ready")))
			json_array_append_new(warnings,
			        json_sprintf("PF %s: %s",
			                json_string_value(json_object_get(pf, "pci")),
			                json_string_value(json_array_get(
			                        json_object_get(pf, "not_ready_because"), 0))));
	json_t *ports = ports_block(o, on, warnings);
	return json_pack("{s:o, s:o, s:o, s:s?, s:o}", "ovs", ovs, "pfs", pfs, "ports", ports,
	        "flows_error", o->flows_error[0] ? o->flows_error : NULL, "warnings", warnings);
}

static int api_status(void *ctx, json_t *params, json_t **res, struct dpn_err *err)
{
	(void)params, (void)err;
	*res = offload_json(ctx);
	return 0;
}

static int offload_init(struct dpn_node *n, void **priv, struct dpn_err *err)
{
	struct offload *o = calloc(1, sizeof(*o));

	if (!o)
		return dpn_err_set(err, -ENOMEM, "out of memory");
	*o = (struct offload){.conf = dpn_node_conf(n),
	        .base = dpn_node_base(n),
	        .ovs = dpn_ovs_of(dpn_node_module(n, "ovs")),
	        .sriov = dpn_node_module(n, "sriov"),
	        .flows = json_object()};
	o->timer = evtimer_new(o->base, refresh, o);
	if (!o->timer) {
		json_decref(o->flows);
		free(o);
		return dpn_err_set(err, -ENOMEM, "out of memory");
	}
	*priv = o;
	return 0;
}

static int offload_start(void *priv, struct dpn_err *err)
{
	struct offload *o = priv;
	struct timeval now = {0, 0};
	(void)err;
	evtimer_add(o->timer, &now);
	return 0;
}

/* Degraded when offload is asked for and something stands in its way. */
static int offload_status(void *priv, json_t *st, struct dpn_err *err)
{
	struct offload *o = priv;
	json_t *j = offload_json(o);
	json_t *w = json_array_get(json_object_get(j, "warnings"), 0);
	int ret = o->conf->ovs.hw_offload && w
	                  ? dpn_err_set(err, -EOPNOTSUPP, "%s", json_string_value(w))
	                  : 0;
	json_object_set_new(st, "offload", j);
	return ret;
}

static void offload_stop(void *priv)
{
	struct offload *o = priv;
	evtimer_del(o->timer);
	dpn_unixctl_cancel(o->flows_call);
	dpn_unixctl_cancel(o->stats_call);
	o->flows_call = o->stats_call = NULL;
}

static void offload_fini(void *priv)
{
	struct offload *o = priv;
	offload_stop(o);
	event_free(o->timer);
	json_decref(o->flows);
	json_decref(o->stats);
	free(o);
}

static const char *offload_disabled(const struct dpn_conf *c)
{
	return c->ovs.mode == DPN_OVS_NONE ? "ovs.mode is none: offload is OVS's" : NULL;
}

static const struct dpn_api_method offload_methods[] = {
        {"offload.status", api_status, true},
        {NULL, NULL},
};

const struct dpn_module dpn_offload_module = {
        .name = "offload",
        .depends_on = (const char *const[]){"sriov", "ovs", NULL},
        .disabled = offload_disabled,
        .init = offload_init,
        .start = offload_start,
        .status = offload_status,
        .stop = offload_stop,
        .fini = offload_fini,
        .methods = offload_methods,
};
