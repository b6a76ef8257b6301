/* vfport internal: a VF netdev into a pod's network namespace and back,
 * over rtnetlink (libnl-route). host_fd is dpnoded's own namespace. */
#ifndef DPN_VF_NETNS_H
#define DPN_VF_NETNS_H

#include "dpn_err.h"

/* What a netdev was before the pod had it (DEL puts it back). */
struct vfns_link {
	char mac[18];
	int mtu;
};

/* The netdev name in the namespace nsfd (-1: dpnoded's): its MAC and MTU.
 * -ENODEV when there is no such netdev. */
int vfns_link_get(int host_fd, int nsfd, const char *name, struct vfns_link *l);
/* host_name (in dpnoded's namespace) into pod_fd's namespace as pod_name,
 * with mac, mtu (0: leave) and ips (comma-separated CIDRs, "" none), up. A
 * failure after the move brings it back. */
int vfns_move_in(int host_fd, const char *host_name, int pod_fd, const char *pod_name,
        const char *mac, int mtu, const char *ips, struct dpn_err *err);
/* pod_name out of pod_fd's namespace back into dpnoded's as host_name with
 * what it had (orig). pod_fd -1 (the namespace is gone: the kernel returned
 * a physical netdev on its own, a virtual one died with it): only restores
 * host_name where it is. 0 also when the netdev is nowhere (gone with its
 * namespace); -errno on a failed step. */
int vfns_move_out(int host_fd, int pod_fd, const char *pod_name, const char *host_name,
        const struct vfns_link *orig, struct dpn_err *err);

#endif
