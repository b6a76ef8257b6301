/* dpnode config: the "vhostuser" section. */
#ifndef DPN_CONF_VHOST_H
#define DPN_CONF_VHOST_H

#include "dpn_conf_base.h"

struct dpn_vhost_conf {
	char socket_root[DPN_PATH_MAX];
	char kubelet_dir[DPN_PATH_MAX];
	char state_file[DPN_PATH_MAX];
	long uid;            /* owner of socket directories */
	long gid;            /* group, e.g. 107 (qemu in virt-launcher) */
	unsigned mode;       /* of socket directories; never world-writable */
	long tx_retries_max; /* -1: OVS default */
};

#endif
