/* dpnode: vhost-user ports on the integration bridge for DPDK pods and
 * KubeVirt VMs (API vhost.add / vhost.del / vhost.list). */
#ifndef DPN_VHOST_H
#define DPN_VHOST_H

#include <jansson.h>
#include <stdbool.h>

#include "dpn_conf.h"

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
	int mtu;    /* 0: OVS default */
	int queues; /* queue pairs the guest offers */
	char iface_id[512];
	char ip[128]; /* comma-separated, optional */
};

/* Pure parts (unit tested). */

/* Parses and validates an API request; defaults iface_id and, for KubeVirt,
 * the socket name. On error returns -EINVAL with *err naming the field. */
int dpn_vhost_req_parse(json_t *params, struct dpn_vhost_req *r, char **err);
json_t *dpn_vhost_req_json(const struct dpn_vhost_req *r);
/* <root>/<uid>/<volume> and the socket in it; -ENAMETOOLONG with *err
 * saying by how many bytes the socket path is over. */
int dpn_vhost_paths(const struct dpn_vhost_conf *c, const struct dpn_vhost_req *r, char *dir,
        size_t dlen, char *sock, size_t slen, char **err);
/* A path component from a pod: no '/', no "..", no NUL, printable, bounded. */
bool dpn_vhost_component_ok(const char *s, size_t max);
/* OVS port name from pod UID and interface: "vh" + 13 hex digits (15 chars). */
void dpn_vhost_port_name(const char *pod_uid, const char *ifname, char out[16]);
/* Locally administered unicast MAC derived from pod UID and interface. */
void dpn_vhost_default_mac(const char *pod_uid, const char *ifname, char out[18]);
/* The desired OVS port (see dpn_desired.h) for a request. */
json_t *dpn_vhost_port_spec(
        const struct dpn_vhost_conf *c, const struct dpn_vhost_req *r, const char *sock_path);

/* The manager inside dpnoded. */
struct dpn_vhost;
struct dpn_ovs;
struct dpn_api;
struct dpn_vhost *dpn_vhost_new(
        const struct dpn_vhost_conf *c, const char *bridge, struct dpn_ovs *ovs);
/* Loads the state file and puts its ports in the desired state. */
int dpn_vhost_load(struct dpn_vhost *v);
void dpn_vhost_register_api(struct dpn_vhost *v, struct dpn_api *api);
void dpn_vhost_free(struct dpn_vhost *v);

#endif
