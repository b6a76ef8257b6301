/* dpnode: small parsing and file helpers shared by every module. */
#ifndef DPN_UTIL_H
#define DPN_UTIL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define DPN_MAX_CPUS      1024
#define DPN_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct dpn_cpuset {
	uint64_t bits[DPN_MAX_CPUS / 64];
};

void dpn_cpuset_zero(struct dpn_cpuset *s);
void dpn_cpuset_set(struct dpn_cpuset *s, unsigned cpu);
bool dpn_cpuset_isset(const struct dpn_cpuset *s, unsigned cpu);
unsigned dpn_cpuset_count(const struct dpn_cpuset *s);
/* "0-3,8,10-11" -> set. -EINVAL on syntax errors, -ERANGE beyond DPN_MAX_CPUS. */
int dpn_cpuset_parse_list(const char *list, struct dpn_cpuset *s);
/* "0x3" or "3" (hex, as OVS's masks) -> set. */
int dpn_cpuset_parse_mask(const char *mask, struct dpn_cpuset *s);
/* Writes "0-3,8"; returns -ENOSPC when buf is too small. */
int dpn_cpuset_format_list(const struct dpn_cpuset *s, char *buf, size_t len);
/* Writes "0x..." as OVS expects for pmd-cpu-mask / dpdk-lcore-mask. */
int dpn_cpuset_format_mask(const struct dpn_cpuset *s, char *buf, size_t len);

/* PCI address DDDD:BB:DD.F, lower or upper case hex. */
bool dpn_pci_addr_valid(const char *s);

struct dpn_cidr {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	unsigned prefix;
};
/* "10.0.0.1/24" or "fd00::1/64"; with allow_bare, a plain address gets a host prefix. */
int dpn_cidr_parse(const char *s, bool allow_bare, struct dpn_cidr *c);
/* The address part only, e.g. for ovn-encap-ip. */
int dpn_cidr_addr_str(const struct dpn_cidr *c, char *buf, size_t len);

/* Whole-file helpers; return 0 or -errno. read_file NUL-terminates and trims nothing. */
int dpn_read_file(const char *path, char *buf, size_t len);
/* Reads a file holding one integer (sysfs style). */
int dpn_read_long(const char *path, long *val);
/* The same for a count (pages, VFs): 0..DPN_COUNT_MAX, else -ERANGE. */
#define DPN_COUNT_MAX (1L << 40)
int dpn_read_count(const char *path, long *val);
int dpn_write_file(const char *path, const char *data);
int dpn_mkdir_p(const char *path, unsigned mode);

/* xx:xx:xx:xx:xx:xx, any case, and unicast (the group bit clear). */
bool dpn_mac_valid_unicast(const char *s);

/* Interface name as the kernel and OVS accept it (1..15 chars, no '/', no spaces). */
bool dpn_ifname_valid(const char *s);

/* snprintf that reports truncation as -ENAMETOOLONG. */
int dpn_snprintf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Monotonic clock in milliseconds. */
uint64_t dpn_now_ms(void);
struct event;
/* A libevent timer due in ms milliseconds (re-armed if pending). */
void dpn_timer_arm_ms(struct event *ev, long ms);
uint64_t dpn_now_us(void);

/* Writes j to path through path.tmp (fsync'd) and a rename (the directory
 * fsync'd too), so a crash or power loss leaves the old file or the new one,
 * never half of one. 0 or -errno (-ENOSPC on a full disk). */
int dpn_json_save(const char *path, json_t *j);
/* The same, keeping the file it replaces as path.prev: state files, so a
 * file damaged behind our back still leaves the last good copy. */
int dpn_json_save_kept(const char *path, json_t *j);
/* path, or when it is missing or unreadable, path.prev (*from_prev set,
 * why: what was wrong with path). -ENOENT when neither exists, -EINVAL when
 * neither parses. */
int dpn_json_load_kept(const char *path, json_t **out, bool *from_prev, char *why, size_t len);

/* A /proc/self/mountinfo path field in place: "\\040" -> ' ' and so on. */
void dpn_mountinfo_unescape(char *s);
/* printf into a new string (the caller frees it); NULL when out of memory. */
char *dpn_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
