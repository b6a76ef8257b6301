/* Node config: defaults, section parsers, cross-field checks. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_ctx.h"

#define DEF_RUN_DIR "/run/openvswitch"

void dpn_conf_init(struct dpn_conf *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->log_level, "info");
	strcpy(c->api.socket, DPN_API_DEFAULT_SOCKET);
	c->api.mode = 0660;
	c->api.gid = -1;
	c->hugepages.page_kb = 2048;
	strcpy(c->hugepages.mount, "/dev/hugepages");
	c->ovs.mode = DPN_OVS_MANAGED;
	strcpy(c->ovs.run_dir, DEF_RUN_DIR);
	c->ovs.db_socket[0] = '\0'; /* derived from run_dir after parsing */
	strcpy(c->ovs.db_file, "/etc/openvswitch/conf.db");
	strcpy(c->ovs.log_dir, "/var/log/openvswitch");
	strcpy(c->ovs.vswitchd_bin, "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk");
	strcpy(c->ovs.ovsdb_server_bin, "/usr/sbin/ovsdb-server");
	strcpy(c->ovs.ovsdb_tool_bin, "/usr/bin/ovsdb-tool");
	strcpy(c->ovs.schema, "/usr/share/openvswitch/vswitch.ovsschema");
	c->ovs.dpdk.init_timeout_s = 60;
	strcpy(c->ovs.tc_policy, "none");
	/* dpif-netdev logs every rx queue's PMD at each datapath reconfigure,
	 * and OVS reconfigures it for each port added: N^2/2 lines for N ports
	 * (500,000 for a 1000-pod burst, a quarter of vswitchd's CPU for it).
	 * dpif-netdev/pmd-rxq-show gives the assignment when it is wanted. */
	c->ovs.n_log_levels = 1;
	strcpy(c->ovs.log_levels[0], "dpif_netdev:file:warn");
	strcpy(c->uplink.bridge, "br-phy");
	strcpy(c->int_bridge, "br-int");
	strcpy(c->ovn.encap_type, "geneve");
	c->ovn.remote_probe_ms = -1;
	c->ovn.of_probe_s = -1;
	strcpy(c->ovn.controller_bin, "/usr/bin/ovn-controller");
	c->metrics.enabled = true;
	strcpy(c->metrics.host, "127.0.0.1");
	c->metrics.port = DPN_METRICS_DEFAULT_PORT;
	c->metrics.interval_s = 10;
	c->ovn.bind_timeout_s = 30;
	strcpy(c->vhost.socket_root, "/run/openvswitch/vhost_sockets");
	strcpy(c->vhost.kubelet_dir, "/var/lib/kubelet");
	strcpy(c->vhost.state_file, "/var/lib/dpnode/vhost-ports.json");
	c->vhost.uid = 0;
	c->vhost.gid = 0;
	c->vhost.mode = 0770;
	c->vhost.tx_retries_max = -1;
	strcpy(c->devplugin.plugin_dir, "/var/lib/kubelet/device-plugins");
	strcpy(c->devplugin.devinfo_dir, "/var/run/k8s.cni.cncf.io/devinfo/dp");
	strcpy(c->devplugin.state_file, "/var/lib/dpnode/allocations.json");
	strcpy(c->sriov.vf_state_file, "/var/lib/dpnode/vf-ports.json");
}

void dpn_conf_free(struct dpn_conf *c)
{
	dpn_devplugin_pools_free(&c->devplugin.pools);
	json_decref(c->ovs.other_config);
	c->ovs.other_config = NULL;
}

/* api.allow.uids / gids: numbers or names known to this machine. */
static void parse_allow_ids(
        struct cctx *x, json_t *o, const char *key, bool group, long *dst, int *n)
{
	json_t *arr = cget_arr(x, o, key), *v;
	size_t i;

	if (!arr)
		return;
	size_t old = cctx_push(x, key);
	json_array_foreach (arr, i, v) {
		const char *name = json_string_value(v);
		struct passwd *pw = name && !group ? getpwnam(name) : NULL;
		struct group *gr = name && group ? getgrnam(name) : NULL;
		long id = json_is_integer(v) ? (long)json_integer_value(v)
		          : pw               ? (long)pw->pw_uid
		          : gr               ? (long)gr->gr_gid
		                             : -1;
		if (id < 0 || id > 0x7fffffff)
			cerr(x, NULL, "[%zu] is not a %s id or a name known to this machine", i,
			        group ? "group" : "user");
		else if (*n >= DPN_API_ALLOW_MAX)
			cerr(x, NULL, "[%zu] more than %d entries", i, DPN_API_ALLOW_MAX);
		else
			dst[(*n)++] = id;
	}
	cctx_pop(x, old);
}

static void parse_allow(struct cctx *x, json_t *o, struct dpn_api_conf *a)
{
	static const char *const keys[] = {"uids", "gids", NULL};
	json_t *al = cget_obj(x, o, "allow");

	if (!al)
		return;
	size_t old = cctx_push(x, "allow");
	cobj_check(x, al, keys);
	parse_allow_ids(x, al, "uids", false, a->allow_uids, &a->n_allow_uids);
	parse_allow_ids(x, al, "gids", true, a->allow_gids, &a->n_allow_gids);
	cctx_pop(x, old);
}

static void parse_api(struct cctx *x, json_t *o, struct dpn_api_conf *a)
{
	static const char *const keys[] = {"socket", "mode", "group", "allow", NULL};
	char mode[8] = "", grp[64] = "";
	json_t *g;

	cobj_check(x, o, keys);
	ccheck_abs_path(x, o, "socket", a->socket, sizeof(a->socket));
	if (cget_str(x, o, "mode", mode, sizeof(mode)) == 0) {
		char *end;
		unsigned long m = strtoul(mode, &end, 8);
		if (*end || end == mode || m > 0777 || (m & 0002))
			cerr(x, "mode",
			        "\"%s\" is not an octal mode without world-write (e.g. \"0660\")",
			        mode);
		else
			a->mode = m;
	}
	g = json_object_get(o, "group");
	if (json_is_integer(g)) {
		cget_int(x, o, "group", 0, 0x7fffffff, &a->gid);
	} else if (cget_str(x, o, "group", grp, sizeof(grp)) == 0) {
		struct group *gr = getgrnam(grp);
		if (!gr)
			cerr(x, "group", "no group named \"%s\" on this machine", grp);
		else
			a->gid = gr->gr_gid;
	}
	parse_allow(x, o, a);
}

/* "2M"/"2048K"/"1G"; returns kB or 0. */
static unsigned long parse_page_size(const char *s)
{
	if (!strcmp(s, "2M") || !strcmp(s, "2048K") || !strcmp(s, "2048kB"))
		return 2048;
	if (!strcmp(s, "1G") || !strcmp(s, "1048576K") || !strcmp(s, "1048576kB"))
		return 1048576;
	return 0;
}

static void parse_hugepages(struct cctx *x, json_t *o, struct dpn_hugepages_conf *h)
{
	static const char *const keys[] = {"page_size", "mb_per_numa", "mount", NULL};
	char ps[16];

	cobj_check(x, o, keys);
	h->manage = true;
	if (cget_str(x, o, "page_size", ps, sizeof(ps)) == 0) {
		h->page_kb = parse_page_size(ps);
		if (!h->page_kb)
			cerr(x, "page_size", "\"%s\" is not a huge page size (\"2M\" or \"1G\")",
			        ps);
	}
	if (!json_object_get(o, "mb_per_numa"))
		cerr(x, "mb_per_numa", "missing (MB of huge pages per NUMA node, e.g. [1024])");
	cget_mb_list(x, o, "mb_per_numa", h->mb, &h->n_nodes);
	ccheck_abs_path(x, o, "mount", h->mount, sizeof(h->mount));
	if (h->page_kb) {
		for (int i = 0; i < h->n_nodes; i++) {
			if ((h->mb[i] * 1024) % h->page_kb)
				cerr(x, "mb_per_numa",
				        "[%d] %ld MB is not a multiple of the page size", i,
				        h->mb[i]);
		}
	}
}

/* Checks that span sections, run after every section parsed. */
static void check_machine(struct cctx *x, struct dpn_conf *c)
{
	const struct dpn_dpdk_conf *d = &c->ovs.dpdk;

	if (x->m) {
		for (int i = 0; i < d->n_socket_mem; i++)
			if (d->socket_mem[i] > 0 && (i >= DPN_MAX_NUMA || !x->m->numa[i]))
				dpn_conf_errorf(x->errs,
				        "ovs.dpdk.socket_mem[%d]: NUMA node %d does not "
				        "exist on this machine (%d node(s))",
				        i, i, x->m->n_numa);
		for (int i = 0; i < d->n_socket_limit; i++)
			if (d->socket_limit[i] > 0 && !x->m->numa[i])
				dpn_conf_errorf(x->errs,
				        "ovs.dpdk.socket_limit[%d]: NUMA node %d does "
				        "not exist on this machine (%d node(s))",
				        i, i, x->m->n_numa);
		for (int i = 0; i < c->hugepages.n_nodes; i++)
			if (c->hugepages.mb[i] > 0 && !x->m->numa[i])
				dpn_conf_errorf(x->errs,
				        "hugepages.mb_per_numa[%d]: NUMA node %d does "
				        "not exist on this machine (%d node(s))",
				        i, i, x->m->n_numa);
	}
	for (int i = 0; i < d->n_socket_limit && i < d->n_socket_mem; i++)
		if (d->socket_limit[i] && d->socket_limit[i] < d->socket_mem[i])
			dpn_conf_errorf(x->errs,
			        "ovs.dpdk.socket_limit[%d]: %ld MB is below "
			        "socket_mem[%d] (%ld MB)",
			        i, d->socket_limit[i], i, d->socket_mem[i]);
	if (c->hugepages.manage) {
		for (int i = 0; i < d->n_socket_mem; i++) {
			long have = i < c->hugepages.n_nodes ? c->hugepages.mb[i] : 0;
			if (x->m && !x->m->numa[i])
				continue; /* already reported: no such node */
			if (d->socket_mem[i] > have)
				dpn_conf_errorf(x->errs,
				        "ovs.dpdk.socket_mem[%d]: %ld MB exceeds the "
				        "huge pages reserved on node %d (hugepages.mb_per_numa[%d] "
				        "= %ld)",
				        i, d->socket_mem[i], i, i, have);
		}
	}
	if (d->has_lcore && d->has_pmd) {
		for (unsigned cpu = 0; cpu < DPN_MAX_CPUS; cpu++)
			if (dpn_cpuset_isset(&d->lcore, cpu) && dpn_cpuset_isset(&d->pmd, cpu))
				dpn_conf_errorf(x->errs,
				        "ovs.dpdk.pmd_cores: CPU %u is also the "
				        "non-PMD lcore (ovs.dpdk.lcore); a PMD must own its core",
				        cpu);
	}
}

/* ovs.mode none: sections only OVS serves would be silently ignored */
static void check_no_ovs(struct cctx *x, json_t *root, const struct dpn_conf *c)
{
	static const char *const need_ovs[] = {"uplink", "integration", "ovn", "vhostuser"};
	if (c->ovs.mode != DPN_OVS_NONE)
		return;
	for (size_t i = 0; i < DPN_ARRAY_SIZE(need_ovs); i++)
		if (json_object_get(root, need_ovs[i]))
			dpn_conf_errorf(x->errs,
			        "%s: needs OVS, but ovs.mode is none (remove it, or use managed or "
			        "attach)",
			        need_ovs[i]);
}

static void check_uplink(struct cctx *x, struct dpn_conf *c)
{
	struct dpn_uplink_conf *u = &c->uplink;

	if (c->ovn.remote[0] && !u->has_encap && !c->ovn.has_encap_ip)
		dpn_conf_errorf(x->errs, "ovn.encap_ip: missing; OVN needs a tunnel endpoint "
		                         "(set ovn.encap_ip or uplink.encap_ip)");
	if (c->uplink_patch && !u->present)
		dpn_conf_errorf(x->errs, "integration.uplink_patch: needs an uplink section");
	if (c->uplink_patch && c->ovn.remote[0])
		dpn_conf_errorf(x->errs,
		        "integration.uplink_patch: OVN connects br-int to the "
		        "uplink itself (ovn.bridge_mappings); leave it off with ovn.remote");
	if (!u->present)
		return;
	if (u->n_ports > 1 && u->bond_mode == DPN_BOND_NONE)
		dpn_conf_errorf(x->errs,
		        "uplink.bond: %d ports need a bond (mode active-backup, "
		        "balance-slb or balance-tcp)",
		        u->n_ports);
	if (u->n_ports == 1 && u->bond_mode != DPN_BOND_NONE)
		dpn_conf_errorf(x->errs, "uplink.bond: a bond needs at least 2 ports, 1 given");
	for (int i = 0; i < u->n_ports; i++) {
		for (int j = 0; j < i; j++) {
			if (!strcmp(u->ports[i].name, u->ports[j].name))
				dpn_conf_errorf(x->errs,
				        "uplink.ports[%d].name: \"%s\" is already "
				        "used by uplink.ports[%d]",
				        i, u->ports[i].name, j);
			if (u->ports[i].pci[0] && !strcasecmp(u->ports[i].pci, u->ports[j].pci))
				dpn_conf_errorf(x->errs,
				        "uplink.ports[%d].pci: %s is already "
				        "used by uplink.ports[%d]",
				        i, u->ports[i].pci, j);
		}
		if (!strcmp(u->ports[i].name, u->bridge) ||
		        !strcmp(u->ports[i].name, c->int_bridge))
			dpn_conf_errorf(x->errs, "uplink.ports[%d].name: \"%s\" is a bridge name",
			        i, u->ports[i].name);
	}
	if (!strcmp(u->bridge, c->int_bridge))
		dpn_conf_errorf(
		        x->errs, "uplink.bridge: \"%s\" is also integration.bridge", u->bridge);
}

/* OVN: the SB connection defaults to ovn-controller's remote, the run dir
 * sits beside OVS's (/run/openvswitch -> /run/ovn), and a managed
 * ovn-controller needs a chassis name: the host's. */
static void derive_ovn(struct cctx *x, struct dpn_conf *c)
{
	struct dpn_ovn_conf *n = &c->ovn;
	char dir[DPN_PATH_MAX], *slash;

	if (!n->run_dir[0]) { /* also without OVN: where an earlier ovn-controller is */
		snprintf(dir, sizeof(dir), "%s", c->ovs.run_dir);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		if (dpn_snprintf(n->run_dir, sizeof(n->run_dir), "%s/ovn", dir) < 0)
			dpn_conf_errorf(x->errs, "ovs.run_dir: too long");
	}
	if (!n->remote[0])
		return;
	if (!n->sb_remote[0])
		strcpy(n->sb_remote, n->remote);
	if (n->controller == DPN_OVN_CONTROLLER_MANAGED && c->ovs.mode != DPN_OVS_MANAGED)
		n->controller = DPN_OVN_CONTROLLER_EXTERNAL; /* someone else runs this OVS */
	/* only a chassis dpnoded runs gets a name from it: an attached OVS keeps
	 * the system-id its own start script set */
	if (n->controller == DPN_OVN_CONTROLLER_MANAGED && !n->system_id[0] &&
	        gethostname(n->system_id, sizeof(n->system_id) - 1) < 0)
		dpn_conf_errorf(x->errs, "ovn.system_id: missing and the host name is unknown");
}

/* db_socket defaults to run_dir/db.sock; vhost_sock_dir must sit under run_dir
 * because OVS takes it relative to its run dir. */
static void derive_paths(struct cctx *x, struct dpn_conf *c)
{
	struct dpn_ovs_conf *o = &c->ovs;
	size_t rl = strlen(o->run_dir);

	if (!o->db_socket[0] &&
	        dpn_snprintf(o->db_socket, sizeof(o->db_socket), "%s/db.sock", o->run_dir) < 0)
		dpn_conf_errorf(x->errs, "ovs.run_dir: too long");
	if (!o->vhost_sock_dir[0])
		strcpy(o->vhost_sock_dir, o->run_dir);
	if (strncmp(o->vhost_sock_dir, o->run_dir, rl) ||
	        (o->vhost_sock_dir[rl] != '/' && o->vhost_sock_dir[rl] != '\0'))
		dpn_conf_errorf(x->errs,
		        "ovs.vhost_sock_dir: \"%s\" must be inside ovs.run_dir "
		        "(\"%s\"): OVS resolves it relative to its run directory",
		        o->vhost_sock_dir, o->run_dir);
	if (c->uplink.has_encap && !c->ovn.has_encap_ip) {
		c->ovn.encap_ip = c->uplink.encap;
		c->ovn.has_encap_ip = true;
	}
	derive_ovn(x, c);
}

/* uid/gid as a number or a name known to this machine */
static void parse_id(struct cctx *x, json_t *o, const char *key, bool group, long *dst)
{
	char name[64];
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v)) {
		cget_int(x, o, key, 0, 0x7fffffff, dst);
	} else if (cget_str(x, o, key, name, sizeof(name)) == 0) {
		struct group *gr = group ? getgrnam(name) : NULL;
		struct passwd *pw = group ? NULL : getpwnam(name);
		if (group ? !gr : !pw)
			cerr(x, key, "no %s named \"%s\" on this machine (give a number)",
			        group ? "group" : "user", name);
		else
			*dst = group ? (long)gr->gr_gid : (long)pw->pw_uid;
	}
}

static void parse_vhost(struct cctx *x, json_t *o, struct dpn_vhost_conf *v)
{
	static const char *const keys[] = {"socket_root", "kubelet_dir", "state_file", "owner",
	        "group", "mode", "tx_retries_max", NULL};
	char mode[8];

	cobj_check(x, o, keys);
	ccheck_abs_path(x, o, "socket_root", v->socket_root, sizeof(v->socket_root));
	ccheck_abs_path(x, o, "kubelet_dir", v->kubelet_dir, sizeof(v->kubelet_dir));
	ccheck_abs_path(x, o, "state_file", v->state_file, sizeof(v->state_file));
	parse_id(x, o, "owner", false, &v->uid);
	parse_id(x, o, "group", true, &v->gid);
	if (cget_str(x, o, "mode", mode, sizeof(mode)) == 0) {
		char *end;
		unsigned long m = strtoul(mode, &end, 8);
		if (*end || end == mode || m > 0777 || (m & 0002))
			cerr(x, "mode",
			        "\"%s\" is not an octal mode without world-write (e.g. "
			        "\"0770\")",
			        mode);
		else
			v->mode = m;
	}
	cget_int(x, o, "tx_retries_max", 0, 32, &v->tx_retries_max);
	/* <root>/<pod uid: 36>/<volume>/<socket> must fit in sun_path (108). */
	if (strlen(v->socket_root) > 60)
		cerr(x, "socket_root",
		        "\"%s\" is %zu characters; keep it under 60 so that "
		        "<root>/<pod uid>/<volume>/<socket> fits a unix socket path (108 bytes)",
		        v->socket_root, strlen(v->socket_root));
}

static void sec_vhost(struct cctx *x, json_t *o, struct dpn_conf *c)
{
	parse_vhost(x, o, &c->vhost);
}

static void sec_dp(struct cctx *x, json_t *o, struct dpn_conf *c)
{
	static const char *const keys[] = {
	        "plugin_dir", "devinfo_dir", "state_file", "resources", "sriovdp_config", NULL};
	json_t *res = json_object_get(o, "resources");

	c->devplugin.enabled = true;
	cobj_check(x, o, keys);
	ccheck_abs_path(
	        x, o, "plugin_dir", c->devplugin.plugin_dir, sizeof(c->devplugin.plugin_dir));
	ccheck_abs_path(
	        x, o, "devinfo_dir", c->devplugin.devinfo_dir, sizeof(c->devplugin.devinfo_dir));
	ccheck_abs_path(
	        x, o, "state_file", c->devplugin.state_file, sizeof(c->devplugin.state_file));
	ccheck_abs_path(x, o, "sriovdp_config", c->devplugin.sriovdp_config,
	        sizeof(c->devplugin.sriovdp_config));
	if (res && json_object_get(o, "sriovdp_config"))
		cerr(x, "resources", "give resources or sriovdp_config, not both");
	else if (res) {
		char where[600];
		snprintf(where, sizeof(where), "%s.resources", x->path);
		c->devplugin.has_resources =
		        dpn_devplugin_pools_parse(res, where, &c->devplugin.pools, x->errs) == 0;
	} else if (c->devplugin.sriovdp_config[0]) {
		/* the file is read now, so its problems are config errors too */
		c->devplugin.has_resources =
		        dpn_devplugin_pools_load_sriovdp(
		                c->devplugin.sriovdp_config, &c->devplugin.pools, x->errs) == 0;
	}
}

static void sec_sriov(struct cctx *x, json_t *o, struct dpn_conf *c)
{
	dpn_conf_parse_sriov(x, o, &c->sriov);
}

typedef void (*section_fn)(struct cctx *, json_t *, struct dpn_conf *);

static void sec_api(struct cctx *x, json_t *o, struct dpn_conf *c)
{
	parse_api(x, o, &c->api);
}
static void sec_hugepages(struct cctx *x, json_t *o, struct dpn_conf *c)
{
	parse_hugepages(x, o, &c->hugepages);
}
static void sec_ovs(struct cctx *x, json_t *o, struct dpn_conf *c)
{
	dpn_conf_parse_ovs(x, o, &c->ovs);
}
static void sec_uplink(struct cctx *x, json_t *o, struct dpn_conf *c)
{
	dpn_conf_parse_uplink(x, o, &c->uplink);
}
static void sec_ovn(struct cctx *x, json_t *o, struct dpn_conf *c)
{
	dpn_conf_parse_ovn(x, o, &c->ovn);
}

static void sec_metrics(struct cctx *x, json_t *o, struct dpn_conf *c)
{
	dpn_conf_parse_metrics(x, o, &c->metrics);
}

static const struct {
	const char *name;
	section_fn fn;
} sections[] = {
        {"api", sec_api},
        {"hugepages", sec_hugepages},
        {"ovs", sec_ovs},
        {"uplink", sec_uplink},
        {"integration", dpn_conf_parse_integration},
        {"ovn", sec_ovn},
        {"vhostuser", sec_vhost},
        {"sriov", sec_sriov},
        {"device_plugin", sec_dp},
        {"metrics", sec_metrics},
};

int dpn_conf_load_json(
        json_t *root, const struct dpn_machine *m, struct dpn_conf *c, struct dpn_conf_errors *errs)
{
	static const char *const top[] = {"log_level", "api", "hugepages", "ovs", "uplink",
	        "integration", "ovn", "vhostuser", "sriov", "device_plugin", "metrics", NULL};
	static const char *const levels[] = {"err", "warn", "info", "debug", NULL};
	struct cctx x = {.errs = errs, .m = m};
	int before = errs->n, lvl;

	dpn_conf_init(c);
	if (!json_is_object(root)) {
		dpn_conf_errorf(errs, "(root): expected a JSON object");
		return -EINVAL;
	}
	cobj_check(&x, root, top);
	if (cget_enum(&x, root, "log_level", levels, &lvl) == 0)
		strcpy(c->log_level, levels[lvl]);
	for (size_t i = 0; i < DPN_ARRAY_SIZE(sections); i++) {
		json_t *o = cget_obj(&x, root, sections[i].name);
		if (!o)
			continue;
		size_t old = cctx_push(&x, sections[i].name);
		sections[i].fn(&x, o, c);
		cctx_pop(&x, old);
	}
	derive_paths(&x, c);
	check_machine(&x, c);
	check_uplink(&x, c);
	check_no_ovs(&x, root, c);
	if (errs->n > before) {
		dpn_conf_free(c);
		dpn_conf_init(c);
		return -EINVAL;
	}
	return 0;
}

int dpn_conf_load_file(const char *path, const struct dpn_machine *m, struct dpn_conf *c,
        struct dpn_conf_errors *errs)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	int ret;

	dpn_conf_init(c);
	if (!root) {
		dpn_conf_errorf(errs, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
		return -EINVAL;
	}
	ret = dpn_conf_load_json(root, m, c, errs);
	json_decref(root);
	return ret;
}

static int read_node_list(const char *path, struct dpn_cpuset *s)
{
	char buf[1024];
	int ret = dpn_read_file(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	buf[strcspn(buf, "\n")] = '\0';
	return dpn_cpuset_parse_list(buf, s);
}

int dpn_machine_probe(const char *sysfs_root, struct dpn_machine *m)
{
	char path[512];
	struct dpn_cpuset nodes;
	int ret;

	memset(m, 0, sizeof(*m));
	if (dpn_snprintf(path, sizeof(path), "%s/sys/devices/system/cpu/online", sysfs_root) < 0)
		return -ENAMETOOLONG;
	ret = read_node_list(path, &m->online);
	if (ret < 0)
		return ret;
	if (dpn_snprintf(path, sizeof(path), "%s/sys/devices/system/node/online", sysfs_root) < 0)
		return -ENAMETOOLONG;
	if (read_node_list(path, &nodes) < 0) {
		/* No NUMA support compiled in: one node. */
		dpn_cpuset_zero(&nodes);
		dpn_cpuset_set(&nodes, 0);
	}
	for (int i = 0; i < DPN_MAX_NUMA; i++) {
		m->numa[i] = dpn_cpuset_isset(&nodes, i);
		m->n_numa += m->numa[i];
	}
	return 0;
}
