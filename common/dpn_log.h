/* dpnode: one logger with levels. */
#ifndef DPN_LOG_H
#define DPN_LOG_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

enum dpn_log_level {
	DPN_LOG_ERR = 0,
	DPN_LOG_WARN,
	DPN_LOG_INFO,
	DPN_LOG_DEBUG,
};

void dpn_log_set_level(enum dpn_log_level lvl);
enum dpn_log_level dpn_log_get_level(void);
/* Where lines go (NULL: stderr); the fuzzers format every line but keep
 * stderr for sanitizer reports. */
void dpn_log_set_stream(FILE *f);
/* Parses "err", "warn", "info", "debug"; returns -EINVAL otherwise. */
int dpn_log_parse_level(const char *s, enum dpn_log_level *lvl);

void dpn_log(enum dpn_log_level lvl, const char *mod, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Rate limit for a condition that repeats (a peer down, a retry failing):
 * at most `burst` lines per `interval_ms`, and a line identical to the last
 * one of this site only once per interval; what was held back is counted on
 * the next line that passes. One static per call site. */
struct dpn_log_limit {
	unsigned burst;
	unsigned interval_ms;
	uint64_t start_ms;
	unsigned n;
	unsigned dropped;
	uint64_t last_hash;
};
#define DPN_LOG_LIMIT_INIT(b, ms)                                                                  \
	{                                                                                          \
		.burst = (b), .interval_ms = (ms)                                                  \
	}

void dpn_log_limited(struct dpn_log_limit *rl, enum dpn_log_level lvl, const char *mod,
        const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#ifndef DPN_LOG_MOD
#define DPN_LOG_MOD "dpnode"
#endif

#define LOG_ERR(...)   dpn_log(DPN_LOG_ERR, DPN_LOG_MOD, __VA_ARGS__)
#define LOG_WARN(...)  dpn_log(DPN_LOG_WARN, DPN_LOG_MOD, __VA_ARGS__)
#define LOG_INFO(...)  dpn_log(DPN_LOG_INFO, DPN_LOG_MOD, __VA_ARGS__)
#define LOG_DEBUG(...) dpn_log(DPN_LOG_DEBUG, DPN_LOG_MOD, __VA_ARGS__)

/* LOG_*_RL: rate-limited, default 5 lines per 10 s and identical lines once per 10 s. */
#define DPN_LOG_RL_(lvl, ...)                                                                      \
	do {                                                                                       \
		static struct dpn_log_limit rl_ = DPN_LOG_LIMIT_INIT(5, 10000);                    \
		dpn_log_limited(&rl_, lvl, DPN_LOG_MOD, __VA_ARGS__);                              \
	} while (0)
#define LOG_ERR_RL(...)  DPN_LOG_RL_(DPN_LOG_ERR, __VA_ARGS__)
#define LOG_WARN_RL(...) DPN_LOG_RL_(DPN_LOG_WARN, __VA_ARGS__)
#define LOG_INFO_RL(...) DPN_LOG_RL_(DPN_LOG_INFO, __VA_ARGS__)

#endif
