/* dpnode: the SR-IOV device plugin inside dpnoded. One kubelet device-plugin
 * endpoint (v1beta1, gRPC on a unix socket) per resource pool, registered
 * with kubelet and again whenever kubelet restarts; the device lists follow
 * the SR-IOV inventory monitor. */
#ifndef DPN_DEVPLUGIN_H
#define DPN_DEVPLUGIN_H

#include "dpn_module.h"

/* The module (depends on sriov): disabled without a device_plugin section.
 * Status key "device_plugin" (the summary); API deviceplugin.status (with
 * devices). */
extern const struct dpn_module dpn_devplugin_module;

#endif
