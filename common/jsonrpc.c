#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "dpn_jsonrpc.h"
#include "dpn_util.h"

#define JSBUF_MAX (64u << 20) /* a full OVSDB dump of a big node stays far below */

void dpn_jsbuf_init(struct dpn_jsbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void dpn_jsbuf_free(struct dpn_jsbuf *b)
{
	free(b->data);
	dpn_jsbuf_init(b);
}

int dpn_jsbuf_feed(struct dpn_jsbuf *b, const void *data, size_t len)
{
	if (b->len + len > (b->max ? b->max : JSBUF_MAX))
		return -EMSGSIZE;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *n;
		while (cap < b->len + len)
			cap *= 2;
		n = realloc(b->data, cap);
		if (!n)
			return -ENOMEM;
		b->data = n;
		b->cap = cap;
	}
	if (len) /* memcpy(NULL, ..., 0) is undefined, and data is NULL then */
		memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

static void consume(struct dpn_jsbuf *b, size_t n)
{
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->scan = 0;
	b->depth = 0;
	b->in_str = 0;
	b->esc = 0;
}

int dpn_jsbuf_next(struct dpn_jsbuf *b, json_t **out)
{
	json_error_t err;

	*out = NULL;
	/* Drop whitespace between values. */
	if (b->depth == 0 && !b->in_str) {
		size_t ws = 0;
		while (ws < b->len && strchr(" \t\r\n", b->data[ws]))
			ws++;
		if (ws)
			consume(b, ws);
		if (b->len && b->data[0] != '{' && b->data[0] != '[')
			return -EPROTO;
	}
	for (; b->scan < b->len; b->scan++) {
		char c = b->data[b->scan];
		if (b->in_str) {
			if (b->esc)
				b->esc = 0;
			else if (c == '\\')
				b->esc = 1;
			else if (c == '"')
				b->in_str = 0;
			continue;
		}
		if (c == '"') {
			b->in_str = 1;
		} else if (c == '{' || c == '[') {
			b->depth++;
		} else if (c == '}' || c == ']') {
			if (--b->depth == 0) {
				size_t n = b->scan + 1;
				*out = json_loadb(b->data, n, JSON_ALLOW_NUL, &err);
				consume(b, n);
				return *out ? 1 : -EPROTO;
			}
		}
	}
	return 0;
}

int dpn_jsbuf_feed_evbuffer(struct dpn_jsbuf *b, struct evbuffer *in)
{
	while (evbuffer_get_length(in)) {
		size_t n = evbuffer_get_contiguous_space(in);
		int ret = dpn_jsbuf_feed(b, evbuffer_pullup(in, n), n);
		evbuffer_drain(in, n);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int dpn_json_send_fd(int fd, const json_t *msg)
{
	char *s = json_dumps(msg, JSON_COMPACT);
	size_t len, off = 0;

	if (!s)
		return -ENOMEM;
	len = strlen(s);
	while (off < len) {
		ssize_t n = send(fd, s + off, len - off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;
			free(s);
			return e;
		}
		off += n;
	}
	free(s);
	return 0;
}

int dpn_json_recv_fd(int fd, struct dpn_jsbuf *b, int timeout_ms, json_t **out)
{
	uint64_t deadline = dpn_now_ms() + timeout_ms;
	char buf[16384];
	int ret;

	for (;;) {
		ret = dpn_jsbuf_next(b, out);
		if (ret != 0)
			return ret < 0 ? ret : 0;
		uint64_t now = dpn_now_ms();
		if (now >= deadline)
			return -ETIMEDOUT;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ret = poll(&pfd, 1, (int)(deadline - now));
		if (ret < 0 && errno != EINTR)
			return -errno;
		if (ret <= 0)
			continue;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ECONNRESET;
		ret = dpn_jsbuf_feed(b, buf, n);
		if (ret < 0)
			return ret;
	}
}

int dpn_unix_connect(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

int dpn_json_roundtrip(const char *sock, const json_t *req, int timeout_ms, json_t **resp)
{
	struct dpn_jsbuf buf;
	int fd, ret;

	*resp = NULL;
	fd = dpn_unix_connect(sock);
	if (fd < 0)
		return fd;
	ret = dpn_json_send_fd(fd, req);
	dpn_jsbuf_init(&buf);
	if (ret == 0)
		ret = dpn_json_recv_fd(fd, &buf, timeout_ms, resp);
	dpn_jsbuf_free(&buf);
	close(fd);
	return ret;
}

int dpn_api_call(const char *sock, const char *method, json_t *params, int timeout_ms,
        json_t **result, struct dpn_err *e)
{
	return dpn_api_call_wait(sock, method, params, 0, timeout_ms, result, e);
}

int dpn_api_call_wait(const char *sock, const char *method, json_t *params, int wait_ms,
        int timeout_ms, json_t **result, struct dpn_err *e)
{
	json_t *req, *resp = NULL, *err;
	int ret;

	*result = NULL;
	dpn_err_clear(e);
	req = json_pack("{s:i, s:i, s:s, s:o}", "version", 1, "id", 1, "method", method, "params",
	        params ? params : json_object());
	if (wait_ms > 0)
		json_object_set_new(req, "wait_ms", json_integer(wait_ms));
	ret = dpn_json_roundtrip(sock, req, wait_ms + timeout_ms, &resp);
	json_decref(req);
	if (ret < 0)
		return dpn_err_set(e, ret, "%s: %s", sock, strerror(-ret));
	err = json_object_get(resp, "error");
	if (err && !json_is_null(err)) {
		const char *m = json_string_value(json_object_get(err, "message"));
		dpn_err_set(e, -(int)json_integer_value(json_object_get(err, "code")), "%s",
		        m ? m : "error");
		json_decref(resp);
		return -EREMOTEIO;
	}
	*result = json_incref(json_object_get(resp, "result"));
	json_decref(resp);
	return *result ? 0 : -EPROTO;
}
