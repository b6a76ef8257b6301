/* vhost-user request validation, naming and the OVS port it becomes. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpn_util.h"
#include "dpn_vhost.h"

static int fail(struct dpn_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct dpn_err *err, const char *fmt, ...)
{
	va_list ap;
	if (err) {
		err->code = -EINVAL;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

bool dpn_vhost_component_ok(const char *s, size_t max)
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

/* Copies a string field; absent is fine unless required. */
static int get(
        json_t *p, const char *key, char *dst, size_t len, bool required, struct dpn_err *err)
{
	json_t *v = json_object_get(p, key);

	if (!v || json_is_null(v))
		return required ? fail(err, "%s: missing", key) : 0;
	if (!json_is_string(v))
		return fail(err, "%s: expected a string", key);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return fail(err, "%s: contains a NUL character", key);
	if (json_string_length(v) >= len)
		return fail(err, "%s: longer than %zu characters", key, len - 1);
	strcpy(dst, json_string_value(v));
	return 0;
}

static int get_int(json_t *p, const char *key, int min, int max, int *dst, struct dpn_err *err)
{
	json_t *v = json_object_get(p, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return fail(err, "%s: expected an integer from %d to %d", key, min, max);
	*dst = json_integer_value(v);
	return 0;
}

static bool k8s_name_ok(const char *s)
{
	/* DNS-1123 subdomain: what Kubernetes allows for pod names and namespaces */
	size_t n = strlen(s);
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' ||
		            s[i] == '.'))
			return false;
	return isalnum((unsigned char)s[0]) && isalnum((unsigned char)s[n - 1]);
}

/* DNS-1123 label: what Kubernetes allows for namespaces (no dots). */
static bool k8s_label_ok(const char *s)
{
	return strlen(s) <= 63 && !strchr(s, '.') && k8s_name_ok(s);
}

/* The fields as given: known keys, types and lengths. */
static int get_fields(json_t *p, struct dpn_vhost_req *r, struct dpn_err *err)
{
	static const char *const keys[] = {"pod_uid", "namespace", "pod", "ifname", "provider",
	        "volume", "socket_name", "consumption", "mac", "mtu", "queues", "iface_id", "ip",
	        NULL};
	char cons[16] = "pod";
	const char *k;
	json_t *v;
	int ret;

	if (!json_is_object(p))
		return fail(err, "params: expected an object");
	json_object_foreach (p, k, v) {
		size_t i;
		for (i = 0; keys[i] && strcmp(keys[i], k); i++)
			;
		if (!keys[i])
			return fail(err, "%s: unknown field", k);
	}
	if ((ret = get(p, "pod_uid", r->pod_uid, sizeof(r->pod_uid), true, err)) ||
	        (ret = get(p, "namespace", r->ns, sizeof(r->ns), true, err)) ||
	        (ret = get(p, "pod", r->pod, sizeof(r->pod), true, err)) ||
	        (ret = get(p, "ifname", r->ifname, sizeof(r->ifname), true, err)) ||
	        (ret = get(p, "provider", r->provider, sizeof(r->provider), false, err)) ||
	        (ret = get(p, "volume", r->volume, sizeof(r->volume), true, err)) ||
	        (ret = get(p, "socket_name", r->sock_name, sizeof(r->sock_name), false, err)) ||
	        (ret = get(p, "consumption", cons, sizeof(cons), false, err)) ||
	        (ret = get(p, "mac", r->mac, sizeof(r->mac), false, err)) ||
	        (ret = get(p, "iface_id", r->iface_id, sizeof(r->iface_id), false, err)) ||
	        (ret = get(p, "ip", r->ip, sizeof(r->ip), false, err)) ||
	        (ret = get_int(p, "mtu", 68, 9710, &r->mtu, err)) ||
	        (ret = get_int(p, "queues", 1, 128, &r->queues, err)))
		return ret;
	if (!strcmp(cons, "pod"))
		r->consumption = DPN_VHOST_POD;
	else if (!strcmp(cons, "kubevirt"))
		r->consumption = DPN_VHOST_KUBEVIRT;
	else
		return fail(err, "consumption: \"%s\" is not \"pod\" or \"kubevirt\"", cons);
	return 0;
}

/* What the fields must be, and the defaults derived from them. */
/* What goes into external_ids:ip for Kube-OVN and OVN: addresses (with an
 * optional prefix), comma-separated, nothing else a pod could slip in. */
static bool ip_list_ok(const char *list)
{
	char buf[sizeof(((struct dpn_vhost_req *)0)->ip)], *save = NULL;
	struct dpn_cidr c;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", list);
	if (buf[0] == ',' || buf[strlen(buf) - 1] == ',' || strstr(buf, ",,"))
		return false;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save), n++)
		if (dpn_cidr_parse(t, true, &c) < 0)
			return false;
	return n > 0;
}

static int check_fields(struct dpn_vhost_req *r, struct dpn_err *err)
{
	/* Components of a filesystem path the pod chooses: no traversal. */
	if (!dpn_vhost_component_ok(r->pod_uid, 63))
		return fail(err, "pod_uid: \"%s\" is not a path component (no '/', '..', spaces)",
		        r->pod_uid);
	if (!dpn_vhost_component_ok(r->volume, 63))
		return fail(err, "volume: \"%s\" is not a path component (no '/', '..', spaces)",
		        r->volume);
	if (!dpn_ifname_valid(r->ifname) || !dpn_vhost_component_ok(r->ifname, 15))
		return fail(err,
		        "ifname: \"%s\" is not an interface name (1-15 characters, no '/')",
		        r->ifname);
	if (!k8s_label_ok(r->ns))
		return fail(err,
		        "namespace: \"%s\" is not a Kubernetes namespace name "
		        "(lowercase letters, digits and '-', at most 63)",
		        r->ns);
	if (!k8s_name_ok(r->pod))
		return fail(err, "pod: \"%s\" is not a Kubernetes name", r->pod);
	if (r->consumption == DPN_VHOST_KUBEVIRT)
		strcpy(r->sock_name, r->ifname); /* KubeVirt names the socket after the interface */
	else if (!r->sock_name[0])
		return fail(
		        err, "socket_name: missing (the socket file the pod's DPDK app creates)");
	if (!dpn_vhost_component_ok(r->sock_name, 63))
		return fail(err,
		        "socket_name: \"%s\" is not a path component (no '/', '..', spaces)",
		        r->sock_name);
	if (r->ip[0] && !ip_list_ok(r->ip))
		return fail(err, "ip: \"%s\" is not a comma-separated list of IP addresses", r->ip);
	r->mac_given = r->mac[0] != '\0';
	if (r->mac[0] && !dpn_mac_valid_unicast(r->mac))
		return fail(err, "mac: \"%s\" is not a unicast MAC (xx:xx:xx:xx:xx:xx)", r->mac);
	if (!r->mac[0])
		dpn_vhost_default_mac(r->pod_uid, r->ifname, r->mac);
	for (char *c = r->mac; *c; c++)
		*c = tolower((unsigned char)*c);
	if (!r->iface_id[0]) {
		/* Kube-OVN's logical switch port names */
		int n = r->provider[0] ? snprintf(r->iface_id, sizeof(r->iface_id), "%s.%s.%s",
		                                 r->pod, r->ns, r->provider)
		                       : snprintf(r->iface_id, sizeof(r->iface_id), "%s.%s", r->pod,
		                                 r->ns);
		if (n < 0 || (size_t)n >= sizeof(r->iface_id))
			return fail(err,
			        "iface_id: the default <pod>.<namespace>[.<provider>] is too long");
	}
	return 0;
}

int dpn_vhost_req_parse(json_t *p, struct dpn_vhost_req *r, struct dpn_err *err)
{
	int ret;

	memset(r, 0, sizeof(*r));
	r->queues = 1;
	if ((ret = get_fields(p, r, err)) < 0)
		return ret;
	return check_fields(r, err);
}

json_t *dpn_vhost_req_json(const struct dpn_vhost_req *r)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s}", "pod_uid",
	        r->pod_uid, "namespace", r->ns, "pod", r->pod, "ifname", r->ifname, "volume",
	        r->volume, "socket_name", r->sock_name, "consumption",
	        r->consumption == DPN_VHOST_KUBEVIRT ? "kubevirt" : "pod", "mac", r->mac, "queues",
	        r->queues, "iface_id", r->iface_id);
	if (r->provider[0])
		json_object_set_new(j, "provider", json_string(r->provider));
	if (r->mtu)
		json_object_set_new(j, "mtu", json_integer(r->mtu));
	if (r->ip[0])
		json_object_set_new(j, "ip", json_string(r->ip));
	return j;
}

int dpn_vhost_paths(const struct dpn_vhost_conf *c, const struct dpn_vhost_req *r, char *dir,
        size_t dlen, char *sock, size_t slen, struct dpn_err *err)
{
	int n;

	if (dpn_snprintf(dir, dlen, "%s/%s/%s", c->socket_root, r->pod_uid, r->volume) < 0)
		return dpn_err_set(err, -ENAMETOOLONG, "socket directory %s/%s/%s: too long",
		        c->socket_root, r->pod_uid, r->volume);
	n = snprintf(sock, slen, "%s/%s", dir, r->sock_name);
	if (n < 0 || (size_t)n >= slen || n >= DPN_SUN_PATH_MAX) {
		return dpn_err_set(err, -ENAMETOOLONG,
		        "socket path %s/%s is %d bytes, %d over the %d a unix socket path can hold",
		        dir, r->sock_name, n, n - (DPN_SUN_PATH_MAX - 1), DPN_SUN_PATH_MAX - 1);
	}
	return 0;
}

static uint64_t fnv1a(const char *a, const char *b)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const char *s = a; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	h = (h ^ '/') * 0x100000001b3ULL;
	for (const char *s = b; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

void dpn_vhost_port_name(const char *pod_uid, const char *ifname, char out[16])
{
	snprintf(out, 16, "vh%013llx",
	        (unsigned long long)(fnv1a(pod_uid, ifname) & 0xfffffffffffffULL));
}

void dpn_vhost_default_mac(const char *pod_uid, const char *ifname, char out[18])
{
	uint64_t h = fnv1a(ifname, pod_uid);
	/* 0x0a: locally administered, unicast (as Kube-OVN's 0a:58 prefix does) */
	snprintf(out, 18, "0a:%02x:%02x:%02x:%02x:%02x", (unsigned)(h >> 32) & 0xff,
	        (unsigned)(h >> 24) & 0xff, (unsigned)(h >> 16) & 0xff, (unsigned)(h >> 8) & 0xff,
	        (unsigned)h & 0xff);
}

void dpn_vhost_port_spec(const struct dpn_vhost_conf *c, const struct dpn_vhost_req *r,
        const char *sock_path, struct dpn_vhost_port *p)
{
	struct dpn_ovs_port_spec *s = &p->spec;

	dpn_vhost_port_name(r->pod_uid, r->ifname, p->name);
	*s = (struct dpn_ovs_port_spec){.name = p->name,
	        .owner = DPN_VHOST_OWNER,
	        .type = "dpdkvhostuserclient",
	        .mtu = r->mtu};
	/* What ovn-controller and Kube-OVN read on the Interface. */
	dpn_ovs_kv_add(s->iface_ids, &s->n_iface_ids, "iface-id", r->iface_id);
	dpn_ovs_kv_add(s->iface_ids, &s->n_iface_ids, "pod_name", r->pod);
	dpn_ovs_kv_add(s->iface_ids, &s->n_iface_ids, "pod_namespace", r->ns);
	dpn_ovs_kv_add(s->iface_ids, &s->n_iface_ids, "attached-mac", r->mac);
	dpn_ovs_kv_add(s->iface_ids, &s->n_iface_ids, "dpnode-pod-uid", r->pod_uid);
	dpn_ovs_kv_add(s->iface_ids, &s->n_iface_ids, "dpnode-ifname", r->ifname);
	dpn_ovs_kv_add(s->iface_ids, &s->n_iface_ids, "ip", r->ip[0] ? r->ip : NULL);
	dpn_ovs_kv_add(s->port_ids, &s->n_port_ids, "dpnode-pod-uid", r->pod_uid);
	dpn_ovs_kv_add(s->port_ids, &s->n_port_ids, "dpnode-ifname", r->ifname);
	/* OVS is the client: QEMU or the pod's app owns the socket, and OVS
	 * reconnects after either side restarts. n_rxq is not set: OVS takes
	 * the queue count of a vhost port from the guest. */
	dpn_ovs_kv_add(s->options, &s->n_options, "vhost-server-path", sock_path);
	if (c->tx_retries_max >= 0) {
		snprintf(p->tx_retries, sizeof(p->tx_retries), "%ld", c->tx_retries_max);
		dpn_ovs_kv_add(s->options, &s->n_options, "tx-retries-max", p->tx_retries);
	}
}
