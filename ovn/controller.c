/* ovn-controller, supervised: started against dpnode's OVS (its db socket,
 * OVS_RUNDIR for br-int.mgmt), restarted with backoff, adopted across a
 * dpnoded restart. External mode only looks for it. */
#include <errno.h>
#include <string.h>

#define DPN_LOG_MOD "ovn"
#include "dpn_log.h"
#include "dpn_util.h"
#include "ovn_priv.h"

#define RESTART_MIN_MS  200
#define RESTART_MAX_MS  5000
#define STABLE_UPTIME_S 30

static int start(struct ovn_controller *c)
{
	const struct dpn_conf *cf = c->conf;
	char db[DPN_PATH_MAX + 8], pidf[DPN_PATH_MAX + 40], log[DPN_PATH_MAX + 40];
	char out[DPN_PATH_MAX + 40];

	if (dpn_snprintf(db, sizeof(db), "unix:%s", cf->ovs.db_socket) < 0 ||
	        dpn_snprintf(pidf, sizeof(pidf), "--pidfile=%s/ovn-controller.pid",
	                cf->ovn.run_dir) < 0 ||
	        dpn_snprintf(log, sizeof(log), "--log-file=%s/ovn-controller.log",
	                cf->ovs.log_dir) < 0 ||
	        dpn_snprintf(out, sizeof(out), "%s/ovn-controller.out", cf->ovs.log_dir) < 0)
		return -ENAMETOOLONG;
	char *argv[10] = {(char *)cf->ovn.controller_bin, db, pidf, log, NULL};
	char key[DPN_PATH_MAX + 20], cert[DPN_PATH_MAX + 20], ca[DPN_PATH_MAX + 20];
	const struct dpn_ssl_conf *s = &cf->ovn.ssl;
	if (s->set) { /* for its ssl: ovn-remote (OVS external_ids) */
		snprintf(key, sizeof(key), "--private-key=%s", s->private_key);
		snprintf(cert, sizeof(cert), "--certificate=%s", s->certificate);
		snprintf(ca, sizeof(ca), "--ca-cert=%s", s->ca_cert);
		argv[4] = key, argv[5] = cert, argv[6] = ca, argv[7] = NULL;
	}
	return dpn_proc_start(c->proc, argv, out);
}

static void restart_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ovn_controller *c = arg;
	int ret;
	(void)fd;
	(void)what;

	if (c->stopping || dpn_proc_pid(c->proc))
		return;
	dpn_proc_count_restart(c->proc);
	if ((ret = start(c)) < 0)
		LOG_ERR_RL("cannot start ovn-controller: %s", strerror(-ret));
}

static void on_exit_cb(void *arg, struct dpn_proc *p, int status)
{
	struct ovn_controller *c = arg;
	(void)status;

	if (c->stopping || !c->managed)
		return;
	if (dpn_proc_uptime_s(p) > STABLE_UPTIME_S)
		c->backoff_ms = RESTART_MIN_MS;
	struct timeval tv = {c->backoff_ms / 1000, (c->backoff_ms % 1000) * 1000};
	LOG_WARN("ovn-controller exited; restarting in %d ms", c->backoff_ms);
	evtimer_add(c->restart_ev, &tv);
	c->backoff_ms = c->backoff_ms * 2 > RESTART_MAX_MS ? RESTART_MAX_MS : c->backoff_ms * 2;
}

int ovn_controller_init(struct ovn_controller *c, struct event_base *base,
        const struct dpn_conf *conf, struct dpn_err *err)
{
	char pidf[DPN_PATH_MAX + 32];

	*c = (struct ovn_controller){.conf = conf,
	        .managed = conf->ovn.controller == DPN_OVN_CONTROLLER_MANAGED,
	        .backoff_ms = RESTART_MIN_MS};
	if (dpn_snprintf(pidf, sizeof(pidf), "%s/ovn-controller.pid", conf->ovn.run_dir) < 0)
		return dpn_err_set(err, -ENAMETOOLONG, "ovn.run_dir: too long");
	c->proc = dpn_proc_new(base, "ovn-controller", pidf, "ovn-controller", on_exit_cb, c);
	c->restart_ev = evtimer_new(base, restart_cb, c);
	if (!c->proc || !c->restart_ev)
		return dpn_err_set(err, -ENOMEM, "out of memory");
	/* ovn-controller finds br-int's OpenFlow socket in OVS's run dir and puts
	 * its own control socket in OVN's */
	dpn_proc_setenv(c->proc, "OVS_RUNDIR", conf->ovs.run_dir);
	dpn_proc_setenv(c->proc, "OVN_RUNDIR", conf->ovn.run_dir);
	return 0;
}

int ovn_controller_start(struct ovn_controller *c, struct dpn_err *err)
{
	int ret;

	if ((ret = dpn_mkdir_p(c->conf->ovn.run_dir, 0755)) < 0)
		return dpn_err_set(err, ret, "%s: %s", c->conf->ovn.run_dir, strerror(-ret));
	if (dpn_proc_adopt(c->proc) == 0 || !c->managed)
		return 0; /* running (ours from before, or someone else's) */
	if ((ret = start(c)) < 0)
		return dpn_err_set(err, ret, "cannot start %s: %s", c->conf->ovn.controller_bin,
		        strerror(-ret));
	return 0;
}

void ovn_controller_stop(struct ovn_controller *c)
{
	c->stopping = true;
	if (c->managed && c->conf->ovs.stop_on_exit)
		dpn_proc_stop(c->proc, 5000);
}

void ovn_controller_fini(struct ovn_controller *c)
{
	dpn_proc_free(c->proc);
	if (c->restart_ev)
		event_free(c->restart_ev);
}

/* OVN left the config: the ovn-controller an earlier dpnoded started would
 * keep programming br-int (fail_mode secure among others). */
void ovn_controller_undo(struct event_base *base, const struct dpn_conf *conf)
{
	struct ovn_controller c;
	struct dpn_err err = {0};

	if (conf->ovs.mode != DPN_OVS_MANAGED || conf->ovn.controller != DPN_OVN_CONTROLLER_MANAGED)
		return;
	if (ovn_controller_init(&c, base, conf, &err) == 0 && dpn_proc_adopt(c.proc) == 0) {
		LOG_INFO("no ovn.remote any more: stopping the ovn-controller (pid %d) dpnoded ran",
		        (int)dpn_proc_pid(c.proc));
		c.stopping = true;
		dpn_proc_stop(c.proc, 5000);
	}
	ovn_controller_fini(&c);
}

json_t *ovn_controller_status(struct ovn_controller *c)
{
	if (!c->managed)
		dpn_proc_adopt(c->proc); /* someone else's: only whether it runs */
	json_t *st = dpn_proc_status(c->proc);
	json_object_set_new(st, "mode", json_string(c->managed ? "managed" : "external"));
	return st;
}
