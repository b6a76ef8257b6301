/* datapath internal: state shared by ovs.c and ovs_status.c. */
#ifndef DPN_OVS_PRIV_H
#define DPN_OVS_PRIV_H

#include "dpn_ovs.h"
#include "dpn_ovsdb.h"
#include "dpn_log.h"
#include "dpn_proc.h"

struct restart {
	struct dpn_ovs *o;
	struct dpn_proc *proc;
	struct event *ev;
	int backoff_ms;
};

struct dpn_ovs {
	struct event_base *base;
	const struct dpn_conf *conf;
	void (*on_converged)(void *arg);
	void *arg;

	struct dpn_ovsdb *db;
	struct dpn_proc *dbproc, *vsproc;
	struct restart db_restart, vs_restart;
	char vs_log[DPN_PATH_MAX + 32];

	json_t *desired;
	struct event *kick_ev, *resync_ev, *init_ev;
	bool shutting_down;
	bool txn_inflight;
	bool converged;
	bool net_ok;
	bool bump_cfg; /* vswitchd restarted: make it confirm the config */
	unsigned long txns, txn_errors; /* reconcile transactions: done, refused */
	struct dpn_err last_error; /* the reconcile's current problem */
	struct dpn_log_limit err_log;
	char dpdk_init_error[1280];
};

/* Path of ovs-vswitchd's unixctl socket for pid; -ENOENT when not found. */
int dpn_ovs_vswitchd_ctl(struct dpn_ovs *o, pid_t pid, char *buf, size_t len);
/* DPDK is up and ovs-vswitchd has applied the current database. */
bool dpn_ovs_vswitchd_ready(struct dpn_ovs *o);
/* Last ERR/EMER line of an OVS log (for error messages). */
void dpn_ovs_log_tail_error(const char *path, char *buf, size_t len);

#endif
