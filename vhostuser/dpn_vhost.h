/* dpnode: vhost-user ports on the integration bridge for DPDK pods and
 * KubeVirt VMs (API vhost.add / vhost.del / vhost.list). */
#ifndef DPN_VHOST_H
#define DPN_VHOST_H

#include <jansson.h>
#include <stdbool.h>

#include "dpn_conf_vhost.h"
#include "dpn_err.h"
#include "dpn_module.h"
#include "dpn_ovs.h"

#define DPN_SUN_PATH_MAX 108 /* sizeof(sockaddr_un.sun_path), NUL included */

enum dpn_vhost_consumption { DPN_VHOST_POD, DPN_VHOST_KUBEVIRT };

struct dpn_vhost_req {
	char pod_uid[64];
	char ns[64];
	char pod[254];
	char ifname[16];
	char provider[254];
	char volume[64];
	char sock_name[64];
	enum dpn_vhost_consumption consumption;
	char mac[18];
	bool mac_given; /* asked for (else derived, or OVN's) */
	int mtu;        /* 0: OVS default */
	int queues;     /* queue pairs the guest offers */
	char iface_id[512];
	char ip[128]; /* comma-separated, optional */
};

/* Pure parts (unit tested). */

/* Parses and validates an API request; defaults iface_id and, for KubeVirt,
 * the socket name. On error returns -EINVAL with *err naming the field. */
int dpn_vhost_req_parse(json_t *params, struct dpn_vhost_req *r, struct dpn_err *err);
json_t *dpn_vhost_req_json(const struct dpn_vhost_req *r);
/* <root>/<uid>/<volume> and the socket in it; -ENAMETOOLONG with err
 * saying by how many bytes the socket path is over. */
int dpn_vhost_paths(const struct dpn_vhost_conf *c, const struct dpn_vhost_req *r, char *dir,
        size_t dlen, char *sock, size_t slen, struct dpn_err *err);
/* A path component from a pod: no '/', no "..", no NUL, printable, bounded. */
bool dpn_vhost_component_ok(const char *s, size_t max);
/* OVS port name from pod UID and interface: "vh" + 13 hex digits (15 chars). */
void dpn_vhost_port_name(const char *pod_uid, const char *ifname, char out[16]);
/* Locally administered unicast MAC derived from pod UID and interface. */
void dpn_vhost_default_mac(const char *pod_uid, const char *ifname, char out[18]);
#define DPN_VHOST_OWNER "vhost"

/* The OVS port of a request: a typed spec pointing into r, sock_path and
 * the struct's own buffers (all must outlive its use). */
struct dpn_vhost_port {
	char name[16];
	char tx_retries[24];
	struct dpn_ovs_port_spec spec;
};
void dpn_vhost_port_spec(const struct dpn_vhost_conf *c, const struct dpn_vhost_req *r,
        const char *sock_path, struct dpn_vhost_port *p);

/* The module inside dpnoded: vhost-user ports on the integration bridge
 * through OVS's typed port API, persisted in the state file. API:
 * vhost.add, vhost.del, vhost.list. */
extern const struct dpn_module dpn_vhost_module;

#endif
