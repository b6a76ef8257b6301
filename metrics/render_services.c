/* /metrics: OVN, the CNI's requests, the device plugin and SR-IOV. */
#include <math.h>
#include <string.h>

#include "dpn_metrics.h"
#include "metrics_priv.h"

static void ovn(FILE *f, json_t *st)
{
	if (!json_is_object(json_object_get(st, "ovn")))
		return;
	mscalar(f, st, "dpnode_ovn_sb_connected", "gauge", "ovn.sb_connected",
	        "1 while dpnoded's OVN Southbound session is up");
	mscalar(f, st, "dpnode_ovn_chassis_registered", "gauge", "ovn.chassis_registered",
	        "1 when this node's Chassis row is in the Southbound");
	mscalar(f, st, "dpnode_ovn_watched_ports", "gauge", "ovn.watched_ports",
	        "Logical ports dpnoded asks the Southbound for");
	mscalar(f, st, "dpnode_ovn_sb_received_bytes_total", "counter", "ovn.sb_rx_bytes",
	        "Bytes the Southbound sent dpnoded");
	mscalar(f, st, "dpnode_ovn_sb_sent_bytes_total", "counter", "ovn.sb_tx_bytes",
	        "Bytes dpnoded sent the Southbound");
}

static void histogram(FILE *f, const char *name, const char *method, json_t *h)
{
	char b[64], n[128];
	json_t *e;
	size_t i;

	json_array_foreach (json_object_get(h, "buckets"), i, e) {
		struct mlabels l = {0};
		mlbl(&l, "method", method);
		snprintf(b, sizeof(b), "%g", mnum(json_array_get(e, 0)));
		mlbl(&l, "le", b);
		snprintf(n, sizeof(n), "%s_bucket", name);
		msample(f, n, &l, mnum(json_array_get(e, 1)));
	}
	struct mlabels l = {0};
	mlbl(&l, "method", method);
	struct mlabels inf = l;
	mlbl(&inf, "le", "+Inf");
	snprintf(n, sizeof(n), "%s_bucket", name);
	msample(f, n, &inf, mnum(json_object_get(h, "count")));
	snprintf(n, sizeof(n), "%s_sum", name);
	msample(f, n, &l, mnum(json_object_get(h, "sum_s")));
	snprintf(n, sizeof(n), "%s_count", name);
	msample(f, n, &l, mnum(json_object_get(h, "count")));
}

/* The CNI's vhost.add / vhost.del calls as dpnoded served them. */
static void cni(FILE *f, json_t *st)
{
	static const char *const methods[] = {"add", "del"};
	static const char *const results[] = {"ok", "failed", "again"};
	json_t *req = json_object_get(json_object_get(st, "vhostuser"), "requests");

	mscalar(f, st, "dpnode_vhost_ports", "gauge", "vhostuser.ports",
	        "vhost-user ports dpnoded owns");
	if (!req)
		return;
	mfamily(f, "dpnode_cni_requests_total", "counter",
	        "vhost.add/vhost.del calls by outcome (again: the logical port is not in OVN yet)");
	for (int m = 0; m < 2; m++)
		for (int r = 0; r < 3; r++) {
			struct mlabels l = {0};
			mlbl(&l, "method", methods[m]);
			mlbl(&l, "result", results[r]);
			msample(f, "dpnode_cni_requests_total", &l,
			        mnum(json_object_get(
			                json_object_get(req, methods[m]), results[r])));
		}
	mfamily(f, "dpnode_cni_request_duration_seconds", "histogram",
	        "Time dpnoded took to answer vhost.add/vhost.del");
	for (int m = 0; m < 2; m++)
		histogram(f, "dpnode_cni_request_duration_seconds", methods[m],
		        json_object_get(json_object_get(req, methods[m]), "seconds"));
}

static void deviceplugin(FILE *f, json_t *st)
{
	static const struct {
		const char *key, *metric, *type, *help;
	} fams[] = {
	        {"total", "dpnode_deviceplugin_devices", "gauge",
	                "Devices the resource advertises"},
	        {"healthy", "dpnode_deviceplugin_healthy_devices", "gauge", "Healthy devices"},
	        {"allocated", "dpnode_deviceplugin_allocated_devices", "gauge",
	                "Devices kubelet allocated (from the plugin's state)"},
	        {"registered", "dpnode_deviceplugin_registered", "gauge",
	                "1 when kubelet accepted the resource's registration"},
	        {"allocate_calls", "dpnode_deviceplugin_allocate_calls_total", "counter",
	                "Allocate calls served"},
	};
	json_t *res = json_object_get(json_object_get(st, "device_plugin"), "resources"), *r;
	size_t i;

	if (!json_is_array(res))
		return;
	mscalar(f, st, "dpnode_deviceplugin_kubelet_socket", "gauge", "device_plugin.kubelet",
	        "1 when kubelet's registration socket exists");
	for (size_t k = 0; k < sizeof(fams) / sizeof(fams[0]); k++) {
		mfamily(f, fams[k].metric, fams[k].type, fams[k].help);
		json_array_foreach (res, i, r) {
			struct mlabels l = {0};
			mlbl(&l, "resource", json_string_value(json_object_get(r, "resource")));
			msample(f, fams[k].metric, &l, mnum(json_object_get(r, fams[k].key)));
		}
	}
}

static void sriov(FILE *f, json_t *st)
{
	json_t *pfs = json_object_get(json_object_get(st, "sriov"), "pf_vfs"), *p;
	size_t i;

	if (!json_is_array(pfs))
		return;
	for (int k = 0; k < 2; k++) {
		const char *m = k ? "dpnode_sriov_max_vfs" : "dpnode_sriov_vfs";
		mfamily(f, m, "gauge",
		        k ? "VFs the PF supports (sriov_totalvfs)"
		          : "VFs the PF has (sriov_numvfs)");
		json_array_foreach (pfs, i, p) {
			struct mlabels l = {0};
			mlbl(&l, "pf", json_string_value(json_object_get(p, "pf")));
			mlbl(&l, "netdev", json_string_value(json_object_get(p, "netdev")));
			mlbl_int(&l, "numa", json_integer_value(json_object_get(p, "numa")));
			mlbl(&l, "eswitch", json_string_value(json_object_get(p, "eswitch")));
			msample(f, m, &l, mnum(json_object_get(p, k ? "totalvfs" : "numvfs")));
		}
	}
}

/* VF pods and whether their representors' flows are offloaded. */
static void vf_offload(FILE *f, json_t *st)
{
	json_t *ports = json_object_get(json_object_get(st, "offload"), "ports"), *p;
	size_t i;

	mscalar(f, st, "dpnode_vf_attachments", "gauge", "vfport.attachments",
	        "SR-IOV VFs dpnoded gave to pods");
	if (!json_is_array(ports))
		return;
	mfamily(f, "dpnode_representor_offloaded_flows", "gauge",
	        "A representor's datapath flows OVS offloaded (dpctl/dump-flows type=offloaded)");
	json_array_foreach (ports, i, p) {
		struct mlabels l = {0};
		mlbl(&l, "port", json_string_value(json_object_get(p, "port")));
		mlbl(&l, "vf", json_string_value(json_object_get(p, "vf")));
		msample(f, "dpnode_representor_offloaded_flows", &l,
		        mnum(json_object_get(p, "offloaded_flows")));
	}
	mfamily(f, "dpnode_offload_warnings", "gauge",
	        "Things standing in the way of hardware offload (dpnodectl offload says which)");
	msample(f, "dpnode_offload_warnings", NULL,
	        json_array_size(json_object_get(json_object_get(st, "offload"), "warnings")));
}

void dpn_metrics_render_services(FILE *f, json_t *st)
{
	ovn(f, st);
	cni(f, st);
	vf_offload(f, st);
	deviceplugin(f, st);
	sriov(f, st);
}
