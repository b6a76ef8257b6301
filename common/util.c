#include <libgen.h>
#include <stdbool.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "dpn_util.h"

void dpn_cpuset_zero(struct dpn_cpuset *s)
{
	memset(s, 0, sizeof(*s));
}

void dpn_cpuset_set(struct dpn_cpuset *s, unsigned cpu)
{
	if (cpu < DPN_MAX_CPUS)
		s->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

bool dpn_cpuset_isset(const struct dpn_cpuset *s, unsigned cpu)
{
	return cpu < DPN_MAX_CPUS && (s->bits[cpu / 64] >> (cpu % 64)) & 1;
}

unsigned dpn_cpuset_count(const struct dpn_cpuset *s)
{
	unsigned n = 0;
	for (size_t i = 0; i < DPN_ARRAY_SIZE(s->bits); i++)
		n += __builtin_popcountll(s->bits[i]);
	return n;
}

static int parse_uint(const char **p, unsigned long *v)
{
	char *end;
	if (!isdigit((unsigned char)**p))
		return -EINVAL;
	errno = 0;
	*v = strtoul(*p, &end, 10);
	if (errno)
		return -ERANGE;
	*p = end;
	return 0;
}

int dpn_cpuset_parse_list(const char *list, struct dpn_cpuset *s)
{
	const char *p = list;
	unsigned long a, b;

	dpn_cpuset_zero(s);
	if (*p == '\0')
		return -EINVAL;
	while (*p) {
		if (parse_uint(&p, &a) < 0)
			return -EINVAL;
		b = a;
		if (*p == '-') {
			p++;
			if (parse_uint(&p, &b) < 0 || b < a)
				return -EINVAL;
		}
		if (b >= DPN_MAX_CPUS)
			return -ERANGE;
		for (unsigned long c = a; c <= b; c++)
			dpn_cpuset_set(s, c);
		if (*p == ',') {
			p++;
			if (*p == '\0')
				return -EINVAL;
		} else if (*p) {
			return -EINVAL;
		}
	}
	return 0;
}

int dpn_cpuset_parse_mask(const char *mask, struct dpn_cpuset *s)
{
	const char *p = mask;
	size_t n;

	dpn_cpuset_zero(s);
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	n = strlen(p);
	if (n == 0)
		return -EINVAL;
	/* Walk from the least significant nibble. */
	for (size_t i = 0; i < n; i++) {
		char c = p[n - 1 - i];
		unsigned v;
		if (!isxdigit((unsigned char)c))
			return -EINVAL;
		v = isdigit((unsigned char)c) ? (unsigned)(c - '0')
		                              : (unsigned)(tolower((unsigned char)c) - 'a' + 10);
		for (unsigned bit = 0; bit < 4; bit++) {
			if (!(v & (1u << bit)))
				continue;
			if (i * 4 + bit >= DPN_MAX_CPUS)
				return -ERANGE;
			dpn_cpuset_set(s, i * 4 + bit);
		}
	}
	return 0;
}

int dpn_cpuset_format_list(const struct dpn_cpuset *s, char *buf, size_t len)
{
	size_t off = 0;
	int n;

	if (len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	for (unsigned c = 0; c < DPN_MAX_CPUS; c++) {
		unsigned e = c;
		if (!dpn_cpuset_isset(s, c))
			continue;
		while (e + 1 < DPN_MAX_CPUS && dpn_cpuset_isset(s, e + 1))
			e++;
		if (e == c)
			n = snprintf(buf + off, len - off, "%s%u", off ? "," : "", c);
		else
			n = snprintf(buf + off, len - off, "%s%u-%u", off ? "," : "", c, e);
		if (n < 0 || (size_t)n >= len - off)
			return -ENOSPC;
		off += n;
		c = e;
	}
	return 0;
}

int dpn_cpuset_format_mask(const struct dpn_cpuset *s, char *buf, size_t len)
{
	int top = -1;
	size_t off = 0;

	for (int c = DPN_MAX_CPUS - 1; c >= 0; c--) {
		if (dpn_cpuset_isset(s, c)) {
			top = c;
			break;
		}
	}
	if (len < 4)
		return -ENOSPC;
	buf[off++] = '0';
	buf[off++] = 'x';
	if (top < 0) {
		buf[off++] = '0';
		buf[off] = '\0';
		return 0;
	}
	for (int nib = top / 4; nib >= 0; nib--) {
		unsigned v = 0;
		for (int bit = 0; bit < 4; bit++)
			if (dpn_cpuset_isset(s, nib * 4 + bit))
				v |= 1u << bit;
		if (off + 1 >= len)
			return -ENOSPC;
		buf[off++] = "0123456789abcdef"[v];
	}
	buf[off] = '\0';
	return 0;
}

bool dpn_pci_addr_valid(const char *s)
{
	/* DDDD:BB:DD.F; device <= 0x1f, function <= 7. */
	static const char pat[] = "xxxx:xx:xx.x";
	unsigned dev, fn;

	if (strlen(s) != sizeof(pat) - 1)
		return false;
	for (size_t i = 0; pat[i]; i++) {
		if (pat[i] == 'x' ? !isxdigit((unsigned char)s[i]) : s[i] != pat[i])
			return false;
	}
	if (sscanf(s + 8, "%2x.%1x", &dev, &fn) != 2)
		return false;
	return dev <= 0x1f && fn <= 7;
}

int dpn_cidr_parse(const char *s, bool allow_bare, struct dpn_cidr *c)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long prefix;
	char *end;

	memset(c, 0, sizeof(*c));
	if (alen == 0 || alen >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, &c->addr.v4) == 1)
		c->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &c->addr.v6) == 1)
		c->family = AF_INET6;
	else
		return -EINVAL;
	if (!slash) {
		if (!allow_bare)
			return -EINVAL;
		c->prefix = c->family == AF_INET ? 32 : 128;
		return 0;
	}
	if (!isdigit((unsigned char)slash[1]))
		return -EINVAL;
	errno = 0;
	prefix = strtoul(slash + 1, &end, 10);
	if (errno || *end || prefix > (c->family == AF_INET ? 32u : 128u))
		return -EINVAL;
	c->prefix = prefix;
	return 0;
}

int dpn_cidr_addr_str(const struct dpn_cidr *c, char *buf, size_t len)
{
	if (!inet_ntop(c->family, &c->addr, buf, len))
		return -errno;
	return 0;
}

int dpn_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	buf[n] = '\0';
	close(fd);
	return 0;
}

int dpn_read_long(const char *path, long *val)
{
	char buf[64], *end;
	int ret = dpn_read_file(path, buf, sizeof(buf));

	if (ret < 0)
		return ret;
	errno = 0;
	*val = strtol(buf, &end, 0);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

int dpn_read_count(const char *path, long *val)
{
	int ret = dpn_read_long(path, val);
	if (ret == 0 && (*val < 0 || *val > DPN_COUNT_MAX))
		ret = -ERANGE; /* what no kernel counts: arithmetic on it would overflow */
	return ret;
}

int dpn_write_file(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(data);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, data, len);
	if (n < 0 || (size_t)n != len) {
		int err = n < 0 ? -errno : -EIO;
		close(fd);
		return err;
	}
	if (close(fd) < 0)
		return -errno;
	return 0;
}

int dpn_mkdir_p(const char *path, unsigned mode)
{
	char tmp[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

bool dpn_mac_valid_unicast(const char *m)
{
	unsigned b0;

	if (strlen(m) != 17)
		return false;
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? m[i] != ':' : !isxdigit((unsigned char)m[i]))
			return false;
	return sscanf(m, "%2x", &b0) == 1 && !(b0 & 1);
}

bool dpn_ifname_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '/' || c == ':' || isspace(c) || !isprint(c))
			return false;
	}
	return true;
}

int dpn_snprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= len)
		return -ENAMETOOLONG;
	return n;
}

void dpn_timer_arm_ms(struct event *ev, long ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	evtimer_add(ev, &tv);
}

uint64_t dpn_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t dpn_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

char *dpn_strf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static int fsync_dir(const char *path)
{
	char dir[PATH_MAX];
	int fd, ret = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* tmp written whole and on disk before anything is renamed */
static int write_tmp(const char *tmp, json_t *j)
{
	/* compact, in insertion order, and one write: the state files are
	 * rewritten on every pod ADD, and sorting, indenting and stdio's small
	 * writes of 1000 ports' entries each time cost more than the write */
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int fd, ret = 0;

	if (!s)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(s);
	if (fd < 0)
		ret = -errno;
	else if (write(fd, s, len) != (ssize_t)len)
		ret = -ENOSPC;
	else if (fsync(fd) < 0)
		ret = -errno;
	if (fd >= 0 && close(fd) < 0 && !ret)
		ret = -errno;
	free(s);
	if (ret < 0)
		unlink(tmp);
	return ret;
}

static int save(const char *path, json_t *j, bool keep_prev)
{
	char tmp[PATH_MAX + 8], prev[PATH_MAX + 8];
	int ret;

	if (dpn_snprintf(tmp, sizeof(tmp), "%s.tmp", path) < 0 ||
	        dpn_snprintf(prev, sizeof(prev), "%s.prev", path) < 0)
		return -ENAMETOOLONG;
	if ((ret = write_tmp(tmp, j)) < 0)
		return ret;
	/* the good file becomes .prev: a crash between the renames leaves it */
	if (keep_prev && rename(path, prev) < 0 && errno != ENOENT)
		ret = -errno;
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret < 0) {
		unlink(tmp);
		return ret;
	}
	return fsync_dir(path);
}

int dpn_json_save(const char *path, json_t *j)
{
	return save(path, j, false);
}

int dpn_json_save_kept(const char *path, json_t *j)
{
	return save(path, j, true);
}

int dpn_json_load_kept(const char *path, json_t **out, bool *from_prev, char *why, size_t len)
{
	char prev[PATH_MAX + 8];
	json_error_t jerr;
	bool exists = access(path, F_OK) == 0;

	*from_prev = false;
	*out = exists ? json_load_file(path, 0, &jerr) : NULL;
	if (*out)
		return 0;
	snprintf(why, len, "%s", exists ? jerr.text : "missing");
	if (dpn_snprintf(prev, sizeof(prev), "%s.prev", path) < 0)
		return -ENAMETOOLONG;
	if (access(prev, F_OK) < 0)
		return exists ? -EINVAL : -ENOENT;
	if (!(*out = json_load_file(prev, 0, &jerr)))
		return -EINVAL;
	*from_prev = true;
	return 0;
}

void dpn_mountinfo_unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		        s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}
