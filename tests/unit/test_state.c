#include "testlib.h"

#include <errno.h>
#include <unistd.h>

#include "dpn_state.h"

static char dir[64], path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/dpnstate.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/s/ports.json", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return t_rmtree(dir);
}

static json_t *entry(int i)
{
	return json_pack("{s:i, s:s}", "i", i, "pad", "0123456789");
}

static struct dpn_err open_err;

static json_t *reopen(struct dpn_state *s, bool *damaged)
{
	json_t *ports;
	open_err = (struct dpn_err){0};
	assert_int_equal(dpn_state_open(s, path, &ports, damaged, &open_err), 0);
	return ports;
}

static void journal_and_snapshots(void **state)
{
	struct dpn_state s;
	struct dpn_err err = {0};
	bool damaged;
	(void)state;

	json_t *ports = reopen(&s, &damaged); /* nothing yet: empty, no file written */
	assert_int_equal(json_object_size(ports), 0);
	assert_int_equal(access(path, F_OK), -1);
	for (int i = 0; i < 10; i++) {
		char k[8];
		snprintf(k, sizeof(k), "p%d", i);
		json_t *e = entry(i);
		assert_int_equal(dpn_state_commit(&s, ports, k, e, &err), 0);
		json_decref(e);
	}
	assert_int_equal(dpn_state_commit(&s, ports, "p3", NULL, &err), 0);
	assert_int_equal(s.n_logged, 11);
	json_decref(ports);

	ports = reopen(&s, &damaged); /* replayed, then folded into a snapshot */
	assert_false(damaged);
	assert_int_equal(json_object_size(ports), 9);
	assert_null(json_object_get(ports, "p3"));
	assert_int_equal(s.gen, 1);
	assert_int_equal(s.n_logged, 0);
	json_t *e = entry(42);
	assert_int_equal(dpn_state_commit(&s, ports, "p42", e, &err), 0);
	json_decref(e);
	json_decref(ports);

	/* a crash mid-append: a torn line, then the next change after it */
	char lp[160];
	snprintf(lp, sizeof(lp), "%s.log", path);
	FILE *f = fopen(lp, "a");
	fputs("{\"gen\": 1, \"key\": \"torn\", \"ent", f);
	fclose(f);
	long long gen;
	unsigned n;
	assert_int_equal(dpn_state_read(path, &ports, &gen, &n, &damaged, &err), 0);
	assert_int_equal(json_object_size(ports), 10);
	assert_non_null(strstr(err.msg, "1 unreadable journal line(s) skipped"));
	json_decref(ports);

	/* the snapshot damaged behind our back: PATH.prev and both journals */
	ports = reopen(&s, &damaged); /* gen 2: PATH.prev is gen 1 */
	e = entry(7);
	assert_int_equal(dpn_state_commit(&s, ports, "p7", e, &err), 0);
	json_decref(e);
	json_decref(ports);
	assert_int_equal(truncate(path, 10), 0);
	err = (struct dpn_err){0};
	ports = reopen(&s, &damaged);
	assert_true(damaged);
	assert_non_null(strstr(open_err.msg, "rebuilt from"));
	assert_int_equal(json_object_size(ports), 10); /* p7 replaced, p42 kept: nothing lost */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ports, "p7"), "i")), 7);
	json_decref(ports);
}

static void compaction(void **state)
{
	struct dpn_state s;
	struct dpn_err err = {0};
	bool damaged;
	(void)state;

	snprintf(path, sizeof(path), "%s/c/ports.json", dir);
	json_t *ports = reopen(&s, &damaged);
	for (int i = 0; i < DPN_STATE_COMPACT + 3; i++) {
		char k[16];
		snprintf(k, sizeof(k), "p%d", i);
		json_t *e = entry(i);
		assert_int_equal(dpn_state_commit(&s, ports, k, e, &err), 0);
		json_decref(e);
	}
	assert_int_equal(s.compactions, 1);
	assert_int_equal(s.n_logged, 3);
	json_decref(ports);
	ports = reopen(&s, &damaged);
	assert_int_equal(json_object_size(ports), DPN_STATE_COMPACT + 3);
	json_decref(ports);
}

static void first_snapshot_damaged(void **state)
{
	struct dpn_state s;
	struct dpn_err err = {0};
	bool damaged;
	(void)state;

	snprintf(path, sizeof(path), "%s/f/ports.json", dir);
	json_t *ports = reopen(&s, &damaged), *e = entry(1);
	assert_int_equal(dpn_state_commit(&s, ports, "a", e, &err), 0);
	assert_int_equal(dpn_state_commit(&s, ports, "b", e, &err), 0);
	json_decref(e);
	json_decref(ports);
	ports = reopen(&s, &damaged); /* the first snapshot: no PATH.prev */
	json_decref(ports);
	assert_int_equal(truncate(path, 3), 0);
	ports = reopen(&s, &damaged);
	assert_true(damaged);
	assert_non_null(strstr(open_err.msg, "rebuilt from its journals"));
	assert_int_equal(json_object_size(ports), 2);
	json_decref(ports);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(journal_and_snapshots),
	        cmocka_unit_test(compaction),
	        cmocka_unit_test(first_snapshot_damaged),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
