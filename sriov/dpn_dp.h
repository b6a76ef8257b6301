/* dpnode: the SR-IOV device plugin's pools: sriov-network-device-plugin's
 * resourceList format and matching rules over dpnode's inventory. */
#ifndef DPN_DP_H
#define DPN_DP_H

#include <jansson.h>
#include <stdbool.h>

#include "dpn_conf.h"
#include "dpn_sriov.h"

/* No resources configured: each PF of a known vendor gets the NIC table's
 * default resource, selecting that PF's VFs. */
int dpn_dp_pools_defaults(
        const struct dpn_inventory *inv, const struct dpn_nic_table *t, struct dpn_dp_pools *p);

/* The first pool selecting a VF, or -1. link_type: "ether"/"infiniband"/"". */
int dpn_dp_pool_of(const struct dpn_dp_pools *p, const struct dpn_pf *pf, const struct dpn_vf *vf,
        const char *link_type);
/* {"<prefix>/<name>": ["<VF BDF>", ...]} for an inventory. */
json_t *dpn_dp_assign(const struct dpn_dp_pools *p, const struct dpn_inventory *inv);

#endif
