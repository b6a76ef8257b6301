/* Kernel uevents for PCI devices, netdevs and RDMA devices trigger a rescan
 * (debounced: a VF count change is dozens of events); a slow periodic rescan
 * catches what sends no uevent (eswitch mode, VF attributes). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libudev.h>

#define DPN_LOG_MOD "sriov"
#include "dpn_log.h"
#include "dpn_sriov_mon.h"

#define DEBOUNCE_MS 20
#define PERIOD_S    10
#define MAX_SUBS    8

struct dpn_sriov_mon {
	const struct dpn_nic_table *table;
	struct udev *udev;
	struct udev_monitor *mon;
	struct event *ev, *debounce, *period;
	json_t *inv;
	struct dpn_inventory cur;
	json_int_t generation;
	int n_subs;
	struct {
		dpn_sriov_mon_cb cb;
		void *arg;
	} subs[MAX_SUBS];
};

void dpn_sriov_mon_rescan(struct dpn_sriov_mon *m)
{
	struct dpn_inventory inv;
	struct dpn_err err = {0};

	if (dpn_sriov_scan(m->table, &inv, &err) < 0) {
		LOG_WARN_RL("inventory scan: %s", dpn_err_str(&err));
		return;
	}
	json_t *j = dpn_inventory_json(&inv);
	json_t *old = json_object_get(m->inv, "pfs");
	if (old && json_equal(old, json_object_get(j, "pfs"))) {
		dpn_inventory_free(&inv);
		json_decref(j);
		return;
	}
	json_object_set_new(j, "generation", json_integer(++m->generation));
	json_decref(m->inv);
	m->inv = j;
	dpn_inventory_free(&m->cur);
	m->cur = inv;
	LOG_INFO("inventory changed (generation %lld, %zu PF(s))", (long long)m->generation,
	        json_array_size(json_object_get(j, "pfs")));
	for (int i = 0; i < m->n_subs; i++)
		m->subs[i].cb(m->subs[i].arg, &m->cur, m->inv);
}

static void rescan_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	dpn_sriov_mon_rescan(arg);
}

static void period_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dpn_sriov_mon *m = arg;
	rescan_cb(fd, what, arg);
	struct timeval tv = {PERIOD_S, 0};
	evtimer_add(m->period, &tv);
}

static void uevent_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dpn_sriov_mon *m = arg;
	struct udev_device *d;
	(void)fd;
	(void)what;

	while ((d = udev_monitor_receive_device(m->mon))) {
		LOG_DEBUG("uevent %s %s", udev_device_get_action(d) ?: "?",
		        udev_device_get_syspath(d));
		udev_device_unref(d);
	}
	if (!evtimer_pending(m->debounce, NULL)) {
		struct timeval tv = {0, DEBOUNCE_MS * 1000};
		evtimer_add(m->debounce, &tv);
	}
}

struct dpn_sriov_mon *dpn_sriov_mon_new(struct event_base *base, const struct dpn_nic_table *t)
{
	struct dpn_sriov_mon *m = calloc(1, sizeof(*m));
	static const char *const subsystems[] = {"pci", "net", "infiniband", "netdevsim"};

	if (!m)
		return NULL;
	m->table = t;
	m->udev = udev_new();
	/* without udevd (containers, the test VM) the kernel's own events */
	const char *src = access("/run/udev/control", F_OK) == 0 ? "udev" : "kernel";
	m->mon = m->udev ? udev_monitor_new_from_netlink(m->udev, src) : NULL;
	if (m->mon) {
		for (size_t i = 0; i < sizeof(subsystems) / sizeof(subsystems[0]); i++)
			udev_monitor_filter_add_match_subsystem_devtype(
			        m->mon, subsystems[i], NULL);
		udev_monitor_set_receive_buffer_size(m->mon, 4 << 20);
		if (udev_monitor_enable_receiving(m->mon) == 0) {
			m->ev = event_new(base, udev_monitor_get_fd(m->mon), EV_READ | EV_PERSIST,
			        uevent_cb, m);
			event_add(m->ev, NULL);
		}
	}
	if (!m->ev)
		LOG_WARN("no udev monitor: the inventory is rescanned every %d s only", PERIOD_S);
	m->debounce = evtimer_new(base, rescan_cb, m);
	m->period = evtimer_new(base, period_cb, m);
	struct timeval tv = {PERIOD_S, 0};
	evtimer_add(m->period, &tv);
	m->inv = json_pack("{s:[], s:i}", "pfs", "generation", 0);
	dpn_sriov_mon_rescan(m);
	return m;
}

void dpn_sriov_mon_free(struct dpn_sriov_mon *m)
{
	if (!m)
		return;
	if (m->ev)
		event_free(m->ev);
	event_free(m->debounce);
	event_free(m->period);
	if (m->mon)
		udev_monitor_unref(m->mon);
	if (m->udev)
		udev_unref(m->udev);
	json_decref(m->inv);
	dpn_inventory_free(&m->cur);
	free(m);
}

int dpn_sriov_mon_subscribe(struct dpn_sriov_mon *m, dpn_sriov_mon_cb cb, void *arg)
{
	if (m->n_subs >= MAX_SUBS)
		return -ENOSPC;
	m->subs[m->n_subs].cb = cb;
	m->subs[m->n_subs].arg = arg;
	m->n_subs++;
	return 0;
}

json_t *dpn_sriov_mon_inventory(struct dpn_sriov_mon *m)
{
	return m->inv;
}

const struct dpn_inventory *dpn_sriov_mon_current(struct dpn_sriov_mon *m)
{
	return &m->cur;
}
