#include "testlib.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dpn_conf.h"

/* A 4-CPU, 1-NUMA-node machine. */
static struct dpn_machine machine(void)
{
	struct dpn_machine m = {0};
	dpn_cpuset_parse_list("0-3", &m.online);
	m.n_numa = 1;
	m.numa[0] = true;
	return m;
}

static int load(const char *text, struct dpn_conf *c, struct dpn_conf_errors *e)
{
	struct dpn_machine m = machine();
	json_t *j = tjson(text);
	int ret = dpn_conf_load_json(j, &m, c, e);
	json_decref(j);
	return ret;
}

/* The config is rejected, leaves nothing half-parsed, and reports `want`. */
static void expect_error(const char *text, const char *want)
{
	struct dpn_conf_errors e = {0};
	struct dpn_conf c;
	bool found = false;

	assert_int_equal(load(text, &c, &e), -EINVAL);
	for (int i = 0; i < e.n; i++)
		found |= strcmp(e.lines[i], want) == 0;
	if (!found) {
		for (int i = 0; i < e.n; i++)
			fprintf(stderr, "# got: %s\n", e.lines[i]);
		fail_msg("missing error: %s", want);
	}
	/* validate, then apply: nothing of the bad config survives */
	assert_false(c.uplink.present);
	assert_null(c.ovs.other_config);
	dpn_conf_errors_free(&e);
}

static const char *good =
        "{\"log_level\": \"debug\","
        " \"api\": {\"socket\": \"/run/x/d.sock\", \"mode\": \"0600\", \"group\": 0},"
        " \"hugepages\": {\"page_size\": \"2M\", \"mb_per_numa\": [2048]},"
        " \"ovs\": {\"mode\": \"managed\", \"run_dir\": \"/run/ovs\","
        "   \"dpdk\": {\"socket_mem\": [1024], \"socket_limit\": [2048], \"lcore\": \"0\","
        "     \"pmd_cores\": \"2-3\", \"extra_args\": [\"--no-pci\", \"-l\"]},"
        "   \"other_config\": {\"pmd-rxq-assign\": \"group\"}, \"hw_offload\": true},"
        " \"uplink\": {\"ports\": [{\"pci\": \"0000:01:00.0\", \"n_rxq\": 2},"
        "                        {\"name\": \"up1\", \"pci\": \"0000:01:00.1\"}],"
        "   \"bond\": {\"mode\": \"balance-tcp\"}, \"vlan\": 100, \"mtu\": 9000,"
        "   \"encap_ip\": \"192.168.10.5/24\"},"
        " \"ovn\": {\"remote\": \"tcp:10.0.0.1:6642,tcp:[fd00::1]:6642\", \"encap_type\": "
        "\"vxlan\"}}";

static void good_config(void **state)
{
	struct dpn_conf_errors e = {0};
	struct dpn_conf c;
	char buf[64];
	(void)state;

	assert_int_equal(load(good, &c, &e), 0);
	assert_int_equal(e.n, 0);
	assert_string_equal(c.log_level, "debug");
	assert_int_equal(c.api.mode, 0600);
	assert_int_equal(c.hugepages.page_kb, 2048);
	assert_int_equal(c.hugepages.mb[0], 2048);
	assert_string_equal(c.ovs.db_socket, "/run/ovs/db.sock");
	assert_string_equal(c.ovs.vhost_sock_dir, "/run/ovs");
	dpn_cpuset_format_list(&c.ovs.dpdk.pmd, buf, sizeof(buf));
	assert_string_equal(buf, "2-3");
	assert_string_equal(c.ovs.dpdk.extra, "--no-pci -l");
	assert_int_equal(c.uplink.n_ports, 2);
	assert_string_equal(c.uplink.ports[0].name, "dpdk0");
	assert_string_equal(c.uplink.ports[1].name, "up1");
	assert_int_equal(c.uplink.bond_mode, DPN_BOND_BALANCE_TCP);
	assert_int_equal(c.uplink.lacp, DPN_LACP_ACTIVE); /* balance-tcp implies LACP */
	assert_string_equal(dpn_conf_uplink_port_name(&c.uplink), "bond0");
	/* the OVN tunnel endpoint defaults to the uplink's encap IP */
	assert_true(c.ovn.has_encap_ip);
	dpn_conf_free(&c);
}

static void shipped_examples_valid(void **state)
{
	char dir[512], path[1024];
	struct dirent *d;
	DIR *dp;
	int n = 0;
	(void)state;

	snprintf(dir, sizeof(dir), "%s/conf/examples", DPN_SRCDIR);
	dp = opendir(dir);
	assert_non_null(dp);
	while ((d = readdir(dp))) {
		struct dpn_conf_errors e = {0};
		struct dpn_machine m;
		struct dpn_conf c;
		if (!strstr(d->d_name, ".json"))
			continue;
		/* examples target bigger machines: check syntax and semantics only */
		dpn_cpuset_parse_list("0-63", &m.online);
		m.n_numa = 2;
		m.numa[0] = m.numa[1] = true;
		for (int i = 2; i < DPN_MAX_NUMA; i++)
			m.numa[i] = false;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (dpn_conf_load_file(path, &m, &c, &e) < 0) {
			for (int i = 0; i < e.n; i++)
				fprintf(stderr, "# %s: %s\n", d->d_name, e.lines[i]);
			fail_msg("%s is not valid", d->d_name);
		}
		dpn_conf_free(&c);
		n++;
	}
	closedir(dp);
	assert_true(n >= 4);
}

static void unknown_keys(void **state)
{
	(void)state;
	expect_error("{\"ovs\": {\"moed\": \"managed\"}}",
	        "ovs.moed: unknown key (expected one of: mode, run_dir, db_socket, db_file, "
	        "log_dir, "
	        "vswitchd_bin, ovsdb_server_bin, ovsdb_tool_bin, schema, vhost_sock_dir, dpdk, "
	        "hw_offload, tc_policy, other_config, stop_on_exit, log_levels)");
	expect_error("{\"uplink\": {\"ports\": [{\"pci\": \"0000:01:00.0\", \"speed\": 1}]}}",
	        "uplink.ports[0].speed: unknown key (expected one of: name, pci, devargs, n_rxq)");
	expect_error("{\"extra\": 1}",
	        "extra: unknown key (expected one of: log_level, api, hugepages, ovs, uplink, "
	        "integration, ovn, vhostuser, sriov, device_plugin, metrics)");
}

static void wrong_types(void **state)
{
	(void)state;
	expect_error("{\"uplink\": {\"ports\": [{\"pci\": \"0000:01:00.0\"}], \"mtu\": \"1500\"}}",
	        "uplink.mtu: expected an integer, got a string");
	expect_error("{\"ovs\": {\"hw_offload\": \"yes\"}}",
	        "ovs.hw_offload: expected a boolean (true/false), got a string");
	expect_error("{\"ovs\": []}", "ovs: expected an object, got an array");
	expect_error("[]", "(root): expected a JSON object");
	expect_error("{\"ovs\": {\"other_config\": {\"pmd-rxq-assign\": 1}}}",
	        "ovs.other_config.pmd-rxq-assign: expected a string value (OVSDB other_config is "
	        "string to string)");
}

static void vswitchd_log_levels(void **state)
{
	struct dpn_conf_errors e = {0};
	struct dpn_conf c;
	(void)state;

	/* the default quiets dpif-netdev's N^2 rx queue lines */
	dpn_conf_init(&c);
	assert_int_equal(c.ovs.n_log_levels, 1);
	assert_string_equal(c.ovs.log_levels[0], "dpif_netdev:file:warn");
	dpn_conf_free(&c);
	assert_int_equal(load("{\"ovs\": {\"log_levels\": [\"dpif_netdev:file:info\", "
	                      "\"netdev_dpdk:dbg\"]}}",
	                         &c, &e),
	        0);
	assert_int_equal(c.ovs.n_log_levels, 2);
	assert_string_equal(c.ovs.log_levels[1], "netdev_dpdk:dbg");
	dpn_conf_free(&c);
	assert_int_equal(load("{\"ovs\": {\"log_levels\": []}}", &c, &e), 0);
	assert_int_equal(c.ovs.n_log_levels, 0); /* OVS's own defaults */
	dpn_conf_free(&c);
	expect_error("{\"ovs\": {\"log_levels\": [\"dpif netdev:warn\"]}}",
	        "ovs.log_levels: [0]: expected an OVS log spec \"module:destination:level\" "
	        "(e.g. \"dpif_netdev:file:info\")");
	expect_error("{\"ovs\": {\"log_levels\": [\"a:b:c:d\"]}}",
	        "ovs.log_levels: [0]: expected an OVS log spec \"module:destination:level\" "
	        "(e.g. \"dpif_netdev:file:info\")");
	expect_error("{\"ovs\": {\"log_levels\": \"dpif_netdev:warn\"}}",
	        "ovs.log_levels: expected an array, got a string");
}

static void metrics_section(void **state)
{
	struct dpn_conf_errors e = {0};
	struct dpn_conf c;
	(void)state;
	json_t *j = json_loads(
	        "{\"metrics\": {\"listen\": \"[::1]:9100\", \"interval_s\": 5}}", 0, NULL);
	assert_int_equal(dpn_conf_load_json(j, NULL, &c, &e), 0);
	assert_string_equal(c.metrics.host, "::1");
	assert_int_equal(c.metrics.port, 9100);
	assert_int_equal(c.metrics.interval_s, 5);
	assert_true(c.metrics.enabled);
	dpn_conf_free(&c);
	json_decref(j);
	dpn_conf_init(&c); /* the defaults: on, loopback */
	assert_string_equal(c.metrics.host, "127.0.0.1");
	assert_int_equal(c.metrics.port, 9476);
	expect_error("{\"metrics\": {\"listen\": \"localhost:9476\"}}",
	        "metrics.listen: \"localhost:9476\" is not ADDRESS:PORT (e.g. \"127.0.0.1:9476\", "
	        "\"[::1]:9476\")");
	expect_error("{\"metrics\": {\"listen\": \"127.0.0.1:70000\"}}",
	        "metrics.listen: \"127.0.0.1:70000\" is not ADDRESS:PORT (e.g. \"127.0.0.1:9476\", "
	        "\"[::1]:9476\")");
	expect_error("{\"metrics\": {\"interval_s\": 0}}",
	        "metrics.interval_s: 0 is out of range (1..3600)");
	expect_error("{\"metrics\": {\"enabled\": \"no\"}}",
	        "metrics.enabled: expected a boolean (true/false), got a string");
}

static void bad_values(void **state)
{
	(void)state;
	expect_error("{\"uplink\": {\"ports\": [{\"pci\": \"0000:01:00.0\"}, {\"pci\": "
	             "\"0000:zz:00.0\"}], \"bond\": {}}}",
	        "uplink.ports[1].pci: \"0000:zz:00.0\" is not a PCI address (DDDD:BB:DD.F)");
	expect_error("{\"uplink\": {\"ports\": [{\"pci\": \"0000:01:00.0\"}], \"encap_ip\": "
	             "\"10.0.0.1\"}}",
	        "uplink.encap_ip: \"10.0.0.1\" is not an IP address with prefix length (CIDR, e.g. "
	        "\"192.168.10.5/24\")");
	expect_error("{\"uplink\": {\"ports\": [{\"pci\": \"0000:01:00.0\"}], \"vlan\": 4095}}",
	        "uplink.vlan: 4095 is out of range (0..4094)");
	expect_error("{\"ovs\": {\"mode\": \"standalone\"}}",
	        "ovs.mode: \"standalone\" is not one of: managed, attach, none");
	expect_error("{\"ovs\": {\"mode\": \"none\"}, \"vhostuser\": {}}",
	        "vhostuser: needs OVS, but ovs.mode is none (remove it, or use managed or attach)");
	expect_error("{\"hugepages\": {\"page_size\": \"4M\", \"mb_per_numa\": [1024]}}",
	        "hugepages.page_size: \"4M\" is not a huge page size (\"2M\" or \"1G\")");
	expect_error("{\"hugepages\": {\"page_size\": \"1G\", \"mb_per_numa\": [1500]}}",
	        "hugepages.mb_per_numa: [0] 1500 MB is not a multiple of the page size");
	expect_error("{\"hugepages\": {}}",
	        "hugepages.mb_per_numa: missing (MB of huge pages per NUMA node, e.g. [1024])");
	expect_error("{\"api\": {\"mode\": \"0666\"}}",
	        "api.mode: \"0666\" is not an octal mode without world-write (e.g. \"0660\")");
	expect_error("{\"ovs\": {\"run_dir\": \"run/ovs\"}}",
	        "ovs.run_dir: \"run/ovs\" is not an absolute path");
	expect_error("{\"ovn\": {\"remote\": \"tcp:10.0.0.1\"}}",
	        "ovn.remote: \"tcp:10.0.0.1\" is not an OVN SB remote list (tcp:IP:PORT, "
	        "ssl:IP:PORT "
	        "or unix:PATH, comma-separated)");
	expect_error("{\"ovs\": {\"dpdk\": {\"extra_args\": [\"-a 0000:01:00.0\"]}}}",
	        "ovs.dpdk.extra_args: [0] \"-a 0000:01:00.0\" is not one EAL argument (a non-empty "
	        "string without spaces or quotes)");
	expect_error(
	        "{\"uplink\": {\"bridge\": \"a/b\", \"ports\": [{\"pci\": \"0000:01:00.0\"}]}}",
	        "uplink.bridge: \"a/b\" is not an interface name (1-15 characters, no '/', ':' or "
	        "spaces)");
}

static void cpu_lists(void **state)
{
	(void)state;
	expect_error("{\"ovs\": {\"dpdk\": {\"pmd_cores\": \"1-\"}}}",
	        "ovs.dpdk.pmd_cores: \"1-\" is not a CPU list (e.g. \"2-3,6\")");
	expect_error("{\"ovs\": {\"dpdk\": {\"pmd_cores\": \"2-5\"}}}",
	        "ovs.dpdk.pmd_cores: CPU 4 is not an online CPU of this machine (online: 0-3)");
	expect_error("{\"ovs\": {\"dpdk\": {\"lcore\": \"1\", \"pmd_cores\": \"1-2\"}}}",
	        "ovs.dpdk.pmd_cores: CPU 1 is also the non-PMD lcore (ovs.dpdk.lcore); a PMD must "
	        "own its core");
}

static void numa_nodes(void **state)
{
	(void)state;
	expect_error("{\"ovs\": {\"dpdk\": {\"socket_mem\": [1024, 1024]}}}",
	        "ovs.dpdk.socket_mem[1]: NUMA node 1 does not exist on this machine (1 node(s))");
	expect_error("{\"hugepages\": {\"mb_per_numa\": [1024, 0, 512]}}",
	        "hugepages.mb_per_numa[2]: NUMA node 2 does not exist on this machine (1 node(s))");
	expect_error("{\"hugepages\": {\"mb_per_numa\": [512]}, \"ovs\": {\"dpdk\": "
	             "{\"socket_mem\": [1024]}}}",
	        "ovs.dpdk.socket_mem[0]: 1024 MB exceeds the huge pages reserved on node 0 "
	        "(hugepages.mb_per_numa[0] = 512)");
	expect_error("{\"ovs\": {\"dpdk\": {\"socket_mem\": [1024], \"socket_limit\": [512]}}}",
	        "ovs.dpdk.socket_limit[0]: 512 MB is below socket_mem[0] (1024 MB)");
}

static void uplink_shape(void **state)
{
	(void)state;
	expect_error("{\"uplink\": {\"ports\": [{\"pci\": \"0000:01:00.0\"}, {\"pci\": "
	             "\"0000:01:00.1\"}]}}",
	        "uplink.bond: 2 ports need a bond (mode active-backup, balance-slb or "
	        "balance-tcp)");
	expect_error("{\"uplink\": {\"ports\": [{\"pci\": \"0000:01:00.0\"}], \"bond\": {}}}",
	        "uplink.bond: a bond needs at least 2 ports, 1 given");
	expect_error("{\"uplink\": {\"ports\": []}}", "uplink.ports: expected 1 to 8 ports");
	expect_error("{\"uplink\": {\"ports\": [{\"name\": \"x\"}]}}",
	        "uplink.ports[0]: missing \"pci\" (DDDD:BB:DD.F) or \"devargs\" (DPDK device "
	        "arguments)");
	expect_error("{\"uplink\": {\"ports\": [{\"pci\": \"0000:01:00.0\"}, {\"pci\": "
	             "\"0000:01:00.0\"}], \"bond\": {}}}",
	        "uplink.ports[1].pci: 0000:01:00.0 is already used by uplink.ports[0]");
	expect_error(
	        "{\"uplink\": {\"ports\": [{\"pci\": \"0000:01:00.0\"}, {\"pci\": "
	        "\"0000:01:00.1\"}], \"bond\": {\"mode\": \"balance-tcp\", \"lacp\": \"off\"}}}",
	        "uplink.bond.lacp: balance-tcp needs LACP (\"active\" or \"passive\")");
	expect_error("{\"ovn\": {\"remote\": \"tcp:10.0.0.1:6642\"}}",
	        "ovn.encap_ip: missing; OVN needs a tunnel endpoint (set ovn.encap_ip or "
	        "uplink.encap_ip)");
	expect_error("{\"ovs\": {\"run_dir\": \"/run/ovs\", \"vhost_sock_dir\": \"/var/vhost\"}}",
	        "ovs.vhost_sock_dir: \"/var/vhost\" must be inside ovs.run_dir (\"/run/ovs\"): OVS "
	        "resolves it relative to its run directory");
}

static void every_problem_reported(void **state)
{
	struct dpn_conf_errors e = {0};
	struct dpn_conf c;
	(void)state;

	assert_int_equal(load("{\"log_level\": \"loud\", \"ovs\": {\"mode\": 1, \"x\": 2}, "
	                      "\"uplink\": {\"vlan\": -1, \"ports\": [{\"pci\": \"bad\"}]}}",
	                         &c, &e),
	        -EINVAL);
	assert_int_equal(e.n, 5);
	dpn_conf_errors_free(&e);
}

static void file_errors(void **state)
{
	struct dpn_conf_errors e = {0};
	struct dpn_conf c;
	char path[] = "/tmp/dpn-conf-XXXXXX";
	int fd = mkstemp(path);
	(void)state;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"ovs\": {,}}", 12), 12);
	close(fd);
	assert_int_equal(dpn_conf_load_file(path, NULL, &c, &e), -EINVAL);
	assert_int_equal(e.n, 1);
	assert_non_null(strstr(e.lines[0], path));
	assert_non_null(strstr(e.lines[0], ":1:"));
	dpn_conf_errors_free(&e);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(good_config),
	        cmocka_unit_test(shipped_examples_valid),
	        cmocka_unit_test(unknown_keys),
	        cmocka_unit_test(wrong_types),
	        cmocka_unit_test(bad_values),
	        cmocka_unit_test(metrics_section),
	        cmocka_unit_test(cpu_lists),
	        cmocka_unit_test(vswitchd_log_levels),
	        cmocka_unit_test(numa_nodes),
	        cmocka_unit_test(uplink_shape),
	        cmocka_unit_test(every_problem_reported),
	        cmocka_unit_test(file_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
