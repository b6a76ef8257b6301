/* datapath internal: state shared by ovs.c and ovs_status.c. */
#ifndef DPN_OVS_PRIV_H
#define DPN_OVS_PRIV_H

#include "dpn_ovs.h"
#include "dpn_ovsdb.h"
#include "dpn_log.h"
#include "dpn_proc.h"
#include "dpn_util.h"

/* ovs_stats.c: the Interface counters dpnode shows, read on demand */
#define DPN_OVS_N_COUNTERS 9 /* the last, ovs_tx_retries, only vhost-user has */
extern const char *const dpn_ovs_counter_names[DPN_OVS_N_COUNTERS];
struct dpn_ovs_counters {
	long long v[DPN_OVS_N_COUNTERS];
	unsigned has; /* bit i: v[i] was in the statistics map */
};
struct ovs_stats;

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
	void (*on_change)(void *arg); /* the replica changed */
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
	bool bump_cfg;                  /* vswitchd restarted: make it confirm the config */
	unsigned long txns, txn_errors; /* reconcile transactions: done, refused */
	struct dpn_err last_error;      /* the reconcile's current problem */
	struct dpn_log_limit err_log;
	char dpdk_init_error[1280];

	/* a planned vswitchd restart (ovs_restart.c) */
	enum {
		DPN_OVS_PLANNED_NONE,
		DPN_OVS_PLANNED_SETTING,    /* flow-restore-wait being set */
		DPN_OVS_PLANNED_RESTARTING, /* SIGTERM sent, the new one not converged */
		DPN_OVS_PLANNED_FLOWS,      /* waiting for br-int's flows */
		DPN_OVS_PLANNED_CLEARING,   /* flow-restore-wait being cleared */
		DPN_OVS_PLANNED_FOUND,      /* set when this dpnoded started */
	} planned;
	uint64_t planned_t0_ms, planned_last_ms, flows_t0_ms;
	unsigned long planned_restarts;
	pid_t planned_pid; /* the vswitchd stopped */
	long flows_last;
	int flows_stable;
	struct event *planned_ev;
	struct dpn_unixctl_async *flows_call;
	json_t *clean;       /* ports the reconcile found equal, unchanged since */
	bool stale_possible; /* a port may have to go: the next pass scans for it */
	unsigned long resyncs;
	struct ovs_index *index; /* ovs_index.c; NULL: built when asked */
	pid_t started_pid;       /* the vswitchd this dpnoded started */
	pid_t startup_checked;   /* the vswitchd whose startup settings were checked */
	struct ovs_stats *stats;
};

/* The Open_vSwitch row of the replica (and its uuid when asked), or NULL. */
json_t *dpn_ovs_open_vswitch(struct dpn_ovs *o, const char **uuid);

/* ovs_startup.c: what the running vswitchd started with */
void ovs_startup_started(struct dpn_ovs *o, pid_t pid);
void ovs_startup_check(struct dpn_ovs *o);

/* ovs_restart.c */
int ovs_planned_init(struct dpn_ovs *o);
void ovs_planned_fini(struct dpn_ovs *o);
void ovs_planned_converged(struct dpn_ovs *o);
void ovs_planned_adopt(struct dpn_ovs *o, json_t *ovs_row);
bool ovs_planned_exit(struct dpn_ovs *o);
json_t *ovs_planned_status(const struct dpn_ovs *o);

/* ovs_index.c: Interface by name, foreign Interface by iface-id */
void ovs_index_update(struct dpn_ovs *o, const char *table, const char *uuid, json_t *row_update);
/* Port name -> uuid, kept current (borrowed; NULL without memory). */
json_t *ovs_index_ports(struct dpn_ovs *o);
void ovs_index_drop(struct dpn_ovs *o);
const char *ovs_index_iface_uuid(struct dpn_ovs *o, const char *name);

int ovs_stats_init(struct dpn_ovs *o);
void ovs_stats_fini(struct dpn_ovs *o);
/* iface's counters as last read, or NULL (not read yet, or no such row). */
const struct dpn_ovs_counters *ovs_stats_get(struct dpn_ovs *o, const char *iface);
/* How old the counters are; 0 before the first read. */
uint64_t ovs_stats_age_ms(struct dpn_ovs *o);

/* Path of ovs-vswitchd's unixctl socket for pid; -ENOENT when not found. */
int dpn_ovs_vswitchd_ctl(struct dpn_ovs *o, pid_t pid, char *buf, size_t len);
/* DPDK is up and ovs-vswitchd has applied the current database. */
bool dpn_ovs_vswitchd_ready(struct dpn_ovs *o);
/* Last ERR/EMER line of an OVS log (for error messages). */
void dpn_ovs_log_tail_error(const char *path, char *buf, size_t len);

#endif
