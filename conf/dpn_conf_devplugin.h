/* dpnode config: the "device_plugin" section (pools in sriov-network-device-plugin's
 * resourceList format). */
#ifndef DPN_CONF_DEVPLUGIN_H
#define DPN_CONF_DEVPLUGIN_H

#include <jansson.h>

#include "dpn_conf_base.h"

#define DPN_DEVPLUGIN_MAX_POOLS 64

struct dpn_devplugin_pool {
	char prefix[128]; /* resourcePrefix, e.g. "mellanox.com" */
	char name[128];   /* resourceName */
	bool exclude_topology;
	bool need_vhost_net;
	json_t *selectors; /* array of selector objects, validated */
};

struct dpn_devplugin_pools {
	int n;
	struct dpn_devplugin_pool pool[DPN_DEVPLUGIN_MAX_POOLS];
};

/* pfNames entry "enp2s0f0#0-3,5": PF name and whether VF idx is in the range. */
int dpn_devplugin_pfname_match(const char *entry, const char *pf, int idx, bool *match);
/* A resourceList (array) -> pools; -EINVAL with every problem in errs,
 * each naming where it is ("resourceList[1].selectors.pfNames[0]: ..."). */
int dpn_devplugin_pools_parse(json_t *resource_list, const char *where,
        struct dpn_devplugin_pools *p, struct dpn_conf_errors *errs);
/* sriovdp's own config.json ({"resourceList": [...]}), unchanged. */
int dpn_devplugin_pools_load_sriovdp(
        const char *path, struct dpn_devplugin_pools *p, struct dpn_conf_errors *errs);
void dpn_devplugin_pools_free(struct dpn_devplugin_pools *p);

struct dpn_devplugin_conf {
	bool enabled; /* the config has a device_plugin section */
	char plugin_dir[DPN_PATH_MAX];
	char devinfo_dir[DPN_PATH_MAX];
	char state_file[DPN_PATH_MAX];
	char sriovdp_config[DPN_PATH_MAX];
	bool has_resources; /* else: sriovdp_config, else the NIC table defaults */
	struct dpn_devplugin_pools pools;
};

#endif
