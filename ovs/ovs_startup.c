/* What the running ovs-vswitchd started with. It reads its startup keys
 * (dpdk-*, hw-offload, tc-policy...) only when it starts, so a change of
 * them in the config means nothing until a restart. dpnoded records, when it
 * starts vswitchd, "<pid> <k=v;...>" in Open_vSwitch external_ids; a
 * converged node whose vswitchd started with other settings than the config
 * now asks for gets a planned restart (flow-restore-wait). A vswitchd
 * dpnoded did not start (adopted from an older dpnoded or another script)
 * is restarted only when the config asks for hw-offload, which it may lack. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpn_ovsdb.h"
#include "ovs_desired.h"
#include "ovs_priv.h"
#include "ovs_schema.h"

#define STARTUP_KEY "dpnode-vswitchd-startup"

/* "k=v;..." of the desired startup keys, in the table's order. */
static void wanted(struct dpn_ovs *o, char *buf, size_t len)
{
	json_t *oc = json_object_get(json_object_get(o->desired, "ovs"), OVS_C_OTHER_CONFIG);
	const char *const *keys = dpn_desired_startup_keys();
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; keys[i]; i++) {
		const char *v = json_string_value(json_object_get(oc, keys[i]));
		int n = v ? snprintf(buf + off, len - off, "%s%s=%s", off ? ";" : "", keys[i], v)
		          : 0;
		off += n > 0 && (size_t)n < len - off ? (size_t)n : 0;
	}
}

void ovs_startup_started(struct dpn_ovs *o, pid_t pid)
{
	char w[900];
	json_t *ids = json_object_get(json_object_get(o->desired, "ovs"), OVS_C_EXTERNAL_IDS);

	wanted(o, w, sizeof(w));
	json_object_set_new(ids, STARTUP_KEY, json_sprintf("%d %s", (int)pid, w));
	o->started_pid = pid;
}

/* The record for the running vswitchd ("" settings), or NULL when none is. */
static const char *record(struct dpn_ovs *o, pid_t pid)
{
	json_t *ids = json_object_get(json_object_get(o->desired, "ovs"), OVS_C_EXTERNAL_IDS);
	const char *r = pid == o->started_pid
	                        ? json_string_value(json_object_get(ids, STARTUP_KEY))
	                        : dpn_ovsdb_map_get(json_object_get(dpn_ovs_open_vswitch(o, NULL),
	                                                    OVS_C_EXTERNAL_IDS),
	                                  STARTUP_KEY);
	char *end;
	if (!r || strtol(r, &end, 10) != pid || *end != ' ')
		return NULL;
	return end + 1;
}

int dpn_ovs_startup_value(struct dpn_ovs *o, const char *key, char *val, size_t len)
{
	pid_t pid = dpn_proc_pid(o->vsproc);
	const char *r = pid ? record(o, pid) : NULL;
	size_t n = strlen(key);

	if (!r)
		return -ENOENT;
	for (const char *p = r; p && *p; p = strchr(p, ';'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == '=') {
			snprintf(val, len, "%.*s", (int)strcspn(p + n + 1, ";"), p + n + 1);
			return 0;
		}
	val[0] = '\0';
	return 0;
}

void ovs_startup_check(struct dpn_ovs *o)
{
	pid_t pid = dpn_proc_pid(o->vsproc);
	char w[900];
	struct dpn_err err = {0};
	const char *r;

	if (o->conf->ovs.mode != DPN_OVS_MANAGED || !pid || o->planned != DPN_OVS_PLANNED_NONE ||
	        o->startup_checked == pid)
		return;
	o->startup_checked = pid;
	wanted(o, w, sizeof(w));
	if ((r = record(o, pid)) && !strcmp(r, w))
		return;
	if (!r && !o->conf->ovs.hw_offload) {
		ovs_startup_started(o, pid); /* nothing it could lack that matters: take it as is */
		dpn_ovs_kick(o);
		return;
	}
	LOG_INFO("ovs-vswitchd pid %d started with %s; the config asks for %s: a planned "
	         "restart applies it",
	        (int)pid, r ? (r[0] ? r : "none of them") : "settings dpnoded did not record", w);
	if (dpn_ovs_restart(o, &err) < 0)
		LOG_WARN("cannot restart ovs-vswitchd to apply its startup settings: %s", err.msg);
}
