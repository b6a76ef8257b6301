#include "testlib.h"

#include <errno.h>
#include <stdlib.h>

#include "dpn_jsonrpc.h"
#include "dpn_ovsdb.h"
#include "dpn_plugin.h"
#include "dpn_unixctl.h"

static void framing_split_and_joined(void **state)
{
	struct dpn_jsbuf b;
	json_t *m;
	/* Two messages, braces inside strings, an escaped quote, split anywhere. */
	const char *s = "{\"a\":\"}{\\\"\",\"b\":[1,{}]} \n[\"x\"]";
	(void)state;

	for (size_t cut = 0; cut <= strlen(s); cut++) {
		dpn_jsbuf_init(&b);
		assert_int_equal(dpn_jsbuf_feed(&b, s, cut), 0);
		int got = 0;
		while (dpn_jsbuf_next(&b, &m) == 1) {
			got++;
			json_decref(m);
		}
		assert_int_equal(dpn_jsbuf_feed(&b, s + cut, strlen(s) - cut), 0);
		while (dpn_jsbuf_next(&b, &m) == 1) {
			if (got == 0)
				assert_string_equal(
				        json_string_value(json_object_get(m, "a")), "}{\"");
			else
				assert_string_equal(json_string_value(json_array_get(m, 0)), "x");
			got++;
			json_decref(m);
		}
		assert_int_equal(got, 2);
		dpn_jsbuf_free(&b);
	}
}

static void framing_garbage(void **state)
{
	struct dpn_jsbuf b;
	json_t *m;
	(void)state;

	dpn_jsbuf_init(&b);
	dpn_jsbuf_feed(&b, "hello", 5);
	assert_int_equal(dpn_jsbuf_next(&b, &m), -EPROTO);
	dpn_jsbuf_free(&b);
}

static void monitor_request(void **state)
{
	static const char *const bcols[] = {"name", "ports", NULL}, *const pcols[] = {"name", NULL};
	static const struct dpn_ovsdb_monitor_table tables[] = {
	        {"Bridge", bcols, NULL}, {"Port", pcols, NULL}, {NULL, NULL, NULL}};
	json_t *want = tjson("{\"method\":\"monitor\",\"id\":7,"
	                     "\"params\":[\"Open_vSwitch\",null,{\"Bridge\":{\"columns\":"
	                     "[\"name\",\"ports\"]},\"Port\":{\"columns\":[\"name\"]}}]}");
	json_t *got = dpn_ovsdb_monitor_req("Open_vSwitch", tables, 7);
	(void)state;

	assert_true(json_equal(got, want));
	json_decref(got);
	json_decref(want);
}

static void replica_updates(void **state)
{
	json_t *rep = json_object();
	(void)state;

	json_t *init = tjson("{\"Bridge\":{\"u1\":{\"new\":{\"name\":\"br0\"}},"
	                     "\"u2\":{\"new\":{\"name\":\"br1\"}}}}");
	assert_int_equal(dpn_ovsdb_apply_update(rep, init), 0);
	json_t *upd =
	        tjson("{\"Bridge\":{\"u1\":{\"old\":{\"name\":\"br0\"},\"new\":{\"name\":\"brX\"}},"
	              "\"u2\":{\"old\":{\"name\":\"br1\"}}}}");
	assert_int_equal(dpn_ovsdb_apply_update(rep, upd), 0);
	json_t *bridges = json_object_get(rep, "Bridge");
	assert_int_equal(json_object_size(bridges), 1);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(bridges, "u1"), "name")), "brX");
	/* rows are kept compact: maps as objects, empty sets left out, and the
	 * helpers read them as they read the wire form */
	json_t *full = tjson("{\"Bridge\":{\"u1\":{\"new\":{\"name\":\"brX\","
	                     "\"external_ids\":[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]],"
	                     "\"fail_mode\":[\"set\",[]],\"ports\":[\"uuid\",\"p1\"],"
	                     "\"flood_vlans\":[\"set\",[1,2]]}}}}");
	assert_int_equal(dpn_ovsdb_apply_update(rep, full), 0);
	json_t *row = json_object_get(bridges, "u1");
	assert_true(json_is_object(json_object_get(row, "external_ids")));
	assert_string_equal(dpn_ovsdb_map_get(json_object_get(row, "external_ids"), "b"), "2");
	assert_null(dpn_ovsdb_map_get(json_object_get(row, "external_ids"), "c"));
	assert_null(json_object_get(row, "fail_mode"));
	json_t *plain = dpn_ovsdb_plain(json_object_get(row, "fail_mode"));
	assert_true(json_is_null(plain));
	assert_true(dpn_ovsdb_set_has_uuid(json_object_get(row, "ports"), "p1"));
	plain = dpn_ovsdb_plain(json_object_get(row, "external_ids"));
	assert_string_equal(json_string_value(json_object_get(plain, "a")), "1");
	json_decref(plain);
	plain = dpn_ovsdb_plain(json_object_get(row, "flood_vlans"));
	assert_int_equal(json_array_size(plain), 2);
	json_decref(plain);
	json_decref(full);
	json_t *arr = json_array();
	assert_int_equal(dpn_ovsdb_apply_update(rep, arr), -EPROTO);
	json_decref(arr);
	json_decref(init);
	json_decref(upd);
	json_decref(rep);
}

static void count_uuid(const char *uuid, void *arg)
{
	(void)uuid;
	(*(int *)arg)++;
}

/* What a broken or hostile server sends: nothing crashes, nothing applies. */
static void malformed_server_data(void **state)
{
	json_t *rep = json_object(), *d;
	int n = 0;
	(void)state;

	d = tjson("[\"uuid\", 5]"); /* once a NULL dereference in Bridge.ports */
	dpn_ovsdb_uuids(d, count_uuid, &n);
	assert_false(dpn_ovsdb_set_has_uuid(d, "x"));
	json_decref(d);
	d = tjson("[\"set\", [[\"uuid\", 5], [\"uuid\", \"u1\"], 7]]");
	dpn_ovsdb_uuids(d, count_uuid, &n);
	json_decref(d);
	assert_int_equal(n, 1);
	json_t *good = tjson("{\"Bridge\": {\"b1\": {\"new\": {\"name\": \"br-int\"}}}}");
	assert_int_equal(dpn_ovsdb_apply_update(rep, good), 0);
	/* the first table is fine, the second is not: neither is applied */
	json_t *bad = tjson("{\"Bridge\": {\"b1\": null}, \"Port\": {\"p1\": {\"new\": 3}}}");
	assert_int_equal(dpn_ovsdb_apply_update(rep, bad), -EPROTO);
	assert_non_null(json_object_get(json_object_get(rep, "Bridge"), "b1"));
	assert_null(json_object_get(rep, "Port"));
	json_decref(good);
	json_decref(bad);
	json_decref(rep);
}

static void datums(void **state)
{
	(void)state;
	json_t *map = tjson("[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]");
	json_t *plain = dpn_ovsdb_plain(map);
	assert_string_equal(json_string_value(json_object_get(plain, "b")), "2");
	assert_string_equal(dpn_ovsdb_map_get(map, "a"), "1");
	assert_null(dpn_ovsdb_map_get(map, "c"));
	json_t *back = dpn_ovsdb_datum(plain);
	json_t *again = dpn_ovsdb_plain(back);
	assert_true(json_equal(plain, again));

	json_t *empty = tjson("[\"set\",[]]");
	json_t *p = dpn_ovsdb_plain(empty);
	assert_true(json_is_null(p));
	json_t *d = dpn_ovsdb_datum(p);
	assert_true(json_equal(d, empty));

	json_t *one = tjson("[\"set\",[5]]");
	json_t *p1 = dpn_ovsdb_plain(one);
	assert_int_equal(json_integer_value(p1), 5);

	json_t *uuids = tjson("[\"set\",[[\"uuid\",\"x\"],[\"uuid\",\"y\"]]]");
	assert_true(dpn_ovsdb_set_has_uuid(uuids, "y"));
	assert_false(dpn_ovsdb_set_has_uuid(uuids, "z"));
	json_t *single = tjson("[\"uuid\",\"x\"]");
	assert_true(dpn_ovsdb_set_has_uuid(single, "x"));

	json_t *objs[] = {map, plain, back, again, empty, p, d, one, p1, uuids, single};
	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++)
		json_decref(objs[i]);
}

static void txn_errors(void **state)
{
	(void)state;
	json_t *ok = tjson("{\"id\":1,\"error\":null,\"result\":[{},{\"uuid\":[\"uuid\",\"x\"]}]}");
	struct dpn_err e = {0};
	assert_int_equal(dpn_ovsdb_txn_error(ok, &e), 0);
	json_t *bad = tjson("{\"id\":1,\"error\":null,\"result\":[{},{\"error\":\"constraint "
	                    "violation\",\"details\":\"Transaction causes multiple rows in "
	                    "\\\"Bridge\\\" table to have identical values\"},"
	                    "{\"error\":\"aborted\"}]}");
	assert_int_equal(dpn_ovsdb_txn_error(bad, &e), -EIO);
	assert_string_equal(e.msg,
	        "op 1: constraint violation: Transaction causes multiple rows in "
	        "\"Bridge\" table to have identical values");
	json_t *rej = tjson("{\"id\":1,\"error\":\"unknown database\",\"result\":null}");
	assert_int_equal(dpn_ovsdb_txn_error(rej, &e), -EPROTO);
	assert_string_equal(e.msg, "transaction rejected: \"unknown database\"");
	json_decref(ok);
	json_decref(bad);
	json_decref(rej);
}

static void pmd_rxq_show(void **state)
{
	int cores[8];
	const char *text = "Displaying last 60 seconds pmd usage %\n"
	                   "pmd thread numa_id 0 core_id 2:\n  isolated : false\n"
	                   "  port: dpdk0 queue-id:  0 (enabled)\n"
	                   "pmd thread numa_id 1 core_id 35:\n  isolated : false\n";
	(void)state;
	assert_int_equal(dpn_unixctl_parse_pmd_cores(text, cores, 8), 2);
	assert_int_equal(cores[0], 2);
	assert_int_equal(cores[1], 35);
	assert_int_equal(dpn_unixctl_parse_pmd_cores("", cores, 8), 0);
}

/* The SSL side is a module (dpnode-ssl.so) found in this build tree; a
 * table of another ABI or a missing object is refused, naming the path. */
static void ssl_module_loads(void **state)
{
	struct dpn_err err = {0};
	const void *t = NULL;
	(void)state;

	assert_int_equal(
	        dpn_plugin_load("ovsdb", "dpnode-ssl.so", "dpn_ovsdb_ssl_ops", 1, &t, &err), 0);
	assert_int_equal(*(const unsigned *)t, 1);
	assert_int_equal(
	        dpn_plugin_load("ovsdb", "dpnode-ssl.so", "dpn_ovsdb_ssl_ops", 99, &t, &err),
	        -ENOENT);
	assert_non_null(strstr(err.msg, "dpnode-ssl.so: built for another dpnode"));
	assert_int_equal(
	        dpn_plugin_load("ovsdb", "dpnode-ssl.so", "nothing_here", 1, &t, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "not a dpnode module"));
	assert_int_equal(dpn_plugin_load("ovsdb", "dpnode-none.so", "x", 1, &t, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "cannot load dpnode-none.so ("));
	assert_non_null(strstr(err.msg, "/ovsdb/dpnode-none.so: not found"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(framing_split_and_joined),
	        cmocka_unit_test(framing_garbage),
	        cmocka_unit_test(monitor_request),
	        cmocka_unit_test(replica_updates),
	        cmocka_unit_test(datums),
	        cmocka_unit_test(malformed_server_data),
	        cmocka_unit_test(txn_errors),
	        cmocka_unit_test(pmd_rxq_show),
	        cmocka_unit_test(ssl_module_loads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
