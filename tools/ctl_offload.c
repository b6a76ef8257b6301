/* dpnodectl offload [--json]: can hardware offload work on this node, and
 * does it (dpnoded's offload.status). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dpnodectl.h"

static void print_pfs(json_t *pfs)
{
	size_t i, k;
	json_t *pf, *why;

	json_array_foreach (pfs, i, pf) {
		json_t *pmd = json_object_get(pf, "dpdk_pmd");
		json_t *tc = json_object_get(pf, "hw_tc_offload");
		printf("PF %s (%s, %s)  eswitch %s  attach %s  hw-tc-offload %s  PMD %s%s  %s\n",
		        json_string_value(json_object_get(pf, "pci")),
		        json_string_value(json_object_get(pf, "netdev")),
		        json_string_value(json_object_get(pf, "vendor")),
		        json_string_value(json_object_get(pf, "eswitch"))[0]
		                ? json_string_value(json_object_get(pf, "eswitch"))
		                : "?",
		        json_string_value(json_object_get(pf, "attach")),
		        json_is_null(tc)   ? "n/a"
		        : json_is_true(tc) ? "on"
		                           : "off",
		        json_string_value(json_object_get(pmd, "name")) ?: "none",
		        json_is_true(json_object_get(pmd, "found")) ? "" : " (missing)",
		        json_is_true(json_object_get(pf, "ready")) ? "ready" : "NOT READY");
		json_array_foreach (json_object_get(pf, "not_ready_because"), k, why)
			printf("  - %s\n", json_string_value(why));
	}
}

static void print_human(json_t *r)
{
	json_t *ovs = json_object_get(r, "ovs"), *p, *w;
	const char *running = json_string_value(json_object_get(ovs, "running"));
	size_t i;

	printf("ovs hw-offload: config %s, running ovs-vswitchd %s\n",
	        json_is_true(json_object_get(ovs, "hw_offload")) ? "true" : "false",
	        running ? running
	                : json_string_value(json_object_get(ovs, "running_unknown_because")));
	print_pfs(json_object_get(r, "pfs"));
	json_array_foreach (json_object_get(r, "ports"), i, p)
		printf("representor %s (VF %s, %s): %lld packets, %lld offloaded flows\n",
		        json_string_value(json_object_get(p, "port")),
		        json_string_value(json_object_get(p, "vf")),
		        json_string_value(json_object_get(p, "type")),
		        (long long)json_integer_value(json_object_get(p, "packets")),
		        (long long)json_integer_value(json_object_get(p, "offloaded_flows")));
	json_array_foreach (json_object_get(r, "warnings"), i, w)
		printf("warning: %s\n", json_string_value(w));
}

int ctl_offload(int argc, char **argv)
{
	bool as_json = argc == 2 && !strcmp(argv[1], "--json");

	if (argc > 2 || (argc == 2 && !as_json)) {
		fprintf(stderr, "usage: dpnodectl offload [--json]\n");
		return CTL_EXIT_USAGE;
	}
	json_t *r = ctl_call("offload.status", NULL);
	if (!r)
		return CTL_EXIT_FAIL;
	if (as_json) {
		json_dumpf(r, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
	} else {
		print_human(r);
	}
	json_decref(r);
	return 0;
}
