/* Interface lookups without scanning the replica: by name (each ADD, each
 * CNI poll) and by iface-id among the rows dpnode does not own (each ADD's
 * conflict check). Built when first asked, then kept up to date from the
 * monitor's updates; dropped when the replica is replaced. */
#include <string.h>

#include "ovs_priv.h"
#include "ovs_reconcile.h"
#include "ovs_schema.h"

struct ovs_index {
	json_t *by_name;     /* name -> uuid */
	json_t *by_iface_id; /* iface-id -> {name: true}, foreign rows only */
	json_t *ports;       /* Port name -> uuid (the reconcile's lookups) */
};

static const char *foreign_iface_id(json_t *row)
{
	if (!row || dpn_reconcile_owned(row))
		return NULL;
	return dpn_ovsdb_map_get(json_object_get(row, OVS_C_EXTERNAL_IDS), "iface-id");
}

/* name -> uuid, for either table; a row's entry goes only if it is its own
 * (a name reused by a newer row keeps the newer one) */
static void name_put(json_t *idx, const char *uuid, json_t *row)
{
	const char *name = json_string_value(json_object_get(row, OVS_C_NAME));
	if (name)
		json_object_set_new(idx, name, json_string(uuid));
}

static void name_drop(json_t *idx, const char *uuid, json_t *row)
{
	const char *name = json_string_value(json_object_get(row, OVS_C_NAME));
	const char *had = name ? json_string_value(json_object_get(idx, name)) : NULL;
	if (had && !strcmp(had, uuid))
		json_object_del(idx, name);
}

static void iface_add(struct ovs_index *x, const char *uuid, json_t *row)
{
	const char *name = json_string_value(json_object_get(row, OVS_C_NAME));
	const char *id = foreign_iface_id(row);

	name_put(x->by_name, uuid, row);
	if (!name || !id)
		return;
	json_t *names = json_object_get(x->by_iface_id, id);
	if (!names)
		json_object_set_new(x->by_iface_id, id, names = json_object());
	json_object_set_new(names, name, json_true());
}

static void iface_del(struct ovs_index *x, const char *uuid, json_t *row)
{
	const char *name = json_string_value(json_object_get(row, OVS_C_NAME));
	const char *id = foreign_iface_id(row);
	json_t *names = name && id ? json_object_get(x->by_iface_id, id) : NULL;

	name_drop(x->by_name, uuid, row);
	if (names && json_object_del(names, name) == 0 && !json_object_size(names))
		json_object_del(x->by_iface_id, id);
}

static struct ovs_index *index_get(struct dpn_ovs *o)
{
	json_t *row;
	const char *u;

	if (o->index)
		return o->index;
	if (!(o->index = calloc(1, sizeof(*o->index))))
		return NULL;
	o->index->by_name = json_object();
	o->index->by_iface_id = json_object();
	o->index->ports = json_object();
	json_object_foreach (dpn_ovsdb_table(o->db, OVS_T_INTERFACE), u, row)
		iface_add(o->index, u, row);
	json_object_foreach (dpn_ovsdb_table(o->db, OVS_T_PORT), u, row)
		name_put(o->index->ports, u, row);
	return o->index;
}

void ovs_index_drop(struct dpn_ovs *o)
{
	if (!o->index)
		return;
	json_decref(o->index->by_name);
	json_decref(o->index->by_iface_id);
	json_decref(o->index->ports);
	free(o->index);
	o->index = NULL;
}

/* An "update" (monitor v1: "new" is the whole row) for an Interface or a
 * Port row, before the replica applies it: the row as it was is still there. */
void ovs_index_update(struct dpn_ovs *o, const char *table, const char *uuid, json_t *row_update)
{
	struct ovs_index *x = o->index;

	if (!x)
		return;
	if (json_object_get(row_update, "insert") || json_object_get(row_update, "modify") ||
	        json_object_get(row_update, "delete")) {
		ovs_index_drop(o); /* update2 carries diffs: built again when asked */
		return;
	}
	json_t *was = dpn_ovsdb_row(o->db, table, uuid);
	json_t *now = json_object_get(row_update, "new");
	bool port = !strcmp(table, OVS_T_PORT);
	if (was)
		port ? name_drop(x->ports, uuid, was) : iface_del(x, uuid, was);
	if (now)
		port ? name_put(x->ports, uuid, now) : iface_add(x, uuid, now);
}

json_t *ovs_index_ports(struct dpn_ovs *o)
{
	struct ovs_index *x = index_get(o);
	return x ? x->ports : NULL;
}

const char *ovs_index_iface_uuid(struct dpn_ovs *o, const char *name)
{
	struct ovs_index *x = index_get(o);
	return x ? json_string_value(json_object_get(x->by_name, name)) : NULL;
}

int dpn_ovs_iface_id_foreign(struct dpn_ovs *o, const char *iface_id, char *name, size_t len)
{
	struct ovs_index *x = index_get(o);
	json_t *names = x ? json_object_get(x->by_iface_id, iface_id) : NULL;
	void *it = names ? json_object_iter(names) : NULL;

	if (!it)
		return 0;
	snprintf(name, len, "%s", json_object_iter_key(it));
	return 1;
}
