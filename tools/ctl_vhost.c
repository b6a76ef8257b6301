/* dpnodectl vhost add|del|list */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpnodectl.h"

static void usage(void)
{
	fprintf(stderr,
	        "usage: dpnodectl vhost add --pod-uid UID --namespace NS --pod NAME --ifname IF\n"
	        "                           --volume VOL [--socket-name S] [--consumption "
	        "pod|kubevirt]\n"
	        "                           [--mac MAC] [--mtu N] [--queues N] [--provider P]\n"
	        "                           [--iface-id ID] [--ip IPS]\n"
	        "       dpnodectl vhost del (--pod-uid UID --ifname IF | --port PORT)\n"
	        "       dpnodectl vhost list [--pod-uid UID] [--json]\n");
}

static const struct {
	const char *opt, *key;
	bool integer;
} fields[] = {
        {"pod-uid", "pod_uid", false},
        {"namespace", "namespace", false},
        {"pod", "pod", false},
        {"ifname", "ifname", false},
        {"volume", "volume", false},
        {"socket-name", "socket_name", false},
        {"consumption", "consumption", false},
        {"mac", "mac", false},
        {"mtu", "mtu", true},
        {"queues", "queues", true},
        {"provider", "provider", false},
        {"iface-id", "iface_id", false},
        {"ip", "ip", false},
        {"port", "port", false},
};

/* --flag VALUE pairs into API params; --json is noted apart. */
static json_t *parse_args(int argc, char **argv, bool *as_json)
{
	json_t *p = json_object();

	*as_json = false;
	for (int i = 0; i < argc; i++) {
		size_t f;
		if (!strcmp(argv[i], "--json")) {
			*as_json = true;
			continue;
		}
		for (f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
			if (!strncmp(argv[i], "--", 2) && !strcmp(argv[i] + 2, fields[f].opt))
				break;
		if (f == sizeof(fields) / sizeof(fields[0]) || i + 1 >= argc) {
			fprintf(stderr, "dpnodectl vhost: %s: unknown option or missing value\n",
			        argv[i]);
			json_decref(p);
			return NULL;
		}
		const char *val = argv[++i];
		if (fields[f].integer) {
			char *end;
			long n = strtol(val, &end, 10);
			if (*end || end == val) {
				fprintf(stderr, "dpnodectl vhost: --%s: \"%s\" is not a number\n",
				        fields[f].opt, val);
				json_decref(p);
				return NULL;
			}
			json_object_set_new(p, fields[f].key, json_integer(n));
		} else {
			json_object_set_new(p, fields[f].key, json_string(val));
		}
	}
	return p;
}

static void print_port(json_t *e)
{
	json_t *ovs = json_object_get(e, "ovs");
	const char *s;
	printf("%-16s %-38s %-6s %-9s %-17s %-6s %s\n",
	        json_string_value(json_object_get(e, "port")),
	        json_string_value(json_object_get(e, "pod_uid")),
	        json_string_value(json_object_get(e, "ifname")),
	        json_string_value(json_object_get(e, "consumption")),
	        json_string_value(json_object_get(e, "mac")),
	        ovs && (s = json_string_value(json_object_get(ovs, "link_state"))) ? s : "-",
	        json_string_value(json_object_get(e, "socket_path")));
}

int ctl_vhost(int argc, char **argv)
{
	bool as_json;
	json_t *p, *r;
	const char *method;

	if (argc < 2) {
		usage();
		return CTL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "add"))
		method = "vhost.add";
	else if (!strcmp(argv[1], "del"))
		method = "vhost.del";
	else if (!strcmp(argv[1], "list"))
		method = "vhost.list";
	else {
		usage();
		return CTL_EXIT_USAGE;
	}
	p = parse_args(argc - 2, argv + 2, &as_json);
	if (!p) {
		usage();
		return CTL_EXIT_USAGE;
	}
	r = ctl_call(method, p);
	if (!r)
		return CTL_EXIT_FAIL;
	if (as_json || strcmp(method, "vhost.list")) {
		json_dumpf(r, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		fputc('\n', stdout);
	} else {
		json_t *e;
		size_t i;
		printf("%-16s %-38s %-6s %-9s %-17s %-6s %s\n", "PORT", "POD_UID", "IF", "FOR",
		        "MAC", "LINK", "SOCKET");
		json_array_foreach (json_object_get(r, "ports"), i, e)
			print_port(e);
	}
	json_decref(r);
	return 0;
}
