/* The device plugin's gRPC half as a loadable object: dpnoded maps
 * dpnode-devplugin.so (gRPC core, absl, libstdc++: some 5 MB resident and
 * 30 libraries) only on a node that serves a device plugin. */
#ifndef DPN_DEVPLUGIN_IMPL_H
#define DPN_DEVPLUGIN_IMPL_H

#include <stdbool.h>

#include <event2/event.h>
#include <jansson.h>

#include "dpn_conf_devplugin.h"
#include "dpn_sriov.h"
#include "dpn_sriov_mon.h"

#define DPN_DEVPLUGIN_ABI      1
#define DPN_DEVPLUGIN_IMPL_SYM "dpn_devplugin_impl"
#define DPN_DEVPLUGIN_SO       "dpnode-devplugin.so"

struct dpn_devplugin;

/* Exported by the module as DPN_DEVPLUGIN_IMPL_SYM; see devplugin_priv.h
 * for what each call does and owns. */
struct dpn_devplugin_impl {
	unsigned abi; /* DPN_DEVPLUGIN_ABI: the module is this dpnoded's */
	struct dpn_devplugin *(*create)(struct event_base *base,
	        const struct dpn_devplugin_conf *conf, const struct dpn_nic_table *nics,
	        struct dpn_sriov_mon *mon);
	void (*destroy)(struct dpn_devplugin *pl);
	json_t *(*status)(struct dpn_devplugin *pl, bool devices);
};

#endif
