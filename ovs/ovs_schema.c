#include <stddef.h>
#include <string.h>

#include "dpn_ovsdb.h"
#include "ovs_schema.h"

const char *const dpn_ovs_schema_tables[] = {
        OVS_T_OPEN_VSWITCH, OVS_T_BRIDGE, OVS_T_PORT, OVS_T_INTERFACE, NULL};

const struct dpn_ovs_schema_col dpn_ovs_schema_used[] = {
        {OVS_T_OPEN_VSWITCH, OVS_C_EXTERNAL_IDS},
        {OVS_T_OPEN_VSWITCH, OVS_C_OTHER_CONFIG},
        {OVS_T_OPEN_VSWITCH, OVS_C_BRIDGES},
        {OVS_T_OPEN_VSWITCH, OVS_C_NEXT_CFG},
        {OVS_T_OPEN_VSWITCH, OVS_C_CUR_CFG},
        {OVS_T_OPEN_VSWITCH, OVS_C_DPDK_INITIALIZED},
        {OVS_T_OPEN_VSWITCH, OVS_C_DPDK_VERSION},
        {OVS_T_OPEN_VSWITCH, OVS_C_OVS_VERSION},
        {OVS_T_BRIDGE, OVS_C_NAME},
        {OVS_T_BRIDGE, OVS_C_EXTERNAL_IDS},
        {OVS_T_BRIDGE, OVS_C_PORTS},
        {OVS_T_BRIDGE, OVS_C_DATAPATH_TYPE},
        {OVS_T_BRIDGE, OVS_C_FAIL_MODE},
        {OVS_T_PORT, OVS_C_NAME},
        {OVS_T_PORT, OVS_C_EXTERNAL_IDS},
        {OVS_T_PORT, OVS_C_INTERFACES},
        {OVS_T_PORT, OVS_C_TAG},
        {OVS_T_PORT, OVS_C_BOND_MODE},
        {OVS_T_PORT, OVS_C_LACP},
        {OVS_T_INTERFACE, OVS_C_NAME},
        {OVS_T_INTERFACE, OVS_C_EXTERNAL_IDS},
        {OVS_T_INTERFACE, OVS_C_TYPE},
        {OVS_T_INTERFACE, OVS_C_OPTIONS},
        {OVS_T_INTERFACE, OVS_C_MTU_REQUEST},
        {OVS_T_INTERFACE, OVS_C_MTU},
        {OVS_T_INTERFACE, OVS_C_OFPORT},
        {OVS_T_INTERFACE, OVS_C_ERROR},
        {OVS_T_INTERFACE, OVS_C_ADMIN_STATE},
        {OVS_T_INTERFACE, OVS_C_LINK_STATE},
        {NULL, NULL},
};

#define MAX_COLS 32

const struct dpn_ovsdb_monitor_table *dpn_ovs_schema_monitor(void)
{
	static struct dpn_ovsdb_monitor_table tables[5];
	static const char *cols[4][MAX_COLS + 1];
	int t, n;

	if (tables[0].table)
		return tables;
	for (t = 0; dpn_ovs_schema_tables[t]; t++) {
		n = 0;
		for (const struct dpn_ovs_schema_col *c = dpn_ovs_schema_used; c->table; c++)
			if (!strcmp(c->table, dpn_ovs_schema_tables[t]) && n < MAX_COLS)
				cols[t][n++] = c->column;
		cols[t][n] = NULL;
		tables[t] =
		        (struct dpn_ovsdb_monitor_table){dpn_ovs_schema_tables[t], cols[t], NULL};
	}
	return tables;
}
