/* dpnode: helpers shared by the libFuzzer targets (tests/fuzz/). Each target
 * feeds one parser an outsider reaches exactly what that outsider could send;
 * inputs that hold several parts separate them with a line "----". */
#ifndef DPN_FUZZ_H
#define DPN_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#define FZ_MAX_PARTS 8

struct fz_parts {
	int n;
	char *part[FZ_MAX_PARTS]; /* NUL-terminated copies; missing parts are "" */
	size_t len[FZ_MAX_PARTS];
};

/* Splits data at "\n----\n" into at most max parts (the last takes the
 * rest); every part up to max exists. fz_parts_free releases them. */
void fz_split(const uint8_t *data, size_t size, int max, struct fz_parts *p);
void fz_parts_free(struct fz_parts *p);

/* A private directory under /dev/shm (or /tmp), made once per process and
 * removed at exit. */
const char *fz_tmpdir(void);
/* Writes len bytes to dir/name (made or truncated); 0 or -errno. */
int fz_write(const char *dir, const char *name, const char *data, size_t len);

/* /dev/null, opened once. */
#include <stdio.h>
FILE *fz_devnull(void);

/* Quiet dpnode's logger (errors are the expected outcome of most inputs). */
void fz_quiet(void);

#endif
