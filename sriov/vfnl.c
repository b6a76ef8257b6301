#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>
#include <netlink/netlink.h>

#include "dpn_nlerr.h"
#include <netlink/route/link.h>
#include <netlink/route/link/sriov.h>

#include "dpn_vfnl.h"

static struct nl_sock *connect_route(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	if (sk && nl_connect(sk, NETLINK_ROUTE) < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

struct get_arg {
	struct dpn_vf_attrs *vfs;
	int n;
};

static void parse_link(struct nl_object *obj, void *arg)
{
	struct get_arg *a = arg;
	struct rtnl_link *l = (struct rtnl_link *)obj;
	uint32_t num = 0, v;

	if (rtnl_link_get_num_vf(l, &num) < 0 || !num)
		return;
	a->vfs = calloc(num, sizeof(*a->vfs));
	if (!a->vfs)
		return;
	for (uint32_t i = 0; i < num; i++) {
		struct rtnl_link_vf *vf = rtnl_link_vf_get(l, i);
		struct dpn_vf_attrs *o = &a->vfs[a->n];
		struct nl_addr *mac = NULL;
		nl_vf_vlans_t *vl = NULL;
		if (!vf)
			continue;
		memset(o, 0, sizeof(*o));
		o->spoofchk = o->trust = o->link_state = o->min_tx_rate = o->max_tx_rate = -1;
		o->index = rtnl_link_vf_get_index(vf, &v) == 0 ? (int)v : (int)i;
		if (rtnl_link_vf_get_addr(vf, &mac) == 0 && mac)
			nl_addr2str(mac, o->mac, sizeof(o->mac));
		if (rtnl_link_vf_get_vlans(vf, &vl) == 0 && vl && vl->size > 0) {
			o->vlan = vl->vlans[0].vf_vlan;
			o->qos = vl->vlans[0].vf_vlan_qos;
		}
		if (rtnl_link_vf_get_spoofchk(vf, &v) == 0)
			o->spoofchk = v;
		if (rtnl_link_vf_get_trust(vf, &v) == 0)
			o->trust = v;
		struct nl_vf_rate rate = {.api = RTNL_LINK_VF_RATE_API_NEW};
		if (rtnl_link_vf_get_rate(vf, &rate) == 0) {
			o->min_tx_rate = rate.min_tx_rate;
			o->max_tx_rate = rate.max_tx_rate;
		}
		if (rtnl_link_vf_get_linkstate(vf, &v) == 0)
			o->link_state = v;
		rtnl_link_vf_put(vf);
		a->n++;
	}
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	nl_msg_parse(msg, parse_link, arg);
	return NL_OK;
}

int dpn_vfnl_get(const char *pf_netdev, struct dpn_vf_attrs **out)
{
	struct get_arg a = {0};
	struct nl_msg *msg = NULL;
	struct nl_sock *sk = connect_route();
	int ret;

	*out = NULL;
	if (!sk)
		return -EIO;
	ret = rtnl_link_build_get_request(0, pf_netdev, &msg);
	if (ret == 0) {
		/* VF info comes only when asked for */
		nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_VF);
		nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &a);
		ret = nl_send_auto(sk, msg);
		if (ret >= 0)
			ret = nl_recvmsgs_default(sk);
	}
	nlmsg_free(msg);
	nl_socket_free(sk);
	if (ret < 0) {
		free(a.vfs);
		return dpn_nlerr(ret);
	}
	*out = a.vfs;
	return a.n;
}

int dpn_vfnl_set(const char *pf_netdev, const struct dpn_vf_attrs *w)
{
	struct nl_sock *sk = connect_route();
	struct rtnl_link *orig = NULL, *chg = NULL;
	struct rtnl_link_vf *vf = NULL;
	int ret;

	if (!sk)
		return -EIO;
	ret = rtnl_link_get_kernel(sk, 0, pf_netdev, &orig);
	if (ret < 0)
		goto out;
	chg = rtnl_link_alloc();
	vf = rtnl_link_vf_alloc();
	if (!chg || !vf) {
		ret = -NLE_NOMEM;
		goto out;
	}
	rtnl_link_vf_set_index(vf, w->index);
	if (w->mac[0]) {
		struct nl_addr *a;
		if (nl_addr_parse(w->mac, AF_LLC, &a) == 0) {
			rtnl_link_vf_set_addr(vf, a);
			nl_addr_put(a);
		}
	}
	if (w->vlan >= 0) {
		nl_vf_vlans_t *vl;
		if (rtnl_link_vf_vlan_alloc(&vl, 1) == 0) {
			vl->vlans[0].vf_vlan = w->vlan;
			vl->vlans[0].vf_vlan_qos = w->qos > 0 ? w->qos : 0;
			vl->vlans[0].vf_vlan_proto = htons(0x8100);
			rtnl_link_vf_set_vlans(vf, vl);
			rtnl_link_vf_vlan_put(vl);
		}
	}
	if (w->spoofchk >= 0)
		rtnl_link_vf_set_spoofchk(vf, w->spoofchk);
	if (w->trust >= 0)
		rtnl_link_vf_set_trust(vf, w->trust);
	if (w->link_state >= 0)
		rtnl_link_vf_set_linkstate(vf, w->link_state);
	if (w->min_tx_rate >= 0 || w->max_tx_rate >= 0) {
		struct nl_vf_rate rate = {.api = RTNL_LINK_VF_RATE_API_NEW,
		        .min_tx_rate = w->min_tx_rate > 0 ? w->min_tx_rate : 0,
		        .max_tx_rate = w->max_tx_rate > 0 ? w->max_tx_rate : 0};
		rtnl_link_vf_set_rate(vf, &rate);
	}
	ret = rtnl_link_vf_add(chg, vf);
	if (ret == 0)
		ret = rtnl_link_change(sk, orig, chg, 0);
out:
	if (vf)
		rtnl_link_vf_put(vf);
	if (chg)
		rtnl_link_put(chg);
	if (orig)
		rtnl_link_put(orig);
	nl_socket_free(sk);
	return dpn_nlerr(ret);
}

int dpn_vfnl_link_up(const char *netdev)
{
	struct nl_sock *sk = connect_route();
	struct rtnl_link *orig = NULL, *chg = NULL;
	int ret;

	if (!sk)
		return -EIO;
	ret = rtnl_link_get_kernel(sk, 0, netdev, &orig);
	if (ret == 0 && !(rtnl_link_get_flags(orig) & IFF_UP)) {
		chg = rtnl_link_alloc();
		rtnl_link_set_flags(chg, IFF_UP);
		ret = rtnl_link_change(sk, orig, chg, 0);
		rtnl_link_put(chg);
	}
	if (orig)
		rtnl_link_put(orig);
	nl_socket_free(sk);
	return dpn_nlerr(ret);
}
