/* The SR-IOV device plugin as a dpnoded module. */
#include <errno.h>

#include "devplugin_priv.h"
#include "dpn_conf.h"
#include "dpn_devplugin.h"

static const char *devplugin_disabled(const struct dpn_conf *c)
{
	return c->devplugin.enabled ? NULL
	                            : "the device plugin is not enabled (no device_plugin section)";
}

static int devplugin_init(struct dpn_node *n, void **priv, struct dpn_err *err)
{
	void *sriov = dpn_node_module(n, "sriov");
	struct dpn_devplugin *pl = dpn_devplugin_new(dpn_node_base(n), &dpn_node_conf(n)->devplugin,
	        dpn_sriov_nics(sriov), dpn_sriov_monitor(sriov));

	if (!pl)
		return dpn_err_set(err, -EIO, "cannot start the device plugin");
	*priv = pl;
	return 0;
}

/* Degraded while a resource is not registered with kubelet. */
static int devplugin_status(void *priv, json_t *st, struct dpn_err *err)
{
	json_t *s = dpn_devplugin_status(priv, false), *r;
	size_t i;

	json_object_set_new(st, "device_plugin", s);
	json_array_foreach (json_object_get(s, "resources"), i, r) {
		if (!json_is_true(json_object_get(r, "registered")))
			return dpn_err_set(err, -EINPROGRESS, "%s: not registered with kubelet",
			        json_string_value(json_object_get(r, "resource")));
	}
	return 0;
}

static void devplugin_fini(void *priv)
{
	dpn_devplugin_free(priv);
}

static int api_status(void *ctx, json_t *params, json_t **result, struct dpn_err *err)
{
	(void)params;
	(void)err;
	*result = dpn_devplugin_status(ctx, true);
	return 0;
}

static const struct dpn_api_method devplugin_methods[] = {
        {"deviceplugin.status", api_status, true},
        {NULL, NULL},
};

const struct dpn_module dpn_devplugin_module = {
        .name = "deviceplugin",
        .depends_on = (const char *const[]){"sriov", NULL},
        .disabled = devplugin_disabled,
        .init = devplugin_init,
        .status = devplugin_status,
        .fini = devplugin_fini,
        .methods = devplugin_methods,
};
