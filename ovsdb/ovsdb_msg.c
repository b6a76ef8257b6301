/* OVSDB messages and datums (RFC 7047 sections 4 and 5.1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpn_ovsdb.h"
#include "dpn_util.h"

json_t *dpn_ovsdb_req(const char *method, json_t *params, json_int_t id)
{
	return json_pack("{s:s, s:o, s:I}", "method", method, "params", params, "id", id);
}

json_t *dpn_ovsdb_replica_table(json_t *replica, const char *table)
{
	json_t *t = json_object_get(replica, table);
	if (!t) {
		t = json_object();
		json_object_set_new(replica, table, t);
	}
	return t;
}

/* A row as the replica keeps it: maps as objects of plain values, empty
 * sets left out (absent is empty); the helpers read both forms. Half the
 * memory of the wire form (an OVS-DPDK node's 1000 vhost-user ports: 4.6
 * MB instead of 8.5), and the message's own allocations are freed. */
static json_t *compact_row(json_t *row)
{
	json_t *out = json_object(), *v;
	const char *col;

	json_object_foreach (row, col, v) {
		json_t *inner = json_array_get(v, 1);
		const char *tag =
		        json_array_size(v) == 2 ? json_string_value(json_array_get(v, 0)) : NULL;
		if (tag && !strcmp(tag, "set") && json_is_array(inner) && !json_array_size(inner))
			continue;
		json_object_set_new(
		        out, col, tag && !strcmp(tag, "map") ? dpn_ovsdb_plain(v) : json_incref(v));
	}
	return out;
}

int dpn_ovsdb_apply_update(json_t *replica, json_t *updates)
{
	const char *tname, *uuid;
	json_t *tu, *ru;

	if (!json_is_object(updates))
		return -EPROTO;
	/* checked whole first: a malformed update changes nothing */
	json_object_foreach (updates, tname, tu) {
		if (!json_is_object(tu))
			return -EPROTO;
		json_object_foreach (tu, uuid, ru) {
			json_t *new = json_object_get(ru, "new");
			if (!json_is_object(ru) || (new && !json_is_object(new)))
				return -EPROTO;
		}
	}
	json_object_foreach (updates, tname, tu) {
		json_t *table = dpn_ovsdb_replica_table(replica, tname);
		json_object_foreach (tu, uuid, ru) {
			json_t *new = json_object_get(ru, "new");
			/* monitor v1: "new" carries every monitored column. */
			if (new)
				json_object_set_new(table, uuid, compact_row(new));
			else
				json_object_del(table, uuid);
		}
	}
	return 0;
}

int dpn_ovsdb_txn_error(json_t *reply, struct dpn_err *err)
{
	json_t *rej = json_object_get(reply, "error"), *res, *op;
	size_t i;

	if (rej && !json_is_null(rej)) {
		char *e = json_dumps(rej, JSON_ENCODE_ANY | JSON_COMPACT);
		dpn_err_set(err, -EPROTO, "transaction rejected: %s", e ? e : "?");
		free(e);
		return -EPROTO;
	}
	res = json_object_get(reply, "result");
	json_array_foreach (res, i, op) {
		json_t *e = json_object_get(op, "error");
		if (!json_is_string(e))
			continue;
		const char *det = json_string_value(json_object_get(op, "details"));
		return dpn_err_set(err, -EIO, "op %zu: %s%s%s", i, json_string_value(e),
		        det ? ": " : "", det ? det : "");
	}
	return 0;
}

json_t *dpn_ovsdb_plain(json_t *d)
{
	const char *tag;
	json_t *v, *out, *pair;
	size_t i;

	if (!d) /* a compact row's empty set */
		return json_null();
	if (!json_is_array(d) || json_array_size(d) != 2)
		return json_incref(d);
	tag = json_string_value(json_array_get(d, 0));
	v = json_array_get(d, 1);
	if (!tag)
		return json_incref(d);
	if (!strcmp(tag, "uuid") || !strcmp(tag, "named-uuid"))
		return json_incref(v);
	if (!strcmp(tag, "set")) {
		if (json_array_size(v) == 0)
			return json_null();
		if (json_array_size(v) == 1)
			return dpn_ovsdb_plain(json_array_get(v, 0));
		out = json_array();
		json_array_foreach (v, i, pair)
			json_array_append_new(out, dpn_ovsdb_plain(pair));
		return out;
	}
	if (!strcmp(tag, "map")) {
		out = json_object();
		json_array_foreach (v, i, pair) {
			const char *k = json_string_value(json_array_get(pair, 0));
			if (k)
				json_object_set_new(
				        out, k, dpn_ovsdb_plain(json_array_get(pair, 1)));
		}
		return out;
	}
	return json_incref(d);
}

json_t *dpn_ovsdb_datum(json_t *plain)
{
	const char *k;
	json_t *v, *pairs;

	if (json_is_null(plain))
		return json_pack("[s, []]", "set");
	if (json_is_object(plain)) {
		pairs = json_array();
		json_object_foreach (plain, k, v)
			json_array_append_new(pairs, json_pack("[s, O]", k, v));
		return json_pack("[s, o]", "map", pairs);
	}
	return json_incref(plain);
}

const char *dpn_ovsdb_map_get(json_t *d, const char *key)
{
	json_t *pair;
	size_t i;

	if (json_is_object(d)) /* the replica's compact form */
		return json_string_value(json_object_get(d, key));
	if (!json_is_array(d) || strcmp(json_string_value(json_array_get(d, 0)) ?: "", "map"))
		return NULL;
	json_array_foreach (json_array_get(d, 1), i, pair) {
		if (!strcmp(json_string_value(json_array_get(pair, 0)) ?: "", key))
			return json_string_value(json_array_get(pair, 1));
	}
	return NULL;
}

void dpn_ovsdb_uuids(json_t *d, void (*fn)(const char *uuid, void *arg), void *arg)
{
	const char *tag = json_string_value(json_array_get(d, 0));
	json_t *v;
	size_t i;

	if (!tag)
		return;
	if (!strcmp(tag, "uuid")) {
		const char *u = json_string_value(json_array_get(d, 1));
		if (u) /* ["uuid", 5] from a broken server: not a uuid */
			fn(u, arg);
		return;
	}
	if (strcmp(tag, "set"))
		return;
	json_array_foreach (json_array_get(d, 1), i, v) {
		const char *u = json_string_value(json_array_get(v, 1));
		if (u)
			fn(u, arg);
	}
}

struct has_arg {
	const char *uuid;
	bool found;
};

static void has_cb(const char *uuid, void *arg)
{
	struct has_arg *h = arg;
	if (!strcmp(uuid, h->uuid))
		h->found = true;
}

bool dpn_ovsdb_set_has_uuid(json_t *d, const char *uuid)
{
	struct has_arg h = {.uuid = uuid};
	dpn_ovsdb_uuids(d, has_cb, &h);
	return h.found;
}

json_t *dpn_ovsdb_uuid(const char *uuid)
{
	return json_pack("[s, s]", "uuid", uuid);
}

json_t *dpn_ovsdb_named(const char *name)
{
	return json_pack("[s, s]", "named-uuid", name);
}

json_t *dpn_ovsdb_where_uuid(const char *uuid)
{
	return json_pack("[[s, s, o]]", "_uuid", "==", dpn_ovsdb_uuid(uuid));
}
