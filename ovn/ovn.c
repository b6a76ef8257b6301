/* OVN as a dpnoded module: a Southbound connection that carries only the
 * Port_Binding rows of the ports dpnode makes and this chassis's row, and
 * the ovn-controller that binds them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DPN_LOG_MOD "ovn"
#include "dpn_log.h"
#include "dpn_util.h"
#include "ovn_priv.h"

#define SB_DB "OVN_Southbound"

static const char *const pb_cols[] = {"logical_port", "mac", "up", "chassis", NULL};
static const char *const pb_sets[] = {"mac", "up", "chassis", NULL};
static const char *const ch_cols[] = {"name", "hostname", NULL};
const struct dpn_ovsdb_monitor_table dpn_ovn_sb_tables[] = {
        {"Port_Binding", pb_cols, pb_sets},
        {"Chassis", ch_cols, NULL},
        {NULL, NULL, NULL},
};

struct dpn_ovn *dpn_ovn_of(void *module_state)
{
	return module_state;
}

/* [["logical_port", "==", P], ...], or [false]: what the server sends us. */
static json_t *pb_where(struct dpn_ovn *n)
{
	json_t *w = json_array(), *v;
	const char *lp;

	json_object_foreach (n->watched, lp, v)
		json_array_append_new(w, json_pack("[s, s, s]", "logical_port", "==", lp));
	if (!json_array_size(w))
		json_array_append_new(w, json_false());
	return w;
}

/* Each change bumps gen by one and the server answers in order, so each
 * answer acknowledges the next generation. A lost connection fails the
 * changes in flight; the resync after it carries the current condition. */
static void cond_done(void *arg, json_t *result, const struct dpn_err *err)
{
	struct dpn_ovn *n = arg;
	(void)result;
	if (err && err->code == -ECONNRESET)
		return;
	if (err)
		LOG_WARN_RL("Southbound refused the port condition: %s", err->msg);
	n->acked++;
	dpn_node_changed(n->node); /* a port asked for may be known now */
}

static void cond_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dpn_ovn *n = arg;
	(void)fd;
	(void)what;

	n->gen++;
	if (dpn_ovsdb_set_where(n->sb, "Port_Binding", pb_where(n), cond_done, n) < 0)
		LOG_WARN_RL("cannot update the Southbound condition");
}

int dpn_ovn_watch(struct dpn_ovn *n, const char *lport)
{
	if (json_object_get(n->watched, lport))
		return 0;
	/* the next condition change carries it: gen + 1 */
	json_object_set_new(n->watched, lport, json_integer(n->gen + 1));
	event_active(n->cond_ev, EV_TIMEOUT, 0);
	return 0;
}

void dpn_ovn_unwatch(struct dpn_ovn *n, const char *lport)
{
	if (json_object_del(n->watched, lport) == 0)
		event_active(n->cond_ev, EV_TIMEOUT, 0);
}

static json_t *find_binding(struct dpn_ovn *n, const char *lport)
{
	json_t *row;
	const char *u;

	json_object_foreach (dpn_ovsdb_table(n->sb, "Port_Binding"), u, row)
		if (!strcmp(json_string_value(json_object_get(row, "logical_port")) ?: "", lport))
			return row;
	return NULL;
}

int dpn_ovn_port(struct dpn_ovn *n, const char *lport, struct dpn_ovn_port *p, struct dpn_err *err)
{
	json_t *w = json_object_get(n->watched, lport);

	if (!dpn_ovsdb_is_connected(n->sb))
		return dpn_err_set(err, -EAGAIN, "not connected to the OVN Southbound (%s)",
		        n->conf->ovn.sb_remote);
	if (!w || (unsigned)json_integer_value(w) > n->acked)
		return dpn_err_set(err, -EAGAIN, "logical port %s: asking the Southbound", lport);
	json_t *row = find_binding(n, lport);
	if (!row)
		return dpn_err_set(err, -ENOENT,
		        "logical port %s does not exist in the OVN Southbound (yet)", lport);
	return dpn_ovn_port_from_binding(lport, row, p, err);
}

int dpn_ovn_port_wait(struct dpn_ovn *n, const char *lport, long timeout_ms, struct dpn_ovn_port *p,
        struct dpn_err *err)
{
	uint64_t now = dpn_now_ms();
	int ret;

	dpn_ovn_watch(n, lport);
	if ((ret = dpn_ovn_port(n, lport, p, err)) != -EAGAIN && ret != -ENOENT) {
		json_object_del(n->asked, lport);
		return ret;
	}
	json_t *t = json_object_get(n->asked, lport);
	if (!t) {
		json_object_set_new(n->asked, lport, json_integer(now));
	} else if (now - json_integer_value(t) > (uint64_t)timeout_ms) {
		char why[DPN_ERR_MSG_MAX];
		snprintf(why, sizeof(why), "%s", err->msg);
		json_object_del(n->asked, lport);
		dpn_ovn_unwatch(n, lport);
		return dpn_err_set(
		        err, -ETIMEDOUT, "gave up after %ld s: %s", timeout_ms / 1000, why);
	}
	return err->code == -EAGAIN ? ret : dpn_err_set(err, -EAGAIN, "%s", err->msg);
}

int dpn_ovn_port_from_binding(
        const char *lport, json_t *row, struct dpn_ovn_port *p, struct dpn_err *err)
{
	json_t *macs = dpn_ovsdb_plain(json_object_get(row, "mac"));
	json_t *up = dpn_ovsdb_plain(json_object_get(row, "up"));
	/* a set: the first entry with a MAC is the port's ("MAC IP...") */
	const char *entry = json_is_string(macs) ? json_string_value(macs)
	                                         : json_string_value(json_array_get(macs, 0));
	int ret =
	        entry ? dpn_ovn_parse_addresses(lport, entry, p, err)
	              : dpn_err_set(err, -EINVAL, "logical port %s has no addresses in OVN", lport);
	if (ret == 0)
		p->up = json_is_true(up);
	json_decref(macs);
	json_decref(up);
	return ret;
}

static bool chassis_registered(struct dpn_ovn *n)
{
	return json_object_size(dpn_ovsdb_table(n->sb, "Chassis")) > 0;
}

static void sb_connected(void *arg)
{
	struct dpn_ovn *n = arg;
	n->acked = n->gen; /* the monitor_cond carried the current condition */
	LOG_INFO("Southbound %s: synced (%zu of our ports bound there)", n->conf->ovn.sb_remote,
	        json_object_size(dpn_ovsdb_table(n->sb, "Port_Binding")));
	dpn_node_changed(n->node);
}

static void sb_changed(void *arg)
{
	struct dpn_ovn *n = arg;
	dpn_node_changed(n->node);
}

static void sb_noop(void *arg)
{
	(void)arg;
}

static int ovn_init(struct dpn_node *node, void **priv, struct dpn_err *err)
{
	static const struct dpn_ovsdb_ops ops = {
	        .connected = sb_connected, .disconnected = sb_noop, .changed = sb_changed};
	const struct dpn_conf *c = dpn_node_conf(node);
	struct dpn_ovn *n = calloc(1, sizeof(*n));
	int ret;

	if (!n)
		return dpn_err_set(err, -ENOMEM, "out of memory");
	*n = (struct dpn_ovn){
	        .node = node, .conf = c, .watched = json_object(), .asked = json_object()};
	n->cond_ev = event_new(dpn_node_base(node), -1, 0, cond_cb, n);
	n->sb = dpn_ovsdb_new_cond(
	        dpn_node_base(node), c->ovn.sb_remote, SB_DB, dpn_ovn_sb_tables, &ops, n);
	const struct dpn_ssl_conf *s = &c->ovn.ssl;
	if (n->sb && s->set &&
	        (ret = dpn_ovsdb_use_ssl(n->sb, s->private_key, s->certificate, s->ca_cert, err)) <
	                0)
		dpn_err_prefix(err, "ovn.ssl");
	if (!n->sb || !n->cond_ev || err->code ||
	        (ret = ovn_controller_init(&n->ctl, dpn_node_base(node), c, err)) < 0) {
		dpn_ovsdb_free(n->sb);
		json_decref(n->watched);
		json_decref(n->asked);
		free(n);
		return err->code ? err->code : dpn_err_set(err, -ENOMEM, "out of memory");
	}
	dpn_ovsdb_set_where(n->sb, "Chassis",
	        json_pack("[[s, s, s]]", "name", "==", c->ovn.system_id), NULL, NULL);
	*priv = n;
	return 0;
}

static int ovn_start(void *priv, struct dpn_err *err)
{
	struct dpn_ovn *n = priv;
	return ovn_controller_start(&n->ctl, err);
}

static int ovn_status(void *priv, json_t *st, struct dpn_err *err)
{
	struct dpn_ovn *n = priv;
	bool sb = dpn_ovsdb_is_connected(n->sb), reg = sb && chassis_registered(n);

	uint64_t rx, tx;
	dpn_ovsdb_bytes(n->sb, &rx, &tx);
	json_object_set_new(st, "ovn",
	        json_pack("{s:s, s:b, s:s, s:b, s:I, s:I, s:I, s:o}", "sb_remote",
	                n->conf->ovn.sb_remote, "sb_connected", sb, "chassis",
	                n->conf->ovn.system_id, "chassis_registered", reg, "watched_ports",
	                (json_int_t)json_object_size(n->watched), "sb_rx_bytes", (json_int_t)rx,
	                "sb_tx_bytes", (json_int_t)tx, "controller",
	                ovn_controller_status(&n->ctl)));
	const char *why = dpn_ovsdb_last_error(n->sb);
	json_object_set_new(
	        json_object_get(st, "ovn"), "sb_error", why ? json_string(why) : json_null());
	json_object_set_new(
	        json_object_get(st, "ovn"), "sb_resumed", json_integer(dpn_ovsdb_resumed(n->sb)));
	if (!sb)
		return dpn_err_set(err, -EINPROGRESS, "connecting to the Southbound %s%s%s",
		        n->conf->ovn.sb_remote, why ? ": " : "", why ? why : "");
	if (!reg)
		return dpn_err_set(err, -EINPROGRESS,
		        "chassis %s is not registered in the Southbound yet",
		        n->conf->ovn.system_id);
	return 0;
}

static void ovn_stop(void *priv)
{
	struct dpn_ovn *n = priv;
	ovn_controller_stop(&n->ctl);
}

static void ovn_fini(void *priv)
{
	struct dpn_ovn *n = priv;
	ovn_controller_fini(&n->ctl);
	dpn_ovsdb_free(n->sb);
	event_free(n->cond_ev);
	json_decref(n->watched);
	json_decref(n->asked);
	free(n);
}

static void ovn_undo(struct dpn_node *node)
{
	ovn_controller_undo(dpn_node_base(node), dpn_node_conf(node));
}

static const char *ovn_disabled(const struct dpn_conf *c)
{
	return c->ovn.remote[0] ? NULL : "no ovn.remote: the node runs without OVN";
}

const struct dpn_module dpn_ovn_module = {
        .name = "ovn",
        .depends_on = (const char *const[]){"ovs", NULL},
        .disabled = ovn_disabled,
        .undo = ovn_undo,
        .init = ovn_init,
        .start = ovn_start,
        .status = ovn_status,
        .stop = ovn_stop,
        .fini = ovn_fini,
};
