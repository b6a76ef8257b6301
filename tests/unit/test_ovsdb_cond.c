/* monitor_cond requests and "update2" diffs, as ovsdb-server sends them for
 * OVN's Southbound Port_Binding. */
#include "testlib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/un.h>

#include "dpn_ovsdb.h"

static const char *const cols[] = {"logical_port", "mac", "chassis", "up", NULL};
static const char *const sets[] = {"mac", "chassis", "up", NULL};
static const struct dpn_ovsdb_monitor_table tables[] = {
        {"Port_Binding", cols, sets},
        {NULL, NULL, NULL},
};

static void requests(void **state)
{
	json_t *where[] = {tjson("[[\"logical_port\", \"==\", \"a.ns\"]]")};
	(void)state;

	json_t *r = dpn_ovsdb_monitor_cond_req("OVN_Southbound", tables, where, 7);
	json_t *want = tjson("{\"method\": \"monitor_cond\", \"id\": 7, \"params\": "
	                     "[\"OVN_Southbound\", 7, {\"Port_Binding\": [{\"columns\": "
	                     "[\"logical_port\", \"mac\", \"chassis\", \"up\"], \"where\": "
	                     "[[\"logical_port\", \"==\", \"a.ns\"]]}]}]}");
	if (!json_equal(r, want))
		fail_msg("got %s", json_dumps(r, JSON_SORT_KEYS));
	json_decref(r);
	json_decref(want);
	r = dpn_ovsdb_cond_change_req("Port_Binding", where[0], 7, 9);
	want = tjson("{\"method\": \"monitor_cond_change\", \"id\": 9, \"params\": [7, 7, "
	             "{\"Port_Binding\": [{\"where\": [[\"logical_port\", \"==\", \"a.ns\"]]}]}]}");
	if (!json_equal(r, want))
		fail_msg("got %s", json_dumps(r, JSON_SORT_KEYS));
	json_decref(r);
	json_decref(want);
	json_decref(where[0]);
}

static json_t *row(json_t *replica, const char *uuid)
{
	return json_object_get(json_object_get(replica, "Port_Binding"), uuid);
}

static void update2_diffs(void **state)
{
	json_t *rep = json_object();
	(void)state;

	json_t *u = tjson("{\"Port_Binding\": {\"u1\": {\"initial\": {\"logical_port\": \"a.ns\", "
	                  "\"mac\": \"0a:00:00:00:00:01 10.16.0.5\", \"up\": [\"set\", []]}}}}");
	assert_int_equal(dpn_ovsdb_apply_update2(rep, u, tables), 0);
	json_decref(u);
	assert_string_equal(
	        json_string_value(json_object_get(row(rep, "u1"), "logical_port")), "a.ns");
	/* a set column's change is the elements toggled: the old MAC out, the new in */
	u = tjson("{\"Port_Binding\": {\"u1\": {\"modify\": {\"mac\": [\"set\", "
	          "[\"0a:00:00:00:00:01 10.16.0.5\", \"0a:00:00:00:00:02 10.16.0.6\"]], "
	          "\"up\": true}}}}");
	assert_int_equal(dpn_ovsdb_apply_update2(rep, u, tables), 0);
	json_decref(u);
	json_t *mac = dpn_ovsdb_plain(json_object_get(row(rep, "u1"), "mac"));
	assert_string_equal(json_string_value(mac), "0a:00:00:00:00:02 10.16.0.6");
	json_decref(mac);
	json_t *up = dpn_ovsdb_plain(json_object_get(row(rep, "u1"), "up"));
	assert_true(json_is_true(up));
	json_decref(up);
	/* malformed: nothing applied, not even the good part */
	u = tjson("{\"Port_Binding\": {\"u1\": {\"delete\": null}, \"u2\": 5}}");
	assert_int_equal(dpn_ovsdb_apply_update2(rep, u, tables), -EPROTO);
	json_decref(u);
	assert_non_null(row(rep, "u1"));
	u = tjson("{\"Chassis\": {\"c1\": {\"insert\": {}}}}"); /* a table not monitored */
	assert_int_equal(dpn_ovsdb_apply_update2(rep, u, tables), -EPROTO);
	json_decref(u);
	u = tjson("{\"Port_Binding\": {\"u1\": {\"delete\": null}}}");
	assert_int_equal(dpn_ovsdb_apply_update2(rep, u, tables), 0);
	json_decref(u);
	assert_null(row(rep, "u1"));
	json_decref(rep);
}

static void remotes(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len;
	const char *l =
	        "tcp:192.0.2.10:6642,unix:/run/ovn/sb.sock,tcp:[fd00::2]:6642,ssl:192.0.2.1:6642";
	(void)state;

	assert_int_equal(dpn_ovsdb_remote_addr(l, 0, &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 6642);
	assert_int_equal(dpn_ovsdb_remote_addr(l, 1, &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_UNIX);
	assert_string_equal(((struct sockaddr_un *)&ss)->sun_path, "/run/ovn/sb.sock");
	assert_int_equal(dpn_ovsdb_remote_addr(l, 2, &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(dpn_ovsdb_remote_addr(l, 3, &ss, &len), 0);
	assert_true(dpn_ovsdb_remote_ssl(l, 3));
	assert_false(dpn_ovsdb_remote_ssl(l, 0));
	assert_int_equal(dpn_ovsdb_remote_addr(l, 4, &ss, &len), -ENOENT);
	assert_int_equal(dpn_ovsdb_remote_addr("/run/openvswitch/db.sock", 0, &ss, &len), 0);
	assert_int_equal(dpn_ovsdb_remote_addr("tcp:nohost:1", 0, &ss, &len), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(requests),
	        cmocka_unit_test(update2_diffs),
	        cmocka_unit_test(remotes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
