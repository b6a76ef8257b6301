#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "dpn_jsonrpc.h"
#include "dpn_unixctl.h"
#include "dpn_util.h"

int dpn_unixctl_path(char *buf, size_t len, const char *run_dir, const char *name, pid_t pid)
{
	return dpn_snprintf(buf, len, "%s/%s.%d.ctl", run_dir, name, (int)pid) < 0 ? -ENAMETOOLONG
	                                                                           : 0;
}

/* One unixctl request: {"method": cmd, "params": [argv...], "id": 0}. */
static json_t *request(const char *cmd, int argc, const char *const argv[])
{
	json_t *params = json_array();
	for (int i = 0; i < argc; i++)
		json_array_append_new(params, json_string(argv[i]));
	return json_pack("{s:s, s:o, s:i}", "method", cmd, "params", params, "id", 0);
}

int dpn_unixctl_call(const char *sock, const char *cmd, int argc, const char *const argv[],
        int timeout_ms, char **out)
{
	json_t *req, *resp = NULL, *err, *res;
	int ret;

	*out = NULL;
	req = request(cmd, argc, argv);
	ret = dpn_json_roundtrip(sock, req, timeout_ms, &resp);
	json_decref(req);
	if (ret < 0)
		return ret;
	err = json_object_get(resp, "error");
	res = json_object_get(resp, "result");
	if (err && !json_is_null(err)) {
		*out = strdup(json_is_string(err) ? json_string_value(err) : "error");
		ret = -EREMOTEIO;
	} else {
		*out = strdup(json_is_string(res) ? json_string_value(res) : "");
	}
	json_decref(resp);
	return *out ? ret : -ENOMEM;
}

int dpn_unixctl_parse_pmd_cores(const char *text, int *cores, int max)
{
	const char *p = text;
	int n = 0;

	/* "pmd thread numa_id 0 core_id 1:" */
	while ((p = strstr(p, "pmd thread numa_id ")) && n < max) {
		int numa, core;
		if (sscanf(p, "pmd thread numa_id %d core_id %d:", &numa, &core) == 2) {
			bool dup = false;
			for (int i = 0; i < n; i++)
				dup |= cores[i] == core;
			if (!dup)
				cores[n++] = core;
		}
		p++;
	}
	return n;
}

/* --- the non-blocking call: one bufferevent, one request, one reply --- */
struct dpn_unixctl_async {
	struct bufferevent *bev;
	struct dpn_jsbuf rx;
	dpn_unixctl_cb cb;
	void *arg;
};

static void async_done(struct dpn_unixctl_async *a, int ret, const char *text)
{
	dpn_unixctl_cb cb = a->cb;
	void *arg = a->arg;
	dpn_unixctl_cancel(a);
	cb(arg, ret, text);
}

static void async_read(struct bufferevent *bev, void *arg)
{
	struct dpn_unixctl_async *a = arg;
	json_t *resp;
	int ret = dpn_jsbuf_feed_evbuffer(&a->rx, bufferevent_get_input(bev));

	if (ret == 0 && (ret = dpn_jsbuf_next(&a->rx, &resp)) == 0)
		return; /* more to come */
	if (ret < 0) {
		async_done(a, ret, NULL);
		return;
	}
	json_t *err = json_object_get(resp, "error"), *res = json_object_get(resp, "result");
	if (err && !json_is_null(err))
		async_done(a, -EREMOTEIO, json_is_string(err) ? json_string_value(err) : "error");
	else
		async_done(a, 0, json_is_string(res) ? json_string_value(res) : "");
	json_decref(resp);
}

static void async_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	async_done(arg,
	        what & BEV_EVENT_TIMEOUT ? -ETIMEDOUT
	        : what & BEV_EVENT_EOF   ? -ECONNRESET
	                                 : -(EVUTIL_SOCKET_ERROR() ?: ECONNREFUSED),
	        NULL);
}

struct dpn_unixctl_async *dpn_unixctl_call_async(struct event_base *base, const char *sock,
        const char *cmd, int argc, const char *const argv[], int timeout_ms, dpn_unixctl_cb cb,
        void *arg)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	struct dpn_unixctl_async *a;

	if (strlen(sock) >= sizeof(sun.sun_path) || !(a = calloc(1, sizeof(*a))))
		return NULL;
	strcpy(sun.sun_path, sock);
	a->cb = cb;
	a->arg = arg;
	dpn_jsbuf_init(&a->rx);
	a->rx.max = 16 << 20; /* a PMD report of a big node fits easily */
	a->bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	json_t *req = request(cmd, argc, argv);
	char *s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!a->bev || !s ||
	        bufferevent_socket_connect(a->bev, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		free(s);
		dpn_unixctl_cancel(a);
		return NULL;
	}
	bufferevent_setcb(a->bev, async_read, NULL, async_event, a);
	bufferevent_set_timeouts(a->bev, &tv, &tv);
	bufferevent_write(a->bev, s, strlen(s));
	bufferevent_enable(a->bev, EV_READ);
	free(s);
	return a;
}

void dpn_unixctl_cancel(struct dpn_unixctl_async *a)
{
	if (!a)
		return;
	if (a->bev)
		bufferevent_free(a->bev);
	dpn_jsbuf_free(&a->rx);
	free(a);
}
