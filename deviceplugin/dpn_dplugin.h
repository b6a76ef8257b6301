/* dpnode: the SR-IOV device plugin inside dpnoded. One kubelet device-plugin
 * endpoint (v1beta1, gRPC on a unix socket) per resource pool, registered
 * with kubelet and again whenever kubelet restarts; the device lists follow
 * the SR-IOV inventory monitor. */
#ifndef DPN_DPLUGIN_H
#define DPN_DPLUGIN_H

#include <event2/event.h>
#include <jansson.h>

#include "dpn_conf.h"
#include "dpn_sriov_mon.h"

struct dpn_dplugin;

struct dpn_dplugin *dpn_dplugin_new(struct event_base *base, const struct dpn_dp_conf *conf,
        const struct dpn_nic_table *nics, struct dpn_sriov_mon *mon);
/* Stops every endpoint (their sockets go away) and waits for the calls. */
void dpn_dplugin_free(struct dpn_dplugin *pl);
/* {"resources": [{"resource", "endpoint", "registered", "streams", counts,
 *  with devices: "devices": [{"id", "health", "numa", "pf", "why", "allocated"}]}]} */
json_t *dpn_dplugin_status(struct dpn_dplugin *pl, bool devices);

#endif
