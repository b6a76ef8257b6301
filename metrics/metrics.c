/* The metrics module: an evhttp server for /metrics and the refresh that
 * keeps its page. The refresh reads the node's status (in memory) and asks
 * ovs-vswitchd for its PMD reports over unixctl without blocking; scrapes
 * only copy the page, so any number of scrapers cost OVS one set of
 * unixctl calls per interval, and a node nobody scrapes stops refreshing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#define DPN_LOG_MOD "metrics"
#include "dpn_conf.h"
#include "dpn_log.h"
#include "dpn_metrics.h"
#include "dpn_ovs.h"
#include "dpn_unixctl.h"
#include "dpn_util.h"

#define PMD_TIMEOUT_MS 2000
/* intervals without a scrape after which the refresh pauses (longer than
 * any scrape interval people use with interval_s: Prometheus's are <= 60 s) */
#define PAUSE_AFTER 10

struct metrics {
	struct dpn_node *node;
	const struct dpn_metrics_conf *conf;
	struct event_base *base;
	struct evhttp *http;
	struct event *timer;
	char *page;
	size_t page_len;
	uint64_t refreshed_ms, refresh_us, refreshes, scrapes, scraped_ms;
	json_t *pmd;    /* {"stats": [...], "rxqs": [...]} being gathered */
	int waiting;    /* unixctl calls in flight */
	uint64_t t0_us; /* when this refresh began */
	struct dpn_unixctl_async *calls[2];
	char error[256]; /* why /metrics is not served */
};

static void render(struct metrics *m)
{
	json_t *st = dpn_node_status(m->node);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f) {
		dpn_metrics_render(f, st, m->pmd);
		fclose(f);
		free(m->page);
		m->page = buf;
		m->page_len = len;
	}
	json_decref(st);
	m->refreshes++;
	m->refreshed_ms = dpn_now_ms();
	m->refresh_us = dpn_now_us() - m->t0_us;
}

static void pmd_done(struct metrics *m, int i, int ret, const char *text)
{
	static const char *const keys[] = {"stats", "rxqs"};
	m->calls[i] = NULL;
	if (ret == 0)
		json_object_set_new(m->pmd, keys[i],
		        i ? dpn_metrics_parse_rxq(text) : dpn_metrics_parse_pmd_stats(text));
	else
		LOG_WARN_RL("PMD report: %s", text ? text : strerror(-ret));
	if (--m->waiting == 0)
		render(m);
}

static void stats_cb(void *arg, int ret, const char *text)
{
	pmd_done(arg, 0, ret, text);
}

static void rxq_cb(void *arg, int ret, const char *text)
{
	pmd_done(arg, 1, ret, text);
}

static void refresh(evutil_socket_t fd, short what, void *arg)
{
	struct metrics *m = arg;
	struct dpn_ovs *o = dpn_ovs_of(dpn_node_module(m->node, "ovs"));
	char sock[300];

	(void)fd, (void)what;
	if (m->waiting)
		return; /* the last one is still out: OVS is slow, do not pile on */
	/* nobody scraped for PAUSE_AFTER intervals: an idle node does no work for it
	 * (the next scrape gets the last page and wakes the refresh) */
	if (m->page && dpn_now_ms() - m->scraped_ms > PAUSE_AFTER * 1000ULL * m->conf->interval_s)
		return;
	m->t0_us = dpn_now_us();
	json_decref(m->pmd);
	m->pmd = json_object();
	if (!o || dpn_ovs_ctl_socket(o, sock, sizeof(sock)) < 0) {
		render(m);
		return;
	}
	m->calls[0] = dpn_unixctl_call_async(
	        m->base, sock, "dpif-netdev/pmd-stats-show", 0, NULL, PMD_TIMEOUT_MS, stats_cb, m);
	m->calls[1] = dpn_unixctl_call_async(
	        m->base, sock, "dpif-netdev/pmd-rxq-show", 0, NULL, PMD_TIMEOUT_MS, rxq_cb, m);
	m->waiting = (m->calls[0] != NULL) + (m->calls[1] != NULL);
	if (!m->waiting)
		render(m);
}

/* The page plus what only the scrape knows (fresh on every scrape). */
static void serve(struct evhttp_request *req, void *arg)
{
	struct metrics *m = arg;
	struct evbuffer *out = evbuffer_new();

	if (!m->page) {
		evhttp_send_error(req, 503, "metrics not gathered yet");
		evbuffer_free(out);
		return;
	}
	m->scrapes++;
	if (dpn_now_ms() - m->scraped_ms > PAUSE_AFTER * 1000ULL * m->conf->interval_s)
		event_active(m->timer, EV_TIMEOUT, 0); /* refreshes had stopped: again */
	m->scraped_ms = dpn_now_ms();
	evbuffer_add(out, m->page, m->page_len);
	evbuffer_add_printf(out,
	        "# HELP dpnode_metrics_age_seconds Age of this page (refreshed every %ld s)\n"
	        "# TYPE dpnode_metrics_age_seconds gauge\ndpnode_metrics_age_seconds %.3f\n"
	        "# HELP dpnode_metrics_refresh_seconds What the last refresh took\n"
	        "# TYPE dpnode_metrics_refresh_seconds gauge\ndpnode_metrics_refresh_seconds %.6f\n"
	        "# HELP dpnode_metrics_scrapes_total Scrapes served\n"
	        "# TYPE dpnode_metrics_scrapes_total counter\ndpnode_metrics_scrapes_total %llu\n",
	        m->conf->interval_s, (double)(dpn_now_ms() - m->refreshed_ms) / 1000,
	        (double)m->refresh_us / 1e6, (unsigned long long)m->scrapes);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	        "text/plain; version=0.0.4; charset=utf-8");
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}

static void not_found(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_send_error(req, 404, "only /metrics here");
}

static const char *metrics_disabled(const struct dpn_conf *c)
{
	return c->metrics.enabled ? NULL : "metrics.enabled is false";
}

static int metrics_init(struct dpn_node *n, void **priv, struct dpn_err *err)
{
	struct metrics *m = calloc(1, sizeof(*m));

	(void)err;
	if (!m)
		return -ENOMEM;
	m->node = n;
	m->conf = &dpn_node_conf(n)->metrics;
	m->base = dpn_node_base(n);
	*priv = m;
	return 0;
}

/* A port in use is the metrics' problem, not the node's: degraded, said why. */
static int metrics_start(void *priv, struct dpn_err *err)
{
	struct metrics *m = priv;
	struct timeval tv = {m->conf->interval_s, 0}, now = {0, 0};

	(void)err;
	m->http = evhttp_new(m->base);
	if (!m->http)
		return -ENOMEM;
	evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_max_headers_size(m->http, 8192);
	evhttp_set_max_body_size(m->http, 0);
	evhttp_set_timeout(m->http, 10);
	evhttp_set_cb(m->http, "/metrics", serve, m);
	evhttp_set_gencb(m->http, not_found, m);
	if (!evhttp_bind_socket_with_handle(m->http, m->conf->host, m->conf->port)) {
		snprintf(m->error, sizeof(m->error), "cannot listen on %s:%d: %s", m->conf->host,
		        m->conf->port, strerror(errno));
		LOG_ERR("%s", m->error);
	} else {
		LOG_INFO("serving /metrics on %s:%d", m->conf->host, m->conf->port);
	}
	m->timer = event_new(m->base, -1, EV_PERSIST, refresh, m);
	event_add(m->timer, &tv);
	event_base_once(m->base, -1, EV_TIMEOUT, refresh, m, &now);
	return 0;
}

static int metrics_status(void *priv, json_t *st, struct dpn_err *err)
{
	struct metrics *m = priv;
	char listen[96];

	snprintf(listen, sizeof(listen), strchr(m->conf->host, ':') ? "[%s]:%d" : "%s:%d",
	        m->conf->host, m->conf->port);
	json_object_set_new(st, "metrics",
	        json_pack("{s:s, s:I, s:I, s:f, s:o}", "listen", listen, "refreshes",
	                (json_int_t)m->refreshes, "scrapes", (json_int_t)m->scrapes,
	                "last_refresh_ms", (double)m->refresh_us / 1000, "error",
	                m->error[0] ? json_string(m->error) : json_null()));
	return m->error[0] ? dpn_err_set(err, -EADDRINUSE, "%s", m->error) : 0;
}

static void metrics_stop(void *priv)
{
	struct metrics *m = priv;
	for (int i = 0; i < 2; i++) {
		dpn_unixctl_cancel(m->calls[i]);
		m->calls[i] = NULL;
	}
	m->waiting = 0;
	if (m->timer)
		event_free(m->timer);
	m->timer = NULL;
	if (m->http)
		evhttp_free(m->http);
	m->http = NULL;
}

static void metrics_fini(void *priv)
{
	struct metrics *m = priv;
	json_decref(m->pmd);
	free(m->page);
	free(m);
}

static const char *const metrics_after[] = {
        "hugepages", "sriov", "ovs", "ovn", "vhost", "deviceplugin", NULL};

const struct dpn_module dpn_metrics_module = {
        .name = "metrics",
        .after = metrics_after,
        .disabled = metrics_disabled,
        .init = metrics_init,
        .start = metrics_start,
        .status = metrics_status,
        .stop = metrics_stop,
        .fini = metrics_fini,
};
