/* The doctor's host checks: IOMMU, vfio-pci, hugepages, PMD cores, mount
 * propagation and the vhost socket directory. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doctor_priv.h"

void doc_set(struct dpn_doctor_finding *f, enum dpn_doctor_result r, const char *fix,
        const char *saw_fmt, ...)
{
	va_list ap;
	f->result = r;
	va_start(ap, saw_fmt);
	vsnprintf(f->saw, sizeof(f->saw), saw_fmt, ap);
	va_end(ap);
	/* a fix only where there is something to fix */
	snprintf(f->fix, sizeof(f->fix), "%s",
	        (r != DPN_DOCTOR_WARN && r != DPN_DOCTOR_FAIL) || !fix ? "" : fix);
}

int doc_path(const struct dpn_doctor_env *e, const char *path, char *buf, size_t len)
{
	return dpn_snprintf(buf, len, "%s%s", e->root ? e->root : "", path);
}

int doc_read(const struct dpn_doctor_env *e, const char *path, char *buf, size_t len)
{
	char p[1024];
	int ret = doc_path(e, path, p, sizeof(p));
	if (ret < 0 || (ret = dpn_read_file(p, buf, len)) < 0)
		return ret;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Does this config hand PCI devices to DPDK or to pods (then IOMMU and vfio matter)? */
static bool needs_pci(const struct dpn_conf *c)
{
	for (int i = 0; i < c->uplink.n_ports; i++)
		if (c->uplink.ports[i].pci[0])
			return true;
	return c->devplugin.enabled || c->sriov.n_pfs > 0;
}

static int count_entries(const struct dpn_doctor_env *e, const char *dir)
{
	char p[1024];
	struct dirent *d;
	int n = 0;
	DIR *dh;

	if (doc_path(e, dir, p, sizeof(p)) < 0 || !(dh = opendir(p)))
		return -1;
	while ((d = readdir(dh)))
		n += d->d_name[0] != '.';
	closedir(dh);
	return n;
}

void doc_iommu(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f)
{
	static const char fix[] =
	        "add intel_iommu=on iommu=pt (AMD: amd_iommu=on) to the kernel "
	        "command line and reboot; in a VM without a vIOMMU only vfio's "
	        "no-IOMMU mode works (modprobe vfio enable_unsafe_noiommu_mode=1)";
	char cmdline[4096] = "", noiommu[8] = "";
	int groups = count_entries(e, "/sys/kernel/iommu_groups");

	doc_read(e, "/proc/cmdline", cmdline, sizeof(cmdline));
	doc_read(e, "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode", noiommu,
	        sizeof(noiommu));
	bool asked = strstr(cmdline, "intel_iommu=on") || strstr(cmdline, "amd_iommu=on");
	if (groups > 0)
		doc_set(f, DPN_DOCTOR_PASS, NULL, "%d IOMMU groups%s", groups,
		        asked ? "; the kernel command line turns the IOMMU on" : "");
	else if (noiommu[0] == 'Y' || noiommu[0] == '1')
		doc_set(f, DPN_DOCTOR_WARN, fix,
		        "no IOMMU groups; vfio runs in no-IOMMU mode (devices can DMA anywhere)");
	else
		doc_set(f, needs_pci(e->conf) ? DPN_DOCTOR_FAIL : DPN_DOCTOR_SKIP, fix,
		        "no IOMMU groups, vfio no-IOMMU mode off%s%s",
		        asked ? " (the command line asks for an IOMMU the hardware did not give)"
		              : "",
		        needs_pci(e->conf) ? "" : "; this config uses no PCI device");
}

void doc_vfio(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f)
{
	char p[1024];
	struct stat sb;

	doc_path(e, "/sys/bus/pci/drivers/vfio-pci", p, sizeof(p));
	bool drv = stat(p, &sb) == 0;
	doc_path(e, "/sys/module/vfio_pci", p, sizeof(p));
	bool mod = stat(p, &sb) == 0;
	if (drv || mod)
		doc_set(f, DPN_DOCTOR_PASS, NULL, "vfio-pci is loaded");
	else
		doc_set(f, needs_pci(e->conf) ? DPN_DOCTOR_FAIL : DPN_DOCTOR_SKIP,
		        "modprobe vfio-pci, and list it in /etc/modules-load.d/ to survive reboots",
		        "vfio-pci is not loaded%s",
		        needs_pci(e->conf) ? "" : " (this config uses no PCI device)");
}

static long pool_mb(const struct dpn_doctor_env *e, int node, const char *what)
{
	char path[256], v[32];
	unsigned long kb = e->conf->hugepages.page_kb ? e->conf->hugepages.page_kb : 2048;
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/hugepages/hugepages-%lukB/%s",
	        node, kb, what);
	if (doc_read(e, path, v, sizeof(v)) < 0)
		return -1;
	return strtol(v, NULL, 10) * (long)kb / 1024;
}

void doc_hugepages(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f)
{
	const struct dpn_dpdk_conf *d = &e->conf->ovs.dpdk;
	char saw[600] = "";
	size_t n = 0;
	bool short_ = false;
	bool running = json_is_true(json_object_get(e->status, "dpdk_initialized"));

	for (int i = 0; i < d->n_socket_mem; i++) {
		long want = d->socket_mem[i], fr = pool_mb(e, i, "free_hugepages"),
		     tot = pool_mb(e, i, "nr_hugepages");
		/* a running OVS has taken its share: then the pool must hold it */
		long have = running ? tot : fr;
		if (want > 0 && have < want)
			short_ = true;
		n += snprintf(saw + n, n < sizeof(saw) ? sizeof(saw) - n : 0,
		        "%sNUMA %d: socket_mem %ld MB, %ld MB %s", n ? "; " : "", i, want, have,
		        running ? "in the pool (OVS holds its share)" : "free");
	}
	if (!d->n_socket_mem)
		doc_set(f, DPN_DOCTOR_SKIP, NULL, "no ovs.dpdk.socket_mem in the config");
	else
		doc_set(f, short_ ? DPN_DOCTOR_FAIL : DPN_DOCTOR_PASS,
		        "give hugepages.mb_per_numa at least ovs.dpdk.socket_mem per NUMA node "
		        "(dpnoded reserves them), or free pages other processes hold",
		        "%s", saw);
}
