#include "testlib.h"

#include <errno.h>
#include <unistd.h>

#include <errno.h>

#include "dpn_req.h"
#include "dpn_util.h"

static void cpulist_roundtrip(void **state)
{
	struct dpn_cpuset s;
	char buf[64];
	(void)state;

	assert_int_equal(dpn_cpuset_parse_list("0-3,8,10-11", &s), 0);
	assert_int_equal(dpn_cpuset_count(&s), 7);
	assert_true(dpn_cpuset_isset(&s, 8));
	assert_false(dpn_cpuset_isset(&s, 9));
	assert_int_equal(dpn_cpuset_format_list(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0-3,8,10-11");
	assert_int_equal(dpn_cpuset_format_mask(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0xd0f");
}

static void cpulist_rejects(void **state)
{
	struct dpn_cpuset s;
	static const char *const bad[] = {"", "1-", "-1", "3-1", "1,,2", "1,", "a", "1 2", "0x3"};
	(void)state;

	for (size_t i = 0; i < DPN_ARRAY_SIZE(bad); i++)
		assert_int_equal(dpn_cpuset_parse_list(bad[i], &s), -EINVAL);
	assert_int_equal(dpn_cpuset_parse_list("5000", &s), -ERANGE);
}

static void mask_parse(void **state)
{
	struct dpn_cpuset s;
	char buf[64];
	(void)state;

	assert_int_equal(dpn_cpuset_parse_mask("0x6", &s), 0);
	assert_int_equal(dpn_cpuset_format_list(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1-2");
	assert_int_equal(dpn_cpuset_parse_mask("F0", &s), 0);
	assert_int_equal(dpn_cpuset_format_list(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "4-7");
	assert_int_equal(dpn_cpuset_parse_mask("0xg", &s), -EINVAL);
	assert_int_equal(dpn_cpuset_parse_mask("0x", &s), -EINVAL);
}

static void pci_addresses(void **state)
{
	(void)state;
	assert_true(dpn_pci_addr_valid("0000:01:00.0"));
	assert_true(dpn_pci_addr_valid("0000:af:1f.7"));
	assert_true(dpn_pci_addr_valid("0000:AF:00.1"));
	assert_false(dpn_pci_addr_valid("0000:zz:00.0"));
	assert_false(dpn_pci_addr_valid("01:00.0"));
	assert_false(dpn_pci_addr_valid("0000:01:20.0")); /* device > 0x1f */
	assert_false(dpn_pci_addr_valid("0000:01:00.8")); /* function > 7 */
	assert_false(dpn_pci_addr_valid("0000:01:00.0 "));
}

static void cidrs(void **state)
{
	struct dpn_cidr c;
	char buf[64];
	(void)state;

	assert_int_equal(dpn_cidr_parse("192.168.1.5/24", false, &c), 0);
	assert_int_equal(c.family, AF_INET);
	assert_int_equal(c.prefix, 24);
	assert_int_equal(dpn_cidr_addr_str(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "192.168.1.5");
	assert_int_equal(dpn_cidr_parse("fd00::1/64", false, &c), 0);
	assert_int_equal(c.family, AF_INET6);
	assert_int_equal(dpn_cidr_parse("10.0.0.1", false, &c), -EINVAL);
	assert_int_equal(dpn_cidr_parse("10.0.0.1", true, &c), 0);
	assert_int_equal(c.prefix, 32);
	assert_int_equal(dpn_cidr_parse("10.0.0.300/24", false, &c), -EINVAL);
	assert_int_equal(dpn_cidr_parse("10.0.0.1/33", false, &c), -EINVAL);
	assert_int_equal(dpn_cidr_parse("10.0.0.1/", false, &c), -EINVAL);
	assert_int_equal(dpn_cidr_parse("10.0.0.1/2x", false, &c), -EINVAL);
}

static void macs(void **state)
{
	(void)state;
	assert_true(dpn_mac_valid_unicast("02:00:00:aa:BB:cc"));
	assert_false(dpn_mac_valid_unicast("01:00:5e:00:00:01")); /* multicast */
	assert_false(dpn_mac_valid_unicast("02:00:00:aa:bb"));
	assert_false(dpn_mac_valid_unicast("02-00-00-aa-bb-cc"));
	assert_false(dpn_mac_valid_unicast("02:00:00:aa:bb:cg"));
}

static void ifnames(void **state)
{
	(void)state;
	assert_true(dpn_ifname_valid("br-phy"));
	assert_false(dpn_ifname_valid(""));
	assert_false(dpn_ifname_valid("a/b"));
	assert_false(dpn_ifname_valid(".."));
	assert_false(dpn_ifname_valid("0123456789abcdef"));
	assert_false(dpn_ifname_valid("a b"));
}

/* State files: the replaced file stays as .prev; a damaged file is read
 * from its last good copy, and says so. */
/* A sysfs count that no kernel writes (negative, or past 2^40) is refused:
 * pages times page size would overflow */
static void sysfs_counts(void **state)
{
	char path[] = "/tmp/dpn-count.XXXXXX";
	long v;
	(void)state;
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	static const struct {
		const char *text;
		int ret;
		long val;
	} cases[] = {{"512\n", 0, 512}, {"0", 0, 0}, {"0x15b3\n", 0, 0x15b3}, {"-1\n", -ERANGE, 0},
	        {"9223372036854775807", -ERANGE, 0}, {"99999999999999999999", -EINVAL, 0},
	        {"max", -EINVAL, 0}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(truncate(path, 0),
		        0); /* dpn_write_file writes as sysfs wants: no O_TRUNC */
		assert_true(dpn_write_file(path, cases[i].text) >= 0);
		assert_int_equal(dpn_read_count(path, &v), cases[i].ret);
		if (cases[i].ret == 0)
			assert_int_equal(v, cases[i].val);
	}
	unlink(path);
}

static void kept_state_files(void **state)
{
	char dir[] = "/tmp/dpn-util-XXXXXX", path[64], why[128];
	json_t *v1 = json_pack("{s:i}", "v", 1), *v2 = json_pack("{s:i}", "v", 2), *got;
	bool prev;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state.json", dir);
	assert_int_equal(dpn_json_load_kept(path, &got, &prev, why, sizeof(why)), -ENOENT);
	assert_int_equal(dpn_json_save_kept(path, v1), 0);
	assert_int_equal(dpn_json_save_kept(path, v2), 0);
	assert_int_equal(dpn_json_load_kept(path, &got, &prev, why, sizeof(why)), 0);
	assert_false(prev);
	assert_true(json_equal(got, v2));
	json_decref(got);
	assert_int_equal(truncate(path, 3), 0); /* damaged behind our back */
	assert_int_equal(dpn_json_load_kept(path, &got, &prev, why, sizeof(why)), 0);
	assert_true(prev);
	assert_true(json_equal(got, v1));
	assert_true(strlen(why) > 0);
	json_decref(got);
	char p2[80];
	snprintf(p2, sizeof(p2), "%s.prev", path);
	assert_int_equal(truncate(p2, 1), 0);
	assert_int_equal(dpn_json_load_kept(path, &got, &prev, why, sizeof(why)), -EINVAL);
	json_decref(v1);
	json_decref(v2);
	t_rmtree(dir);
}

/* A listed port is ready with an OpenFlow port, no OVS error and, under
 * OVN, ovn-installed; a list asked for ready ports says -EAGAIN naming the
 * first that is not. */
static void port_readiness(void **state)
{
	char why[256];
	struct dpn_err err = {0};
	(void)state;

	json_t *e = json_pack("{s:s, s:{s:i}}", "port", "vh1", "ovs", "ofport", 0);
	assert_false(dpn_req_port_ready(e, why, sizeof(why)));
	assert_string_equal(why, "not in OVS yet");
	json_object_set_new(json_object_get(e, "ovs"), "ofport", json_integer(7));
	assert_true(dpn_req_port_ready(e, why, sizeof(why)));
	json_object_set_new(
	        e, "ovn", json_pack("{s:s, s:b}", "logical_port", "p.ns", "installed", 0));
	assert_false(dpn_req_port_ready(e, why, sizeof(why)));
	assert_non_null(strstr(why, "logical port p.ns: ovn-controller has not installed it"));
	json_object_set_new(json_object_get(e, "ovn"), "installed", json_true());
	assert_true(dpn_req_port_ready(e, why, sizeof(why)));
	json_object_set_new(json_object_get(e, "ovs"), "error", json_string("could not open"));
	assert_false(dpn_req_port_ready(e, why, sizeof(why)));
	assert_string_equal(why, "could not open");

	json_t *params = json_pack("{s:b}", "ready", 1);
	json_t *res = json_pack("{s:[O]}", "ports", e);
	assert_int_equal(dpn_req_list_ready(params, &res, &err), -EAGAIN);
	assert_null(res);
	assert_string_equal(err.msg, "port vh1: could not open");
	json_object_del(json_object_get(e, "ovs"), "error");
	res = json_pack("{s:[O]}", "ports", e);
	assert_int_equal(dpn_req_list_ready(params, &res, &err), 0);
	assert_non_null(res);
	json_decref(res);
	/* not asked: a list as it is */
	json_object_set_new(json_object_get(e, "ovs"), "ofport", json_integer(-1));
	res = json_pack("{s:[O]}", "ports", e);
	assert_int_equal(dpn_req_list_ready(NULL, &res, &err), 0);
	json_decref(res);
	json_decref(params);
	json_decref(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(cpulist_roundtrip),
	        cmocka_unit_test(cpulist_rejects),
	        cmocka_unit_test(mask_parse),
	        cmocka_unit_test(pci_addresses),
	        cmocka_unit_test(cidrs),
	        cmocka_unit_test(ifnames),
	        cmocka_unit_test(macs),
	        cmocka_unit_test(kept_state_files),
	        cmocka_unit_test(sysfs_counts),
	        cmocka_unit_test(port_readiness),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
