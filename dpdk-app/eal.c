/* EAL arguments from discovered devices and what the pod's cgroup allows. */
#include <errno.h>
#include <libgen.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dpn_app.h"

#define DEFAULT_MEM_MB 512

static int read_list(const char *path, struct dpn_cpuset *s)
{
	char buf[1024];
	int ret = dpn_read_file(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] ? dpn_cpuset_parse_list(buf, s) : -ENOENT;
}

int dpn_app_cpus(const struct dpn_app_env *e, struct dpn_cpuset *cpus)
{
	struct dpn_cpuset cg, aff;
	char path[512];
	cpu_set_t set;
	bool have_cg;

	/* cgroup v2 (with the pod's cgroup namespace), then v1 */
	if (dpn_snprintf(path, sizeof(path), "%s/cpuset.cpus.effective", e->cgroup) < 0)
		return -ENAMETOOLONG;
	have_cg = read_list(path, &cg) == 0;
	if (!have_cg) {
		if (dpn_snprintf(path, sizeof(path), "%s/cpuset/cpuset.effective_cpus", e->cgroup) <
		        0)
			return -ENAMETOOLONG;
		have_cg = read_list(path, &cg) == 0;
	}
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return -errno;
	dpn_cpuset_zero(&aff);
	for (unsigned c = 0; c < CPU_SETSIZE && c < DPN_MAX_CPUS; c++)
		if (CPU_ISSET(c, &set))
			dpn_cpuset_set(&aff, c);
	/* the affinity mask binds too (taskset, a runtime pinning threads) */
	dpn_cpuset_zero(cpus);
	for (unsigned c = 0; have_cg && c < DPN_MAX_CPUS; c++)
		if (dpn_cpuset_isset(&cg, c) && dpn_cpuset_isset(&aff, c))
			dpn_cpuset_set(cpus, c);
	if (!have_cg || dpn_cpuset_count(cpus) == 0)
		*cpus = aff;
	return 0;
}

/* A hugetlb limit in bytes; -1 when unlimited or unknown. */
static long long read_limit(const char *path)
{
	char buf[64];
	if (dpn_read_file(path, buf, sizeof(buf)) < 0 || !strncmp(buf, "max", 3))
		return -1;
	long long v = strtoll(buf, NULL, 10);
	return v < 0 ? -1 : v; /* garbage reads as no limit, never as a negative size */
}

long dpn_app_hugepage_mb(const struct dpn_app_env *e)
{
	static const struct {
		const char *v2, *v1, *pool;
		long page_kb;
	} sizes[] = {
	        {"hugetlb.2MB.max", "hugetlb/hugetlb.2MB.limit_in_bytes", "hugepages-2048kB", 2048},
	        {"hugetlb.1GB.max", "hugetlb/hugetlb.1GB.limit_in_bytes", "hugepages-1048576kB",
	                1048576},
	};
	long total = 0;

	for (size_t i = 0; i < DPN_ARRAY_SIZE(sizes); i++) {
		char path[512];
		long freep = 0;
		if (dpn_snprintf(path, sizeof(path), "%s/sys/kernel/mm/hugepages/%s/free_hugepages",
		            e->sysfs, sizes[i].pool) < 0)
			return -ENAMETOOLONG;
		if (dpn_read_count(path, &freep) < 0)
			freep = 0;
		long long free_mb = (long long)freep * sizes[i].page_kb / 1024;
		if (dpn_snprintf(path, sizeof(path), "%s/%s", e->cgroup, sizes[i].v2) < 0)
			return -ENAMETOOLONG;
		long long lim = read_limit(path);
		if (lim < 0) {
			if (dpn_snprintf(path, sizeof(path), "%s/%s", e->cgroup, sizes[i].v1) < 0)
				return -ENAMETOOLONG;
			lim = read_limit(path);
		}
		long long mb = lim < 0 ? free_mb : lim / (1024 * 1024);
		total += mb < free_mb || lim >= 0 ? mb : free_mb;
	}
	return total;
}

static int check_pci(const struct dpn_app_env *e, const struct dpn_app_dev *x, struct dpn_err *err)
{
	char path[512];
	struct stat st;

	if (dpn_snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s", e->sysfs, x->pci) < 0)
		return -ENAMETOOLONG;
	if (stat(path, &st) < 0)
		return dpn_app_fail(
		        err, "%s: PCI device %s does not exist on this node", x->source, x->pci);
	if (dpn_snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s/driver", e->sysfs, x->pci) <
	        0)
		return -ENAMETOOLONG;
	if (lstat(path, &st) < 0)
		return dpn_app_fail(err,
		        "%s: PCI device %s has no driver (bind it to vfio-pci or its "
		        "kernel driver)",
		        x->source, x->pci);
	return 0;
}

static int check_vhost(const struct dpn_app_dev *x, struct dpn_err *err)
{
	char dir[sizeof(x->path)];
	struct stat st;

	if (!x->server) {
		if (stat(x->path, &st) < 0 || !S_ISSOCK(st.st_mode))
			return dpn_app_fail(err,
			        "%s: vhost-user socket %s does not exist (client mode needs "
			        "the peer's socket)",
			        x->source, x->path);
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s", x->path);
	if (stat(dirname(dir), &st) < 0 || !S_ISDIR(st.st_mode))
		return dpn_app_fail(err, "%s: directory of vhost-user socket %s does not exist",
		        x->source, x->path);
	return 0;
}

static int add(int *argc, char ***argv, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int add(int *argc, char ***argv, const char *fmt, ...)
{
	char **n = realloc(*argv, sizeof(char *) * (*argc + 2));
	va_list ap;

	if (!n)
		return -ENOMEM;
	*argv = n;
	va_start(ap, fmt);
	if (vasprintf(&n[*argc], fmt, ap) < 0)
		n[*argc] = NULL;
	va_end(ap);
	if (!n[*argc])
		return -ENOMEM;
	n[++*argc] = NULL;
	return 0;
}

int dpn_app_build_eal(const struct dpn_app_devs *d, const struct dpn_app_env *e, int *argc,
        char ***argv, struct dpn_err *err)
{
	struct dpn_cpuset cpus;
	char list[512];
	int n_pci = 0, n_vdev = 0;

	*argc = 0;
	*argv = NULL;
	if (d->n == 0)
		return dpn_app_fail(err, "no device: none in PCIDEVICE_* env, device-info files, "
		                         "network-status, --pci or --vhost");
	for (int i = 0; i < d->n; i++) {
		const struct dpn_app_dev *x = &d->dev[i];
		int ret = x->type == DPN_APP_PCI ? check_pci(e, x, err) : check_vhost(x, err);
		if (ret < 0)
			return ret;
	}
	if (dpn_app_cpus(e, &cpus) < 0 || dpn_cpuset_count(&cpus) == 0)
		return dpn_app_fail(err, "cannot tell which CPUs this pod may use");
	dpn_cpuset_format_list(&cpus, list, sizeof(list));
	long mb = dpn_app_hugepage_mb(e);
	if (add(argc, argv, "dpnode-app") || add(argc, argv, "-l") || add(argc, argv, "%s", list) ||
	        add(argc, argv, "--file-prefix=%s", e->file_prefix) ||
	        add(argc, argv, "--single-file-segments"))
		goto nomem;
	if (mb > 0) {
		if (add(argc, argv, "-m") ||
		        add(argc, argv, "%ld", mb < DEFAULT_MEM_MB ? mb : DEFAULT_MEM_MB))
			goto nomem;
	} else if (add(argc, argv, "--no-huge") || add(argc, argv, "-m") ||
	           add(argc, argv, "%d", DEFAULT_MEM_MB)) {
		goto nomem;
	}
	for (int i = 0; i < d->n; i++) {
		const struct dpn_app_dev *x = &d->dev[i];
		int q = x->queues ? x->queues : (e->queues ? e->queues : 1);
		if (x->type == DPN_APP_PCI) {
			if (add(argc, argv, "-a") || add(argc, argv, "%s", x->pci))
				goto nomem;
			n_pci++;
		} else if (add(argc, argv, "--vdev=virtio_user%d,path=%s,server=%d,queues=%d%s",
		                   n_vdev++, x->path, x->server, q,
		                   /* offered, used only if the backend has it: vhost's
		                    * packed-ring paths cost it far fewer cycles */
		                   x->split ? "" : ",packed_vq=1")) {
			goto nomem;
		}
	}
	if (!n_pci && add(argc, argv, "--no-pci"))
		goto nomem;
	return 0;
nomem:
	dpn_app_eal_free(*argc, *argv);
	return dpn_app_fail(err, "out of memory");
}

void dpn_app_eal_free(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}
