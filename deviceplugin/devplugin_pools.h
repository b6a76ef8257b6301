/* dpnode: the SR-IOV device plugin's pools: sriov-network-device-plugin's
 * resourceList format and matching rules over dpnode's inventory. */
#ifndef DPN_DEVPLUGIN_POOLS_H
#define DPN_DEVPLUGIN_POOLS_H

#include <jansson.h>
#include <stdbool.h>

#include "dpn_conf_devplugin.h"
#include "dpn_sriov.h"

/* No resources configured: each PF of a known vendor gets the NIC table's
 * default resource, selecting that PF's VFs. */
int dpn_devplugin_pools_defaults(const struct dpn_inventory *inv, const struct dpn_nic_table *t,
        struct dpn_devplugin_pools *p);

/* The first pool selecting a VF, or -1. link_type: "ether"/"infiniband"/"". */
int dpn_devplugin_pool_of(const struct dpn_devplugin_pools *p, const struct dpn_pf *pf,
        const struct dpn_vf *vf, const char *link_type);
/* {"<prefix>/<name>": ["<VF BDF>", ...]} for an inventory. */
json_t *dpn_devplugin_assign(const struct dpn_devplugin_pools *p, const struct dpn_inventory *inv);

#endif
