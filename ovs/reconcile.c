/* Level-triggered reconcile: compare desired rows with the replica and emit
 * only the differences, so an unchanged node sends no transaction at all. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovs_desired.h"
#include "dpn_ovsdb.h"
#include "ovs_reconcile.h"
#include "ovs_schema.h"
#include "dpn_util.h"

struct rctx {
	json_t *replica;
	json_t *clean; /* port name -> true: equal to the replica; NULL: diff all */
	bool no_stale; /* skip the scan for owned ports no longer desired */
	json_t *names; /* table -> {name: uuid}, built on first use */
	json_t *ops;
	int named;
	struct dpn_err *err;
};

static bool subset_col(const char *table, const char *col)
{
	return !strcmp(col, OVS_C_EXTERNAL_IDS) ||
	       (!strcmp(table, OVS_T_OPEN_VSWITCH) && !strcmp(col, OVS_C_OTHER_CONFIG));
}

bool dpn_reconcile_owned(json_t *row)
{
	const char *v = dpn_ovsdb_map_get(json_object_get(row, OVS_C_EXTERNAL_IDS), DPN_OWNER_KEY);
	return v && !strcmp(v, DPN_OWNER_VAL);
}

static const char *new_name(struct rctx *x, char *buf, size_t len)
{
	snprintf(buf, len, "row%d", x->named++);
	return buf;
}

static void add_op(struct rctx *x, json_t *op)
{
	json_array_append_new(x->ops, op);
}

/* Compares one column; adds to row (whole-column update) or mutations
 * (key-by-key maps). */
static void diff_col(const char *table, const char *col, json_t *want, json_t *have_datum,
        json_t *row, json_t *mutations)
{
	json_t *have = have_datum ? dpn_ovsdb_plain(have_datum) : json_null();

	if (!subset_col(table, col)) {
		if (!json_equal(want, have) && !(json_is_null(want) && json_is_null(have)))
			json_object_set_new(row, col, dpn_ovsdb_datum(want));
		json_decref(have);
		return;
	}
	json_t *del = json_array(), *ins = json_array(), *v;
	const char *k;
	json_object_foreach (want, k, v) {
		json_t *h = json_object_get(have, k);
		if (json_is_null(v)) {
			if (h)
				json_array_append_new(del, json_string(k));
		} else if (!h || !json_equal(h, v)) {
			if (h)
				json_array_append_new(del, json_string(k));
			json_array_append_new(ins, json_pack("[s, O]", k, v));
		}
	}
	if (json_array_size(del))
		json_array_append_new(
		        mutations, json_pack("[s, s, [s, O]]", col, "delete", "set", del));
	if (json_array_size(ins))
		json_array_append_new(
		        mutations, json_pack("[s, s, [s, O]]", col, "insert", "map", ins));
	json_decref(del);
	json_decref(ins);
	json_decref(have);
}

/* Desired columns of a row, with the owner mark in external_ids. */
static json_t *want_cols(json_t *spec, bool owned)
{
	json_t *cols = json_deep_copy(json_object_get(spec, "cols"));
	if (!cols)
		cols = json_object();
	if (owned) {
		json_t *ids = json_object_get(cols, OVS_C_EXTERNAL_IDS);
		if (!ids) {
			ids = json_object();
			json_object_set_new(cols, OVS_C_EXTERNAL_IDS, ids);
		}
		json_object_set_new(ids, DPN_OWNER_KEY, json_string(DPN_OWNER_VAL));
	}
	return cols;
}

/* Update (and mutate) an existing row to match spec. */
static void update_row(
        struct rctx *x, const char *table, const char *uuid, json_t *have, json_t *cols)
{
	json_t *row = json_object(), *mut = json_array(), *v;
	const char *col;

	json_object_foreach (cols, col, v)
		diff_col(table, col, v, json_object_get(have, col), row, mut);
	if (json_object_size(row))
		add_op(x, json_pack("{s:s, s:s, s:o, s:O}", "op", "update", "table", table, "where",
		                  dpn_ovsdb_where_uuid(uuid), "row", row));
	if (json_array_size(mut))
		add_op(x, json_pack("{s:s, s:s, s:o, s:O}", "op", "mutate", "table", table, "where",
		                  dpn_ovsdb_where_uuid(uuid), "mutations", mut));
	json_decref(row);
	json_decref(mut);
}

/* Insert a new row from cols (plain) and return its named-uuid datum. */
static json_t *insert_row(
        struct rctx *x, const char *table, const char *name, json_t *cols, json_t *extra)
{
	char nm[32];
	json_t *row = json_object(), *v;
	const char *col;

	new_name(x, nm, sizeof(nm));
	if (name)
		json_object_set_new(row, OVS_C_NAME, json_string(name));
	json_object_foreach (cols, col, v) {
		if (json_is_null(v))
			continue;
		if (json_is_object(v)) {
			/* Drop null keys: they mean "absent". */
			json_t *m = json_object(), *mv;
			const char *k;
			json_object_foreach (v, k, mv)
				if (!json_is_null(mv))
					json_object_set(m, k, mv);
			json_object_set_new(row, col, dpn_ovsdb_datum(m));
			json_decref(m);
		} else {
			json_object_set_new(row, col, dpn_ovsdb_datum(v));
		}
	}
	if (extra)
		json_object_update(row, extra);
	add_op(x, json_pack("{s:s, s:s, s:o, s:s}", "op", "insert", "table", table, "row", row,
	                  "uuid-name", nm));
	return dpn_ovsdb_named(nm);
}

static json_t *uuid_set(json_t *list)
{
	return json_pack("[s, O]", "set", list);
}

static json_t *insert_port_spec(struct rctx *x, const char *pname, json_t *pspec)
{
	json_t *ifaces = json_array(), *ispec, *cols, *named;
	const char *iname;

	json_object_foreach (json_object_get(pspec, "ifaces"), iname, ispec) {
		cols = want_cols(ispec, true);
		json_array_append_new(ifaces, insert_row(x, OVS_T_INTERFACE, iname, cols, NULL));
		json_decref(cols);
	}
	cols = want_cols(pspec, true);
	json_t *extra = json_pack("{s:o}", OVS_C_INTERFACES, uuid_set(ifaces));
	named = insert_row(x, OVS_T_PORT, pname, cols, extra);
	json_decref(extra);
	json_decref(cols);
	json_decref(ifaces);
	return named;
}

struct name_lookup {
	struct rctx *x;
	const char *table;
	const char *name;
	const char *found;
};

static void lookup_cb(const char *uuid, void *arg)
{
	struct name_lookup *l = arg;
	json_t *row = json_object_get(json_object_get(l->x->replica, l->table), uuid);
	if (row && !strcmp(json_string_value(json_object_get(row, OVS_C_NAME)) ?: "", l->name))
		l->found = uuid;
}

/* uuid of the row named name among the set-of-uuid datum refs. */
static const char *find_in(struct rctx *x, json_t *refs, const char *table, const char *name)
{
	struct name_lookup l = {.x = x, .table = table, .name = name};
	dpn_ovsdb_uuids(refs, lookup_cb, &l);
	return l.found;
}

static json_t *row_of(struct rctx *x, const char *table, const char *uuid)
{
	return json_object_get(json_object_get(x->replica, table), uuid);
}

/* name -> uuid for a table, once per reconcile: a lookup per desired port
 * over the whole table would make a node with many pods quadratic. */
static json_t *name_index(struct rctx *x, const char *table)
{
	json_t *idx = json_object_get(x->names, table), *row;
	const char *uuid, *name;

	if (idx)
		return idx;
	idx = json_object();
	json_object_foreach (json_object_get(x->replica, table), uuid, row)
		if ((name = json_string_value(json_object_get(row, OVS_C_NAME))))
			json_object_set_new(idx, name, json_string(uuid));
	json_object_set_new(x->names, table, idx);
	return idx;
}

static const char *find_anywhere(struct rctx *x, const char *table, const char *name)
{
	return json_string_value(json_object_get(name_index(x, table), name));
}

static void member_cb(const char *uuid, void *arg)
{
	json_object_set_new(arg, uuid, json_true());
}

/* The uuids of a set-of-uuid datum as an object, for O(1) membership. */
static json_t *uuid_members(json_t *refs)
{
	json_t *m = json_object();
	dpn_ovsdb_uuids(refs, member_cb, m);
	return m;
}

static const char *bridge_of_port(struct rctx *x, const char *puuid)
{
	const char *uuid;
	json_t *row;

	json_object_foreach (json_object_get(x->replica, OVS_T_BRIDGE), uuid, row)
		if (dpn_ovsdb_set_has_uuid(json_object_get(row, OVS_C_PORTS), puuid))
			return json_string_value(json_object_get(row, OVS_C_NAME)) ?: "?";
	return "(none)";
}

static void sync_port_spec(struct rctx *x, const char *puuid, json_t *prow, json_t *pspec)
{
	json_t *have_ifs = json_object_get(prow, OVS_C_INTERFACES), *ispec, *cols;
	json_t *refs = json_array();
	bool set_changed = false;
	const char *iname;
	size_t n_have = 0;

	json_object_foreach (json_object_get(pspec, "ifaces"), iname, ispec) {
		const char *iu = find_in(x, have_ifs, OVS_T_INTERFACE, iname);
		cols = want_cols(ispec, true);
		if (iu) {
			update_row(x, OVS_T_INTERFACE, iu, row_of(x, OVS_T_INTERFACE, iu), cols);
			json_array_append_new(refs, dpn_ovsdb_uuid(iu));
			n_have++;
		} else {
			json_array_append_new(
			        refs, insert_row(x, OVS_T_INTERFACE, iname, cols, NULL));
			set_changed = true;
		}
		json_decref(cols);
	}
	/* Interfaces beyond the desired ones (an owned port) are dropped. */
	json_t *plain = dpn_ovsdb_plain(have_ifs);
	size_t n_actual = json_is_array(plain)  ? json_array_size(plain)
	                  : json_is_null(plain) ? 0
	                                        : 1;
	json_decref(plain);
	if (n_actual != n_have)
		set_changed = true;
	cols = want_cols(pspec, true);
	update_row(x, OVS_T_PORT, puuid, prow, cols);
	if (set_changed)
		add_op(x, json_pack("{s:s, s:s, s:o, s:{s:o}}", "op", "update", "table", OVS_T_PORT,
		                  "where", dpn_ovsdb_where_uuid(puuid), "row", OVS_C_INTERFACES,
		                  uuid_set(refs)));
	json_decref(cols);
	json_decref(refs);
}

struct stale_arg {
	struct rctx *x;
	json_t *wanted; /* names */
	json_t *del;    /* uuids to remove */
	const char *table;
};

static void stale_cb(const char *uuid, void *arg)
{
	struct stale_arg *s = arg;
	json_t *row = row_of(s->x, s->table, uuid);
	const char *name = json_string_value(json_object_get(row, OVS_C_NAME));

	if (row && name && !json_object_get(s->wanted, name) && dpn_reconcile_owned(row))
		json_array_append_new(s->del, dpn_ovsdb_uuid(uuid));
}

/* A desired port entry, packed or not (ovs_desired.h), as the spec it holds:
 * unpacked only for ports the reconcile looks at. */
static json_t *insert_port(struct rctx *x, const char *pname, json_t *entry)
{
	json_t *spec = dpn_desired_port_spec(entry) ?: json_object();
	json_t *named = insert_port_spec(x, pname, spec);
	json_decref(spec);
	return named;
}

static void sync_port(struct rctx *x, const char *puuid, json_t *prow, json_t *entry)
{
	json_t *spec = dpn_desired_port_spec(entry);
	if (spec)
		sync_port_spec(x, puuid, prow, spec);
	json_decref(spec);
}

static void sync_bridge(struct rctx *x, const char *buuid, json_t *brow, json_t *bspec)
{
	json_t *ports = json_object_get(brow, OVS_C_PORTS), *pspec, *cols;
	json_t *ins = json_array(), *wanted = json_object_get(bspec, "ports");
	json_t *members = NULL; /* built for the first port not known clean */
	const char *pname;

	cols = want_cols(bspec, true);
	update_row(x, OVS_T_BRIDGE, buuid, brow, cols);
	json_decref(cols);
	json_object_foreach (wanted, pname, pspec) {
		/* clean: found equal here, and none of its rows changed since (a
		 * port leaving this bridge deletes or replaces its Port row) */
		if (x->clean && json_object_get(x->clean, pname))
			continue;
		const char *pu = find_anywhere(x, OVS_T_PORT, pname);
		const char *elsewhere = NULL;
		if (pu && !members)
			members = uuid_members(ports);
		if (pu && !json_object_get(members, pu)) {
			elsewhere = pu;
			pu = NULL;
		}
		if (pu) {
			size_t before = json_array_size(x->ops);
			sync_port(x, pu, row_of(x, OVS_T_PORT, pu), pspec);
			/* one interface of the port's name: its rows are all the port's */
			json_t *ifs = json_object_get(pspec, "ifaces");
			bool one = dpn_desired_port_packed(pspec) ||
			           (json_object_size(ifs) == 1 && json_object_get(ifs, pname));
			if (x->clean && json_array_size(x->ops) == before && one)
				json_object_set_new(x->clean, pname, json_true());
			continue;
		}
		if (elsewhere) {
			if (!x->err->code)
				dpn_err_set(x->err, -EEXIST,
				        "port %s already exists on bridge %s, not on %s", pname,
				        bridge_of_port(x, elsewhere),
				        json_string_value(json_object_get(brow, OVS_C_NAME)));
			continue;
		}
		json_array_append_new(ins, insert_port(x, pname, pspec));
	}
	struct stale_arg s = {.x = x, .wanted = wanted, .del = json_array(), .table = OVS_T_PORT};
	if (!x->no_stale)
		dpn_ovsdb_uuids(ports, stale_cb, &s);
	json_t *mut = json_array();
	if (json_array_size(s.del))
		json_array_append_new(
		        mut, json_pack("[s, s, o]", OVS_C_PORTS, "delete", uuid_set(s.del)));
	if (json_array_size(ins))
		json_array_append_new(
		        mut, json_pack("[s, s, o]", OVS_C_PORTS, "insert", uuid_set(ins)));
	if (json_array_size(mut))
		add_op(x, json_pack("{s:s, s:s, s:o, s:O}", "op", "mutate", "table", OVS_T_BRIDGE,
		                  "where", dpn_ovsdb_where_uuid(buuid), "mutations", mut));
	json_decref(mut);
	json_decref(s.del);
	json_decref(ins);
	json_decref(members);
}

static json_t *insert_bridge(struct rctx *x, const char *bname, json_t *bspec)
{
	json_t *ports = json_array(), *pspec, *cols, *named, *extra;
	const char *pname;

	json_object_foreach (json_object_get(bspec, "ports"), pname, pspec)
		json_array_append_new(ports, insert_port(x, pname, pspec));
	cols = want_cols(bspec, true);
	extra = json_pack("{s:o}", OVS_C_PORTS, uuid_set(ports));
	named = insert_row(x, OVS_T_BRIDGE, bname, cols, extra);
	json_decref(extra);
	json_decref(cols);
	json_decref(ports);
	return named;
}

/* Keys an earlier dpnoded set from ovs.other_config and the config dropped
 * since: desired null, so they are removed. */
static json_t *with_dropped_keys(json_t *want_ovs, json_t *ovs_row)
{
	json_t *w = json_deep_copy(want_ovs), *oc = json_object_get(w, OVS_C_OTHER_CONFIG);
	const char *rec = dpn_ovsdb_map_get(
	        json_object_get(ovs_row, OVS_C_EXTERNAL_IDS), DPN_PASSTHROUGH_KEY);
	char *dup = rec ? strdup(rec) : NULL, *save = NULL;

	for (char *k = dup ? strtok_r(dup, ",", &save) : NULL; k; k = strtok_r(NULL, ",", &save))
		if (oc && !json_object_get(oc, k))
			json_object_set_new(oc, k, json_null());
	free(dup);
	return w;
}

json_t *dpn_reconcile_ops(json_t *desired, json_t *replica, struct dpn_err *err)
{
	struct dpn_reconcile_cache none = {0};
	return dpn_reconcile_ops_cached(desired, replica, &none, err);
}

json_t *dpn_reconcile_ops_cached(
        json_t *desired, json_t *replica, struct dpn_reconcile_cache *c, struct dpn_err *err)
{
	struct dpn_err local = {0};
	json_t *port_names = c->port_names;
	struct rctx x = {.replica = replica,
	        .clean = c->clean,
	        .no_stale = c->no_stale,
	        .names = json_object(),
	        .ops = json_array(),
	        .err = err ? err : &local};
	json_t *ovs_tab = json_object_get(replica, OVS_T_OPEN_VSWITCH), *ovs_row = NULL, *bspec;
	json_t *want_ovs = json_object_get(desired, "ovs");
	json_t *bridges = json_object_get(desired, "bridges"), *new_br = json_array();
	const char *ovs_uuid = NULL, *bname;

	dpn_err_clear(x.err);
	if (port_names) /* only read: find_anywhere's index of Port */
		json_object_set(x.names, OVS_T_PORT, port_names);
	json_object_foreach (ovs_tab, ovs_uuid, ovs_row)
		break;
	json_t *br_refs = ovs_row ? json_object_get(ovs_row, OVS_C_BRIDGES) : NULL;
	json_object_foreach (bridges, bname, bspec) {
		const char *bu = br_refs ? find_in(&x, br_refs, OVS_T_BRIDGE, bname) : NULL;
		if (bu)
			sync_bridge(&x, bu, row_of(&x, OVS_T_BRIDGE, bu), bspec);
		else
			json_array_append_new(new_br, insert_bridge(&x, bname, bspec));
	}
	if (!ovs_row) {
		/* Empty database: what `ovs-vsctl init` does, plus our config. */
		json_t *extra = json_pack("{s:o}", OVS_C_BRIDGES, uuid_set(new_br));
		json_decref(insert_row(&x, OVS_T_OPEN_VSWITCH, NULL, want_ovs, extra));
		json_decref(extra);
	} else {
		json_t *w = with_dropped_keys(want_ovs, ovs_row);
		update_row(&x, OVS_T_OPEN_VSWITCH, ovs_uuid, ovs_row, w);
		json_decref(w);
		struct stale_arg s = {
		        .x = &x, .wanted = bridges, .del = json_array(), .table = OVS_T_BRIDGE};
		dpn_ovsdb_uuids(br_refs, stale_cb, &s);
		json_t *mut = json_array();
		if (json_array_size(s.del))
			json_array_append_new(mut,
			        json_pack("[s, s, o]", OVS_C_BRIDGES, "delete", uuid_set(s.del)));
		if (json_array_size(new_br))
			json_array_append_new(mut,
			        json_pack("[s, s, o]", OVS_C_BRIDGES, "insert", uuid_set(new_br)));
		if (json_array_size(mut))
			add_op(&x, json_pack("{s:s, s:s, s:o, s:O}", "op", "mutate", "table",
			                   OVS_T_OPEN_VSWITCH, "where",
			                   dpn_ovsdb_where_uuid(ovs_uuid), "mutations", mut));
		json_decref(mut);
		json_decref(s.del);
	}
	json_decref(new_br);
	json_decref(x.names);
	if (x.err->code) {
		json_decref(x.ops);
		return NULL;
	}
	return x.ops;
}
