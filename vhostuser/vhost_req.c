/* vhost-user request validation, naming and the OVS port it becomes. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpn_req.h"
#include "dpn_util.h"
#include "dpn_vhost.h"

bool dpn_vhost_component_ok(const char *s, size_t max)
{
	return dpn_req_component_ok(s, max);
}

/* The fields as given (known keys, types and lengths) and what they must
 * be; the socket name is KubeVirt's, or given. */
static int get_fields(json_t *p, struct dpn_vhost_req *r, struct dpn_err *err)
{
	static const char *const keys[] = {"pod_uid", "namespace", "pod", "ifname", "provider",
	        "volume", "socket_name", "consumption", "mac", "mtu", "queues", "iface_id", "ip",
	        NULL};
	struct dpn_req_pod pod;
	char cons[16] = "pod";
	int ret;

	if ((ret = dpn_req_keys(p, keys, err)) < 0 || (ret = dpn_req_pod_parse(p, &pod, err)) < 0 ||
	        (ret = dpn_req_str(p, "volume", r->volume, sizeof(r->volume), true, err)) ||
	        (ret = dpn_req_str(
	                 p, "socket_name", r->sock_name, sizeof(r->sock_name), false, err)) ||
	        (ret = dpn_req_str(p, "consumption", cons, sizeof(cons), false, err)) ||
	        (ret = dpn_req_int(p, "mtu", 68, 9710, &r->mtu, err)) ||
	        (ret = dpn_req_int(p, "queues", 1, 128, &r->queues, err)))
		return ret;
	strcpy(r->pod_uid, pod.pod_uid);
	strcpy(r->ns, pod.ns);
	strcpy(r->pod, pod.pod);
	strcpy(r->ifname, pod.ifname);
	strcpy(r->provider, pod.provider);
	strcpy(r->iface_id, pod.iface_id);
	strcpy(r->mac, pod.mac);
	strcpy(r->ip, pod.ip);
	if (!strcmp(cons, "pod"))
		r->consumption = DPN_VHOST_POD;
	else if (!strcmp(cons, "kubevirt"))
		r->consumption = DPN_VHOST_KUBEVIRT;
	else
		return dpn_err_set(
		        err, -EINVAL, "consumption: \"%s\" is not \"pod\" or \"kubevirt\"", cons);
	return 0;
}

static int check_fields(struct dpn_vhost_req *r, struct dpn_err *err)
{
	/* Components of a filesystem path the pod chooses: no traversal. */
	if (!dpn_req_component_ok(r->volume, 63))
		return dpn_err_set(err, -EINVAL,
		        "volume: \"%s\" is not a path component (no '/', '..', spaces)", r->volume);
	if (r->consumption == DPN_VHOST_KUBEVIRT)
		strcpy(r->sock_name, r->ifname); /* KubeVirt names the socket after the interface */
	else if (!r->sock_name[0])
		return dpn_err_set(err, -EINVAL,
		        "socket_name: missing (the socket file the pod's DPDK app creates)");
	if (!dpn_req_component_ok(r->sock_name, 63))
		return dpn_err_set(err, -EINVAL,
		        "socket_name: \"%s\" is not a path component (no '/', '..', spaces)",
		        r->sock_name);
	r->mac_given = r->mac[0] != '\0';
	if (!r->mac[0])
		dpn_vhost_default_mac(r->pod_uid, r->ifname, r->mac);
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

void dpn_vhost_port_name(const char *pod_uid, const char *ifname, char out[16])
{
	snprintf(out, 16, "vh%013llx",
	        (unsigned long long)(dpn_req_hash(pod_uid, ifname) & 0xfffffffffffffULL));
}

void dpn_vhost_default_mac(const char *pod_uid, const char *ifname, char out[18])
{
	uint64_t h = dpn_req_hash(ifname, pod_uid);
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
