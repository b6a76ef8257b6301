/* OVSDB client connection: monitor replica, transactions, echo, reconnect. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#define DPN_LOG_MOD "ovsdb"
#include "dpn_jsonrpc.h"
#include "dpn_log.h"
#include "dpn_ovsdb.h"
#include "dpn_plugin.h"
#include "dpn_util.h"
#include "ovsdb_priv.h"

/* dpnode-ssl.so, loaded by the first dpn_ovsdb_use_ssl: set before any
 * connection has an ssl_ctx */
static const struct ovsdb_ssl_ops *ssl_ops;

#define BACKOFF_MIN_MS   100
#define BACKOFF_MAX_MS   2000
#define PROBE_MS         5000
#define PROBE_MISSES_MAX 3

struct pending {
	struct pending *next;
	json_int_t id;
	dpn_ovsdb_txn_cb cb;
	void *arg;
	bool cond_change; /* unanswered at a disconnect: the next sync starts over */
};

struct dpn_ovsdb {
	struct event_base *base;
	char *path;
	char *db;
	/* monitor with columns: the tables and their columns */
	const struct dpn_ovsdb_monitor_table *cols;
	/* monitor_cond: the tables and each one's current condition */
	const struct dpn_ovsdb_monitor_table *cond;
	int n_cond;
	json_t **where;
	struct dpn_ovsdb_ops ops;
	void *arg;

	int n_remotes, cur_remote; /* path: a comma-separated list, tried in turn */
	struct bufferevent *bev;
	struct event *retry_ev;
	struct event *probe_ev;
	struct dpn_jsbuf rx;
	int backoff_ms;
	int probe_misses;
	bool synced;                   /* monitor reply received */
	struct dpn_log_limit down_log; /* "not reachable yet", while it lasts */
	uint64_t rx_bytes, tx_bytes;   /* on the wire, every connection included */
	struct dpn_err last_error;     /* why the last connection failed; cleared when synced */
	json_int_t next_id;
	json_int_t monitor_id;
	struct pending *pending;
	json_t *replica;
	void *ssl_ctx; /* for ssl: remotes; NULL until dpn_ovsdb_use_ssl */
	/* monitor_cond_since: the last transaction the replica has seen; a
	 * condition changed while not synced makes the next monitor start over
	 * (the server sends changes since, not rows that newly match) */
	char last_txn[40];
	bool no_since, since_sent, cond_dirty;
	unsigned resumed;
};

static void schedule_retry(struct dpn_ovsdb *c);

static void fail_pending(struct dpn_ovsdb *c, const char *why)
{
	struct dpn_err err = {0};

	dpn_err_set(&err, -ECONNRESET, "%s", why);
	while (c->pending) {
		struct pending *p = c->pending;
		c->pending = p->next;
		if (p->cb)
			p->cb(p->arg, NULL, &err);
		free(p);
	}
}

static void disconnect(struct dpn_ovsdb *c, const char *why)
{
	bool was_synced = c->synced;

	if (c->bev) {
		bufferevent_free(c->bev);
		c->bev = NULL;
	}
	dpn_jsbuf_free(&c->rx);
	c->synced = false;
	/* a conditional replica is kept to resume from (readers check synced) */
	if (!c->cond || c->no_since)
		json_object_clear(c->replica);
	for (struct pending *p = c->pending; p; p = p->next)
		c->cond_dirty |= p->cond_change;
	event_del(c->probe_ev);
	if (was_synced)
		LOG_WARN("%s: disconnected: %s", c->path, why);
	fail_pending(c, "disconnected from ovsdb-server");
	if (was_synced && c->ops.disconnected)
		c->ops.disconnected(c->arg);
	schedule_retry(c);
}

static int send_msg(struct dpn_ovsdb *c, json_t *msg)
{
	char *s = json_dumps(msg, JSON_COMPACT);
	int ret = 0;

	if (!s)
		return -ENOMEM;
	c->tx_bytes += strlen(s);
	if (!c->bev || bufferevent_write(c->bev, s, strlen(s)) < 0)
		ret = -ENOTCONN;
	free(s);
	return ret;
}

/* The server lacks monitor_cond_since: ask again with monitor_cond. */
static bool retry_without_since(struct dpn_ovsdb *c, json_t *err)
{
	const char *e = json_string_value(json_object_get(err, "error")) ?: json_string_value(err);
	if (!c->since_sent || !e || !strstr(e, "unknown method"))
		return false;
	c->no_since = true;
	c->since_sent = false;
	c->monitor_id = c->next_id++;
	json_t *req = dpn_ovsdb_monitor_cond_req(c->db, c->cond, c->where, c->monitor_id);
	send_msg(c, req);
	json_decref(req);
	return true;
}

/* The monitor's initial answer: all rows, or (resumed) the changes since. */
static void monitor_result(struct dpn_ovsdb *c, json_t *result)
{
	json_t *up = result;
	bool found = false;
	if (c->since_sent) { /* [found, last-txn-id, table-updates2] */
		found = json_is_true(json_array_get(result, 0));
		snprintf(c->last_txn, sizeof(c->last_txn), "%s",
		        json_string_value(json_array_get(result, 1)) ?: "");
		up = json_array_get(result, 2);
	}
	if (found) {
		c->resumed++;
		LOG_DEBUG("%s: resumed after transaction %s", c->path, c->last_txn);
	} else {
		json_object_clear(c->replica);
	}
	if (c->cond)
		dpn_ovsdb_apply_update2(c->replica, up, c->cond);
	else
		dpn_ovsdb_apply_update(c->replica, up);
	c->cond_dirty = false;
}

static void handle_reply(struct dpn_ovsdb *c, json_t *msg)
{
	json_int_t id = json_integer_value(json_object_get(msg, "id"));
	struct pending **pp, *p;

	if (id == c->monitor_id) {
		json_t *err = json_object_get(msg, "error");
		if (err && !json_is_null(err) && retry_without_since(c, err))
			return;
		if (err && !json_is_null(err)) {
			/* e.g. a remote that is not the database asked for: said in
			 * status and logged at most once a minute, retried */
			char *e = json_dumps(err, JSON_ENCODE_ANY);
			dpn_err_set(&c->last_error, -EPROTO, "%s: monitor of %s refused: %s",
			        c->path, c->db, e ? e : "?");
			dpn_log_limited(
			        &c->down_log, DPN_LOG_ERR, DPN_LOG_MOD, "%s", c->last_error.msg);
			free(e);
			disconnect(c, "monitor refused");
			return;
		}
		monitor_result(c, json_object_get(msg, "result"));
		c->synced = true;
		c->backoff_ms = BACKOFF_MIN_MS;
		dpn_err_clear(&c->last_error);
		LOG_INFO("%s: connected, monitoring %s", c->path, c->db);
		if (c->ops.connected)
			c->ops.connected(c->arg);
		return;
	}
	for (pp = &c->pending; (p = *pp); pp = &p->next) {
		if (p->id != id)
			continue;
		*pp = p->next;
		struct dpn_err err = {0};
		bool failed = dpn_ovsdb_txn_error(msg, &err) < 0;
		if (p->cb)
			p->cb(p->arg, failed ? NULL : json_object_get(msg, "result"),
			        failed ? &err : NULL);
		free(p);
		return;
	}
	/* Replies to our echo probes land here: any traffic proves liveness. */
}

static void handle_msg(struct dpn_ovsdb *c, json_t *msg)
{
	const char *method = json_string_value(json_object_get(msg, "method"));

	c->probe_misses = 0;
	if (!method) {
		handle_reply(c, msg);
		return;
	}
	if (!strcmp(method, "echo")) {
		json_t *r = json_pack("{s:O, s:n, s:O}", "result", json_object_get(msg, "params"),
		        "error", "id", json_object_get(msg, "id"));
		send_msg(c, r);
		json_decref(r);
	} else if (!strcmp(method, "update3")) { /* [monitor-id, last-txn-id, updates] */
		json_t *params = json_object_get(msg, "params");
		const char *txn = json_string_value(json_array_get(params, 1));
		if (c->ops.updating)
			c->ops.updating(c->arg, json_array_get(params, 2));
		if (dpn_ovsdb_apply_update2(c->replica, json_array_get(params, 2), c->cond) < 0) {
			LOG_WARN_RL("%s: malformed update3 notification ignored", c->path);
			if (c->ops.updating)
				c->ops.updating(c->arg, NULL);
		} else {
			snprintf(c->last_txn, sizeof(c->last_txn), "%s", txn ? txn : "");
			if (c->ops.changed)
				c->ops.changed(c->arg);
		}
	} else if (!strcmp(method, "update") || !strcmp(method, "update2")) {
		json_t *up = json_array_get(json_object_get(msg, "params"), 1);
		if (c->ops.updating)
			c->ops.updating(c->arg, up);
		int ret = c->cond ? dpn_ovsdb_apply_update2(c->replica, up, c->cond)
		                  : dpn_ovsdb_apply_update(c->replica, up);
		if (ret < 0) {
			LOG_WARN_RL("%s: malformed %s notification ignored", c->path, method);
			if (c->ops.updating)
				c->ops.updating(c->arg, NULL);
		} else if (c->ops.changed)
			c->ops.changed(c->arg);
	}
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct dpn_ovsdb *c = arg;
	json_t *msg;
	int ret;

	c->rx_bytes += evbuffer_get_length(bufferevent_get_input(bev));
	ret = dpn_jsbuf_feed_evbuffer(&c->rx, bufferevent_get_input(bev));
	if (ret < 0) {
		disconnect(c, strerror(-ret));
		return;
	}
	while ((ret = dpn_jsbuf_next(&c->rx, &msg)) == 1) {
		handle_msg(c, msg);
		json_decref(msg);
		if (!c->bev)
			return; /* the handler disconnected */
	}
	if (ret < 0)
		disconnect(c, "protocol error (not JSON)");
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct dpn_ovsdb *c = arg;

	if (what & BEV_EVENT_CONNECTED) {
		json_t *req;
		LOG_DEBUG("%s: socket connected", c->path);
		c->monitor_id = c->next_id++;
		c->since_sent = c->cond && !c->no_since;
		req = c->since_sent ? dpn_ovsdb_monitor_cond_since_req(c->db, c->cond, c->where,
		                              c->cond_dirty ? NULL : c->last_txn, c->monitor_id)
		      : c->cond
		              ? dpn_ovsdb_monitor_cond_req(c->db, c->cond, c->where, c->monitor_id)
		              : dpn_ovsdb_monitor_req(c->db, c->cols, c->monitor_id);
		send_msg(c, req);
		json_decref(req);
		struct timeval tv = {PROBE_MS / 1000, (PROBE_MS % 1000) * 1000};
		event_add(c->probe_ev, &tv);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		char tls[256];
		if (c->ssl_ctx && ssl_ops->error(bev, tls, sizeof(tls)))
			dpn_err_set(&c->last_error, -EPROTO, "%s: TLS: %s", c->path, tls);
		else if (!c->synced && !c->last_error.code)
			dpn_err_set(&c->last_error, -ECONNREFUSED, "%s: %s", c->path,
			        what & BEV_EVENT_EOF ? "connection closed"
			                             : strerror(EVUTIL_SOCKET_ERROR()));
		if (!c->synced)
			dpn_log_limited(&c->down_log, DPN_LOG_INFO, DPN_LOG_MOD,
			        "%s: not reachable yet (%s), retrying", c->path,
			        what & BEV_EVENT_EOF ? "closed" : strerror(EVUTIL_SOCKET_ERROR()));
		disconnect(c, what & BEV_EVENT_EOF ? "connection closed" : "socket error");
	}
}

bool dpn_ovsdb_remote_ssl(const char *list, int n)
{
	char buf[512], *save = NULL, *t;

	snprintf(buf, sizeof(buf), "%s", list);
	t = strtok_r(buf, ",", &save);
	for (int i = 0; t && i < n; i++)
		t = strtok_r(NULL, ",", &save);
	return t && !strncmp(t, "ssl:", 4);
}

/* The n-th remote of the list: "/path" or "unix:/path", "tcp:IP:PORT" or
 * "ssl:IP:PORT" (IPv6 in brackets). 0 with the address, or -EINVAL. */
int dpn_ovsdb_remote_addr(const char *list, int n, struct sockaddr_storage *ss, socklen_t *len)
{
	char buf[512], *save = NULL, *t = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	t = strtok_r(buf, ",", &save);
	for (int i = 0; t && i < n; i++)
		t = strtok_r(NULL, ",", &save);
	if (!t)
		return -ENOENT;
	memset(ss, 0, sizeof(*ss));
	if (t[0] == '/' || !strncmp(t, "unix:", 5)) {
		struct sockaddr_un *sun = (struct sockaddr_un *)ss;
		const char *p = t[0] == '/' ? t : t + 5;
		sun->sun_family = AF_UNIX;
		if (dpn_snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", p) < 0)
			return -ENAMETOOLONG;
		*len = sizeof(*sun);
		return 0;
	}
	if (strncmp(t, "tcp:", 4) && strncmp(t, "ssl:", 4))
		return -EINVAL;
	char *host = t + 4, *colon = strrchr(host, ':');
	if (!colon)
		return -EINVAL;
	*colon = '\0';
	int port = atoi(colon + 1);
	if (host[0] == '[' && colon[-1] == ']') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		colon[-1] = '\0';
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
		return inet_pton(AF_INET6, host + 1, &s6->sin6_addr) == 1 ? 0 : -EINVAL;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	*len = sizeof(*s4);
	return inet_pton(AF_INET, host, &s4->sin_addr) == 1 ? 0 : -EINVAL;
}

static void try_connect(evutil_socket_t fd, short what, void *arg)
{
	struct dpn_ovsdb *c = arg;
	struct sockaddr_storage ss;
	socklen_t len;
	(void)fd;
	(void)what;

	/* a cluster: the next member after each failure */
	c->cur_remote = c->n_remotes ? (c->cur_remote + 1) % c->n_remotes : 0;
	bool ssl = dpn_ovsdb_remote_ssl(c->path, c->cur_remote);
	if (dpn_ovsdb_remote_addr(c->path, c->cur_remote, &ss, &len) < 0 || (ssl && !c->ssl_ctx)) {
		dpn_err_set(&c->last_error, -EINVAL, "%s: remote %d is not %s", c->path,
		        c->cur_remote + 1,
		        ssl ? "usable without the SSL files (ovn.ssl)"
		            : "unix:PATH, tcp:IP:PORT or ssl:IP:PORT");
		LOG_WARN_RL("%s", c->last_error.msg);
		schedule_retry(c);
		return;
	}
	c->bev = ssl ? ssl_ops->bev(c->base, c->ssl_ctx)
	             : bufferevent_socket_new(c->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		schedule_retry(c);
		return;
	}
	bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&ss, len) < 0)
		on_event(c->bev, BEV_EVENT_ERROR, c);
}

static void schedule_retry(struct dpn_ovsdb *c)
{
	struct timeval tv = {c->backoff_ms / 1000, (c->backoff_ms % 1000) * 1000};
	event_add(c->retry_ev, &tv);
	c->backoff_ms = c->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : c->backoff_ms * 2;
}

static void on_probe(evutil_socket_t fd, short what, void *arg)
{
	struct dpn_ovsdb *c = arg;
	(void)fd;
	(void)what;

	if (++c->probe_misses > PROBE_MISSES_MAX) {
		disconnect(c, "no answer to echo probes");
		return;
	}
	json_t *req = dpn_ovsdb_req("echo", json_array(), c->next_id++);
	send_msg(c, req);
	json_decref(req);
	struct timeval tv = {PROBE_MS / 1000, (PROBE_MS % 1000) * 1000};
	event_add(c->probe_ev, &tv);
}

struct dpn_ovsdb *dpn_ovsdb_new(struct event_base *base, const char *sock_path, const char *db,
        const struct dpn_ovsdb_monitor_table *tables, const struct dpn_ovsdb_ops *ops, void *arg)
{
	struct dpn_ovsdb *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->base = base;
	c->path = strdup(sock_path);
	c->n_remotes = 1;
	for (const char *p = sock_path; *p; p++)
		c->n_remotes += *p == ',';
	c->cur_remote = -1;
	c->db = strdup(db);
	c->cols = tables; /* monitor_cond's cond is set before the first connect */
	c->ops = *ops;
	c->arg = arg;
	c->next_id = 1;
	/* a server that stays away is mentioned once a minute */
	c->down_log = (struct dpn_log_limit)DPN_LOG_LIMIT_INIT(1, 60000);
	c->backoff_ms = BACKOFF_MIN_MS;
	c->replica = json_object();
	c->retry_ev = evtimer_new(base, try_connect, c);
	c->probe_ev = evtimer_new(base, on_probe, c);
	dpn_jsbuf_init(&c->rx);
	event_active(c->retry_ev, EV_TIMEOUT, 0);
	return c;
}

void dpn_ovsdb_free(struct dpn_ovsdb *c)
{
	if (!c)
		return;
	if (c->bev)
		bufferevent_free(c->bev);
	fail_pending(c, "client closed");
	event_free(c->retry_ev);
	event_free(c->probe_ev);
	dpn_jsbuf_free(&c->rx);
	json_decref(c->replica);
	for (int i = 0; i < c->n_cond; i++)
		json_decref(c->where[i]);
	free(c->where);
	free(c->path);
	free(c->db);
	if (c->ssl_ctx)
		ssl_ops->ctx_free(c->ssl_ctx);
	free(c);
}

int dpn_ovsdb_use_ssl(struct dpn_ovsdb *c, const char *private_key, const char *certificate,
        const char *ca_cert, struct dpn_err *err)
{
	const void *t = ssl_ops;
	void *ctx;
	int ret;

	if (!t && (ret = dpn_plugin_load(
	                   "ovsdb", "dpnode-ssl.so", OVSDB_SSL_SYM, OVSDB_SSL_ABI, &t, err)) < 0)
		return ret;
	ssl_ops = t;
	if (!(ctx = ssl_ops->ctx(private_key, certificate, ca_cert, err)))
		return err->code;
	if (c->ssl_ctx)
		ssl_ops->ctx_free(c->ssl_ctx);
	c->ssl_ctx = ctx;
	return 0;
}

bool dpn_ovsdb_is_connected(const struct dpn_ovsdb *c)
{
	return c->synced;
}

/* Sends req (taken) and queues p for its reply; p is freed on failure. */
static int send_pending(struct dpn_ovsdb *c, json_t *req, struct pending *p)
{
	struct pending **tail;
	int ret = send_msg(c, req);

	json_decref(req);
	if (ret < 0) {
		free(p);
		return ret;
	}
	for (tail = &c->pending; *tail; tail = &(*tail)->next)
		;
	*tail = p;
	return 0;
}

int dpn_ovsdb_transact(struct dpn_ovsdb *c, json_t *ops, dpn_ovsdb_txn_cb cb, void *arg)
{
	struct pending *p;
	json_t *req;

	if (!c->synced) {
		json_decref(ops);
		return -ENOTCONN;
	}
	json_array_insert_new(ops, 0, json_string(c->db));
	p = calloc(1, sizeof(*p));
	if (!p) {
		json_decref(ops);
		return -ENOMEM;
	}
	p->id = c->next_id++;
	p->cb = cb;
	p->arg = arg;
	req = dpn_ovsdb_req("transact", ops, p->id);
	if (dpn_log_get_level() >= DPN_LOG_DEBUG) {
		char *s = json_dumps(req, JSON_COMPACT);
		LOG_DEBUG("transact: %s", s);
		free(s);
	}
	return send_pending(c, req, p);
}

json_t *dpn_ovsdb_table(const struct dpn_ovsdb *c, const char *table)
{
	return json_object_get(c->replica, table);
}

json_t *dpn_ovsdb_row(const struct dpn_ovsdb *c, const char *table, const char *uuid)
{
	return json_object_get(json_object_get(c->replica, table), uuid);
}

json_t *dpn_ovsdb_find(
        const struct dpn_ovsdb *c, const char *table, const char *name, const char **uuid)
{
	const char *u;
	json_t *row;

	json_object_foreach (json_object_get(c->replica, table), u, row) {
		if (!strcmp(json_string_value(json_object_get(row, "name")) ?: "", name)) {
			if (uuid)
				*uuid = u;
			return row;
		}
	}
	return NULL;
}

json_t *dpn_ovsdb_replica(const struct dpn_ovsdb *c)
{
	return c->replica;
}

struct dpn_ovsdb *dpn_ovsdb_new_cond(struct event_base *base, const char *sock_path, const char *db,
        const struct dpn_ovsdb_monitor_table *tables, const struct dpn_ovsdb_ops *ops, void *arg)
{
	int n = 0;

	while (tables[n].table)
		n++;
	json_t **where = calloc(n ? n : 1, sizeof(*where));
	if (!where)
		return NULL;
	for (int i = 0; i < n; i++)
		where[i] = json_pack("[b]", 0); /* nothing until the caller says */
	/* cond is set before the first connect attempt, which runs from the loop */
	struct dpn_ovsdb *c = dpn_ovsdb_new(base, sock_path, db, tables, ops, arg);
	if (!c) {
		for (int i = 0; i < n; i++)
			json_decref(where[i]);
		free(where);
		return NULL;
	}
	c->cond = tables;
	c->n_cond = n;
	c->where = where;
	return c;
}

int dpn_ovsdb_set_where(
        struct dpn_ovsdb *c, const char *table, json_t *where, dpn_ovsdb_txn_cb done, void *arg)
{
	struct pending *p;
	int i;

	for (i = 0; i < c->n_cond && strcmp(c->cond[i].table, table); i++)
		;
	if (i == c->n_cond) {
		json_decref(where);
		return -ENOENT;
	}
	json_decref(c->where[i]);
	c->where[i] = where;
	if (!c->synced) {
		c->cond_dirty = true; /* resuming would miss rows that newly match */
		return 0;             /* the next monitor_cond carries it */
	}
	if (!(p = calloc(1, sizeof(*p))))
		return -ENOMEM;
	*p = (struct pending){.id = c->next_id++, .cb = done, .arg = arg, .cond_change = true};
	return send_pending(c, dpn_ovsdb_cond_change_req(table, where, c->monitor_id, p->id), p);
}

unsigned dpn_ovsdb_resumed(const struct dpn_ovsdb *c)
{
	return c->resumed;
}

void dpn_ovsdb_bytes(const struct dpn_ovsdb *c, uint64_t *rx, uint64_t *tx)
{
	*rx = c->rx_bytes;
	*tx = c->tx_bytes;
}

const char *dpn_ovsdb_last_error(const struct dpn_ovsdb *c)
{
	return c->last_error.code ? c->last_error.msg : NULL;
}
