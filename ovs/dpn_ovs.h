/* dpnode: the OVS-DPDK instance: lifecycle, supervision and reconcile. */
#ifndef DPN_OVS_H
#define DPN_OVS_H

#include <event2/event.h>
#include <jansson.h>
#include <stdbool.h>

#include "dpn_conf.h"

struct dpn_ovs;

/* converged: called each time the node goes from pending to converged. */
struct dpn_ovs *dpn_ovs_new(struct event_base *base, const struct dpn_conf *conf,
        void (*converged)(void *arg), void *arg);
/* Managed: creates the db if absent, adopts or starts ovsdb-server, and
 * ovs-vswitchd once its DPDK settings are in the db. Attach: connects. */
int dpn_ovs_start(struct dpn_ovs *o);
/* Stops supervised processes when the config says so (ovs.stop_on_exit). */
void dpn_ovs_shutdown(struct dpn_ovs *o);
void dpn_ovs_free(struct dpn_ovs *o);

/* Desired OVSDB state (see dpn_desired.h); callers that change it kick. */
json_t *dpn_ovs_desired(struct dpn_ovs *o);
void dpn_ovs_kick(struct dpn_ovs *o);
bool dpn_ovs_converged(const struct dpn_ovs *o);

/* One interface as in status' bridges[].ports[], or NULL when OVS has no
 * such interface (yet); new reference. */
json_t *dpn_ovs_iface_status(struct dpn_ovs *o, const char *port, const char *name);
/* Status object (see docs/status.md), new reference. */
json_t *dpn_ovs_status(struct dpn_ovs *o);

#endif
