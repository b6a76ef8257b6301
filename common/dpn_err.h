/* dpnode: the one error convention.
 *
 * Every function returns 0 (or a count) on success and a negative errno on
 * failure. A function whose caller needs to know more than the errno takes a
 * struct dpn_err *, which it fills on failure with a message that names the
 * object and what was expected. The message is converted only at the edges:
 * API replies, CNI results, gRPC status, log lines. */
#ifndef DPN_ERR_H
#define DPN_ERR_H

#define DPN_ERR_MSG_MAX 1024

struct dpn_err {
	int code; /* negative errno; 0 when nothing failed */
	char msg[DPN_ERR_MSG_MAX];
};

/* Records code (negative errno) and the formatted message; returns code so
 * callers can write `return dpn_err_set(err, -EINVAL, "...")`. err may be
 * NULL: the message is dropped, the code still returned. */
int dpn_err_set(struct dpn_err *err, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* Prefixes the message already in err with "<prefix>: " (context added by a
 * caller); returns err->code. */
int dpn_err_prefix(struct dpn_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The message, or strerror of the code when none was given. */
const char *dpn_err_str(const struct dpn_err *err);
void dpn_err_clear(struct dpn_err *err);

#endif
