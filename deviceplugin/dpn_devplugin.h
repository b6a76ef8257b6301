/* dpnode: the SR-IOV device plugin inside dpnoded. One kubelet device-plugin
 * endpoint (v1beta1, gRPC on a unix socket) per resource pool, registered
 * with kubelet and again whenever kubelet restarts; the device lists follow
 * the SR-IOV inventory monitor. */
#ifndef DPN_DEVPLUGIN_H
#define DPN_DEVPLUGIN_H

#include <event2/event.h>
#include <jansson.h>

#include "dpn_conf.h"
#include "dpn_sriov_mon.h"

struct dpn_devplugin;

struct dpn_devplugin *dpn_devplugin_new(struct event_base *base, const struct dpn_devplugin_conf *conf,
        const struct dpn_nic_table *nics, struct dpn_sriov_mon *mon);
/* Stops every endpoint (their sockets go away) and waits for the calls. */
void dpn_devplugin_free(struct dpn_devplugin *pl);
/* {"resources": [{"resource", "endpoint", "registered", "streams", counts,
 *  with devices: "devices": [{"id", "health", "numa", "pf", "why", "allocated"}]}]} */
json_t *dpn_devplugin_status(struct dpn_devplugin *pl, bool devices);

#endif
