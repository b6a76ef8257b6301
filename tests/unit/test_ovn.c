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

/* Rows as the Southbound replica holds them (update2 datums). */
static void binding_rows(void **state)
{
	struct dpn_ovn_port p;
	struct dpn_err err = {0};
	(void)state;

	json_t *row = json_loads("{\"logical_port\": \"a.ns\", \"up\": [\"set\", [true]],"
	                         " \"mac\": [\"set\", [\"0a:00:00:00:00:07 10.16.0.7\"]]}",
	        0, NULL);
	assert_int_equal(dpn_ovn_port_from_binding("a.ns", row, &p, &err), 0);
	assert_string_equal(p.mac, "0a:00:00:00:00:07");
	assert_true(p.up);
	json_decref(row);
	/* a set of one is the atom itself; up absent is false */
	row = json_loads("{\"mac\": \"0a:00:00:00:00:08\"}", 0, NULL);
	assert_int_equal(dpn_ovn_port_from_binding("a.ns", row, &p, &err), 0);
	assert_false(p.up);
	json_decref(row);
	/* no addresses, or a mac column that is not strings */
	static const char *const bad[] = {
	        "{}", "{\"mac\": [\"set\", []]}", "{\"mac\": 5}", "{\"mac\": [\"set\", [7]]}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		row = json_loads(bad[i], 0, NULL);
		assert_int_equal(dpn_ovn_port_from_binding("a.ns", row, &p, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "a.ns"));
		json_decref(row);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(addresses),
	        cmocka_unit_test(binding_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
