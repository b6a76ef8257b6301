/* VF netdevs into pods' namespaces and back. A netlink socket opened while
 * the thread is in a namespace stays bound to it: one setns there and back
 * per socket, nothing else runs in the pod's namespace. */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#define DPN_LOG_MOD "vfport"
#include "dpn_log.h"
#include "dpn_nlerr.h"
#include "vf_netns.h"

static struct nl_sock *sock_in(int host_fd, int nsfd)
{
	struct nl_sock *sk;

	if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET) < 0)
		return NULL;
	sk = nl_socket_alloc();
	if (sk && nl_connect(sk, NETLINK_ROUTE) < 0) {
		nl_socket_free(sk);
		sk = NULL;
	}
	if (nsfd >= 0 && setns(host_fd, CLONE_NEWNET) < 0)
		LOG_ERR("cannot return to dpnoded's network namespace: %s", strerror(errno));
	return sk;
}

int vfns_link_get(int host_fd, int nsfd, const char *name, struct vfns_link *l)
{
	struct nl_sock *sk = sock_in(host_fd, nsfd);
	struct rtnl_link *link = NULL;
	int ret;

	if (!sk)
		return errno ? -errno : -ENOMEM;
	ret = dpn_nlerr(rtnl_link_get_kernel(sk, 0, name, &link));
	if (ret == 0) {
		struct nl_addr *a = rtnl_link_get_addr(link);
		l->mac[0] = '\0';
		if (a)
			nl_addr2str(a, l->mac, sizeof(l->mac));
		l->mtu = rtnl_link_get_mtu(link);
		rtnl_link_put(link);
	}
	nl_socket_free(sk);
	return ret;
}

/* One RTM_SETLINK on name: new name, MAC, MTU, flags up/down, namespace. */
struct link_change {
	const char *name;
	const char *mac;
	int mtu;
	int up; /* 1 up, 0 down, -1 leave */
	int ns_fd;
};

static int change(struct nl_sock *sk, const char *name, const struct link_change *c)
{
	struct rtnl_link *link = NULL, *req = rtnl_link_alloc();
	struct nl_addr *mac = NULL;
	int ret;

	if (!req)
		return -ENOMEM;
	if ((ret = dpn_nlerr(rtnl_link_get_kernel(sk, 0, name, &link))) < 0)
		goto out;
	if (c->name && strcmp(c->name, name))
		rtnl_link_set_name(req, c->name);
	if (c->mac && c->mac[0]) {
		if ((ret = dpn_nlerr(nl_addr_parse(c->mac, AF_LLC, &mac))) < 0)
			goto out;
		rtnl_link_set_addr(req, mac);
	}
	if (c->mtu > 0)
		rtnl_link_set_mtu(req, c->mtu);
	if (c->up == 1)
		rtnl_link_set_flags(req, IFF_UP);
	else if (c->up == 0)
		rtnl_link_unset_flags(req, IFF_UP);
	if (c->ns_fd >= 0)
		rtnl_link_set_ns_fd(req, c->ns_fd);
	ret = dpn_nlerr(rtnl_link_change(sk, link, req, 0));
out:
	nl_addr_put(mac);
	rtnl_link_put(link);
	rtnl_link_put(req);
	return ret;
}

static int add_ips(struct nl_sock *sk, const char *ifname, const char *ips, struct dpn_err *err)
{
	char buf[512], *save = NULL;
	int ifindex, ret = 0;
	struct nl_cache *cache = NULL;

	if (!ips[0])
		return 0;
	if ((ret = dpn_nlerr(rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache))) < 0)
		return dpn_err_set(err, ret, "%s: cannot list links: %s", ifname, strerror(-ret));
	ifindex = rtnl_link_name2i(cache, ifname);
	nl_cache_free(cache);
	snprintf(buf, sizeof(buf), "%s", ips);
	for (char *t = strtok_r(buf, ",", &save); t && ret == 0; t = strtok_r(NULL, ",", &save)) {
		struct rtnl_addr *a = rtnl_addr_alloc();
		struct nl_addr *local = NULL;
		if (!a)
			return dpn_err_set(err, -ENOMEM, "out of memory");
		ret = dpn_nlerr(nl_addr_parse(t, AF_UNSPEC, &local));
		if (ret == 0) {
			rtnl_addr_set_ifindex(a, ifindex);
			rtnl_addr_set_local(a, local);
			ret = dpn_nlerr(rtnl_addr_add(sk, a, 0));
			ret = ret == -EEXIST ? 0 : ret;
		}
		if (ret < 0)
			dpn_err_set(err, ret, "%s: cannot add address %s: %s", ifname, t,
			        strerror(-ret));
		nl_addr_put(local);
		rtnl_addr_put(a);
	}
	return ret;
}

/* In the pod: name, MAC and MTU while down (a rename needs it), then up,
 * then the addresses. */
static int setup_in_pod(int host_fd, int pod_fd, const char *host_name, const char *pod_name,
        const char *mac, int mtu, const char *ips, struct dpn_err *err)
{
	struct nl_sock *sk = sock_in(host_fd, pod_fd);
	int ret;

	if (!sk)
		return dpn_err_set(err, errno ? -errno : -ENOMEM,
		        "cannot open netlink in the pod's network namespace");
	ret = change(sk, host_name,
	        &(struct link_change){
	                .name = pod_name, .mac = mac, .mtu = mtu, .up = 0, .ns_fd = -1});
	if (ret < 0)
		dpn_err_set(err, ret, "%s: cannot set name %s, MAC %s, MTU %d in the pod: %s",
		        host_name, pod_name, mac, mtu, strerror(-ret));
	if (ret == 0 &&
	        (ret = change(sk, pod_name, &(struct link_change){.up = 1, .ns_fd = -1})) < 0)
		dpn_err_set(err, ret, "%s: cannot bring it up: %s", pod_name, strerror(-ret));
	if (ret == 0)
		ret = add_ips(sk, pod_name, ips, err);
	nl_socket_free(sk);
	return ret;
}

int vfns_move_in(int host_fd, const char *host_name, int pod_fd, const char *pod_name,
        const char *mac, int mtu, const char *ips, struct dpn_err *err)
{
	struct nl_sock *sk = sock_in(host_fd, -1);
	int ret;

	if (!sk)
		return dpn_err_set(err, -ENOMEM, "cannot open netlink");
	ret = change(sk, host_name, &(struct link_change){.up = 0, .ns_fd = pod_fd});
	nl_socket_free(sk);
	if (ret < 0)
		return dpn_err_set(err, ret,
		        "%s: cannot move it into the pod's network namespace: %s", host_name,
		        strerror(-ret));
	ret = setup_in_pod(host_fd, pod_fd, host_name, pod_name, mac, mtu, ips, err);
	if (ret < 0) {
		struct vfns_link none = {.mtu = 0};
		struct dpn_err e2 = {0};
		/* whichever name it has now: back under its own */
		if (vfns_move_out(host_fd, pod_fd, pod_name, host_name, &none, &e2) < 0)
			vfns_move_out(host_fd, pod_fd, host_name, host_name, &none, &e2);
	}
	return ret;
}

int vfns_move_out(int host_fd, int pod_fd, const char *pod_name, const char *host_name,
        const struct vfns_link *orig, struct dpn_err *err)
{
	struct nl_sock *sk;
	int ret = 0;

	if (pod_fd >= 0 && (sk = sock_in(host_fd, pod_fd))) {
		ret = change(sk, pod_name,
		        &(struct link_change){.name = host_name, .up = 0, .ns_fd = host_fd});
		nl_socket_free(sk);
		if (ret < 0 && ret != -ENODEV)
			return dpn_err_set(err, ret, "%s: cannot move it out of the pod: %s",
			        pod_name, strerror(-ret));
	}
	if (!(sk = sock_in(host_fd, -1)))
		return dpn_err_set(err, -ENOMEM, "cannot open netlink");
	ret = change(sk, host_name,
	        &(struct link_change){.mac = orig->mac, .mtu = orig->mtu, .up = -1, .ns_fd = -1});
	nl_socket_free(sk);
	if (ret == -ENODEV) /* gone with its namespace (a virtual stand-in) */
		return 0;
	if (ret < 0)
		return dpn_err_set(err, ret, "%s: cannot restore MAC %s, MTU %d: %s", host_name,
		        orig->mac, orig->mtu, strerror(-ret));
	return 0;
}
