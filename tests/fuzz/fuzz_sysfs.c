/* Kernel and cgroup attribute files as dpnoded and dpnode-app read them
 * (values a driver, a container runtime or a test tree could put there).
 * Parts in order: cpu/online, node/online, node0's nr_hugepages and
 * free_hugepages (2 MB pool), /proc/mounts, the pod cgroup's
 * cpuset.cpus.effective and hugetlb.2MB.max, then one line each for a
 * representor's phys_port_name, a mountinfo mount point and an OVS CPU mask. */
#include <stdlib.h>
#include <string.h>

#include "dpn_app.h"
#include "dpn_conf.h"
#include "dpn_hugepages.h"
#include "dpn_sriov.h"
#include "dpn_vhost.h"
#include "fuzz.h"

enum { CPU_ONLINE, NODE_ONLINE, NR_HP, FREE_HP, MOUNTS, CG_CPUS, CG_HUGETLB, LINES, N_PARTS };

static char root[256], pool[512], app_pool[512], cg[512];

static void tree(void)
{
	char d[600];
	snprintf(root, sizeof(root), "%s/root", fz_tmpdir());
	snprintf(pool, sizeof(pool), "%s/sys/devices/system/node/node0/hugepages/hugepages-2048kB",
	        root);
	dpn_mkdir_p(pool, 0700);
	snprintf(d, sizeof(d), "%s/sys/devices/system/cpu", root);
	dpn_mkdir_p(d, 0700);
	snprintf(app_pool, sizeof(app_pool), "%s/sys/kernel/mm/hugepages/hugepages-2048kB", root);
	dpn_mkdir_p(app_pool, 0700); /* what dpnode-app reads in a pod */
	snprintf(d, sizeof(d), "%s/proc", root);
	dpn_mkdir_p(d, 0700);
	snprintf(cg, sizeof(cg), "%s/cgroup", root);
	dpn_mkdir_p(cg, 0700);
	dpn_hp_set_root(root);
}

static void lines(char *text)
{
	char *save = NULL, *l;
	int c, pf, vf;
	struct dpn_cpuset s;
	char list[512];

	if ((l = strtok_r(text, "\n", &save)))
		dpn_sriov_parse_port_name(l, &c, &pf, &vf);
	if ((l = strtok_r(NULL, "\n", &save)))
		dpn_mountinfo_unescape(l);
	if ((l = strtok_r(NULL, "\n", &save)) && dpn_cpuset_parse_mask(l, &s) == 0)
		dpn_cpuset_format_list(&s, list, sizeof(list));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dpn_hugepages_conf hc = {.manage = true,
	        .page_kb = 2048,
	        .n_nodes = 1,
	        .mb = {64},
	        .mount = "/dev/hugepages"};
	struct dpn_app_env ae = {.sysfs = root, .cgroup = cg, .file_prefix = "fz", .queues = 1};
	struct dpn_machine m;
	struct dpn_cpuset cpus;
	struct fz_parts p;
	char d[600];

	fz_quiet();
	if (!root[0])
		tree();
	fz_split(data, size, N_PARTS, &p);
	snprintf(d, sizeof(d), "%s/sys/devices/system/cpu", root);
	fz_write(d, "online", p.part[CPU_ONLINE], p.len[CPU_ONLINE]);
	snprintf(d, sizeof(d), "%s/sys/devices/system/node", root);
	fz_write(d, "online", p.part[NODE_ONLINE], p.len[NODE_ONLINE]);
	fz_write(pool, "nr_hugepages", p.part[NR_HP], p.len[NR_HP]);
	fz_write(pool, "free_hugepages", p.part[FREE_HP], p.len[FREE_HP]);
	fz_write(app_pool, "free_hugepages", p.part[FREE_HP], p.len[FREE_HP]);
	snprintf(d, sizeof(d), "%s/proc", root);
	fz_write(d, "mounts", p.part[MOUNTS], p.len[MOUNTS]);
	fz_write(cg, "cpuset.cpus.effective", p.part[CG_CPUS], p.len[CG_CPUS]);
	fz_write(cg, "hugetlb.2MB.max", p.part[CG_HUGETLB], p.len[CG_HUGETLB]);

	dpn_machine_probe(root, &m);
	json_decref(dpn_hp_status(&hc));
	dpn_hp_apply(&hc);
	dpn_app_cpus(&ae, &cpus);
	dpn_app_hugepage_mb(&ae);
	lines(p.part[LINES]);
	fz_parts_free(&p);
	return 0;
}
