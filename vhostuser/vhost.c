/* vhost-user port manager: validated requests become desired OVS ports,
 * persisted in a state file so a restarted dpnoded adopts them as they are. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DPN_LOG_MOD "vhost"
#include "dpn_api.h"
#include "dpn_conf.h"
#include "dpn_log.h"
#include "dpn_req.h"
#include "dpn_state.h"
#include "dpn_stats.h"
#include "dpn_ovn.h"
#include "dpn_ovs.h"
#include "dpn_vhost.h"
#include "vhost_fs.h"
#include "dpn_util.h"

struct dpn_vhost {
	const struct dpn_vhost_conf *conf;
	char bridge[16];
	struct dpn_ovs *ovs;
	struct dpn_ovn *ovn;  /* NULL without OVN */
	long bind_timeout_ms; /* how long an ADD waits for its logical port */
	json_t *ports;        /* port name -> {"req": {...}, "dir": s, "socket": s} */
	bool from_prev;       /* the state file was damaged: its last good copy was used */
	struct dpn_state state;
	json_t *by_iface_id, *by_socket; /* -> port name: conflicts found without a scan */
	struct dpn_req_stats adds, dels;
};

/* The conflict indexes follow the port set. */
static void index_port(struct dpn_vhost *v, const char *port, json_t *e, bool add)
{
	const char *id = json_string_value(json_object_get(json_object_get(e, "req"), "iface_id"));
	const char *sock = json_string_value(json_object_get(e, "socket"));
	if (id)
		add ? json_object_set_new(v->by_iface_id, id, json_string(port))
		    : json_object_del(v->by_iface_id, id);
	if (sock)
		add ? json_object_set_new(v->by_socket, sock, json_string(port))
		    : json_object_del(v->by_socket, sock);
}

/* Sets (e) or removes (NULL) one port, kept only once it is on disk. */
static int commit(struct dpn_vhost *v, const char *port, json_t *e, struct dpn_err *err)
{
	json_t *old = json_incref(json_object_get(v->ports, port));
	int ret = dpn_state_commit(&v->state, v->ports, port, e, err);

	if (ret == 0 && old)
		index_port(v, port, old, false);
	if (ret == 0 && e)
		index_port(v, port, e, true);
	json_decref(old);
	return ret;
}

/* Ports sharing a socket directory (KubeVirt hotplug puts several there). */
static int dir_users(struct dpn_vhost *v, const char *dir)
{
	const char *k;
	json_t *e;
	int n = 0;
	json_object_foreach (v->ports, k, e)
		n += !strcmp(json_string_value(json_object_get(e, "dir")) ?: "", dir);
	return n;
}

static int put_port(
        struct dpn_vhost *v, const struct dpn_vhost_req *r, const char *sock, struct dpn_err *err)
{
	struct dpn_vhost_port p;

	dpn_vhost_port_spec(v->conf, r, sock, &p);
	return dpn_ovs_port_set(v->ovs, v->bridge, &p.spec, err);
}

/* A field that differs between what exists and what is asked, for errors. */
static const char *first_diff(json_t *have, json_t *want, char *buf, size_t len)
{
	const char *k;
	json_t *a, *b;

	json_object_foreach (want, k, b) {
		a = json_object_get(have, k);
		if (!a || !json_equal(a, b)) {
			char *sa = a ? json_dumps(a, JSON_ENCODE_ANY) : strdup("(none)");
			char *sb = json_dumps(b, JSON_ENCODE_ANY);
			snprintf(buf, len, "%s (has %s, asked %s)", k, sa, sb);
			free(sa);
			free(sb);
			return buf;
		}
	}
	json_object_foreach (have, k, a)
		if (!json_object_get(want, k)) {
			snprintf(buf, len, "%s (has it, asked without)", k);
			return buf;
		}
	return NULL;
}

static json_t *result(struct dpn_vhost *v, const char *port, json_t *e, bool created)
{
	json_t *req = json_object_get(e, "req");
	json_t *j = json_pack("{s:s, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:b, s:b}", "port", port,
	        "pod_uid", json_object_get(req, "pod_uid"), "ifname",
	        json_object_get(req, "ifname"), "socket_path", json_object_get(e, "socket"),
	        "socket_dir", json_object_get(e, "dir"), "mac", json_object_get(req, "mac"),
	        "iface_id", json_object_get(req, "iface_id"), "consumption",
	        json_object_get(req, "consumption"), "created", created, "mounted",
	        dpn_vhost_fs_is_mountpoint(json_string_value(json_object_get(e, "dir"))));
	json_t *st = dpn_ovs_iface_status(v->ovs, port, port);
	json_t *ips = json_array();
	char buf[sizeof(((struct dpn_vhost_req *)0)->ip)], *save = NULL;
	snprintf(buf, sizeof(buf), "%s", json_string_value(json_object_get(req, "ip")) ?: "");
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		json_array_append_new(ips, json_string(t));
	json_object_set_new(j, "ips", ips);
	if (v->ovn) /* ovn-controller sets ovn-installed once its flows are in */
		json_object_set_new(j, "ovn",
		        json_pack("{s:O, s:b, s:I}", "logical_port",
		                json_object_get(req, "iface_id"), "installed",
		                json_is_true(json_object_get(st, "ovn_installed")),
		                "bind_timeout_s", (json_int_t)(v->bind_timeout_ms / 1000)));
	json_object_set_new(j, "ovs", st ? st : json_null());
	return j;
}

static const char *conflicting_port(struct dpn_vhost *v, const char *port, json_t *want,
        const char *sock, char *why, size_t len)
{
	const char *id = json_string_value(json_object_get(want, "iface_id")) ?: "";
	const char *by_id = json_string_value(json_object_get(v->by_iface_id, id));
	const char *by_sock = json_string_value(json_object_get(v->by_socket, sock));

	if (by_id && strcmp(by_id, port)) {
		snprintf(why, len, "iface_id %s", id);
		return by_id;
	}
	if (by_sock && strcmp(by_sock, port)) {
		snprintf(why, len, "socket %s", sock);
		return by_sock;
	}
	return NULL;
}

/* An existing port of the same pod interface: identical asks are answered
 * with it, different ones refused. Returns 1 when answered. */
static int add_existing(struct dpn_vhost *v, const char *port, const struct dpn_vhost_req *r,
        json_t *want, json_t **res, struct dpn_err *err)
{
	char why[600];
	json_t *e = json_object_get(v->ports, port);

	if (!e)
		return 0;
	const char *d = first_diff(json_object_get(e, "req"), want, why, sizeof(why));
	if (d)
		return dpn_err_set(err, -EEXIST,
		        "vhost port %s for pod %s interface %s exists with different %s", port,
		        r->pod_uid, r->ifname, d);
	*res = result(v, port, e, false);
	return 1;
}

static int check_conflict(
        struct dpn_vhost *v, const char *port, json_t *want, const char *sock, struct dpn_err *err)
{
	char why[600];
	const char *other = conflicting_port(v, port, want, sock, why, sizeof(why));
	const char *iface_id = json_string_value(json_object_get(want, "iface_id"));
	char foreign[256];

	if (!other && dpn_ovs_iface_id_foreign(v->ovs, iface_id, foreign, sizeof(foreign)))
		return dpn_err_set(err, -EEXIST,
		        "iface_id %s is already on OVS interface %s, which dpnode does not manage "
		        "(OVN binds a logical port to one interface)",
		        iface_id, foreign);
	if (!other)
		return 0;
	json_t *oreq = json_object_get(json_object_get(v->ports, other), "req");
	return dpn_err_set(err, -EEXIST,
	        "%s is already used by vhost port %s (pod %s/%s interface %s)", why, other,
	        json_string_value(json_object_get(oreq, "namespace")),
	        json_string_value(json_object_get(oreq, "pod")),
	        json_string_value(json_object_get(oreq, "ifname")));
}

/* The MAC and IPs kube-ovn-controller gave the logical port, into r. Until
 * the port exists in OVN: -EAGAIN (the CNI asks again) for bind_timeout,
 * then -ETIMEDOUT naming it. A MAC asked for that is not OVN's is refused. */
static int ovn_addresses(struct dpn_vhost *v, struct dpn_vhost_req *r, struct dpn_err *err)
{
	const char *lp = r->iface_id;
	struct dpn_ovn_port op;
	int ret = dpn_ovn_port_wait(v->ovn, lp, v->bind_timeout_ms, &op, err);

	if (ret == -EAGAIN || ret == -ETIMEDOUT)
		return ret;
	if (ret == 0 && r->mac_given && strcasecmp(r->mac, op.mac))
		ret = dpn_err_set(err, -EINVAL,
		        "mac: %s was asked for, but OVN's logical port %s has %s", r->mac, lp,
		        op.mac);
	if (ret < 0) {
		char port[16];
		dpn_vhost_port_name(r->pod_uid, r->ifname, port);
		if (!json_object_get(v->ports, port)) /* refused: nothing of it stays */
			dpn_ovn_unwatch(v->ovn, lp);
		return ret;
	}
	snprintf(r->mac, sizeof(r->mac), "%s", op.mac);
	r->ip[0] = '\0';
	for (int i = 0; i < op.n_ips; i++) {
		size_t off = strlen(r->ip);
		snprintf(r->ip + off, sizeof(r->ip) - off, "%s%s", i ? "," : "", op.ips[i]);
	}
	return 0;
}

static int add_port(void *ctx, json_t *params, json_t **res, struct dpn_err *err)
{
	struct dpn_vhost *v = ctx;
	char dir[DPN_PATH_MAX + 160], sock[DPN_PATH_MAX + 240], port[16];
	struct dpn_vhost_req r;
	struct dpn_vhost_port spec;
	bool mounted;
	json_t *e, *want;
	int ret;

	if ((ret = dpn_vhost_req_parse(params, &r, err)) < 0 ||
	        (ret = dpn_vhost_paths(v->conf, &r, dir, sizeof(dir), sock, sizeof(sock), err)) <
	                0 ||
	        (v->ovn && (ret = ovn_addresses(v, &r, err)) < 0))
		return ret;
	dpn_vhost_port_name(r.pod_uid, r.ifname, port);
	want = dpn_vhost_req_json(&r);
	dpn_vhost_port_spec(v->conf, &r, sock, &spec);
	if ((ret = add_existing(v, port, &r, want, res, err)) != 0 ||
	        (ret = check_conflict(v, port, want, sock, err)) < 0 ||
	        (ret = dpn_ovs_port_spec_check(&spec.spec, err)) < 0) {
		json_decref(want);
		return ret < 0 ? ret : 0;
	}
	if ((ret = dpn_vhost_fs_ensure(v->conf, &r, dir, &mounted)) < 0) {
		json_decref(want);
		return dpn_err_set(err, ret, "%s: cannot prepare the socket directory: %s", dir,
		        strerror(-ret));
	}
	e = json_pack("{s:o, s:s, s:s}", "req", want, "dir", dir, "socket", sock);
	/* The desired port first (memory only: the reconcile it kicks runs after
	 * this call), so a refused port is never written to the state file. */
	if ((ret = dpn_ovs_port_set(v->ovs, v->bridge, &spec.spec, err)) == 0 &&
	        (ret = commit(v, port, e, err)) < 0)
		dpn_ovs_port_del(v->ovs, v->bridge, port, DPN_VHOST_OWNER);
	if (ret < 0) {
		json_decref(e);
		if (dir_users(v, dir) == 0)
			dpn_vhost_fs_release(v->conf, &r, dir, sock, true);
		return ret;
	}
	LOG_INFO("added %s for pod %s/%s interface %s at %s", port, r.ns, r.pod, r.ifname, sock);
	*res = result(v, port, e, true);
	json_decref(e);
	return 0;
}

static int del_port(void *ctx, json_t *params, json_t **res, struct dpn_err *err)
{
	struct dpn_vhost *v = ctx;
	struct dpn_vhost_req r;
	char port[16];
	json_t *e;
	int ret;

	if ((ret = dpn_req_port_key(params, dpn_vhost_port_name, port, err)) < 0)
		return ret;
	e = json_object_get(v->ports, port);
	if (!e) { /* DEL is idempotent */
		*res = json_pack("{s:s, s:b}", "port", port, "deleted", 0);
		return 0;
	}
	json_incref(e);
	if ((ret = commit(v, port, NULL, err)) < 0) {
		json_decref(e);
		return ret;
	}
	dpn_ovs_port_del(v->ovs, v->bridge, port, DPN_VHOST_OWNER);
	if (dpn_vhost_req_parse(json_object_get(e, "req"), &r, NULL) == 0) {
		if (v->ovn)
			dpn_ovn_unwatch(v->ovn, r.iface_id);
		const char *dir = json_string_value(json_object_get(e, "dir"));
		dpn_vhost_fs_release(v->conf, &r, dir,
		        json_string_value(json_object_get(e, "socket")), dir_users(v, dir) == 0);
	}
	LOG_INFO("deleted %s", port);
	json_decref(e);
	*res = json_pack("{s:s, s:b}", "port", port, "deleted", 1);
	return 0;
}

static json_t *show(void *ctx, const char *key, json_t *e)
{
	json_t *j = result(ctx, key, e, false);
	json_object_del(j, "created");
	return j;
}

static int api_list(void *ctx, json_t *params, json_t **res, struct dpn_err *err)
{
	struct dpn_vhost *v = ctx;
	/* a listing for someone to read gets fresh counters; a CNI's poll for
	 * its one port does not ask OVS for every port's */
	if (!json_object_get(params, "port"))
		dpn_ovs_counters_want(v->ovs);
	*res = dpn_req_list(params, v->ports, show, v);
	return dpn_req_list_ready(params, res, err);
}

static int vhost_load(struct dpn_vhost *v)
{
	struct dpn_err lerr = {0};
	json_t *doc, *e;
	const char *port;
	int n = 0, ret;

	ret = dpn_state_open(&v->state, v->conf->state_file, &doc, &v->from_prev, &lerr);
	if (ret < 0) {
		/* stop rather than treat every pod's port as stale and delete it */
		LOG_ERR("%s; vhost ports not restored", lerr.msg);
		return ret;
	}
	if (lerr.msg[0])
		LOG_WARN("%s", lerr.msg);
	json_object_foreach (doc, port, e) {
		struct dpn_vhost_req r;
		char dir[DPN_PATH_MAX + 160], sock[DPN_PATH_MAX + 240];
		struct dpn_err err = {0};
		bool mounted;
		if (dpn_vhost_req_parse(json_object_get(e, "req"), &r, &err) < 0 ||
		        dpn_vhost_paths(v->conf, &r, dir, sizeof(dir), sock, sizeof(sock), &err) <
		                0 ||
		        put_port(v, &r, sock, &err) < 0) {
			LOG_ERR("%s: port %s: %s: dropped", v->conf->state_file, port,
			        dpn_err_str(&err));
			continue;
		}
		if (v->ovn) /* its binding is reported in vhost.list */
			dpn_ovn_watch(v->ovn, r.iface_id);
		/* Mounts do not survive a node reboot or a new mount namespace. */
		dpn_vhost_fs_ensure(v->conf, &r, dir, &mounted);
		json_object_set_new(v->ports, port,
		        json_pack("{s:o, s:s, s:s}", "req", dpn_vhost_req_json(&r), "dir", dir,
		                "socket", sock));
		index_port(v, port, json_object_get(v->ports, port), true);
		n++;
	}
	json_decref(doc);
	LOG_INFO("restored %d vhost-user port(s) from %s", n, v->conf->state_file);
	return n;
}

static bool dir_recorded(const char *dir, void *arg)
{
	return dir_users(arg, dir) > 0;
}

static int vhost_init(struct dpn_node *n, void **priv, struct dpn_err *err)
{
	const struct dpn_conf *c = dpn_node_conf(n);
	struct dpn_vhost *v = calloc(1, sizeof(*v));
	int ret;

	if (!v)
		return dpn_err_set(err, -ENOMEM, "out of memory");
	v->conf = &c->vhost;
	snprintf(v->bridge, sizeof(v->bridge), "%s", c->int_bridge);
	v->ovs = dpn_ovs_of(dpn_node_module(n, "ovs"));
	v->ovn = dpn_ovn_of(dpn_node_module(n, "ovn"));
	v->bind_timeout_ms = c->ovn.bind_timeout_s * 1000;
	v->ports = json_object();
	v->by_iface_id = json_object();
	v->by_socket = json_object();
	/* Ports from the state file are desired before the first reconcile:
	 * otherwise they would look like stale ports of ours. An unreadable
	 * state file stops here rather than deleting pods' ports. */
	if ((ret = vhost_load(v)) < 0) {
		json_decref(v->ports);
		json_decref(v->by_iface_id);
		json_decref(v->by_socket);
		free(v);
		return dpn_err_set(
		        err, ret, "cannot restore vhost-user ports from %s", c->vhost.state_file);
	}
	dpn_vhost_fs_sweep(v->conf, dir_recorded, v);
	*priv = v;
	return 0;
}

static int vhost_status(void *priv, json_t *st, struct dpn_err *err)
{
	struct dpn_vhost *v = priv;
	json_object_set_new(st, "vhostuser",
	        json_pack("{s:I, s:s, s:s, s:b, s:{s:o, s:o}}", "ports",
	                (json_int_t)json_object_size(v->ports), "socket_root", v->conf->socket_root,
	                "state_file", v->conf->state_file, "restored_from_last_good_copy",
	                v->from_prev, "requests", "add", dpn_req_stats_json(&v->adds), "del",
	                dpn_req_stats_json(&v->dels)));
	if (v->from_prev)
		return dpn_err_set(err, -EIO,
		        "%s was damaged; the ports were restored from %s.prev", v->conf->state_file,
		        v->conf->state_file);
	return 0;
}

static void vhost_fini(void *priv)
{
	struct dpn_vhost *v = priv;
	json_decref(v->ports);
	json_decref(v->by_iface_id);
	json_decref(v->by_socket);
	free(v);
}

static const char *vhost_disabled(const struct dpn_conf *c)
{
	return c->ovs.mode == DPN_OVS_NONE ? "ovs.mode is none: vhost-user ports need OVS" : NULL;
}

static int api_add(void *ctx, json_t *params, json_t **res, struct dpn_err *err)
{
	return dpn_req_stats_call(
	        &((struct dpn_vhost *)ctx)->adds, add_port, ctx, params, res, err);
}

static int api_del(void *ctx, json_t *params, json_t **res, struct dpn_err *err)
{
	return dpn_req_stats_call(
	        &((struct dpn_vhost *)ctx)->dels, del_port, ctx, params, res, err);
}

static const struct dpn_api_method vhost_methods[] = {
        {"vhost.add", api_add},
        {"vhost.del", api_del},
        {"vhost.list", api_list, true},
        {NULL, NULL},
};

const struct dpn_module dpn_vhost_module = {
        .name = "vhost",
        .depends_on = (const char *const[]){"ovs", NULL},
        .after = (const char *const[]){"ovn", NULL},
        .disabled = vhost_disabled,
        .init = vhost_init,
        .status = vhost_status,
        .fini = vhost_fini,
        .methods = vhost_methods,
};
