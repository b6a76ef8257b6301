/* State files of the modules that make ports for pods: snapshots and
 * journals (see dpn_state.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dpn_state.h"
#include "dpn_util.h"

#define NAME_LEN 4200

/* Lines of generation >= gen from one journal into ports. A line that does
 * not parse is skipped and counted in *bad: a torn one is a crash
 * mid-append, never acknowledged (append starts a new line after it). */
static int replay(const char *file, long long gen, json_t *ports, unsigned *lines, unsigned *bad)
{
	FILE *f = fopen(file, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while ((n = getline(&line, &cap, f)) > 0) {
		json_t *j = json_loads(line, 0, NULL);
		const char *key = json_string_value(json_object_get(j, "key"));
		json_t *e = json_object_get(j, "entry");
		if (!key || !(json_is_object(e) || json_is_null(e))) {
			*bad += n > 1 || line[0] != '\n';
			json_decref(j);
			continue;
		}
		(*lines)++;
		if (json_integer_value(json_object_get(j, "gen")) < gen)
			; /* in the snapshot already */
		else if (json_is_object(e))
			json_object_set(ports, key, e);
		else
			json_object_del(ports, key);
		json_decref(j);
	}
	free(line);
	fclose(f);
	return 0;
}

/* The first snapshot has no PATH.prev; its journal (PATH.log.prev, from
 * generation 0) rebuilds it from nothing. */
static bool history_from_nothing(const char *path)
{
	char lp[NAME_LEN], prev[NAME_LEN], line[64] = "";
	FILE *f;
	bool ok;

	snprintf(prev, sizeof(prev), "%s.prev", path);
	snprintf(lp, sizeof(lp), "%s.log.prev", path);
	if (access(prev, F_OK) == 0 || !(f = fopen(lp, "re")))
		return false;
	ok = fgets(line, sizeof(line), f) && !strncmp(line, "{\"gen\":0,", 9);
	fclose(f);
	return ok;
}

static int read_snapshot(
        const char *path, json_t **ports, long long *gen, bool *damaged, struct dpn_err *err)
{
	char why[200] = "";
	json_t *doc = NULL;
	int ret = dpn_json_load_kept(path, &doc, damaged, why, sizeof(why));

	if (ret == -EINVAL && history_from_nothing(path)) {
		*ports = json_object();
		*gen = 0;
		*damaged = true;
		dpn_err_set(err, 0, "%s: %s; rebuilt from its journals", path, why);
		return 0;
	}
	if (ret < 0 && ret != -ENOENT)
		return dpn_err_set(err, -EINVAL, "%s: unreadable state (%s), and no good %s.prev",
		        path, why, path);
	if (ret == 0 && !json_is_object(json_object_get(doc, "ports"))) {
		json_decref(doc);
		return dpn_err_set(err, -EINVAL, "%s: unreadable state (no \"ports\")", path);
	}
	*ports = ret == 0 ? json_deep_copy(json_object_get(doc, "ports")) : json_object();
	*gen = json_integer_value(json_object_get(doc, "generation"));
	json_decref(doc);
	if (*damaged)
		dpn_err_set(
		        err, 0, "%s: %s; rebuilt from %s.prev and the journals", path, why, path);
	return 0;
}

int dpn_state_read(const char *path, json_t **ports, long long *gen, unsigned *n_logged,
        bool *damaged, struct dpn_err *err)
{
	char lp[NAME_LEN];
	unsigned prev_lines = 0, bad = 0;
	int ret;

	*ports = NULL;
	*n_logged = 0;
	if ((ret = read_snapshot(path, ports, gen, damaged, err)) < 0)
		return ret;
	/* PATH.log.prev first: with PATH.prev in use it brings it to PATH */
	if (dpn_snprintf(lp, sizeof(lp), "%s.log.prev", path) < 0 ||
	        (ret = replay(lp, *gen, *ports, &prev_lines, &bad)) < 0 ||
	        (lp[strlen(lp) - 5] = '\0', ret = replay(lp, *gen, *ports, n_logged, &bad)) < 0) {
		json_decref(*ports);
		*ports = NULL;
		return dpn_err_set(err, ret ? ret : -ENAMETOOLONG, "%s: %s", lp, strerror(-ret));
	}
	if (bad && !*damaged)
		dpn_err_set(err, 0, "%s: %u unreadable journal line(s) skipped (a crash mid-write)",
		        path, bad);
	*n_logged += bad;
	return 0;
}

static int sync_dir(const char *path)
{
	char dir[NAME_LEN];
	snprintf(dir, sizeof(dir), "%s", path);
	int fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0;
	if (fd < 0 || fsync(fd) < 0)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	return ret;
}

/* A new snapshot of ports; PATH.log becomes PATH.log.prev. */
static int compact(struct dpn_state *s, json_t *ports)
{
	char lp[NAME_LEN], lprev[NAME_LEN + 8];
	json_t *doc = json_pack("{s:i, s:I, s:O}", "version", 1, "generation",
	        (json_int_t)(s->gen + 1), "ports", ports);
	int ret = dpn_json_save_kept(s->path, doc);

	json_decref(doc);
	if (ret < 0) /* the journal keeps growing; nothing is lost */
		return ret;
	s->gen++;
	s->compactions++;
	snprintf(lp, sizeof(lp), "%s.log", s->path);
	snprintf(lprev, sizeof(lprev), "%s.prev", lp);
	if (rename(lp, lprev) < 0 && errno != ENOENT)
		return -errno;
	s->n_logged = 0;
	return sync_dir(s->path);
}

int dpn_state_open(
        struct dpn_state *s, const char *path, json_t **ports, bool *damaged, struct dpn_err *err)
{
	char dir[NAME_LEN];
	struct stat st;
	int ret;

	*s = (struct dpn_state){0};
	snprintf(s->path, sizeof(s->path), "%s", path);
	if ((ret = dpn_state_read(path, ports, &s->gen, &s->n_logged, damaged, err)) < 0)
		return ret;
	snprintf(dir, sizeof(dir), "%s", path);
	if ((ret = dpn_mkdir_p(dirname(dir), 0755)) < 0) {
		json_decref(*ports);
		*ports = NULL;
		return dpn_err_set(
		        err, ret, "%s: cannot create its directory: %s", path, strerror(-ret));
	}
	snprintf(dir, sizeof(dir), "%s.log", path);
	/* best effort: without it (a full disk) the journal goes on */
	if (*damaged || (stat(dir, &st) == 0 && st.st_size > 0))
		compact(s, *ports);
	return 0;
}

/* text as one line (after a newline when the journal ends in a torn one),
 * in one write. */
static int write_line(int fd, const char *text, bool newline_first)
{
	size_t len = strlen(text);
	char *buf = malloc(len + 2), *p = buf;
	if (!buf)
		return -ENOMEM;
	if (newline_first)
		*p++ = '\n';
	memcpy(p, text, len);
	p[len] = '\n';
	ssize_t want = (p - buf) + (ssize_t)len + 1, n = write(fd, buf, want);
	free(buf);
	return n == want ? 0 : n < 0 ? -errno : -ENOSPC;
}

/* One line, appended and fdatasync'd; opened each time, so a journal
 * replaced or removed behind our back is written where it is now. */
static int append(struct dpn_state *s, const char *key, json_t *e)
{
	char lp[NAME_LEN], last = '\n';
	json_t *j = json_pack("{s:I, s:s, s:O}", "gen", (json_int_t)s->gen, "key", key, "entry",
	        e ? e : json_null());
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	struct stat st;
	int fd = -1, ret = text ? 0 : -ENOMEM;

	json_decref(j);
	snprintf(lp, sizeof(lp), "%s.log", s->path);
	if (ret == 0 && (fd = open(lp, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) < 0)
		ret = -errno;
	if (ret == 0) {
		off_t at = fstat(fd, &st) == 0 ? st.st_size : 0;
		if (at > 0 && pread(fd, &last, 1, at - 1) != 1)
			last = '\n';
		ret = write_line(fd, text, last != '\n');
		if (ret == 0 && fdatasync(fd) < 0)
			ret = -errno;
		if (ret < 0 && ftruncate(fd, at) < 0) /* else a torn line: skipped */
			ret = ret ? ret : -EIO;
		close(fd);
		if (ret == 0 && at == 0)
			ret = sync_dir(s->path); /* a new journal: its directory entry too */
	}
	free(text);
	return ret;
}

int dpn_state_commit(
        struct dpn_state *s, json_t *ports, const char *key, json_t *e, struct dpn_err *err)
{
	int ret = append(s, key, e);

	if (ret < 0)
		return dpn_err_set(err, ret, "%s: cannot write state: %s", s->path, strerror(-ret));
	if (e)
		json_object_set(ports, key, e);
	else
		json_object_del(ports, key);
	if (++s->n_logged >= DPN_STATE_COMPACT)
		compact(s, ports);
	return 0;
}
