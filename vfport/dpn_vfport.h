/* dpnode: SR-IOV VFs for pods. The VF's netdev into the pod (or, vfio-pci,
 * only its MAC through the PF), its representor into the integration bridge
 * as the pod's OVN port, by the NIC table's attach rules (API vf.add /
 * vf.del / vf.list). */
#ifndef DPN_VFPORT_H
#define DPN_VFPORT_H

#include <jansson.h>
#include <stdbool.h>

#include "dpn_err.h"
#include "dpn_module.h"
#include "dpn_ovs.h"
#include "dpn_req.h"
#include "dpn_sriov.h"

#define DPN_VFPORT_OWNER "vfport"

struct dpn_vfport_req {
	struct dpn_req_pod pod;
	char device_id[16];           /* the VF's PCI address (Multus' deviceID) */
	char netns[256];              /* CNI_NETNS; a vfio-pci VF needs none */
	char resource[254];           /* the NAD's resourceName: the VF must be of that pool */
	int mtu;                      /* 0: leave */
	int vlan, qos;                /* vlan -1: leave; 0: none */
	int trust, spoofchk;          /* -1 leave, 0/1 */
	int min_tx_rate, max_tx_rate; /* Mbit/s, -1 leave */
	bool mac_given;
	char cidrs[160]; /* what the pod's interface gets (not a field: from ip) */
};

/* Pure parts (unit tested). */
int dpn_vfport_req_parse(json_t *params, struct dpn_vfport_req *r, struct dpn_err *err);
json_t *dpn_vfport_req_json(const struct dpn_vfport_req *r);
/* The attachment's key: "vf" + 13 hex digits of pod UID and interface (the
 * OVS port name of a DPDK representor). */
void dpn_vfport_name(const char *pod_uid, const char *ifname, char out[16]);

/* The representor's OVS port for a VF, by the vendor's NIC-table "attach"
 * rule (kernel netdev, or DPDK port with devargs, options, queue sizes and
 * external_ids from templates). */
struct dpn_vfport_attach_in {
	json_t *vendor; /* NIC-table vendor entry; NULL: not a known SmartNIC */
	const struct dpn_inventory *inv;
	const struct dpn_pf *pf;
	const struct dpn_vf *vf;
	const char *uplink;       /* the uplink device given to OVS (%U), "" none */
	json_t *ovs_other_config; /* the node's ovs.other_config (queue sizes) */
	const struct dpn_vfport_req *req;
	const char *mac; /* the pod's MAC (OVN's) */
};
struct dpn_vfport_attach {
	char name[16];
	char type[8]; /* "system" or "dpdk" */
	char devargs[160];
	char rxq[8], txq[8];
	char extra[4][2][96]; /* NIC-table external_ids */
	struct dpn_ovs_port_spec spec;
};
/* -ENODEV: the VF has no representor of the kind the rule wants; -EINVAL: a
 * broken rule or template (err names the vendor and field). */
int dpn_vfport_attach_spec(
        const struct dpn_vfport_attach_in *in, struct dpn_vfport_attach *a, struct dpn_err *err);

/* The module (depends on sriov and ovs, after ovn). */
extern const struct dpn_module dpn_vfport_module;

#endif
