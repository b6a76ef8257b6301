/* dpnode device plugin internals shared by its files. */
#ifndef DPN_DP_PRIV_H
#define DPN_DP_PRIV_H

#include <event2/event.h>
#include <grpc/grpc.h>
#include <jansson.h>

#include "dpn_conf.h"
#include "dpn_dpres.h"
#include "dpn_gcore.h"
#include "dpn_sriov.h"
#include "dpn_sriov_mon.h"

struct dpn_dpep;
struct dpn_dpreg;

/* One served resource. */
struct dpn_dpslot {
	struct dpn_dplugin *pl;
	struct dpn_dpres res;
	struct dpn_dpep *ep; /* NULL while (re)starting */
	bool restarting;     /* the old server is stopping; a new one follows */
	bool registered;
	bool again;            /* register again when the call in flight ends */
	struct dpn_dpreg *reg; /* Register call in flight */
	int attempts;
	long allocs; /* Allocate calls served since start */
};

struct dpn_dplugin {
	const struct dpn_dp_conf *conf;
	const struct dpn_nic_table *nics;
	struct dpn_sriov_mon *mon;
	struct dpn_dp_pools pools; /* a copy: the NIC-table defaults grow with PFs */
	bool defaults;
	const struct dpn_inventory *inv; /* the monitor's, borrowed */
	int n_slot;
	struct dpn_dpslot *slot[DPN_DP_MAX_POOLS];
	json_t *state; /* {"allocations": {"<pci>": {"resource", "time"}}} */
	int ino_fd, ino_wd;
	struct event *ino_ev, *retry, *save_ev;
	bool state_dirty;
	bool stopping;
};

/* endpoint.c: one resource's gRPC server on its socket. */
struct dpn_dpep *dpn_dpep_start(struct dpn_dplugin *pl, struct dpn_dpslot *s, const char *path);
/* Async: cancels every call, cb(arg) once the server and its calls are gone. */
void dpn_dpep_stop(struct dpn_dpep *ep, void (*cb)(void *arg), void *arg);
/* The device list changed: send it on every ListAndWatch stream. */
void dpn_dpep_push(struct dpn_dpep *ep);
int dpn_dpep_n_streams(const struct dpn_dpep *ep);

/* rpc.c: the DevicePlugin methods over packed messages. */
grpc_byte_buffer *dpn_dprpc_unary(struct dpn_dplugin *pl, struct dpn_dpslot *s, const char *method,
        grpc_slice in, grpc_status_code *st, char **msg);
grpc_byte_buffer *dpn_dprpc_devices(const struct dpn_dpres *r);
/* Registration.Register to kubelet.sock; done(s, ok, msg) on the loop. */
int dpn_dprpc_register(struct dpn_dplugin *pl, struct dpn_dpslot *s,
        void (*done)(struct dpn_dplugin *pl, struct dpn_dpslot *s, bool ok, const char *msg));

/* Stops a Register in flight (its done still runs, not ok). */
void dpn_dprpc_register_cancel(struct dpn_dpreg *r);

/* plugin.c */
int dpn_dplugin_record(struct dpn_dplugin *pl, struct dpn_dpslot *s, json_t *devinfo);

#endif
