/* dpnodectl doctor: is this node ready for the DPDK datapath, and if not,
 * what to do. Reads the host itself (dpnoded need not run). */
#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dpn_doctor.h"
#include "dpn_jsonrpc.h"
#include "dpnodectl.h"

static json_t *quiet_status(void)
{
	struct dpn_err err = {0};
	json_t *res = NULL;
	const char *sock = getenv("DPNODE_SOCK") ?: DPN_API_DEFAULT_SOCKET;
	return dpn_api_call(sock, "status", NULL, 3000, &res, &err) == 0 ? res : NULL;
}

/* Debian's DPDK puts its PMDs in one versioned directory */
static void find_pmd_dir(char *out, size_t len)
{
	glob_t g;
	snprintf(out, len, "/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0");
	if (glob("/usr/lib/*/dpdk/pmds-*", 0, NULL, &g) == 0 && g.gl_pathc)
		snprintf(out, len, "%s", g.gl_pathv[g.gl_pathc - 1]);
	globfree(&g);
}

static int load_conf(const char *path, bool given, struct dpn_conf *c)
{
	struct dpn_conf_errors errs = {0};
	if (!given && access(path, F_OK) < 0) {
		dpn_conf_init(c); /* no config: what dpnoded's defaults would do */
		return 0;
	}
	if (dpn_conf_load_file(path, NULL, c, &errs) < 0) {
		fprintf(stderr, "dpnodectl doctor: %s is not a valid config:\n", path);
		dpn_conf_errors_print(&errs, stderr);
		dpn_conf_errors_free(&errs);
		return -1;
	}
	return 0;
}

static void print_text(json_t *res)
{
	json_t *r;
	size_t i;
	json_array_foreach (res, i, r) {
		const char *fix = json_string_value(json_object_get(r, "fix"));
		char up[8];
		snprintf(up, sizeof(up), "%s", json_string_value(json_object_get(r, "result")));
		for (char *c = up; *c; c++)
			*c = *c - 'a' + 'A';
		printf("%-5s %-18s %s\n", up, json_string_value(json_object_get(r, "check")),
		        json_string_value(json_object_get(r, "saw")));
		if (fix && *fix)
			printf("      %-18s fix: %s\n", "", fix);
	}
}

int ctl_doctor(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	        {"config", required_argument, NULL, 'c'}, {"root", required_argument, NULL, 'r'},
	        {"pmd-dir", required_argument, NULL, 'p'}, {0}};
	const char *conf_path = DPN_CONF_DEFAULT_PATH, *root = "";
	char pmd_dir[512] = "";
	bool json = false, given = false;
	int o;

	optind = 1;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'j')
			json = true;
		else if (o == 'c')
			conf_path = optarg, given = true;
		else if (o == 'r')
			root = optarg;
		else if (o == 'p')
			snprintf(pmd_dir, sizeof(pmd_dir), "%s", optarg);
		else {
			fprintf(stderr, "usage: dpnodectl doctor [--json] [--config FILE] "
			                "[--root DIR] [--pmd-dir DIR]\n");
			return CTL_EXIT_USAGE;
		}
	}
	struct dpn_conf conf;
	if (load_conf(conf_path, given, &conf) < 0)
		return CTL_EXIT_USAGE;
	if (!pmd_dir[0])
		find_pmd_dir(pmd_dir, sizeof(pmd_dir));
	struct dpn_nic_table nics = {0};
	struct dpn_inventory inv = {0};
	struct dpn_err err = {0};
	bool have_nics = dpn_nic_table_load(dpn_nic_table_path(), &nics, &err) == 0;
	if (have_nics)
		dpn_sriov_scan(&nics, &inv, &err);
	struct dpn_doctor_env env = {.root = root,
	        .conf = &conf,
	        .nics = have_nics ? &nics : NULL,
	        .inv = &inv,
	        .pmd_dir = pmd_dir,
	        .status = quiet_status()};
	json_t *res = dpn_doctor_run(&env);
	int fails = 0;
	json_t *r;
	size_t i;
	json_array_foreach (res, i, r)
		fails += !strcmp(json_string_value(json_object_get(r, "result")), "fail");
	if (json)
		json_dumpf(json_pack("{s:O, s:i}", "checks", res, "failed", fails), stdout,
		        JSON_INDENT(2)),
		        fputc('\n', stdout);
	else
		print_text(res);
	json_decref(res);
	json_decref(env.status);
	dpn_inventory_free(&inv);
	if (have_nics)
		dpn_nic_table_free(&nics);
	dpn_conf_free(&conf);
	return fails ? CTL_EXIT_FAIL : 0;
}
