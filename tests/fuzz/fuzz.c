/* Helpers shared by the fuzz targets. */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dpn_log.h"

void fz_split(const uint8_t *data, size_t size, int max, struct fz_parts *p)
{
	static const char sep[] = "\n----\n";
	const char *s = (const char *)data, *end = s + size;

	p->n = max;
	for (int i = 0; i < max; i++) {
		const char *cut = i < max - 1 ? memmem(s, end - s, sep, sizeof(sep) - 1) : NULL;
		size_t len = cut ? (size_t)(cut - s) : (size_t)(end - s);
		p->part[i] = malloc(len + 1);
		memcpy(p->part[i], s, len);
		p->part[i][len] = '\0';
		p->len[i] = len;
		s = cut ? cut + sizeof(sep) - 1 : end;
	}
}

void fz_parts_free(struct fz_parts *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->part[i]);
	p->n = 0;
}

static char tmpdir[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void rm_tmpdir(void)
{
	if (tmpdir[0])
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fz_tmpdir(void)
{
	if (tmpdir[0])
		return tmpdir;
	snprintf(tmpdir, sizeof(tmpdir), "%s/dpnode-fuzz.XXXXXX",
	        access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		abort();
	}
	atexit(rm_tmpdir);
	return tmpdir;
}

int fz_write(const char *dir, const char *name, const char *data, size_t len)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ssize_t w = len ? write(fd, data, len) : 0;
	int ret = w == (ssize_t)len ? 0 : -EIO;
	close(fd);
	return ret;
}

FILE *fz_devnull(void)
{
	static FILE *f;
	if (!f)
		f = fopen("/dev/null", "we");
	return f;
}

void fz_quiet(void)
{
	static int done;
	if (!done) {
		/* every line formatted (its arguments are checked by the
		 * sanitizers), none shown: stderr is for their reports */
		dpn_log_set_level(DPN_LOG_DEBUG);
		dpn_log_set_stream(fz_devnull());
		done = 1;
	}
}
