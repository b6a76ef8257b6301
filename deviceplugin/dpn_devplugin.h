/* dpnode: the SR-IOV device plugin inside dpnoded. One kubelet device-plugin
 * endpoint (v1beta1, gRPC on a unix socket) per resource pool, registered
 * with kubelet and again whenever kubelet restarts; the device lists follow
 * the SR-IOV inventory monitor. */
#ifndef DPN_DEVPLUGIN_H
#define DPN_DEVPLUGIN_H

#include <stddef.h>

#include "dpn_conf_devplugin.h"
#include "dpn_module.h"
#include "dpn_sriov.h"

/* The module (depends on sriov): disabled without a device_plugin section.
 * Status key "device_plugin" (the summary); API deviceplugin.status (with
 * devices). */
extern const struct dpn_module dpn_devplugin_module;

/* The resource ("<prefix>/<name>") VF vf_bdf is served as under the config
 * c (its resources, else the NIC table's defaults): 0 with it in out;
 * -ENOENT: in no pool; -ENODEV: not a VF of inv. */
int dpn_devplugin_resource_of(const struct dpn_devplugin_conf *c, const struct dpn_inventory *inv,
        const struct dpn_nic_table *t, const char *vf_bdf, char *out, size_t len);

#endif
