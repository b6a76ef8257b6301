#include "testlib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "devplugin_pools.h"

static void pfname_ranges(void **state)
{
	bool m;
	(void)state;
	assert_int_equal(dpn_devplugin_pfname_match("enp2s0f0#0-3,5", "enp2s0f0", 2, &m), 0);
	assert_true(m);
	dpn_devplugin_pfname_match("enp2s0f0#0-3,5", "enp2s0f0", 4, &m);
	assert_false(m);
	dpn_devplugin_pfname_match("enp2s0f0#0-3,5", "enp2s0f0", 5, &m);
	assert_true(m);
	dpn_devplugin_pfname_match("enp2s0f0#0-3,5", "enp2s0f1", 2, &m);
	assert_false(m);
	dpn_devplugin_pfname_match("enp2s0f0", "enp2s0f0", 77, &m);
	assert_true(m); /* no range: every VF */
	static const char *const bad[] = {"x#", "x#3-1", "x#1,", "x#a", "x#1-", "#1", "x#1--2"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(dpn_devplugin_pfname_match(bad[i], "x", 1, &m), -EINVAL);
}

static void config_errors_name_the_place(void **state)
{
	struct dpn_conf_errors e = {0};
	struct dpn_devplugin_pools p;
	json_t *l = tjson("[{\"resourceName\": \"a\", \"selectors\": {\"pfNames\": [\"p0#3-1\"],"
	                  " \"colour\": [\"x\"], \"rootDevices\": [\"3b:00.0\"]}},"
	                  " {\"resourceName\": \"b c\", \"deviceType\": \"accelerator\","
	                  "  \"selectors\": [{\"isRdma\": \"yes\"}]}, {\"resourceName\": \"d\"}]");
	(void)state;

	assert_int_equal(dpn_devplugin_pools_parse(l, "device_plugin.resources", &p, &e), -EINVAL);
	static const char *const want[] = {
	        "device_plugin.resources[0].selectors.pfNames[0]: \"p0#3-1\" is not NAME or "
	        "NAME#RANGE (e.g. enp2s0f0#0-3,5)",
	        "device_plugin.resources[0].selectors.colour: unknown selector (vendors, devices, "
	        "drivers, pciAddresses, pfNames, rootDevices, linkTypes, isRdma, needVhostNet)",
	        "device_plugin.resources[0].selectors.rootDevices[0]: \"3b:00.0\" is not a PCI "
	        "address (DDDD:BB:DD.F)",
	        "device_plugin.resources[1].resourceName: missing or not a resource name (letters, "
	        "digits, '_', '-', '.')",
	        "device_plugin.resources[1].deviceType: only netDevice is supported",
	        "device_plugin.resources[1].selectors[0].isRdma: expected true or false",
	        "device_plugin.resources[2].selectors: expected an object or a list of objects",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		bool found = false;
		for (int k = 0; k < e.n; k++)
			found |= !strcmp(e.lines[k], want[i]);
		if (!found) {
			for (int k = 0; k < e.n; k++)
				fprintf(stderr, "# %s\n", e.lines[k]);
			fail_msg("missing: %s", want[i]);
		}
	}
	assert_int_equal(e.n, 7);
	assert_int_equal(p.n, 0); /* nothing half-parsed */
	dpn_conf_errors_free(&e);
	json_decref(l);
}

/* An inventory like the mellanox umockdev testbed, plus an Intel PF. */
static struct dpn_pf pfs[3];
static struct dpn_vf vfs0[2], vfs1[3], vfs2[1];

static struct dpn_vf vf(const char *bdf, int idx, const char *vendor, const char *dev,
        const char *drv, const char *rdma)
{
	struct dpn_vf v = {.index = idx};
	snprintf(v.bdf, sizeof(v.bdf), "%s", bdf);
	snprintf(v.vendor_id, sizeof(v.vendor_id), "%s", vendor);
	snprintf(v.device_id, sizeof(v.device_id), "%s", dev);
	snprintf(v.driver, sizeof(v.driver), "%s", drv);
	snprintf(v.rdma, sizeof(v.rdma), "%s", rdma);
	strcpy(v.link_type, strcmp(drv, "vfio-pci") ? "ether" : "");
	return v;
}

static struct dpn_inventory inventory(void)
{
	vfs0[0] = vf("0000:3b:02.0", 0, "15b3", "1018", "mlx5_core", "mlx5_2");
	vfs0[1] = vf("0000:3b:02.1", 1, "15b3", "1018", "vfio-pci", "");
	vfs1[0] = vf("0000:3b:0a.0", 0, "15b3", "1018", "vfio-pci", "");
	vfs1[1] = vf("0000:3b:0a.1", 1, "15b3", "1018", "mlx5_core", "mlx5_6");
	vfs1[2] = vf("0000:3b:0a.2", 2, "15b3", "1018", "mlx5_core", "mlx5_7");
	vfs2[0] = vf("0000:5e:02.0", 0, "8086", "154c", "iavf", "");
	struct {
		const char *bdf, *vendor, *netdev;
		struct dpn_vf *vfs;
		int n;
	} d[] = {{"0000:3b:00.0", "15b3", "ens3f0np0", vfs0, 2},
	        {"0000:3b:00.1", "15b3", "ens4f0np1", vfs1, 3},
	        {"0000:5e:00.0", "8086", "ens5f0", vfs2, 1}};
	for (int i = 0; i < 3; i++) {
		memset(&pfs[i], 0, sizeof(pfs[i]));
		snprintf(pfs[i].bdf, sizeof(pfs[i].bdf), "%s", d[i].bdf);
		snprintf(pfs[i].vendor_id, sizeof(pfs[i].vendor_id), "%s", d[i].vendor);
		snprintf(pfs[i].netdev, sizeof(pfs[i].netdev), "%s", d[i].netdev);
		strcpy(pfs[i].link_type, "ether");
		pfs[i].numvfs = d[i].n;
		pfs[i].n_vfs = d[i].n;
		pfs[i].vfs = d[i].vfs;
	}
	return (struct dpn_inventory){.n_pfs = 3, .pfs = pfs};
}

static void sriovdp_config_and_matching(void **state)
{
	struct dpn_conf_errors e = {0};
	struct dpn_devplugin_pools p;
	struct dpn_inventory inv = inventory();
	(void)state;

	assert_int_equal(dpn_devplugin_pools_load_sriovdp(
	                         DPN_SRCDIR "/tests/fixtures/dp/config.json", &p, &e),
	        0);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.pool[2].prefix, "intel.com"); /* sriovdp's default prefix */
	assert_true(p.pool[2].need_vhost_net);
	json_t *got = dpn_devplugin_assign(&p, &inv);
	/* first pool wins: 02.0 (RDMA, index 0 of ens3f0np0) and 0a.1 (index 1 of
	 * ens4f0np1); 0a.2 is mlx5_core with RDMA but index 2 is outside ens4f0np1#1 */
	json_t *want = tjson("{\"mellanox.com/cx5_sriov_switchdev\": [\"0000:3b:02.0\", "
	                     "\"0000:3b:0a.1\"],"
	                     " \"mellanox.com/cx5_vfio\": [\"0000:3b:02.1\", \"0000:3b:0a.0\"],"
	                     " \"intel.com/intel_sriov_netdevice\": [\"0000:5e:02.0\"]}");
	if (!json_equal(got, want))
		fail_msg("got %s", json_dumps(got, JSON_SORT_KEYS));
	json_decref(got);
	json_decref(want);
	dpn_devplugin_pools_free(&p);
}

static void empty_pool_is_served(void **state)
{
	struct dpn_conf_errors e = {0};
	struct dpn_devplugin_pools p;
	struct dpn_inventory inv = inventory();
	json_t *l = tjson("[{\"resourceName\": \"none\", \"resourcePrefix\": \"example.com\","
	                  " \"selectors\": {\"vendors\": [\"1f47\"]}}]");
	(void)state;
	assert_int_equal(dpn_devplugin_pools_parse(l, "r", &p, &e), 0);
	json_t *got = dpn_devplugin_assign(&p, &inv);
	assert_int_equal(json_array_size(json_object_get(got, "example.com/none")), 0);
	assert_non_null(json_object_get(got, "example.com/none"));
	json_decref(got);
	json_decref(l);
	dpn_devplugin_pools_free(&p);
}

static void defaults_from_the_nic_table(void **state)
{
	struct dpn_nic_table t;
	struct dpn_devplugin_pools p;
	struct dpn_inventory inv = inventory();
	struct dpn_err err = {0};
	(void)state;

	assert_int_equal(dpn_nic_table_load(DPN_SRCDIR "/conf/nics.json", &t, &err), 0);
	assert_int_equal(dpn_devplugin_pools_defaults(&inv, &t, &p), 0);
	json_t *got = dpn_devplugin_assign(&p, &inv);
	/* both Mellanox PFs share their vendor's resource; Intel has none in the table */
	json_t *want =
	        tjson("{\"mellanox.com/cx5_sriov_switchdev\": [\"0000:3b:02.0\","
	              " \"0000:3b:02.1\", \"0000:3b:0a.0\", \"0000:3b:0a.1\", \"0000:3b:0a.2\"]}");
	if (!json_equal(got, want))
		fail_msg("got %s", json_dumps(got, JSON_SORT_KEYS));
	json_decref(got);
	json_decref(want);
	dpn_devplugin_pools_free(&p);
	dpn_nic_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(pfname_ranges),
	        cmocka_unit_test(config_errors_name_the_place),
	        cmocka_unit_test(sriovdp_config_and_matching),
	        cmocka_unit_test(empty_pool_is_served),
	        cmocka_unit_test(defaults_from_the_nic_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
