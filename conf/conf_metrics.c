/* Node config: the metrics section. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_ctx.h"

/* "127.0.0.1:9476", "[::1]:9476", "0.0.0.0:9476" */
static int split_listen(const char *s, char *host, size_t hlen, int *port)
{
	const char *colon = strrchr(s, ':');
	unsigned char buf[16];
	size_t n;

	if (!colon || colon == s)
		return -1;
	n = colon - s;
	if (s[0] == '[' && s[n - 1] == ']')
		s++, n -= 2;
	if (n >= hlen)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, buf) != 1 && inet_pton(AF_INET6, host, buf) != 1)
		return -1;
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || p < 1 || p > 65535)
		return -1;
	*port = p;
	return 0;
}

void dpn_conf_parse_metrics(struct cctx *x, json_t *o, struct dpn_metrics_conf *m)
{
	static const char *const keys[] = {"enabled", "listen", "interval_s", NULL};
	char listen[96];

	cobj_check(x, o, keys);
	cget_bool(x, o, "enabled", &m->enabled);
	if (cget_str(x, o, "listen", listen, sizeof(listen)) == 0 &&
	        split_listen(listen, m->host, sizeof(m->host), &m->port) < 0)
		cerr(x, "listen",
		        "\"%s\" is not ADDRESS:PORT (e.g. \"127.0.0.1:%d\", \"[::1]:%d\")", listen,
		        DPN_METRICS_DEFAULT_PORT, DPN_METRICS_DEFAULT_PORT);
	cget_int(x, o, "interval_s", 1, 3600, &m->interval_s);
}
