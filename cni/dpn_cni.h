/* dpnode: the CNI plugin's pure parts (spec 1.0.0, STATUS from 1.1.0). */
#ifndef DPN_CNI_H
#define DPN_CNI_H

#include <jansson.h>
#include <stdbool.h>

/* Error codes from the CNI spec; 100+ are dpnode's own. */
enum {
	DPN_CNI_ERR_VERSION = 1,      /* incompatible CNI version */
	DPN_CNI_ERR_FIELD = 2,        /* unsupported field in network config */
	DPN_CNI_ERR_UNKNOWN = 3,      /* container unknown or does not exist */
	DPN_CNI_ERR_ENV = 4,          /* invalid necessary environment variables */
	DPN_CNI_ERR_IO = 5,           /* I/O failure */
	DPN_CNI_ERR_DECODE = 6,       /* failed to decode content */
	DPN_CNI_ERR_CONFIG = 7,       /* invalid network config */
	DPN_CNI_ERR_TRY_AGAIN = 11,   /* try again later */
	DPN_CNI_ERR_UNAVAILABLE = 50, /* STATUS: plugin not available */
	DPN_CNI_ERR_REFUSED = 100,    /* dpnoded refused the request */
	DPN_CNI_ERR_NOT_READY = 101,  /* the port did not come up in OVS in time */
	DPN_CNI_ERR_MISMATCH = 102,   /* CHECK: the port is not as expected */
};

struct dpn_cni_err {
	int code;
	char msg[256];
	char details[1024];
};

struct dpn_cni_conf {
	char cni_version[16];
	char name[128];
	char server_socket[108];
	char provider[254];
	char volume[64];
	char sock_name[64];
	char consumption[16];
	int mtu;
	int queues;
	char mac[18];           /* runtimeConfig.mac */
	char ips[128];          /* runtimeConfig.ips, comma-joined */
	char devinfo_file[256]; /* runtimeConfig.CNIDeviceInfoFile (Multus) */
	char mount_path[128];   /* where the pod mounts the socket volume */
	/* SR-IOV (sriov-cni's keys): a deviceID (Multus puts the allocated VF's
	 * PCI address there, or in runtimeConfig) takes the VF path */
	char device_id[16];
	char resource[254];           /* resourceName: the VF must be of that pool */
	int vlan, vlan_qos;           /* -1: leave */
	char spoofchk[4], trust[4];   /* "on", "off", "" leave */
	int min_tx_rate, max_tx_rate; /* -1: leave */
};

struct dpn_cni_env {
	char command[16];
	char container_id[256];
	char netns[256];
	char ifname[16];
	char pod_name[254];
	char pod_ns[254];
	char pod_uid[64];
	char mac[18]; /* CNI_ARGS MAC= */
	char ip[128]; /* CNI_ARGS IP= */
};

/* server_socket, when it exists, is a socket owned by root: 0, or -EPERM with
 * e filled. */
int dpn_cni_check_server(const char *path, struct dpn_cni_err *e);

#define DPN_CNI_DEVINFO_DIR "/var/run/k8s.cni.cncf.io/devinfo/cni"

/* Where the attachment's device-info file goes: the path Multus passed, else
 * the one Multus would pick (<network>-<container>_<ifname> in the CNI
 * device-info dir, '/' made '-'). -ENAMETOOLONG when it does not fit. */
int dpn_cni_devinfo_path(const struct dpn_cni_conf *c, const struct dpn_cni_env *env,
        const char *dir, char *out, size_t len);
/* Device Information Specification 1.1.0 for a vhost-user socket as the pod
 * sees it (mount path + socket name); the pod is the server (OVS connects). */
json_t *dpn_cni_devinfo_json(const struct dpn_cni_conf *c, const char *sock_name);

extern const char *const dpn_cni_versions[];

/* Network config from stdin; 0 or -1 with e filled. */
int dpn_cni_parse_conf(const char *text, struct dpn_cni_conf *c, struct dpn_cni_err *e);
/* CNI_* variables through getenv-like lookup; what a command needs is checked. */
int dpn_cni_parse_env(
        const char *(*get)(const char *name), struct dpn_cni_env *env, struct dpn_cni_err *e);
/* vhost.add parameters for dpnoded, or vf.add's when the config has a
 * deviceID (dpn_cni_method says which). */
json_t *dpn_cni_add_params(const struct dpn_cni_conf *c, const struct dpn_cni_env *env);
/* "vhost" or "vf": the dpnoded methods (<kind>.add/.del/.list) of a config. */
const char *dpn_cni_kind(const struct dpn_cni_conf *c);
/* sandbox: the pod's netns for a netdev in it (a VF), NULL for a socket. */
json_t *dpn_cni_result(const char *version, const char *ifname, const char *mac,
        const char *socket_path, const char *sandbox, int mtu, json_t *ips, const char *asked);
json_t *dpn_cni_error_json(const char *version, const struct dpn_cni_err *e);
json_t *dpn_cni_version_json(const char *version);
void dpn_cni_seterr(struct dpn_cni_err *e, int code, const char *msg, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

#endif
