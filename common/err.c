#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dpn_err.h"

int dpn_err_set(struct dpn_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int dpn_err_prefix(struct dpn_err *err, const char *fmt, ...)
{
	char buf[2 * DPN_ERR_MSG_MAX + 2];
	va_list ap;
	int n;

	if (!err)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, DPN_ERR_MSG_MAX, fmt, ap);
	va_end(ap);
	if (n < 0)
		return err->code;
	n = n < DPN_ERR_MSG_MAX ? n : DPN_ERR_MSG_MAX - 1;
	snprintf(buf + n, sizeof(buf) - n, ": %s", dpn_err_str(err));
	snprintf(err->msg, sizeof(err->msg), "%.*s", DPN_ERR_MSG_MAX - 1, buf);
	return err->code;
}

const char *dpn_err_str(const struct dpn_err *err)
{
	if (!err)
		return "?";
	if (err->msg[0])
		return err->msg;
	return err->code ? strerror(-err->code) : "no error";
}

void dpn_err_clear(struct dpn_err *err)
{
	if (!err)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}
