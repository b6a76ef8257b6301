/* vhost-user port manager: validated requests become desired OVS ports,
 * persisted in a state file so a restarted dpnoded adopts them as they are. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DPN_LOG_MOD "vhost"
#include "dpn_api.h"
#include "ovs_desired.h"
#include "dpn_log.h"
#include "dpn_ovs.h"
#include "dpn_vhost.h"
#include "vhost_fs.h"
#include "dpn_util.h"

struct dpn_vhost {
	const struct dpn_vhost_conf *conf;
	char bridge[16];
	struct dpn_ovs *ovs;
	json_t *ports; /* port name -> {"req": {...}, "dir": s, "socket": s} */
};

static json_t *err_out(int *code, char **msg, int err, char *text)
{
	*code = -err;
	*msg = text;
	return NULL;
}

/* Makes next (taken over) the port set once it is on disk; on failure the
 * old set stays and *err says why. */
static int commit(struct dpn_vhost *v, json_t *next, char **err)
{
	char dir[DPN_PATH_MAX];
	int ret;

	snprintf(dir, sizeof(dir), "%s", v->conf->state_file);
	json_t *doc = json_pack("{s:i, s:O}", "version", 1, "ports", next);
	if ((ret = dpn_mkdir_p(dirname(dir), 0755)) == 0)
		ret = dpn_json_save(v->conf->state_file, doc);
	json_decref(doc);
	if (ret < 0) {
		json_decref(next);
		*err = dpn_strf("%s: cannot write state: %s", v->conf->state_file, strerror(-ret));
		return ret;
	}
	json_decref(v->ports);
	v->ports = next;
	return 0;
}

/* Ports sharing a socket directory (KubeVirt hotplug puts several there). */
static int dir_users(struct dpn_vhost *v, const char *dir)
{
	const char *k;
	json_t *e;
	int n = 0;
	json_object_foreach (v->ports, k, e)
		n += !strcmp(json_string_value(json_object_get(e, "dir")), dir);
	return n;
}

static void put_desired(
        struct dpn_vhost *v, const char *port, const struct dpn_vhost_req *r, const char *sock)
{
	dpn_desired_set_port(
	        dpn_ovs_desired(v->ovs), v->bridge, port, dpn_vhost_port_spec(v->conf, r, sock));
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
	json_object_set_new(j, "ovs", st ? st : json_null());
	return j;
}

static const char *conflicting_port(struct dpn_vhost *v, const char *port, json_t *want,
        const char *sock, char *why, size_t len)
{
	const char *k;
	json_t *e;

	json_object_foreach (v->ports, k, e) {
		json_t *req = json_object_get(e, "req");
		if (!strcmp(k, port))
			continue;
		if (json_equal(json_object_get(req, "iface_id"), json_object_get(want, "iface_id")))
			snprintf(why, len, "iface_id %s",
			        json_string_value(json_object_get(want, "iface_id")));
		else if (!strcmp(json_string_value(json_object_get(e, "socket")), sock))
			snprintf(why, len, "socket %s", sock);
		else
			continue;
		return k;
	}
	return NULL;
}

static json_t *api_add(void *ctx, json_t *params, int *code, char **msg)
{
	struct dpn_vhost *v = ctx;
	char dir[DPN_PATH_MAX + 160], sock[DPN_PATH_MAX + 240], port[16], why[600], *err;
	struct dpn_vhost_req r;
	bool mounted;
	json_t *e, *want;
	int ret;

	if ((ret = dpn_vhost_req_parse(params, &r, &err)) < 0)
		return err_out(code, msg, ret, err);
	if ((ret = dpn_vhost_paths(v->conf, &r, dir, sizeof(dir), sock, sizeof(sock), &err)) < 0)
		return err_out(code, msg, ret, err);
	dpn_vhost_port_name(r.pod_uid, r.ifname, port);
	want = dpn_vhost_req_json(&r);
	if ((e = json_object_get(v->ports, port))) {
		const char *d = first_diff(json_object_get(e, "req"), want, why, sizeof(why));
		json_decref(want);
		if (!d) /* identical: nothing to do */
			return result(v, port, e, false);
		err = dpn_strf("vhost port %s for pod %s interface %s exists with different %s",
		        port, r.pod_uid, r.ifname, d);
		return err_out(code, msg, -EEXIST, err);
	}
	const char *other = conflicting_port(v, port, want, sock, why, sizeof(why));
	if (other) {
		json_t *oreq = json_object_get(json_object_get(v->ports, other), "req");
		err = dpn_strf("%s is already used by vhost port %s (pod %s/%s interface %s)", why,
		        other, json_string_value(json_object_get(oreq, "namespace")),
		        json_string_value(json_object_get(oreq, "pod")),
		        json_string_value(json_object_get(oreq, "ifname")));
		json_decref(want);
		return err_out(code, msg, -EEXIST, err);
	}
	if ((ret = dpn_vhost_fs_ensure(v->conf, &r, dir, &mounted)) < 0) {
		json_decref(want);
		err = dpn_strf("%s: cannot prepare the socket directory: %s", dir, strerror(-ret));
		return err_out(code, msg, ret, err);
	}
	e = json_pack("{s:o, s:s, s:s}", "req", want, "dir", dir, "socket", sock);
	json_t *next = json_deep_copy(v->ports);
	json_object_set(next, port, e);
	if ((ret = commit(v, next, &err)) < 0) {
		json_decref(e);
		if (dir_users(v, dir) == 0)
			dpn_vhost_fs_release(v->conf, &r, dir, sock, true);
		return err_out(code, msg, ret, err);
	}
	put_desired(v, port, &r, sock);
	dpn_ovs_kick(v->ovs);
	LOG_INFO("added %s for pod %s/%s interface %s at %s", port, r.ns, r.pod, r.ifname, sock);
	json_t *res = result(v, port, e, true);
	json_decref(e);
	return res;
}

/* The port a del or get names: {"port": P} or {"pod_uid": U, "ifname": I}. */
static int lookup(json_t *params, char port[16], char **err)
{
	const char *p = json_string_value(json_object_get(params, "port"));
	const char *uid = json_string_value(json_object_get(params, "pod_uid"));
	const char *ifn = json_string_value(json_object_get(params, "ifname"));

	*err = NULL;
	if (p && strlen(p) < 16) {
		strcpy(port, p);
		return 0;
	}
	if (!uid || !ifn) {
		*err = strdup("params: give \"port\", or \"pod_uid\" and \"ifname\"");
		return -EINVAL;
	}
	dpn_vhost_port_name(uid, ifn, port);
	return 0;
}

static json_t *api_del(void *ctx, json_t *params, int *code, char **msg)
{
	struct dpn_vhost *v = ctx;
	struct dpn_vhost_req r;
	char port[16], *err;
	json_t *e;
	int ret;

	if ((ret = lookup(params, port, &err)) < 0)
		return err_out(code, msg, ret, err);
	e = json_object_get(v->ports, port);
	if (!e) /* DEL is idempotent */
		return json_pack("{s:s, s:b}", "port", port, "deleted", 0);
	json_incref(e);
	json_t *next = json_deep_copy(v->ports);
	json_object_del(next, port);
	if ((ret = commit(v, next, &err)) < 0) {
		json_decref(e);
		return err_out(code, msg, ret, err);
	}
	dpn_desired_del_port(dpn_ovs_desired(v->ovs), v->bridge, port);
	dpn_ovs_kick(v->ovs);
	if (dpn_vhost_req_parse(json_object_get(e, "req"), &r, &err) == 0) {
		const char *dir = json_string_value(json_object_get(e, "dir"));
		dpn_vhost_fs_release(v->conf, &r, dir,
		        json_string_value(json_object_get(e, "socket")), dir_users(v, dir) == 0);
	}
	free(err);
	LOG_INFO("deleted %s", port);
	json_decref(e);
	return json_pack("{s:s, s:b}", "port", port, "deleted", 1);
}

static json_t *api_list(void *ctx, json_t *params, int *code, char **msg)
{
	struct dpn_vhost *v = ctx;
	const char *uid = json_string_value(json_object_get(params, "pod_uid"));
	const char *only = json_string_value(json_object_get(params, "port"));
	json_t *arr = json_array(), *e;
	const char *k;
	(void)code;
	(void)msg;

	json_object_foreach (v->ports, k, e) {
		json_t *req = json_object_get(e, "req");
		if (uid && strcmp(uid, json_string_value(json_object_get(req, "pod_uid"))))
			continue;
		if (only && strcmp(only, k))
			continue;
		json_t *j = result(v, k, e, false);
		json_object_del(j, "created");
		json_object_set(j, "request", req);
		json_array_append_new(arr, j);
	}
	return json_pack("{s:o}", "ports", arr);
}

int dpn_vhost_load(struct dpn_vhost *v)
{
	json_error_t jerr;
	json_t *doc, *e;
	const char *port;
	int n = 0;

	if (access(v->conf->state_file, F_OK) < 0)
		return 0;
	doc = json_load_file(v->conf->state_file, 0, &jerr);
	if (!doc || !json_is_object(json_object_get(doc, "ports"))) {
		LOG_ERR("%s: unreadable state (%s); vhost ports not restored", v->conf->state_file,
		        doc ? "no \"ports\"" : jerr.text);
		json_decref(doc);
		return -EINVAL;
	}
	json_object_foreach (json_object_get(doc, "ports"), port, e) {
		struct dpn_vhost_req r;
		char dir[DPN_PATH_MAX + 160], sock[DPN_PATH_MAX + 240], *err = NULL;
		bool mounted;
		if (dpn_vhost_req_parse(json_object_get(e, "req"), &r, &err) < 0 ||
		        dpn_vhost_paths(v->conf, &r, dir, sizeof(dir), sock, sizeof(sock), &err) <
		                0) {
			LOG_ERR("%s: port %s: %s: dropped", v->conf->state_file, port,
			        err ? err : "?");
			free(err);
			continue;
		}
		/* Mounts do not survive a node reboot or a new mount namespace. */
		dpn_vhost_fs_ensure(v->conf, &r, dir, &mounted);
		json_object_set_new(v->ports, port,
		        json_pack("{s:o, s:s, s:s}", "req", dpn_vhost_req_json(&r), "dir", dir,
		                "socket", sock));
		put_desired(v, port, &r, sock);
		n++;
	}
	json_decref(doc);
	LOG_INFO("restored %d vhost-user port(s) from %s", n, v->conf->state_file);
	return n;
}

struct dpn_vhost *dpn_vhost_new(
        const struct dpn_vhost_conf *c, const char *bridge, struct dpn_ovs *ovs)
{
	struct dpn_vhost *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->conf = c;
	snprintf(v->bridge, sizeof(v->bridge), "%s", bridge);
	v->ovs = ovs;
	v->ports = json_object();
	return v;
}

void dpn_vhost_register_api(struct dpn_vhost *v, struct dpn_api *api)
{
	dpn_api_register(api, "vhost.add", api_add, v);
	dpn_api_register(api, "vhost.del", api_del, v);
	dpn_api_register(api, "vhost.list", api_list, v);
}

void dpn_vhost_free(struct dpn_vhost *v)
{
	if (!v)
		return;
	json_decref(v->ports);
	free(v);
}
