/* dpnode config: the "metrics" section (Prometheus /metrics over HTTP). */
#ifndef DPN_CONF_METRICS_H
#define DPN_CONF_METRICS_H

#include <stdbool.h>

#include "dpn_conf_base.h"

#define DPN_METRICS_DEFAULT_PORT 9476

struct dpn_metrics_conf {
	bool enabled;    /* default on; "enabled": false turns it off */
	char host[64];   /* address to listen on: loopback unless configured */
	int port;        /* TCP port */
	long interval_s; /* refresh at most this often; scrapes read the cache */
};

#endif
