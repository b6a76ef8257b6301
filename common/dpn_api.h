/* dpnode: dpnoded's control API: JSON requests on a unix socket.
 * Request:  {"version": 1, "id": ANY, "method": "status", "params": {...}}
 *           (optional "wait_ms": N: see dpn_api_kick)
 * Response: {"version": 1, "id": ANY, "result": {...}} or
 *           {"version": 1, "id": ANY, "error": {"code": ERRNO, "message": "..."}} */
#ifndef DPN_API_H
#define DPN_API_H

#include <event2/event.h>
#include <jansson.h>

#include "dpn_err.h"

#define DPN_API_VERSION 1
/* Where dpnoded serves and its clients look, unless configured. */
#define DPN_API_DEFAULT_SOCKET "/run/dpnode/dpnoded.sock"

#define DPN_API_ALLOW_MAX 8
/* Connections served at once; of them, held by read-only callers; requests
 * that wait at once (see dpn_api_kick). */
#define DPN_API_CONNS_MAX   1024
#define DPN_API_READERS_MAX 768
#define DPN_API_WAITING_MAX 512

struct dpn_api_conf {
	char socket[108];
	unsigned mode; /* file mode of the socket */
	long gid;      /* -1: leave the group alone */
	/* who may call methods that change the node, besides uid 0 (api.allow);
	 * anyone who can open the socket may call the read-only ones */
	int n_allow_uids, n_allow_gids;
	long allow_uids[DPN_API_ALLOW_MAX], allow_gids[DPN_API_ALLOW_MAX];
};

struct dpn_api;

/* A method: 0 with *result (a new reference), or a negative errno with err
 * naming what was wrong. The reply carries the errno positive (the wire
 * format's code) and err's message. */
typedef int (*dpn_api_fn)(void *ctx, json_t *params, json_t **result, struct dpn_err *err);

struct dpn_api *dpn_api_new(struct event_base *base, const struct dpn_api_conf *conf);
/* A method that changes the node: only uid 0 and api.allow's callers. */
int dpn_api_register(struct dpn_api *api, const char *method, dpn_api_fn fn, void *ctx);
/* A method that only reads (status, lists): any caller of the socket. */
int dpn_api_register_ro(struct dpn_api *api, const char *method, dpn_api_fn fn, void *ctx);
void dpn_api_free(struct dpn_api *api);
/* A request with "wait_ms": N (next to "method") whose method answers
 * -EAGAIN is asked again, and answered once the method says something else
 * or N ms have passed (then with the -EAGAIN). It is asked again soon after
 * a dpn_api_kick (a module's state changed: OVSDB rows, OVN bindings) and
 * every 250 ms. Methods that say -EAGAIN must be safe to call again. With
 * 512 requests waiting, the next is answered at once: a -EAGAIN before the
 * wait is over means "ask again later". */
void dpn_api_kick(struct dpn_api *api);
/* Pure dispatch of one request (unit tested); new reference. */
json_t *dpn_api_handle(struct dpn_api *api, json_t *req);

#endif
