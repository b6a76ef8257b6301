/* dpnode: one logger with levels. */
#ifndef DPN_LOG_H
#define DPN_LOG_H

#include <stdarg.h>

enum dpn_log_level {
	DPN_LOG_ERR = 0,
	DPN_LOG_WARN,
	DPN_LOG_INFO,
	DPN_LOG_DEBUG,
};

void dpn_log_set_level(enum dpn_log_level lvl);
enum dpn_log_level dpn_log_get_level(void);
/* Parses "err", "warn", "info", "debug"; returns -EINVAL otherwise. */
int dpn_log_parse_level(const char *s, enum dpn_log_level *lvl);
const char *dpn_log_level_name(enum dpn_log_level lvl);

void dpn_log(enum dpn_log_level lvl, const char *mod, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#ifndef DPN_LOG_MOD
#define DPN_LOG_MOD "dpnode"
#endif

#define LOG_ERR(...)   dpn_log(DPN_LOG_ERR, DPN_LOG_MOD, __VA_ARGS__)
#define LOG_WARN(...)  dpn_log(DPN_LOG_WARN, DPN_LOG_MOD, __VA_ARGS__)
#define LOG_INFO(...)  dpn_log(DPN_LOG_INFO, DPN_LOG_MOD, __VA_ARGS__)
#define LOG_DEBUG(...) dpn_log(DPN_LOG_DEBUG, DPN_LOG_MOD, __VA_ARGS__)

#endif
