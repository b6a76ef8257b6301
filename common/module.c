/* The node: module registry, ordering and lifecycle. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DPN_LOG_MOD "node"
#include "dpn_log.h"
#include "dpn_module.h"

struct slot {
	struct dpn_node *node;
	const struct dpn_module *m;
	const char *disabled; /* why it does not run, or NULL */
	void *priv;
	bool inited, converged;
};

struct dpn_node {
	struct event_base *base;
	const struct dpn_conf *conf;
	struct dpn_api *api;
	void (*ready)(void *arg);
	void *arg;
	bool ready_sent;
	int n;
	struct slot slot[DPN_MAX_MODULES];
	struct slot *order[DPN_MAX_MODULES];
};

struct dpn_node *dpn_node_new(struct event_base *base, const struct dpn_conf *conf,
        struct dpn_api *api, void (*ready)(void *arg), void *arg)
{
	struct dpn_node *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	*n = (struct dpn_node){.base = base, .conf = conf, .api = api, .ready = ready, .arg = arg};
	return n;
}

static struct slot *find(struct dpn_node *n, const char *name)
{
	for (int i = 0; i < n->n; i++)
		if (!strcmp(n->slot[i].m->name, name))
			return &n->slot[i];
	return NULL;
}

int dpn_node_register(struct dpn_node *n, const struct dpn_module *m)
{
	if (find(n, m->name))
		return -EEXIST;
	if (n->n >= DPN_MAX_MODULES)
		return -ENOSPC;
	n->slot[n->n++] = (struct slot){.node = n, .m = m};
	return 0;
}

struct event_base *dpn_node_base(struct dpn_node *n)
{
	return n->base;
}

const struct dpn_conf *dpn_node_conf(struct dpn_node *n)
{
	return n->conf;
}

void *dpn_node_module(struct dpn_node *n, const char *name)
{
	struct slot *s = find(n, name);
	return s && s->inited ? s->priv : NULL;
}

static void check_ready(struct dpn_node *n)
{
	for (int i = 0; i < n->n; i++) {
		struct slot *s = &n->slot[i];
		if (s->m->converges && !s->disabled && !s->converged)
			return;
	}
	if (!n->ready_sent && n->ready) {
		n->ready_sent = true;
		n->ready(n->arg);
	}
}

void dpn_node_changed(struct dpn_node *n)
{
	dpn_api_kick(n->api);
}

void dpn_node_converged(struct dpn_node *n, const char *module)
{
	struct slot *s = find(n, module);
	if (!s)
		return;
	s->converged = true;
	check_ready(n);
}

/* Depth-first: a module after everything it depends on; registration order
 * otherwise. mark: 0 new, 1 on the stack, 2 placed. */
static int visit(struct dpn_node *n, struct slot *s, int *mark, int *k, struct dpn_err *err)
{
	int i = s - n->slot, ret;

	if (mark[i] == 2)
		return 0;
	if (mark[i] == 1)
		return dpn_err_set(err, -ELOOP, "module %s: dependency cycle", s->m->name);
	mark[i] = 1;
	for (const char *const *d = s->m->depends_on; d && *d; d++) {
		struct slot *dep = find(n, *d);
		if (!dep)
			return dpn_err_set(err, -ENOENT, "module %s: depends on unknown module %s",
			        s->m->name, *d);
		if ((ret = visit(n, dep, mark, k, err)) < 0)
			return ret;
	}
	for (const char *const *d = s->m->after; d && *d; d++) {
		struct slot *dep = find(n, *d);
		if (dep && (ret = visit(n, dep, mark, k, err)) < 0)
			return ret;
	}
	mark[i] = 2;
	n->order[(*k)++] = s;
	return 0;
}

static int disabled_method(void *ctx, json_t *params, json_t **result, struct dpn_err *err)
{
	struct slot *s = ctx;
	(void)params;
	(void)result;
	return dpn_err_set(err, -ENOENT, "%s", s->disabled);
}

static void register_methods(struct dpn_node *n, struct slot *s)
{
	for (const struct dpn_api_method *a = s->m->methods; a && a->name; a++) {
		int (*reg)(struct dpn_api *, const char *, dpn_api_fn, void *) =
		        a->read_only ? dpn_api_register_ro : dpn_api_register;
		if (s->disabled)
			reg(n->api, a->name, disabled_method, s);
		else
			reg(n->api, a->name, a->fn, s->priv);
	}
}

static int init_one(struct dpn_node *n, struct slot *s, struct dpn_err *err)
{
	int ret;

	s->disabled = s->m->disabled ? s->m->disabled(n->conf) : NULL;
	/* A module whose dependency does not run does not run either. */
	for (const char *const *d = s->m->depends_on; !s->disabled && d && *d; d++)
		if (find(n, *d)->disabled)
			s->disabled = find(n, *d)->disabled;
	if (s->disabled && s->m->undo)
		s->m->undo(n);
	if (!s->disabled && s->m->init) {
		if ((ret = s->m->init(n, &s->priv, err)) < 0)
			return dpn_err_prefix(err, "%s", s->m->name);
	}
	s->inited = !s->disabled;
	register_methods(n, s);
	LOG_DEBUG("module %s: %s%s", s->m->name, s->disabled ? "disabled: " : "initialized",
	        s->disabled ? s->disabled : "");
	return 0;
}

int dpn_node_init(struct dpn_node *n, struct dpn_err *err)
{
	int mark[DPN_MAX_MODULES] = {0}, k = 0, ret;

	for (int i = 0; i < n->n; i++)
		if ((ret = visit(n, &n->slot[i], mark, &k, err)) < 0)
			return ret;
	for (int i = 0; i < n->n; i++)
		if ((ret = init_one(n, n->order[i], err)) < 0)
			return ret;
	return 0;
}

int dpn_node_start(struct dpn_node *n, struct dpn_err *err)
{
	int ret;

	for (int i = 0; i < n->n; i++) {
		struct slot *s = n->order[i];
		if (s->inited && s->m->start && (ret = s->m->start(s->priv, err)) < 0)
			return dpn_err_prefix(err, "%s", s->m->name);
	}
	check_ready(n);
	return 0;
}

static json_t *outcome(struct slot *s, json_t *st)
{
	struct dpn_err err = {0};
	json_t *deps = json_array(), *o;
	int ret;

	for (const char *const *d = s->m->depends_on; d && *d; d++)
		json_array_append_new(deps, json_string(*d));
	if (s->disabled)
		return json_pack("{s:s, s:s, s:o}", "state", "disabled", "reason", s->disabled,
		        "depends_on", deps);
	ret = s->m->status ? s->m->status(s->priv, st, &err) : 0;
	o = json_pack("{s:s, s:o}", "state",
	        ret == 0              ? "ok"
	        : ret == -EINPROGRESS ? "pending"
	                              : "degraded",
	        "depends_on", deps);
	if (ret < 0 && err.msg[0])
		json_object_set_new(o, "error", json_string(err.msg));
	return o;
}

json_t *dpn_node_status(struct dpn_node *n)
{
	json_t *st = json_object(), *mods = json_object();

	for (int i = 0; i < n->n; i++) {
		struct slot *s = n->order[i];
		json_t *o = outcome(s, st);
		json_object_set_new(o, "order", json_integer(i));
		json_object_set_new(mods, s->m->name, o);
	}
	json_object_set_new(st, "modules", mods);
	return st;
}

const char *dpn_node_order(struct dpn_node *n, int i)
{
	return i >= 0 && i < n->n && n->order[i] ? n->order[i]->m->name : NULL;
}

void dpn_node_stop(struct dpn_node *n)
{
	for (int i = n->n - 1; i >= 0; i--) {
		struct slot *s = n->order[i];
		if (s && s->inited && s->m->stop)
			s->m->stop(s->priv);
	}
}

void dpn_node_free(struct dpn_node *n)
{
	if (!n)
		return;
	for (int i = n->n - 1; i >= 0; i--) {
		struct slot *s = n->order[i];
		if (s && s->inited && s->m->fini)
			s->m->fini(s->priv);
	}
	free(n);
}
