#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dpn_log.h"

static enum dpn_log_level cur_level = DPN_LOG_INFO;
static FILE *sink; /* NULL: stderr */

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

void dpn_log_set_stream(FILE *f)
{
	sink = f;
}

enum dpn_log_level dpn_log_get_level(void)
{
	return cur_level;
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

static void emit(enum dpn_log_level lvl, const char *mod, const char *msg)
{
	char ts[32];
	struct timespec now;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	/* One fprintf per line keeps concurrent writers' lines whole. */
	fprintf(sink ? sink : stderr, "%s.%03ldZ %-5s %s: %s\n", ts, now.tv_nsec / 1000000,
	        names[lvl], mod, msg);
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int limit_pass(struct dpn_log_limit *rl, const char *line)
{
	uint64_t now = mono_ms(), h = fnv1a(line);

	if (!rl->start_ms || now - rl->start_ms >= rl->interval_ms) {
		rl->start_ms = now;
		rl->n = 0;
		rl->last_hash = 0;
	}
	if (rl->n >= rl->burst || h == rl->last_hash) {
		rl->dropped++;
		return 0;
	}
	rl->n++;
	rl->last_hash = h;
	return 1;
}

/* rl NULL: every line. */
static void vlog(struct dpn_log_limit *rl, enum dpn_log_level lvl, const char *mod, const char *fmt,
        va_list ap)
{
	char msg[2048];
	size_t len;

	if (lvl > cur_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (rl) {
		unsigned dropped = rl->dropped;
		if (!limit_pass(rl, msg))
			return;
		len = strlen(msg);
		if (dropped)
			snprintf(msg + len, sizeof(msg) - len, " (%u similar line(s) held back)",
			        dropped);
		rl->dropped = 0;
	}
	emit(lvl, mod, msg);
}

void dpn_log(enum dpn_log_level lvl, const char *mod, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(NULL, lvl, mod, fmt, ap);
	va_end(ap);
}

void dpn_log_limited(
        struct dpn_log_limit *rl, enum dpn_log_level lvl, const char *mod, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(rl, lvl, mod, fmt, ap);
	va_end(ap);
}
