/* dpnode: SmartNIC inventory: the NIC table (conf/nics.json), PCI network
 * devices found through libudev, and every VF's representor. */
#ifndef DPN_SRIOV_H
#define DPN_SRIOV_H

#include <jansson.h>
#include <stdbool.h>

#include "dpn_conf_sriov.h"
#include "dpn_err.h"
#include "dpn_module.h"

#define DPN_NIC_TABLE_PATH "/usr/share/dpnode/nics.json"

/* The table stays JSON: consumers read the fields they need. */
struct dpn_nic_table {
	json_t *root;
};

/* $DPNODE_NIC_TABLE, else the installed table, else the source tree's (a
 * build run in place). */
const char *dpn_nic_table_path(void);
int dpn_nic_table_load(const char *path, struct dpn_nic_table *t, struct dpn_err *err);
void dpn_nic_table_free(struct dpn_nic_table *t);
/* The vendor entry for a PCI vendor ID ("15b3"), or NULL. */
json_t *dpn_nic_vendor(const struct dpn_nic_table *t, const char *vendor_id);
/* The device entry whose pf (or vf) ID matches, or NULL. */
json_t *dpn_nic_model(json_t *vendor, const char *device_id, bool vf);

struct dpn_vf {
	char bdf[16];
	int index;
	char vendor_id[8], device_id[8];
	char driver[32];
	char netdev[16];
	int numa;        /* -1: none */
	int iommu_group; /* -1: none */
	char rdma[32];
	char representor[96]; /* netdev name, or DPDK devargs for DPDK-representor vendors */
	char rep_kind[8];     /* "netdev", "dpdk" or "" when not found */
	char rep_devargs[96]; /* DPDK representor devargs, for vendors that have them */
	bool smartnic;        /* Yusur: on the smart-NIC path (hw/plat_name) */
	bool have_attrs;      /* the PF's netdev reported VF attributes */
	char link_type[12];   /* "ether", "infiniband", "" without a netdev */
	char mac[18];
	int vlan, qos, spoofchk, trust, link_state;
};

struct dpn_pf {
	char bus[16]; /* "pci", or "netdevsim" for the test rig's simulated NIC */
	char bdf[16]; /* PCI address, or the netdevsim device name */
	char vendor_id[8], device_id[8];
	char vendor[48], model[48]; /* from the NIC table; "" when unknown */
	char driver[32];
	char netdev[16];
	char operstate[12]; /* the PF netdev's: "up", "down"... "" without one */
	int numa;
	int iommu_group;
	int numvfs, totalvfs;
	char switch_id[64]; /* phys_switch_id of the PF's netdev */
	char eswitch[12];   /* "legacy", "switchdev", "" when devlink does not say */
	int pfnum;          /* from phys_port_name "pN", else the PCI function */
	char uplink_rep[16];
	char rdma[32];
	char link_type[12];
	int n_vfs;
	struct dpn_vf *vfs;
};

struct dpn_inventory {
	int n_pfs;
	struct dpn_pf *pfs;
};

/* Scans PCI network devices (class 0x02) through libudev (umockdev redirects
 * its /sys in tests). */
int dpn_sriov_scan(const struct dpn_nic_table *t, struct dpn_inventory *inv, struct dpn_err *err);
void dpn_inventory_free(struct dpn_inventory *inv);
json_t *dpn_inventory_json(const struct dpn_inventory *inv);

/* Pure parsers (unit tested): phys_port_name "pf0vf3", "c1pf0vf3", "p0",
 * and Yusur's netdev "pf0vf3rep". Returns 1 VF rep, 2 uplink, 0 neither. */
int dpn_sriov_parse_port_name(const char *name, int *controller, int *pf, int *vf);

/* The first PF (function 0) of pf's PCI device, or NULL. */
const struct dpn_pf *dpn_sriov_pf0(const struct dpn_inventory *inv, const struct dpn_pf *pf);
/* VFs enabled on every PF of pf's PCI device. */
int dpn_sriov_device_numvfs(const struct dpn_inventory *inv, const struct dpn_pf *pf);
/* The representor number of a VF by the NIC table's representors.index
 * rule: the VF index, or (Yunsilicon) after PF0's VFs on the second PF. */
int dpn_sriov_rep_index(
        json_t *rep, const struct dpn_inventory *inv, const struct dpn_pf *pf, int vf_index);
/* A NIC-table template (representors.devargs, iface_ids values): %B PF BDF,
 * %b VF BDF, %U the uplink device given to OVS, %V VF index, %I representor
 * number (dpn_sriov_rep_index), %P PF number, %% a '%'. -EINVAL on an unknown
 * %-sequence, -ENAMETOOLONG when out is too small. */
struct dpn_rep_vars {
	const struct dpn_pf *pf;
	const struct dpn_vf *vf;
	const char *uplink;
	int index;
};
int dpn_sriov_rep_template(const char *tmpl, const struct dpn_rep_vars *v, char *out, size_t len);

/* An ethtool feature of a netdev by name ("hw-tc-offload"): 1 on, 0 off;
 * with set 0/1 also changes it (2: changed). -EOPNOTSUPP when the netdev has
 * no such feature or cannot change it. */
int dpn_ethtool_feature(const char *ifname, const char *name, int set);

/* Provisioning of the config's sriov section (see provision.c). */
struct dpn_sriov_report {
	int changes;    /* 0 when everything already was as configured */
	char log[8192]; /* one line per change made */
};
int dpn_sriov_apply(const struct dpn_sriov_conf *c, const struct dpn_nic_table *t,
        struct dpn_sriov_report *r, struct dpn_err *err);

/* The module: loads the NIC table, provisions the sriov section once at
 * start (its report in status "sriov"), and keeps the inventory current with
 * a udev monitor. API: sriov.inventory. */
extern const struct dpn_module dpn_sriov_module;
struct dpn_sriov_mon;
/* For modules that depend on it (the device plugin). */
const struct dpn_nic_table *dpn_sriov_nics(void *module_state);
struct dpn_sriov_mon *dpn_sriov_monitor(void *module_state);

#endif
