/* dpnodectl vfs: every SR-IOV PF and VF on this node, with representors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devplugin_pools.h"
#include "dpn_conf.h"
#include "dpn_sriov.h"
#include "dpnodectl.h"

static const char *s(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "-";
}

static void print_human(json_t *inv)
{
	json_t *pf, *vf;
	size_t i, j;

	json_array_foreach (json_object_get(inv, "pfs"), i, pf) {
		printf("PF %s %s %s (%s:%s) driver %s netdev %s numa %lld vfs %lld/%lld uplink "
		       "%s%s%s\n",
		        s(pf, "pci"), s(pf, "vendor"), s(pf, "model"), s(pf, "vendor_id"),
		        s(pf, "device_id"), s(pf, "driver"), s(pf, "netdev"),
		        json_integer_value(json_object_get(pf, "numa_node")),
		        json_integer_value(json_object_get(pf, "numvfs")),
		        json_integer_value(json_object_get(pf, "totalvfs")),
		        s(pf, "uplink_representor"),
		        json_is_string(json_object_get(pf, "rdma")) ? " rdma " : "",
		        json_is_string(json_object_get(pf, "rdma")) ? s(pf, "rdma") : "");
		printf("  %-5s %-13s %-12s %-14s %-30s %4s %5s %s\n", "INDEX", "VF", "DRIVER",
		        "NETDEV", "REPRESENTOR", "NUMA", "IOMMU", "RDMA");
		json_array_foreach (json_object_get(pf, "vfs"), j, vf)
			printf("  %-5lld %-13s %-12s %-14s %-30s %4lld %5lld %s\n",
			        json_integer_value(json_object_get(vf, "index")), s(vf, "pci"),
			        s(vf, "driver"), s(vf, "netdev"), s(vf, "representor"),
			        json_integer_value(json_object_get(vf, "numa_node")),
			        json_integer_value(json_object_get(vf, "iommu_group")),
			        s(vf, "rdma"));
	}
}

/* dpnodectl resources FILE: which VF of this node lands in which device
 * plugin resource under that config (its pools, else the NIC table's). */
int ctl_resources(int argc, char **argv)
{
	struct dpn_conf_errors errs = {0};
	struct dpn_nic_table t;
	struct dpn_inventory inv;
	struct dpn_devplugin_pools defaults, *pools;
	struct dpn_conf c;
	struct dpn_err err = {0};

	if (argc != 2) {
		fprintf(stderr, "usage: dpnodectl resources FILE\n");
		return CTL_EXIT_USAGE;
	}
	if (dpn_conf_load_file(argv[1], NULL, &c, &errs) < 0) {
		dpn_conf_errors_print(&errs, stderr);
		dpn_conf_errors_free(&errs);
		return CTL_EXIT_USAGE;
	}
	if (dpn_nic_table_load(dpn_nic_table_path(), &t, &err) < 0 ||
	        dpn_sriov_scan(&t, &inv, &err) < 0) {
		fprintf(stderr, "dpnodectl: %s\n", dpn_err_str(&err));
		dpn_conf_free(&c);
		return CTL_EXIT_FAIL;
	}
	memset(&defaults, 0, sizeof(defaults));
	pools = &c.devplugin.pools;
	if (!c.devplugin.has_resources) {
		dpn_devplugin_pools_defaults(&inv, &t, &defaults);
		pools = &defaults;
	}
	json_t *j = dpn_devplugin_assign(pools, &inv);
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	fputc('\n', stdout);
	json_decref(j);
	dpn_devplugin_pools_free(&defaults);
	dpn_inventory_free(&inv);
	dpn_nic_table_free(&t);
	dpn_conf_free(&c);
	return 0;
}

/* dpnodectl sriov apply FILE: the config's sriov section, now. */
int ctl_sriov(int argc, char **argv)
{
	struct dpn_conf_errors errs = {0};
	struct dpn_sriov_report rep;
	struct dpn_nic_table t;
	struct dpn_machine m;
	struct dpn_conf c;
	struct dpn_err err = {0};
	int ret;

	if (argc != 3 || strcmp(argv[1], "apply")) {
		fprintf(stderr, "usage: dpnodectl sriov apply FILE\n");
		return CTL_EXIT_USAGE;
	}
	if (dpn_machine_probe("", &m) < 0 || dpn_conf_load_file(argv[2], &m, &c, &errs) < 0) {
		dpn_conf_errors_print(&errs, stderr);
		dpn_conf_errors_free(&errs);
		return CTL_EXIT_USAGE;
	}
	if (dpn_nic_table_load(dpn_nic_table_path(), &t, &err) < 0) {
		fprintf(stderr, "dpnodectl: NIC table: %s\n", dpn_err_str(&err));
		dpn_conf_free(&c);
		return CTL_EXIT_FAIL;
	}
	ret = dpn_sriov_apply(&c.sriov, &t, &rep, &err);
	fputs(rep.log, stdout);
	if (ret < 0)
		fprintf(stderr, "dpnodectl: %s\n", dpn_err_str(&err));
	else
		printf("%d change(s)\n", rep.changes);
	dpn_nic_table_free(&t);
	dpn_conf_free(&c);
	return ret < 0 ? CTL_EXIT_FAIL : 0;
}

int ctl_vfs(int argc, char **argv)
{
	struct dpn_nic_table t;
	struct dpn_inventory inv;
	bool as_json = argc > 1 && !strcmp(argv[1], "--json");
	struct dpn_err err = {0};

	if (argc > 2 || (argc == 2 && !as_json)) {
		fprintf(stderr, "usage: dpnodectl vfs [--json]\n");
		return CTL_EXIT_USAGE;
	}
	if (dpn_nic_table_load(dpn_nic_table_path(), &t, &err) < 0) {
		fprintf(stderr, "dpnodectl: NIC table: %s\n", dpn_err_str(&err));
		return CTL_EXIT_FAIL;
	}
	if (dpn_sriov_scan(&t, &inv, &err) < 0) {
		fprintf(stderr, "dpnodectl: %s\n", dpn_err_str(&err));
		dpn_nic_table_free(&t);
		return CTL_EXIT_FAIL;
	}
	json_t *j = dpn_inventory_json(&inv);
	if (as_json) {
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else {
		print_human(j);
	}
	json_decref(j);
	dpn_inventory_free(&inv);
	dpn_nic_table_free(&t);
	return 0;
}
