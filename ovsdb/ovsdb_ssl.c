/* dpnode-ssl.so. SSL remotes ("ssl:IP:PORT"), as OVS and OVN speak them: the node's key and
 * certificate, the peer checked against the CA certificate (no host name:
 * OVS's PKI names switches and controllers, not DNS names). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "ovsdb_priv.h"

static void ssl_why(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();
	if (!e) {
		snprintf(buf, len, "unknown error");
		return;
	}
	ERR_error_string_n(e, buf, len);
	ERR_clear_error();
}

static void *ssl_ctx(const char *key, const char *cert, const char *ca, struct dpn_err *err)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	char why[256];

	if (!ctx) {
		dpn_err_set(err, -ENOMEM, "cannot make an SSL context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	const char *bad = SSL_CTX_use_certificate_chain_file(ctx, cert) != 1             ? cert
	                  : SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ? key
	                  : SSL_CTX_check_private_key(ctx) != 1                          ? key
	                  : SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1            ? ca
	                                                                                 : NULL;
	if (bad) {
		ssl_why(why, sizeof(why));
		dpn_err_set(err, -EINVAL, "%s: %s", bad, why);
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return ctx;
}

static void ssl_ctx_free(void *ctx)
{
	SSL_CTX_free(ctx);
}

static struct bufferevent *ssl_bev(struct event_base *base, void *ctx)
{
	SSL *ssl = SSL_new(ctx);
	if (!ssl)
		return NULL;
	struct bufferevent *bev = bufferevent_openssl_socket_new(
	        base, -1, ssl, BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (!bev)
		SSL_free(ssl);
	return bev;
}

static bool ssl_error(struct bufferevent *bev, char *buf, size_t len)
{
	unsigned long e = bufferevent_get_openssl_error(bev);
	if (!e)
		return false;
	ERR_error_string_n(e, buf, len);
	return true;
}

/* What ovsdb.c finds by name after loading dpnode-ssl.so. */
const struct ovsdb_ssl_ops dpn_ovsdb_ssl_ops = {
        .abi = OVSDB_SSL_ABI,
        .ctx = ssl_ctx,
        .ctx_free = ssl_ctx_free,
        .bev = ssl_bev,
        .error = ssl_error,
};
