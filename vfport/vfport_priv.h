/* vfport internal: the module's state, shared by vfport.c (module, API,
 * state file) and vf_apply.c (what ADD and DEL do to the machine). */
#ifndef DPN_VFPORT_PRIV_H
#define DPN_VFPORT_PRIV_H

#include "dpn_conf.h"
#include "dpn_ovn.h"
#include "dpn_state.h"
#include "dpn_stats.h"
#include "dpn_vfport.h"

struct dpn_vfport {
	const struct dpn_conf *conf;
	char bridge[16];
	char uplink[64]; /* the uplink device given to OVS (%U), "" none */
	struct dpn_ovs *ovs;
	struct dpn_ovn *ovn; /* NULL without OVN */
	void *sriov;         /* the sriov module's state */
	long bind_timeout_ms;
	int host_fd;   /* dpnoded's network namespace */
	json_t *ports; /* key -> entry (see vf_apply.c) */
	bool from_prev;
	struct dpn_state state;
	struct dpn_req_stats adds, dels;
};

/* Everything ADD does, undone on any failure; *entry is the record. */
int vfp_apply(struct dpn_vfport *v, struct dpn_vfport_req *r, json_t **entry, struct dpn_err *err);
/* Everything DEL undoes, from the record. */
int vfp_unapply(struct dpn_vfport *v, json_t *entry, struct dpn_err *err);
/* The record's OVS port back into the desired state (a restart). */
int vfp_port_from_entry(struct dpn_vfport *v, json_t *entry, struct dpn_err *err);

#endif
