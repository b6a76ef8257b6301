/* CNI network config, environment, results and errors. */
#include <errno.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpn_api.h"
#include "dpn_cni.h"
#include "dpn_req.h"
#include "dpn_util.h"

const char *const dpn_cni_versions[] = {"0.3.1", "0.4.0", "1.0.0", "1.1.0", NULL};

void dpn_cni_seterr(struct dpn_cni_err *e, int code, const char *msg, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
	e->details[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(e->details, sizeof(e->details), fmt, ap);
		va_end(ap);
	}
}

static int str(
        json_t *o, const char *key, char *dst, size_t len, bool required, struct dpn_cni_err *e)
{
	json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v)) {
		if (!required)
			return 0;
		dpn_cni_seterr(e, DPN_CNI_ERR_CONFIG, "invalid network config", "%s: missing", key);
		return -EINVAL;
	}
	if (!json_is_string(v) || json_string_length(v) >= len) {
		dpn_cni_seterr(e, DPN_CNI_ERR_CONFIG, "invalid network config",
		        "%s: expected a string of at most %zu characters", key, len - 1);
		return -EINVAL;
	}
	strcpy(dst, json_string_value(v));
	return 0;
}

static int num(json_t *o, const char *key, int min, int max, int *dst, struct dpn_cni_err *e)
{
	json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v))
		return 0;
	/* NADs often carry numbers as strings */
	if (json_is_string(v)) {
		char *end;
		long n = strtol(json_string_value(v), &end, 10);
		if (*end == '\0' && end != json_string_value(v) && n >= min && n <= max) {
			*dst = n;
			return 0;
		}
	} else if (json_is_integer(v) && json_integer_value(v) >= min &&
	           json_integer_value(v) <= max) {
		*dst = json_integer_value(v);
		return 0;
	}
	dpn_cni_seterr(e, DPN_CNI_ERR_CONFIG, "invalid network config",
	        "%s: expected an integer from %d to %d", key, min, max);
	return -EINVAL;
}

/* What jansson (and so dpnoded's API) takes as a string. */
static bool utf8_ok(const char *s)
{
	json_t *j = json_string(s);
	json_decref(j);
	return j != NULL;
}

static bool version_ok(const char *v)
{
	for (int i = 0; dpn_cni_versions[i]; i++)
		if (!strcmp(dpn_cni_versions[i], v))
			return true;
	return false;
}

static void runtime_config(json_t *rc, struct dpn_cni_conf *c)
{
	json_t *ips = json_object_get(rc, "ips"), *v;
	const char *mac = json_string_value(json_object_get(rc, "mac"));
	size_t i, off = 0;

	const char *di = json_string_value(json_object_get(rc, "CNIDeviceInfoFile"));
	const char *dev = json_string_value(json_object_get(rc, "deviceID"));

	if (dev && strlen(dev) < sizeof(c->device_id))
		strcpy(c->device_id, dev);

	if (mac && strlen(mac) < sizeof(c->mac))
		strcpy(c->mac, mac);
	if (di && di[0] == '/' && strlen(di) < sizeof(c->devinfo_file))
		strcpy(c->devinfo_file, di);
	json_array_foreach (ips, i, v) {
		const char *ip = json_string_value(v);
		int n = ip ? snprintf(
		                     c->ips + off, sizeof(c->ips) - off, "%s%s", off ? "," : "", ip)
		           : 0;
		if (n < 0 || (size_t)n >= sizeof(c->ips) - off)
			break;
		off += n;
	}
}

int dpn_cni_parse_conf(const char *text, struct dpn_cni_conf *c, struct dpn_cni_err *e)
{
	json_error_t jerr;
	json_t *o = json_loads(text, 0, &jerr);
	int ret = -EINVAL;

	memset(c, 0, sizeof(*c));
	strcpy(c->server_socket, DPN_API_DEFAULT_SOCKET);
	strcpy(c->consumption, "pod");
	strcpy(c->mount_path, "/var/run/vhostuser");
	c->queues = 1;
	c->vlan = c->vlan_qos = c->min_tx_rate = c->max_tx_rate = -1;
	if (!o || !json_is_object(o)) {
		dpn_cni_seterr(e, DPN_CNI_ERR_DECODE, "failed to decode network config", "%s",
		        o ? "expected a JSON object" : jerr.text);
		json_decref(o);
		return -EINVAL;
	}
	if (str(o, "cniVersion", c->cni_version, sizeof(c->cni_version), true, e) < 0 ||
	        str(o, "name", c->name, sizeof(c->name), false, e) < 0 ||
	        str(o, "server_socket", c->server_socket, sizeof(c->server_socket), false, e) < 0 ||
	        str(o, "provider", c->provider, sizeof(c->provider), false, e) < 0 ||
	        str(o, "vhost_user_socket_volume_name", c->volume, sizeof(c->volume), false, e) <
	                0 ||
	        str(o, "vhost_user_socket_name", c->sock_name, sizeof(c->sock_name), false, e) <
	                0 ||
	        str(o, "vhost_user_socket_consumption", c->consumption, sizeof(c->consumption),
	                false, e) < 0 ||
	        str(o, "vhost_user_socket_mount_path", c->mount_path, sizeof(c->mount_path), false,
	                e) < 0 ||
	        num(o, "mtu", 68, 9710, &c->mtu, e) < 0 ||
	        num(o, "queues", 1, 128, &c->queues, e) < 0 ||
	        str(o, "deviceID", c->device_id, sizeof(c->device_id), false, e) < 0 ||
	        str(o, "resourceName", c->resource, sizeof(c->resource), false, e) < 0 ||
	        num(o, "vlan", 0, 4094, &c->vlan, e) < 0 ||
	        num(o, "vlanQoS", 0, 7, &c->vlan_qos, e) < 0 ||
	        str(o, "spoofchk", c->spoofchk, sizeof(c->spoofchk), false, e) < 0 ||
	        str(o, "trust", c->trust, sizeof(c->trust), false, e) < 0 ||
	        num(o, "min_tx_rate", 0, 1000000, &c->min_tx_rate, e) < 0 ||
	        num(o, "max_tx_rate", 0, 1000000, &c->max_tx_rate, e) < 0)
		goto out;
	if (!version_ok(c->cni_version)) {
		dpn_cni_seterr(e, DPN_CNI_ERR_VERSION, "incompatible CNI version",
		        "cniVersion %s; dpnode-cni supports 0.3.1, 0.4.0, 1.0.0, 1.1.0",
		        c->cni_version);
		goto out;
	}
	if (c->server_socket[0] != '/') {
		dpn_cni_seterr(e, DPN_CNI_ERR_CONFIG, "invalid network config",
		        "server_socket: \"%s\" is not an absolute path", c->server_socket);
		goto out;
	}
	if (strcmp(c->consumption, "pod") && strcmp(c->consumption, "kubevirt")) {
		dpn_cni_seterr(e, DPN_CNI_ERR_CONFIG, "invalid network config",
		        "vhost_user_socket_consumption: \"%s\" is not \"pod\" or \"kubevirt\"",
		        c->consumption);
		goto out;
	}
	runtime_config(json_object_get(o, "runtimeConfig"), c);
	ret = 0;
out:
	json_decref(o);
	return ret;
}

/* CNI_ARGS: "K8S_POD_NAME=a;K8S_POD_NAMESPACE=b;..." */
static void cni_args(const char *args, struct dpn_cni_env *env)
{
	char *dup = strdup(args ? args : ""), *save = NULL;
	static const struct {
		const char *key;
		size_t off, len;
	} keys[] = {
	        {"K8S_POD_NAME", offsetof(struct dpn_cni_env, pod_name), sizeof(env->pod_name)},
	        {"K8S_POD_NAMESPACE", offsetof(struct dpn_cni_env, pod_ns), sizeof(env->pod_ns)},
	        {"K8S_POD_UID", offsetof(struct dpn_cni_env, pod_uid), sizeof(env->pod_uid)},
	        {"MAC", offsetof(struct dpn_cni_env, mac), sizeof(env->mac)},
	        {"IP", offsetof(struct dpn_cni_env, ip), sizeof(env->ip)},
	};

	for (char *kv = strtok_r(dup, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(kv, '=');
		if (!eq)
			continue;
		*eq = '\0';
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(kv, keys[i].key) && strlen(eq + 1) < keys[i].len)
				strcpy((char *)env + keys[i].off, eq + 1);
	}
	free(dup);
}

int dpn_cni_parse_env(
        const char *(*get)(const char *name), struct dpn_cni_env *env, struct dpn_cni_err *e)
{
	static const struct {
		const char *var;
		size_t off, len;
		const char *needed_by; /* commands that need it */
	} vars[] = {
	        {"CNI_COMMAND", offsetof(struct dpn_cni_env, command), sizeof(env->command), "*"},
	        {"CNI_CONTAINERID", offsetof(struct dpn_cni_env, container_id),
	                sizeof(env->container_id), "ADD DEL CHECK"},
	        {"CNI_NETNS", offsetof(struct dpn_cni_env, netns), sizeof(env->netns), "ADD CHECK"},
	        {"CNI_IFNAME", offsetof(struct dpn_cni_env, ifname), sizeof(env->ifname),
	                "ADD DEL CHECK"},
	};
	const char *cmd = get("CNI_COMMAND");

	memset(env, 0, sizeof(*env));
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = get(vars[i].var);
		bool needed = !strcmp(vars[i].needed_by, "*") ||
		              (cmd && *cmd && strstr(vars[i].needed_by, cmd));
		if ((!v || !*v) && needed) {
			dpn_cni_seterr(e, DPN_CNI_ERR_ENV,
			        "invalid necessary environment variables", "%s is not set",
			        vars[i].var);
			return -EINVAL;
		}
		if (v && !utf8_ok(v)) {
			dpn_cni_seterr(e, DPN_CNI_ERR_ENV,
			        "invalid necessary environment variables", "%s is not UTF-8",
			        vars[i].var);
			return -EINVAL;
		}
		if (v && strlen(v) >= vars[i].len) {
			dpn_cni_seterr(e, DPN_CNI_ERR_ENV,
			        "invalid necessary environment variables",
			        "%s is longer than %zu characters", vars[i].var, vars[i].len - 1);
			return -EINVAL;
		}
		if (v)
			strcpy((char *)env + vars[i].off, v);
	}
	const char *args = get("CNI_ARGS");
	if (args && !utf8_ok(args)) {
		/* it would reach dpnoded as names and labels: refuse, naming it */
		dpn_cni_seterr(e, DPN_CNI_ERR_ENV, "invalid necessary environment variables",
		        "CNI_ARGS is not UTF-8");
		return -EINVAL;
	}
	cni_args(args, env);
	bool add = !strcmp(env->command, "ADD"), del = !strcmp(env->command, "DEL");
	if ((add || del || !strcmp(env->command, "CHECK")) && !env->pod_uid[0]) {
		dpn_cni_seterr(e, DPN_CNI_ERR_ENV, "invalid necessary environment variables",
		        "CNI_ARGS has no K8S_POD_UID (dpnode-cni serves Kubernetes pods)");
		return -EINVAL;
	}
	if (add && (!env->pod_name[0] || !env->pod_ns[0])) {
		dpn_cni_seterr(e, DPN_CNI_ERR_ENV, "invalid necessary environment variables",
		        "CNI_ARGS needs K8S_POD_NAME and K8S_POD_NAMESPACE");
		return -EINVAL;
	}
	return 0;
}

const char *dpn_cni_kind(const struct dpn_cni_conf *c)
{
	return c->device_id[0] ? "vf" : "vhost";
}

static void put_int(json_t *p, const char *key, int v)
{
	if (v >= 0)
		json_object_set_new(p, key, json_integer(v));
}

static void put_str(json_t *p, const char *key, const char *v)
{
	if (v && v[0])
		json_object_set_new(p, key, json_string(v));
}

/* The pod's fields of both kinds. */
static json_t *pod_params(const struct dpn_cni_conf *c, const struct dpn_cni_env *env)
{
	json_t *p = json_pack("{s:s, s:s, s:s, s:s}", "pod_uid", env->pod_uid, "namespace",
	        env->pod_ns, "pod", env->pod_name, "ifname", env->ifname);
	put_str(p, "provider", c->provider);
	put_int(p, "mtu", c->mtu ? c->mtu : -1);
	put_str(p, "mac", c->mac[0] ? c->mac : env->mac);
	put_str(p, "ip", c->ips[0] ? c->ips : env->ip);
	return p;
}

static json_t *vf_params(const struct dpn_cni_conf *c, const struct dpn_cni_env *env)
{
	json_t *p = pod_params(c, env);
	if (!p)
		return NULL;
	put_str(p, "device_id", c->device_id);
	put_str(p, "netns", env->netns);
	put_str(p, "resource_name", c->resource);
	put_int(p, "vlan", c->vlan);
	put_int(p, "qos", c->vlan_qos);
	put_str(p, "spoofchk", c->spoofchk);
	put_str(p, "trust", c->trust);
	put_int(p, "min_tx_rate", c->min_tx_rate);
	put_int(p, "max_tx_rate", c->max_tx_rate);
	return p;
}

json_t *dpn_cni_add_params(const struct dpn_cni_conf *c, const struct dpn_cni_env *env)
{
	if (c->device_id[0])
		return vf_params(c, env);
	json_t *p = pod_params(c, env);
	if (!p)
		return NULL;
	json_object_set_new(p, "consumption", json_string(c->consumption));
	json_object_set_new(p, "queues", json_integer(c->queues));
	/* the volume is required by dpnoded: leaving it out gets its clear error */
	put_str(p, "volume", c->volume);
	put_str(p, "socket_name", c->sock_name);
	return p;
}

/* addr with the prefix the same address has in asked ("10.16.0.5/16,..."),
 * else a host prefix: OVN's addresses carry none. */
static json_t *with_prefix(const char *addr, const char *asked)
{
	char out[160];
	dpn_ip_cidr(addr, asked, out, sizeof(out));
	return json_string(out);
}

json_t *dpn_cni_result(const char *version, const char *ifname, const char *mac,
        const char *socket_path, const char *sandbox, int mtu, json_t *ips, const char *asked)
{
	json_t *iface = json_pack("{s:s, s:s}", "name", ifname, "mac", mac);

	if (sandbox) /* a netdev in the pod (a VF), not a socket */
		json_object_set_new(iface, "sandbox", json_string(sandbox));
	json_t *out = json_array(), *ip;
	size_t i;

	if (mtu)
		json_object_set_new(iface, "mtu", json_integer(mtu));
	/* not a CNI 1.0 field (libcni drops it): the device-info file carries
	 * the socket; 1.1.0 callers get it here too */
	if (!strcmp(version, "1.1.0") && socket_path)
		json_object_set_new(iface, "socketPath", json_string(socket_path));
	json_array_foreach (ips, i, ip)
		if (json_is_string(ip))
			json_array_append_new(out,
			        json_pack("{s:o, s:i}", "address",
			                with_prefix(json_string_value(ip), asked), "interface", 0));
	return json_pack("{s:s, s:[o], s:o, s:{}}", "cniVersion", version, "interfaces", iface,
	        "ips", out, "dns");
}

json_t *dpn_cni_error_json(const char *version, const struct dpn_cni_err *e)
{
	json_t *j = json_pack("{s:s, s:i, s:s}", "cniVersion",
	        version && *version ? version : "1.1.0", "code", e->code, "msg", e->msg);
	if (e->details[0])
		json_object_set_new(j, "details", json_string(e->details));
	return j;
}

json_t *dpn_cni_version_json(const char *version)
{
	json_t *arr = json_array();
	for (int i = 0; dpn_cni_versions[i]; i++)
		json_array_append_new(arr, json_string(dpn_cni_versions[i]));
	return json_pack("{s:s, s:o}", "cniVersion", version && *version ? version : "1.1.0",
	        "supportedVersions", arr);
}

int dpn_cni_devinfo_path(const struct dpn_cni_conf *c, const struct dpn_cni_env *env,
        const char *dir, char *out, size_t len)
{
	char name[600];

	if (c->devinfo_file[0])
		return dpn_snprintf(out, len, "%s", c->devinfo_file) < 0 ? -ENAMETOOLONG : 0;
	if (dpn_snprintf(name, sizeof(name), "%s-%s_%s", c->name, env->container_id, env->ifname) <
	        0)
		return -ENAMETOOLONG;
	for (char *p = name; *p; p++)
		if (*p == '/')
			*p = '-';
	return dpn_snprintf(out, len, "%s/%s", dir, name) < 0 ? -ENAMETOOLONG : 0;
}

json_t *dpn_cni_devinfo_json(const struct dpn_cni_conf *c, const char *sock_name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", c->mount_path, sock_name);
	return json_pack("{s:s, s:s, s:{s:s, s:s}}", "type", "vhost-user", "version", "1.1.0",
	        "vhost-user", "mode", "server", "path", path);
}

int dpn_cni_check_server(const char *path, struct dpn_cni_err *e)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return 0; /* absent: the call says dpnoded is not reachable */
	if (!S_ISSOCK(st.st_mode) || st.st_uid != 0) {
		/* the plugin runs as root: a NAD must not point it at someone
		 * else's socket */
		dpn_cni_seterr(e, DPN_CNI_ERR_CONFIG, "invalid network config",
		        "server_socket %s is not a socket owned by root", path);
		return -EPERM;
	}
	return 0;
}
