/* dpnode device plugin internals shared by its files. */
#ifndef DPN_DEVPLUGIN_PRIV_H
#define DPN_DEVPLUGIN_PRIV_H

#include <event2/event.h>
#include <grpc/grpc.h>
#include <jansson.h>

#include "dpn_conf_devplugin.h"
#include "devplugin_res.h"
#include "devplugin_grpc.h"
#include "dpn_sriov.h"
#include "dpn_sriov_mon.h"

struct dpn_devep;
struct dpn_devreg;

/* One served resource. */
struct dpn_devslot {
	struct dpn_devplugin *pl;
	struct dpn_devres res;
	struct dpn_devep *ep; /* NULL while (re)starting */
	bool restarting;      /* the old server is stopping; a new one follows */
	bool registered;
	bool again;             /* register again when the call in flight ends */
	struct dpn_devreg *reg; /* Register call in flight */
	int attempts;
	long allocs; /* Allocate calls served since start */
};

struct dpn_devplugin {
	const struct dpn_devplugin_conf *conf;
	const struct dpn_nic_table *nics;
	struct dpn_sriov_mon *mon;
	struct dpn_devplugin_pools pools; /* a copy: the NIC-table defaults grow with PFs */
	bool defaults;
	const struct dpn_inventory *inv; /* the monitor's, borrowed */
	int n_slot;
	struct dpn_devslot *slot[DPN_DEVPLUGIN_MAX_POOLS];
	json_t *state; /* {"allocations": {"<pci>": {"resource", "time"}}} */
	int ino_fd, ino_wd;
	struct event *ino_ev, *retry, *save_ev;
	bool state_dirty;
	bool stopping;
};

/* endpoint.c: one resource's gRPC server on its socket. */
struct dpn_devep *dpn_devep_start(
        struct dpn_devplugin *pl, struct dpn_devslot *s, const char *path);
/* Async: cancels every call, cb(arg) once the server and its calls are gone. */
void dpn_devep_stop(struct dpn_devep *ep, void (*cb)(void *arg), void *arg);
/* The device list changed: send it on every ListAndWatch stream. */
void dpn_devep_push(struct dpn_devep *ep);
int dpn_devep_n_streams(const struct dpn_devep *ep);

/* rpc.c: the DevicePlugin methods over packed messages. */
/* One unary call: 0 with *out, or -errno with err (the endpoint turns the
 * errno into a gRPC status: EINVAL invalid argument, ENOSYS unimplemented,
 * others internal). */
int dpn_devrpc_unary(struct dpn_devplugin *pl, struct dpn_devslot *s, const char *method,
        grpc_slice in, grpc_byte_buffer **out, struct dpn_err *err);
grpc_byte_buffer *dpn_devrpc_devices(const struct dpn_devres *r);
/* Registration.Register to kubelet.sock; done(s, ok, msg) on the loop. */
int dpn_devrpc_register(struct dpn_devplugin *pl, struct dpn_devslot *s,
        void (*done)(struct dpn_devplugin *pl, struct dpn_devslot *s, bool ok, const char *msg));

/* Stops a Register in flight (its done still runs, not ok). */
void dpn_devrpc_register_cancel(struct dpn_devreg *r);

/* plugin.c */
int dpn_devplugin_record(struct dpn_devplugin *pl, struct dpn_devslot *s, json_t *devinfo);

struct dpn_devplugin *dpn_devplugin_new(struct event_base *base,
        const struct dpn_devplugin_conf *conf, const struct dpn_nic_table *nics,
        struct dpn_sriov_mon *mon);
/* Stops every endpoint (their sockets go away) and waits for the calls. */
void dpn_devplugin_free(struct dpn_devplugin *pl);
/* {"resources": [{"resource", "endpoint", "registered", "streams", counts,
 *  with devices: "devices": [{"id", "health", "numa", "pf", "why", "allocated"}]}]} */
json_t *dpn_devplugin_status(struct dpn_devplugin *pl, bool devices);

#endif
