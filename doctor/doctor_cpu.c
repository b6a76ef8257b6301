/* The doctor's placement checks: PMD cores (NUMA of the NICs, isolation
 * from the kernel scheduler and kubelet), mount propagation where bind
 * mounts must reach the host, and the vhost socket directory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doctor_priv.h"

static int read_list(const struct dpn_doctor_env *e, const char *path, struct dpn_cpuset *s)
{
	char buf[1024];
	dpn_cpuset_zero(s);
	if (doc_read(e, path, buf, sizeof(buf)) < 0)
		return -ENOENT;
	return buf[0] ? dpn_cpuset_parse_list(buf, s) : 0;
}

/* CPUs the scheduler keeps off: isolated (isolcpus) or nohz_full */
static void isolated(const struct dpn_doctor_env *e, struct dpn_cpuset *iso)
{
	struct dpn_cpuset nohz;
	read_list(e, "/sys/devices/system/cpu/isolated", iso);
	if (read_list(e, "/sys/devices/system/cpu/nohz_full", &nohz) == 0)
		for (unsigned c = 0; c < DPN_MAX_CPUS; c++)
			if (dpn_cpuset_isset(&nohz, c))
				dpn_cpuset_set(iso, c);
}

/* kubelet's shared pool (static CPU manager): pods without exclusive CPUs run there */
static int kubelet_shared(const struct dpn_doctor_env *e, struct dpn_cpuset *shared)
{
	char p[1024];
	doc_path(e, "/var/lib/kubelet/cpu_manager_state", p, sizeof(p));
	json_t *j = json_load_file(p, 0, NULL);
	const char *pol = json_string_value(json_object_get(j, "policyName"));
	const char *def = json_string_value(json_object_get(j, "defaultCpuSet"));
	int ret =
	        pol && !strcmp(pol, "static") && def ? dpn_cpuset_parse_list(def, shared) : -ENOENT;
	json_decref(j);
	return ret;
}

/* the NUMA nodes of the uplink NICs, as a set */
static int nic_nodes(
        const struct dpn_doctor_env *e, struct dpn_cpuset *nodes, char *names, size_t len)
{
	const struct dpn_uplink_conf *u = &e->conf->uplink;
	int n = 0;
	size_t w = 0;

	dpn_cpuset_zero(nodes);
	for (int i = 0; i < u->n_ports; i++) {
		char path[128], v[16];
		if (!u->ports[i].pci[0])
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/numa_node", u->ports[i].pci);
		int node = doc_read(e, path, v, sizeof(v)) == 0 ? atoi(v) : -1;
		dpn_cpuset_set(nodes, node < 0 ? 0 : node); /* -1: a one-node machine */
		w += snprintf(names + w, w < len ? len - w : 0, "%s%s on NUMA %d", w ? ", " : "",
		        u->ports[i].pci, node < 0 ? 0 : node);
		n++;
	}
	return n;
}

static bool on_nodes(const struct dpn_doctor_env *e, unsigned cpu, const struct dpn_cpuset *nodes)
{
	for (unsigned node = 0; node < DPN_MAX_NUMA; node++) {
		char path[96];
		struct dpn_cpuset cpus;
		if (!dpn_cpuset_isset(nodes, node))
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%u/cpulist", node);
		if (read_list(e, path, &cpus) < 0 ? node == 0 : dpn_cpuset_isset(&cpus, cpu))
			return true;
	}
	return false;
}

void doc_pmd_cores(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f)
{
	const struct dpn_dpdk_conf *d = &e->conf->ovs.dpdk;
	struct dpn_cpuset iso, shared, nodes;
	char pmd[256], nics[512] = "", bad_numa[256] = "", not_iso[256] = "", in_pool[256] = "";
	bool have_shared = kubelet_shared(e, &shared) == 0;
	int n_nics = nic_nodes(e, &nodes, nics, sizeof(nics));

	if (!d->has_pmd) {
		doc_set(f, DPN_DOCTOR_WARN,
		        "set ovs.dpdk.pmd_cores to isolated cores on the NICs' NUMA nodes",
		        "no ovs.dpdk.pmd_cores: OVS puts a PMD on the lowest core of each NUMA "
		        "node, "
		        "shared with everything else");
		return;
	}
	isolated(e, &iso);
	dpn_cpuset_format_list(&d->pmd, pmd, sizeof(pmd));
	for (unsigned c = 0; c < DPN_MAX_CPUS; c++) {
		if (!dpn_cpuset_isset(&d->pmd, c))
			continue;
		char *lists[] = {bad_numa, not_iso, in_pool};
		bool hit[] = {n_nics && !on_nodes(e, c, &nodes), !dpn_cpuset_isset(&iso, c),
		        have_shared && dpn_cpuset_isset(&shared, c)};
		for (int k = 0; k < 3; k++)
			if (hit[k])
				snprintf(lists[k] + strlen(lists[k]), 256 - strlen(lists[k]),
				        "%s%u", lists[k][0] ? "," : "", c);
	}
	if (bad_numa[0])
		doc_set(f, DPN_DOCTOR_FAIL,
		        "put pmd_cores on the NICs' NUMA node (cross-NUMA "
		        "polling costs every packet a remote memory access)",
		        "PMD cores %s; %s: core(s) %s on another NUMA node", pmd, nics, bad_numa);
	else if (in_pool[0] || not_iso[0])
		doc_set(f, DPN_DOCTOR_WARN,
		        "isolate the PMD cores (isolcpus= or nohz_full= on the kernel command "
		        "line) "
		        "and keep them out of kubelet's pool (reservedSystemCPUs)",
		        "PMD cores %s%s%s%s%s%s", pmd,
		        not_iso[0] ? "; not isolated from the scheduler: " : "", not_iso,
		        in_pool[0] ? "; in kubelet's shared CPU pool: " : "", in_pool,
		        n_nics ? "" : "; no PCI uplink to place them by");
	else
		doc_set(f, DPN_DOCTOR_PASS, NULL, "PMD cores %s isolated%s%s", pmd,
		        n_nics ? ", beside " : "", nics);
}
