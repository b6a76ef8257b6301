#include <errno.h>
#include <string.h>

#include "ovs_desired.h"
#include "ovs_schema.h"

static const char *const startup_keys[] = {"dpdk-init", "dpdk-socket-mem", "dpdk-socket-limit",
        "dpdk-lcore-mask", "dpdk-extra", "vhost-sock-dir", "hw-offload", "tc-policy",
        "dpdk-hugepage-dir", "dpdk-alloc-mem", NULL};

const char *const *dpn_desired_startup_keys(void)
{
	return startup_keys;
}

bool dpn_desired_is_startup_key(const char *key)
{
	for (int i = 0; startup_keys[i]; i++)
		if (!strcmp(startup_keys[i], key))
			return true;
	return false;
}

static json_t *mb_list(const long *mb, int n)
{
	char buf[128] = "";
	size_t off = 0;

	if (n == 0)
		return json_null();
	for (int i = 0; i < n; i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%ld", i ? "," : "", mb[i]);
	return json_string(buf);
}

static json_t *mask(bool has, const struct dpn_cpuset *s)
{
	char buf[300];
	if (!has || dpn_cpuset_format_mask(s, buf, sizeof(buf)) < 0)
		return json_null();
	return json_string(buf);
}

/* In attach mode dpnode only sets what the config names: never removes. */
static void put(json_t *map, const char *k, json_t *v, bool managed)
{
	if (json_is_null(v) && !managed) {
		json_decref(v);
		return;
	}
	json_object_set_new(map, k, v);
}

static json_t *other_config(const struct dpn_conf *c)
{
	const struct dpn_ovs_conf *o = &c->ovs;
	bool m = o->mode == DPN_OVS_MANAGED;
	json_t *oc = json_object();
	const char *k;
	json_t *v;

	put(oc, "dpdk-init", json_string("true"), m);
	put(oc, "dpdk-socket-mem", mb_list(o->dpdk.socket_mem, o->dpdk.n_socket_mem), m);
	put(oc, "dpdk-socket-limit", mb_list(o->dpdk.socket_limit, o->dpdk.n_socket_limit), m);
	put(oc, "pmd-cpu-mask", mask(o->dpdk.has_pmd, &o->dpdk.pmd), m);
	put(oc, "dpdk-lcore-mask", mask(o->dpdk.has_lcore, &o->dpdk.lcore), m);
	put(oc, "dpdk-extra", o->dpdk.extra[0] ? json_string(o->dpdk.extra) : json_null(), m);
	/* OVS resolves vhost-sock-dir relative to its run dir. */
	size_t rl = strlen(o->run_dir);
	const char *rel = o->vhost_sock_dir + rl + (o->vhost_sock_dir[rl] == '/');
	put(oc, "vhost-sock-dir", *rel ? json_string(rel) : json_null(), m);
	put(oc, "hw-offload", o->hw_offload ? json_string("true") : json_null(), m);
	put(oc, "tc-policy", strcmp(o->tc_policy, "none") ? json_string(o->tc_policy) : json_null(),
	        m);
	json_object_foreach (o->other_config, k, v)
		json_object_set(oc, k, v);
	return oc;
}

/* The free-form other_config keys dpnode sets, recorded in the database so a
 * later dpnoded (with a config that dropped some) knows to remove them. */
static json_t *passthrough_record(const struct dpn_conf *c)
{
	char buf[2048] = "";
	size_t off = 0;
	const char *k;
	json_t *v;

	/* jansson keeps insertion order: sort for a stable value */
	const char *keys[128];
	size_t n = 0;
	json_object_foreach (c->ovs.other_config, k, v)
		if (n < DPN_ARRAY_SIZE(keys))
			keys[n++] = k;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
			const char *t = keys[j];
			keys[j] = keys[j - 1];
			keys[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++)
		off += snprintf(buf + off, off < sizeof(buf) ? sizeof(buf) - off : 0, "%s%s",
		        i ? "," : "", keys[i]);
	return n ? json_string(buf) : json_null();
}

static json_t *external_ids(const struct dpn_conf *c)
{
	const struct dpn_ovn_conf *n = &c->ovn;
	bool m = c->ovs.mode == DPN_OVS_MANAGED, ovn = n->remote[0];
	json_t *ids = json_object();
	char ip[64];

	put(ids, "ovn-remote", ovn ? json_string(n->remote) : json_null(), m);
	put(ids, "ovn-encap-type", ovn ? json_string(n->encap_type) : json_null(), m);
	if (ovn && n->has_encap_ip && dpn_cidr_addr_str(&n->encap_ip, ip, sizeof(ip)) == 0)
		put(ids, "ovn-encap-ip", json_string(ip), m);
	else
		put(ids, "ovn-encap-ip", json_null(), m);
	put(ids, "ovn-remote-probe-interval",
	        ovn && n->remote_probe_ms >= 0 ? json_sprintf("%ld", n->remote_probe_ms)
	                                       : json_null(),
	        m);
	put(ids, "ovn-openflow-probe-interval",
	        ovn && n->of_probe_s >= 0 ? json_sprintf("%ld", n->of_probe_s) : json_null(), m);
	put(ids, "ovn-bridge-mappings",
	        ovn && n->bridge_mappings[0] ? json_string(n->bridge_mappings) : json_null(), m);
	put(ids, "ovn-bridge",
	        ovn && strcmp(c->int_bridge, "br-int") ? json_string(c->int_bridge) : json_null(),
	        m);
	if (n->system_id[0])
		json_object_set_new(ids, "system-id", json_string(n->system_id));
	json_object_set_new(ids, DPN_PASSTHROUGH_KEY, passthrough_record(c));
	return ids;
}

static json_t *iface(const char *type, json_t *options, int mtu)
{
	json_t *cols = json_pack("{s:s}", OVS_C_TYPE, type);
	if (options)
		json_object_set_new(cols, OVS_C_OPTIONS, options);
	json_object_set_new(cols, OVS_C_MTU_REQUEST, mtu ? json_integer(mtu) : json_null());
	return json_pack("{s:o}", "cols", cols);
}

static json_t *port(json_t *cols, const char *name, json_t *ifspec)
{
	return json_pack(
	        "{s:o, s:{s:o}}", "cols", cols ? cols : json_object(), "ifaces", name, ifspec);
}

static json_t *bridge(const char *fail_mode)
{
	return json_pack("{s:{s:s, s:s}, s:{}}", "cols", OVS_C_DATAPATH_TYPE, "netdev",
	        OVS_C_FAIL_MODE, fail_mode, "ports");
}

static json_t *uplink_iface(const struct dpn_uplink_conf *u, const struct dpn_uplink_port *p)
{
	json_t *opts = json_pack("{s:s}", "dpdk-devargs", p->pci[0] ? p->pci : p->devargs);
	if (p->n_rxq)
		json_object_set_new(opts, "n_rxq", json_sprintf("%d", p->n_rxq));
	return iface("dpdk", opts, u->mtu);
}

static void add_uplink(json_t *bridges, const struct dpn_conf *c)
{
	const struct dpn_uplink_conf *u = &c->uplink;
	json_t *br = bridge("standalone"), *ports = json_object_get(br, "ports");

	/* The bridge's internal port carries the host's tunnel endpoint: the VLAN
	 * tag goes there so host traffic leaves the uplink tagged. */
	json_object_set_new(ports, u->bridge,
	        port(json_pack("{s:o}", OVS_C_TAG, u->vlan ? json_integer(u->vlan) : json_null()),
	                u->bridge, iface("internal", NULL, u->mtu)));
	if (u->n_ports == 1) {
		json_object_set_new(ports, u->ports[0].name,
		        port(NULL, u->ports[0].name, uplink_iface(u, &u->ports[0])));
	} else {
		json_t *cols = json_pack("{s:s, s:o}", OVS_C_BOND_MODE,
		        dpn_bond_mode_name(u->bond_mode), OVS_C_LACP,
		        u->lacp == DPN_LACP_OFF ? json_null()
		                                : json_string(dpn_lacp_name(u->lacp)));
		json_t *ifs = json_object();
		for (int i = 0; i < u->n_ports; i++)
			json_object_set_new(ifs, u->ports[i].name, uplink_iface(u, &u->ports[i]));
		json_object_set_new(ports, dpn_conf_uplink_port_name(u),
		        json_pack("{s:o, s:o}", "cols", cols, "ifaces", ifs));
	}
	json_object_set_new(bridges, u->bridge, br);
}

json_t *dpn_desired_from_conf(const struct dpn_conf *c)
{
	json_t *d, *bridges = json_object(), *brint;

	/* br-int is secure only under OVN: without a controller to program it,
	 * standalone keeps a node without OVN switching. */
	brint = bridge(c->ovn.remote[0] ? "secure" : "standalone");
	json_object_set_new(json_object_get(brint, "ports"), c->int_bridge,
	        port(NULL, c->int_bridge, iface("internal", NULL, 0)));
	json_object_set_new(bridges, c->int_bridge, brint);
	if (c->uplink.present)
		add_uplink(bridges, c);
	if (c->uplink_patch) {
		/* Without OVN nothing else links br-int to the uplink bridge. */
		json_object_set_new(json_object_get(brint, "ports"), "patch-int-phy",
		        port(NULL, "patch-int-phy",
		                iface("patch", json_pack("{s:s}", "peer", "patch-phy-int"), 0)));
		json_object_set_new(
		        json_object_get(json_object_get(bridges, c->uplink.bridge), "ports"),
		        "patch-phy-int",
		        port(NULL, "patch-phy-int",
		                iface("patch", json_pack("{s:s}", "peer", "patch-int-phy"), 0)));
	}
	d = json_pack("{s:{s:o, s:o}, s:o}", "ovs", OVS_C_OTHER_CONFIG, other_config(c),
	        OVS_C_EXTERNAL_IDS, external_ids(c), "bridges", bridges);
	return d;
}

int dpn_desired_set_port(json_t *desired, const char *bridge, const char *port, json_t *spec)
{
	json_t *br = json_object_get(json_object_get(desired, "bridges"), bridge);
	if (!br) {
		json_decref(spec);
		return -ENOENT;
	}
	return json_object_set_new(json_object_get(br, "ports"), port, spec) ? -ENOMEM : 0;
}

int dpn_desired_del_port(json_t *desired, const char *bridge, const char *port)
{
	json_t *br = json_object_get(json_object_get(desired, "bridges"), bridge);
	if (!br || json_object_del(json_object_get(br, "ports"), port))
		return -ENOENT;
	return 0;
}

static json_t *kv_map(const struct dpn_ovs_kv *kv, int n)
{
	json_t *m = json_object();
	for (int i = 0; i < n; i++)
		json_object_set_new(
		        m, kv[i].key, kv[i].value ? json_string(kv[i].value) : json_null());
	return m;
}

json_t *dpn_desired_port(const struct dpn_ovs_port_spec *s)
{
	json_t *cols = json_pack("{s:s, s:o, s:o, s:o}", OVS_C_TYPE, s->type, OVS_C_OPTIONS,
	        kv_map(s->options, s->n_options), OVS_C_MTU_REQUEST,
	        s->mtu ? json_integer(s->mtu) : json_null(), OVS_C_EXTERNAL_IDS,
	        kv_map(s->iface_ids, s->n_iface_ids));
	json_t *spec = json_pack("{s:s, s:{s:o}, s:{s:{s:o}}}", "owner", s->owner, "cols",
	        OVS_C_EXTERNAL_IDS, kv_map(s->port_ids, s->n_port_ids), "ifaces", s->name, "cols",
	        cols);
	char *text = spec ? json_dumps(spec, JSON_COMPACT) : NULL;
	json_t *e = text ? json_pack("[s, s]", s->owner, text) : NULL;

	free(text);
	json_decref(spec);
	return e;
}

bool dpn_desired_port_packed(json_t *entry)
{
	return json_is_array(entry) && json_array_size(entry) == 2;
}

json_t *dpn_desired_port_spec(json_t *entry)
{
	if (json_is_object(entry))
		return json_incref(entry);
	if (!dpn_desired_port_packed(entry))
		return NULL;
	return json_loads(json_string_value(json_array_get(entry, 1)) ?: "", 0, NULL);
}

const char *dpn_desired_port_owner(json_t *entry)
{
	if (dpn_desired_port_packed(entry))
		return json_string_value(json_array_get(entry, 0));
	return json_string_value(json_object_get(entry, "owner"));
}
