/* Conditional monitoring (monitor_cond, RFC 7047 as extended by OVS 2.6+):
 * the server sends only rows matching a condition, as "update2" diffs. */
#include <errno.h>
#include <string.h>

#include "dpn_ovsdb.h"

static bool listed(const char *const *names, const char *name)
{
	for (; names && *names; names++)
		if (!strcmp(*names, name))
			return true;
	return false;
}

static json_t *str_array(const char *const *names)
{
	json_t *a = json_array();
	for (; names && *names; names++)
		json_array_append_new(a, json_string(*names));
	return a;
}

static json_t *cond_reqs(const struct dpn_ovsdb_monitor_table *tables, json_t *const *where)
{
	json_t *reqs = json_object();

	for (int i = 0; tables[i].table; i++) {
		json_t *r = json_pack("{s:o}", "columns", str_array(tables[i].columns));
		if (where[i])
			json_object_set(r, "where", where[i]);
		json_object_set_new(reqs, tables[i].table, json_pack("[o]", r));
	}
	return reqs;
}

json_t *dpn_ovsdb_monitor_cond_req(const char *db, const struct dpn_ovsdb_monitor_table *tables,
        json_t *const *where, json_int_t id)
{
	return dpn_ovsdb_req(
	        "monitor_cond", json_pack("[s, I, o]", db, id, cond_reqs(tables, where)), id);
}

json_t *dpn_ovsdb_monitor_cond_since_req(const char *db,
        const struct dpn_ovsdb_monitor_table *tables, json_t *const *where, const char *last_txn,
        json_int_t id)
{
	return dpn_ovsdb_req("monitor_cond_since",
	        json_pack("[s, I, o, s]", db, id, cond_reqs(tables, where),
	                last_txn && *last_txn ? last_txn : DPN_OVSDB_ZERO_UUID),
	        id);
}

json_t *dpn_ovsdb_cond_change_req(
        const char *table, json_t *where, json_int_t monitor_id, json_int_t id)
{
	return dpn_ovsdb_req("monitor_cond_change",
	        json_pack("[I, I, {s:[{s:O}]}]", monitor_id, monitor_id, table, "where", where),
	        id);
}

/* A set datum's elements as a JSON array (a bare atom is a one-element set). */
static json_t *elements(json_t *datum)
{
	if (json_is_array(datum) && json_array_size(datum) == 2 &&
	        !strcmp(json_string_value(json_array_get(datum, 0)) ?: "", "set"))
		return json_incref(json_array_get(datum, 1));
	return json_pack("[O]", datum);
}

/* update2 "modify" of a set column: the elements whose presence changed. */
static json_t *toggle(json_t *old, json_t *diff)
{
	json_t *have = old ? elements(old) : json_array();
	json_t *out = json_deep_copy(have), *tog = elements(diff), *d, *o;
	size_t i, j;

	json_decref(have);
	json_array_foreach (tog, i, d) {
		bool found = false;
		json_array_foreach (out, j, o)
			if (json_equal(o, d)) {
				json_array_remove(out, j);
				found = true;
				break;
			}
		if (!found)
			json_array_append(out, d);
	}
	json_decref(tog);
	return json_pack("[s, o]", "set", out);
}

static int modify_row(json_t *row, json_t *diff, const struct dpn_ovsdb_monitor_table *t)
{
	const char *col;
	json_t *v;

	if (!json_is_object(row) || !json_is_object(diff))
		return -EPROTO;
	json_object_foreach (diff, col, v) {
		if (listed(t->set_columns, col))
			json_object_set_new(row, col, toggle(json_object_get(row, col), v));
		else
			json_object_set(row, col, v);
	}
	return 0;
}

static const struct dpn_ovsdb_monitor_table *spec_of(
        const struct dpn_ovsdb_monitor_table *tables, const char *name)
{
	for (int i = 0; tables[i].table; i++)
		if (!strcmp(tables[i].table, name))
			return &tables[i];
	return NULL;
}

static int apply_row2(
        json_t *table, const char *uuid, json_t *ru, const struct dpn_ovsdb_monitor_table *t)
{
	json_t *v;

	if ((v = json_object_get(ru, "initial")) || (v = json_object_get(ru, "insert"))) {
		if (!json_is_object(v))
			return -EPROTO;
		json_object_set(table, uuid, v);
		return 0;
	}
	if ((v = json_object_get(ru, "modify"))) {
		json_t *row = json_object_get(table, uuid);
		return row ? modify_row(row, v, t) : -EPROTO;
	}
	if (json_object_get(ru, "delete")) {
		json_object_del(table, uuid);
		return 0;
	}
	return -EPROTO;
}

int dpn_ovsdb_apply_update2(
        json_t *replica, json_t *updates, const struct dpn_ovsdb_monitor_table *tables)
{
	const char *tname, *uuid;
	json_t *tu, *ru;
	int ret;

	if (!json_is_object(updates))
		return -EPROTO;
	/* validate first: an update is applied whole or not at all */
	json_object_foreach (updates, tname, tu) {
		if (!spec_of(tables, tname) || !json_is_object(tu))
			return -EPROTO;
		json_object_foreach (tu, uuid, ru)
			if (!json_is_object(ru))
				return -EPROTO;
	}
	json_object_foreach (updates, tname, tu) {
		json_t *table = dpn_ovsdb_replica_table(replica, tname);
		json_object_foreach (tu, uuid, ru)
			if ((ret = apply_row2(table, uuid, ru, spec_of(tables, tname))) < 0)
				return ret;
	}
	return 0;
}

json_t *dpn_ovsdb_monitor_req(
        const char *db, const struct dpn_ovsdb_monitor_table *tables, json_int_t id)
{
	json_t *reqs = json_object();

	for (int i = 0; tables[i].table; i++)
		json_object_set_new(reqs, tables[i].table,
		        json_pack("{s:o}", "columns", str_array(tables[i].columns)));
	return dpn_ovsdb_req("monitor", json_pack("[s, n, o]", db, reqs), id);
}
