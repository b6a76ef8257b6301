/* dpnode: OVS unixctl client (the JSON-RPC that ovs-appctl speaks). */
#ifndef DPN_UNIXCTL_H
#define DPN_UNIXCTL_H

#include <sys/types.h>

/* Control socket of an OVS daemon: <run_dir>/<name>.<pid>.ctl */
int dpn_unixctl_path(char *buf, size_t len, const char *run_dir, const char *name, pid_t pid);
/* Runs cmd with args (argc may be 0) and returns its text output (malloc'd)
 * in *out. A command that fails returns -EREMOTEIO with the error text in *out. */
int dpn_unixctl_call(const char *sock, const char *cmd, int argc, const char *const argv[],
        int timeout_ms, char **out);
/* The same without blocking: cb(arg, ret, text) runs once on base's loop
 * with the output (ret 0), the command's error text (-EREMOTEIO) or a
 * transport error (text NULL: -ECONNREFUSED, -ETIMEDOUT, ...). text is
 * borrowed for the call. Returns the call, NULL when it could not start (cb
 * is not called then). */
struct event_base;
struct dpn_unixctl_async;
typedef void (*dpn_unixctl_cb)(void *arg, int ret, const char *text);
struct dpn_unixctl_async *dpn_unixctl_call_async(struct event_base *base, const char *sock,
        const char *cmd, int argc, const char *const argv[], int timeout_ms, dpn_unixctl_cb cb,
        void *arg);
/* Before it completed: cb is never called. */
void dpn_unixctl_cancel(struct dpn_unixctl_async *a);

/* Parses `dpif-netdev/pmd-rxq-show` output into the PMD core ids; returns the count. */
int dpn_unixctl_parse_pmd_cores(const char *text, int *cores, int max);

#endif
