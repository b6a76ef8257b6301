/* dpnode: hardware offload (offload/): per PF, whether offload can work
 * there and why not (e-switch mode, hw-tc-offload, mlx5 steering, whether
 * this DPDK has the vendor's PMD); whether the running ovs-vswitchd has
 * hw-offload; per representor port, how many of its datapath flows OVS
 * offloaded, with a warning for a port that carries traffic with none. */
#ifndef DPN_OFFLOAD_H
#define DPN_OFFLOAD_H

#include <jansson.h>

#include "dpn_module.h"

/* Pure parsers of ovs-vswitchd's unixctl replies (unit tested). */
/* `dpctl/dump-flows --names type=offloaded`: flows per in_port name into
 * per_port ({name: count}); returns the total. */
int dpn_offload_count_flows(const char *text, json_t *per_port);
/* `dpif-netdev/offload-stats-show`: the "Total" section's counters as
 * {"inserted_offloads": N, ...} (keys lowercased, '_' for spaces). */
json_t *dpn_offload_parse_stats(const char *text);

/* The module (depends on sriov and ovs). Status "offload"; API
 * offload.status (dpnodectl offload). */
extern const struct dpn_module dpn_offload_module;

#endif
