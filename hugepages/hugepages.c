/* Hugepage pools: plan from config, apply through sysfs, mount hugetlbfs. */
#include <dirent.h>
#include <errno.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#define DPN_LOG_MOD "hugepages"
#include "dpn_hugepages.h"
#include "dpn_log.h"
#include "dpn_util.h"

static char root[256] = "";

void dpn_hp_set_root(const char *r)
{
	snprintf(root, sizeof(root), "%s", r);
}

static int read_pool(int node, unsigned long kb, struct dpn_hp_pool *p)
{
	char path[512];
	int ret;

	p->node = node;
	p->page_kb = kb;
	p->requested = -1;
	snprintf(path, sizeof(path),
	        "%s/sys/devices/system/node/node%d/hugepages/hugepages-%lukB/"
	        "nr_hugepages",
	        root, node, kb);
	if ((ret = dpn_read_count(path, &p->total)) < 0)
		return ret;
	snprintf(path, sizeof(path),
	        "%s/sys/devices/system/node/node%d/hugepages/hugepages-%lukB/"
	        "free_hugepages",
	        root, node, kb);
	return dpn_read_count(path, &p->free);
}

int dpn_hp_read(struct dpn_hp_pool *pools, int max)
{
	char path[1024];
	struct dirent *nd, *hd;
	DIR *ndir, *hdir;
	int n = 0;

	if (dpn_snprintf(path, sizeof(path), "%s/sys/devices/system/node", root) < 0)
		return -ENAMETOOLONG;
	ndir = opendir(path);
	if (!ndir)
		return -errno;
	while ((nd = readdir(ndir)) && n < max) {
		int node;
		if (sscanf(nd->d_name, "node%d", &node) != 1)
			continue;
		if (dpn_snprintf(path, sizeof(path), "%s/sys/devices/system/node/%s/hugepages",
		            root, nd->d_name) < 0)
			continue; /* not a node name the kernel makes */
		hdir = opendir(path);
		if (!hdir)
			continue;
		while ((hd = readdir(hdir)) && n < max) {
			unsigned long kb;
			if (sscanf(hd->d_name, "hugepages-%lukB", &kb) != 1)
				continue;
			if (read_pool(node, kb, &pools[n]) == 0)
				n++;
		}
		closedir(hdir);
	}
	closedir(ndir);
	/* Stable order: node, then page size. */
	for (int i = 1; i < n; i++) {
		for (int j = i; j > 0; j--) {
			struct dpn_hp_pool *a = &pools[j - 1], *b = &pools[j];
			if (a->node < b->node || (a->node == b->node && a->page_kb <= b->page_kb))
				break;
			struct dpn_hp_pool t = *a;
			*a = *b;
			*b = t;
		}
	}
	return n;
}

int dpn_hp_plan(const struct dpn_hugepages_conf *c, const struct dpn_hp_pool *pools, int n,
        struct dpn_hp_plan_entry *plan, int max)
{
	int k = 0;

	for (int node = 0; node < c->n_nodes && k < max; node++) {
		const struct dpn_hp_pool *cur = NULL;
		for (int i = 0; i < n; i++)
			if (pools[i].node == node && pools[i].page_kb == c->page_kb)
				cur = &pools[i];
		if (!cur)
			return -ENOENT; /* no such node or page size on this machine */
		long want = c->mb[node] * 1024 / (long)c->page_kb;
		long in_use = cur->total - cur->free;
		plan[k].node = node;
		plan[k].want = want;
		plan[k].target = want < in_use ? in_use : want;
		plan[k].limited = want < in_use;
		k++;
	}
	return k;
}

static bool is_hugetlbfs_mount(const char *dir, unsigned long page_kb)
{
	char path[512], opt[32];
	struct mntent *m, ent;
	char buf[1024];
	bool found = false;
	FILE *f;

	if (dpn_snprintf(path, sizeof(path), "%s/proc/mounts", root) < 0)
		return false;
	f = setmntent(path, "r");
	if (!f)
		return false;
	snprintf(opt, sizeof(opt), "pagesize=%luM", page_kb / 1024);
	while ((m = getmntent_r(f, &ent, buf, sizeof(buf)))) {
		if (strcmp(m->mnt_type, "hugetlbfs") || strcmp(m->mnt_dir, dir))
			continue;
		/* No pagesize option means the default size (2M on x86). */
		found = hasmntopt(m, opt) || (!hasmntopt(m, "pagesize") && page_kb == 2048) ||
		        (page_kb == 1048576 && hasmntopt(m, "pagesize=1024M"));
		break;
	}
	endmntent(f);
	return found;
}

static int ensure_mount(const struct dpn_hugepages_conf *c)
{
	char opts[32];
	int ret;

	if (is_hugetlbfs_mount(c->mount, c->page_kb))
		return 0;
	if (root[0]) /* test trees never mount */
		return 0;
	if ((ret = dpn_mkdir_p(c->mount, 0755)) < 0) {
		LOG_ERR("mkdir %s: %s", c->mount, strerror(-ret));
		return ret;
	}
	snprintf(opts, sizeof(opts), "pagesize=%luM", c->page_kb / 1024);
	if (mount("nodev", c->mount, "hugetlbfs", 0, opts) < 0) {
		LOG_ERR("mount hugetlbfs (%s) on %s: %s", opts, c->mount, strerror(errno));
		return -errno;
	}
	LOG_INFO("mounted hugetlbfs (%s) on %s", opts, c->mount);
	return 0;
}

int dpn_hp_apply(const struct dpn_hugepages_conf *c)
{
	struct dpn_hp_pool pools[64], now;
	struct dpn_hp_plan_entry plan[DPN_MAX_NUMA];
	char path[512], val[32];
	int n, k, ret = 0;

	if (!c->manage)
		return 0;
	n = dpn_hp_read(pools, DPN_ARRAY_SIZE(pools));
	if (n < 0) {
		LOG_ERR("cannot read hugepage pools: %s", strerror(-n));
		return n;
	}
	k = dpn_hp_plan(c, pools, n, plan, DPN_ARRAY_SIZE(plan));
	if (k < 0) {
		LOG_ERR("no %lukB hugepage pool on a configured NUMA node", c->page_kb);
		return k;
	}
	for (int i = 0; i < k; i++) {
		if (plan[i].limited)
			LOG_WARN("node %d: %ld pages in use, keeping %ld instead of shrinking to "
			         "%ld",
			        plan[i].node, plan[i].target, plan[i].target, plan[i].want);
		snprintf(path, sizeof(path),
		        "%s/sys/devices/system/node/node%d/hugepages/"
		        "hugepages-%lukB/nr_hugepages",
		        root, plan[i].node, c->page_kb);
		snprintf(val, sizeof(val), "%ld", plan[i].target);
		int w = dpn_write_file(path, val);
		if (w < 0) {
			LOG_ERR("node %d: write %s: %s", plan[i].node, path, strerror(-w));
			ret = w;
			continue;
		}
		if (read_pool(plan[i].node, c->page_kb, &now) < 0)
			continue;
		LOG_INFO("node %d: %lukB pages requested/obtained %ld/%ld", plan[i].node,
		        c->page_kb, plan[i].target, now.total);
		if (now.total < plan[i].want && ret == 0)
			ret = -ENOMEM;
	}
	int m = ensure_mount(c);
	return ret ? ret : m;
}

json_t *dpn_hp_status(const struct dpn_hugepages_conf *c)
{
	struct dpn_hp_pool pools[64];
	json_t *arr = json_array();
	int n = dpn_hp_read(pools, DPN_ARRAY_SIZE(pools));

	for (int i = 0; i < n; i++) {
		long req = -1;
		if (c && c->manage && pools[i].page_kb == c->page_kb && pools[i].node < c->n_nodes)
			req = c->mb[pools[i].node] * 1024 / (long)c->page_kb;
		json_array_append_new(arr,
		        json_pack("{s:i, s:I, s:I, s:I, s:I}", "numa", pools[i].node, "size_kb",
		                (json_int_t)pools[i].page_kb, "total", (json_int_t)pools[i].total,
		                "free", (json_int_t)pools[i].free, "requested", (json_int_t)req));
	}
	return arr;
}
