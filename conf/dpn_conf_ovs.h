/* dpnode config: the "ovs", "uplink", "integration" and "ovn" sections. */
#ifndef DPN_CONF_OVS_H
#define DPN_CONF_OVS_H

#include <jansson.h>

#include "dpn_conf_base.h"
#include "dpn_util.h"

enum dpn_ovs_mode { DPN_OVS_MANAGED, DPN_OVS_ATTACH, DPN_OVS_NONE };
enum dpn_bond_mode {
	DPN_BOND_NONE,
	DPN_BOND_ACTIVE_BACKUP,
	DPN_BOND_BALANCE_SLB,
	DPN_BOND_BALANCE_TCP,
};
enum dpn_lacp { DPN_LACP_OFF, DPN_LACP_ACTIVE, DPN_LACP_PASSIVE };

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

#define DPN_OVS_MAX_LOG_LEVELS 8

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
	/* ovs-vswitchd's -v specs ("module:destination:level"), managed mode */
	int n_log_levels;
	char log_levels[DPN_OVS_MAX_LOG_LEVELS][64];
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

enum dpn_ovn_controller { DPN_OVN_CONTROLLER_MANAGED, DPN_OVN_CONTROLLER_EXTERNAL };

/* ovn.ssl: the files Kube-OVN mounts for ssl: remotes (PEM). */
struct dpn_ssl_conf {
	bool set;
	char private_key[DPN_PATH_MAX];
	char certificate[DPN_PATH_MAX];
	char ca_cert[DPN_PATH_MAX];
};

struct dpn_ovn_conf {
	char remote[512];                   /* empty: no OVN, br-int stays standalone */
	char sb_remote[512];                /* dpnoded's own SB connection; default: remote */
	enum dpn_ovn_controller controller; /* managed: dpnoded runs ovn-controller */
	char controller_bin[DPN_PATH_MAX];
	char run_dir[DPN_PATH_MAX]; /* ovn-controller's OVN_RUNDIR */
	long bind_timeout_s;        /* how long a CNI ADD waits for OVN */
	char encap_type[8];
	bool has_encap_ip;
	struct dpn_cidr encap_ip;
	long remote_probe_ms;
	long of_probe_s;
	char system_id[64];
	char bridge_mappings[256];
	struct dpn_ssl_conf ssl;
};

const char *dpn_bond_mode_name(enum dpn_bond_mode m);
const char *dpn_lacp_name(enum dpn_lacp l);
/* Name of the bridge's uplink port in OVS (the bond, or the single port). */
const char *dpn_conf_uplink_port_name(const struct dpn_uplink_conf *u);

#endif
