/* Counters, latency histogram and the stats report. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "app_priv.h"

/* log-linear buckets: 16 per power of two, about 6% wide */
static unsigned bucket(uint64_t v)
{
	if (v < 16)
		return v;
	unsigned msb = 63 - __builtin_clzll(v);
	unsigned idx = (msb - 3) * 16 + ((v >> (msb - 4)) & 15);
	return idx < LAT_BUCKETS ? idx : LAT_BUCKETS - 1;
}

static uint64_t bucket_value(unsigned i)
{
	if (i < 16)
		return i;
	unsigned msb = i / 16 + 3;
	return ((uint64_t)(16 + i % 16) << (msb - 4)) + ((uint64_t)1 << (msb - 4)) / 2;
}

void lat_add(struct lcore_conf *lc, uint64_t cycles)
{
	lc->lat[bucket(cycles)]++;
	if (!lc->lat_n || cycles < lc->lat_min)
		lc->lat_min = cycles;
	if (cycles > lc->lat_max)
		lc->lat_max = cycles;
	lc->lat_n++;
	lc->lat_sum += cycles;
}

static struct port_counters base[APP_MAX_PORTS];

static void raw_totals(uint16_t port, uint64_t *rx, uint64_t *tx, uint64_t *drop)
{
	unsigned l;
	*rx = *tx = *drop = 0;
	RTE_LCORE_FOREACH(l)
	{
		*rx += app.lc[l].cnt[port].rx;
		*tx += app.lc[l].cnt[port].tx;
		*drop += app.lc[l].cnt[port].tx_drop;
	}
}

/* Counts since the last restart (the warm-up end). */
static void totals(uint16_t port, uint64_t *rx, uint64_t *tx, uint64_t *drop)
{
	raw_totals(port, rx, tx, drop);
	*rx -= base[port].rx;
	*tx -= base[port].tx;
	*drop -= base[port].tx_drop;
}

void stats_restart(void)
{
	unsigned l;
	for (int p = 0; p < app.n_ports; p++)
		raw_totals(p, &base[p].rx, &base[p].tx, &base[p].tx_drop);
	/* latency samples of the warm-up go too (a sample racing this is lost) */
	RTE_LCORE_FOREACH(l)
	{
		memset(app.lc[l].lat, 0, sizeof(app.lc[l].lat));
		app.lc[l].lat_n = app.lc[l].lat_sum = app.lc[l].lat_max = 0;
		app.lc[l].busy_cycles = app.lc[l].busy_pkts = 0;
	}
}

void stats_print(double elapsed_s)
{
	static uint64_t last_rx[APP_MAX_PORTS], last_tx[APP_MAX_PORTS];
	static double last_t;
	double dt = elapsed_s - last_t;

	for (int p = 0; p < app.n_ports; p++) {
		uint64_t rx, tx, drop;
		totals(p, &rx, &tx, &drop);
		printf("%7.1fs port %d %-7s rx %12" PRIu64 " (%8.3f Mpps) tx %12" PRIu64
		       " (%8.3f Mpps) tx-drop %" PRIu64 "\n",
		        elapsed_s, p, engine_names[app.engine[p]], rx,
		        dt > 0 ? (rx - last_rx[p]) / dt / 1e6 : 0, tx,
		        dt > 0 ? (tx - last_tx[p]) / dt / 1e6 : 0, drop);
		last_rx[p] = rx;
		last_tx[p] = tx;
	}
	fflush(stdout);
	last_t = elapsed_s;
}

static json_t *latency_json(void)
{
	uint64_t hist[LAT_BUCKETS] = {0}, n = 0, sum = 0, min = UINT64_MAX, max = 0;
	double ns = 1e9 / rte_get_tsc_hz();
	unsigned l;

	RTE_LCORE_FOREACH(l)
	{
		struct lcore_conf *lc = &app.lc[l];
		for (unsigned i = 0; i < LAT_BUCKETS; i++)
			hist[i] += lc->lat[i];
		n += lc->lat_n;
		sum += lc->lat_sum;
		if (lc->lat_n && lc->lat_min < min)
			min = lc->lat_min;
		if (lc->lat_max > max)
			max = lc->lat_max;
	}
	if (!n)
		return json_null();
	static const struct {
		const char *name;
		double q;
	} pct[] = {{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"p999", 0.999}};
	json_t *j = json_pack("{s:I, s:f, s:f, s:f}", "samples", (json_int_t)n, "min", min * ns,
	        "mean", (double)sum / n * ns, "max", max * ns);
	for (size_t k = 0; k < sizeof(pct) / sizeof(pct[0]); k++) {
		uint64_t want = (uint64_t)ceil(pct[k].q * n), acc = 0;
		for (unsigned i = 0; i < LAT_BUCKETS; i++) {
			acc += hist[i];
			if (acc >= want) {
				json_object_set_new(
				        j, pct[k].name, json_real(bucket_value(i) * ns));
				break;
			}
		}
	}
	return j;
}

int stats_write_json(const char *path)
{
	double secs = (double)(app.stop_tsc - app.start_tsc) / rte_get_tsc_hz();
	json_t *ports = json_array();

	for (int p = 0; p < app.n_ports; p++) {
		struct rte_eth_stats es;
		char name[RTE_ETH_NAME_MAX_LEN] = "";
		uint64_t rx, tx, drop;
		totals(p, &rx, &tx, &drop);
		memset(&es, 0, sizeof(es));
		rte_eth_stats_get(p, &es);
		rte_eth_dev_get_name_by_port(p, name);
		json_array_append_new(ports,
		        json_pack("{s:i, s:s, s:s, s:I, s:I, s:f, s:f, s:I, s:I, s:I, s:I, s:i}",
		                "port", p, "name", name, "engine", engine_names[app.engine[p]],
		                "rx_packets", (json_int_t)rx, "tx_packets", (json_int_t)tx,
		                "rx_pps", secs > 0 ? rx / secs : 0.0, "tx_pps",
		                secs > 0 ? tx / secs : 0.0, "rx_dropped",
		                (json_int_t)(es.imissed + es.rx_nombuf), "tx_dropped",
		                (json_int_t)drop, "rx_errors", (json_int_t)es.ierrors, "tx_errors",
		                (json_int_t)es.oerrors, "link_downs",
		                (int)__atomic_load_n(&app.link_downs[p], __ATOMIC_RELAXED)));
	}
	uint64_t busy = 0, pkts = 0;
	unsigned l;
	RTE_LCORE_FOREACH(l)
	{
		busy += app.lc[l].busy_cycles;
		pkts += app.lc[l].busy_pkts;
	}
	json_t *doc = json_pack("{s:f, s:i, s:o, s:o, s:o}", "duration_s", secs, "packet_size",
	        app.tmpl.size, "ports", ports, "latency_ns", latency_json(), "cycles_per_packet",
	        pkts ? json_real((double)busy / pkts) : json_null());
	int ret = json_dump_file(doc, path, JSON_INDENT(2));
	json_decref(doc);
	return ret;
}
