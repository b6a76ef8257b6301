#include <errno.h>
#include <stdbool.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#define DPN_LOG_MOD "api"
#include "dpn_api.h"
#include "dpn_jsonrpc.h"
#include "dpn_log.h"
#include "dpn_util.h"

#define MAX_METHODS 64
/* A request is a few hundred bytes; a client is not given more to hold. */
#define REQUEST_MAX (1u << 20)
/* DPN_API_CONNS_MAX: clients connect per call (dpnodectl, dpnode-cni), and a
 * CNI ADD holds its connection while it waits for its port: every pod of a
 * node starting at once (a node's reboot, Multus giving each several
 * networks) fits; more, or one that sends nothing for long (IDLE_S), is not
 * a client. dpnoded raises its soft file limit to make room. Callers that
 * may only read (the socket's group) never get all the slots
 * (DPN_API_READERS_MAX), so a reader holding connections open cannot lock
 * out the root CNI. Past DPN_API_WAITING_MAX waiting, a request is answered
 * at once (its client asks again later). */
#define IDLE_S 30
/* A request may wait for its answer ("wait_ms") at most this long. */
#define WAIT_MAX_MS (15 * 60 * 1000)
/* Waiting requests are asked again this soon after a module says the node
 * changed (the updates of one burst come together), and at least this
 * often whatever it says (a change nobody announced). */
#define RETRY_COALESCE_MS 2
#define RETRY_EVERY_MS    250

struct method {
	const char *name;
	dpn_api_fn fn;
	void *ctx;
	bool read_only;
};

struct dpn_api {
	struct event_base *base;
	struct evconnlistener *lev;
	struct dpn_api_conf conf;
	char path[108];
	int n;
	struct method methods[MAX_METHODS];
	int n_conns, n_readers, n_waiting;
	struct conn *conns;     /* open connections, freed with the server */
	struct event *retry_ev; /* asks the waiting requests again */
	bool kicked;            /* retry_ev is due in RETRY_COALESCE_MS */
};

/* The caller, as the kernel says (SO_PEERCRED), not as it claims. */
struct peer {
	uid_t uid;
	gid_t gid;
	pid_t pid;
};

struct conn {
	struct dpn_api *api;
	struct conn *next, **pprev;
	struct bufferevent *bev;
	struct dpn_jsbuf rx;
	struct peer peer;
	bool reader; /* may not change the node: counted against DPN_API_READERS_MAX */
	/* a request whose method said -EAGAIN and that asked to wait: asked
	 * again until it says something else or the wait is over; the
	 * connection reads on (to see its client go) but serves nothing else */
	json_t *waiting;
	uint64_t deadline_ms;
};

static int add_method(struct dpn_api *api, const char *method, dpn_api_fn fn, void *ctx, bool ro)
{
	if (api->n >= MAX_METHODS)
		return -ENOSPC;
	api->methods[api->n++] = (struct method){method, fn, ctx, ro};
	return 0;
}

int dpn_api_register(struct dpn_api *api, const char *method, dpn_api_fn fn, void *ctx)
{
	return add_method(api, method, fn, ctx, false);
}

int dpn_api_register_ro(struct dpn_api *api, const char *method, dpn_api_fn fn, void *ctx)
{
	return add_method(api, method, fn, ctx, true);
}

static bool may_change(const struct dpn_api_conf *c, const struct peer *p)
{
	if (p->uid == 0)
		return true;
	for (int i = 0; i < c->n_allow_uids; i++)
		if ((long)p->uid == c->allow_uids[i])
			return true;
	for (int i = 0; i < c->n_allow_gids; i++)
		if ((long)p->gid == c->allow_gids[i])
			return true;
	return false;
}

static json_t *error_resp(json_t *id, int code, const char *msg)
{
	return json_pack("{s:i, s:O, s:{s:i, s:s}}", "version", DPN_API_VERSION, "id",
	        id ? id : json_null(), "error", "code", code, "message", msg);
}

static json_t *handle(struct dpn_api *api, json_t *req, const struct peer *who, bool *again);

json_t *dpn_api_handle(struct dpn_api *api, json_t *req)
{
	static const struct peer root = {0, 0, 0}; /* in-process: trusted */
	bool again;
	return handle(api, req, &root, &again);
}

/* *again: the method said -EAGAIN (asking later may give another answer). */
static json_t *handle(struct dpn_api *api, json_t *req, const struct peer *who, bool *again)
{
	json_t *id = json_object_get(req, "id"), *params, *res = NULL;
	json_t *ver = json_object_get(req, "version");
	const char *method = json_string_value(json_object_get(req, "method"));
	struct dpn_err err = {0};
	char buf[160];
	int ret;

	*again = false;
	if (!json_is_object(req) || !method)
		return error_resp(
		        id, EINVAL, "request: expected an object with a \"method\" string");
	if (ver && (!json_is_integer(ver) || json_integer_value(ver) != DPN_API_VERSION)) {
		snprintf(buf, sizeof(buf), "version: this dpnoded speaks API version %d",
		        DPN_API_VERSION);
		return error_resp(id, EPROTONOSUPPORT, buf);
	}
	json_t *w = json_object_get(req, "wait_ms");
	if (w && (!json_is_integer(w) || json_integer_value(w) < 0 ||
	                 json_integer_value(w) > WAIT_MAX_MS)) {
		snprintf(buf, sizeof(buf), "wait_ms: expected milliseconds, 0 to %d", WAIT_MAX_MS);
		return error_resp(id, EINVAL, buf);
	}
	params = json_object_get(req, "params");
	if (params && !json_is_object(params))
		return error_resp(id, EINVAL, "params: expected an object");
	for (int i = 0; i < api->n; i++) {
		if (strcmp(api->methods[i].name, method))
			continue;
		if (!api->methods[i].read_only && !may_change(&api->conf, who)) {
			snprintf(buf, sizeof(buf),
			        "method %.64s: uid %u gid %u may not change the node (api.allow)",
			        method, (unsigned)who->uid, (unsigned)who->gid);
			LOG_WARN_RL("pid %d: %s", (int)who->pid, buf);
			return error_resp(id, EPERM, buf);
		}
		json_t *p = params ? json_incref(params) : json_object();
		ret = api->methods[i].fn(api->methods[i].ctx, p, &res, &err);
		json_decref(p);
		if (ret < 0 || !res) {
			json_decref(res);
			ret = ret < 0 ? ret : -EIO;
			if (!err.code)
				err.code = ret;
			*again = ret == -EAGAIN;
			return error_resp(id, -ret, dpn_err_str(&err));
		}
		return json_pack("{s:i, s:O, s:o}", "version", DPN_API_VERSION, "id",
		        id ? id : json_null(), "result", res);
	}
	snprintf(buf, sizeof(buf), "method: unknown method \"%.64s\"", method);
	return error_resp(id, ENOSYS, buf);
}

static void conn_free(struct conn *c)
{
	if ((*c->pprev = c->next))
		c->next->pprev = c->pprev;
	c->api->n_conns--;
	c->api->n_readers -= c->reader;
	if (c->waiting) { /* its client went: nobody wants the answer */
		c->api->n_waiting--;
		json_decref(c->waiting);
	}
	bufferevent_free(c->bev);
	dpn_jsbuf_free(&c->rx);
	free(c);
}

static void conn_event(struct bufferevent *bev, short what, void *arg);

static void conn_drained(struct bufferevent *bev, void *arg)
{
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_free(arg);
}

/* resp: a reference given. */
static void reply(struct conn *c, json_t *resp)
{
	char *s = json_dumps(resp, JSON_COMPACT);
	if (s) {
		bufferevent_write(c->bev, s, strlen(s));
		bufferevent_write(c->bev, "\n", 1);
	}
	free(s);
	json_decref(resp);
}

/* A client that sent what is not a request gets one error reply, then the
 * connection is closed once it is written (it used to stay open, unread,
 * for ever: a file descriptor per such client). */
static void conn_refuse(struct conn *c, int code, const char *msg)
{
	reply(c, error_resp(NULL, code, msg));
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_setcb(c->bev, NULL, conn_drained, conn_event, c);
	conn_drained(c->bev, c);
}

/* Keeps req (the reference given) until it is asked again. */
static void park(struct conn *c, json_t *req)
{
	c->waiting = req;
	c->api->n_waiting++;
	bufferevent_set_timeouts(c->bev, NULL, NULL); /* not idle: waiting */
	if (!evtimer_pending(c->api->retry_ev, NULL))
		dpn_timer_arm_ms(c->api->retry_ev, RETRY_EVERY_MS);
}

/* Answers req (the reference given), or keeps it waiting: its method said
 * -EAGAIN and the request asked to wait and still may. Returns whether it
 * waits. */
static bool serve(struct conn *c, json_t *req)
{
	bool again;
	json_t *resp = handle(c->api, req, &c->peer, &again);
	uint64_t now = dpn_now_ms();

	if (again && !c->deadline_ms)
		c->deadline_ms = now + json_integer_value(json_object_get(req, "wait_ms"));
	if (again && now < c->deadline_ms && c->api->n_waiting < DPN_API_WAITING_MAX) {
		json_decref(resp);
		park(c, req);
		return true;
	}
	if (c->deadline_ms) {
		struct timeval idle = {IDLE_S, 0};
		c->deadline_ms = 0;
		bufferevent_set_timeouts(c->bev, &idle, NULL);
	}
	reply(c, resp);
	json_decref(req);
	return false;
}

/* The requests buffered on c, in order, until one waits. */
static void serve_buffered(struct conn *c)
{
	json_t *req;
	int ret = 0;

	while (!c->waiting && (ret = dpn_jsbuf_next(&c->rx, &req)) == 1)
		serve(c, req);
	if (!c->waiting && ret < 0)
		conn_refuse(c, EPROTO, "request: not JSON");
}

static void conn_read(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	int ret;

	ret = dpn_jsbuf_feed_evbuffer(&c->rx, bufferevent_get_input(bev));
	if (ret == -EMSGSIZE) {
		conn_refuse(c, EMSGSIZE, "request: larger than 1 MiB");
		return;
	}
	if (ret < 0) {
		conn_free(c);
		return;
	}
	serve_buffered(c);
}

/* Every waiting request asked again; the ones answered let their
 * connections serve what they sent since. */
static void retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dpn_api *api = arg;
	uint64_t now = dpn_now_ms(), next = now + RETRY_EVERY_MS;
	struct conn *c, *nx;
	(void)fd;
	(void)what;

	api->kicked = false;
	for (c = api->conns; c; c = nx) {
		nx = c->next;
		json_t *req = c->waiting;
		if (!req)
			continue;
		c->waiting = NULL;
		api->n_waiting--;
		if (!serve(c, req))
			serve_buffered(c); /* may free c (refused): nx was read first */
		else if (c->deadline_ms < next)
			next = c->deadline_ms;
	}
	if (api->n_waiting && !api->kicked)
		dpn_timer_arm_ms(api->retry_ev, next > now ? (long)(next - now) : 0);
}

void dpn_api_kick(struct dpn_api *api)
{
	if (!api || !api->n_waiting || api->kicked)
		return;
	api->kicked = true;
	dpn_timer_arm_ms(api->retry_ev, RETRY_COALESCE_MS);
}

static void conn_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	/* a timeout: a client that sent nothing (or half a request) for IDLE_S */
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		conn_free(arg);
}

/* Connections whose clients have gone but whose end the loop has not read
 * yet (a busy burst: each CNI call closes one and opens the next), freed
 * when the slots run out instead of refusing a live client for them. */
static void reap_closed(struct dpn_api *api)
{
	struct conn *c, *nx;
	char b;

	for (c = api->conns; c; c = nx) {
		nx = c->next;
		if (!evbuffer_get_length(bufferevent_get_input(c->bev)) &&
		        recv(bufferevent_getfd(c->bev), &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
			conn_free(c);
	}
}

static void on_accept(
        struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	struct dpn_api *api = arg;
	struct conn *c = calloc(1, sizeof(*c));
	(void)l;
	(void)sa;
	(void)len;

	if (api->n_conns >= DPN_API_CONNS_MAX)
		reap_closed(api);
	if (!c || api->n_conns >= DPN_API_CONNS_MAX) {
		if (c)
			LOG_WARN_RL("%d API connections open: refusing more", api->n_conns);
		free(c);
		close(fd);
		return;
	}
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0) {
		/* no credentials, no calls */
		close(fd);
		free(c);
		return;
	}
	c->peer = (struct peer){cred.uid, cred.gid, cred.pid};
	c->reader = !may_change(&api->conf, &c->peer);
	if (c->reader && api->n_readers >= DPN_API_READERS_MAX) {
		LOG_WARN_RL("%d API connections of read-only callers open: refusing uid %u",
		        api->n_readers, (unsigned)cred.uid);
		close(fd);
		free(c);
		return;
	}
	c->api = api;
	dpn_jsbuf_init(&c->rx);
	c->rx.max = REQUEST_MAX;
	c->bev = bufferevent_socket_new(api->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		close(fd);
		free(c);
		return;
	}
	if ((c->next = api->conns))
		api->conns->pprev = &c->next;
	c->pprev = &api->conns;
	api->conns = c;
	api->n_conns++;
	api->n_readers += c->reader;
	struct timeval idle = {IDLE_S, 0};
	bufferevent_set_timeouts(c->bev, &idle, NULL);
	bufferevent_setcb(c->bev, conn_read, NULL, conn_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

/* A socket file left by a dead dpnoded is removed; a live one is an error. */
static int clear_stale(const char *path)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = dpn_unix_connect(path);
	if (fd >= 0) {
		close(fd);
		return -EADDRINUSE;
	}
	return unlink(path) < 0 ? -errno : 0;
}

struct dpn_api *dpn_api_new(struct event_base *base, const struct dpn_api_conf *conf)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct dpn_api *api;
	char dir[108];
	int ret;

	api = calloc(1, sizeof(*api));
	if (!api)
		return NULL;
	api->base = base;
	api->conf = *conf;
	if (!(api->retry_ev = evtimer_new(base, retry_cb, api))) {
		free(api);
		return NULL;
	}
	snprintf(api->path, sizeof(api->path), "%s", conf->socket);
	snprintf(dir, sizeof(dir), "%s", conf->socket);
	dpn_mkdir_p(dirname(dir), 0755);
	ret = clear_stale(api->path);
	if (ret < 0) {
		LOG_ERR("api socket %s: %s", api->path,
		        ret == -EADDRINUSE ? "another dpnoded is serving it" : strerror(-ret));
		event_free(api->retry_ev);
		free(api);
		return NULL;
	}
	strcpy(sun.sun_path, api->path);
	/* Bind with a tight umask, then widen to the configured mode. */
	mode_t old = umask(0177);
	api->lev = evconnlistener_new_bind(base, on_accept, api,
	        LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16, (struct sockaddr *)&sun,
	        sizeof(sun));
	umask(old);
	if (!api->lev) {
		LOG_ERR("api socket %s: bind: %s", api->path, strerror(errno));
		event_free(api->retry_ev);
		free(api);
		return NULL;
	}
	if (chmod(api->path, conf->mode) < 0 ||
	        (conf->gid >= 0 && chown(api->path, -1, conf->gid) < 0))
		LOG_WARN("api socket %s: setting mode/group: %s", api->path, strerror(errno));
	LOG_INFO("API listening on %s (mode %04o)", api->path, conf->mode);
	return api;
}

void dpn_api_free(struct dpn_api *api)
{
	if (!api)
		return;
	evconnlistener_free(api->lev);
	while (api->conns)
		conn_free(api->conns);
	event_free(api->retry_ev);
	unlink(api->path);
	free(api);
}
