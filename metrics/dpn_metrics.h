/* dpnode: Prometheus metrics (text format 0.0.4) on /metrics over HTTP.
 * The module refreshes a cached page at most every metrics.interval_s from
 * the node's status and, without blocking the loop, from ovs-vswitchd's PMD
 * reports (unixctl); a scrape only copies the cache. */
#ifndef DPN_METRICS_H
#define DPN_METRICS_H

#include <jansson.h>
#include <stdio.h>

#include "dpn_module.h"

/* Pure parts (unit tested). */

/* `dpif-netdev/pmd-stats-show`: [{"numa", "core", "packets", "emc_hits",
 * "smc_hits", "megaflow_hits", "upcalls_ok", "upcalls_failed",
 * "idle_cycles", "processing_cycles"}] for the PMD threads (not main). */
json_t *dpn_metrics_parse_pmd_stats(const char *text);
/* `dpif-netdev/pmd-rxq-show`: [{"numa", "core", "port", "queue",
 * "enabled", "usage_pct"}]. */
json_t *dpn_metrics_parse_rxq(const char *text);

/* The page: status (dpn_node_status) and pmd ({"stats": [...], "rxqs":
 * [...]} or NULL) as Prometheus text on f. */
void dpn_metrics_render(FILE *f, json_t *status, json_t *pmd);

/* The module: after every other module (it reads them all through the
 * node's status). Status key "metrics": listen, refreshes, last refresh
 * cost, scrapes. Disabled with metrics.enabled false. */
extern const struct dpn_module dpn_metrics_module;

#endif
