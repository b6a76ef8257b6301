/* dpnode: the SR-IOV inventory kept current inside dpnoded by a udev monitor. */
#ifndef DPN_SRIOV_MON_H
#define DPN_SRIOV_MON_H

#include <event2/event.h>
#include <jansson.h>

#include "dpn_sriov.h"

struct dpn_sriov_mon;

/* Called after each rescan that changed the inventory. */
typedef void (*dpn_sriov_mon_cb)(void *arg, const struct dpn_inventory *inv, json_t *inventory);

struct dpn_sriov_mon *dpn_sriov_mon_new(struct event_base *base, const struct dpn_nic_table *t);
void dpn_sriov_mon_free(struct dpn_sriov_mon *m);
int dpn_sriov_mon_subscribe(struct dpn_sriov_mon *m, dpn_sriov_mon_cb cb, void *arg);
/* {"generation": N, "pfs": [...]} (borrowed). */
json_t *dpn_sriov_mon_inventory(struct dpn_sriov_mon *m);
/* The last scan (borrowed; valid until the next change). */
const struct dpn_inventory *dpn_sriov_mon_current(struct dpn_sriov_mon *m);
/* Rescans now (and notifies when something changed). */
void dpn_sriov_mon_rescan(struct dpn_sriov_mon *m);

#endif
