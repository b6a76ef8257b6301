/* dpnode: the node under OVN. dpnoded's own Southbound connection, which
 * asks the server only for the Port_Binding rows of dpnode's ports and this
 * chassis (monitor_cond), and the ovn-controller it supervises. */
#ifndef DPN_OVN_H
#define DPN_OVN_H

#include <jansson.h>
#include <stdbool.h>

#include "dpn_err.h"
#include "dpn_module.h"

struct dpn_ovn;

/* What OVN says of a logical port (Port_Binding.mac "MAC IP [IP...]"). */
struct dpn_ovn_port {
	char mac[18];
	int n_ips;
	char ips[4][64]; /* as given: IPv4 or IPv6 without prefix */
	bool up;         /* Port_Binding.up (ovn-controller bound it) */
};

/* Pure (unit tested): one Port_Binding mac entry; -EINVAL with err naming it. */
int dpn_ovn_parse_addresses(
        const char *lport, const char *entry, struct dpn_ovn_port *p, struct dpn_err *err);
/* Pure: a Port_Binding row as the Southbound replica holds it (mac, up). */
int dpn_ovn_port_from_binding(
        const char *lport, json_t *row, struct dpn_ovn_port *p, struct dpn_err *err);

/* Adds lport to what the Southbound sends us (idempotent). */
int dpn_ovn_watch(struct dpn_ovn *n, const char *lport);
void dpn_ovn_unwatch(struct dpn_ovn *n, const char *lport);
/* 0 with *p; -EAGAIN while dpnoded's view is not complete (not connected,
 * or a condition change in flight); -ENOENT: the Southbound has no such
 * logical port (yet); -EINVAL: its addresses are malformed. err says which. */
int dpn_ovn_port(struct dpn_ovn *n, const char *lport, struct dpn_ovn_port *p, struct dpn_err *err);

/* dpn_ovn_port for a CNI ADD that may come before kube-ovn-controller made
 * the port: watches lport and answers -EAGAIN (the caller asks again) until
 * timeout_ms after the first ask, then -ETIMEDOUT naming why and unwatches. */
int dpn_ovn_port_wait(struct dpn_ovn *n, const char *lport, long timeout_ms,
        struct dpn_ovn_port *p, struct dpn_err *err);

/* The module (depends on ovs): disabled without ovn.remote. Status "ovn". */
extern const struct dpn_module dpn_ovn_module;
/* The module's OVN state, NULL when OVN is not configured. */
struct dpn_ovn *dpn_ovn_of(void *module_state);

#endif
