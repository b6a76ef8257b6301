/* Shared helpers for dpnode's cmocka unit tests. */
#ifndef DPN_TESTLIB_H
#define DPN_TESTLIB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline json_t *tjson(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	if (!j)
		fail_msg("bad test JSON at %d:%d: %s", err.line, err.column, err.text);
	return j;
}

/* Removes a test's temp tree; 0 when it is gone. */
static inline int t_rmtree(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

#endif
