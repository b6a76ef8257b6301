/* OVS-DPDK lifecycle and the reconcile loop. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DPN_LOG_MOD "ovs"
#include "ovs_desired.h"
#include "dpn_log.h"
#include "ovs_nl.h"
#include "ovs_reconcile.h"
#include "ovs_schema.h"
#include "ovs_priv.h"

#define RESYNC_MS         2000
#define FULL_RESYNC_EVERY 30
#define RESTART_MIN_MS    200
#define RESTART_MAX_MS    5000
#define STABLE_UPTIME_S   30

static void kick_cb(evutil_socket_t fd, short what, void *arg);

void dpn_ovs_kick(struct dpn_ovs *o)
{
	event_active(o->kick_ev, EV_TIMEOUT, 0);
}

json_t *dpn_ovs_open_vswitch(struct dpn_ovs *o, const char **uuid)
{
	const char *u;
	json_t *row;
	json_object_foreach (dpn_ovsdb_table(o->db, OVS_T_OPEN_VSWITCH), u, row) {
		if (uuid)
			*uuid = u;
		return row;
	}
	return NULL;
}

static json_t *ovs_row(struct dpn_ovs *o)
{
	return dpn_ovs_open_vswitch(o, NULL);
}

static bool dpdk_initialized(struct dpn_ovs *o)
{
	return json_is_true(json_object_get(ovs_row(o), OVS_C_DPDK_INITIALIZED));
}

void dpn_ovs_log_tail_error(const char *path, char *buf, size_t len)
{
	char chunk[65536], *line, *save = NULL;
	FILE *f = fopen(path, "re");
	size_t n;

	buf[0] = '\0';
	if (!f)
		return;
	if (fseek(f, -(long)(sizeof(chunk) - 1), SEEK_END) < 0)
		rewind(f);
	n = fread(chunk, 1, sizeof(chunk) - 1, f);
	fclose(f);
	chunk[n] = '\0';
	for (line = strtok_r(chunk, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "|ERR|") || strstr(line, "|EMER|"))
			snprintf(buf, len, "%s", line);
}

/* Runs a tool to completion (ovsdb-tool); its stdout goes to out if given. */
static int run_tool(char *const argv[], char *out, size_t outlen)
{
	int pfd[2], status;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(pfd[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	char discard[256];
	size_t off = 0;
	ssize_t r;
	/* Keep draining even when out is full so the tool never blocks on us. */
	while ((r = read(pfd[0], out && off + 1 < outlen ? out + off : discard,
	                out && off + 1 < outlen ? outlen - 1 - off : sizeof(discard))) > 0)
		if (out && off + 1 < outlen)
			off += r;
	close(pfd[0]);
	if (out)
		out[off] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -EIO;
	return 0;
}

static int ensure_db(struct dpn_ovs *o)
{
	const struct dpn_ovs_conf *c = &o->conf->ovs;
	char dir[DPN_PATH_MAX], out[64];
	int ret;

	snprintf(dir, sizeof(dir), "%s", c->db_file);
	if ((ret = dpn_mkdir_p(dirname(dir), 0755)) < 0)
		return ret;
	if (access(c->db_file, F_OK) < 0) {
		char *argv[] = {(char *)c->ovsdb_tool_bin, "create", (char *)c->db_file,
		        (char *)c->schema, NULL};
		LOG_INFO("creating OVS database %s", c->db_file);
		if ((ret = run_tool(argv, NULL, 0)) < 0)
			LOG_ERR("%s create %s %s failed", c->ovsdb_tool_bin, c->db_file, c->schema);
		return ret;
	}
	char *argv[] = {(char *)c->ovsdb_tool_bin, "needs-conversion", (char *)c->db_file,
	        (char *)c->schema, NULL};
	if (run_tool(argv, out, sizeof(out)) == 0 && !strncmp(out, "yes", 3)) {
		char *conv[] = {(char *)c->ovsdb_tool_bin, "convert", (char *)c->db_file,
		        (char *)c->schema, NULL};
		LOG_INFO("converting %s to the installed schema", c->db_file);
		return run_tool(conv, NULL, 0);
	}
	return 0;
}

static void proc_out_path(struct dpn_ovs *o, const char *name, char *buf, size_t len)
{
	if (dpn_snprintf(buf, len, "%s/%s.out", o->conf->ovs.log_dir, name) < 0)
		return;
}

/* ovs-ctl's levels, which Kube-OVN's start script gets: the log file has
 * everything, syslog and the console only errors. OVS's own default sends
 * every info line to syslog too, and where /dev/log is missing (a node's
 * ovs pod) glibc opens, connects and closes a socket for each: 40 % of
 * vswitchd's main thread in a 1000-port burst. log_levels come after these. */
#define VLOG_BASE "-vconsole:emer", "-vsyslog:err", "-vfile:info"

static int start_ovsdb(struct dpn_ovs *o)
{
	const struct dpn_ovs_conf *c = &o->conf->ovs;
	char remote[300], pidf[300], log[300], out[300];
	int ret;

	if ((ret = ensure_db(o)) < 0)
		return ret;
	snprintf(remote, sizeof(remote), "--remote=punix:%s", c->db_socket);
	if (dpn_snprintf(pidf, sizeof(pidf), "--pidfile=%s/ovsdb-server.pid", c->run_dir) < 0)
		return -ENAMETOOLONG;
	if (dpn_snprintf(log, sizeof(log), "--log-file=%s/ovsdb-server.log", c->log_dir) < 0)
		return -ENAMETOOLONG;
	char *argv[] = {(char *)c->ovsdb_server_bin, (char *)c->db_file, remote,
	        "--remote=db:Open_vSwitch,Open_vSwitch,manager_options", pidf, log, VLOG_BASE,
	        NULL};
	proc_out_path(o, "ovsdb-server", out, sizeof(out));
	return dpn_proc_start(o->dbproc, argv, out);
}

static int start_vswitchd(struct dpn_ovs *o)
{
	const struct dpn_ovs_conf *c = &o->conf->ovs;
	char db[300], pidf[300], log[DPN_PATH_MAX + 48], out[300];
	char vlog[DPN_OVS_MAX_LOG_LEVELS][72];
	char *argv[8 + DPN_OVS_MAX_LOG_LEVELS] = {
	        (char *)c->vswitchd_bin, db, pidf, log, VLOG_BASE};
	int ret, n = 0;

	while (argv[n]) /* the configured levels go after the fixed ones */
		n++;

	snprintf(db, sizeof(db), "unix:%s", c->db_socket);
	if (dpn_snprintf(pidf, sizeof(pidf), "--pidfile=%s/ovs-vswitchd.pid", c->run_dir) < 0)
		return -ENAMETOOLONG;
	snprintf(log, sizeof(log), "--log-file=%s", o->vs_log);
	for (int i = 0; i < c->n_log_levels; i++) {
		snprintf(vlog[i], sizeof(vlog[i]), "-v%s", c->log_levels[i]);
		argv[n++] = vlog[i];
	}
	argv[n] = NULL;
	proc_out_path(o, "ovs-vswitchd", out, sizeof(out));
	/* a failed init's error stays until one succeeds: a vswitchd that keeps
	 * failing is restarted in between, and status must not flicker to null */
	o->bump_cfg = true;
	ret = dpn_proc_start(o->vsproc, argv, out);
	if (ret == 0) {
		ovs_startup_started(o, dpn_proc_pid(o->vsproc));
		struct timeval tv = {c->dpdk.init_timeout_s, 0};
		evtimer_add(o->init_ev, &tv);
	}
	return ret;
}

static void init_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dpn_ovs *o = arg;
	char line[512];
	(void)fd;
	(void)what;

	if (dpdk_initialized(o) || !dpn_proc_pid(o->vsproc))
		return;
	dpn_ovs_log_tail_error(o->vs_log, line, sizeof(line));
	snprintf(o->dpdk_init_error, sizeof(o->dpdk_init_error),
	        "DPDK not initialized %ds after ovs-vswitchd started; %s: %s",
	        o->conf->ovs.dpdk.init_timeout_s, o->vs_log, line[0] ? line : "(no error logged)");
	LOG_ERR("%s", o->dpdk_init_error);
}

static void restart_cb(evutil_socket_t fd, short what, void *arg)
{
	struct restart *r = arg;
	struct dpn_ovs *o = r->o;
	(void)fd;
	(void)what;

	if (o->shutting_down || dpn_proc_pid(r->proc))
		return;
	if (!(r->proc == o->vsproc && ovs_planned_exit(o))) /* ours is not a failure */
		dpn_proc_count_restart(r->proc);
	if (r->proc == o->dbproc)
		start_ovsdb(o);
	/* vswitchd waits for the reconcile loop: its DPDK settings must be in the db. */
	dpn_ovs_kick(o);
}

static void on_proc_exit(void *arg, struct dpn_proc *p, int status)
{
	struct dpn_ovs *o = arg;
	struct restart *r = p == o->dbproc ? &o->db_restart : &o->vs_restart;
	(void)status;

	o->converged = false;
	if (p == o->vsproc)
		o->bump_cfg = true;
	if (o->shutting_down || o->conf->ovs.mode != DPN_OVS_MANAGED)
		return;
	if (p == o->vsproc && !dpdk_initialized(o)) {
		char line[512];
		dpn_ovs_log_tail_error(o->vs_log, line, sizeof(line));
		if (line[0]) {
			snprintf(o->dpdk_init_error, sizeof(o->dpdk_init_error),
			        "ovs-vswitchd exited before DPDK initialized; %s: %s", o->vs_log,
			        line);
			LOG_ERR("%s", o->dpdk_init_error);
		}
	}
	if (p == o->vsproc && ovs_planned_exit(o)) {
		struct timeval now = {0, 0};
		LOG_INFO("ovs-vswitchd stopped for the planned restart: starting it");
		evtimer_add(r->ev, &now);
		return;
	}
	struct timeval tv = {r->backoff_ms / 1000, (r->backoff_ms % 1000) * 1000};
	LOG_INFO("restarting %s in %d ms", dpn_proc_name(p), r->backoff_ms);
	evtimer_add(r->ev, &tv);
	r->backoff_ms = r->backoff_ms * 2 > RESTART_MAX_MS ? RESTART_MAX_MS : r->backoff_ms * 2;
}

/* vswitchd reads DPDK settings only when it starts: start it once they are in. */
static bool startup_config_applied(struct dpn_ovs *o)
{
	json_t *want = json_object_get(json_object_get(o->desired, "ovs"), OVS_C_OTHER_CONFIG), *v;
	json_t *have = json_object_get(ovs_row(o), OVS_C_OTHER_CONFIG);
	const char *k;

	if (!ovs_row(o))
		return false;
	json_object_foreach (want, k, v) {
		if (!dpn_desired_is_startup_key(k))
			continue;
		const char *h = dpn_ovsdb_map_get(have, k);
		if (json_is_null(v) ? h != NULL : !h || strcmp(h, json_string_value(v)))
			return false;
	}
	return true;
}

/* Everything is diffed again, and looked at for ports to delete. */
static void forget_clean(struct dpn_ovs *o)
{
	json_object_clear(o->clean);
	o->stale_possible = true;
}

static void txn_done(void *arg, json_t *result, const struct dpn_err *error)
{
	struct dpn_ovs *o = arg;
	(void)result;

	o->txn_inflight = false;
	if (error) {
		o->last_error = *error;
		o->txn_errors++;
		forget_clean(o); /* what was refused is diffed again, whole */
		LOG_ERR_RL("reconcile transaction failed: %s", error->msg);
		dpn_timer_arm_ms(o->resync_ev, 1000);
		return;
	}
	o->txns++;
	dpn_err_clear(&o->last_error);
	dpn_ovs_kick(o);
}

static bool ensure_host_side(struct dpn_ovs *o)
{
	const struct dpn_uplink_conf *u = &o->conf->uplink;
	bool changed;
	int ret;

	if (!u->present || !u->has_encap)
		return true;
	ret = dpn_nl_ensure_addr(u->bridge, &u->encap, &changed);
	if (ret == -ENODEV)
		return false; /* vswitchd has not created the bridge's tap yet */
	if (ret < 0) {
		dpn_err_set(&o->last_error, ret, "%s: cannot set encap IP: %s", u->bridge,
		        strerror(-ret));
		return false;
	}
	if (changed)
		LOG_INFO("%s: encap IP set and link up", u->bridge);
	return true;
}

/* As `ovs-vsctl --wait`: bump next_cfg; ovs-vswitchd copies it to cur_cfg once
 * it has applied the database, so stale rows after a crash are not mistaken
 * for a working datapath. */
static void add_cfg_bump(struct dpn_ovs *o, json_t *ops)
{
	const char *u;
	json_t *row;

	json_object_foreach (dpn_ovsdb_table(o->db, OVS_T_OPEN_VSWITCH), u, row) {
		json_array_append_new(
		        ops, json_pack("{s:s, s:s, s:o, s:[[s, s, i]]}", "op", "mutate", "table",
		                     OVS_T_OPEN_VSWITCH, "where", dpn_ovsdb_where_uuid(u),
		                     "mutations", OVS_C_NEXT_CFG, "+=", 1));
		return;
	}
}

bool dpn_ovs_vswitchd_ready(struct dpn_ovs *o)
{
	json_t *row = ovs_row(o);
	json_int_t cur = json_integer_value(json_object_get(row, OVS_C_CUR_CFG));
	json_int_t next = json_integer_value(json_object_get(row, OVS_C_NEXT_CFG));

	return dpdk_initialized(o) && cur >= next && !o->bump_cfg;
}

/* An Interface row by name, through the index (no scan per desired port). */
static json_t *iface_row(struct dpn_ovs *o, const char *name)
{
	const char *u = ovs_index_iface_uuid(o, name);
	return u ? dpn_ovsdb_row(o->db, OVS_T_INTERFACE, u) : NULL;
}

/* An interface OVS has with an ofport and no error; else why not. */
static bool iface_ok(json_t *row, char *why, size_t len)
{
	json_t *err = dpn_ovsdb_plain(json_object_get(row, OVS_C_ERROR));
	json_t *ofp = dpn_ovsdb_plain(json_object_get(row, OVS_C_OFPORT));
	bool ok = !json_is_string(err) && json_is_integer(ofp) && json_integer_value(ofp) >= 0;

	snprintf(why, len, "%s",
	        json_is_string(err) ? json_string_value(err) : "no OpenFlow port assigned");
	json_decref(err);
	json_decref(ofp);
	return ok;
}

/* Every desired interface exists in OVS with an ofport and no error; the
 * first problem goes to last_error (OVS's own words). */
static bool port_ifaces_ok(struct dpn_ovs *o, const char *bname, const char *pname, json_t *entry)
{
	json_t *ispec;
	const char *iname;
	char why[512];

	if (dpn_desired_port_packed(entry)) { /* one interface, the port's name */
		if (iface_ok(iface_row(o, pname), why, sizeof(why)))
			return true;
		dpn_err_set(&o->last_error, -EIO, "%s %s: %s", bname, pname, why);
		return false;
	}
	json_object_foreach (json_object_get(entry, "ifaces"), iname, ispec) {
		if (iface_ok(iface_row(o, iname), why, sizeof(why)))
			continue;
		dpn_err_set(&o->last_error, -EIO, "%s %s: %s", bname, iname, why);
		return false;
	}
	return true;
}

static bool ifaces_ok(struct dpn_ovs *o)
{
	json_t *bspec, *entry;
	const char *bname, *pname;

	json_object_foreach (json_object_get(o->desired, "bridges"), bname, bspec)
		json_object_foreach (json_object_get(bspec, "ports"), pname, entry)
			if (!port_ifaces_ok(o, bname, pname, entry))
				return false;
	return true;
}

static void reconcile(struct dpn_ovs *o)
{
	bool managed = o->conf->ovs.mode == DPN_OVS_MANAGED, was = o->converged;
	json_t *ops;

	o->converged = false;
	if (!dpn_ovsdb_is_connected(o->db) || o->txn_inflight)
		return;
	struct dpn_reconcile_cache rc = {.clean = o->clean,
	        .port_names = ovs_index_ports(o),
	        .no_stale = !o->stale_possible};
	ops = dpn_reconcile_ops_cached(o->desired, dpn_ovsdb_replica(o->db), &rc, &o->last_error);
	if (!ops) {
		dpn_log_limited(&o->err_log, DPN_LOG_ERR, DPN_LOG_MOD, "cannot reconcile: %s",
		        o->last_error.msg);
		return;
	}
	o->stale_possible = false; /* the pass scanned the bridges if it had to */
	if (json_array_size(ops) || o->bump_cfg) {
		if (json_array_size(ops))
			LOG_INFO("applying %zu OVSDB operation(s)", json_array_size(ops));
		add_cfg_bump(o, ops);
		json_array_append_new(ops,
		        json_pack("{s:s, s:s}", "op", "comment", "comment", "dpnoded: reconcile"));
		if (dpn_ovsdb_transact(o->db, ops, txn_done, o) == 0) {
			o->txn_inflight = true;
			o->bump_cfg = false;
		}
		return;
	}
	json_decref(ops);
	if (managed && !dpn_proc_pid(o->vsproc) && !evtimer_pending(o->vs_restart.ev, NULL) &&
	        startup_config_applied(o) && dpn_proc_adopt(o->vsproc) < 0)
		start_vswitchd(o);
	if (!managed)
		dpn_proc_adopt(o->vsproc); /* for status only */
	o->net_ok = ensure_host_side(o);
	bool ready = dpn_ovs_vswitchd_ready(o);
	if (ready)
		o->dpdk_init_error[0] = '\0';
	o->converged = o->net_ok && ready && (!managed || dpn_proc_pid(o->vsproc));
	if (o->converged && !ifaces_ok(o)) {
		o->converged = false;
		dpn_log_limited(&o->err_log, DPN_LOG_ERR, DPN_LOG_MOD, "%s", o->last_error.msg);
	}
	if (o->converged) {
		dpn_err_clear(&o->last_error);
		o->dpdk_init_error[0] = '\0';
		ovs_planned_adopt(o, ovs_row(o));
		ovs_planned_converged(o);
		ovs_startup_check(o);
	}
	if (o->converged && !was) {
		LOG_INFO("node datapath converged");
		/* A process that stayed up long enough earns a fresh backoff. */
		if (dpn_proc_uptime_s(o->vsproc) > STABLE_UPTIME_S)
			o->vs_restart.backoff_ms = RESTART_MIN_MS;
		if (o->on_converged)
			o->on_converged(o->arg);
	}
}

static void kick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	reconcile(arg);
}

static void resync_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dpn_ovs *o = arg;
	(void)fd;
	(void)what;
	/* every minute a pass that diffs everything: the safety net under the
	 * row-update bookkeeping; the 2 s passes in between diff what changed */
	if (++o->resyncs % FULL_RESYNC_EVERY == 0)
		forget_clean(o);
	reconcile(o);
	dpn_timer_arm_ms(o->resync_ev, RESYNC_MS);
}

static void db_connected(void *arg)
{
	struct dpn_ovs *o = arg;
	struct dpn_proc *p = o->dbproc;
	if (dpn_proc_uptime_s(p) > STABLE_UPTIME_S)
		o->db_restart.backoff_ms = RESTART_MIN_MS;
	forget_clean(o); /* a new replica: everything is diffed again */
	ovs_index_drop(o);
	dpn_ovs_kick(o);
}

static bool desired_port_named(struct dpn_ovs *o, const char *name)
{
	json_t *b;
	const char *bname;

	json_object_foreach (json_object_get(o->desired, "bridges"), bname, b)
		if (json_object_get(json_object_get(b, "ports"), name))
			return true;
	return false;
}

/* A port whose rows change is diffed again at the next reconcile. */
static void db_updating(void *arg, json_t *updates)
{
	static const char *const tables[] = {OVS_T_PORT, OVS_T_INTERFACE};
	struct dpn_ovs *o = arg;
	const char *uuid;
	json_t *ru;

	if (!updates) { /* the last one was malformed, not applied */
		forget_clean(o);
		ovs_index_drop(o);
		return;
	}
	for (int t = 0; t < 2; t++)
		json_object_foreach (json_object_get(updates, tables[t]), uuid, ru) {
			json_t *row = json_object_get(ru, "new") ?: json_object_get(ru, "insert");
			ovs_index_update(o, tables[t], uuid, ru);
			const char *name = json_string_value(json_object_get(row, OVS_C_NAME));
			if (!name)
				name = json_string_value(json_object_get(
				        dpn_ovsdb_row(o->db, tables[t], uuid), OVS_C_NAME));
			if (!name) {
				forget_clean(o);
				return;
			}
			json_object_del(o->clean, name);
			/* a Port that comes and is not desired may be one to delete */
			if (t == 0 && row && !dpn_ovsdb_row(o->db, OVS_T_PORT, uuid) &&
			        !desired_port_named(o, name))
				o->stale_possible = true;
		}
}

static void db_changed(void *arg)
{
	struct dpn_ovs *o = arg;
	dpn_ovs_kick(o);
	if (o->on_change)
		o->on_change(o->arg);
}

static void db_disconnected(void *arg)
{
	struct dpn_ovs *o = arg;
	forget_clean(o);
	ovs_index_drop(o);
	o->converged = false;
	o->txn_inflight = false;
}

static void restart_init(struct dpn_ovs *o, struct restart *r, struct dpn_proc *p)
{
	r->o = o;
	r->proc = p;
	r->backoff_ms = RESTART_MIN_MS;
	r->ev = evtimer_new(o->base, restart_cb, r);
}

void dpn_ovs_on_change(struct dpn_ovs *o, void (*changed)(void *arg))
{
	o->on_change = changed;
}

struct dpn_ovs *dpn_ovs_new(struct event_base *base, const struct dpn_conf *conf,
        void (*converged)(void *arg), void *arg)
{
	struct dpn_ovs *o = calloc(1, sizeof(*o));
	char pidf[300];

	if (!o)
		return NULL;
	o->base = base;
	o->conf = conf;
	o->on_converged = converged;
	o->arg = arg;
	o->desired = dpn_desired_from_conf(conf);
	o->clean = json_object();
	o->stale_possible = true;
	/* a persisting problem is logged again once a minute */
	o->err_log = (struct dpn_log_limit)DPN_LOG_LIMIT_INIT(5, 60000);
	o->bump_cfg = true; /* the db may predate us: have vswitchd confirm it */
	if (dpn_snprintf(o->vs_log, sizeof(o->vs_log), "%s/ovs-vswitchd.log", conf->ovs.log_dir) <
	        0)
		return NULL;
	if (dpn_snprintf(pidf, sizeof(pidf), "%s/ovsdb-server.pid", conf->ovs.run_dir) < 0)
		return NULL;
	o->dbproc = dpn_proc_new(base, "ovsdb-server", pidf, "ovsdb-server", on_proc_exit, o);
	if (dpn_snprintf(pidf, sizeof(pidf), "%s/ovs-vswitchd.pid", conf->ovs.run_dir) < 0)
		return NULL;
	/* comm is the binary's name, cut to 15 chars: ovs-vswitchd-dp for the DPDK build. */
	char bin[DPN_PATH_MAX];
	snprintf(bin, sizeof(bin), "%s", conf->ovs.vswitchd_bin);
	o->vsproc = dpn_proc_new(base, "ovs-vswitchd", pidf, basename(bin), on_proc_exit, o);
	for (int i = 0; i < 2; i++) {
		struct dpn_proc *p = i ? o->vsproc : o->dbproc;
		dpn_proc_setenv(p, "OVS_RUNDIR", conf->ovs.run_dir);
		dpn_proc_setenv(p, "OVS_LOGDIR", conf->ovs.log_dir);
	}
	restart_init(o, &o->db_restart, o->dbproc);
	restart_init(o, &o->vs_restart, o->vsproc);
	o->kick_ev = event_new(base, -1, 0, kick_cb, o);
	o->resync_ev = evtimer_new(base, resync_cb, o);
	o->init_ev = evtimer_new(base, init_timeout_cb, o);
	ovs_planned_init(o);
	if (ovs_stats_init(o) < 0)
		return NULL;
	return o;
}

int dpn_ovs_start(struct dpn_ovs *o)
{
	const struct dpn_ovs_conf *c = &o->conf->ovs;
	static const struct dpn_ovsdb_ops ops = {
	        .connected = db_connected,
	        .disconnected = db_disconnected,
	        .changed = db_changed,
	        .updating = db_updating,
	};
	int ret;

	if (c->mode == DPN_OVS_MANAGED) {
		if ((ret = dpn_mkdir_p(c->run_dir, 0755)) < 0 ||
		        (ret = dpn_mkdir_p(c->log_dir, 0755)) < 0) {
			LOG_ERR("creating %s or %s: %s", c->run_dir, c->log_dir, strerror(-ret));
			return ret;
		}
		if (dpn_proc_adopt(o->dbproc) < 0 && (ret = start_ovsdb(o)) < 0) {
			LOG_ERR("cannot start ovsdb-server: %s", strerror(-ret));
			return ret;
		}
		dpn_proc_adopt(o->vsproc);
	}
	o->db = dpn_ovsdb_new(o->base, c->db_socket, OVS_DB, dpn_ovs_schema_monitor(), &ops, o);
	if (!o->db)
		return -ENOMEM;
	dpn_timer_arm_ms(o->resync_ev, RESYNC_MS);
	return 0;
}

void dpn_ovs_shutdown(struct dpn_ovs *o)
{
	o->shutting_down = true;
	if (o->conf->ovs.mode != DPN_OVS_MANAGED || !o->conf->ovs.stop_on_exit)
		return;
	dpn_proc_stop(o->vsproc, 5000);
	dpn_proc_stop(o->dbproc, 5000);
}

void dpn_ovs_free(struct dpn_ovs *o)
{
	if (!o)
		return;
	ovs_planned_fini(o);
	dpn_ovsdb_free(o->db);
	ovs_stats_fini(o);
	dpn_proc_free(o->dbproc);
	dpn_proc_free(o->vsproc);
	event_free(o->db_restart.ev);
	event_free(o->vs_restart.ev);
	event_free(o->kick_ev);
	event_free(o->resync_ev);
	event_free(o->init_ev);
	json_decref(o->desired);
	json_decref(o->clean);
	ovs_index_drop(o);
	free(o);
}

json_t *dpn_ovs_desired(struct dpn_ovs *o)
{
	return o->desired;
}

const char *dpn_ovs_last_error(const struct dpn_ovs *o)
{
	return o->last_error.msg;
}

bool dpn_ovs_converged(const struct dpn_ovs *o)
{
	return o->converged;
}
