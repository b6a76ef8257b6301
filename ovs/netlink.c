#include <errno.h>
#include <net/if.h>
#include <string.h>

#include <netlink/netlink.h>

#include "dpn_nlerr.h"
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#define DPN_LOG_MOD "netlink"
#include "dpn_log.h"
#include "ovs_nl.h"

struct find_arg {
	int ifindex;
	struct nl_addr *want;
	bool found;
};

static void find_addr(struct nl_object *obj, void *arg)
{
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct find_arg *f = arg;

	if (rtnl_addr_get_ifindex(a) != f->ifindex)
		return;
	if (nl_addr_cmp(rtnl_addr_get_local(a), f->want) == 0 &&
	        rtnl_addr_get_prefixlen(a) == (int)nl_addr_get_prefixlen(f->want))
		f->found = true;
}

static int ensure_up(struct nl_sock *sk, struct rtnl_link *link, bool *changed)
{
	struct rtnl_link *req;
	int ret;

	if (rtnl_link_get_flags(link) & IFF_UP)
		return 0;
	req = rtnl_link_alloc();
	if (!req)
		return -ENOMEM;
	rtnl_link_set_flags(req, IFF_UP);
	ret = rtnl_link_change(sk, link, req, 0);
	rtnl_link_put(req);
	if (ret < 0)
		return dpn_nlerr(ret);
	*changed = true;
	return 0;
}

static int ensure_addr(struct nl_sock *sk, int ifindex, const struct dpn_cidr *c, bool *changed)
{
	struct nl_cache *cache = NULL;
	struct nl_addr *local;
	struct rtnl_addr *a;
	int ret;

	local = nl_addr_build(c->family, &c->addr, c->family == AF_INET ? 4 : 16);
	if (!local)
		return -ENOMEM;
	nl_addr_set_prefixlen(local, c->prefix);
	ret = rtnl_addr_alloc_cache(sk, &cache);
	if (ret < 0)
		goto out;
	struct find_arg f = {.ifindex = ifindex, .want = local};
	nl_cache_foreach(cache, find_addr, &f);
	if (f.found)
		goto out;
	a = rtnl_addr_alloc();
	if (!a) {
		ret = -NLE_NOMEM;
		goto out;
	}
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_local(a, local);
	ret = rtnl_addr_add(sk, a, 0);
	rtnl_addr_put(a);
	if (ret == 0)
		*changed = true;
out:
	if (cache)
		nl_cache_free(cache);
	nl_addr_put(local);
	return ret < 0 ? dpn_nlerr(ret) : 0;
}

int dpn_nl_ensure_addr(const char *ifname, const struct dpn_cidr *c, bool *changed)
{
	struct rtnl_link *link = NULL;
	struct nl_sock *sk;
	int ret;

	*changed = false;
	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	ret = nl_connect(sk, NETLINK_ROUTE);
	if (ret < 0) {
		ret = dpn_nlerr(ret);
		goto out;
	}
	ret = rtnl_link_get_kernel(sk, 0, ifname, &link);
	if (ret < 0) {
		ret = dpn_nlerr(ret);
		goto out;
	}
	ret = ensure_addr(sk, rtnl_link_get_ifindex(link), c, changed);
	if (ret == 0)
		ret = ensure_up(sk, link, changed);
	if (ret < 0)
		LOG_ERR("%s: setting address/link up: %s", ifname, strerror(-ret));
out:
	if (link)
		rtnl_link_put(link);
	nl_socket_free(sk);
	return ret;
}
