/* dpnode: supervised child processes (ovsdb-server, ovs-vswitchd). */
#ifndef DPN_PROC_H
#define DPN_PROC_H

#include <event2/event.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct dpn_proc;

/* exited is called once the process is gone; status is the wait status, or
 * -1 for an adopted process (not our child, its status is unknown). */
typedef void (*dpn_proc_exit_cb)(void *arg, struct dpn_proc *p, int status);

/* comm: the kernel's name for the process (/proc/PID/comm, 15 chars max),
 * used to refuse a stale pidfile that now names another program. */
struct dpn_proc *dpn_proc_new(struct event_base *base, const char *name, const char *pidfile,
        const char *comm, dpn_proc_exit_cb cb, void *arg);
void dpn_proc_free(struct dpn_proc *p);
/* Takes over a running instance named by the pidfile: 0, or -ESRCH. */
int dpn_proc_adopt(struct dpn_proc *p);
/* Forks and execs argv in its own session with OVS_* env, output to out_path. */
int dpn_proc_start(struct dpn_proc *p, char *const argv[], const char *out_path);
/* SIGTERM, then SIGKILL after timeout_ms. Blocks (only used at exit). */
void dpn_proc_stop(struct dpn_proc *p, int timeout_ms);
void dpn_proc_setenv(struct dpn_proc *p, const char *key, const char *val);

const char *dpn_proc_name(const struct dpn_proc *p);
pid_t dpn_proc_pid(const struct dpn_proc *p); /* 0 when not running */
uint64_t dpn_proc_uptime_s(const struct dpn_proc *p);
unsigned dpn_proc_restarts(const struct dpn_proc *p);
void dpn_proc_count_restart(struct dpn_proc *p);
/* {"pid": N|null, "uptime_s", "restarts"} for status; new reference. */
json_t *dpn_proc_status(const struct dpn_proc *p);

#endif
