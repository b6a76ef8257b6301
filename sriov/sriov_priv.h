/* sriov internal: representor mapping, called by the scan. */
#ifndef DPN_SRIOV_PRIV_H
#define DPN_SRIOV_PRIV_H

#include <libudev.h>

#include "dpn_sriov.h"

void dpn_sriov_map_reps(struct udev *u, const struct dpn_nic_table *t, struct dpn_inventory *inv);

#endif
