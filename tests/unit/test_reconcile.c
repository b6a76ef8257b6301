/* Reconcile against a replica kept by a tiny in-test OVSDB applier (insert,
 * update, mutate): converges, then stays silent; touches only its own rows. */
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>

#include "dpn_conf.h"
#include "ovs_desired.h"
#include "dpn_ovsdb.h"
#include "ovs_reconcile.h"

static int uuid_seq;

static json_t *resolve(json_t *v, json_t *named)
{
	if (json_is_array(v) && json_array_size(v) == 2 &&
	        !strcmp(json_string_value(json_array_get(v, 0)) ?: "", "named-uuid")) {
		const char *u = json_string_value(
		        json_object_get(named, json_string_value(json_array_get(v, 1))));
		assert_non_null(u);
		return json_pack("[s, s]", "uuid", u);
	}
	if (json_is_array(v)) {
		json_t *out = json_array(), *e;
		size_t i;
		json_array_foreach (v, i, e)
			json_array_append_new(out, resolve(e, named));
		return out;
	}
	if (json_is_object(v)) {
		json_t *out = json_object(), *e;
		const char *k;
		json_object_foreach (v, k, e)
			json_object_set_new(out, k, resolve(e, named));
		return out;
	}
	return json_incref(v);
}

/* Elements of a set datum (a bare atom is a set of one). */
static json_t *elems(json_t *d)
{
	if (!d)
		return json_array();
	if (json_is_array(d) && !strcmp(json_string_value(json_array_get(d, 0)) ?: "", "set"))
		return json_deep_copy(json_array_get(d, 1));
	return json_pack("[O]", d);
}

static void mutate(json_t *row, json_t *m)
{
	const char *col = json_string_value(json_array_get(m, 0));
	const char *op = json_string_value(json_array_get(m, 1));
	json_t *arg = json_array_get(m, 2), *cur = json_object_get(row, col);

	if (!strcmp(op, "+=")) {
		json_object_set_new(
		        row, col, json_integer(json_integer_value(cur) + json_integer_value(arg)));
		return;
	}
	bool is_map = !strcmp(json_string_value(json_array_get(arg, 0)), "map") ||
	              (cur && !strcmp(json_string_value(json_array_get(cur, 0)) ?: "", "map"));
	if (is_map) {
		json_t *plain = cur ? dpn_ovsdb_plain(cur) : json_object(), *v;
		json_t *a = dpn_ovsdb_plain(arg);
		const char *k;
		size_t i;
		if (!strcmp(op, "insert")) {
			json_object_foreach (a, k, v)
				if (!json_object_get(plain, k))
					json_object_set(plain, k, v);
		} else if (json_is_object(a)) {
			json_object_foreach (a, k, v)
				json_object_del(plain, k);
		} else {
			json_t *keys = elems(arg);
			json_array_foreach (keys, i, v)
				json_object_del(plain, json_string_value(v));
			json_decref(keys);
		}
		json_object_set_new(row, col, dpn_ovsdb_datum(plain));
		json_decref(plain);
		json_decref(a);
		return;
	}
	json_t *have = elems(cur), *chg = elems(arg), *out = json_array(), *e;
	size_t i, j;
	json_array_foreach (have, i, e) {
		bool drop = false;
		json_t *h = e;
		if (!strcmp(op, "delete"))
			for (j = 0; j < json_array_size(chg); j++)
				drop |= json_equal(h, json_array_get(chg, j));
		if (!drop)
			json_array_append(out, h);
	}
	if (!strcmp(op, "insert"))
		json_array_extend(out, chg);
	json_object_set_new(row, col, json_pack("[s, O]", "set", out));
	json_decref(have);
	json_decref(chg);
	json_decref(out);
}

static void apply(json_t *rep, json_t *ops)
{
	json_t *named = json_object(), *op;
	size_t i;

	json_array_foreach (ops, i, op) {
		const char *kind = json_string_value(json_object_get(op, "op"));
		const char *table = json_string_value(json_object_get(op, "table"));
		json_t *tab = table ? json_object_get(rep, table) : NULL;
		if (table && !tab) {
			tab = json_object();
			json_object_set_new(rep, table, tab);
		}
		if (!strcmp(kind, "insert")) {
			char u[32];
			snprintf(u, sizeof(u), "uuid-%d", ++uuid_seq);
			json_object_set_new(named,
			        json_string_value(json_object_get(op, "uuid-name")),
			        json_string(u));
		}
	}
	json_array_foreach (ops, i, op) {
		const char *kind = json_string_value(json_object_get(op, "op"));
		const char *table = json_string_value(json_object_get(op, "table"));
		json_t *tab = table ? json_object_get(rep, table) : NULL;
		if (!strcmp(kind, "insert")) {
			const char *u = json_string_value(json_object_get(
			        named, json_string_value(json_object_get(op, "uuid-name"))));
			json_object_set_new(tab, u, resolve(json_object_get(op, "row"), named));
			continue;
		}
		if (!strcmp(kind, "comment"))
			continue;
		const char *u = json_string_value(json_array_get(
		        json_array_get(json_array_get(json_object_get(op, "where"), 0), 2), 1));
		json_t *row = json_object_get(tab, u);
		assert_non_null(row);
		if (!strcmp(kind, "update")) {
			json_t *r = resolve(json_object_get(op, "row"), named);
			json_object_update(row, r);
			json_decref(r);
		} else {
			json_t *ms = resolve(json_object_get(op, "mutations"), named), *m;
			size_t j;
			json_array_foreach (ms, j, m)
				mutate(row, m);
			json_decref(ms);
		}
	}
	json_decref(named);
}

static json_t *desired_for(const char *conf_json)
{
	struct dpn_conf_errors e = {0};
	struct dpn_conf c;
	json_t *j = tjson(conf_json);
	if (dpn_conf_load_json(j, NULL, &c, &e) < 0)
		fail_msg("bad test config: %s", e.lines[0]);
	json_t *d = dpn_desired_from_conf(&c);
	dpn_conf_free(&c);
	json_decref(j);
	return d;
}

static const char *sim = "{\"ovs\": {\"dpdk\": {\"socket_mem\": [512], \"pmd_cores\": \"1\"}},"
                         " \"uplink\": {\"ports\": [{\"devargs\": \"net_null0\"}], \"vlan\": 7,"
                         "   \"encap_ip\": \"192.0.2.1/24\"}}";

static json_t *ops_for(json_t *desired, json_t *rep)
{
	struct dpn_err err = {0};
	json_t *ops = dpn_reconcile_ops(desired, rep, &err);
	if (!ops)
		fail_msg("reconcile error: %s", err.msg);
	return ops;
}

/* Converge from an empty database and return the replica. */
static json_t *converged(json_t *desired)
{
	json_t *rep = json_object();
	json_t *ops = ops_for(desired, rep);
	assert_true(json_array_size(ops) > 5);
	apply(rep, ops);
	json_decref(ops);
	return rep;
}

static json_t *row_named(json_t *rep, const char *table, const char *name, const char **uuid)
{
	const char *u;
	json_t *row;
	json_object_foreach (json_object_get(rep, table), u, row) {
		if (!strcmp(json_string_value(json_object_get(row, "name")) ?: "", name)) {
			if (uuid)
				*uuid = u;
			return row;
		}
	}
	return NULL;
}

/* The incremental reconcile: a port found equal is skipped until its name
 * leaves the clean set; one of another shape (dpdk0 in br-phy, a bridge's own
 * port named like it) is diffed every time. */
static void clean_ports_skipped(void **state)
{
	json_t *d = desired_for(sim), *rep = converged(d), *clean = json_object();
	struct dpn_err err = {0};
	(void)state;

	json_t *ops = dpn_reconcile_ops_cached(
	        d, rep, &(struct dpn_reconcile_cache){.clean = clean}, &err);
	assert_int_equal(json_array_size(ops), 0);
	json_decref(ops);
	assert_non_null(json_object_get(clean, "dpdk0"));
	/* the replica drifts behind the clean set's back: not seen ... */
	json_t *ifc = row_named(rep, "Interface", "dpdk0", NULL);
	json_object_set_new(ifc, "type", json_string("system"));
	ops = dpn_reconcile_ops_cached(d, rep, &(struct dpn_reconcile_cache){.clean = clean}, &err);
	assert_int_equal(json_array_size(ops), 0);
	json_decref(ops);
	/* ... until its rows are said to have changed */
	json_object_del(clean, "dpdk0");
	ops = dpn_reconcile_ops_cached(d, rep, &(struct dpn_reconcile_cache){.clean = clean}, &err);
	assert_int_equal(json_array_size(ops), 1);
	assert_null(json_object_get(clean, "dpdk0")); /* not equal yet: stays out */
	json_decref(ops);
	json_decref(clean);
	json_decref(rep);
	json_decref(d);
}

/* The replica as the OVSDB client keeps it (compact rows: maps as objects,
 * empty sets absent), from the wire-form rows of rep. */
static json_t *compacted(json_t *rep)
{
	json_t *up = json_object(), *tbl, *row, *out = json_object();
	const char *t, *u;

	json_object_foreach (rep, t, tbl) {
		json_t *tu = json_object();
		json_object_foreach (tbl, u, row)
			json_object_set_new(tu, u, json_pack("{s:O}", "new", row));
		json_object_set_new(up, t, tu);
	}
	assert_int_equal(dpn_ovsdb_apply_update(out, up), 0);
	json_decref(up);
	return out;
}

/* A module's port, kept packed in the desired state, converges like the
 * node's own and is then equal to the compact replica: nothing to do. */
static void packed_port_on_compact_replica(void **state)
{
	struct dpn_ovs_port_spec s = {
	        .name = "vh1", .owner = "vhost", .type = "dpdkvhostuserclient"};
	json_t *d = desired_for(sim), *clean = json_object();
	struct dpn_err err = {0};
	(void)state;

	dpn_ovs_kv_add(s.options, &s.n_options, "vhost-server-path", "/run/x/s");
	dpn_ovs_kv_add(s.iface_ids, &s.n_iface_ids, "iface-id", "p.ns");
	dpn_ovs_kv_add(s.port_ids, &s.n_port_ids, "dpnode-pod-uid", "u1");
	assert_int_equal(dpn_desired_set_port(d, "br-int", "vh1", dpn_desired_port(&s)), 0);
	json_t *wire = converged(d), *rep = compacted(wire);
	json_t *ifc = row_named(rep, "Interface", "vh1", NULL);
	assert_non_null(ifc);
	assert_string_equal(
	        dpn_ovsdb_map_get(json_object_get(ifc, "external_ids"), "iface-id"), "p.ns");
	assert_null(json_object_get(ifc, "mtu_request")); /* an empty set: absent */
	/* with the Port name index a caller keeps (ovs_index.c) */
	json_t *names = json_object(), *row;
	const char *u;
	json_object_foreach (json_object_get(rep, "Port"), u, row)
		json_object_set_new(
		        names, json_string_value(json_object_get(row, "name")), json_string(u));
	json_t *ops = dpn_reconcile_ops_cached(
	        d, rep, &(struct dpn_reconcile_cache){.clean = clean, .port_names = names}, &err);
	json_decref(names);
	if (json_array_size(ops))
		fail_msg("ops on a converged compact replica: %s", json_dumps(ops, 0));
	assert_non_null(json_object_get(clean, "vh1"));
	json_decref(ops);
	/* the port leaves the desired state: its row goes, unless the caller
	 * says nothing can be stale (then the bridge's ports are not scanned) */
	json_t *d2 = desired_for(sim);
	json_object_clear(clean);
	ops = dpn_reconcile_ops_cached(
	        d2, rep, &(struct dpn_reconcile_cache){.clean = clean}, &err);
	assert_int_equal(json_array_size(ops), 1);
	char *dump = json_dumps(ops, 0);
	assert_non_null(strstr(dump, "\"delete\""));
	free(dump);
	json_decref(ops);
	ops = dpn_reconcile_ops_cached(
	        d2, rep, &(struct dpn_reconcile_cache){.clean = clean, .no_stale = true}, &err);
	assert_int_equal(json_array_size(ops), 0);
	json_decref(ops);
	json_decref(d2);
	json_decref(clean);
	json_decref(rep);
	json_decref(wire);
	json_decref(d);
}

static void from_empty_then_silent(void **state)
{
	json_t *d = desired_for(sim), *rep = converged(d);
	(void)state;

	json_t *ops = ops_for(d, rep);
	assert_int_equal(json_array_size(ops), 0); /* idempotent: nothing differs */
	json_decref(ops);

	json_t *br = row_named(rep, "Bridge", "br-phy", NULL);
	assert_non_null(br);
	assert_string_equal(json_string_value(json_object_get(br, "datapath_type")), "netdev");
	assert_string_equal(json_string_value(json_object_get(br, "fail_mode")), "standalone");
	assert_true(dpn_reconcile_owned(br));
	json_t *ifc = row_named(rep, "Interface", "dpdk0", NULL);
	assert_string_equal(json_string_value(json_object_get(ifc, "type")), "dpdk");
	assert_string_equal(
	        dpn_ovsdb_map_get(json_object_get(ifc, "options"), "dpdk-devargs"), "net_null0");
	json_t *p = row_named(rep, "Port", "br-phy", NULL);
	assert_int_equal(json_integer_value(json_object_get(p, "tag")), 7);
	json_t *ovs =
	        json_object_iter_value(json_object_iter(json_object_get(rep, "Open_vSwitch")));
	json_t *oc = json_object_get(ovs, "other_config");
	assert_string_equal(dpn_ovsdb_map_get(oc, "dpdk-init"), "true");
	assert_string_equal(dpn_ovsdb_map_get(oc, "dpdk-socket-mem"), "512");
	assert_string_equal(dpn_ovsdb_map_get(oc, "pmd-cpu-mask"), "0x2");
	/* br-int without OVN stays standalone so the node still switches */
	json_t *bi = row_named(rep, "Bridge", "br-int", NULL);
	assert_string_equal(json_string_value(json_object_get(bi, "fail_mode")), "standalone");
	json_decref(rep);
	json_decref(d);
}

static void one_change_one_update(void **state)
{
	json_t *d = desired_for(sim), *rep = converged(d);
	const char *pu;
	(void)state;

	json_t *d2 = desired_for("{\"ovs\": {\"dpdk\": {\"socket_mem\": [512], \"pmd_cores\": "
	                         "\"1\"}}, \"uplink\": {\"ports\": [{\"devargs\": \"net_null0\"}], "
	                         "\"vlan\": 8, \"encap_ip\": \"192.0.2.1/24\"}}");
	json_t *ops = ops_for(d2, rep);
	row_named(rep, "Port", "br-phy", &pu);
	assert_int_equal(json_array_size(ops), 1);
	json_t *op = json_array_get(ops, 0);
	assert_string_equal(json_string_value(json_object_get(op, "op")), "update");
	assert_string_equal(json_string_value(json_object_get(op, "table")), "Port");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(op, "row"), "tag")), 8);
	assert_int_equal(json_object_size(json_object_get(op, "row")), 1);
	json_decref(ops);
	json_decref(d2);
	json_decref(rep);
	json_decref(d);
}

static void foreign_keys_and_rows_untouched(void **state)
{
	json_t *d = desired_for(sim), *rep = converged(d);
	const char *bu, *ovs_uuid = json_object_iter_key(
	                        json_object_iter(json_object_get(rep, "Open_vSwitch")));
	(void)state;

	/* Someone else's other_config key and an unowned port on br-int. */
	json_t *ovs = json_object_get(json_object_get(rep, "Open_vSwitch"), ovs_uuid);
	json_t *ins = tjson("[\"other_config\", \"insert\", [\"map\", [[\"foreign\", \"1\"]]]]");
	mutate(ovs, ins);
	json_decref(ins);
	json_object_set_new(json_object_get(rep, "Port"), "foreign-port",
	        tjson("{\"name\": \"patch-to-phy\", \"interfaces\": [\"set\", []]}"));
	row_named(rep, "Bridge", "br-int", &bu);
	json_t *addp = tjson("[\"ports\", \"insert\", [\"set\", [[\"uuid\", \"foreign-port\"]]]]");
	mutate(json_object_get(json_object_get(rep, "Bridge"), bu), addp);
	json_decref(addp);

	json_t *ops = ops_for(d, rep);
	assert_int_equal(json_array_size(ops), 0);
	json_decref(ops);

	/* Our own port that is no longer desired is removed; nothing else is. */
	dpn_desired_del_port(d, "br-phy", "dpdk0");
	ops = ops_for(d, rep);
	assert_int_equal(json_array_size(ops), 1);
	char *s = json_dumps(ops, 0);
	assert_non_null(strstr(s, "\"delete\""));
	assert_null(strstr(s, "foreign"));
	free(s);
	apply(rep, ops);
	json_decref(ops);
	assert_true(dpn_ovsdb_set_has_uuid(
	        json_object_get(row_named(rep, "Bridge", "br-int", NULL), "ports"),
	        "foreign-port"));
	ops = ops_for(d, rep);
	assert_int_equal(json_array_size(ops), 0);
	json_decref(ops);
	json_decref(rep);
	json_decref(d);
}

static void managed_key_changes_only_that_key(void **state)
{
	json_t *d = desired_for(sim), *rep = converged(d);
	(void)state;

	json_t *d2 = desired_for("{\"ovs\": {\"dpdk\": {\"socket_mem\": [256], \"pmd_cores\": "
	                         "\"1\"}}, \"uplink\": {\"ports\": [{\"devargs\": \"net_null0\"}], "
	                         "\"vlan\": 7, \"encap_ip\": \"192.0.2.1/24\"}}");
	json_t *ops = ops_for(d2, rep);
	assert_int_equal(json_array_size(ops), 1);
	json_t *want = tjson("[[\"other_config\", \"delete\", [\"set\", [\"dpdk-socket-mem\"]]],"
	                     " [\"other_config\", \"insert\", [\"map\", [[\"dpdk-socket-mem\", "
	                     "\"256\"]]]]]");
	assert_true(json_equal(json_object_get(json_array_get(ops, 0), "mutations"), want));
	json_decref(want);
	json_decref(ops);
	json_decref(d2);
	json_decref(rep);
	json_decref(d);
}

static void port_on_other_bridge_is_an_error(void **state)
{
	json_t *d = desired_for(sim), *rep = converged(d);
	struct dpn_err err = {0};
	(void)state;

	json_t *spec = tjson("{\"cols\": {}, \"ifaces\": {\"dpdk0\": {\"cols\": {\"type\": "
	                     "\"dpdk\"}}}}");
	dpn_desired_set_port(d, "br-int", "dpdk0", spec);
	assert_null(dpn_reconcile_ops(d, rep, &err));
	assert_string_equal(err.msg, "port dpdk0 already exists on bridge br-phy, not on br-int");
	assert_int_equal(err.code, -EEXIST);
	json_decref(rep);
	json_decref(d);
}

static void adopts_matching_unowned_bridge(void **state)
{
	json_t *d = desired_for("{}"),
	       *rep = tjson(
	               "{\"Open_vSwitch\": {\"o1\": {\"bridges\": [\"uuid\", \"b1\"], "
	               "\"other_config\": "
	               "[\"map\", [[\"dpdk-init\", \"true\"]]], \"external_ids\": [\"map\", []]}},"
	               " \"Bridge\": {\"b1\": {\"name\": \"br-int\", \"datapath_type\": \"netdev\","
	               "   \"fail_mode\": \"standalone\", \"ports\": [\"uuid\", \"p1\"], "
	               "\"external_ids\": "
	               "   [\"map\", []]}},"
	               " \"Port\": {\"p1\": {\"name\": \"br-int\", \"interfaces\": [\"uuid\", "
	               "\"i1\"],"
	               "   \"tag\": [\"set\", []], \"external_ids\": [\"map\", []]}},"
	               " \"Interface\": {\"i1\": {\"name\": \"br-int\", \"type\": \"internal\","
	               "   \"mtu_request\": [\"set\", []], \"external_ids\": [\"map\", []]}}}");
	(void)state;

	json_t *ops = ops_for(d, rep), *op;
	size_t i;
	/* Only marks of ownership: nothing inserted, deleted or reconfigured. */
	assert_int_equal(json_array_size(ops), 3);
	json_array_foreach (ops, i, op) {
		assert_string_equal(json_string_value(json_object_get(op, "op")), "mutate");
		char *s = json_dumps(op, 0);
		assert_non_null(strstr(s, "dpnode-owner"));
		free(s);
	}
	apply(rep, ops);
	json_decref(ops);
	ops = ops_for(d, rep);
	assert_int_equal(json_array_size(ops), 0);
	json_decref(ops);
	json_decref(rep);
	json_decref(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(from_empty_then_silent),
	        cmocka_unit_test(clean_ports_skipped),
	        cmocka_unit_test(one_change_one_update),
	        cmocka_unit_test(foreign_keys_and_rows_untouched),
	        cmocka_unit_test(managed_key_changes_only_that_key),
	        cmocka_unit_test(port_on_other_bridge_is_an_error),
	        cmocka_unit_test(packed_port_on_compact_replica),
	        cmocka_unit_test(adopts_matching_unowned_bridge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
