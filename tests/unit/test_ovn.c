/* Port_Binding addresses as kube-ovn-controller writes them. */
#include "testlib.h"

#include <errno.h>

#include "dpn_ovn.h"

static void addresses(void **state)
{
	struct dpn_ovn_port p;
	struct dpn_err err = {0};
	(void)state;

	assert_int_equal(
	        dpn_ovn_parse_addresses("a.ns", "0A:00:00:00:00:05 10.16.0.5 fd00::5", &p, &err),
	        0);
	assert_string_equal(p.mac, "0a:00:00:00:00:05");
	assert_int_equal(p.n_ips, 2);
	assert_string_equal(p.ips[1], "fd00::5");
	assert_int_equal(dpn_ovn_parse_addresses("a.ns", "0a:00:00:00:00:05", &p, &err), 0);
	assert_int_equal(p.n_ips, 0);
	static const char *const bad[] = {"dynamic", "unknown", "01:00:5e:00:00:01 10.0.0.1",
	        "0a:00:00:00:00:05 10.16.0.300", "", "0a:00:00:00:00:05 1 2 3 4 5"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(dpn_ovn_parse_addresses("a.ns", bad[i], &p, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "logical port a.ns"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(addresses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
