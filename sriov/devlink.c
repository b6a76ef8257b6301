/* devlink through libnl-genl: no exec of the devlink tool. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/devlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "dpn_nlerr.h"

#include "dpn_devlink.h"

struct req {
	struct nl_sock *sk;
	struct nl_msg *msg;
};

static int start(struct req *r, uint8_t cmd, int flags, const char *bus, const char *dev)
{
	int fam;

	r->sk = nl_socket_alloc();
	r->msg = NULL;
	if (!r->sk)
		return -ENOMEM;
	if (genl_connect(r->sk) < 0 || (fam = genl_ctrl_resolve(r->sk, DEVLINK_GENL_NAME)) < 0) {
		nl_socket_free(r->sk);
		return -EOPNOTSUPP;
	}
	r->msg = nlmsg_alloc();
	if (!r->msg || !genlmsg_put(r->msg, NL_AUTO_PORT, NL_AUTO_SEQ, fam, 0, flags, cmd,
	                       DEVLINK_GENL_VERSION)) {
		nlmsg_free(r->msg);
		nl_socket_free(r->sk);
		return -ENOMEM;
	}
	if (bus) {
		nla_put_string(r->msg, DEVLINK_ATTR_BUS_NAME, bus);
		nla_put_string(r->msg, DEVLINK_ATTR_DEV_NAME, dev);
	}
	return 0;
}

static int finish(struct req *r, int (*cb)(struct nl_msg *, void *), void *arg)
{
	int ret;

	if (cb)
		nl_socket_modify_cb(r->sk, NL_CB_VALID, NL_CB_CUSTOM, cb, arg);
	ret = nl_send_auto(r->sk, r->msg);
	if (ret >= 0)
		ret = nl_recvmsgs_default(r->sk);
	/* errors the kernel returns (EOPNOTSUPP for a refused mode) come as -errno */
	nlmsg_free(r->msg);
	nl_socket_free(r->sk);
	return ret < 0 ? dpn_nlerr(ret) : 0;
}

static struct nlattr **parse(struct nl_msg *msg, struct nlattr **tb)
{
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	if (nla_parse(tb, DEVLINK_ATTR_MAX, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0), NULL) <
	        0)
		return NULL;
	return tb;
}

static int eswitch_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[DEVLINK_ATTR_MAX + 1];
	if (parse(msg, tb) && tb[DEVLINK_ATTR_ESWITCH_MODE])
		*(int *)arg = nla_get_u16(tb[DEVLINK_ATTR_ESWITCH_MODE]);
	return NL_OK;
}

int dpn_devlink_eswitch_get(const char *bus, const char *dev, enum dpn_eswitch_mode *mode)
{
	struct req r;
	int m = -1, ret = start(&r, DEVLINK_CMD_ESWITCH_GET, NLM_F_REQUEST | NLM_F_ACK, bus, dev);

	if (ret < 0)
		return ret;
	ret = finish(&r, eswitch_cb, &m);
	if (ret == 0 && m < 0)
		ret = -ENODATA;
	if (ret == 0)
		*mode = m;
	return ret;
}

int dpn_devlink_eswitch_set(const char *bus, const char *dev, enum dpn_eswitch_mode mode)
{
	struct req r;
	int ret = start(&r, DEVLINK_CMD_ESWITCH_SET, NLM_F_REQUEST | NLM_F_ACK, bus, dev);

	if (ret < 0)
		return ret;
	nla_put_u16(r.msg, DEVLINK_ATTR_ESWITCH_MODE,
	        mode == DPN_ESWITCH_SWITCHDEV ? DEVLINK_ESWITCH_MODE_SWITCHDEV
	                                      : DEVLINK_ESWITCH_MODE_LEGACY);
	return finish(&r, NULL, NULL);
}

struct ports_arg {
	const char *bus, *dev;
	struct dpn_devlink_port *ports;
	int n;
};

static int port_cb(struct nl_msg *msg, void *arg)
{
	struct ports_arg *a = arg;
	struct nlattr *tb[DEVLINK_ATTR_MAX + 1];
	struct dpn_devlink_port *p;

	if (!parse(msg, tb) || !tb[DEVLINK_ATTR_BUS_NAME] || !tb[DEVLINK_ATTR_DEV_NAME] ||
	        strcmp(nla_get_string(tb[DEVLINK_ATTR_BUS_NAME]), a->bus) ||
	        strcmp(nla_get_string(tb[DEVLINK_ATTR_DEV_NAME]), a->dev))
		return NL_OK;
	p = realloc(a->ports, sizeof(*p) * (a->n + 1));
	if (!p)
		return NL_STOP;
	a->ports = p;
	p = &p[a->n++];
	memset(p, 0, sizeof(*p));
	p->controller = p->pfnum = p->vfnum = -1;
	if (tb[DEVLINK_ATTR_PORT_INDEX])
		p->index = nla_get_u32(tb[DEVLINK_ATTR_PORT_INDEX]);
	p->flavour =
	        tb[DEVLINK_ATTR_PORT_FLAVOUR] ? nla_get_u16(tb[DEVLINK_ATTR_PORT_FLAVOUR]) : -1;
	if (tb[DEVLINK_ATTR_PORT_PCI_PF_NUMBER])
		p->pfnum = nla_get_u16(tb[DEVLINK_ATTR_PORT_PCI_PF_NUMBER]);
	if (tb[DEVLINK_ATTR_PORT_PCI_VF_NUMBER])
		p->vfnum = nla_get_u16(tb[DEVLINK_ATTR_PORT_PCI_VF_NUMBER]);
	p->controller = tb[DEVLINK_ATTR_PORT_CONTROLLER_NUMBER]
	                        ? (int)nla_get_u32(tb[DEVLINK_ATTR_PORT_CONTROLLER_NUMBER])
	                        : 0;
	if (tb[DEVLINK_ATTR_PORT_NETDEV_NAME])
		snprintf(p->netdev, sizeof(p->netdev), "%s",
		        nla_get_string(tb[DEVLINK_ATTR_PORT_NETDEV_NAME]));
	return NL_OK;
}

int dpn_devlink_ports(const char *bus, const char *dev, struct dpn_devlink_port **ports)
{
	struct ports_arg a = {.bus = bus, .dev = dev};
	struct req r;
	/* a dump of every instance's ports, filtered to this one */
	int ret = start(&r, DEVLINK_CMD_PORT_GET, NLM_F_REQUEST | NLM_F_DUMP, NULL, NULL);

	*ports = NULL;
	if (ret < 0)
		return ret;
	ret = finish(&r, port_cb, &a);
	if (ret < 0) {
		free(a.ports);
		return ret;
	}
	*ports = a.ports;
	return a.n;
}

bool dpn_devlink_port_is_vf(const struct dpn_devlink_port *p)
{
	return p->flavour == DEVLINK_PORT_FLAVOUR_PCI_VF;
}

bool dpn_devlink_port_is_uplink(const struct dpn_devlink_port *p)
{
	return p->flavour == DEVLINK_PORT_FLAVOUR_PHYSICAL;
}

const char *dpn_eswitch_mode_name(enum dpn_eswitch_mode m)
{
	return m == DPN_ESWITCH_SWITCHDEV ? "switchdev" : "legacy";
}

/* Parameters: values as text, typed by what the device says the param is. */
struct param_arg {
	int cmode;
	int type;
	char value[128];
	bool found;
};

static void value_text(int type, struct nlattr *data, char *out, size_t len)
{
	switch (type) {
	case DPN_DEVLINK_PARAM_U8:
		snprintf(out, len, "%u", data ? nla_get_u8(data) : 0);
		break;
	case DPN_DEVLINK_PARAM_U16:
		snprintf(out, len, "%u", data ? nla_get_u16(data) : 0);
		break;
	case DPN_DEVLINK_PARAM_U32:
		snprintf(out, len, "%u", data ? nla_get_u32(data) : 0);
		break;
	case DPN_DEVLINK_PARAM_STRING:
		snprintf(out, len, "%s", data ? nla_get_string(data) : "");
		break;
	case DPN_DEVLINK_PARAM_BOOL:
		snprintf(out, len, "%s", data ? "true" : "false");
		break;
	default:
		snprintf(out, len, "?");
	}
}

static int param_cb(struct nl_msg *msg, void *arg)
{
	struct param_arg *a = arg;
	struct nlattr *tb[DEVLINK_ATTR_MAX + 1], *p[DEVLINK_ATTR_MAX + 1], *v;
	int rem;

	if (!parse(msg, tb) || !tb[DEVLINK_ATTR_PARAM] ||
	        nla_parse_nested(p, DEVLINK_ATTR_MAX, tb[DEVLINK_ATTR_PARAM], NULL) < 0 ||
	        !p[DEVLINK_ATTR_PARAM_TYPE] || !p[DEVLINK_ATTR_PARAM_VALUES_LIST])
		return NL_OK;
	a->type = nla_get_u8(p[DEVLINK_ATTR_PARAM_TYPE]);
	nla_for_each_nested(v, p[DEVLINK_ATTR_PARAM_VALUES_LIST], rem)
	{
		struct nlattr *val[DEVLINK_ATTR_MAX + 1];
		if (nla_parse_nested(val, DEVLINK_ATTR_MAX, v, NULL) < 0 ||
		        !val[DEVLINK_ATTR_PARAM_VALUE_CMODE] ||
		        nla_get_u8(val[DEVLINK_ATTR_PARAM_VALUE_CMODE]) != a->cmode)
			continue;
		value_text(a->type, val[DEVLINK_ATTR_PARAM_VALUE_DATA], a->value, sizeof(a->value));
		a->found = true;
	}
	return NL_OK;
}

int dpn_devlink_param_get(const char *bus, const char *dev, const char *name, int cmode, int *type,
        char *value, size_t len)
{
	struct param_arg a = {.cmode = cmode, .type = -1};
	struct req r;
	int ret = start(&r, DEVLINK_CMD_PARAM_GET, NLM_F_REQUEST | NLM_F_ACK, bus, dev);

	if (ret < 0)
		return ret;
	nla_put_string(r.msg, DEVLINK_ATTR_PARAM_NAME, name);
	ret = finish(&r, param_cb, &a);
	if (ret < 0)
		return ret;
	if (!a.found)
		return -ENOENT; /* no value in that configuration mode */
	*type = a.type;
	snprintf(value, len, "%s", a.value);
	return 0;
}

int dpn_devlink_param_set(
        const char *bus, const char *dev, const char *name, int cmode, int type, const char *value)
{
	struct req r;
	char *end;
	unsigned long n = strtoul(value, &end, 0);
	bool numeric = *value && !*end;
	int ret;

	if ((type == DPN_DEVLINK_PARAM_U8 || type == DPN_DEVLINK_PARAM_U16 ||
	            type == DPN_DEVLINK_PARAM_U32) &&
	        !numeric)
		return -EINVAL;
	if (type == DPN_DEVLINK_PARAM_BOOL && strcmp(value, "true") && strcmp(value, "false"))
		return -EINVAL;
	ret = start(&r, DEVLINK_CMD_PARAM_SET, NLM_F_REQUEST | NLM_F_ACK, bus, dev);
	if (ret < 0)
		return ret;
	nla_put_string(r.msg, DEVLINK_ATTR_PARAM_NAME, name);
	nla_put_u8(r.msg, DEVLINK_ATTR_PARAM_TYPE, type);
	nla_put_u8(r.msg, DEVLINK_ATTR_PARAM_VALUE_CMODE, cmode);
	switch (type) {
	case DPN_DEVLINK_PARAM_U8:
		nla_put_u8(r.msg, DEVLINK_ATTR_PARAM_VALUE_DATA, n);
		break;
	case DPN_DEVLINK_PARAM_U16:
		nla_put_u16(r.msg, DEVLINK_ATTR_PARAM_VALUE_DATA, n);
		break;
	case DPN_DEVLINK_PARAM_U32:
		nla_put_u32(r.msg, DEVLINK_ATTR_PARAM_VALUE_DATA, n);
		break;
	case DPN_DEVLINK_PARAM_STRING:
		nla_put_string(r.msg, DEVLINK_ATTR_PARAM_VALUE_DATA, value);
		break;
	case DPN_DEVLINK_PARAM_BOOL:
		if (!strcmp(value, "true"))
			nla_put_flag(r.msg, DEVLINK_ATTR_PARAM_VALUE_DATA);
		break;
	default:
		nlmsg_free(r.msg);
		nl_socket_free(r.sk);
		return -EINVAL;
	}
	return finish(&r, NULL, NULL);
}

int dpn_devlink_vf_rate_set(
        const char *bus, const char *dev, int vf, uint64_t tx_share_bps, uint64_t tx_max_bps)
{
	struct dpn_devlink_port *ports;
	int n = dpn_devlink_ports(bus, dev, &ports), idx = -1;
	struct req r;
	int ret;

	for (int i = 0; i < n; i++)
		if (dpn_devlink_port_is_vf(&ports[i]) && ports[i].vfnum == vf &&
		        ports[i].controller <= 0)
			idx = ports[i].index;
	if (n > 0)
		free(ports);
	if (idx < 0)
		return n < 0 ? n : -ENODEV;
	if ((ret = start(&r, DEVLINK_CMD_RATE_SET, NLM_F_REQUEST | NLM_F_ACK, bus, dev)) < 0)
		return ret;
	nla_put_u32(r.msg, DEVLINK_ATTR_PORT_INDEX, idx);
	/* devlink counts bytes per second */
	nla_put_u64(r.msg, DEVLINK_ATTR_RATE_TX_SHARE, tx_share_bps / 8);
	nla_put_u64(r.msg, DEVLINK_ATTR_RATE_TX_MAX, tx_max_bps / 8);
	return finish(&r, NULL, NULL);
}

int dpn_devlink_cmode_parse(const char *s)
{
	if (!strcmp(s, "runtime"))
		return DEVLINK_PARAM_CMODE_RUNTIME;
	if (!strcmp(s, "driverinit"))
		return DEVLINK_PARAM_CMODE_DRIVERINIT;
	if (!strcmp(s, "permanent"))
		return DEVLINK_PARAM_CMODE_PERMANENT;
	return -EINVAL;
}
