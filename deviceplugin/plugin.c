/* The device plugin manager: pools -> slots (resource + endpoint), kubelet
 * registration with retries, inotify on the plugin directory (kubelet
 * restarts delete our sockets and recreate kubelet.sock), inventory changes
 * pushed to the streams, allocations recorded in a state file. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DPN_LOG_MOD "devplugin"
#include "devplugin_impl.h"
#include "devplugin_priv.h"
#include "devplugin_pools.h"
#include "dpn_devplugin.h"
#include "dpn_log.h"
#include "dpn_util.h"

#define RETRY_MIN_MS 100
#define RETRY_MAX_MS 5000
#define SAVE_MS      50

static void register_slot(struct dpn_devplugin *pl, struct dpn_devslot *s);

static void path_in(const struct dpn_devplugin *pl, const char *name, char *out, size_t len)
{
	if (dpn_snprintf(out, len, "%s/%s", pl->conf->plugin_dir, name) < 0)
		return;
}

static bool kubelet_up(const struct dpn_devplugin *pl)
{
	char p[DPN_PATH_MAX + 16];
	path_in(pl, "kubelet.sock", p, sizeof(p));
	return access(p, F_OK) == 0;
}

static void schedule_retry(struct dpn_devplugin *pl, int attempts)
{
	long ms = RETRY_MIN_MS << (attempts < 6 ? attempts : 6);
	if (ms > RETRY_MAX_MS)
		ms = RETRY_MAX_MS;
	if (!evtimer_pending(pl->retry, NULL))
		dpn_timer_arm_ms(pl->retry, ms);
}

static void registered(struct dpn_devplugin *pl, struct dpn_devslot *s, bool ok, const char *msg)
{
	s->reg = NULL;
	if (pl->stopping)
		return;
	if (s->again) {
		s->again = false;
		register_slot(pl, s);
		return;
	}
	if (ok) {
		s->registered = true;
		s->attempts = 0;
		LOG_INFO("%s: registered with kubelet (endpoint %s)", s->res.resource,
		        s->res.endpoint);
		return;
	}
	if (!s->attempts++)
		LOG_WARN("%s: Register: %s; retrying", s->res.resource, msg);
	if (kubelet_up(pl))
		schedule_retry(pl, s->attempts);
}

static void register_slot(struct dpn_devplugin *pl, struct dpn_devslot *s)
{
	if (s->reg) {
		s->again = true; /* kubelet changed under the call in flight */
		return;
	}
	if (!s->ep || pl->stopping)
		return;
	s->registered = false;
	if (dpn_devrpc_register(pl, s, registered) < 0)
		schedule_retry(pl, ++s->attempts);
}

static void retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dpn_devplugin *pl = arg;
	(void)fd;
	(void)what;
	for (int i = 0; i < pl->n_slot; i++)
		if (!pl->slot[i]->registered && !pl->slot[i]->reg)
			register_slot(pl, pl->slot[i]);
}

static void ep_start(struct dpn_devplugin *pl, struct dpn_devslot *s)
{
	char p[DPN_PATH_MAX + 300];
	path_in(pl, s->res.endpoint, p, sizeof(p));
	s->ep = dpn_devep_start(pl, s, p);
	if (s->ep && kubelet_up(pl))
		register_slot(pl, s);
}

static void restarted(void *arg)
{
	struct dpn_devslot *s = arg;
	s->restarting = false;
	if (!s->pl->stopping)
		ep_start(s->pl, s);
}

/* The socket went away (kubelet restart): serve it again once the old
 * server is gone, since grpc unlinks its socket path on shutdown. */
static void ep_restart(struct dpn_devplugin *pl, struct dpn_devslot *s)
{
	if (s->restarting)
		return;
	s->registered = false;
	if (!s->ep) {
		ep_start(pl, s);
		return;
	}
	LOG_INFO("%s: socket removed; serving it again", s->res.resource);
	s->restarting = true;
	struct dpn_devep *ep = s->ep;
	s->ep = NULL;
	dpn_devep_stop(ep, restarted, s);
}

static int add_slot(struct dpn_devplugin *pl, int pool)
{
	struct dpn_devslot *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->pl = pl;
	dpn_devres_init(&s->res, &pl->pools, pool);
	dpn_devres_update(&s->res, &pl->pools, pl->inv);
	pl->slot[pl->n_slot++] = s;
	LOG_INFO("%s: %d device(s)", s->res.resource, s->res.n_dev);
	return 0;
}

/* NIC-table default pools follow the PFs: new ones are added, none removed. */
static void grow_defaults(struct dpn_devplugin *pl)
{
	struct dpn_devplugin_pools now;
	dpn_devplugin_pools_defaults(pl->inv, pl->nics, &now);
	for (int i = 0; i < now.n; i++) {
		int k;
		for (k = 0; k < pl->pools.n; k++)
			if (!strcmp(now.pool[i].prefix, pl->pools.pool[k].prefix) &&
			        !strcmp(now.pool[i].name, pl->pools.pool[k].name))
				break;
		if (k < pl->pools.n) {
			/* the same resource may now cover more PFs */
			json_decref(pl->pools.pool[k].selectors);
			pl->pools.pool[k].selectors = json_incref(now.pool[i].selectors);
		} else if (pl->pools.n < DPN_DEVPLUGIN_MAX_POOLS) {
			pl->pools.pool[pl->pools.n] = now.pool[i];
			json_incref(now.pool[i].selectors);
			pl->pools.n++;
			if (add_slot(pl, pl->pools.n - 1) == 0)
				ep_start(pl, pl->slot[pl->n_slot - 1]);
		}
	}
	dpn_devplugin_pools_free(&now);
}

static void inventory_cb(void *arg, const struct dpn_inventory *inv, json_t *j)
{
	struct dpn_devplugin *pl = arg;
	(void)j;
	pl->inv = inv;
	if (pl->defaults)
		grow_defaults(pl);
	for (int i = 0; i < pl->n_slot; i++) {
		struct dpn_devslot *s = pl->slot[i];
		if (!dpn_devres_update(&s->res, &pl->pools, inv))
			continue;
		int healthy = 0;
		for (int k = 0; k < s->res.n_dev; k++)
			healthy += s->res.dev[k].healthy;
		LOG_INFO("%s: %d device(s), %d healthy", s->res.resource, s->res.n_dev, healthy);
		if (s->ep)
			dpn_devep_push(s->ep);
	}
}

/* --- inotify on the plugin directory --- */

static int watch_dir(struct dpn_devplugin *pl)
{
	int ret = dpn_mkdir_p(pl->conf->plugin_dir, 0755);
	if (ret < 0) {
		LOG_ERR("%s: %s", pl->conf->plugin_dir, strerror(-ret));
		return ret;
	}
	pl->ino_wd = inotify_add_watch(pl->ino_fd, pl->conf->plugin_dir,
	        IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF |
	                IN_MOVE_SELF);
	if (pl->ino_wd < 0) {
		LOG_ERR("inotify on %s: %s", pl->conf->plugin_dir, strerror(errno));
		return -errno;
	}
	return 0;
}

static void on_dir_event(struct dpn_devplugin *pl, const struct inotify_event *e)
{
	if (e->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
		if (!(e->mask & IN_IGNORED))
			return; /* IN_IGNORED follows */
		LOG_WARN("%s went away; creating it again", pl->conf->plugin_dir);
		if (watch_dir(pl) < 0)
			return;
		for (int i = 0; i < pl->n_slot; i++)
			ep_restart(pl, pl->slot[i]);
		return;
	}
	if (!e->len)
		return;
	if ((e->mask & (IN_CREATE | IN_MOVED_TO)) && !strcmp(e->name, "kubelet.sock")) {
		LOG_INFO("kubelet.sock created: registering %d resource(s)", pl->n_slot);
		for (int i = 0; i < pl->n_slot; i++) {
			pl->slot[i]->attempts = 0;
			register_slot(pl, pl->slot[i]);
		}
		return;
	}
	if (!(e->mask & (IN_DELETE | IN_MOVED_FROM)))
		return;
	for (int i = 0; i < pl->n_slot; i++) {
		struct dpn_devslot *s = pl->slot[i];
		char p[DPN_PATH_MAX + 300];
		path_in(pl, s->res.endpoint, p, sizeof(p));
		/* our own restart recreates it before this event is read */
		if (!strcmp(e->name, s->res.endpoint) && access(p, F_OK) < 0)
			ep_restart(pl, s);
	}
}

static void ino_cb(evutil_socket_t fd, short what, void *arg)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	(void)what;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *e = (const struct inotify_event *)p;
			on_dir_event(arg, e);
			p += sizeof(*e) + e->len;
		}
}

/* --- allocations and device-info files --- */

static int write_atomic(const char *path, json_t *j)
{
	int ret = dpn_json_save(path, j);
	if (ret < 0)
		LOG_ERR("write %s: %s", path, strerror(-ret));
	return ret;
}

/* kubelet allocates a device again on every container restart: an
 * unchanged file is not rewritten. */
static int write_if_changed(const char *path, json_t *j)
{
	json_t *old = json_load_file(path, 0, NULL);
	bool same = old && json_equal(old, j);
	json_decref(old);
	return same ? 0 : write_atomic(path, j);
}

static void save_state(struct dpn_devplugin *pl)
{
	if (pl->state_dirty && dpn_json_save_kept(pl->conf->state_file, pl->state) == 0)
		pl->state_dirty = false;
}

static void save_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	save_state(arg);
}

int dpn_devplugin_record(struct dpn_devplugin *pl, struct dpn_devslot *s, json_t *devinfo)
{
	json_t *allocs = json_object_get(pl->state, "allocations"), *info;
	const char *id;
	char path[DPN_PATH_MAX + 600], name[512];

	/* the device-info files before the reply: the CNI reads them next */
	json_object_foreach (devinfo, id, info) {
		dpn_devres_devinfo_name(&s->res, id, name, sizeof(name));
		if (dpn_snprintf(path, sizeof(path), "%s/%s", pl->conf->devinfo_dir, name) < 0)
			return -ENAMETOOLONG;
		if (write_if_changed(path, info) < 0)
			return -EIO;
	}
	/* one entry per device: a repeated Allocate replaces it */
	json_object_foreach (devinfo, id, info)
		json_object_set_new(allocs, id,
		        json_pack("{s:s, s:I}", "resource", s->res.resource, "time",
		                (json_int_t)time(NULL)));
	/* the state file after the reply, at most every SAVE_MS: on ext4 a
	 * rename over a file waits for its data, and kubelet's checkpoint, not
	 * this file, is what a crash in between would fall back on */
	pl->state_dirty = true;
	if (!evtimer_pending(pl->save_ev, NULL)) {
		struct timeval tv = {0, SAVE_MS * 1000};
		evtimer_add(pl->save_ev, &tv);
	}
	return 0;
}

/* The config always names a state file (there is a default). */
static void load_state(struct dpn_devplugin *pl)
{
	char why[200] = "";
	bool prev;
	int ret = dpn_json_load_kept(pl->conf->state_file, &pl->state, &prev, why, sizeof(why));

	if (ret == 0 && prev)
		LOG_WARN("%s: %s; allocations restored from its last good copy %s.prev",
		        pl->conf->state_file, why, pl->conf->state_file);
	if (!json_is_object(json_object_get(pl->state, "allocations"))) {
		if (ret != -ENOENT)
			LOG_WARN("%s: unreadable (%s) and no good %s.prev; starting with no "
			         "allocations",
			        pl->conf->state_file, why, pl->conf->state_file);
		json_decref(pl->state);
		pl->state = json_pack("{s:i, s:{}}", "version", 1, "allocations");
	}
	LOG_INFO("%zu allocation(s) from %s",
	        json_object_size(json_object_get(pl->state, "allocations")), pl->conf->state_file);
}

static int mkdirs(const struct dpn_devplugin_conf *c)
{
	char st[DPN_PATH_MAX];
	int ret;
	snprintf(st, sizeof(st), "%s", c->state_file);
	if ((ret = dpn_mkdir_p(c->devinfo_dir, 0755)) < 0 ||
	        (ret = dpn_mkdir_p(dirname(st), 0755)) < 0) {
		LOG_ERR("device plugin directories (%s, %s): %s", c->devinfo_dir, c->state_file,
		        strerror(-ret));
		return ret;
	}
	return 0;
}

struct dpn_devplugin *dpn_devplugin_new(struct event_base *base,
        const struct dpn_devplugin_conf *conf, const struct dpn_nic_table *nics,
        struct dpn_sriov_mon *mon)
{
	struct dpn_devplugin *pl = calloc(1, sizeof(*pl));
	if (!pl)
		return NULL;
	pl->conf = conf;
	pl->nics = nics;
	pl->mon = mon;
	pl->ino_fd = -1;
	pl->inv = dpn_sriov_mon_current(mon);
	if (mkdirs(conf) < 0 || dpn_devgrpc_init(base) < 0)
		goto fail;
	load_state(pl);
	if (conf->has_resources) {
		pl->pools = conf->pools;
		for (int i = 0; i < pl->pools.n; i++)
			json_incref(pl->pools.pool[i].selectors);
	} else {
		pl->defaults = true;
		dpn_devplugin_pools_defaults(pl->inv, nics, &pl->pools);
	}
	for (int i = 0; i < pl->pools.n; i++)
		if (add_slot(pl, i) < 0)
			goto fail;
	pl->retry = evtimer_new(base, retry_cb, pl);
	pl->save_ev = evtimer_new(base, save_cb, pl);
	pl->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (pl->ino_fd < 0 || watch_dir(pl) < 0)
		goto fail;
	pl->ino_ev = event_new(base, pl->ino_fd, EV_READ | EV_PERSIST, ino_cb, pl);
	event_add(pl->ino_ev, NULL);
	for (int i = 0; i < pl->n_slot; i++)
		ep_start(pl, pl->slot[i]);
	if (!kubelet_up(pl))
		LOG_INFO("no %s/kubelet.sock yet: registering when it appears", conf->plugin_dir);
	dpn_sriov_mon_subscribe(mon, inventory_cb, pl);
	return pl;
fail:
	dpn_devplugin_free(pl);
	return NULL;
}

void dpn_devplugin_free(struct dpn_devplugin *pl)
{
	if (!pl)
		return;
	pl->stopping = true;
	for (int i = 0; i < pl->n_slot; i++) {
		if (pl->slot[i]->ep)
			dpn_devep_stop(pl->slot[i]->ep, NULL, NULL);
		/* a kubelet that does not answer must not hold up the exit */
		if (pl->slot[i]->reg)
			dpn_devrpc_register_cancel(pl->slot[i]->reg);
	}
	dpn_devgrpc_fini(); /* runs the completions left: calls, shutdowns, Register */
	save_state(pl);
	for (int i = 0; i < pl->n_slot; i++) {
		dpn_devres_fini(&pl->slot[i]->res);
		free(pl->slot[i]);
	}
	if (pl->ino_ev)
		event_free(pl->ino_ev);
	if (pl->retry)
		event_free(pl->retry);
	if (pl->save_ev)
		event_free(pl->save_ev);
	if (pl->ino_fd >= 0)
		close(pl->ino_fd);
	dpn_devplugin_pools_free(&pl->pools);
	json_decref(pl->state);
	free(pl);
}

json_t *dpn_devplugin_status(struct dpn_devplugin *pl, bool devices)
{
	json_t *res = json_array(), *allocs = json_object_get(pl->state, "allocations");

	for (int i = 0; i < pl->n_slot; i++) {
		struct dpn_devslot *s = pl->slot[i];
		json_t *devs = devices ? json_array() : NULL;
		int healthy = 0, allocated = 0;
		for (int k = 0; k < s->res.n_dev; k++) {
			const struct dpn_devres_dev *d = &s->res.dev[k];
			json_t *a = json_object_get(allocs, d->id);
			bool mine = a &&
			            !strcmp(json_string_value(json_object_get(a, "resource")) ?: "",
			                    s->res.resource);
			healthy += d->healthy;
			allocated += mine;
			if (devs)
				json_array_append_new(devs,
				        json_pack("{s:s, s:s, s:o, s:s, s:o, s:b}", "id", d->id,
				                "health", d->healthy ? "Healthy" : "Unhealthy",
				                "numa",
				                d->numa >= 0 ? json_integer(d->numa) : json_null(),
				                "pf", d->pf, "why",
				                d->why[0] ? json_string(d->why) : json_null(),
				                "allocated", mine));
		}
		json_t *r = json_pack("{s:s, s:s, s:b, s:i, s:i, s:i, s:i, s:I}", "resource",
		        s->res.resource, "endpoint", s->res.endpoint, "registered", s->registered,
		        "streams", s->ep ? dpn_devep_n_streams(s->ep) : 0, "total", s->res.n_dev,
		        "healthy", healthy, "allocated", allocated, "allocate_calls",
		        (json_int_t)s->allocs);
		if (devs)
			json_object_set_new(r, "devices", devs);
		json_array_append_new(res, r);
	}
	return json_pack("{s:s, s:b, s:o}", "plugin_dir", pl->conf->plugin_dir, "kubelet",
	        kubelet_up(pl), "resources", res);
}

/* What dpnoded finds by name after loading dpnode-devplugin.so. */
const struct dpn_devplugin_impl dpn_devplugin_impl = {
        .abi = DPN_DEVPLUGIN_ABI,
        .create = dpn_devplugin_new,
        .destroy = dpn_devplugin_free,
        .status = dpn_devplugin_status,
};
