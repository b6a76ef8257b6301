/* What ovsdb-server sends dpnoded: a stream of JSON-RPC messages (monitor
 * replies, update/update2 notifications, transact replies), framed, applied
 * to a replica as the client applies them, then read by what reads the
 * replica: the OVS reconcile (Open_vSwitch, with the desired state of a
 * simulated node) or the OVN lookups (Southbound Port_Binding rows). The
 * first byte picks the database (even: Open_vSwitch; odd: Southbound). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "dpn_conf.h"
#include "dpn_jsonrpc.h"
#include "dpn_ovsdb.h"
#include "fuzz.h"
#include "ovn_priv.h"
#include "ovs_desired.h"
#include "ovs_reconcile.h"
#include "ovs_schema.h"

static json_t *desired_once(void)
{
	static json_t *d;
	static const char sim[] =
	        "{\"ovs\": {\"dpdk\": {\"socket_mem\": [512], \"pmd_cores\": \"1\"}},"
	        " \"uplink\": {\"ports\": [{\"devargs\": \"net_null0\"}],"
	        "  \"vlan\": 7, \"encap_ip\": \"192.0.2.1/24\"}}";
	if (!d) {
		struct dpn_conf_errors e = {0};
		struct dpn_conf c;
		json_t *j = json_loads(sim, 0, NULL);
		if (dpn_conf_load_json(j, NULL, &c, &e) < 0)
			abort();
		d = dpn_desired_from_conf(&c);
		dpn_conf_free(&c);
		json_decref(j);
	}
	return d;
}

/* As the client's message handler: a reply or a notification. */
static void take(json_t *replica, json_t *msg, bool sb)
{
	const char *method = json_string_value(json_object_get(msg, "method"));
	const struct dpn_ovsdb_monitor_table *t = sb ? dpn_ovn_sb_tables : NULL;
	json_t *up;

	if (!method) {
		struct dpn_err err = {0};
		if (json_integer_value(json_object_get(msg, "id")) == 0) { /* the monitor's */
			up = json_object_get(msg, "result");
			if (sb && json_is_array(up)) /* monitor_cond_since: [found, txn, updates] */
				up = json_array_get(up, 2);
			else
				json_object_clear(replica);
			t ? dpn_ovsdb_apply_update2(replica, up, t)
			  : dpn_ovsdb_apply_update(replica, up);
		} else {
			dpn_ovsdb_txn_error(msg, &err);
		}
		return;
	}
	if (strcmp(method, "update") && strcmp(method, "update2") && strcmp(method, "update3"))
		return;
	up = json_array_get(json_object_get(msg, "params"), strcmp(method, "update3") ? 1 : 2);
	t ? dpn_ovsdb_apply_update2(replica, up, t) : dpn_ovsdb_apply_update(replica, up);
}

static void read_ovs(json_t *replica)
{
	struct dpn_err err = {0};
	json_t *ops = dpn_reconcile_ops(desired_once(), replica, &err), *tbl, *row;
	const char *tn, *u;

	free(json_dumps(ops, 0));
	json_decref(ops);
	json_object_foreach (replica, tn, tbl)
		json_object_foreach (tbl, u, row)
			dpn_reconcile_owned(row);
}

static void read_sb(json_t *replica)
{
	json_t *row;
	const char *u;

	json_object_foreach (dpn_ovsdb_replica_table(replica, "Port_Binding"), u, row) {
		struct dpn_ovn_port p;
		struct dpn_err err = {0};
		const char *lp = json_string_value(json_object_get(row, "logical_port"));
		dpn_ovn_port_from_binding(lp ? lp : "?", row, &p, &err);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dpn_jsbuf b;
	json_t *replica, *msg;
	bool sb;

	fz_quiet();
	if (size < 1)
		return 0;
	sb = data[0] & 1;
	replica = json_object();
	dpn_jsbuf_init(&b);
	if (dpn_jsbuf_feed(&b, data + 1, size - 1) == 0)
		while (dpn_jsbuf_next(&b, &msg) == 1) {
			take(replica, msg, sb);
			json_decref(msg);
		}
	dpn_jsbuf_free(&b);
	sb ? read_sb(replica) : read_ovs(replica);
	json_decref(replica);
	return 0;
}
