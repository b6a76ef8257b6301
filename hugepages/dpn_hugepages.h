/* dpnode: hugepage pools per NUMA node and page size. */
#ifndef DPN_HUGEPAGES_H
#define DPN_HUGEPAGES_H

#include <jansson.h>

#include "dpn_conf_hugepages.h"
#include "dpn_module.h"

struct dpn_hp_pool {
	int node;
	unsigned long page_kb;
	long total;
	long free;
	long requested; /* pages the config asks for, -1 when not managed */
};

struct dpn_hp_plan_entry {
	int node;
	long want;    /* pages the config asks for */
	long target;  /* pages to write: never below what is in use */
	bool limited; /* target > want because pages are in use */
};

/* Where sysfs/procfs live ("" on a real system; a temp tree in tests). */
void dpn_hp_set_root(const char *root);
/* Reads every pool of every node. Returns the count, or -errno. */
int dpn_hp_read(struct dpn_hp_pool *pools, int max);
/* Pure: computes per-node targets from config and the current pools. */
int dpn_hp_plan(const struct dpn_hugepages_conf *c, const struct dpn_hp_pool *pools, int n,
        struct dpn_hp_plan_entry *plan, int max);
/* Plans, writes nr_hugepages, reads back, mounts hugetlbfs when missing.
 * Returns 0 when every node got what it asked for, -ENOMEM when the kernel
 * gave fewer pages (logged as requested/obtained), other -errno on failure. */
int dpn_hp_apply(const struct dpn_hugepages_conf *c);
/* Status: [{numa, size_kb, total, free, requested}] */
json_t *dpn_hp_status(const struct dpn_hugepages_conf *c);

/* The module: applies the hugepages section once at start; status keys
 * "hugepages" and "hugepages_ok", degraded while a node has fewer pages
 * than asked for. */
extern const struct dpn_module dpn_hugepages_module;

#endif
