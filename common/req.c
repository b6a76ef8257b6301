/* Typed request fields: reading and the rules pods' values must follow. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dpn_req.h"
#include "dpn_util.h"

int dpn_req_keys(json_t *params, const char *const *keys, struct dpn_err *err)
{
	const char *k;
	json_t *v;

	if (!json_is_object(params))
		return dpn_err_set(err, -EINVAL, "params: expected an object");
	json_object_foreach (params, k, v) {
		size_t i;
		for (i = 0; keys[i] && strcmp(keys[i], k); i++)
			;
		if (!keys[i])
			return dpn_err_set(err, -EINVAL, "%s: unknown field", k);
	}
	return 0;
}

int dpn_req_str(
        json_t *p, const char *key, char *dst, size_t len, bool required, struct dpn_err *err)
{
	json_t *v = json_object_get(p, key);

	if (!v || json_is_null(v))
		return required ? dpn_err_set(err, -EINVAL, "%s: missing", key) : 0;
	if (!json_is_string(v))
		return dpn_err_set(err, -EINVAL, "%s: expected a string", key);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return dpn_err_set(err, -EINVAL, "%s: contains a NUL character", key);
	if (json_string_length(v) >= len)
		return dpn_err_set(err, -EINVAL, "%s: longer than %zu characters", key, len - 1);
	strcpy(dst, json_string_value(v));
	return 0;
}

int dpn_req_int(json_t *p, const char *key, int min, int max, int *dst, struct dpn_err *err)
{
	json_t *v = json_object_get(p, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return dpn_err_set(
		        err, -EINVAL, "%s: expected an integer from %d to %d", key, min, max);
	*dst = json_integer_value(v);
	return 0;
}

int dpn_req_port_key(json_t *params,
        void (*name)(const char *pod_uid, const char *ifname, char out[16]), char key[16],
        struct dpn_err *err)
{
	const char *p = json_string_value(json_object_get(params, "port"));
	const char *uid = json_string_value(json_object_get(params, "pod_uid"));
	const char *ifn = json_string_value(json_object_get(params, "ifname"));

	if (p && strlen(p) < 16) {
		strcpy(key, p);
		return 0;
	}
	if (!uid || !ifn)
		return dpn_err_set(
		        err, -EINVAL, "params: give \"port\", or \"pod_uid\" and \"ifname\"");
	name(uid, ifn, key);
	return 0;
}

bool dpn_req_list_match(json_t *params, const char *key, json_t *req)
{
	const char *uid = json_string_value(json_object_get(params, "pod_uid"));
	const char *only = json_string_value(json_object_get(params, "port"));
	return (!uid || !strcmp(uid, json_string_value(json_object_get(req, "pod_uid")) ?: "")) &&
	       (!only || !strcmp(only, key));
}

static void list_add(json_t *arr, json_t *(*show)(void *, const char *, json_t *), void *ctx,
        const char *key, json_t *e)
{
	json_t *j = show(ctx, key, e);
	json_object_set(j, "request", json_object_get(e, "req"));
	json_array_append_new(arr, j);
}

json_t *dpn_req_list(json_t *params, json_t *ports,
        json_t *(*show)(void *ctx, const char *key, json_t *entry), void *ctx)
{
	const char *only = json_string_value(json_object_get(params, "port"));
	json_t *arr = json_array(), *e;
	const char *k;

	if (only) { /* the CNI's poll for its port: a lookup, not a scan */
		e = json_object_get(ports, only);
		if (e && dpn_req_list_match(params, only, json_object_get(e, "req")))
			list_add(arr, show, ctx, only, e);
	} else {
		json_object_foreach (ports, k, e)
			if (dpn_req_list_match(params, k, json_object_get(e, "req")))
				list_add(arr, show, ctx, k, e);
	}
	return json_pack("{s:o}", "ports", arr);
}

bool dpn_req_port_ready(json_t *entry, char *why, size_t len)
{
	json_t *ovs = json_object_get(entry, "ovs"), *ovn = json_object_get(entry, "ovn");
	const char *err = json_string_value(json_object_get(ovs, "error"));

	if (err)
		snprintf(why, len, "%s", err);
	else if (json_integer_value(json_object_get(ovs, "ofport")) <= 0)
		snprintf(why, len, "not in OVS yet");
	else if (ovn && !json_is_true(json_object_get(ovn, "installed")))
		snprintf(why, len,
		        "logical port %s: ovn-controller has not installed it "
		        "(no ovn-installed on the interface)",
		        json_string_value(json_object_get(ovn, "logical_port")));
	else
		return true;
	return false;
}

int dpn_req_list_ready(json_t *params, json_t **res, struct dpn_err *err)
{
	json_t *e;
	size_t i;
	char why[DPN_ERR_MSG_MAX - 40];

	if (!json_is_true(json_object_get(params, "ready")))
		return 0;
	json_array_foreach (json_object_get(*res, "ports"), i, e)
		if (!dpn_req_port_ready(e, why, sizeof(why))) {
			dpn_err_set(err, -EAGAIN, "port %s: %s",
			        json_string_value(json_object_get(e, "port")), why);
			json_decref(*res);
			*res = NULL;
			return -EAGAIN;
		}
	return 0;
}

bool dpn_req_component_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '/' || c == '\\' || !isprint(c) || isspace(c))
			return false;
	}
	return true;
}

bool dpn_k8s_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' ||
		            s[i] == '.'))
			return false;
	return isalnum((unsigned char)s[0]) && isalnum((unsigned char)s[n - 1]);
}

bool dpn_k8s_label_ok(const char *s)
{
	return strlen(s) <= 63 && !strchr(s, '.') && dpn_k8s_name_ok(s);
}

/* What goes into external_ids:ip for Kube-OVN and OVN: nothing else a pod
 * could slip in. */
bool dpn_ip_list_ok(const char *list)
{
	char buf[512], *save = NULL;
	struct dpn_cidr c;
	int n = 0;

	if (strlen(list) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", list);
	if (!buf[0] || buf[0] == ',' || buf[strlen(buf) - 1] == ',' || strstr(buf, ",,"))
		return false;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save), n++)
		if (dpn_cidr_parse(t, true, &c) < 0)
			return false;
	return n > 0;
}

void dpn_ip_cidr(const char *addr, const char *asked, char *out, size_t len)
{
	char buf[512], *save = NULL;
	size_t n = strlen(addr);

	if (strchr(addr, '/')) {
		snprintf(out, len, "%s", addr);
		return;
	}
	snprintf(buf, sizeof(buf), "%s", asked ? asked : "");
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (!strncmp(t, addr, n) && t[n] == '/') {
			snprintf(out, len, "%s", t);
			return;
		}
	snprintf(out, len, "%s/%d", addr, strchr(addr, ':') ? 128 : 32);
}

void dpn_ip_cidrs(const char *list, const char *asked, char *out, size_t len)
{
	char buf[512], *save = NULL;
	size_t off = 0;

	snprintf(buf, sizeof(buf), "%s", list);
	out[0] = '\0';
	for (char *t = strtok_r(buf, ",", &save); t && off + 1 < len;
	        t = strtok_r(NULL, ",", &save)) {
		char one[96];
		dpn_ip_cidr(t, asked, one, sizeof(one));
		int w = snprintf(out + off, len - off, "%s%s", off ? "," : "", one);
		off += w > 0 ? (size_t)w : 0;
	}
}

uint64_t dpn_req_hash(const char *a, const char *b)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	for (const char *s = a; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	h = (h ^ '/') * 0x100000001b3ULL;
	for (const char *s = b; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static int read_pod(json_t *p, struct dpn_req_pod *r, struct dpn_err *err)
{
	int ret;

	if ((ret = dpn_req_str(p, "pod_uid", r->pod_uid, sizeof(r->pod_uid), true, err)) ||
	        (ret = dpn_req_str(p, "namespace", r->ns, sizeof(r->ns), true, err)) ||
	        (ret = dpn_req_str(p, "pod", r->pod, sizeof(r->pod), true, err)) ||
	        (ret = dpn_req_str(p, "ifname", r->ifname, sizeof(r->ifname), true, err)) ||
	        (ret = dpn_req_str(p, "provider", r->provider, sizeof(r->provider), false, err)) ||
	        (ret = dpn_req_str(p, "mac", r->mac, sizeof(r->mac), false, err)) ||
	        (ret = dpn_req_str(p, "iface_id", r->iface_id, sizeof(r->iface_id), false, err)) ||
	        (ret = dpn_req_str(p, "ip", r->ip, sizeof(r->ip), false, err)))
		return ret;
	return 0;
}

int dpn_req_pod_parse(json_t *p, struct dpn_req_pod *r, struct dpn_err *err)
{
	int ret;

	memset(r, 0, sizeof(*r));
	if ((ret = read_pod(p, r, err)) < 0)
		return ret;
	/* pod_uid and ifname become path components and port names */
	if (!dpn_req_component_ok(r->pod_uid, 63))
		return dpn_err_set(err, -EINVAL,
		        "pod_uid: \"%s\" is not a path component (no '/', '..', spaces)",
		        r->pod_uid);
	if (!dpn_ifname_valid(r->ifname) || !dpn_req_component_ok(r->ifname, 15))
		return dpn_err_set(err, -EINVAL,
		        "ifname: \"%s\" is not an interface name (1-15 characters, no '/')",
		        r->ifname);
	if (!dpn_k8s_label_ok(r->ns))
		return dpn_err_set(err, -EINVAL,
		        "namespace: \"%s\" is not a Kubernetes namespace name "
		        "(lowercase letters, digits and '-', at most 63)",
		        r->ns);
	if (!dpn_k8s_name_ok(r->pod))
		return dpn_err_set(err, -EINVAL, "pod: \"%s\" is not a Kubernetes name", r->pod);
	if (r->ip[0] && !dpn_ip_list_ok(r->ip))
		return dpn_err_set(err, -EINVAL,
		        "ip: \"%s\" is not a comma-separated list of IP addresses", r->ip);
	if (r->mac[0] && !dpn_mac_valid_unicast(r->mac))
		return dpn_err_set(err, -EINVAL,
		        "mac: \"%s\" is not a unicast MAC (xx:xx:xx:xx:xx:xx)", r->mac);
	for (char *c = r->mac; *c; c++)
		*c = tolower((unsigned char)*c);
	if (!r->iface_id[0]) { /* Kube-OVN's logical switch port names */
		int n = r->provider[0] ? snprintf(r->iface_id, sizeof(r->iface_id), "%s.%s.%s",
		                                 r->pod, r->ns, r->provider)
		                       : snprintf(r->iface_id, sizeof(r->iface_id), "%s.%s", r->pod,
		                                 r->ns);
		if (n < 0 || (size_t)n >= sizeof(r->iface_id))
			return dpn_err_set(err, -EINVAL,
			        "iface_id: the default <pod>.<namespace>[.<provider>] is too long");
	}
	return 0;
}

void dpn_req_pod_json(const struct dpn_req_pod *r, json_t *j)
{
	json_object_set_new(j, "pod_uid", json_string(r->pod_uid));
	json_object_set_new(j, "namespace", json_string(r->ns));
	json_object_set_new(j, "pod", json_string(r->pod));
	json_object_set_new(j, "ifname", json_string(r->ifname));
	json_object_set_new(j, "iface_id", json_string(r->iface_id));
	if (r->mac[0])
		json_object_set_new(j, "mac", json_string(r->mac));
	if (r->provider[0])
		json_object_set_new(j, "provider", json_string(r->provider));
	if (r->ip[0])
		json_object_set_new(j, "ip", json_string(r->ip));
}
