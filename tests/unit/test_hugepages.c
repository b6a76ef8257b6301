#include "testlib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dpn_conf.h"
#include "dpn_hugepages.h"
#include "dpn_module.h"
#include "dpn_util.h"

static char root[64];

static void put(const char *rel, const char *val)
{
	char path[512], cmd[600];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(val, f);
	fclose(f);
}

static long get(const char *rel)
{
	char path[512];
	long v;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(dpn_read_long(path, &v), 0);
	return v;
}

#define N0 "sys/devices/system/node/node0/hugepages/hugepages-2048kB/"
#define N1 "sys/devices/system/node/node1/hugepages/hugepages-2048kB/"
#define G0 "sys/devices/system/node/node0/hugepages/hugepages-1048576kB/"

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/dpn-hp-XXXXXX");
	assert_non_null(mkdtemp(root));
	put(N0 "nr_hugepages", "100\n");
	put(N0 "free_hugepages", "40\n"); /* 60 in use */
	put(N1 "nr_hugepages", "0\n");
	put(N1 "free_hugepages", "0\n");
	put(G0 "nr_hugepages", "2\n");
	put(G0 "free_hugepages", "2\n");
	put("proc/mounts", "nodev /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n");
	dpn_hp_set_root(root);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return t_rmtree(root);
}

static struct dpn_hugepages_conf conf(long mb0, long mb1)
{
	struct dpn_hugepages_conf c = {
	        .manage = true, .page_kb = 2048, .n_nodes = 2, .mb = {mb0, mb1}};
	strcpy(c.mount, "/dev/hugepages");
	return c;
}

static void reads_every_pool_sorted(void **state)
{
	struct dpn_hp_pool p[8];
	(void)state;
	assert_int_equal(dpn_hp_read(p, 8), 3);
	assert_int_equal(p[0].node, 0);
	assert_int_equal(p[0].page_kb, 2048);
	assert_int_equal(p[0].total, 100);
	assert_int_equal(p[0].free, 40);
	assert_int_equal(p[1].page_kb, 1048576);
	assert_int_equal(p[2].node, 1);
}

static void plan_grows_and_never_shrinks_below_use(void **state)
{
	struct dpn_hp_pool p[8];
	struct dpn_hp_plan_entry plan[2];
	int n = dpn_hp_read(p, 8);
	(void)state;

	struct dpn_hugepages_conf c = conf(512, 64);
	assert_int_equal(dpn_hp_plan(&c, p, n, plan, 2), 2);
	assert_int_equal(plan[0].target, 256);
	assert_false(plan[0].limited);
	assert_int_equal(plan[1].target, 32);

	c = conf(20, 0); /* 10 pages wanted, 60 in use */
	assert_int_equal(dpn_hp_plan(&c, p, n, plan, 2), 2);
	assert_int_equal(plan[0].want, 10);
	assert_int_equal(plan[0].target, 60);
	assert_true(plan[0].limited);
}

static void plan_unknown_node(void **state)
{
	struct dpn_hp_pool p[8];
	struct dpn_hp_plan_entry plan[3];
	int n = dpn_hp_read(p, 8);
	struct dpn_hugepages_conf c = conf(2, 2);
	(void)state;
	c.n_nodes = 3;
	assert_int_equal(dpn_hp_plan(&c, p, n, plan, 3), -ENOENT);
}

static void apply_writes_sysfs(void **state)
{
	struct dpn_hugepages_conf c = conf(256, 128);
	(void)state;
	assert_int_equal(dpn_hp_apply(&c), 0);
	assert_int_equal(get(N0 "nr_hugepages"), 128);
	assert_int_equal(get(N1 "nr_hugepages"), 64);
	/* applying again changes nothing */
	assert_int_equal(dpn_hp_apply(&c), 0);
	assert_int_equal(get(N0 "nr_hugepages"), 128);

	json_t *st = dpn_hp_status(&c);
	assert_int_equal(json_array_size(st), 3);
	json_t *n0 = json_array_get(st, 0);
	assert_int_equal(json_integer_value(json_object_get(n0, "requested")), 128);
	assert_int_equal(
	        json_integer_value(json_object_get(json_array_get(st, 1), "requested")), -1);
	json_decref(st);
}

/* The module's outcome in status: ok once applied, degraded when a pool
 * later holds fewer pages than asked (the error says which and how many),
 * degraded when the section cannot be applied at all. */
static const char *outcome(struct dpn_node *n, char *err, size_t len)
{
	static char state[32];
	json_t *st = dpn_node_status(n),
	       *m = json_object_get(json_object_get(st, "modules"), "hugepages");

	snprintf(state, sizeof(state), "%s", json_string_value(json_object_get(m, "state")));
	snprintf(err, len, "%s", json_string_value(json_object_get(m, "error")) ?: "");
	json_decref(st);
	return state;
}

static void module_outcome_in_status(void **state)
{
	struct dpn_conf c;
	struct dpn_err err = {0};
	char msg[256];
	(void)state;

	memset(&c, 0, sizeof(c));
	c.hugepages = conf(256, 128);
	struct dpn_node *n = dpn_node_new(NULL, &c, NULL, NULL, NULL);
	assert_int_equal(dpn_node_register(n, &dpn_hugepages_module), 0);
	assert_int_equal(dpn_node_init(n, &err), 0);
	assert_string_equal(outcome(n, msg, sizeof(msg)), "ok");
	put(N0 "nr_hugepages", "100\n"); /* the kernel took some back */
	assert_string_equal(outcome(n, msg, sizeof(msg)), "degraded");
	assert_string_equal(msg, "NUMA node 0: 100 of 128 2048 kB pages (the kernel gave fewer)");
	dpn_node_free(n);

	c.hugepages.page_kb = 1048576; /* no 1G pool on node 1 */
	n = dpn_node_new(NULL, &c, NULL, NULL, NULL);
	dpn_node_register(n, &dpn_hugepages_module);
	assert_int_equal(dpn_node_init(n, &err), 0); /* not fatal: reported */
	assert_string_equal(outcome(n, msg, sizeof(msg)), "degraded");
	assert_non_null(strstr(msg, "not applied"));
	dpn_node_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(reads_every_pool_sorted, setup, teardown),
	        cmocka_unit_test_setup_teardown(
	                plan_grows_and_never_shrinks_below_use, setup, teardown),
	        cmocka_unit_test_setup_teardown(plan_unknown_node, setup, teardown),
	        cmocka_unit_test_setup_teardown(apply_writes_sysfs, setup, teardown),
	        cmocka_unit_test_setup_teardown(module_outcome_in_status, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
