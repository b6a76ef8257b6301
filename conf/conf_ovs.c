/* Node config: the OVS-side sections (ovs with dpdk, uplink with its bond,
 * integration, ovn). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf_ctx.h"

static void parse_cpulist(
        struct cctx *x, json_t *o, const char *key, struct dpn_cpuset *s, bool *has)
{
	char buf[256];
	int r;

	if (cget_str(x, o, key, buf, sizeof(buf)) < 0)
		return;
	r = dpn_cpuset_parse_list(buf, s);
	if (r < 0) {
		cerr(x, key, "\"%s\" is not a CPU list (e.g. \"2-3,6\")", buf);
		return;
	}
	*has = true;
	if (!x->m)
		return;
	for (unsigned c = 0; c < DPN_MAX_CPUS; c++) {
		if (dpn_cpuset_isset(s, c) && !dpn_cpuset_isset(&x->m->online, c)) {
			char online[256];
			dpn_cpuset_format_list(&x->m->online, online, sizeof(online));
			cerr(x, key, "CPU %u is not an online CPU of this machine (online: %s)", c,
			        online);
		}
	}
}

static void parse_dpdk(struct cctx *x, json_t *o, struct dpn_dpdk_conf *d)
{
	static const char *const keys[] = {"socket_mem", "socket_limit", "lcore", "pmd_cores",
	        "extra_args", "init_timeout_s", NULL};
	json_t *arr, *v;
	size_t i, off = 0;
	long t;

	cobj_check(x, o, keys);
	cget_mb_list(x, o, "socket_mem", d->socket_mem, &d->n_socket_mem);
	cget_mb_list(x, o, "socket_limit", d->socket_limit, &d->n_socket_limit);
	parse_cpulist(x, o, "lcore", &d->lcore, &d->has_lcore);
	parse_cpulist(x, o, "pmd_cores", &d->pmd, &d->has_pmd);
	if (cget_int(x, o, "init_timeout_s", 1, 3600, &t) == 0)
		d->init_timeout_s = t;
	arr = cget_arr(x, o, "extra_args");
	if (!arr)
		return;
	size_t old = cctx_push(x, "extra_args");
	json_array_foreach (arr, i, v) {
		const char *s = json_string_value(v);
		if (!s || !*s || strpbrk(s, " \t\n\"'")) {
			char *val = cval(v);
			cerr(x, NULL,
			        "[%zu] %s is not one EAL argument (a non-empty string without "
			        "spaces or quotes)",
			        i, val);
			free(val);
			continue;
		}
		int n = snprintf(d->extra + off, sizeof(d->extra) - off, "%s%s", off ? " " : "", s);
		if (n < 0 || (size_t)n >= sizeof(d->extra) - off) {
			cerr(x, NULL, "longer than %zu characters in all", sizeof(d->extra) - 1);
			break;
		}
		off += n;
	}
	cctx_pop(x, old);
}

static void parse_other_config(struct cctx *x, json_t *o, struct dpn_ovs_conf *ovs)
{
	/* Keys dpnode sets from structured fields: set them there, not here. */
	static const char *const owned[] = {"dpdk-init", "dpdk-socket-mem", "dpdk-socket-limit",
	        "pmd-cpu-mask", "dpdk-lcore-mask", "dpdk-extra", "vhost-sock-dir", "hw-offload",
	        "tc-policy", NULL};
	json_t *oc = cget_obj(x, o, "other_config"), *v;
	const char *k;

	if (!oc)
		return;
	size_t old = cctx_push(x, "other_config");
	json_object_foreach (oc, k, v) {
		if (!json_is_string(v)) {
			cerr(x, k,
			        "expected a string value (OVSDB other_config is string to string)");
			continue;
		}
		for (int i = 0; owned[i]; i++)
			if (!strcmp(owned[i], k))
				cerr(x, k, "set through the structured field, not other_config");
	}
	cctx_pop(x, old);
	ovs->other_config = json_deep_copy(oc);
}

/* One of OVS's -v specs: "module:destination:level", each part optional
 * but at least one, from OVS's own vocabulary (vlog/list names the modules). */
static bool vlog_spec_ok(const char *spec)
{
	static const char *const dests[] = {"any", "console", "syslog", "file", NULL};
	static const char *const levels[] = {"off", "emer", "err", "warn", "info", "dbg", NULL};
	char buf[64], *save = NULL, *w;
	int n = 0;

	if (!spec[0] || strlen(spec) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", spec);
	for (w = strtok_r(buf, ":", &save); w; w = strtok_r(NULL, ":", &save), n++) {
		bool word = false;
		for (int i = 0; dests[i] && !word; i++)
			word = !strcmp(w, dests[i]);
		for (int i = 0; levels[i] && !word; i++)
			word = !strcmp(w, levels[i]);
		if (!word && strspn(w, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(w))
			return false;
	}
	return n > 0 && n <= 3;
}

static void parse_log_levels(struct cctx *x, json_t *o, struct dpn_ovs_conf *ovs)
{
	json_t *a = cget_arr(x, o, "log_levels"), *v;
	size_t i;

	if (!a)
		return;
	if (json_array_size(a) > DPN_OVS_MAX_LOG_LEVELS) {
		cerr(x, "log_levels", "at most %d specs", DPN_OVS_MAX_LOG_LEVELS);
		return;
	}
	ovs->n_log_levels = 0;
	json_array_foreach (a, i, v) {
		const char *s = json_string_value(v);
		if (!s || !vlog_spec_ok(s)) {
			cerr(x, "log_levels",
			        "[%zu]: expected an OVS log spec \"module:destination:level\" "
			        "(e.g. \"dpif_netdev:file:info\")",
			        i);
			continue;
		}
		snprintf(ovs->log_levels[ovs->n_log_levels++], sizeof(ovs->log_levels[0]), "%s", s);
	}
}

void dpn_conf_parse_ovs(struct cctx *x, json_t *o, struct dpn_ovs_conf *ovs)
{
	static const char *const keys[] = {"mode", "run_dir", "db_socket", "db_file", "log_dir",
	        "vswitchd_bin", "ovsdb_server_bin", "ovsdb_tool_bin", "schema", "vhost_sock_dir",
	        "dpdk", "hw_offload", "tc_policy", "other_config", "stop_on_exit", "log_levels",
	        NULL};
	static const char *const modes[] = {"managed", "attach", "none", NULL};
	static const char *const policies[] = {"none", "skip_sw", "skip_hw", NULL};
	int mode, pol;
	json_t *d;

	cobj_check(x, o, keys);
	if (cget_enum(x, o, "mode", modes, &mode) == 0)
		ovs->mode = mode;
	ccheck_abs_path(x, o, "run_dir", ovs->run_dir, sizeof(ovs->run_dir));
	ccheck_abs_path(x, o, "db_socket", ovs->db_socket, sizeof(ovs->db_socket));
	ccheck_abs_path(x, o, "db_file", ovs->db_file, sizeof(ovs->db_file));
	ccheck_abs_path(x, o, "log_dir", ovs->log_dir, sizeof(ovs->log_dir));
	ccheck_abs_path(x, o, "vswitchd_bin", ovs->vswitchd_bin, sizeof(ovs->vswitchd_bin));
	ccheck_abs_path(
	        x, o, "ovsdb_server_bin", ovs->ovsdb_server_bin, sizeof(ovs->ovsdb_server_bin));
	ccheck_abs_path(x, o, "ovsdb_tool_bin", ovs->ovsdb_tool_bin, sizeof(ovs->ovsdb_tool_bin));
	ccheck_abs_path(x, o, "schema", ovs->schema, sizeof(ovs->schema));
	ccheck_abs_path(x, o, "vhost_sock_dir", ovs->vhost_sock_dir, sizeof(ovs->vhost_sock_dir));
	if ((d = cget_obj(x, o, "dpdk"))) {
		size_t old = cctx_push(x, "dpdk");
		parse_dpdk(x, d, &ovs->dpdk);
		cctx_pop(x, old);
	}
	cget_bool(x, o, "hw_offload", &ovs->hw_offload);
	if (cget_enum(x, o, "tc_policy", policies, &pol) == 0)
		strcpy(ovs->tc_policy, policies[pol]);
	parse_other_config(x, o, ovs);
	cget_bool(x, o, "stop_on_exit", &ovs->stop_on_exit);
	parse_log_levels(x, o, ovs);
}

static void parse_port(struct cctx *x, json_t *o, size_t idx, struct dpn_uplink_port *p)
{
	static const char *const keys[] = {"name", "pci", "devargs", "n_rxq", NULL};
	long n;

	cobj_check(x, o, keys);
	snprintf(p->name, sizeof(p->name), "dpdk%u", (unsigned)(idx % 100));
	if (cget_str(x, o, "name", p->name, sizeof(p->name)) == 0)
		ccheck_ifname(x, "name", p->name);
	if (cget_str(x, o, "pci", p->pci, sizeof(p->pci)) == 0 && !dpn_pci_addr_valid(p->pci))
		cerr(x, "pci", "\"%s\" is not a PCI address (DDDD:BB:DD.F)", p->pci);
	cget_str(x, o, "devargs", p->devargs, sizeof(p->devargs));
	if (json_object_get(o, "pci") && json_object_get(o, "devargs"))
		cerr(x, NULL, "give either \"pci\" or \"devargs\", not both");
	else if (!json_object_get(o, "pci") && !json_object_get(o, "devargs"))
		cerr(x, NULL,
		        "missing \"pci\" (DDDD:BB:DD.F) or \"devargs\" (DPDK device arguments)");
	if (strpbrk(p->devargs, " \t\n"))
		cerr(x, "devargs", "\"%s\" contains whitespace", p->devargs);
	if (cget_int(x, o, "n_rxq", 1, 1024, &n) == 0)
		p->n_rxq = n;
}

static void parse_bond(struct cctx *x, json_t *o, struct dpn_uplink_conf *u)
{
	static const char *const keys[] = {"name", "mode", "lacp", NULL};
	static const char *const modes[] = {
	        "none", "active-backup", "balance-slb", "balance-tcp", NULL};
	static const char *const lacps[] = {"off", "active", "passive", NULL};
	int v;

	cobj_check(x, o, keys);
	strcpy(u->bond_name, "bond0");
	u->bond_mode = DPN_BOND_ACTIVE_BACKUP;
	if (cget_str(x, o, "name", u->bond_name, sizeof(u->bond_name)) == 0)
		ccheck_ifname(x, "name", u->bond_name);
	if (cget_enum(x, o, "mode", modes, &v) == 0)
		u->bond_mode = v;
	if (cget_enum(x, o, "lacp", lacps, &v) == 0)
		u->lacp = v;
	else if (u->bond_mode == DPN_BOND_BALANCE_TCP)
		u->lacp = DPN_LACP_ACTIVE;
	if (u->bond_mode == DPN_BOND_BALANCE_TCP && u->lacp == DPN_LACP_OFF)
		cerr(x, "lacp", "balance-tcp needs LACP (\"active\" or \"passive\")");
}

static void port_item(struct cctx *x, json_t *v, size_t i, void *arg)
{
	struct dpn_uplink_conf *u = arg;
	parse_port(x, v, i, &u->ports[i]);
}

void dpn_conf_parse_uplink(struct cctx *x, json_t *o, struct dpn_uplink_conf *u)
{
	static const char *const keys[] = {
	        "bridge", "ports", "bond", "vlan", "mtu", "encap_ip", NULL};
	char encap[64];
	json_t *ports, *v;
	long n;

	cobj_check(x, o, keys);
	u->present = true;
	if (cget_str(x, o, "bridge", u->bridge, sizeof(u->bridge)) == 0)
		ccheck_ifname(x, "bridge", u->bridge);
	ports = cget_arr(x, o, "ports");
	if (!ports || json_array_size(ports) == 0) {
		if (!json_object_get(o, "ports") || ports)
			cerr(x, "ports", "expected 1 to %d ports", DPN_MAX_UPLINK_PORTS);
	} else if (json_array_size(ports) > DPN_MAX_UPLINK_PORTS) {
		cerr(x, "ports", "%zu ports given, at most %d", json_array_size(ports),
		        DPN_MAX_UPLINK_PORTS);
	} else {
		cforeach_obj(x, ports, "ports", port_item, u);
		u->n_ports = json_array_size(ports);
	}
	if ((v = cget_obj(x, o, "bond"))) {
		size_t old = cctx_push(x, "bond");
		parse_bond(x, v, u);
		cctx_pop(x, old);
	}
	if (cget_int(x, o, "vlan", 0, 4094, &n) == 0)
		u->vlan = n;
	if (cget_int(x, o, "mtu", 68, 9710, &n) == 0)
		u->mtu = n;
	if (cget_str(x, o, "encap_ip", encap, sizeof(encap)) == 0) {
		if (dpn_cidr_parse(encap, false, &u->encap) < 0)
			cerr(x, "encap_ip",
			        "\"%s\" is not an IP address with prefix length (CIDR, e.g. "
			        "\"192.168.10.5/24\")",
			        encap);
		else
			u->has_encap = true;
	}
}

void dpn_conf_parse_integration(struct cctx *x, json_t *o, struct dpn_conf *c)
{
	static const char *const keys[] = {"bridge", "uplink_patch", NULL};
	cobj_check(x, o, keys);
	if (cget_str(x, o, "bridge", c->int_bridge, sizeof(c->int_bridge)) == 0)
		ccheck_ifname(x, "bridge", c->int_bridge);
	cget_bool(x, o, "uplink_patch", &c->uplink_patch);
}

/* ovn-remote: comma-separated tcp:IP:PORT, ssl:IP:PORT or unix:PATH. */
static bool ovn_remote_valid(const char *s)
{
	char *dup = strdup(s), *save = NULL;
	bool ok = dup && *s;

	for (char *t = dup ? strtok_r(dup, ",", &save) : NULL; ok && t;
	        t = strtok_r(NULL, ",", &save)) {
		if (!strncmp(t, "unix:", 5)) {
			ok = t[5] == '/';
			continue;
		}
		if (strncmp(t, "tcp:", 4) && strncmp(t, "ssl:", 4)) {
			ok = false;
			break;
		}
		char *host = t + 4, *colon = strrchr(host, ':'), *end;
		struct dpn_cidr cidr;
		if (!colon) {
			ok = false;
			break;
		}
		*colon = '\0';
		if (host[0] == '[' && colon[-1] == ']') {
			colon[-1] = '\0';
			host++;
		}
		long port = strtol(colon + 1, &end, 10);
		ok = *end == '\0' && port > 0 && port < 65536 &&
		     dpn_cidr_parse(host, true, &cidr) == 0;
	}
	free(dup);
	return ok;
}

/* One PEM file of ovn.ssl: there, readable, and holding what its key says. */
static void ssl_file(
        struct cctx *x, json_t *o, const char *key, const char *what, char *dst, size_t len)
{
	char head[4096] = "";
	if (!json_object_get(o, key)) {
		cerr(x, key, "missing (the %s, PEM)", what);
		return;
	}
	ccheck_abs_path(x, o, key, dst, len);
	if (dst[0] != '/')
		return;
	struct stat st;
	int ret = stat(dst, &st) < 0 ? -errno : !S_ISREG(st.st_mode) ? -EINVAL : 0;
	if (ret == -EINVAL) /* a FIFO or a device would block or mean nothing */
		cerr(x, key, "%s is not a regular file", dst);
	else if (ret < 0 || (ret = dpn_read_file(dst, head, sizeof(head))) < 0)
		cerr(x, key, "%s: %s", dst, strerror(-ret));
	else if (!strstr(head, "-----BEGIN ") ||
	         !strstr(head,
	                 strcmp(what, "private key") ? "CERTIFICATE-----" : "PRIVATE KEY-----"))
		cerr(x, key, "%s is not a PEM %s", dst, what);
}

static void parse_ssl(struct cctx *x, json_t *o, struct dpn_ssl_conf *s)
{
	static const char *const keys[] = {"private_key", "certificate", "ca_cert", NULL};
	cobj_check(x, o, keys);
	ssl_file(x, o, "private_key", "private key", s->private_key, sizeof(s->private_key));
	ssl_file(x, o, "certificate", "certificate", s->certificate, sizeof(s->certificate));
	ssl_file(x, o, "ca_cert", "CA certificate", s->ca_cert, sizeof(s->ca_cert));
	s->set = true;
}

void dpn_conf_parse_ovn(struct cctx *x, json_t *o, struct dpn_ovn_conf *ovn)
{
	static const char *const keys[] = {"remote", "encap_type", "encap_ip",
	        "remote_probe_interval_ms", "openflow_probe_interval_s", "system_id",
	        "bridge_mappings", "sb_remote", "controller", "controller_bin", "run_dir",
	        "bind_timeout_s", "ssl", NULL};
	static const char *const types[] = {"geneve", "vxlan", "stt", NULL};
	static const char *const ctls[] = {"managed", "external", NULL};
	char ip[64];
	int t;

	cobj_check(x, o, keys);
	if (cget_str(x, o, "remote", ovn->remote, sizeof(ovn->remote)) == 0 &&
	        !ovn_remote_valid(ovn->remote))
		cerr(x, "remote",
		        "\"%s\" is not an OVN SB remote list (tcp:IP:PORT, ssl:IP:PORT or "
		        "unix:PATH, comma-separated)",
		        ovn->remote);
	if (cget_enum(x, o, "encap_type", types, &t) == 0)
		strcpy(ovn->encap_type, types[t]);
	if (cget_str(x, o, "encap_ip", ip, sizeof(ip)) == 0) {
		if (dpn_cidr_parse(ip, true, &ovn->encap_ip) < 0)
			cerr(x, "encap_ip", "\"%s\" is not an IP address", ip);
		else
			ovn->has_encap_ip = true;
	}
	cget_int(x, o, "remote_probe_interval_ms", 0, 3600000, &ovn->remote_probe_ms);
	cget_int(x, o, "openflow_probe_interval_s", 0, 3600, &ovn->of_probe_s);
	cget_str(x, o, "system_id", ovn->system_id, sizeof(ovn->system_id));
	cget_str(x, o, "bridge_mappings", ovn->bridge_mappings, sizeof(ovn->bridge_mappings));
	if (cget_str(x, o, "sb_remote", ovn->sb_remote, sizeof(ovn->sb_remote)) == 0 &&
	        !ovn_remote_valid(ovn->sb_remote))
		cerr(x, "sb_remote", "\"%s\" is not an OVN SB remote list", ovn->sb_remote);
	if (cget_enum(x, o, "controller", ctls, &t) == 0)
		ovn->controller = t;
	ccheck_abs_path(x, o, "controller_bin", ovn->controller_bin, sizeof(ovn->controller_bin));
	ccheck_abs_path(x, o, "run_dir", ovn->run_dir, sizeof(ovn->run_dir));
	cget_int(x, o, "bind_timeout_s", 1, 600, &ovn->bind_timeout_s);
	json_t *ssl = cget_obj(x, o, "ssl");
	if (ssl) {
		size_t old = cctx_push(x, "ssl");
		parse_ssl(x, ssl, &ovn->ssl);
		cctx_pop(x, old);
	}
	if (!ssl && (strstr(ovn->remote, "ssl:") || strstr(ovn->sb_remote, "ssl:")))
		cerr(x, strstr(ovn->remote, "ssl:") ? "remote" : "sb_remote",
		        "ssl: remotes need ovn.ssl (private_key, certificate, ca_cert)");
}

const char *dpn_conf_uplink_port_name(const struct dpn_uplink_conf *u)
{
	return u->n_ports > 1 ? u->bond_name : u->ports[0].name;
}

const char *dpn_bond_mode_name(enum dpn_bond_mode m)
{
	static const char *const n[] = {"none", "active-backup", "balance-slb", "balance-tcp"};
	return m <= DPN_BOND_BALANCE_TCP ? n[m] : "?";
}

const char *dpn_lacp_name(enum dpn_lacp l)
{
	static const char *const n[] = {"off", "active", "passive"};
	return l <= DPN_LACP_PASSIVE ? n[l] : "?";
}
