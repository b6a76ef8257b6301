/* The typed port API: the one way a module puts a port into OVS. */
#include <errno.h>
#include <string.h>

#define DPN_LOG_MOD "ovs"
#include "dpn_log.h"
#include "dpn_util.h"
#include "ovs_desired.h"
#include "ovs_priv.h"

/* Interface types a module may ask for (vswitch.ovsschema's are free text;
 * these are the ones OVS-DPDK and the kernel datapath implement). */
static const char *const port_types[] = {
        "dpdkvhostuserclient", "dpdk", "system", "internal", "afxdp", "tap", NULL};

int dpn_ovs_kv_add(struct dpn_ovs_kv *map, int *n, const char *key, const char *value)
{
	if (*n >= DPN_OVS_PORT_KV_MAX)
		return -ENOSPC;
	map[(*n)++] = (struct dpn_ovs_kv){key, value};
	return 0;
}

static int check_map(const char *what, const struct dpn_ovs_kv *kv, int n, struct dpn_err *err)
{
	if (n < 0 || n > DPN_OVS_PORT_KV_MAX)
		return dpn_err_set(
		        err, -EINVAL, "%s: %d keys (at most %d)", what, n, DPN_OVS_PORT_KV_MAX);
	for (int i = 0; i < n; i++) {
		if (!kv[i].key || !kv[i].key[0])
			return dpn_err_set(err, -EINVAL, "%s[%d]: empty key", what, i);
		for (int j = 0; j < i; j++)
			if (!strcmp(kv[i].key, kv[j].key))
				return dpn_err_set(
				        err, -EINVAL, "%s: key %s given twice", what, kv[i].key);
	}
	return 0;
}

int dpn_ovs_port_spec_check(const struct dpn_ovs_port_spec *s, struct dpn_err *err)
{
	int i, ret;

	if (!s->name || !dpn_ifname_valid(s->name))
		return dpn_err_set(err, -EINVAL, "port name: \"%s\" is not an interface name",
		        s->name ? s->name : "");
	if (!s->owner || !s->owner[0])
		return dpn_err_set(err, -EINVAL, "port %s: no owner", s->name);
	for (i = 0; s->type && port_types[i] && strcmp(port_types[i], s->type); i++)
		;
	if (!s->type || !port_types[i])
		return dpn_err_set(err, -EINVAL, "port %s: type \"%s\" is not one dpnode manages",
		        s->name, s->type ? s->type : "");
	if (s->mtu < 0 || s->mtu > 65535)
		return dpn_err_set(
		        err, -EINVAL, "port %s: mtu %d out of 0..65535", s->name, s->mtu);
	if ((ret = check_map("options", s->options, s->n_options, err)) < 0 ||
	        (ret = check_map("external_ids", s->iface_ids, s->n_iface_ids, err)) < 0 ||
	        (ret = check_map("port external_ids", s->port_ids, s->n_port_ids, err)) < 0)
		return dpn_err_prefix(err, "port %s", s->name);
	return 0;
}

static json_t *desired_port(struct dpn_ovs *o, const char *bridge, const char *name)
{
	json_t *br = json_object_get(json_object_get(o->desired, "bridges"), bridge);
	return json_object_get(json_object_get(br, "ports"), name);
}

int dpn_ovs_port_set(struct dpn_ovs *o, const char *bridge, const struct dpn_ovs_port_spec *s,
        struct dpn_err *err)
{
	int ret;

	if ((ret = dpn_ovs_port_spec_check(s, err)) < 0)
		return ret;
	if (!json_object_get(json_object_get(o->desired, "bridges"), bridge))
		return dpn_err_set(err, -ENOENT, "bridge %s: not a bridge dpnode manages", bridge);
	json_t *have = desired_port(o, bridge, s->name), *e;
	const char *owner = dpn_desired_port_owner(have);
	if (have && (!owner || strcmp(owner, s->owner)))
		return dpn_err_set(err, -EEXIST, "port %s on %s belongs to %s", s->name, bridge,
		        owner ? owner : "the node config");
	if (!(e = dpn_desired_port(s)))
		return dpn_err_set(err, -ENOMEM, "port %s: out of memory", s->name);
	if ((ret = dpn_desired_set_port(o->desired, bridge, s->name, e)) < 0)
		return dpn_err_set(err, ret, "port %s: %s", s->name, strerror(-ret));
	json_object_del(o->clean, s->name); /* its new spec is diffed at the next reconcile */
	dpn_ovs_kick(o);
	return 0;
}

int dpn_ovs_port_del(struct dpn_ovs *o, const char *bridge, const char *name, const char *owner)
{
	json_t *have = desired_port(o, bridge, name);
	const char *by = dpn_desired_port_owner(have);

	if (!have || !by || strcmp(by, owner))
		return -ENOENT;
	dpn_desired_del_port(o->desired, bridge, name);
	json_object_del(o->clean, name);
	o->stale_possible = true; /* its row is to go at the next pass */
	dpn_ovs_kick(o);
	return 0;
}

json_t *dpn_ovs_owned_ports(struct dpn_ovs *o, const char *bridge, const char *owner)
{
	json_t *ports = json_object_get(
	               json_object_get(json_object_get(o->desired, "bridges"), bridge), "ports"),
	       *out = json_array(), *p;
	const char *name;

	json_object_foreach (ports, name, p)
		if (!strcmp(dpn_desired_port_owner(p) ?: "", owner))
			json_array_append_new(out, json_string(name));
	return out;
}
