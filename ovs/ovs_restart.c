/* A planned ovs-vswitchd restart (`dpnodectl ovs restart`, or config that
 * needs one). other_config:flow-restore-wait is set first: the new vswitchd
 * then forwards nothing from a half-built OpenFlow table while its
 * controller (ovn-controller) reprograms br-int. It is cleared once br-int's
 * flow count has stopped changing, at once without OVN, and after 30 s in
 * any case; a dpnoded that finds it set (it died in between) clears it the
 * same way, or the node would forward nothing for ever. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "dpn_conf.h"
#include "dpn_unixctl.h"
#include "dpn_util.h"
#include "ovs_priv.h"
#include "ovs_schema.h"

#define FRW              "flow-restore-wait"
#define POLL_MS          100
#define STABLE_POLLS     3
#define FLOWS_TIMEOUT_MS 30000

static json_t *frw_op(struct dpn_ovs *o, bool on)
{
	const char *uuid = NULL;
	if (!dpn_ovs_open_vswitch(o, &uuid))
		return NULL;
	json_t *muts = json_pack("[[s, s, [s, [s]]]]", OVS_C_OTHER_CONFIG, "delete", "set", FRW);
	if (on)
		json_array_append_new(muts, json_pack("[s, s, [s, [[s, s]]]]", OVS_C_OTHER_CONFIG,
		                                    "insert", "map", FRW, "true"));
	return json_pack("[{s:s, s:s, s:o, s:o}]", "op", "mutate", "table", OVS_T_OPEN_VSWITCH,
	        "where", dpn_ovsdb_where_uuid(uuid), "mutations", muts);
}

static void cleared(void *arg, json_t *result, const struct dpn_err *err)
{
	struct dpn_ovs *o = arg;
	(void)result;
	if (err) {
		LOG_ERR("cannot clear %s (retrying): %s", FRW, err->msg);
		o->planned = DPN_OVS_PLANNED_FLOWS;
		o->flows_t0_ms = 0; /* retry at the next poll */
		return;
	}
	o->planned = DPN_OVS_PLANNED_NONE;
	o->planned_restarts++;
	o->planned_last_ms = dpn_now_ms() - o->planned_t0_ms;
	LOG_INFO("planned ovs-vswitchd restart done in %llu ms (%s cleared)",
	        (unsigned long long)o->planned_last_ms, FRW);
}

static void clear_frw(struct dpn_ovs *o, const char *why)
{
	json_t *ops = frw_op(o, false);
	LOG_INFO("clearing %s: %s", FRW, why);
	o->planned = DPN_OVS_PLANNED_CLEARING;
	if (!ops || dpn_ovsdb_transact(o->db, ops, cleared, o) < 0)
		o->planned = DPN_OVS_PLANNED_FLOWS; /* not connected: the next poll tries */
}

/* br-int's flow count, each poll: stable over STABLE_POLLS polls = programmed */
static void flows_cb(void *arg, int ret, const char *text)
{
	struct dpn_ovs *o = arg;
	long n = 0;
	o->flows_call = NULL;
	for (const char *p = ret == 0 ? text : NULL; p && *p;
	        p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += *p && *p != '\n';
	o->flows_stable = n > 0 && n == o->flows_last ? o->flows_stable + 1 : 0;
	o->flows_last = n;
	if (o->flows_stable >= STABLE_POLLS)
		clear_frw(o, "br-int's flows are in");
}

static void poll_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dpn_ovs *o = arg;
	struct timeval tv = {0, POLL_MS * 1000};
	char sock[300];
	(void)fd, (void)what;

	if (o->planned != DPN_OVS_PLANNED_FLOWS)
		return;
	if (!o->flows_t0_ms)
		o->flows_t0_ms = dpn_now_ms();
	if (!o->conf->ovn.remote[0])
		clear_frw(o, "no OVN: nobody reprograms br-int");
	else if (dpn_now_ms() - o->flows_t0_ms > FLOWS_TIMEOUT_MS)
		clear_frw(o, "br-int's flows did not settle in 30 s");
	else if (!o->flows_call && dpn_ovs_ctl_socket(o, sock, sizeof(sock)) == 0) {
		const char *br[] = {o->conf->int_bridge};
		o->flows_call = dpn_unixctl_call_async(
		        o->base, sock, "bridge/dump-flows", 1, br, 2000, flows_cb, o);
	}
	if (o->planned == DPN_OVS_PLANNED_FLOWS)
		evtimer_add(o->planned_ev, &tv);
}

/* The new vswitchd is up and has applied the database: wait for its flows. */
void ovs_planned_converged(struct dpn_ovs *o)
{
	struct timeval now = {0, 0};
	if (o->planned != DPN_OVS_PLANNED_RESTARTING && o->planned != DPN_OVS_PLANNED_FOUND)
		return;
	if (o->planned == DPN_OVS_PLANNED_RESTARTING && dpn_proc_pid(o->vsproc) == o->planned_pid)
		return; /* the old one, not yet gone */
	o->planned = DPN_OVS_PLANNED_FLOWS;
	o->flows_t0_ms = 0;
	o->flows_last = 0;
	o->flows_stable = 0;
	evtimer_add(o->planned_ev, &now);
}

/* A dpnoded that died mid-restart left flow-restore-wait set: finish it. */
void ovs_planned_adopt(struct dpn_ovs *o, json_t *ovs_row)
{
	const char *v = dpn_ovsdb_map_get(json_object_get(ovs_row, OVS_C_OTHER_CONFIG), FRW);
	if (o->planned == DPN_OVS_PLANNED_NONE && v && !strcmp(v, "true")) {
		LOG_WARN("%s is set and no restart of ours is in progress: clearing it once "
		         "br-int is programmed",
		        FRW);
		o->planned = DPN_OVS_PLANNED_FOUND;
		o->planned_t0_ms = dpn_now_ms();
	}
}

/* vswitchd exited: ours (true: restart it now, uncounted) or a crash. */
bool ovs_planned_exit(struct dpn_ovs *o)
{
	return o->planned == DPN_OVS_PLANNED_RESTARTING;
}

static void frw_set(void *arg, json_t *result, const struct dpn_err *err)
{
	struct dpn_ovs *o = arg;
	pid_t pid = dpn_proc_pid(o->vsproc);
	(void)result;
	if (err || !pid) {
		LOG_ERR("planned restart abandoned: %s", err ? err->msg : "ovs-vswitchd is gone");
		clear_frw(o, "restart abandoned");
		return;
	}
	LOG_INFO("planned restart: %s set, stopping ovs-vswitchd pid %d", FRW, (int)pid);
	o->planned = DPN_OVS_PLANNED_RESTARTING;
	o->planned_pid = pid;
	kill(pid, SIGTERM); /* the exit callback starts the new one */
}

int dpn_ovs_restart(struct dpn_ovs *o, struct dpn_err *err)
{
	if (o->conf->ovs.mode != DPN_OVS_MANAGED)
		return dpn_err_set(err, -EOPNOTSUPP,
		        "ovs.mode is attach: ovs-vswitchd is not dpnoded's to restart");
	if (o->planned != DPN_OVS_PLANNED_NONE)
		return dpn_err_set(err, -EBUSY, "a planned restart is in progress");
	if (!dpn_proc_pid(o->vsproc) || !dpn_ovsdb_is_connected(o->db))
		return dpn_err_set(err, -EAGAIN, "ovs-vswitchd or its database is not up");
	json_t *ops = frw_op(o, true);
	if (!ops)
		return dpn_err_set(err, -EAGAIN, "no Open_vSwitch row yet");
	o->planned = DPN_OVS_PLANNED_SETTING;
	o->planned_t0_ms = dpn_now_ms();
	int ret = dpn_ovsdb_transact(o->db, ops, frw_set, o);
	if (ret < 0) {
		o->planned = DPN_OVS_PLANNED_NONE;
		return dpn_err_set(err, ret, "cannot set %s", FRW);
	}
	return 0;
}

json_t *ovs_planned_status(const struct dpn_ovs *o)
{
	static const char *const names[] = {"none", "setting flow-restore-wait", "restarting",
	        "waiting for br-int's flows", "clearing flow-restore-wait",
	        "clearing a flow-restore-wait found set"};
	return json_pack("{s:s, s:I, s:I}", "state", names[o->planned], "done",
	        (json_int_t)o->planned_restarts, "last_ms", (json_int_t)o->planned_last_ms);
}

int ovs_planned_init(struct dpn_ovs *o)
{
	o->planned_ev = evtimer_new(o->base, poll_cb, o);
	return o->planned_ev ? 0 : -ENOMEM;
}

void ovs_planned_fini(struct dpn_ovs *o)
{
	dpn_unixctl_cancel(o->flows_call);
	o->flows_call = NULL;
	if (o->planned_ev)
		event_free(o->planned_ev);
	o->planned_ev = NULL;
}
