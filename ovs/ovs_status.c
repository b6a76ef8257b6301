/* Status of the OVS instance, read from the replica and unixctl. */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "ovs_reconcile.h"
#include "ovs_schema.h"
#include "dpn_unixctl.h"
#include "ovs_priv.h"

/* who the port is for, as the CNI wrote it (metrics labels) */
static const char *const pod_keys[] = {"iface-id", "pod_name", "pod_namespace", "dpnode-vf", NULL};

static int by_name(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	return strcmp(json_string_value(json_object_get(x, "name")) ?: "",
	        json_string_value(json_object_get(y, "name")) ?: "");
}

static json_t *sorted(json_t *arr)
{
	size_t n = json_array_size(arr);
	json_t **v = calloc(n ? n : 1, sizeof(*v)), *out = json_array();
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(arr, i);
	qsort(v, n, sizeof(*v), by_name);
	for (size_t i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	json_decref(arr);
	return out;
}

static json_t *str_or_null(json_t *datum)
{
	json_t *p = dpn_ovsdb_plain(datum);
	if (json_is_string(p))
		return p;
	json_decref(p);
	return json_null();
}

/* The shown counters: 0 until first read; vhost-user's tx_retries only when
 * OVS has it (packets it had to retry into a full guest ring). */
static void add_counters(json_t *j, const struct dpn_ovs_counters *c)
{
	for (int i = 0; i < DPN_OVS_N_COUNTERS - 1; i++)
		json_object_set_new(j, dpn_ovs_counter_names[i], json_integer(c ? c->v[i] : 0));
	if (c && c->has & (1u << (DPN_OVS_N_COUNTERS - 1)))
		json_object_set_new(j, "tx_retries", json_integer(c->v[DPN_OVS_N_COUNTERS - 1]));
}

static json_t *iface_status(struct dpn_ovs *o, const char *port, const char *uuid)
{
	json_t *row = dpn_ovsdb_row(o->db, OVS_T_INTERFACE, uuid), *j;
	if (!row)
		return NULL;
	json_t *ofport = dpn_ovsdb_plain(json_object_get(row, OVS_C_OFPORT));
	json_t *mtu = dpn_ovsdb_plain(json_object_get(row, OVS_C_MTU));
	j = json_pack("{s:O, s:s, s:O, s:o, s:o, s:o, s:o, s:o, s:b}", "name",
	        json_object_get(row, OVS_C_NAME), "port", port, "type",
	        json_object_get(row, OVS_C_TYPE), "ofport",
	        json_is_integer(ofport) ? ofport : (json_decref(ofport), json_null()),
	        "admin_state", str_or_null(json_object_get(row, OVS_C_ADMIN_STATE)), "link_state",
	        str_or_null(json_object_get(row, OVS_C_LINK_STATE)), "mtu",
	        json_is_integer(mtu) ? mtu : (json_decref(mtu), json_null()), "error",
	        str_or_null(json_object_get(row, OVS_C_ERROR)), "owned", dpn_reconcile_owned(row));
	/* ovn-controller's word that its flows for the port are in */
	const char *inst =
	        dpn_ovsdb_map_get(json_object_get(row, OVS_C_EXTERNAL_IDS), "ovn-installed");
	json_object_set_new(j, "ovn_installed", json_boolean(inst && !strcmp(inst, "true")));
	add_counters(j, ovs_stats_get(o, json_string_value(json_object_get(row, OVS_C_NAME))));
	for (int i = 0; pod_keys[i]; i++) {
		const char *v =
		        dpn_ovsdb_map_get(json_object_get(row, OVS_C_EXTERNAL_IDS), pod_keys[i]);
		if (v)
			json_object_set_new(j, pod_keys[i], json_string(v));
	}
	return j;
}

struct walk {
	struct dpn_ovs *o;
	json_t *out;
	const char *port;
};

static void iface_cb(const char *uuid, void *arg)
{
	struct walk *w = arg;
	json_t *j = iface_status(w->o, w->port, uuid);
	if (j)
		json_array_append_new(w->out, j);
}

static void port_cb(const char *uuid, void *arg)
{
	struct walk *w = arg;
	json_t *row = dpn_ovsdb_row(w->o->db, OVS_T_PORT, uuid);
	struct walk iw = {.o = w->o, .out = w->out};
	if (!row)
		return;
	iw.port = json_string_value(json_object_get(row, OVS_C_NAME));
	dpn_ovsdb_uuids(json_object_get(row, OVS_C_INTERFACES), iface_cb, &iw);
}

static json_t *bridges_status(struct dpn_ovs *o)
{
	json_t *out = json_array(), *row;
	const char *uuid;

	json_object_foreach (dpn_ovsdb_table(o->db, OVS_T_BRIDGE), uuid, row) {
		struct walk w = {.o = o, .out = json_array()};
		dpn_ovsdb_uuids(json_object_get(row, OVS_C_PORTS), port_cb, &w);
		json_array_append_new(
		        out, json_pack("{s:O, s:O, s:o, s:b, s:o}", "name",
		                     json_object_get(row, OVS_C_NAME), "datapath_type",
		                     json_object_get(row, OVS_C_DATAPATH_TYPE), "fail_mode",
		                     str_or_null(json_object_get(row, OVS_C_FAIL_MODE)), "owned",
		                     dpn_reconcile_owned(row), "ports", sorted(w.out)));
	}
	return sorted(out);
}

/* OVS names the control socket after its program: ovs-vswitchd-dpdk.PID.ctl
 * for Debian's DPDK build. In attach mode the binary is not ours to know. */
int dpn_ovs_vswitchd_ctl(struct dpn_ovs *o, pid_t pid, char *buf, size_t len)
{
	char bin[DPN_PATH_MAX];
	const char *names[] = {NULL, "ovs-vswitchd", "ovs-vswitchd-dpdk"};

	snprintf(bin, sizeof(bin), "%s", o->conf->ovs.vswitchd_bin);
	names[0] = basename(bin);
	for (size_t i = 0; i < DPN_ARRAY_SIZE(names); i++) {
		if (dpn_unixctl_path(buf, len, o->conf->ovs.run_dir, names[i], pid) == 0 &&
		        access(buf, F_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

int dpn_ovs_ctl_socket(struct dpn_ovs *o, char *buf, size_t len)
{
	pid_t pid = dpn_proc_pid(o->vsproc);
	return pid ? dpn_ovs_vswitchd_ctl(o, pid, buf, len) : -ENOENT;
}

static json_t *pmd_cores(struct dpn_ovs *o)
{
	char sock[300], *text = NULL;
	int cores[256], n;
	json_t *arr = json_array();
	pid_t pid = dpn_proc_pid(o->vsproc);

	if (!pid || dpn_ovs_vswitchd_ctl(o, pid, sock, sizeof(sock)) < 0)
		return arr;
	if (dpn_unixctl_call(sock, "dpif-netdev/pmd-rxq-show", 0, NULL, 1000, &text) == 0) {
		n = dpn_unixctl_parse_pmd_cores(text, cores, 256);
		for (int i = 0; i < n; i++)
			json_array_append_new(arr, json_integer(cores[i]));
	}
	free(text);
	return arr;
}

json_t *dpn_ovs_iface_status(struct dpn_ovs *o, const char *port, const char *name)
{
	const char *uuid = dpn_ovsdb_is_connected(o->db) ? ovs_index_iface_uuid(o, name) : NULL;
	return uuid ? iface_status(o, port, uuid) : NULL;
}

json_t *dpn_ovs_status(struct dpn_ovs *o)
{
	json_t *row, *st;

	if (o->conf->ovs.mode != DPN_OVS_MANAGED) {
		dpn_proc_adopt(o->dbproc);
		dpn_proc_adopt(o->vsproc);
	}
	row = dpn_ovs_open_vswitch(o, NULL);
	/* The db keeps a dead vswitchd's last word: trust it only while one runs. */
	bool alive = dpn_proc_pid(o->vsproc) != 0;
	st = json_pack("{s:b, s:b, s:o, s:o}", "dpdk_initialized",
	        alive && json_is_true(json_object_get(row, OVS_C_DPDK_INITIALIZED)),
	        "config_applied", alive && dpn_ovs_vswitchd_ready(o), "dpdk_version",
	        str_or_null(json_object_get(row, OVS_C_DPDK_VERSION)), "ovs_version",
	        str_or_null(json_object_get(row, OVS_C_OVS_VERSION)));
	json_object_set_new(st, "ovs",
	        json_pack("{s:s, s:b, s:s, s:s, s:o, s:o, s:o}", "mode",
	                o->conf->ovs.mode == DPN_OVS_MANAGED ? "managed" : "attach", "db_connected",
	                dpn_ovsdb_is_connected(o->db), "db_socket", o->conf->ovs.db_socket,
	                "run_dir", o->conf->ovs.run_dir, "ovsdb_server", dpn_proc_status(o->dbproc),
	                "vswitchd", dpn_proc_status(o->vsproc), "dpdk_init_error",
	                o->dpdk_init_error[0] ? json_string(o->dpdk_init_error) : json_null()));
	json_object_set_new(json_object_get(st, "ovs"), "planned_restart", ovs_planned_status(o));
	json_object_set_new(st, "pmd_cores", pmd_cores(o));
	dpn_ovs_counters_want(o);
	json_object_set_new(st, "bridges", bridges_status(o));
	json_object_set_new(json_object_get(st, "ovs"), "counters_age_ms",
	        json_integer((json_int_t)ovs_stats_age_ms(o)));
	json_object_set_new(st, "reconcile",
	        json_pack("{s:b, s:b, s:I, s:I, s:o}", "converged", o->converged, "in_flight",
	                o->txn_inflight, "transactions", (json_int_t)o->txns, "transaction_errors",
	                (json_int_t)o->txn_errors, "last_error",
	                o->last_error.code ? json_string(o->last_error.msg) : json_null()));
	return st;
}
