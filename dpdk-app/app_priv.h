/* dpnode-app internals shared by app.c, engine.c and stats.c. */
#ifndef DPN_APP_PRIV_H
#define DPN_APP_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "dpn_app.h"

#define APP_MAX_PORTS  16
#define APP_MAX_QUEUES 16
#define APP_MAX_FLOWS  4096
#define LAT_BUCKETS    (48 * 16)

enum engine { ENG_IO, ENG_MACSWAP, ENG_MAC, ENG_L2FWD, ENG_RXONLY, ENG_TXONLY, ENG_COUNT };
extern const char *const engine_names[ENG_COUNT];

struct port_counters {
	uint64_t rx, tx, tx_drop;
} __rte_cache_aligned;

struct tx_state {
	uint64_t next_tsc, gap; /* pacing: cycles per burst */
	uint32_t flow;
	uint16_t n_pending; /* built but not yet accepted by the port */
	struct rte_mbuf *pending[256];
};

/* One lcore's work: a set of (port, queue) pairs and its own counters. */
struct lcore_conf {
	int n;
	struct {
		uint16_t port, queue;
	} rxq[APP_MAX_PORTS * APP_MAX_QUEUES];
	struct tx_state tx[APP_MAX_PORTS * APP_MAX_QUEUES];
	uint64_t tx_budget; /* txonly packets this lcore sends, 0 = unlimited */
	uint64_t tx_sent;
	bool tx_done;
	struct port_counters cnt[APP_MAX_PORTS];
	uint64_t lat[LAT_BUCKETS];
	uint64_t lat_n, lat_min, lat_max, lat_sum; /* in TSC cycles */
	/* forwarding engines: TSC cycles of polls that got packets, and those
	 * packets (as testpmd's --record-core-cycles counts) */
	uint64_t busy_cycles, busy_pkts;
} __rte_cache_aligned;

struct app {
	int n_ports;
	enum engine engine[APP_MAX_PORTS];
	struct rte_ether_addr mac[APP_MAX_PORTS];
	struct rte_ether_addr peer_mac;
	bool have_peer_mac;
	uint16_t queues, burst;
	struct dpn_pkt_tmpl tmpl;
	uint32_t flows;
	uint8_t *templates; /* flows x tmpl.size */
	uint64_t rate_pps;  /* whole app, 0 = as fast as possible */
	uint64_t tx_packets;
	double duration_s;
	double warmup_s; /* counters restart after this */
	double stats_period_s;
	uint32_t quiesce_ms;
	const char *stats_json;
	bool stamp; /* txonly and rxonly in one run: measure latency */
	struct rte_mempool *pool;
	/* link-down events per port (the switch went away: OVS restarted) */
	uint32_t link_downs[APP_MAX_PORTS]; /* __atomic builtins */
	struct lcore_conf lc[RTE_MAX_LCORE];
	uint64_t start_tsc, stop_tsc;
};

extern struct app app;
extern volatile bool app_quit;

int engine_parse(const char *s, enum engine *e);

/* Command line (opts.c). */
struct opts {
	struct dpn_app_devs devs;
	const char *devinfo_dir, *netstatus, *file_prefix, *lcores, *sysfs, *cgroup;
	bool no_env, print_eal;
	long mem_mb;
	/* --engine E[,E...]: checked before EAL starts; the last one covers
	 * the ports beyond the list */
	int n_engines;
	enum engine engines[APP_MAX_PORTS];
};
void opts_usage(FILE *f);
/* Fills o and the app's settings; 1 after --help, -EINVAL with err naming
 * the option. */
int opts_parse(int argc, char **argv, struct opts *o, struct dpn_err *err);
void engine_lcore_init(struct lcore_conf *lc);
void engine_poll(struct lcore_conf *lc);
int engine_lcore_main(void *arg);
void engine_build_templates(void);
uint16_t port_peer(uint16_t p);

void stats_print(double elapsed_s);
void stats_restart(void);
int stats_write_json(const char *path);
void lat_add(struct lcore_conf *lc, uint64_t cycles);

#endif
