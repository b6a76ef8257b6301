#include <errno.h>
/* Forwarding engines; one loop per lcore over its (port, queue) pairs. */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include "app_priv.h"

const char *const engine_names[ENG_COUNT] = {"io", "macswap", "mac", "l2fwd", "rxonly", "txonly"};

int engine_parse(const char *s, enum engine *e)
{
	for (int i = 0; i < ENG_COUNT; i++)
		if (!strcmp(s, engine_names[i])) {
			*e = i;
			return 0;
		}
	return -EINVAL;
}

/* Paired ports forward to each other (0<->1, 2<->3); a lone port to itself. */
uint16_t port_peer(uint16_t p)
{
	uint16_t q = p ^ 1;
	return q < app.n_ports ? q : p;
}

void engine_build_templates(void)
{
	for (uint32_t f = 0; f < app.flows; f++)
		dpn_pkt_build(
		        app.templates + (size_t)f * app.tmpl.size, app.tmpl.size, &app.tmpl, f);
}

/* Sends all of pkts unless told to quit; a budgeted run must not lose any. */
static inline uint16_t send_all(struct lcore_conf *lc, uint16_t port, uint16_t q,
        struct rte_mbuf **pkts, uint16_t n, bool must)
{
	uint16_t sent = rte_eth_tx_burst(port, q, pkts, n);
	while (must && sent < n && !app_quit)
		sent += rte_eth_tx_burst(port, q, pkts + sent, n - sent);
	if (sent < n) {
		lc->cnt[port].tx_drop += n - sent;
		rte_pktmbuf_free_bulk(pkts + sent, n - sent);
	}
	lc->cnt[port].tx += sent;
	return sent;
}

static inline void swap_macs(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ether_addr t = eh->dst_addr;
	eh->dst_addr = eh->src_addr;
	eh->src_addr = t;
}

static inline void set_macs(
        struct rte_mbuf *m, const struct rte_ether_addr *src, const struct rte_ether_addr *dst)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	eh->dst_addr = *dst;
	eh->src_addr = *src;
}

static uint16_t rx_forward(struct lcore_conf *lc, uint16_t port, uint16_t q, enum engine e)
{
	struct rte_mbuf *pkts[256];
	uint16_t n = rte_eth_rx_burst(port, q, pkts, app.burst), out = port;
	struct rte_ether_addr dst;

	if (!n)
		return 0;
	lc->cnt[port].rx += n;
	switch (e) {
	case ENG_MACSWAP:
		for (uint16_t i = 0; i < n; i++) {
			if (i + 4 < n)
				rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void *));
			swap_macs(pkts[i]);
		}
		break;
	case ENG_MAC:
		out = port_peer(port);
		for (uint16_t i = 0; i < n; i++)
			set_macs(pkts[i], &app.mac[out], &app.peer_mac);
		break;
	case ENG_L2FWD:
		out = port_peer(port);
		/* as DPDK's l2fwd: 02:00:00:00:00:<port> */
		memset(&dst, 0, sizeof(dst));
		dst.addr_bytes[0] = 0x02;
		dst.addr_bytes[5] = out;
		for (uint16_t i = 0; i < n; i++)
			set_macs(pkts[i], &app.mac[out], app.have_peer_mac ? &app.peer_mac : &dst);
		break;
	default: /* io */
		out = port_peer(port);
		break;
	}
	send_all(lc, out, q, pkts, n, false);
	return n;
}

static void rx_only(struct lcore_conf *lc, uint16_t port, uint16_t q)
{
	struct rte_mbuf *pkts[256];
	uint16_t n = rte_eth_rx_burst(port, q, pkts, app.burst);
	uint64_t now, ts;

	if (!n)
		return;
	lc->cnt[port].rx += n;
	if (app.stamp) {
		now = rte_rdtsc();
		for (uint16_t i = 0; i < n; i++)
			if (dpn_pkt_stamp_get(rte_pktmbuf_mtod(pkts[i], uint8_t *),
			            rte_pktmbuf_data_len(pkts[i]), &ts) &&
			        now >= ts)
				lat_add(lc, now - ts);
	}
	rte_pktmbuf_free_bulk(pkts, n);
}

static void tx_only(struct lcore_conf *lc, struct tx_state *st, uint16_t port, uint16_t q)
{
	struct rte_mbuf **pkts = st->pending;
	uint16_t n = app.burst;
	uint64_t now;

	/* a budgeted run keeps what the port refused and offers it again next
	 * time round, after the other queues (and our own rx) had their turn */
	if (st->n_pending) {
		uint16_t sent = rte_eth_tx_burst(port, q, pkts, st->n_pending);
		lc->cnt[port].tx += sent;
		lc->tx_sent += sent;
		memmove(pkts, pkts + sent, (st->n_pending - sent) * sizeof(*pkts));
		st->n_pending -= sent;
		if (lc->tx_budget && lc->tx_sent >= lc->tx_budget)
			lc->tx_done = true;
		return;
	}
	if (lc->tx_done)
		return;
	if (st->gap) {
		now = rte_rdtsc();
		if (now < st->next_tsc)
			return;
		st->next_tsc = (st->next_tsc + st->gap < now) ? now : st->next_tsc + st->gap;
	}
	if (lc->tx_budget && lc->tx_sent + n > lc->tx_budget)
		n = lc->tx_budget - lc->tx_sent;
	if (rte_pktmbuf_alloc_bulk(app.pool, pkts, n) < 0)
		return;
	now = app.stamp ? rte_rdtsc() : 0;
	for (uint16_t i = 0; i < n; i++) {
		uint8_t *d = rte_pktmbuf_mtod(pkts[i], uint8_t *);
		rte_memcpy(d, app.templates + (size_t)(st->flow++ % app.flows) * app.tmpl.size,
		        app.tmpl.size);
		pkts[i]->data_len = pkts[i]->pkt_len = app.tmpl.size;
		if (app.stamp)
			dpn_pkt_stamp(d, now);
	}
	uint16_t sent = rte_eth_tx_burst(port, q, pkts, n);
	lc->cnt[port].tx += sent;
	lc->tx_sent += sent;
	if (sent < n) {
		if (lc->tx_budget) {
			memmove(pkts, pkts + sent, (n - sent) * sizeof(*pkts));
			st->n_pending = n - sent;
		} else {
			lc->cnt[port].tx_drop += n - sent;
			rte_pktmbuf_free_bulk(pkts + sent, n - sent);
		}
	}
	if (lc->tx_budget && lc->tx_sent >= lc->tx_budget)
		lc->tx_done = true;
}

void engine_lcore_init(struct lcore_conf *lc)
{
	uint64_t total_txq = 0;
	bool any_tx = false;

	/* pacing: the app's rate split over every txonly queue of every lcore */
	for (int p = 0; p < app.n_ports; p++)
		total_txq += app.engine[p] == ENG_TXONLY ? app.queues : 0;
	for (int i = 0; i < lc->n; i++) {
		struct tx_state *st = &lc->tx[i];
		st->flow = i * 7919;
		st->n_pending = 0;
		if (app.rate_pps && total_txq)
			st->gap = rte_get_tsc_hz() * app.burst / (app.rate_pps / total_txq + 1);
		st->next_tsc = rte_rdtsc();
		any_tx |= app.engine[lc->rxq[i].port] == ENG_TXONLY;
	}
	lc->tx_done = !any_tx;
}

void engine_poll(struct lcore_conf *lc)
{
	for (int i = 0; i < lc->n; i++) {
		uint16_t p = lc->rxq[i].port, q = lc->rxq[i].queue;
		switch (app.engine[p]) {
		case ENG_TXONLY:
			tx_only(lc, &lc->tx[i], p, q);
			rx_only(lc, p, q); /* what comes back is counted, not left queued */
			break;
		case ENG_RXONLY:
			rx_only(lc, p, q);
			break;
		default: {
			uint64_t t0 = rte_rdtsc();
			uint16_t n = rx_forward(lc, p, q, app.engine[p]);
			if (n) {
				lc->busy_cycles += rte_rdtsc() - t0;
				lc->busy_pkts += n;
			}
		}
		}
	}
}

int engine_lcore_main(void *arg)
{
	struct lcore_conf *lc = arg;
	while (!app_quit)
		engine_poll(lc);
	return 0;
}
