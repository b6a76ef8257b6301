/* dpnode: the tables and columns of OVS's Open_vSwitch schema that dpnode
 * reads or writes. Code names them through these macros only, so a typo is a
 * compile error, and every one is listed in dpn_ovs_schema_used[], which a
 * unit test checks against Debian's vswitch.ovsschema. */
#ifndef DPN_OVS_SCHEMA_H
#define DPN_OVS_SCHEMA_H

#define OVS_DB "Open_vSwitch"

#define OVS_T_OPEN_VSWITCH "Open_vSwitch"
#define OVS_T_BRIDGE       "Bridge"
#define OVS_T_PORT         "Port"
#define OVS_T_INTERFACE    "Interface"

/* Columns shared by several tables. */
#define OVS_C_NAME         "name"
#define OVS_C_EXTERNAL_IDS "external_ids"
#define OVS_C_OTHER_CONFIG "other_config"

/* Open_vSwitch */
#define OVS_C_BRIDGES          "bridges"
#define OVS_C_NEXT_CFG         "next_cfg"
#define OVS_C_CUR_CFG          "cur_cfg"
#define OVS_C_DPDK_INITIALIZED "dpdk_initialized"
#define OVS_C_DPDK_VERSION     "dpdk_version"
#define OVS_C_OVS_VERSION      "ovs_version"
/* Bridge */
#define OVS_C_PORTS         "ports"
#define OVS_C_DATAPATH_TYPE "datapath_type"
#define OVS_C_FAIL_MODE     "fail_mode"
/* Port */
#define OVS_C_INTERFACES "interfaces"
#define OVS_C_TAG        "tag"
#define OVS_C_BOND_MODE  "bond_mode"
#define OVS_C_LACP       "lacp"
/* Interface */
#define OVS_C_TYPE        "type"
#define OVS_C_OPTIONS     "options"
#define OVS_C_MTU_REQUEST "mtu_request"
#define OVS_C_MTU         "mtu"
#define OVS_C_OFPORT      "ofport"
#define OVS_C_ERROR       "error"
#define OVS_C_ADMIN_STATE "admin_state"
#define OVS_C_LINK_STATE  "link_state"
#define OVS_C_STATISTICS  "statistics"

struct dpn_ovs_schema_col {
	const char *table;
	const char *column;
};
/* Every (table, column) above, terminated by {NULL, NULL}. */
extern const struct dpn_ovs_schema_col dpn_ovs_schema_used[];
/* The tables dpnode monitors, NULL terminated. */
extern const char *const dpn_ovs_schema_tables[];
struct dpn_ovsdb_monitor_table;
/* The monitor request's tables and columns: exactly dpn_ovs_schema_used
 * (static storage, built on the first call). */
const struct dpn_ovsdb_monitor_table *dpn_ovs_schema_monitor(void);

#endif
