/* dpnode config: limits and the error list shared by every section. */
#ifndef DPN_CONF_BASE_H
#define DPN_CONF_BASE_H

#include <stdbool.h>
#include <stdio.h>

#define DPN_MAX_NUMA         8
#define DPN_MAX_UPLINK_PORTS 8
#define DPN_PATH_MAX         256

/* Problems found while loading, one line each: "json.path: what was expected". */
struct dpn_conf_errors {
	int n;
	char **lines;
};
void dpn_conf_errors_free(struct dpn_conf_errors *e);
void dpn_conf_errors_print(const struct dpn_conf_errors *e, FILE *f);
/* Appends one formatted problem (for the section parsers). */
void dpn_conf_errorf(struct dpn_conf_errors *e, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#endif
