/* dpnode: the OVS-DPDK instance: lifecycle, supervision and reconcile. */
#ifndef DPN_OVS_H
#define DPN_OVS_H

#include <event2/event.h>
#include <jansson.h>
#include <stdbool.h>

#include "dpn_conf.h"
#include "dpn_err.h"
#include "dpn_module.h"

struct dpn_ovs;

/* converged: called each time the node goes from pending to converged. */
struct dpn_ovs *dpn_ovs_new(struct event_base *base, const struct dpn_conf *conf,
        void (*converged)(void *arg), void *arg);
/* changed: called (with dpn_ovs_new's arg) after each change of the replica
 * of OVS's database. */
void dpn_ovs_on_change(struct dpn_ovs *o, void (*changed)(void *arg));
/* Managed: creates the db if absent, adopts or starts ovsdb-server, and
 * ovs-vswitchd once its DPDK settings are in the db. Attach: connects. */
int dpn_ovs_start(struct dpn_ovs *o);
/* Stops supervised processes when the config says so (ovs.stop_on_exit). */
void dpn_ovs_shutdown(struct dpn_ovs *o);
void dpn_ovs_free(struct dpn_ovs *o);

/* A key of a map column; value NULL removes the key (maps are managed key
 * by key, so keys others set stay). */
struct dpn_ovs_kv {
	const char *key;
	const char *value;
};

#define DPN_OVS_PORT_KV_MAX 12

/* One port with its one interface, as a module wants it on a bridge. The
 * strings are the caller's; dpn_ovs_port_set copies what it keeps. */
struct dpn_ovs_port_spec {
	const char *name;  /* port and interface name (an interface name) */
	const char *owner; /* module owning the port, e.g. "vhost"; required */
	const char *type;  /* Interface type: "dpdkvhostuserclient", "dpdk", "system"... */
	int mtu;           /* mtu_request; 0: OVS's default */
	int n_options, n_iface_ids, n_port_ids;
	struct dpn_ovs_kv options[DPN_OVS_PORT_KV_MAX];   /* Interface options */
	struct dpn_ovs_kv iface_ids[DPN_OVS_PORT_KV_MAX]; /* Interface external_ids */
	struct dpn_ovs_kv port_ids[DPN_OVS_PORT_KV_MAX];  /* Port external_ids */
};

/* Appends key=value to one of a spec's maps; -ENOSPC past DPN_OVS_PORT_KV_MAX. */
int dpn_ovs_kv_add(struct dpn_ovs_kv *map, int *n, const char *key, const char *value);
/* Checks a spec (names, type, keys); -EINVAL with err naming the field. */
int dpn_ovs_port_spec_check(const struct dpn_ovs_port_spec *s, struct dpn_err *err);
/* Makes the port desired on bridge (replacing its earlier spec) and starts a
 * reconcile. -ENOENT: no such bridge; -EEXIST: another owner has that name
 * (a config port or another module's); -EINVAL: bad spec. Changes nothing
 * on error. */
int dpn_ovs_port_set(struct dpn_ovs *o, const char *bridge, const struct dpn_ovs_port_spec *s,
        struct dpn_err *err);
/* Drops owner's port from the desired state (OVS deletes it at the next
 * reconcile). -ENOENT when owner has no such port there. */
int dpn_ovs_port_del(struct dpn_ovs *o, const char *bridge, const char *name, const char *owner);

/* The names of owner's ports on bridge (new reference, an array). */
json_t *dpn_ovs_owned_ports(struct dpn_ovs *o, const char *bridge, const char *owner);

/* A planned ovs-vswitchd restart with flow-restore-wait (managed mode):
 * 0 once started (status ovs.planned_restart follows it), -EBUSY while one
 * is in progress, -EOPNOTSUPP in attach mode. */
int dpn_ovs_restart(struct dpn_ovs *o, struct dpn_err *err);
/* A startup setting (other_config key ovs-vswitchd reads only when it
 * starts, e.g. "hw-offload") as the running vswitchd started with it ("" not
 * set). -ENOENT: not known (no vswitchd, or one dpnoded did not start). */
int dpn_ovs_startup_value(struct dpn_ovs *o, const char *key, char *val, size_t len);
/* Starts a reconcile now (API "reconcile", after changes). */
void dpn_ovs_kick(struct dpn_ovs *o);
bool dpn_ovs_converged(const struct dpn_ovs *o);

/* One interface as in status' bridges[].ports[], or NULL when OVS has no
 * such interface (yet); new reference. */
json_t *dpn_ovs_iface_status(struct dpn_ovs *o, const char *port, const char *name);
/* A reader of interface counters (rx_packets...) in dpn_ovs_iface_status
 * says so: they are read from OVS at most once a second, on demand (the
 * caller gets the last ones read). dpn_ovs_status does it itself. */
void dpn_ovs_counters_want(struct dpn_ovs *o);
/* An interface dpnode does not own (another CNI's pod, an operator's port)
 * whose external_ids:iface-id is iface_id: 1 with its name, else 0.
 * ovn-controller binds a logical port to one interface only. */
int dpn_ovs_iface_id_foreign(struct dpn_ovs *o, const char *iface_id, char *name, size_t len);
/* The running ovs-vswitchd's unixctl socket (for its PMD reports): 0, or
 * -ENOENT when none runs or its socket is not there. */
int dpn_ovs_ctl_socket(struct dpn_ovs *o, char *buf, size_t len);
/* Status object (see docs/status.md), new reference. */
json_t *dpn_ovs_status(struct dpn_ovs *o);

/* The last reconcile problem (OVS's words), "" when none. */
const char *dpn_ovs_last_error(const struct dpn_ovs *o);

/* The module: OVS-DPDK kept converged (depends on hugepages and sriov, which
 * make the memory and the devices OVS is asked to use). Its state, for the
 * modules that depend on it, is reached with dpn_ovs_of(). Status: the keys
 * of dpn_ovs_status, {"ovs": {"mode": "none"}} without OVS. API: reconcile. */
extern const struct dpn_module dpn_ovs_module;
/* The OVS instance of the module's state; NULL with ovs.mode none. */
struct dpn_ovs *dpn_ovs_of(void *module_state);

#endif
