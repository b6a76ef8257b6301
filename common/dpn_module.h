/* dpnode: the shape of every subsystem inside dpnoded (after grout's
 * gr_module). A module registers one record; the node orders modules by
 * their dependencies, initializes and starts them in that order, asks each
 * for its part of `status` and its outcome, serves their API methods, and
 * stops and frees them in reverse order. Modules that apply once (hugepages,
 * SR-IOV provisioning) and modules that converge continuously (OVS) use the
 * same record: the first apply in init, the second start timers in start. */
#ifndef DPN_MODULE_H
#define DPN_MODULE_H

#include <event2/event.h>
#include <jansson.h>
#include <stdbool.h>

#include "dpn_api.h"
#include "dpn_err.h"

struct dpn_node;
struct dpn_conf;

#define DPN_MAX_MODULES 16

struct dpn_api_method {
	const char *name;
	dpn_api_fn fn;  /* called with the module's state as ctx */
	bool read_only; /* any caller; else uid 0 and api.allow only */
};

struct dpn_module {
	const char *name;
	/* Modules initialized before this one, NULL terminated (NULL: none). */
	const char *const *depends_on;
	/* Ordered after these when they run, but runs without them. */
	const char *const *after;
	/* NULL when the module runs with config c, else why not (shown in
	 * status, and as the error of its methods). NULL hook: always runs. */
	const char *(*disabled)(const struct dpn_conf *c);
	/* For a disabled module: undoes what an earlier run with another config
	 * left running (e.g. a supervised process). Optional. */
	void (*undo)(struct dpn_node *n);
	/* Makes the module's state (*priv). A failure stops dpnoded before it
	 * serves anything. */
	int (*init)(struct dpn_node *n, void **priv, struct dpn_err *err);
	/* After every module is initialized: processes, connections, timers. */
	int (*start)(void *priv, struct dpn_err *err);
	/* Adds the module's keys to the status object st. Returns 0 when the
	 * module is as configured, -EINPROGRESS while it converges, any other
	 * negative errno when it is degraded; err says what is missing. */
	int (*status)(void *priv, json_t *st, struct dpn_err *err);
	/* At exit, in reverse order, before any fini. */
	void (*stop)(void *priv);
	void (*fini)(void *priv);
	/* API methods, {NULL} terminated. */
	const struct dpn_api_method *methods;
	/* The module calls dpn_node_converged(); READY waits for it. */
	bool converges;
};

/* For modules. */
struct event_base *dpn_node_base(struct dpn_node *n);
const struct dpn_conf *dpn_node_conf(struct dpn_node *n);
/* State of a module listed in the caller's depends_on; NULL when disabled. */
void *dpn_node_module(struct dpn_node *n, const char *name);
/* Something API requests may wait for changed (OVSDB rows, OVN bindings):
 * the ones waiting are asked again (dpn_api_kick). */
void dpn_node_changed(struct dpn_node *n);
/* The calling module (a converging one) has converged. */
void dpn_node_converged(struct dpn_node *n, const char *module);

/* For the daemon. ready: called once, when every converging module has
 * converged. The node borrows base, conf and api. */
struct dpn_node *dpn_node_new(struct event_base *base, const struct dpn_conf *conf,
        struct dpn_api *api, void (*ready)(void *arg), void *arg);
/* Records a module; -EEXIST for a second one of that name, -ENOSPC past
 * DPN_MAX_MODULES. */
int dpn_node_register(struct dpn_node *n, const struct dpn_module *m);
/* Orders the modules (-ELOOP on a cycle, -ENOENT for an unknown
 * dependency), initializes them and registers their methods. */
int dpn_node_init(struct dpn_node *n, struct dpn_err *err);
int dpn_node_start(struct dpn_node *n, struct dpn_err *err);
/* Every module's status keys plus "modules": {name: {state, error|reason,
 * depends_on, order}}, state one of ok, pending, degraded, disabled; order
 * is the init order. New ref. */
json_t *dpn_node_status(struct dpn_node *n);
/* Names in init order, for the architecture test; NULL past the end. */
const char *dpn_node_order(struct dpn_node *n, int i);
void dpn_node_stop(struct dpn_node *n);
void dpn_node_free(struct dpn_node *n);

#endif
