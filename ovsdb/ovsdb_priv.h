/* ovsdb internals: the SSL side of a connection, dpnode-ssl.so
 * (ovsdb_ssl.c): OpenSSL is mapped only by a process with an ssl: remote. */
#ifndef DPN_OVSDB_PRIV_H
#define DPN_OVSDB_PRIV_H

#include <event2/bufferevent.h>
#include <stdbool.h>

#include "dpn_err.h"

#define OVSDB_SSL_ABI 1
#define OVSDB_SSL_SYM "dpn_ovsdb_ssl_ops"

struct ovsdb_ssl_ops {
	unsigned abi; /* OVSDB_SSL_ABI */
	/* An SSL_CTX with the node's key and certificate and the CA to check
	 * the server with; NULL with err naming the file that did not load. */
	void *(*ctx)(const char *key, const char *cert, const char *ca, struct dpn_err *err);
	void (*ctx_free)(void *ctx);
	/* A client bufferevent doing TLS over a socket it connects later. */
	struct bufferevent *(*bev)(struct event_base *base, void *ctx);
	/* The TLS error that ended a connection, if it was one. */
	bool (*error)(struct bufferevent *bev, char *buf, size_t len);
};

#endif
