/* ovs-vswitchd's PMD reports as OVS 3.1 prints them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpn_metrics.h"

/* "pmd thread numa_id 0 core_id 1:" -> 1 with numa and core */
static int pmd_header(const char *line, int *numa, int *core)
{
	return sscanf(line, "pmd thread numa_id %d core_id %d:", numa, core) == 2;
}

static const struct {
	const char *prefix, *key;
} stat_lines[] = {
        {"packets received:", "packets"},
        {"emc hits:", "emc_hits"},
        {"smc hits:", "smc_hits"},
        {"megaflow hits:", "megaflow_hits"},
        {"miss with success upcall:", "upcalls_ok"},
        {"miss with failed upcall:", "upcalls_failed"},
        {"idle cycles:", "idle_cycles"},
        {"processing cycles:", "processing_cycles"},
};

json_t *dpn_metrics_parse_pmd_stats(const char *text)
{
	json_t *out = json_array(), *cur = NULL;
	char *dup = strdup(text ? text : ""), *save = NULL;
	int numa, core;

	for (char *l = strtok_r(dup, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (pmd_header(l, &numa, &core)) {
			cur = json_pack("{s:i, s:i}", "numa", numa, "core", core);
			json_array_append_new(out, cur);
			continue;
		}
		if (l[0] != ' ') { /* "main thread:" and anything else not a PMD */
			cur = NULL;
			continue;
		}
		l += strspn(l, " \t");
		for (size_t i = 0; cur && i < sizeof(stat_lines) / sizeof(stat_lines[0]); i++) {
			size_t n = strlen(stat_lines[i].prefix);
			unsigned long long v;
			if (!strncmp(l, stat_lines[i].prefix, n) && sscanf(l + n, "%llu", &v) == 1)
				json_object_set_new(
				        cur, stat_lines[i].key, json_integer((json_int_t)v));
		}
	}
	free(dup);
	return out;
}

/* "  port: dpdk0             queue-id:  0 (enabled)   pmd usage:  3 %" */
static json_t *rxq_line(const char *l, int numa, int core)
{
	char port[64], state[16];
	int queue, usage = -1;
	const char *u;

	if (sscanf(l, " port: %63s queue-id: %d (%15[^)])", port, &queue, state) != 3)
		return NULL;
	if ((u = strstr(l, "pmd usage:")) && sscanf(u, "pmd usage: %d", &usage) != 1)
		usage = -1;
	json_t *j = json_pack("{s:i, s:i, s:s, s:i, s:b}", "numa", numa, "core", core, "port", port,
	        "queue", queue, "enabled", !strcmp(state, "enabled"));
	if (usage >= 0)
		json_object_set_new(j, "usage_pct", json_integer(usage));
	return j;
}

json_t *dpn_metrics_parse_rxq(const char *text)
{
	json_t *out = json_array();
	char *dup = strdup(text ? text : ""), *save = NULL;
	int numa = -1, core = -1;

	for (char *l = strtok_r(dup, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (pmd_header(l, &numa, &core))
			continue;
		json_t *q = core >= 0 ? rxq_line(l, numa, core) : NULL;
		if (q)
			json_array_append_new(out, q);
	}
	free(dup);
	return out;
}
