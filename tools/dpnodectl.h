/* dpnodectl internals shared by its command files. */
#ifndef DPNODECTL_H
#define DPNODECTL_H

#include <jansson.h>

/* Exit codes: 0 ok, 1 runtime failure, 2 bad input/usage. */
#define CTL_EXIT_FAIL  1
#define CTL_EXIT_USAGE 2

/* Sends one API request to dpnoded; returns the "result" (new ref) or NULL
 * after printing the error. */
json_t *ctl_call(const char *method, json_t *params);
int ctl_status(int argc, char **argv);
int ctl_vhost(int argc, char **argv);
int ctl_vfs(int argc, char **argv);
int ctl_sriov(int argc, char **argv);
int ctl_resources(int argc, char **argv);
int ctl_doctor(int argc, char **argv);
int ctl_ready(int argc, char **argv);
int ctl_ovs_restart(void);
int ctl_offload(int argc, char **argv);

#endif
