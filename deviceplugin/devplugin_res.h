/* dpnode: one device-plugin resource: which VFs it advertises, their health,
 * and what an Allocate of some of them hands a container. Pure over the
 * inventory (unit tested); the gRPC endpoint serves it. */
#ifndef DPN_DEVPLUGIN_RES_H
#define DPN_DEVPLUGIN_RES_H

#include <jansson.h>
#include <stdbool.h>

#include "dpn_conf_devplugin.h"
#include "dpn_sriov.h"

struct dpn_devres_dev {
	char id[16]; /* the VF's PCI address */
	char pf[16];
	int numa; /* -1: none */
	bool present, healthy;
	char why[128]; /* why Unhealthy */
};

struct dpn_devres {
	int pool; /* index into the pools */
	char prefix[128], name[128];
	char resource[260]; /* "<prefix>/<name>" */
	char endpoint[260]; /* "<prefix>_<name>.sock" */
	char env[300];      /* PCIDEVICE_<PREFIX>_<NAME> */
	bool exclude_topology, need_vhost_net;
	int n_dev;
	struct dpn_devres_dev *dev;
	long version; /* bumped on every change of the list or of a health */
};

int dpn_devres_init(struct dpn_devres *r, const struct dpn_devplugin_pools *p, int pool);
void dpn_devres_fini(struct dpn_devres *r);

/* Takes the inventory in: a VF the pool selects joins; a known VF stays
 * (sticky, so capacity never silently shrinks) and is Unhealthy when gone,
 * on a driver the pool does not expect, no longer selected, or its PF's link
 * is down. Returns true when something changed. */
bool dpn_devres_update(
        struct dpn_devres *r, const struct dpn_devplugin_pools *p, const struct dpn_inventory *inv);

const struct dpn_devres_dev *dpn_devres_find(const struct dpn_devres *r, const char *id);

/* An Allocate of ids: {"envs": {...}, "devices": [DeviceSpec...],
 * "devinfo": {"<pci>": {...}}}, or NULL with *err naming the device that is
 * unknown or unhealthy. root: "" or a test tree for /dev and /sys. */
json_t *dpn_devres_allocate(const struct dpn_devres *r, const struct dpn_inventory *inv,
        const char *root, const char *const *ids, int n, struct dpn_err *err);

/* GetPreferredAllocation for one container; NULL when it cannot be met. */
json_t *dpn_devres_preferred(const struct dpn_devres *r, const char *const *avail, int n_avail,
        const char *const *must, int n_must, int size);

/* Devinfo file name: <prefix>-<name>-<pci>-device.json */
void dpn_devres_devinfo_name(const struct dpn_devres *r, const char *id, char *out, size_t len);

#endif
