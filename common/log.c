#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dpn_log.h"

static enum dpn_log_level cur_level = DPN_LOG_INFO;

static const char *const names[] = {
        [DPN_LOG_ERR] = "err",
        [DPN_LOG_WARN] = "warn",
        [DPN_LOG_INFO] = "info",
        [DPN_LOG_DEBUG] = "debug",
};

void dpn_log_set_level(enum dpn_log_level lvl)
{
	cur_level = lvl;
}

enum dpn_log_level dpn_log_get_level(void)
{
	return cur_level;
}

const char *dpn_log_level_name(enum dpn_log_level lvl)
{
	return lvl <= DPN_LOG_DEBUG ? names[lvl] : "?";
}

int dpn_log_parse_level(const char *s, enum dpn_log_level *lvl)
{
	for (unsigned i = 0; i <= DPN_LOG_DEBUG; i++) {
		if (strcmp(s, names[i]) == 0) {
			*lvl = i;
			return 0;
		}
	}
	return -EINVAL;
}

void dpn_log(enum dpn_log_level lvl, const char *mod, const char *fmt, ...)
{
	char ts[32];
	struct timespec now;
	struct tm tm;
	va_list ap;

	if (lvl > cur_level)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	/* One fprintf per line keeps concurrent writers' lines whole. */
	char msg[2048];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s.%03ldZ %-5s %s: %s\n", ts, now.tv_nsec / 1000000, names[lvl], mod, msg);
}
