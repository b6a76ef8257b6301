#include "testlib.h"

#include <errno.h>
#include <stdlib.h>

#include "dpn_sriov.h"

static void port_names(void **state)
{
	int c, p, v;
	(void)state;
	assert_int_equal(dpn_sriov_parse_port_name("pf0vf3", &c, &p, &v), 1);
	assert_int_equal(p, 0);
	assert_int_equal(v, 3);
	assert_int_equal(dpn_sriov_parse_port_name("c1pf2vf15", &c, &p, &v), 1);
	assert_int_equal(c, 1);
	assert_int_equal(p, 2);
	assert_int_equal(v, 15);
	assert_int_equal(dpn_sriov_parse_port_name("pf1vf7rep", &c, &p, &v), 1); /* Yusur */
	assert_int_equal(v, 7);
	assert_int_equal(dpn_sriov_parse_port_name("p1", &c, &p, &v), 2);
	assert_int_equal(p, 1);
	static const char *const none[] = {"", "eth0", "pf0", "pf0vf", "pf0vf1x", "p1a", "vf1"};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		assert_int_equal(dpn_sriov_parse_port_name(none[i], &c, &p, &v), 0);
}

static void nic_table(void **state)
{
	struct dpn_nic_table t;
	struct dpn_err err = {0};
	(void)state;

	assert_int_equal(dpn_nic_table_load(DPN_SRCDIR "/conf/nics.json", &t, &err), 0);
	json_t *mlx = dpn_nic_vendor(&t, "15b3");
	assert_string_equal(json_string_value(json_object_get(mlx, "default_resource")),
	        "mellanox.com/cx5_sriov_switchdev");
	assert_string_equal(
	        json_string_value(json_object_get(dpn_nic_model(mlx, "101d", false), "model")),
	        "ConnectX-6 Dx");
	/* 101e is the VF of several models: the first is fine for naming */
	assert_non_null(dpn_nic_model(mlx, "101e", true));
	assert_null(dpn_nic_model(mlx, "101e", false));
	assert_non_null(dpn_nic_vendor(&t, "19EE"));
	assert_string_equal(
	        json_string_value(json_object_get(dpn_nic_vendor(&t, "1f47"), "default_resource")),
	        "yusur.tech/sriov_dpu");
	assert_null(dpn_nic_vendor(&t, "8086"));
	dpn_nic_table_free(&t);
	assert_int_equal(dpn_nic_table_load("/nonexistent.json", &t, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "/nonexistent.json"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(port_names),
	        cmocka_unit_test(nic_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
