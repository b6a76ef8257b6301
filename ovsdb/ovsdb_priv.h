/* ovsdb internals: the SSL side of a connection (ovsdb_ssl.c). */
#ifndef DPN_OVSDB_PRIV_H
#define DPN_OVSDB_PRIV_H

#include <event2/bufferevent.h>
#include <stdbool.h>

#include "dpn_err.h"

/* An SSL_CTX with the node's key and certificate and the CA to check the
 * server with; NULL with err naming the file that did not load. */
void *ovsdb_ssl_ctx(const char *key, const char *cert, const char *ca, struct dpn_err *err);
void ovsdb_ssl_ctx_free(void *ctx);
/* A client bufferevent doing TLS over a socket it connects later. */
struct bufferevent *ovsdb_ssl_bev(struct event_base *base, void *ctx);
/* The TLS error that ended a connection, if it was one. */
bool ovsdb_ssl_error(struct bufferevent *bev, char *buf, size_t len);

#endif
