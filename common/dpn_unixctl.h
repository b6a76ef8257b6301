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
/* Parses `dpif-netdev/pmd-rxq-show` output into the PMD core ids; returns the count. */
int dpn_unixctl_parse_pmd_cores(const char *text, int *cores, int max);

#endif
