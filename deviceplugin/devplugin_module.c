/* The SR-IOV device plugin as a dpnoded module. Its gRPC half is loaded
 * when the module starts (devplugin_impl.h): a node without a device plugin
 * never maps gRPC. */
#include <errno.h>
#include <stdlib.h>

#include "devplugin_impl.h"
#include "dpn_conf.h"
#include "dpn_devplugin.h"
#include "dpn_plugin.h"

struct devplugin_module {
	const struct dpn_devplugin_impl *impl;
	struct dpn_devplugin *pl;
};

/* 0 with *impl (the module stays mapped: gRPC's threads and atexit
 * handlers outlive any dlclose), or the loader's error naming the paths. */
static int impl_load(const struct dpn_devplugin_impl **impl, struct dpn_err *err)
{
	const void *t;
	int ret = dpn_plugin_load("deviceplugin", DPN_DEVPLUGIN_SO, DPN_DEVPLUGIN_IMPL_SYM,
	        DPN_DEVPLUGIN_ABI, &t, err);
	if (ret == 0)
		*impl = t;
	return ret;
}

static const char *devplugin_disabled(const struct dpn_conf *c)
{
	return c->devplugin.enabled ? NULL
	                            : "the device plugin is not enabled (no device_plugin section)";
}

static int devplugin_init(struct dpn_node *n, void **priv, struct dpn_err *err)
{
	void *sriov = dpn_node_module(n, "sriov");
	struct devplugin_module *m = calloc(1, sizeof(*m));
	int ret;

	if (!m)
		return dpn_err_set(err, -ENOMEM, "out of memory");
	if ((ret = impl_load(&m->impl, err)) < 0) {
		free(m);
		return ret;
	}
	m->pl = m->impl->create(dpn_node_base(n), &dpn_node_conf(n)->devplugin,
	        dpn_sriov_nics(sriov), dpn_sriov_monitor(sriov));
	if (!m->pl) {
		free(m);
		return dpn_err_set(err, -EIO, "cannot start the device plugin");
	}
	*priv = m;
	return 0;
}

/* Degraded while a resource is not registered with kubelet. */
static int devplugin_status(void *priv, json_t *st, struct dpn_err *err)
{
	struct devplugin_module *m = priv;
	json_t *s = m->impl->status(m->pl, false), *r;
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
	struct devplugin_module *m = priv;
	if (!m)
		return;
	m->impl->destroy(m->pl);
	free(m);
}

static int api_status(void *ctx, json_t *params, json_t **result, struct dpn_err *err)
{
	struct devplugin_module *m = ctx;
	(void)params;
	(void)err;
	*result = m->impl->status(m->pl, true);
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
