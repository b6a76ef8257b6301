/* The OVS controller as a dpnoded module. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dpn_conf.h"
#include "dpn_ovs.h"

struct ovs_module {
	struct dpn_node *node;
	struct dpn_ovs *ovs; /* NULL with ovs.mode none */
};

static void on_converged(void *arg)
{
	struct ovs_module *m = arg;
	dpn_node_converged(m->node, "ovs");
}

static void on_change(void *arg)
{
	struct ovs_module *m = arg;
	dpn_node_changed(m->node); /* ofports, errors, ovn-installed */
}

struct dpn_ovs *dpn_ovs_of(void *module_state)
{
	return module_state ? ((struct ovs_module *)module_state)->ovs : NULL;
}

static int ovs_init(struct dpn_node *n, void **priv, struct dpn_err *err)
{
	const struct dpn_conf *c = dpn_node_conf(n);
	struct ovs_module *m = calloc(1, sizeof(*m));

	if (!m)
		return dpn_err_set(err, -ENOMEM, "out of memory");
	m->node = n;
	if (c->ovs.mode != DPN_OVS_NONE &&
	        !(m->ovs = dpn_ovs_new(dpn_node_base(n), c, on_converged, m))) {
		free(m);
		return dpn_err_set(err, -ENOMEM, "cannot set up the OVS datapath");
	}
	if (m->ovs)
		dpn_ovs_on_change(m->ovs, on_change);
	*priv = m;
	return 0;
}

static int ovs_start(void *priv, struct dpn_err *err)
{
	struct ovs_module *m = priv;
	int ret;

	if (!m->ovs) {
		dpn_node_converged(m->node, "ovs"); /* nothing to converge */
		return 0;
	}
	if ((ret = dpn_ovs_start(m->ovs)) < 0)
		return dpn_err_set(err, ret, "cannot start the OVS datapath: %s", strerror(-ret));
	return 0;
}

static int ovs_status(void *priv, json_t *st, struct dpn_err *err)
{
	struct ovs_module *m = priv;

	if (!m->ovs) {
		json_object_set_new(st, "ovs", json_pack("{s:s}", "mode", "none"));
		return 0;
	}
	json_t *o = dpn_ovs_status(m->ovs);
	json_object_update(st, o);
	json_decref(o);
	if (dpn_ovs_converged(m->ovs))
		return 0;
	const char *e = dpn_ovs_last_error(m->ovs);
	return dpn_err_set(err, -EINPROGRESS, "converging%s%s", e[0] ? ": " : "", e);
}

static void ovs_stop(void *priv)
{
	struct ovs_module *m = priv;
	if (m->ovs)
		dpn_ovs_shutdown(m->ovs);
}

static void ovs_fini(void *priv)
{
	struct ovs_module *m = priv;
	dpn_ovs_free(m->ovs);
	free(m);
}

static int api_reconcile(void *ctx, json_t *params, json_t **result, struct dpn_err *err)
{
	struct ovs_module *m = ctx;
	(void)params;
	if (!m->ovs)
		return dpn_err_set(err, -ENOENT, "ovs.mode is none: there is nothing to reconcile");
	dpn_ovs_kick(m->ovs);
	*result = json_pack("{s:b}", "converged", dpn_ovs_converged(m->ovs));
	return 0;
}

static int api_restart(void *ctx, json_t *params, json_t **result, struct dpn_err *err)
{
	struct ovs_module *m = ctx;
	int ret;
	(void)params;
	if (!m->ovs)
		return dpn_err_set(err, -ENOENT, "ovs.mode is none: there is no OVS to restart");
	if ((ret = dpn_ovs_restart(m->ovs, err)) < 0)
		return ret;
	*result = json_pack("{s:b}", "started", 1);
	return 0;
}

static const struct dpn_api_method ovs_methods[] = {
        {"reconcile", api_reconcile},
        {"ovs.restart", api_restart},
        {NULL, NULL},
};

const struct dpn_module dpn_ovs_module = {
        .name = "ovs",
        .depends_on = (const char *const[]){"hugepages", "sriov", NULL},
        .init = ovs_init,
        .start = ovs_start,
        .status = ovs_status,
        .stop = ovs_stop,
        .fini = ovs_fini,
        .methods = ovs_methods,
        .converges = true,
};
