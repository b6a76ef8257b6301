/* /metrics: per-port counters, PMD threads, and the services around OVS
 * (OVN, CNI requests, the device plugin, SR-IOV). */
#include <math.h>
#include <string.h>

#include "dpn_metrics.h"
#include "metrics_priv.h"

static const struct {
	const char *key, *metric, *help;
} port_counters[] = {
        {"rx_packets", "dpnode_port_rx_packets_total", "Packets received (OVS statistics)"},
        {"tx_packets", "dpnode_port_tx_packets_total", "Packets sent"},
        {"rx_bytes", "dpnode_port_rx_bytes_total", "Bytes received"},
        {"tx_bytes", "dpnode_port_tx_bytes_total", "Bytes sent"},
        {"rx_dropped", "dpnode_port_rx_dropped_total", "Received packets dropped"},
        {"tx_dropped", "dpnode_port_tx_dropped_total", "Packets dropped on send"},
        {"rx_errors", "dpnode_port_rx_errors_total", "Receive errors"},
        {"tx_errors", "dpnode_port_tx_errors_total", "Send errors"},
        {"tx_retries", "dpnode_port_tx_retries_total",
                "vhost-user: sends retried into a full guest ring"},
};

static void port_labels(struct mlabels *l, const char *bridge, json_t *p)
{
	mlbl(l, "bridge", bridge);
	mlbl(l, "port", json_string_value(json_object_get(p, "port")));
	mlbl(l, "interface", json_string_value(json_object_get(p, "name")));
	mlbl(l, "type", json_string_value(json_object_get(p, "type")));
	mlbl(l, "iface_id", json_string_value(json_object_get(p, "iface-id")));
	mlbl(l, "pod", json_string_value(json_object_get(p, "pod_name")));
	mlbl(l, "namespace", json_string_value(json_object_get(p, "pod_namespace")));
}

/* fn(f, metric, labels, port) for every interface of every bridge */
static void each_port(FILE *f, json_t *st, const char *metric, const char *key)
{
	json_t *b, *p;
	size_t i, k;

	json_array_foreach (json_object_get(st, "bridges"), i, b) {
		const char *bridge = json_string_value(json_object_get(b, "name"));
		json_array_foreach (json_object_get(b, "ports"), k, p) {
			struct mlabels l = {0};
			json_t *v = json_object_get(p, key);
			double x;
			if (!strcmp(key, "link_state"))
				x = json_is_string(v) ? !strcmp(json_string_value(v), "up") : NAN;
			else
				x = mnum(v);
			port_labels(&l, bridge, p);
			msample(f, metric, &l, x);
		}
	}
}

void dpn_metrics_render_ports(FILE *f, json_t *st)
{
	if (!json_is_array(json_object_get(st, "bridges")))
		return;
	for (size_t c = 0; c < sizeof(port_counters) / sizeof(port_counters[0]); c++) {
		mfamily(f, port_counters[c].metric, "counter", port_counters[c].help);
		each_port(f, st, port_counters[c].metric, port_counters[c].key);
	}
	mfamily(f, "dpnode_port_link_up", "gauge", "1 when OVS reports the link up");
	each_port(f, st, "dpnode_port_link_up", "link_state");
	mfamily(f, "dpnode_port_mtu_bytes", "gauge", "The interface's MTU");
	each_port(f, st, "dpnode_port_mtu_bytes", "mtu");
	mfamily(f, "dpnode_port_ovn_installed", "gauge",
	        "1 when ovn-controller has installed the port's flows");
	each_port(f, st, "dpnode_port_ovn_installed", "ovn_installed");
}

static const struct {
	const char *key, *metric, *type, *extra_k, *extra_v, *help;
} pmd_fams[] = {
        {"packets", "dpnode_pmd_rx_packets_total", "counter", NULL, NULL,
                "Packets the PMD thread received"},
        {"idle_cycles", "dpnode_pmd_cycles_total", "counter", "state", "idle",
                "TSC cycles of the PMD thread by what it did"},
        {"processing_cycles", "dpnode_pmd_cycles_total", NULL, "state", "processing", NULL},
        {"emc_hits", "dpnode_pmd_lookups_total", "counter", "result", "emc_hit",
                "Datapath lookups by where they hit"},
        {"smc_hits", "dpnode_pmd_lookups_total", NULL, "result", "smc_hit", NULL},
        {"megaflow_hits", "dpnode_pmd_lookups_total", NULL, "result", "megaflow_hit", NULL},
        {"upcalls_ok", "dpnode_pmd_lookups_total", NULL, "result", "upcall", NULL},
        {"upcalls_failed", "dpnode_pmd_lookups_total", NULL, "result", "upcall_failed", NULL},
};

static void pmd_labels(struct mlabels *l, json_t *p)
{
	mlbl_int(l, "numa", json_integer_value(json_object_get(p, "numa")));
	mlbl_int(l, "core", json_integer_value(json_object_get(p, "core")));
}

void dpn_metrics_render_pmd(FILE *f, json_t *pmd)
{
	json_t *stats = json_object_get(pmd, "stats"), *p;
	size_t i;

	if (!json_is_array(stats))
		return;
	for (size_t k = 0; k < sizeof(pmd_fams) / sizeof(pmd_fams[0]); k++) {
		if (pmd_fams[k].type)
			mfamily(f, pmd_fams[k].metric, pmd_fams[k].type, pmd_fams[k].help);
		json_array_foreach (stats, i, p) {
			struct mlabels l = {0};
			pmd_labels(&l, p);
			if (pmd_fams[k].extra_k)
				mlbl(&l, pmd_fams[k].extra_k, pmd_fams[k].extra_v);
			msample(f, pmd_fams[k].metric, &l,
			        mnum(json_object_get(p, pmd_fams[k].key)));
		}
	}
	mfamily(f, "dpnode_pmd_processing_cycles_per_packet", "gauge",
	        "Processing cycles per received packet since the PMD stats were cleared");
	json_array_foreach (stats, i, p) {
		struct mlabels l = {0};
		double pk = mnum(json_object_get(p, "packets"));
		pmd_labels(&l, p);
		if (pk > 0)
			msample(f, "dpnode_pmd_processing_cycles_per_packet", &l,
			        mnum(json_object_get(p, "processing_cycles")) / pk);
	}
	mfamily(f, "dpnode_pmd_rxq_usage_ratio", "gauge",
	        "Share of its PMD's processing cycles an rx queue took in the last interval");
	json_array_foreach (json_object_get(pmd, "rxqs"), i, p) {
		struct mlabels l = {0};
		pmd_labels(&l, p);
		mlbl(&l, "port", json_string_value(json_object_get(p, "port")));
		mlbl_int(&l, "queue", json_integer_value(json_object_get(p, "queue")));
		msample(f, "dpnode_pmd_rxq_usage_ratio", &l,
		        mnum(json_object_get(p, "usage_pct")) / 100.0);
	}
}
