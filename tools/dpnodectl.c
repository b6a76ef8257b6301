/* dpnodectl: the operator's CLI for dpnoded. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dpn_conf.h"
#include "dpn_jsonrpc.h"
#include "dpn_state.h"
#include "dpnodectl.h"

#define API_VERSION 1

static const char *sock_path;

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: dpnodectl [--sock PATH] COMMAND ...\n"
	        "\n"
	        "  status [--json]               node datapath state from dpnoded\n"
	        "  config check FILE             validate a node config (exit 2 when invalid)\n"
	        "  config import-kubeovn DIR     convert Kube-OVN's ovs-dpdk-config (+config.cfg)\n"
	        "  config paths FILE|-           the host paths a config uses (defaults filled "
	        "in)\n"
	        "  vhost add|del|list ...        vhost-user ports (dpnodectl vhost for options)\n"
	        "  vfs [--json]                  SR-IOV PFs and VFs of this node, with "
	        "representors\n"
	        "  sriov apply FILE              provision the config's sriov section now\n"
	        "  resources FILE                VFs of this node per device-plugin resource\n"
	        "  ready                         exit 0 when every module is ok (readiness probe)\n"
	        "  doctor [--json]               is this node ready for the datapath (checks, "
	        "fixes)\n"
	        "  reconcile                     ask dpnoded to reconcile now\n"
	        "  ovs restart                   planned ovs-vswitchd restart (flow-restore-wait)\n"
	        "  offload [--json]              hardware offload: per PF what stands in its way, "
	        "per representor its offloaded flows\n"
	        "  call METHOD [PARAMS_JSON]     any API method (e.g. sriov.inventory)\n"
	        "  state FILE                    a state file (vhost, VF ports) as dpnoded reads "
	        "it\n"
	        "  ping                          check that dpnoded answers\n"
	        "\n"
	        "The API socket is --sock, else $DPNODE_SOCK, else " DPN_API_DEFAULT_SOCKET ".\n");
}

json_t *ctl_call(const char *method, json_t *params)
{
	struct dpn_err err = {0};
	json_t *res;
	int ret;

	/* EAGAIN: dpnoded asks us to come back (e.g. a logical port OVN does
	 * not have yet; dpnoded bounds that wait itself) */
	for (int tries = 0;; tries++) {
		ret = dpn_api_call(sock_path, method, json_incref(params), 30000, &res, &err);
		if (ret != -EREMOTEIO || err.code != -EAGAIN || tries > 3000)
			break;
		usleep(200000);
	}
	json_decref(params);
	if (ret == -EREMOTEIO)
		fprintf(stderr, "dpnodectl: %s: %s\n", method, err.msg);
	else if (ret < 0)
		fprintf(stderr, "dpnodectl: cannot reach dpnoded at %s\n", err.msg);
	return ret < 0 ? NULL : res;
}

static int cmd_config_check(const char *path)
{
	struct dpn_conf_errors errs = {0};
	struct dpn_machine m;
	struct dpn_conf c;
	int ret;

	ret = dpn_machine_probe("", &m);
	if (ret < 0) {
		fprintf(stderr, "dpnodectl: cannot read this machine's CPUs: %s\n", strerror(-ret));
		return CTL_EXIT_FAIL;
	}
	ret = dpn_conf_load_file(path, &m, &c, &errs);
	if (ret < 0) {
		dpn_conf_errors_print(&errs, stdout);
		dpn_conf_errors_free(&errs);
		return CTL_EXIT_USAGE;
	}
	printf("%s: valid\n", path);
	dpn_conf_free(&c);
	return 0;
}

/* The host paths a config makes dpnoded use, defaults filled in: what a
 * DaemonSet must mount (deploy/ is checked against it). FILE "-": none. */
static int cmd_config_paths(const char *path)
{
	struct dpn_conf_errors errs = {0};
	struct dpn_conf c;

	if (strcmp(path, "-") ? dpn_conf_load_file(path, NULL, &c, &errs) < 0
	                      : (dpn_conf_load_json(json_object(), NULL, &c, &errs), false)) {
		dpn_conf_errors_print(&errs, stderr);
		dpn_conf_errors_free(&errs);
		return CTL_EXIT_USAGE;
	}
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	        "api_socket", c.api.socket, "ovs_run_dir", c.ovs.run_dir, "ovs_db_socket",
	        c.ovs.db_socket, "ovs_db_file", c.ovs.db_file, "ovs_log_dir", c.ovs.log_dir,
	        "vhost_socket_root", c.vhost.socket_root, "kubelet_dir", c.vhost.kubelet_dir,
	        "vhost_state_file", c.vhost.state_file, "device_plugin_dir", c.devplugin.plugin_dir,
	        "devinfo_dir", c.devplugin.devinfo_dir, "device_plugin_state_file",
	        c.devplugin.state_file, "ovn_run_dir", c.ovn.run_dir, "hugepages_mount",
	        c.hugepages.mount);
	json_dumpf(j, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(j);
	dpn_conf_free(&c);
	return 0;
}

static int cmd_import_kubeovn(const char *dir)
{
	struct dpn_conf_errors errs = {0};
	struct dpn_conf c;
	json_t *out = dpn_kubeovn_import(dir, &errs);

	if (!out) {
		dpn_conf_errors_print(&errs, stderr);
		dpn_conf_errors_free(&errs);
		return CTL_EXIT_USAGE;
	}
	/* What we print must load: check it the way dpnoded will (the target
	 * machine's CPUs are not known here, so no machine checks). */
	if (dpn_conf_load_json(out, NULL, &c, &errs) < 0) {
		fprintf(stderr, "dpnodectl: the imported config is not valid:\n");
		dpn_conf_errors_print(&errs, stderr);
		dpn_conf_errors_free(&errs);
		json_decref(out);
		return CTL_EXIT_USAGE;
	}
	dpn_conf_free(&c);
	json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(out);
	return 0;
}

/* A module's state file as dpnoded would read it (snapshot + journals),
 * read-only: what a restarted dpnoded would adopt. */
static int cmd_state(const char *path)
{
	struct dpn_err err = {0};
	json_t *ports;
	long long gen;
	unsigned lines;
	bool damaged;

	if (dpn_state_read(path, &ports, &gen, &lines, &damaged, &err) < 0) {
		fprintf(stderr, "dpnodectl: %s\n", err.msg);
		return CTL_EXIT_FAIL;
	}
	json_t *j = json_pack("{s:I, s:I, s:b, s:s?, s:o}", "generation", (json_int_t)gen,
	        "journal_lines", (json_int_t)lines, "damaged", damaged, "note",
	        err.msg[0] ? err.msg : NULL, "ports", ports);
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	putchar('\n');
	json_decref(j);
	return 0;
}

/* Any API method with JSON params: for scripts and debugging. */
static int cmd_call(const char *method, const char *params)
{
	json_error_t jerr;
	json_t *p = params ? json_loads(params, 0, &jerr) : NULL, *r;

	if (params && !json_is_object(p)) {
		fprintf(stderr, "dpnodectl call: params must be a JSON object%s%s\n", p ? "" : ": ",
		        p ? "" : jerr.text);
		json_decref(p);
		return CTL_EXIT_USAGE;
	}
	r = ctl_call(method, p);
	if (!r)
		return CTL_EXIT_FAIL;
	json_dumpf(r, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(r);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"sock", required_argument, NULL, 's'},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	int c;

	sock_path = getenv("DPNODE_SOCK") ?: DPN_API_DEFAULT_SOCKET;
	while ((c = getopt_long(argc, argv, "+s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sock_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "status"))
		return ctl_status(argc, argv);
	if (!strcmp(argv[0], "vhost"))
		return ctl_vhost(argc, argv);
	if (!strcmp(argv[0], "vfs"))
		return ctl_vfs(argc, argv);
	if (!strcmp(argv[0], "sriov"))
		return ctl_sriov(argc, argv);
	if (!strcmp(argv[0], "resources"))
		return ctl_resources(argc, argv);
	if (!strcmp(argv[0], "ovs") && argc == 2 && !strcmp(argv[1], "restart"))
		return ctl_ovs_restart();
	if (!strcmp(argv[0], "offload"))
		return ctl_offload(argc, argv);
	if (!strcmp(argv[0], "ready"))
		return ctl_ready(argc, argv);
	if (!strcmp(argv[0], "doctor"))
		return ctl_doctor(argc, argv);
	if (!strcmp(argv[0], "config") && argc == 3 && !strcmp(argv[1], "check"))
		return cmd_config_check(argv[2]);
	if (!strcmp(argv[0], "config") && argc == 3 && !strcmp(argv[1], "paths"))
		return cmd_config_paths(argv[2]);
	if (!strcmp(argv[0], "config") && argc == 3 && !strcmp(argv[1], "import-kubeovn"))
		return cmd_import_kubeovn(argv[2]);
	if ((!strcmp(argv[0], "reconcile") || !strcmp(argv[0], "ping")) && argc == 1)
		return cmd_call(argv[0], NULL);
	if (!strcmp(argv[0], "state") && argc == 2)
		return cmd_state(argv[1]);
	if (!strcmp(argv[0], "call") && (argc == 2 || argc == 3))
		return cmd_call(argv[1], argc == 3 ? argv[2] : NULL);
	usage(stderr);
	return CTL_EXIT_USAGE;
}
