#include "testlib.h"

#include <stdio.h>

#include "dpn_conf.h"

static void fixture_dir(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/tests/fixtures/kubeovn/%s", DPN_SRCDIR, name);
}

static void expect_import(const char *name)
{
	struct dpn_conf_errors e = {0};
	char dir[512], path[600];
	json_error_t jerr;
	struct dpn_conf c;

	fixture_dir(dir, sizeof(dir), name);
	json_t *got = dpn_kubeovn_import(dir, &e);
	for (int i = 0; i < e.n; i++)
		fprintf(stderr, "# %s\n", e.lines[i]);
	assert_non_null(got);
	snprintf(path, sizeof(path), "%s/expected.json", dir);
	json_t *want = json_load_file(path, 0, &jerr);
	assert_non_null(want);
	if (!json_equal(got, want)) {
		char *s = json_dumps(got, JSON_SORT_KEYS);
		fail_msg("%s: got %s", name, s);
	}
	/* and dpnoded accepts what the import produces */
	assert_int_equal(dpn_conf_load_json(got, NULL, &c, &e), 0);
	dpn_conf_free(&c);
	json_decref(got);
	json_decref(want);
}

static void expect_errors(const char *name, const char *const want[], int n)
{
	struct dpn_conf_errors e = {0};
	char dir[512];

	fixture_dir(dir, sizeof(dir), name);
	assert_null(dpn_kubeovn_import(dir, &e));
	for (int i = 0; i < e.n; i++)
		fprintf(stderr, "# %s\n", e.lines[i]);
	assert_int_equal(e.n, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(e.lines[i], want[i]);
	dpn_conf_errors_free(&e);
}

static void single_port(void **state)
{
	(void)state;
	expect_import("single");
}

static void lacp_bond_array_and_config_cfg(void **state)
{
	(void)state;
	expect_import("bond");
}

static void yunsilicon_keys(void **state)
{
	(void)state;
	expect_import("yunsilicon");
}

/* Kube-OVN's documented Yunsilicon example: one device, a hardware bond */
static void yunsilicon_hardware_bond(void **state)
{
	(void)state;
	expect_import("yunsilicon-hwbond");
}

static void unknown_key_named(void **state)
{
	static const char *const want[] = {
	        "ovs-dpdk-config:3: unknown key DPDK_TUNNEL_IFACE (known: ENCAP_IP, DPDK_DEV, "
	        "BOND_TYPE, VLAN_TAG, VLOG, HW_OFFLOAD, CPU_MASK, SOCKET_MEM, PF_MTU, "
	        "BR_PHY_BOND_NAME)",
	};
	(void)state;
	expect_errors("unknown-key", want, 1);
}

static void bad_values_named(void **state)
{
	static const char *const want[] = {
	        "ovs-dpdk-config:1: ENCAP_IP: \"192.168.122.193\" is not an IP address with prefix "
	        "length (e.g. 192.168.1.5/24)",
	        "ovs-dpdk-config:3: BOND_TYPE: \"7\" is not a bond type (0, 1, 4, active-backup, "
	        "balance-slb, balance-tcp)",
	        "ovs-dpdk-config:4: VLAN_TAG: \"5000\" is not a VLAN ID (0-4094)",
	};
	(void)state;
	expect_errors("bad-value", want, 3);
}

static void bad_config_cfg(void **state)
{
	static const char *const want[] = {
	        "config.cfg:2: pmd-cpu-mask: \"0xzz\" is not a CPU mask (hex, e.g. 0x6)",
	        "config.cfg:3: unknown other_config key frobnicate",
	};
	(void)state;
	expect_errors("bad-cfg", want, 2);
}

static void missing_dir(void **state)
{
	struct dpn_conf_errors e = {0};
	(void)state;
	assert_null(dpn_kubeovn_import("/nonexistent/kubeovn", &e));
	assert_int_equal(e.n, 1);
	assert_string_equal(
	        e.lines[0], "/nonexistent/kubeovn/ovs-dpdk-config: No such file or directory");
	dpn_conf_errors_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(single_port),
	        cmocka_unit_test(lacp_bond_array_and_config_cfg),
	        cmocka_unit_test(yunsilicon_keys),
	        cmocka_unit_test(yunsilicon_hardware_bond),
	        cmocka_unit_test(unknown_key_named),
	        cmocka_unit_test(bad_values_named),
	        cmocka_unit_test(bad_config_cfg),
	        cmocka_unit_test(missing_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
