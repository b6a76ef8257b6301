/* offload internal: the PF checks (offload_pf.c) for the module (offload.c). */
#ifndef DPN_OFFLOAD_PRIV_H
#define DPN_OFFLOAD_PRIV_H

#include <jansson.h>

#include "dpn_offload.h"
#include "dpn_sriov.h"

/* Every PF of a NIC-table vendor with why offload cannot work there. */
json_t *offload_pfs(const struct dpn_inventory *inv, const struct dpn_nic_table *nics);

#endif
