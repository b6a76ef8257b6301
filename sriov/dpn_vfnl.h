/* dpnode: VF attributes of a PF netdev over rtnetlink (libnl-route). */
#ifndef DPN_VFNL_H
#define DPN_VFNL_H

#include <stdbool.h>

struct dpn_vf_attrs {
	int index;
	char mac[18];
	int vlan; /* 0: none */
	int qos;
	int spoofchk;   /* 0/1, -1 unknown */
	int trust;      /* 0/1, -1 unknown */
	int link_state; /* 0 auto, 1 enable, 2 disable, -1 unknown */
	int min_tx_rate, max_tx_rate; /* Mbit/s, 0 none; -1 unknown (set: leave) */
};

/* Every VF of the PF's netdev; *out malloc'd; returns the count or -errno. */
int dpn_vfnl_get(const char *pf_netdev, struct dpn_vf_attrs **out);
/* Sets the fields of want that are >= 0 (mac when non-empty). */
int dpn_vfnl_set(const char *pf_netdev, const struct dpn_vf_attrs *want);
/* Brings a netdev up. */
int dpn_vfnl_link_up(const char *netdev);

#endif
