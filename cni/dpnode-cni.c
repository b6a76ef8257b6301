/* dpnode-cni: CNI plugin giving pods and KubeVirt VMs vhost-user ports on
 * dpnode's OVS-DPDK, or (a config with a deviceID) an SR-IOV VF whose
 * representor is their OVN port. Speaks CNI 1.0.0 (and STATUS of 1.1.0); the work is
 * done by dpnoded over its API socket (network config key server_socket). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dpn_cni.h"
#include "dpn_jsonrpc.h"
#include "dpn_req.h"
#include "dpn_util.h"

#define API_TIMEOUT_MS 20000
#define PORT_WAIT_MS   10000
/* dpnoded bounds the wait for a logical port (ovn.bind_timeout_s); this
 * only stops a loop that a misbehaving dpnoded would keep going */
#define ADD_RETRY_MAX_MS (10 * 60 * 1000)

static const char *env_get(const char *name)
{
	return getenv(name);
}

static char *read_stdin(void)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	while (buf && (n = read(0, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (len + 1 == cap) {
			char *b = realloc(buf, cap *= 2);
			if (!b) {
				free(buf);
				return NULL;
			}
			buf = b;
		}
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

static int emit(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(j);
	return 0;
}

static int fail(const char *version, const struct dpn_cni_err *e)
{
	emit(dpn_cni_error_json(version, e));
	return 1;
}

/* The edge: dpnoded's errno (err, after -EREMOTEIO) becomes a CNI error. */
static void cni_error(const struct dpn_cni_conf *c, const char *method, int ret,
        const struct dpn_err *err, struct dpn_cni_err *e)
{
	if (ret != -EREMOTEIO)
		dpn_cni_seterr(
		        e, DPN_CNI_ERR_TRY_AGAIN, "dpnoded is not reachable", "%s", err->msg);
	else if (err->code == -ETIMEDOUT || err->code == -EAGAIN)
		dpn_cni_seterr(e, DPN_CNI_ERR_TRY_AGAIN, "the logical port is not in OVN", "%s: %s",
		        method, err->msg);
	else
		dpn_cni_seterr(e, DPN_CNI_ERR_REFUSED, "dpnoded refused the request", "%s: %s",
		        method, err->msg);
	(void)c;
}

/* dpnoded's answer, or the CNI error that says why there is none. */
static json_t *call(
        const struct dpn_cni_conf *c, const char *method, json_t *params, struct dpn_cni_err *e)
{
	struct dpn_err err = {0};
	json_t *res;
	int ret = dpn_api_call(c->server_socket, method, params, API_TIMEOUT_MS, &res, &err);

	if (ret < 0)
		cni_error(c, method, ret, &err, e);
	return ret < 0 ? NULL : res;
}

/* vhost.add, asked again while dpnoded says the logical port is not in OVN
 * yet (kube-ovn-controller may be slower than kubelet); dpnoded ends that
 * with -ETIMEDOUT after ovn.bind_timeout_s. */
static json_t *add_port(
        const struct dpn_cni_conf *c, const struct dpn_cni_env *env, struct dpn_cni_err *e)
{
	uint64_t deadline = dpn_now_ms() + ADD_RETRY_MAX_MS;
	char method[16];
	struct dpn_err err = {0};
	json_t *res;
	int ret;

	snprintf(method, sizeof(method), "%s.add", dpn_cni_kind(c));
	for (;;) {
		json_t *params = dpn_cni_add_params(c, env);
		if (!params) { /* never {} to dpnoded: it would say "pod_uid: missing" */
			dpn_cni_seterr(e, DPN_CNI_ERR_CONFIG, "invalid network config",
			        "cannot build the request from the config and CNI_ARGS");
			return NULL;
		}
		/* dpnoded answers once the logical port is there (or its wait
		 * is over); an older one at once, and is asked again */
		uint64_t now = dpn_now_ms();
		ret = dpn_api_call_wait(c->server_socket, method, params,
		        now < deadline ? (int)(deadline - now) : 0, API_TIMEOUT_MS, &res, &err);
		if (ret != -EREMOTEIO || err.code != -EAGAIN || dpn_now_ms() > deadline)
			break;
		usleep(200000);
	}
	if (ret < 0)
		cni_error(c, method, ret, &err, e);
	return ret < 0 ? NULL : res;
}

/* 1 when the port is ready, 0 when not (why says why), -EINVAL with e
 * when it cannot be known. With wait, dpnoded answers once it is ready or
 * the wait is over; a -EAGAIN sooner means "ask again later". *wait_ms
 * becomes OVN's bind timeout when the port is under OVN. */
static int port_state(const struct dpn_cni_conf *c, const char *port, int wait, uint64_t *wait_ms,
        char *why, size_t len, struct dpn_cni_err *e)
{
	char method[16];
	struct dpn_err err = {0};
	json_t *r, *p;

	snprintf(method, sizeof(method), "%s.list", dpn_cni_kind(c));
	int ret = dpn_api_call_wait(c->server_socket, method,
	        json_pack("{s:s, s:b}", "port", port, "ready", wait > 0), wait, API_TIMEOUT_MS, &r,
	        &err);
	if (ret == -EREMOTEIO && err.code == -EAGAIN) { /* "port P: why" */
		snprintf(why, len, "%s", err.msg);
		return 0;
	}
	if (ret < 0) {
		cni_error(c, method, ret, &err, e);
		return -EINVAL;
	}
	p = json_array_get(json_object_get(r, "ports"), 0);
	if (!p) {
		json_decref(r);
		dpn_cni_seterr(
		        e, DPN_CNI_ERR_UNKNOWN, "no such port", "%s %s", dpn_cni_kind(c), port);
		return -EINVAL;
	}
	json_t *ovn = json_object_get(p, "ovn");
	if (ovn) /* under OVN, as long as dpnoded waits for the logical port */
		*wait_ms = json_integer_value(json_object_get(ovn, "bind_timeout_s")) * 1000;
	char reason[DPN_ERR_MSG_MAX - 40];
	ret = dpn_req_port_ready(p, reason, sizeof(reason));
	json_decref(r);
	if (!ret) /* as dpnoded says it */
		snprintf(why, len, "port %s: %s", port, reason);
	return ret;
}

/* The port is ready, or the reason it is not after the wait: dpnoded is
 * asked once as things are (which also says how long OVN may take), then
 * to answer when the port is ready. */
static int wait_in_ovs(const struct dpn_cni_conf *c, const char *port, struct dpn_cni_err *e)
{
	uint64_t start = dpn_now_ms(), wait_ms = PORT_WAIT_MS;
	int wait = 0, ret;
	char why[DPN_ERR_MSG_MAX];

	while ((ret = port_state(c, port, wait, &wait_ms, why, sizeof(why), e)) == 0) {
		uint64_t spent = dpn_now_ms() - start;
		if (spent >= wait_ms) {
			dpn_cni_seterr(e, DPN_CNI_ERR_NOT_READY, "port not up in OVS", "%s %s",
			        dpn_cni_kind(c), why);
			return -EINVAL;
		}
		/* answered before the wait was over: an older dpnoded, or one
		 * with many waiting: asked again every 100 ms */
		if (wait)
			usleep(100000);
		wait = (int)(wait_ms - spent);
	}
	return ret < 0 ? ret : 0;
}

/* The device-info file (spec 1.1.0) at the path Multus passes when the NAD
 * has the CNIDeviceInfoFile capability; Multus copies it into the pod's
 * network-status, where the pod's app finds its socket. Without the
 * capability nobody would read it: nothing is written. */
static int write_devinfo(const struct dpn_cni_conf *c, const struct dpn_cni_env *env, json_t *r,
        struct dpn_cni_err *e)
{
	char path[512], dir[512];
	const char *sock = json_string_value(json_object_get(r, "socket_path"));
	int ret;

	if (!c->devinfo_file[0])
		return 0;
	if (dpn_cni_devinfo_path(c, env, DPN_CNI_DEVINFO_DIR, path, sizeof(path)) < 0) {
		dpn_cni_seterr(e, DPN_CNI_ERR_IO, "cannot write the device-info file",
		        "path for %s too long", env->ifname);
		return -ENAMETOOLONG;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	json_t *di = dpn_cni_devinfo_json(c, sock ? strrchr(sock, '/') + 1 : "");
	if ((ret = dpn_mkdir_p(dir, 0755)) == 0)
		ret = dpn_json_save(path, di);
	json_decref(di);
	if (ret < 0)
		dpn_cni_seterr(e, DPN_CNI_ERR_IO, "cannot write the device-info file", "%s: %s",
		        path, strerror(-ret));
	return ret;
}

static void remove_devinfo(const struct dpn_cni_conf *c, const struct dpn_cni_env *env)
{
	char path[512];
	if (c->devinfo_file[0] &&
	        dpn_cni_devinfo_path(c, env, DPN_CNI_DEVINFO_DIR, path, sizeof(path)) == 0)
		unlink(path);
}

static int cmd_add(const struct dpn_cni_conf *c, const struct dpn_cni_env *env)
{
	struct dpn_cni_err e;
	json_t *r = add_port(c, env, &e);

	if (!r)
		return fail(c->cni_version, &e);
	const char *port = json_string_value(json_object_get(r, "port"));
	if (wait_in_ovs(c, port, &e) < 0) {
		json_decref(r);
		return fail(c->cni_version, &e);
	}
	bool vf = c->device_id[0];
	json_t *out = dpn_cni_result(c->cni_version, env->ifname,
	        json_string_value(json_object_get(r, "mac")),
	        json_string_value(json_object_get(r, "socket_path")), vf ? env->netns : NULL,
	        c->mtu, json_object_get(r, "ips"), c->ips[0] ? c->ips : env->ip);
	if (!out) { /* a success that printed nothing would read as an empty result */
		dpn_cni_seterr(&e, DPN_CNI_ERR_IO, "cannot write the result",
		        "dpnoded's answer lacks the MAC or socket path");
	} else if (!vf && write_devinfo(c, env, r, &e) < 0) {
		json_decref(out);
		out = NULL;
	}
	json_decref(r);
	return out ? emit(out) : fail(c->cni_version, &e);
}

static int cmd_del(const struct dpn_cni_conf *c, const struct dpn_cni_env *env)
{
	struct dpn_cni_err e;
	char method[16];
	snprintf(method, sizeof(method), "%s.del", dpn_cni_kind(c));
	json_t *r = call(c, method,
	        json_pack("{s:s, s:s}", "pod_uid", env->pod_uid, "ifname", env->ifname), &e);

	if (!r)
		return fail(c->cni_version, &e);
	json_decref(r);
	remove_devinfo(c, env);
	return 0; /* DEL prints nothing on success */
}

static int cmd_check(const struct dpn_cni_conf *c, const struct dpn_cni_env *env)
{
	struct dpn_cni_err e;
	char port[16];
	char method[16];
	snprintf(method, sizeof(method), "%s.list", dpn_cni_kind(c));
	json_t *r = call(c, method, json_pack("{s:s}", "pod_uid", env->pod_uid), &e), *p;
	size_t i;

	if (!r)
		return fail(c->cni_version, &e);
	port[0] = '\0';
	json_array_foreach (json_object_get(r, "ports"), i, p)
		if (!strcmp(json_string_value(json_object_get(p, "ifname")) ?: "", env->ifname))
			snprintf(port, sizeof(port), "%s",
			        json_string_value(json_object_get(p, "port")));
	json_decref(r);
	if (!port[0]) {
		dpn_cni_seterr(&e, DPN_CNI_ERR_MISMATCH, "port missing",
		        "pod %s has no %s port for %s", env->pod_uid, dpn_cni_kind(c), env->ifname);
		return fail(c->cni_version, &e);
	}
	if (wait_in_ovs(c, port, &e) < 0) {
		e.code = DPN_CNI_ERR_MISMATCH;
		return fail(c->cni_version, &e);
	}
	return 0;
}

static int cmd_status(const struct dpn_cni_conf *c)
{
	struct dpn_cni_err e;
	json_t *r = call(c, "status", NULL, &e);

	if (!r) {
		dpn_cni_seterr(
		        &e, DPN_CNI_ERR_UNAVAILABLE, "plugin not available", "%s", e.details);
		return fail(c->cni_version, &e);
	}
	bool ok = json_is_true(json_object_get(json_object_get(r, "reconcile"), "converged"));
	json_decref(r);
	if (!ok) {
		dpn_cni_seterr(&e, DPN_CNI_ERR_UNAVAILABLE, "plugin not available",
		        "dpnoded's datapath has not converged");
		return fail(c->cni_version, &e);
	}
	return 0;
}

int main(void)
{
	struct dpn_cni_conf c;
	struct dpn_cni_env env;
	struct dpn_cni_err e;
	char *in;
	int ret;

	in = read_stdin();
	if (!in) {
		dpn_cni_seterr(&e, DPN_CNI_ERR_IO, "I/O failure", "reading stdin");
		return fail(NULL, &e);
	}
	const char *cmd = getenv("CNI_COMMAND");
	if (cmd && !strcmp(cmd, "VERSION")) {
		json_t *j = json_loads(in, 0, NULL);
		emit(dpn_cni_version_json(json_string_value(json_object_get(j, "cniVersion"))));
		json_decref(j);
		free(in);
		return 0;
	}
	ret = dpn_cni_parse_conf(in, &c, &e);
	free(in);
	if (ret < 0 || dpn_cni_check_server(c.server_socket, &e) < 0)
		return fail(c.cni_version, &e);
	if (dpn_cni_parse_env(env_get, &env, &e) < 0)
		return fail(c.cni_version, &e);
	if (!strcmp(env.command, "ADD"))
		return cmd_add(&c, &env);
	if (!strcmp(env.command, "DEL"))
		return cmd_del(&c, &env);
	if (!strcmp(env.command, "CHECK"))
		return cmd_check(&c, &env);
	if (!strcmp(env.command, "STATUS"))
		return cmd_status(&c);
	dpn_cni_seterr(&e, DPN_CNI_ERR_ENV, "invalid necessary environment variables",
	        "CNI_COMMAND \"%s\" is not ADD, DEL, CHECK, STATUS or VERSION", env.command);
	return fail(c.cni_version, &e);
}
