/* dpnode: what an Allocate hands a container, and which devices to prefer.
 * Pure over the inventory (and a /dev root), so unit tested; the gRPC side
 * turns these into kubelet's messages. */
#ifndef DPN_DEVPLUGIN_ALLOC_H
#define DPN_DEVPLUGIN_ALLOC_H

#include <jansson.h>
#include <stdbool.h>

#include "dpn_err.h"
#include "dpn_sriov.h"

/* PCIDEVICE_<PREFIX>_<NAME>: upper-cased, '.', '/' and '-' become '_'. */
void dpn_devplugin_env_name(const char *prefix, const char *name, char *out, size_t len);
/* Device Information Specification 1.1.0 object for a VF (type pci). */
json_t *dpn_devplugin_devinfo(const struct dpn_pf *pf, const struct dpn_vf *vf);
/* Appends {container_path, host_path, permissions} for what the VF needs:
 * vfio-pci -> /dev/vfio/vfio and its group (noiommu: /dev/vfio/noiommu-N as
 * /dev/vfio/N); RDMA -> /dev/infiniband/uverbsN, umadN, issmN, rdma_cm;
 * vhost_net -> /dev/vhost-net, /dev/net/tun. root: "" or a test tree. */
int dpn_devplugin_device_specs(const char *root, const struct dpn_vf *vf, bool vhost_net,
        json_t *specs, struct dpn_err *err);

struct dpn_devplugin_cand {
	const char *id; /* PCI address */
	int numa;       /* -1: none */
	const char *pf;
};
/* Picks size IDs from avail: every must-include, then from one NUMA node
 * (theirs, else the one with most candidates), within it PF by PF (most
 * candidates first). Returns a JSON array of IDs, or NULL when too few. */
json_t *dpn_devplugin_preferred(const struct dpn_devplugin_cand *avail, int n_avail,
        const char *const *must, int n_must, int size);

#endif
