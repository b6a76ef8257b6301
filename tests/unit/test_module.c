/* The node: dependency order, cycles and unknown dependencies refused,
 * disabled modules (and their dependents) answer their methods with the
 * reason, outcomes in status, READY once every converging module converged,
 * stop/fini in reverse order. */
#include "testlib.h"

#include <errno.h>
#include <unistd.h>

#include <event2/event.h>

#include "dpn_module.h"

static char trace[256];

static void note(const char *what, const char *name)
{
	size_t n = strlen(trace);
	snprintf(trace + n, sizeof(trace) - n, "%s%s:%s", n ? " " : "", what, name);
}

/* The module's name is its state, so hooks can trace themselves; a needs
 * b's state in its init. */
#define INIT(id)                                                                                   \
	static int init_##id(struct dpn_node *n, void **priv, struct dpn_err *err)                 \
	{                                                                                          \
		(void)err;                                                                         \
		if (!strcmp(#id, "a") && !dpn_node_module(n, "b"))                                 \
			fail_msg("a initialized before b");                                        \
		note("init", #id);                                                                 \
		*priv = (void *)#id;                                                               \
		return 0;                                                                          \
	}
INIT(a)
INIT(b)
INIT(c)
INIT(d)
INIT(x)
INIT(y)
INIT(u)

static int t_start(void *priv, struct dpn_err *err)
{
	(void)err;
	note("start", priv);
	return 0;
}
static int t_status(void *priv, json_t *st, struct dpn_err *err)
{
	json_object_set_new(st, priv, json_true());
	if (!strcmp(priv, "b"))
		return dpn_err_set(err, -ENOMEM, "b is short of something");
	return 0;
}
static void t_stop(void *priv)
{
	note("stop", priv);
}
static void t_fini(void *priv)
{
	note("fini", priv);
}
static int t_hello(void *ctx, json_t *params, json_t **result, struct dpn_err *err)
{
	(void)params;
	(void)err;
	*result = json_pack("{s:s}", "from", (const char *)ctx);
	return 0;
}
static const char *off_reason(const struct dpn_conf *c)
{
	(void)c;
	return "c is off in this config";
}
static const struct dpn_api_method c_methods[] = {{"c.hello", t_hello}, {NULL, NULL}};
static const struct dpn_api_method a_methods[] = {{"a.hello", t_hello}, {NULL, NULL}};

#define MOD(n, deps, ...)                                                                          \
	{                                                                                          \
		.name = #n, .depends_on = deps, .init = init_##n, .start = t_start,                \
		.status = t_status, .stop = t_stop, .fini = t_fini, __VA_ARGS__                    \
	}

static const struct dpn_module mod_a =
        MOD(a, ((const char *const[]){"b", NULL}), .methods = a_methods, .converges = true);
static const struct dpn_module mod_b = MOD(b, NULL);
static const struct dpn_module mod_c = MOD(c, NULL, .disabled = off_reason, .methods = c_methods);
static const struct dpn_module mod_d = MOD(d, ((const char *const[]){"c", NULL}));
static const struct dpn_module mod_loop1 = MOD(x, ((const char *const[]){"y", NULL}));
static const struct dpn_module mod_loop2 = MOD(y, ((const char *const[]){"x", NULL}));
static const struct dpn_module mod_unknown = MOD(u, ((const char *const[]){"nope", NULL}));

struct fx {
	struct event_base *base;
	struct dpn_api *api;
	char dir[32];
	int ready;
};

static void on_ready(void *arg)
{
	((struct fx *)arg)->ready++;
}

static struct dpn_node *node_with(struct fx *f, const struct dpn_module *const *m, int n)
{
	struct dpn_api_conf conf = {.mode = 0600, .gid = -1};

	snprintf(f->dir, sizeof(f->dir), "/tmp/dpn-mod-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(conf.socket, sizeof(conf.socket), "%s/api.sock", f->dir);
	f->base = event_base_new();
	f->api = dpn_api_new(f->base, &conf);
	assert_non_null(f->api);
	struct dpn_node *node = dpn_node_new(f->base, NULL, f->api, on_ready, f);
	for (int i = 0; i < n; i++)
		assert_int_equal(dpn_node_register(node, m[i]), 0);
	return node;
}

static void done(struct fx *f, struct dpn_node *node)
{
	dpn_node_stop(node);
	dpn_api_free(f->api);
	dpn_node_free(node);
	event_base_free(f->base);
	t_rmtree(f->dir);
}

static json_t *call(struct fx *f, const char *method)
{
	json_t *req = json_pack("{s:s}", "method", method);
	json_t *resp = dpn_api_handle(f->api, req);
	json_decref(req);
	return resp;
}

static void order_outcomes_and_teardown(void **state)
{
	const struct dpn_module *const mods[] = {&mod_a, &mod_b, &mod_c, &mod_d};
	struct fx f = {0};
	struct dpn_err err = {0};
	(void)state;

	trace[0] = '\0';
	struct dpn_node *node = node_with(&f, mods, 4);
	assert_int_equal(dpn_node_register(node, &mod_a), -EEXIST);
	assert_int_equal(dpn_node_init(node, &err), 0);
	assert_string_equal(dpn_node_order(node, 0), "b"); /* before a, which needs it */
	assert_string_equal(dpn_node_order(node, 1), "a");
	assert_string_equal(dpn_node_order(node, 2), "c");
	assert_string_equal(dpn_node_order(node, 3), "d");
	assert_null(dpn_node_order(node, 4));
	assert_int_equal(dpn_node_start(node, &err), 0);
	assert_string_equal(trace, "init:b init:a start:b start:a"); /* c, d: disabled */
	assert_int_equal(f.ready, 0);
	dpn_node_converged(node, "a");
	assert_int_equal(f.ready, 1);
	dpn_node_converged(node, "a");
	assert_int_equal(f.ready, 1); /* READY once */

	json_t *st = dpn_node_status(node), *m = json_object_get(st, "modules");
	json_t *want = tjson("{\"a\": {\"state\": \"ok\", \"depends_on\": [\"b\"], \"order\": 1},"
	                     " \"b\": {\"state\": \"degraded\", \"depends_on\": [], \"order\": 0,"
	                     "        \"error\": \"b is short of something\"},"
	                     " \"c\": {\"state\": \"disabled\", \"depends_on\": [], \"order\": 2,"
	                     "        \"reason\": \"c is off in this config\"},"
	                     " \"d\": {\"state\": \"disabled\", \"depends_on\": [\"c\"],"
	                     "        \"order\": 3, \"reason\": \"c is off in this config\"}}");
	if (!json_equal(m, want))
		fail_msg("modules: %s", json_dumps(m, JSON_SORT_KEYS));
	assert_true(json_is_true(json_object_get(st, "a")));
	assert_null(json_object_get(st, "c"));
	json_decref(want);
	json_decref(st);

	json_t *r = call(&f, "a.hello");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(r, "result"), "from")), "a");
	json_decref(r);
	r = call(&f, "c.hello");
	json_t *e = json_object_get(r, "error");
	assert_int_equal(json_integer_value(json_object_get(e, "code")), ENOENT);
	assert_string_equal(
	        json_string_value(json_object_get(e, "message")), "c is off in this config");
	json_decref(r);

	trace[0] = '\0';
	done(&f, node);
	assert_string_equal(trace, "stop:a stop:b fini:a fini:b"); /* reverse order */
}

static void cycles_and_unknown_dependencies(void **state)
{
	const struct dpn_module *const loop[] = {&mod_loop1, &mod_loop2};
	const struct dpn_module *const unknown[] = {&mod_b, &mod_unknown};
	struct dpn_err err = {0};
	struct fx f = {0};
	(void)state;

	struct dpn_node *node = node_with(&f, loop, 2);
	assert_int_equal(dpn_node_init(node, &err), -ELOOP);
	assert_non_null(strstr(err.msg, "dependency cycle"));
	done(&f, node);
	memset(&f, 0, sizeof(f));
	node = node_with(&f, unknown, 2);
	assert_int_equal(dpn_node_init(node, &err), -ENOENT);
	assert_string_equal(err.msg, "module u: depends on unknown module nope");
	done(&f, node);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(order_outcomes_and_teardown),
	        cmocka_unit_test(cycles_and_unknown_dependencies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
