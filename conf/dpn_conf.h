/* dpnode: node configuration (one JSON file), its validation and imports. */
#ifndef DPN_CONF_H
#define DPN_CONF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "dpn_api.h"
#include "dpn_util.h"

#define DPN_CONF_DEFAULT_PATH "/etc/dpnode/dpnode.json"
#define DPN_MAX_NUMA          8
#define DPN_MAX_UPLINK_PORTS  8
#define DPN_PATH_MAX          256

enum dpn_ovs_mode { DPN_OVS_MANAGED, DPN_OVS_ATTACH, DPN_OVS_NONE };
enum dpn_bond_mode {
	DPN_BOND_NONE,
	DPN_BOND_ACTIVE_BACKUP,
	DPN_BOND_BALANCE_SLB,
	DPN_BOND_BALANCE_TCP,
};
enum dpn_lacp { DPN_LACP_OFF, DPN_LACP_ACTIVE, DPN_LACP_PASSIVE };

struct dpn_hugepages_conf {
	bool manage; /* false when the section is absent */
	unsigned long page_kb;
	int n_nodes;
	long mb[DPN_MAX_NUMA]; /* per NUMA node, index = node */
	char mount[DPN_PATH_MAX];
};

struct dpn_dpdk_conf {
	int n_socket_mem;
	long socket_mem[DPN_MAX_NUMA];
	int n_socket_limit;
	long socket_limit[DPN_MAX_NUMA];
	bool has_lcore, has_pmd;
	struct dpn_cpuset lcore;
	struct dpn_cpuset pmd;
	char extra[1024]; /* joined with spaces, as OVS's dpdk-extra */
	int init_timeout_s;
};

struct dpn_ovs_conf {
	enum dpn_ovs_mode mode;
	char run_dir[DPN_PATH_MAX];
	char db_socket[DPN_PATH_MAX];
	char db_file[DPN_PATH_MAX];
	char log_dir[DPN_PATH_MAX];
	char vswitchd_bin[DPN_PATH_MAX];
	char ovsdb_server_bin[DPN_PATH_MAX];
	char ovsdb_tool_bin[DPN_PATH_MAX];
	char schema[DPN_PATH_MAX];
	char vhost_sock_dir[DPN_PATH_MAX];
	struct dpn_dpdk_conf dpdk;
	bool hw_offload;
	char tc_policy[16];
	json_t *other_config; /* object: extra other_config keys, strings */
	bool stop_on_exit;
};

struct dpn_uplink_port {
	char name[16];
	char pci[16];
	char devargs[256];
	int n_rxq; /* 0: OVS default */
};

struct dpn_uplink_conf {
	bool present;
	char bridge[16];
	int n_ports;
	struct dpn_uplink_port ports[DPN_MAX_UPLINK_PORTS];
	char bond_name[16];
	enum dpn_bond_mode bond_mode;
	enum dpn_lacp lacp;
	int vlan; /* 0: untagged */
	int mtu;  /* 0: leave OVS's default */
	bool has_encap;
	struct dpn_cidr encap;
};

struct dpn_ovn_conf {
	char remote[512]; /* empty: no OVN, br-int stays standalone */
	char encap_type[8];
	bool has_encap_ip;
	struct dpn_cidr encap_ip;
	long remote_probe_ms;
	long of_probe_s;
	char system_id[64];
	char bridge_mappings[256];
};

struct dpn_vhost_conf {
	char socket_root[DPN_PATH_MAX];
	char kubelet_dir[DPN_PATH_MAX];
	char state_file[DPN_PATH_MAX];
	long uid;            /* owner of socket directories */
	long gid;            /* group, e.g. 107 (qemu in virt-launcher) */
	unsigned mode;       /* of socket directories; never world-writable */
	long tx_retries_max; /* -1: OVS default */
};

#define DPN_MAX_SRIOV_PFS 16
#define DPN_MAX_VF_CONF   64

struct dpn_vf_conf {
	int index;
	char mac[18]; /* "" = leave */
	int vlan;     /* -1 = leave */
	int qos;
	int trust, spoofchk; /* -1 = leave, 0/1 */
	int link_state;      /* -1 = leave, 0 auto, 1 enable, 2 disable */
};

struct dpn_sriov_pf_conf {
	char pf[32]; /* PCI address or netdev name */
	int num_vfs;
	bool switchdev;
	bool vfio;             /* bind VFs to vfio-pci instead of their kernel driver */
	int hw_tc_offload;     /* -1 = leave, 0/1 */
	char flow_steering[8]; /* mlx5 "smfs"/"dmfs", "" = leave */
	int n_params;
	struct {
		char name[64];
		char value[128];
		char cmode[16];
	} params[8]; /* other devlink parameters */
	int n_vfs;
	struct dpn_vf_conf vfs[DPN_MAX_VF_CONF];
};

struct dpn_sriov_conf {
	int n_pfs;
	struct dpn_sriov_pf_conf pfs[DPN_MAX_SRIOV_PFS];
};

struct dpn_conf_errors;

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
int dpn_devplugin_pools_parse(json_t *resource_list, const char *where, struct dpn_devplugin_pools *p,
        struct dpn_conf_errors *errs);
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
};

/* What validation checks against: CPUs and NUMA nodes of this machine. */
struct dpn_machine {
	struct dpn_cpuset online;
	int n_numa;
	bool numa[DPN_MAX_NUMA];
};
/* Reads /sys/devices/system/{cpu,node}/online under sysfs_root ("" = real). */
int dpn_machine_probe(const char *sysfs_root, struct dpn_machine *m);

/* Problems found while loading, one line each: "json.path: what was expected". */
struct dpn_conf_errors {
	int n;
	char **lines;
};
void dpn_conf_errors_free(struct dpn_conf_errors *e);
void dpn_conf_errors_print(const struct dpn_conf_errors *e, FILE *f);

void dpn_conf_init(struct dpn_conf *c);
void dpn_conf_free(struct dpn_conf *c);
/* Parses and validates; on any problem returns -EINVAL with every problem in
 * errs, and *c is left in its init state. */
int dpn_conf_load_json(json_t *root, const struct dpn_machine *m, struct dpn_conf *c,
        struct dpn_conf_errors *errs);
int dpn_conf_load_file(const char *path, const struct dpn_machine *m, struct dpn_conf *c,
        struct dpn_conf_errors *errs);

/* Name of the bridge's uplink port in OVS (the bond, or the single port). */
const char *dpn_conf_uplink_port_name(const struct dpn_conf *c);
const char *dpn_bond_mode_name(enum dpn_bond_mode m);
const char *dpn_lacp_name(enum dpn_lacp l);

/* Kube-OVN import: reads DIR/ovs-dpdk-config and DIR/config.cfg and returns
 * the equivalent dpnode JSON (new reference), or NULL with errs filled. */
json_t *dpn_kubeovn_import(const char *dir, struct dpn_conf_errors *errs);

/* Shared by conf's parsers: appends one formatted problem. */
void dpn_conf_errorf(struct dpn_conf_errors *e, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#endif
