/* dpnode: node configuration (one JSON file), its validation and imports.
 * Modules include only the header of their section (dpn_conf_<section>.h);
 * this one is for what handles the whole file: the loader, dpnoded's
 * module glue, dpnodectl. */
#ifndef DPN_CONF_H
#define DPN_CONF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "dpn_api.h"
#include "dpn_conf_base.h"
#include "dpn_conf_devplugin.h"
#include "dpn_conf_hugepages.h"
#include "dpn_conf_metrics.h"
#include "dpn_conf_ovs.h"
#include "dpn_conf_sriov.h"
#include "dpn_conf_vhost.h"
#include "dpn_util.h"

#define DPN_CONF_DEFAULT_PATH "/etc/dpnode/dpnode.json"

struct dpn_conf {
	char log_level[8];
	struct dpn_api_conf api;
	struct dpn_hugepages_conf hugepages;
	struct dpn_ovs_conf ovs;
	struct dpn_uplink_conf uplink;
	char int_bridge[16];
	bool uplink_patch; /* patch ports br-int <-> uplink bridge (no OVN) */
	struct dpn_ovn_conf ovn;
	struct dpn_vhost_conf vhost;
	struct dpn_sriov_conf sriov;
	struct dpn_devplugin_conf devplugin;
	struct dpn_metrics_conf metrics;
};

/* What validation checks against: CPUs and NUMA nodes of this machine. */
struct dpn_machine {
	struct dpn_cpuset online;
	int n_numa;
	bool numa[DPN_MAX_NUMA];
};
/* Reads /sys/devices/system/{cpu,node}/online under sysfs_root ("" = real). */
int dpn_machine_probe(const char *sysfs_root, struct dpn_machine *m);

void dpn_conf_init(struct dpn_conf *c);
void dpn_conf_free(struct dpn_conf *c);
/* Parses and validates; on any problem returns -EINVAL with every problem in
 * errs, and *c is left in its init state. */
int dpn_conf_load_json(json_t *root, const struct dpn_machine *m, struct dpn_conf *c,
        struct dpn_conf_errors *errs);
int dpn_conf_load_file(const char *path, const struct dpn_machine *m, struct dpn_conf *c,
        struct dpn_conf_errors *errs);

/* Kube-OVN import: reads DIR/ovs-dpdk-config and DIR/config.cfg and returns
 * the equivalent dpnode JSON (new reference), or NULL with errs filled. */
json_t *dpn_kubeovn_import(const char *dir, struct dpn_conf_errors *errs);

#endif
