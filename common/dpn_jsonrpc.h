/* dpnode: JSON values over byte streams (OVSDB, unixctl and dpnoded's API all
 * send bare JSON objects back to back on a unix socket). */
#ifndef DPN_JSONRPC_H
#define DPN_JSONRPC_H

#include <jansson.h>

#include "dpn_err.h"
#include <stddef.h>

struct dpn_jsbuf {
	char *data;
	size_t len;
	size_t cap;
	/* scanner state, kept across feeds so each byte is looked at once */
	size_t scan;
	int depth;
	int in_str;
	int esc;
	size_t max; /* bytes of unparsed input allowed; 0: the default (64 MiB) */
};

void dpn_jsbuf_init(struct dpn_jsbuf *b);
void dpn_jsbuf_free(struct dpn_jsbuf *b);
int dpn_jsbuf_feed(struct dpn_jsbuf *b, const void *data, size_t len);
/* 1 and *out set when a whole value was taken off the buffer, 0 when more
 * bytes are needed, -EPROTO on garbage (the stream is then unusable). */
int dpn_jsbuf_next(struct dpn_jsbuf *b, json_t **out);

struct evbuffer;
/* Moves everything readable from a libevent input buffer into b. */
int dpn_jsbuf_feed_evbuffer(struct dpn_jsbuf *b, struct evbuffer *in);

/* Blocking helpers for short request/response exchanges (CLI, unixctl). */
int dpn_json_send_fd(int fd, const json_t *msg);
/* Reads until one JSON value arrives or timeout_ms passes (-ETIMEDOUT). */
int dpn_json_recv_fd(int fd, struct dpn_jsbuf *b, int timeout_ms, json_t **out);
/* Connects a SOCK_STREAM unix socket; returns the fd or -errno. */
int dpn_unix_connect(const char *path);

/* Connects, sends req, waits for one JSON value: 0 with *resp, or -errno. */
int dpn_json_roundtrip(const char *sock, const json_t *req, int timeout_ms, json_t **resp);

/* One request to dpnoded's API (see dpn_api.h). Returns 0 with *result (new
 * ref); -EREMOTEIO when dpnoded answered with an error (err: its negative
 * errno and message); other -errno when dpnoded could not be reached (err
 * says so). params is stolen. */
int dpn_api_call(const char *sock, const char *method, json_t *params, int timeout_ms,
        json_t **result, struct dpn_err *err);
/* The same, answered once the method stops saying -EAGAIN or wait_ms have
 * passed (an older dpnoded answers at once: callers still check). */
int dpn_api_call_wait(const char *sock, const char *method, json_t *params, int wait_ms,
        int timeout_ms, json_t **result, struct dpn_err *err);

#endif
