/* ovn internal: state shared by ovn.c (Southbound) and controller.c. */
#ifndef DPN_OVN_PRIV_H
#define DPN_OVN_PRIV_H

#include "dpn_conf.h"
#include "dpn_ovn.h"
#include "dpn_ovsdb.h"
#include "dpn_proc.h"

struct ovn_controller {
	const struct dpn_conf *conf;
	struct dpn_proc *proc;
	struct event *restart_ev;
	int backoff_ms;
	bool managed, stopping;
};

struct dpn_ovn {
	struct dpn_node *node;
	const struct dpn_conf *conf;
	struct dpn_ovsdb *sb;
	json_t *watched;       /* lport -> generation of the condition that has it */
	json_t *asked;         /* lport -> first dpn_ovn_port_wait (ms) while OVN lacks it */
	unsigned gen, acked;   /* condition generations sent and acknowledged */
	struct event *cond_ev; /* coalesces watch/unwatch into one condition change */
	struct ovn_controller ctl;
};

/* What dpnoded monitors in the Southbound ({NULL} terminated). */
extern const struct dpn_ovsdb_monitor_table dpn_ovn_sb_tables[];

int ovn_controller_init(struct ovn_controller *c, struct event_base *base,
        const struct dpn_conf *conf, struct dpn_err *err);
int ovn_controller_start(struct ovn_controller *c, struct dpn_err *err);
void ovn_controller_stop(struct ovn_controller *c);
void ovn_controller_fini(struct ovn_controller *c);
json_t *ovn_controller_status(struct ovn_controller *c);
void ovn_controller_undo(struct event_base *base, const struct dpn_conf *conf);

#endif
