/* dpnodectl status: human and JSON views of dpnoded's status. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dpnodectl.h"

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "-";
}

static long long num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void print_proc(const char *name, json_t *p)
{
	if (!p || json_is_null(json_object_get(p, "pid")))
		printf("  %-13s not running\n", name);
	else
		printf("  %-13s pid %lld, up %llds, restarts %lld\n", name, num(p, "pid"),
		        num(p, "uptime_s"), num(p, "restarts"));
}

static void print_hugepages(json_t *st)
{
	json_t *v;
	size_t i;
	printf("hugepages:\n");
	json_array_foreach (json_object_get(st, "hugepages"), i, v)
		printf("  node %lld %6lldkB  total %lld free %lld requested %lld\n", num(v, "numa"),
		        num(v, "size_kb"), num(v, "total"), num(v, "free"), num(v, "requested"));
}

static void print_devplugin(json_t *st)
{
	json_t *dp = json_object_get(st, "device_plugin"), *r;
	size_t i;
	if (!dp)
		return;
	printf("device plugin:    %s, kubelet %s\n", str(dp, "plugin_dir"),
	        json_is_true(json_object_get(dp, "kubelet")) ? "up" : "not seen");
	json_array_foreach (json_object_get(dp, "resources"), i, r)
		printf("  %-40s %-14s devices %lld, healthy %lld, allocated %lld, streams %lld\n",
		        str(r, "resource"),
		        json_is_true(json_object_get(r, "registered")) ? "registered"
		                                                       : "NOT registered",
		        num(r, "total"), num(r, "healthy"), num(r, "allocated"), num(r, "streams"));
}

/* The node under OVN: its SB connection, its chassis, its ovn-controller. */
static void print_ovn(json_t *st)
{
	json_t *o = json_object_get(st, "ovn"), *c;
	if (!o)
		return;
	c = json_object_get(o, "controller");
	printf("ovn:              sb %s %s%s%s, chassis %s %s, %d port(s) watched\n",
	        str(o, "sb_remote"),
	        json_is_true(json_object_get(o, "sb_connected")) ? "connected" : "NOT connected",
	        json_is_string(json_object_get(o, "sb_error")) ? ": " : "",
	        json_is_string(json_object_get(o, "sb_error")) ? str(o, "sb_error") : "",
	        str(o, "chassis"),
	        json_is_true(json_object_get(o, "chassis_registered")) ? "registered"
	                                                               : "NOT registered",
	        (int)num(o, "watched_ports"));
	if (json_is_integer(json_object_get(c, "pid")))
		printf("  ovn-controller  pid %lld, up %llds, restarts %lld (%s)\n", num(c, "pid"),
		        num(c, "uptime_s"), num(c, "restarts"), str(c, "mode"));
	else
		printf("  ovn-controller  not running (%s)\n", str(c, "mode"));
}

/* One line: every module in init order, with what is wrong where it is. */
static void print_modules(json_t *st)
{
	json_t *mods = json_object_get(st, "modules"), *m;
	size_t n = json_object_size(mods);
	const char *k;

	printf("modules:         ");
	for (size_t i = 0; i < n; i++)
		json_object_foreach (mods, k, m) {
			if ((size_t)json_integer_value(json_object_get(m, "order")) != i)
				continue;
			printf(" %s %s", k, str(m, "state"));
			if (json_is_string(json_object_get(m, "error")))
				printf(" (%s)", str(m, "error"));
			printf("%s", i + 1 < n ? "," : "");
		}
	printf("\n");
}

static void print_human(json_t *st)
{
	json_t *ovs = json_object_get(st, "ovs"), *v, *b, *p;
	size_t i, j;

	print_modules(st);
	if (!strcmp(str(ovs, "mode"), "none")) {
		printf("ovs:              none (an SR-IOV-only node)\n");
		print_hugepages(st);
		print_devplugin(st);
		return;
	}
	printf("dpdk_initialized: %s\n",
	        json_is_true(json_object_get(st, "dpdk_initialized")) ? "true" : "false");
	printf("dpdk_version:     %s\n", str(st, "dpdk_version"));
	printf("ovs:              %s mode, db %s\n", str(ovs, "mode"),
	        json_is_true(json_object_get(ovs, "db_connected")) ? "connected" : "NOT connected");
	print_proc("ovsdb-server", json_object_get(ovs, "ovsdb_server"));
	print_proc("ovs-vswitchd", json_object_get(ovs, "vswitchd"));
	print_hugepages(st);
	printf("pmd_cores:        ");
	json_array_foreach (json_object_get(st, "pmd_cores"), i, v)
		printf("%s%lld", i ? "," : "", (long long)json_integer_value(v));
	printf("\n");
	print_ovn(st);
	json_t *rc = json_object_get(st, "reconcile");
	printf("reconcile:        %s%s%s\n",
	        json_is_true(json_object_get(rc, "converged")) ? "converged" : "pending",
	        json_is_string(json_object_get(rc, "last_error")) ? ", last error: " : "",
	        json_is_string(json_object_get(rc, "last_error")) ? str(rc, "last_error") : "");
	json_array_foreach (json_object_get(st, "bridges"), i, b) {
		printf("bridge %s (%s, fail-mode %s%s)\n", str(b, "name"), str(b, "datapath_type"),
		        str(b, "fail_mode"),
		        json_is_true(json_object_get(b, "owned")) ? ", dpnode" : "");
		printf("  %-16s %-12s %6s %-5s %-5s %12s %12s %s\n", "PORT", "TYPE", "OFPORT",
		        "ADMIN", "LINK", "RX_PKTS", "TX_PKTS", "ERROR");
		json_array_foreach (json_object_get(b, "ports"), j, p) {
			char name[40];
			if (strcmp(str(p, "name"), str(p, "port")))
				snprintf(name, sizeof(name), "%s/%s", str(p, "port"),
				        str(p, "name"));
			else
				snprintf(name, sizeof(name), "%s", str(p, "name"));
			printf("  %-16s %-12s %6lld %-5s %-5s %12lld %12lld %s\n", name,
			        json_string_length(json_object_get(p, "type")) ? str(p, "type")
			                                                       : "system",
			        num(p, "ofport"), str(p, "admin_state"), str(p, "link_state"),
			        num(p, "rx_packets"), num(p, "tx_packets"),
			        json_is_string(json_object_get(p, "error")) ? str(p, "error") : "");
		}
	}
	print_devplugin(st);
}

/* dpnoded reads OVS's port counters while someone looks at them: a status
 * after a quiet spell starts the read, and a moment later has them. */
static json_t *fresh_status(void)
{
	json_t *st = ctl_call("status", NULL);
	json_t *ovs = json_object_get(st, "ovs");
	json_int_t age = json_integer_value(json_object_get(ovs, "counters_age_ms"));

	if (!json_is_true(json_object_get(ovs, "db_connected")) || (age > 0 && age < 6000))
		return st;
	for (int i = 0; i < 10; i++) {
		usleep(50000);
		json_decref(st);
		st = ctl_call("status", NULL);
		ovs = json_object_get(st, "ovs");
		age = json_integer_value(json_object_get(ovs, "counters_age_ms"));
		if (!st || (age > 0 && age < 1000))
			break;
	}
	return st;
}

int ctl_status(int argc, char **argv)
{
	bool as_json = argc > 1 && !strcmp(argv[1], "--json");
	json_t *st;

	if (argc > 2 || (argc == 2 && !as_json)) {
		fprintf(stderr, "usage: dpnodectl status [--json]\n");
		return CTL_EXIT_USAGE;
	}
	st = fresh_status();
	if (!st)
		return CTL_EXIT_FAIL;
	if (as_json) {
		json_dumpf(st, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		fputc('\n', stdout);
	} else {
		print_human(st);
	}
	json_decref(st);
	return 0;
}

/* Readiness (the DaemonSet's probe): 0 when every module that runs is ok,
 * else 1 naming the ones that are not. */
int ctl_ready(int argc, char **argv)
{
	json_t *st, *m;
	const char *name;
	int bad = 0;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: dpnodectl ready\n");
		return CTL_EXIT_USAGE;
	}
	if (!(st = ctl_call("status", NULL)))
		return CTL_EXIT_FAIL;
	json_object_foreach (json_object_get(st, "modules"), name, m) {
		const char *state = json_string_value(json_object_get(m, "state"));
		if (!state || !strcmp(state, "ok") || !strcmp(state, "disabled"))
			continue;
		printf("not ready: %s %s: %s\n", name, state, str(m, "error"));
		bad++;
	}
	if (!bad)
		printf("ready\n");
	json_decref(st);
	return bad ? CTL_EXIT_FAIL : 0;
}

/* dpnodectl ovs restart: a planned vswitchd restart, followed to its end. */
int ctl_ovs_restart(void)
{
	json_t *st = ctl_call("status", NULL), *r;
	json_int_t before = json_integer_value(json_object_get(
	        json_object_get(json_object_get(st, "ovs"), "planned_restart"), "done"));
	json_decref(st);
	if (!(r = ctl_call("ovs.restart", NULL)))
		return CTL_EXIT_FAIL;
	json_decref(r);
	for (int i = 0; i < 600; i++) { /* the node bounds each step; 60 s in all */
		usleep(100000);
		if (!(st = ctl_call("status", NULL)))
			continue;
		json_t *pr = json_object_get(json_object_get(st, "ovs"), "planned_restart");
		bool done = json_integer_value(json_object_get(pr, "done")) > before;
		if (done)
			printf("ovs-vswitchd restarted (flow-restore-wait until br-int was "
			       "programmed): %lld ms\n",
			        (long long)json_integer_value(json_object_get(pr, "last_ms")));
		json_decref(st);
		if (done)
			return 0;
	}
	fprintf(stderr, "dpnodectl: the restart did not finish in 60 s (see dpnodectl status)\n");
	return CTL_EXIT_FAIL;
}
