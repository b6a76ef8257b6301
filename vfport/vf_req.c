/* vf.add requests: the pod's fields, the VF and its settings. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dpn_util.h"
#include "dpn_vfport.h"

static bool pci_addr_ok(const char *s)
{
	unsigned d, b, dev, f;
	char end;
	return strlen(s) == 12 && sscanf(s, "%4x:%2x:%2x.%1x%c", &d, &b, &dev, &f, &end) == 4 &&
	       dev < 32 && f < 8;
}

/* netdevsim's VFs (the test rig's NIC) are no devices: "netdevsimN/vfM". */
static bool nsim_vf_ok(const char *s)
{
	unsigned n, m;
	int len = 0;
	return sscanf(s, "netdevsim%u/vf%u%n", &n, &m, &len) == 2 && len == (int)strlen(s);
}

/* "on"/"off" (sriov-cni's spelling) or a boolean, into -1/0/1. */
static int get_onoff(json_t *p, const char *key, int *dst, struct dpn_err *err)
{
	json_t *v = json_object_get(p, key);
	const char *s = json_string_value(v);

	if (!v || json_is_null(v))
		return 0;
	if (json_is_boolean(v))
		*dst = json_is_true(v);
	else if (s && (!strcmp(s, "on") || !strcmp(s, "off")))
		*dst = !strcmp(s, "on");
	else
		return dpn_err_set(err, -EINVAL, "%s: expected \"on\", \"off\" or a boolean", key);
	return 0;
}

int dpn_vfport_req_parse(json_t *p, struct dpn_vfport_req *r, struct dpn_err *err)
{
	static const char *const keys[] = {"pod_uid", "namespace", "pod", "ifname", "provider",
	        "iface_id", "mac", "ip", "device_id", "netns", "mtu", "vlan", "qos", "trust",
	        "spoofchk", "min_tx_rate", "max_tx_rate", "resource_name", NULL};
	int ret;

	memset(r, 0, sizeof(*r));
	r->vlan = r->trust = r->spoofchk = r->min_tx_rate = r->max_tx_rate = -1;
	if ((ret = dpn_req_keys(p, keys, err)) < 0 ||
	        (ret = dpn_req_pod_parse(p, &r->pod, err)) < 0 ||
	        (ret = dpn_req_str(p, "device_id", r->device_id, sizeof(r->device_id), true, err)) <
	                0 ||
	        (ret = dpn_req_str(p, "netns", r->netns, sizeof(r->netns), false, err)) < 0 ||
	        (ret = dpn_req_str(
	                 p, "resource_name", r->resource, sizeof(r->resource), false, err)) < 0 ||
	        (ret = dpn_req_int(p, "mtu", 68, 9710, &r->mtu, err)) < 0 ||
	        (ret = dpn_req_int(p, "vlan", 0, 4094, &r->vlan, err)) < 0 ||
	        (ret = dpn_req_int(p, "qos", 0, 7, &r->qos, err)) < 0 ||
	        (ret = get_onoff(p, "trust", &r->trust, err)) < 0 ||
	        (ret = get_onoff(p, "spoofchk", &r->spoofchk, err)) < 0 ||
	        (ret = dpn_req_int(p, "min_tx_rate", 0, 1000000, &r->min_tx_rate, err)) < 0 ||
	        (ret = dpn_req_int(p, "max_tx_rate", 0, 1000000, &r->max_tx_rate, err)) < 0)
		return ret;
	for (char *c = r->device_id; *c; c++)
		*c = *c >= 'A' && *c <= 'F' ? *c - 'A' + 'a' : *c;
	if (!pci_addr_ok(r->device_id) && !nsim_vf_ok(r->device_id))
		return dpn_err_set(err, -EINVAL,
		        "device_id: \"%s\" is not a PCI address (dddd:bb:dd.f)", r->device_id);
	if (r->netns[0] && r->netns[0] != '/')
		return dpn_err_set(err, -EINVAL, "netns: \"%s\" is not an absolute path", r->netns);
	if (r->qos > 0 && r->vlan <= 0)
		return dpn_err_set(err, -EINVAL, "qos: %d given without a vlan", r->qos);
	if (r->max_tx_rate > 0 && r->min_tx_rate > r->max_tx_rate)
		return dpn_err_set(err, -EINVAL, "min_tx_rate: %d is above max_tx_rate %d",
		        r->min_tx_rate, r->max_tx_rate);
	r->mac_given = r->pod.mac[0] != '\0';
	return 0;
}

json_t *dpn_vfport_req_json(const struct dpn_vfport_req *r)
{
	json_t *j = json_pack("{s:s}", "device_id", r->device_id);

	dpn_req_pod_json(&r->pod, j);
	if (r->netns[0])
		json_object_set_new(j, "netns", json_string(r->netns));
	if (r->resource[0])
		json_object_set_new(j, "resource_name", json_string(r->resource));
	if (r->mtu)
		json_object_set_new(j, "mtu", json_integer(r->mtu));
	if (r->vlan >= 0)
		json_object_set_new(j, "vlan", json_integer(r->vlan));
	if (r->qos > 0)
		json_object_set_new(j, "qos", json_integer(r->qos));
	if (r->trust >= 0)
		json_object_set_new(j, "trust", json_boolean(r->trust));
	if (r->spoofchk >= 0)
		json_object_set_new(j, "spoofchk", json_boolean(r->spoofchk));
	if (r->min_tx_rate >= 0)
		json_object_set_new(j, "min_tx_rate", json_integer(r->min_tx_rate));
	if (r->max_tx_rate >= 0)
		json_object_set_new(j, "max_tx_rate", json_integer(r->max_tx_rate));
	return j;
}

void dpn_vfport_name(const char *pod_uid, const char *ifname, char out[16])
{
	snprintf(out, 16, "vf%013llx",
	        (unsigned long long)(dpn_req_hash(pod_uid, ifname) & 0xfffffffffffffULL));
}
