/* dpnode config: the "sriov" section (PFs to provision). */
#ifndef DPN_CONF_SRIOV_H
#define DPN_CONF_SRIOV_H

#include "dpn_conf_base.h"

#define DPN_MAX_SRIOV_PFS 16
#define DPN_MAX_VF_CONF   64

struct dpn_vf_conf {
	int index;
	char mac[18]; /* "" = leave */
	int vlan;     /* -1 = leave */
	int qos;
	int trust, spoofchk; /* -1 = leave, 0/1 */
	int link_state;      /* -1 = leave, 0 auto, 1 enable, 2 disable */
};

struct dpn_sriov_pf_conf {
	char pf[32]; /* PCI address or netdev name */
	int num_vfs;
	bool switchdev;
	bool vfio;             /* bind VFs to vfio-pci instead of their kernel driver */
	int hw_tc_offload;     /* -1 = leave, 0/1 */
	char flow_steering[8]; /* mlx5 "smfs"/"dmfs", "" = leave */
	int n_params;
	struct {
		char name[64];
		char value[128];
		char cmode[16];
	} params[8]; /* other devlink parameters */
	int n_vfs;
	struct dpn_vf_conf vfs[DPN_MAX_VF_CONF];
};

struct dpn_sriov_conf {
	char vf_state_file[DPN_PATH_MAX]; /* what each pod's VF attachment changed */
	int n_pfs;
	struct dpn_sriov_pf_conf pfs[DPN_MAX_SRIOV_PFS];
};

#endif
