/* dpnode: fields of typed API requests from pods' CNI calls (vhost.add,
 * vf.add): one way to read them and one set of rules for what they may be.
 * Errors are -EINVAL with err naming the field. */
#ifndef DPN_REQ_H
#define DPN_REQ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpn_err.h"

/* params is an object whose keys are all in keys ({NULL} terminated). */
int dpn_req_keys(json_t *params, const char *const *keys, struct dpn_err *err);
/* A string field into dst; absent (or null) is fine unless required. */
int dpn_req_str(
        json_t *params, const char *key, char *dst, size_t len, bool required, struct dpn_err *err);
/* An integer field in min..max into *dst; absent leaves *dst. */
int dpn_req_int(json_t *params, const char *key, int min, int max, int *dst, struct dpn_err *err);

/* The pod a request is for, as the CNI plugin passes it. */
struct dpn_req_pod {
	char pod_uid[64];
	char ns[64];
	char pod[254];
	char ifname[16];
	char provider[254];
	char iface_id[512]; /* OVN logical port; default <pod>.<ns>[.<provider>] */
	char mac[18];       /* lowercase; "" when not asked for */
	char ip[128];       /* comma-separated addresses, optional prefixes */
};
/* Reads and checks pod_uid, namespace, pod, ifname, provider, iface_id, mac
 * and ip (the caller checked the keys); defaults iface_id. */
int dpn_req_pod_parse(json_t *params, struct dpn_req_pod *p, struct dpn_err *err);
/* Adds the fields dpn_req_pod_parse reads to j. */
void dpn_req_pod_json(const struct dpn_req_pod *p, json_t *j);

/* The port a del or list names: {"port": P} or {"pod_uid": U, "ifname":
 * I} (P made by name()). */
int dpn_req_port_key(json_t *params,
        void (*name)(const char *pod_uid, const char *ifname, char out[16]), char key[16],
        struct dpn_err *err);
/* Whether a port (key, its request req) is one a list's params ask for
 * ({"pod_uid": U} and/or {"port": P}, both optional). */
bool dpn_req_list_match(json_t *params, const char *key, json_t *req);
/* {"ports": [...]}: show(ctx, key, entry) of each port of ports ({key:
 * {"req": ..., ...}}) the params ask for, with its "request". */
json_t *dpn_req_list(json_t *params, json_t *ports,
        json_t *(*show)(void *ctx, const char *key, json_t *entry), void *ctx);

/* Whether a listed port (an entry of a list's "ports") is ready for its
 * pod: in OVS with an OpenFlow port and no error, and under OVN with
 * ovn-controller's flows installed; else why not, into why. */
bool dpn_req_port_ready(json_t *entry, char *why, size_t len);
/* For a list whose params ask {"ready": true}: 0 when every port in *res
 * is ready, else -EAGAIN naming the first that is not (*res released), so
 * that a request that waits (dpn_api.h "wait_ms") is answered once they
 * are. */
int dpn_req_list_ready(json_t *params, json_t **res, struct dpn_err *err);

/* A path component from a pod: no '/', no "..", no NUL, printable, bounded. */
bool dpn_req_component_ok(const char *s, size_t max);
/* Kubernetes names: DNS-1123 subdomain (pods), label (namespaces). */
bool dpn_k8s_name_ok(const char *s);
bool dpn_k8s_label_ok(const char *s);
/* Comma-separated IP addresses, each with an optional prefix. */
bool dpn_ip_list_ok(const char *list);
/* addr as a CIDR: as it is when it has a prefix, else with the prefix the
 * same address has in asked ("10.16.0.5/16,fd00::5/64"), else a host
 * prefix (OVN's addresses carry none). */
void dpn_ip_cidr(const char *addr, const char *asked, char *out, size_t len);
/* Every address of list through dpn_ip_cidr, comma-separated. */
void dpn_ip_cidrs(const char *list, const char *asked, char *out, size_t len);
/* A stable 64-bit hash of a pod interface (names and MACs derive from it). */
uint64_t dpn_req_hash(const char *a, const char *b);

#endif
