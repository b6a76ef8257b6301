/* dpnode-app: the DPDK application a pod or VM runs on what the node gave it.
 * This header holds the parts that need no DPDK (discovery, EAL arguments,
 * packet building), so they are unit tested on their own. */
#ifndef DPN_APP_H
#define DPN_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpn_err.h"
#include "dpn_util.h"

#define DPN_APP_MAX_DEVS 32

enum dpn_app_dev_type { DPN_APP_PCI, DPN_APP_VHOST };

struct dpn_app_dev {
	enum dpn_app_dev_type type;
	char pci[16];   /* DDDD:BB:DD.F */
	char path[108]; /* vhost-user socket */
	bool server;    /* this app creates the socket (virtio_user server=1) */
	int queues;
	bool split;      /* a split virtqueue; default packed (virtio 1.1), see eal.c */
	char source[96]; /* where it was found, for messages */
};

struct dpn_app_devs {
	int n;
	struct dpn_app_dev dev[DPN_APP_MAX_DEVS];
};

/* Error text for the caller: "source: what is wrong". */
/* Fills err with -EINVAL and the message; returns -EINVAL (for "return
 * dpn_app_fail(...)"). */
int dpn_app_fail(struct dpn_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sources; each appends (skipping duplicates) and returns the number added
 * or -1 with err set. */
int dpn_app_from_env(char *const envp[], struct dpn_app_devs *d, struct dpn_err *err);
int dpn_app_from_devinfo_dir(const char *dir, struct dpn_app_devs *d, struct dpn_err *err);
int dpn_app_from_network_status(const char *file, struct dpn_app_devs *d, struct dpn_err *err);
/* --pci BDF and --vhost PATH[,server|client][,queues=N][,split|packed] */
int dpn_app_add_pci(
        const char *bdf, const char *source, struct dpn_app_devs *d, struct dpn_err *err);
int dpn_app_add_vhost(
        const char *spec, const char *source, struct dpn_app_devs *d, struct dpn_err *err);

struct dpn_app_env {
	const char *sysfs;  /* "" normally; a fixture tree in tests */
	const char *cgroup; /* cgroup mount, "/sys/fs/cgroup" normally */
	const char *file_prefix;
	int queues; /* default queue pairs for vhost devices without queues= */
};

/* Usable CPUs: the cgroup's cpuset, else this process's affinity. */
int dpn_app_cpus(const struct dpn_app_env *e, struct dpn_cpuset *cpus);
/* MB of hugepages this app may use: the cgroup hugetlb limit, else the free
 * pages of the pools; 0 when none (then DPDK runs with --no-huge). */
long dpn_app_hugepage_mb(const struct dpn_app_env *e);

/* Modern EAL arguments for the devices; checks each is usable (a PCI device
 * with a driver, a socket that exists for client mode, a directory for
 * server mode). argv entries are malloc'd; free with dpn_app_eal_free. */
int dpn_app_build_eal(const struct dpn_app_devs *d, const struct dpn_app_env *e, int *argc,
        char ***argv, struct dpn_err *err);
void dpn_app_eal_free(int argc, char **argv);

/* Packets: Ethernet + IPv4 + UDP, checksums filled; flow varies the UDP
 * source port and the low byte of the source IP. */
struct dpn_pkt_tmpl {
	uint8_t dst_mac[6], src_mac[6];
	uint32_t src_ip, dst_ip; /* host order */
	uint16_t src_port, dst_port;
	uint16_t size; /* frame size without FCS, >= 60 */
};
#define DPN_PKT_HDR_LEN  42         /* 14 + 20 + 8 */
#define DPN_PKT_TS_MAGIC 0x64706e74 /* "dpnt" */
/* Offset of the timestamp (magic u32 + tsc u64) in the UDP payload. */
#define DPN_PKT_TS_OFF DPN_PKT_HDR_LEN
int dpn_pkt_build(uint8_t *buf, size_t len, const struct dpn_pkt_tmpl *t, uint32_t flow);
/* Writes magic + tsc and fixes the UDP checksum incrementally. */
void dpn_pkt_stamp(uint8_t *buf, uint64_t tsc);
/* The stamp of a received packet, false when it carries none. */
bool dpn_pkt_stamp_get(const uint8_t *buf, size_t len, uint64_t *tsc);
uint16_t dpn_ip_csum(const void *hdr, size_t len);

#endif
