/* dpnode-app: finds its devices, builds EAL arguments, runs an engine. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>

#define DPN_LOG_MOD "dpnode-app"
#include "app_priv.h"
#include "dpn_log.h"

#define RX_DESC 1024
#define TX_DESC 1024

struct app app;
volatile bool app_quit;
extern char **environ;

static void on_signal(int sig)
{
	(void)sig;
	app_quit = true;
}

static int discover(struct opts *o, struct dpn_err *err)
{
	char dir[600];
	int ret;

	if (!o->no_env && (ret = dpn_app_from_env(environ, &o->devs, err)) < 0)
		return ret;
	/* the device plugin writes under dp/, CNI plugins under cni/ */
	const char *subs[] = {"", "/dp", "/cni"};
	for (size_t i = 0; i < 3; i++) {
		if (dpn_snprintf(dir, sizeof(dir), "%s%s", o->devinfo_dir, subs[i]) < 0)
			return dpn_err_set(err, -ENAMETOOLONG, "--devinfo-dir: too long");
		if ((ret = dpn_app_from_devinfo_dir(dir, &o->devs, err)) < 0)
			return ret;
	}
	return dpn_app_from_network_status(o->netstatus, &o->devs, err);
}

/* Built arguments, the user's overrides, then anything after "--". */
static int eal_args(
        struct opts *o, int extra_argc, char **extra, int *argc, char ***argv, struct dpn_err *err)
{
	struct dpn_app_env env = {.sysfs = o->sysfs,
	        .cgroup = o->cgroup,
	        .file_prefix = o->file_prefix,
	        .queues = app.queues};
	int ret;

	if ((ret = dpn_app_build_eal(&o->devs, &env, argc, argv, err)) < 0)
		return ret;
	for (int i = 1; i < *argc; i++) {
		if (o->lcores && !strcmp((*argv)[i], "-l")) {
			free((*argv)[i + 1]);
			(*argv)[i + 1] = strdup(o->lcores);
		}
		if (o->mem_mb && !strcmp((*argv)[i], "-m")) {
			free((*argv)[i + 1]);
			if (asprintf(&(*argv)[i + 1], "%ld", o->mem_mb) < 0)
				return dpn_err_set(err, -ENOMEM, "out of memory");
		}
	}
	char **n = realloc(*argv, sizeof(char *) * (*argc + extra_argc + 1));
	if (!n)
		return dpn_err_set(err, -ENOMEM, "out of memory");
	*argv = n;
	for (int i = 0; i < extra_argc; i++)
		n[(*argc)++] = strdup(extra[i]);
	n[*argc] = NULL;
	return 0;
}

/* From the interrupt thread. A vhost-user peer that goes away (OVS
 * restarting) shows as link down; virtio_user in server mode only notices,
 * and so only takes the switch's reconnection, through this interrupt. */
static int on_link_change(uint16_t p, enum rte_eth_event_type ev, void *arg, void *ret)
{
	struct rte_eth_link link;
	char name[RTE_ETH_NAME_MAX_LEN] = "?";

	(void)ev, (void)arg, (void)ret;
	memset(&link, 0, sizeof(link));
	rte_eth_link_get_nowait(p, &link);
	rte_eth_dev_get_name_by_port(p, name);
	if (!link.link_status && p < APP_MAX_PORTS)
		__atomic_fetch_add(&app.link_downs[p], 1, __ATOMIC_RELAXED);
	LOG_INFO("port %u (%s): link %s", p, name, link.link_status ? "up" : "down");
	return 0;
}

static int setup_port(uint16_t p)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	char name[RTE_ETH_NAME_MAX_LEN] = "?";
	int ret;

	memset(&conf, 0, sizeof(conf));
	rte_eth_dev_get_name_by_port(p, name);
	if ((ret = rte_eth_dev_info_get(p, &info)) < 0)
		goto fail;
	if (app.queues > info.max_rx_queues || app.queues > info.max_tx_queues) {
		LOG_ERR("port %u (%s): %u queues asked, it has %u rx / %u tx", p, name, app.queues,
		        info.max_rx_queues, info.max_tx_queues);
		return -EINVAL;
	}
	if (app.queues > 1 && info.flow_type_rss_offloads) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
		        (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP) & info.flow_type_rss_offloads;
	}
	if (*info.dev_flags & RTE_ETH_DEV_INTR_LSC) {
		conf.intr_conf.lsc = 1;
		rte_eth_dev_callback_register(p, RTE_ETH_EVENT_INTR_LSC, on_link_change, NULL);
	}
	if ((ret = rte_eth_dev_configure(p, app.queues, app.queues, &conf)) < 0)
		goto fail;
	for (uint16_t q = 0; q < app.queues; q++) {
		if ((ret = rte_eth_rx_queue_setup(
		             p, q, RX_DESC, rte_eth_dev_socket_id(p), NULL, app.pool)) < 0 ||
		        (ret = rte_eth_tx_queue_setup(
		                 p, q, TX_DESC, rte_eth_dev_socket_id(p), NULL)) < 0)
			goto fail;
	}
	if ((ret = rte_eth_dev_start(p)) < 0)
		goto fail;
	rte_eth_promiscuous_enable(p); /* not every PMD can: not an error */
	rte_eth_macaddr_get(p, &app.mac[p]);
	return 0;
fail:
	LOG_ERR("port %u (%s): %s", p, name, rte_strerror(-ret));
	return ret;
}

/* Traffic starts once every port's link is up: for vhost-user that means
 * the other side has set up its rings, so nothing is lost at start. */
static void wait_links(unsigned timeout_ms)
{
	uint64_t deadline = rte_get_timer_cycles() + timeout_ms * rte_get_timer_hz() / 1000;
	for (int p = 0; p < app.n_ports && !app_quit; p++) {
		struct rte_eth_link link;
		for (;;) {
			memset(&link, 0, sizeof(link));
			if (rte_eth_link_get_nowait(p, &link) == 0 && link.link_status)
				break;
			if (rte_get_timer_cycles() > deadline) {
				LOG_WARN("port %d: link still down after %u ms, starting anyway", p,
				        timeout_ms);
				break;
			}
			rte_delay_us_sleep(10000);
		}
	}
	rte_delay_us_sleep(100000); /* the peer's queues follow its link by a hair */
}

/* (port, queue) pairs round-robin over the worker lcores (main if none). */
static int assign_lcores(void)
{
	unsigned workers[RTE_MAX_LCORE], nw = 0, l;

	RTE_LCORE_FOREACH_WORKER (l)
		workers[nw++] = l;
	if (!nw)
		workers[nw++] = rte_get_main_lcore();
	int k = 0, n_txq = 0;
	for (int q = 0; q < app.queues; q++)
		for (int p = 0; p < app.n_ports; p++) {
			struct lcore_conf *lc = &app.lc[workers[k++ % nw]];
			lc->rxq[lc->n].port = p;
			lc->rxq[lc->n].queue = q;
			lc->n++;
			n_txq += app.engine[p] == ENG_TXONLY;
		}
	if (app.tx_packets && n_txq) {
		/* the budget split over txonly queues, remainder to the first */
		RTE_LCORE_FOREACH(l)
		{
			struct lcore_conf *lc = &app.lc[l];
			int mine = 0;
			for (int i = 0; i < lc->n; i++)
				mine += app.engine[lc->rxq[i].port] == ENG_TXONLY;
			lc->tx_budget = app.tx_packets / n_txq * mine;
		}
		app.lc[workers[0]].tx_budget += app.tx_packets % n_txq;
	}
	return (int)nw;
}

static bool all_tx_done(void)
{
	unsigned l;
	RTE_LCORE_FOREACH(l) if (app.lc[l].n && !app.lc[l].tx_done) return false;
	return true;
}

static uint64_t rx_total(void)
{
	uint64_t n = 0;
	unsigned l;
	RTE_LCORE_FOREACH(l) for (int p = 0; p < app.n_ports; p++) n += app.lc[l].cnt[p].rx;
	return n;
}

/* Main lcore: works when it has queues, prints stats, decides when to stop. */
static void main_loop(bool main_works)
{
	uint64_t hz = rte_get_tsc_hz(), next = rte_rdtsc() + app.stats_period_s * hz;
	uint64_t quiet_since = 0, last_rx = 0;
	bool warm = app.warmup_s <= 0;

	app.start_tsc = rte_rdtsc();
	while (!app_quit) {
		if (main_works)
			for (int i = 0; i < 64; i++) /* stats need not be looked at every pass */
				engine_poll(&app.lc[rte_get_main_lcore()]);
		else
			rte_delay_us_sleep(1000);
		uint64_t now = rte_rdtsc();
		double t = (double)(now - app.start_tsc) / hz;
		if (app.stats_period_s > 0 && now >= next) {
			stats_print(t);
			next = now + app.stats_period_s * hz;
		}
		if (!warm && t >= app.warmup_s) {
			stats_restart();
			app.start_tsc = now; /* rates are over the measured window */
			warm = true;
		}
		if (app.duration_s > 0 && t >= app.duration_s)
			app_quit = true;
		/* budget sent: stop once nothing more arrives for quiesce_ms */
		if (app.tx_packets && app.quiesce_ms && all_tx_done()) {
			uint64_t rx = rx_total();
			if (rx != last_rx || !quiet_since)
				quiet_since = now;
			last_rx = rx;
			if (now - quiet_since > app.quiesce_ms * hz / 1000)
				app_quit = true;
		}
	}
	app.stop_tsc = rte_rdtsc();
}

/* Each port's engine from --engine (the last one covers the rest); latency
 * is stamped when txonly and rxonly run together. */
static int assign_engines(const struct opts *o)
{
	bool has_tx = false, has_rx = false;

	for (int p = 0; p < app.n_ports; p++) {
		app.engine[p] = o->engines[p < o->n_engines ? p : o->n_engines - 1];
		has_tx |= app.engine[p] == ENG_TXONLY;
		has_rx |= app.engine[p] == ENG_RXONLY;
		if (app.engine[p] == ENG_L2FWD && app.n_ports % 2) {
			LOG_ERR("l2fwd pairs ports; %d ports found", app.n_ports);
			return -EINVAL;
		}
	}
	app.stamp = has_tx && has_rx;
	return 0;
}

static int setup_pool_and_ports(void)
{
	unsigned nmbuf = app.n_ports * app.queues * (RX_DESC + TX_DESC + 2 * app.burst) +
	                 rte_lcore_count() * 512 + 4096;
	int ret;

	app.pool = rte_pktmbuf_pool_create("dpnode-app", nmbuf, 256, 0,
	        RTE_MBUF_DEFAULT_BUF_SIZE > app.tmpl.size + 128 ? RTE_MBUF_DEFAULT_BUF_SIZE
	                                                        : app.tmpl.size + 256,
	        rte_socket_id());
	if (!app.pool) {
		LOG_ERR("mbuf pool (%u mbufs): %s", nmbuf, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	for (int p = 0; p < app.n_ports; p++)
		if ((ret = setup_port(p)) < 0)
			return ret;
	return 0;
}

/* txonly: source this port, destination the peer port (or --peer-mac). */
static int setup_templates(void)
{
	uint16_t txp = 0;

	for (int p = 0; p < app.n_ports; p++)
		if (app.engine[p] == ENG_TXONLY) {
			txp = p;
			break;
		}
	memcpy(app.tmpl.src_mac, app.mac[txp].addr_bytes, 6);
	memcpy(app.tmpl.dst_mac,
	        app.have_peer_mac ? app.peer_mac.addr_bytes : app.mac[port_peer(txp)].addr_bytes,
	        6);
	if (!app.have_peer_mac && port_peer(txp) == txp)
		memset(app.tmpl.dst_mac, 0xff, 6);
	app.tmpl.src_ip = 0xc6120001; /* 198.18.0.1: the benchmarking range */
	app.tmpl.dst_ip = 0xc6130001; /* 198.19.0.1 */
	app.tmpl.src_port = 1024;
	app.tmpl.dst_port = 4789 + 1000;
	app.templates = rte_malloc(NULL, (size_t)app.flows * app.tmpl.size, 64);
	if (!app.templates) {
		LOG_ERR("%u packet templates of %u bytes: out of hugepage memory", app.flows,
		        app.tmpl.size);
		return -ENOMEM;
	}
	engine_build_templates();
	return 0;
}

/* Workers forward until the main loop says stop; then pending mbufs back,
 * ports stopped, the last stats. 0, or -EIO when the stats JSON failed. */
static int run(void)
{
	unsigned l;
	int ret = 0;

	wait_links(10000);
	int nw = assign_lcores();
	bool main_works = app.lc[rte_get_main_lcore()].n > 0;
	RTE_LCORE_FOREACH(l) engine_lcore_init(&app.lc[l]);
	RTE_LCORE_FOREACH_WORKER (l)
		rte_eal_remote_launch(engine_lcore_main, &app.lc[l], l);
	printf("dpnode-app: %d port(s), %u queue(s) each, %d forwarding lcore(s)\n", app.n_ports,
	        app.queues, nw);
	fflush(stdout);
	main_loop(main_works);
	rte_eal_mp_wait_lcore();
	RTE_LCORE_FOREACH(l)
	for (int i = 0; i < app.lc[l].n; i++)
		if (app.lc[l].tx[i].n_pending)
			rte_pktmbuf_free_bulk(app.lc[l].tx[i].pending, app.lc[l].tx[i].n_pending);
	for (int p = 0; p < app.n_ports; p++)
		rte_eth_dev_stop(p);
	if (app.stats_period_s > 0)
		stats_print((double)(app.stop_tsc - app.start_tsc) / rte_get_tsc_hz());
	if (app.stats_json && stats_write_json(app.stats_json) < 0) {
		LOG_ERR("cannot write %s", app.stats_json);
		ret = -EIO;
	}
	return ret;
}

/* After EAL: ports, engines, memory, then traffic. Exit code. */
static int run_dataplane(const struct opts *o)
{
	int ret;

	app.n_ports = rte_eth_dev_count_avail();
	if (app.n_ports == 0 || app.n_ports > APP_MAX_PORTS) {
		LOG_ERR("%d ports; expected 1 to %d", app.n_ports, APP_MAX_PORTS);
		return 1;
	}
	if (assign_engines(o) < 0)
		return 2;
	if (setup_pool_and_ports() < 0 || setup_templates() < 0)
		return 1;
	ret = run();
	for (int p = 0; p < app.n_ports; p++)
		rte_eth_dev_close(p);
	rte_free(app.templates);
	return ret < 0 ? 1 : 0;
}

/* Options, devices and EAL arguments: everything checked before EAL. */
static int prepare(int argc, char **argv, struct opts *o, int *eargc, char ***eargv)
{
	static char prefix[64];
	struct dpn_err err = {0};
	char **extra = NULL;
	int extra_argc = 0, ret;

	/* "--" separates our options from extra EAL arguments */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			extra = argv + i + 1;
			extra_argc = argc - i - 1;
			argc = i;
			break;
		}
	if ((ret = opts_parse(argc, argv, o, &err)) != 0) {
		if (ret > 0)
			opts_usage(stdout);
		else
			LOG_ERR("%s", err.msg);
		return ret;
	}
	snprintf(prefix, sizeof(prefix), "dpnode-app-%d", (int)getpid());
	if (!o->file_prefix)
		o->file_prefix = prefix;
	if ((ret = discover(o, &err)) < 0 ||
	        (ret = eal_args(o, extra_argc, extra, eargc, eargv, &err)) < 0) {
		LOG_ERR("%s", err.msg);
		return ret;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	char **eargv;
	int eargc, ret;

	if ((ret = prepare(argc, argv, &o, &eargc, &eargv)) != 0)
		return ret > 0 ? 0 : 2;
	if (o.print_eal) {
		for (int i = 0; i < eargc; i++)
			printf("%s%s", i ? " " : "", eargv[i]);
		printf("\n");
		dpn_app_eal_free(eargc, eargv);
		return 0;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* virtio_user writes to its vhost-user socket without MSG_NOSIGNAL: a
	 * switch that restarts must not kill the pod's app */
	signal(SIGPIPE, SIG_IGN);
	/* EAL permutes argv and stores argv[0] in a second slot: free the
	 * strings through a copy of the array as built */
	char **owned = malloc(sizeof(char *) * (eargc + 1));
	if (!owned)
		return 1;
	memcpy(owned, eargv, sizeof(char *) * (eargc + 1));
	if (rte_eal_init(eargc, eargv) < 0) {
		LOG_ERR("EAL init failed: %s", rte_strerror(rte_errno));
		ret = 1;
	} else {
		ret = run_dataplane(&o);
		rte_eal_cleanup();
	}
	free(eargv);
	dpn_app_eal_free(eargc, owned);
	return ret;
}
