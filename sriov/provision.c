/* SR-IOV provisioning, per PF and in order: validate, hw-tc-offload, VF
 * count, switchdev, VF drivers, VF attributes, PF up. Every step looks
 * before it acts, so applying twice changes nothing the second time. */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/sockios.h>

#define DPN_LOG_MOD "sriov"
#include "dpn_devlink.h"
#include "dpn_log.h"
#include "dpn_sriov.h"
#include "dpn_util.h"
#include "dpn_vfnl.h"

#define VF_WAIT_MS 10000

struct pf_ctx {
	const struct dpn_sriov_pf_conf *c;
	char name[32]; /* as configured, for messages */
	char sysdir[PATH_MAX];
	char bus[16], dev[32];
	char netdev[IFNAMSIZ];
	json_t *vendor; /* NIC table entry, or NULL */
	struct dpn_sriov_report *r;
};

static void done(struct pf_ctx *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void done(struct pf_ctx *p, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	LOG_INFO("%s: %s", p->name, line);
	size_t off = strlen(p->r->log);
	snprintf(p->r->log + off, sizeof(p->r->log) - off, "%s: %s\n", p->name, line);
	p->r->changes++;
}

static int fail(struct pf_ctx *p, struct dpn_err *err, int ret, const char *step, const char *fmt,
        ...) __attribute__((format(printf, 5, 6)));
static int fail(
        struct pf_ctx *p, struct dpn_err *err, int ret, const char *step, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* Not logged here: the caller logs the error once, with what was not done. */
	return dpn_err_set(err, ret < 0 ? ret : -EINVAL, "%s: %s: %s", p->name, step, what);
}

static int rd_int(const char *dir, const char *attr, long *v)
{
	char path[PATH_MAX + 64];
	if (dpn_snprintf(path, sizeof(path), "%s/%s", dir, attr) < 0)
		return -ENAMETOOLONG;
	return dpn_read_count(path, v); /* sriov_numvfs, sriov_totalvfs */
}

static int wr(const char *dir, const char *attr, const char *val)
{
	char path[PATH_MAX + 64];
	if (dpn_snprintf(path, sizeof(path), "%s/%s", dir, attr) < 0)
		return -ENAMETOOLONG;
	return dpn_write_file(path, val);
}

/* PCI address or netdev name -> device dir, devlink bus/dev, netdev. */
static int resolve(struct pf_ctx *p, struct dpn_err *err)
{
	char path[PATH_MAX + 64], real[PATH_MAX], sub[PATH_MAX];

	if (dpn_pci_addr_valid(p->c->pf))
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", p->c->pf);
	else if (dpn_snprintf(path, sizeof(path), "/sys/class/net/%s/device", p->c->pf) < 0)
		return fail(p, err, -ENAMETOOLONG, "find", "%s: name too long", p->c->pf);
	if (!realpath(path, real))
		return fail(p, err, -ENODEV, "find", "no such %s",
		        dpn_pci_addr_valid(p->c->pf) ? "PCI device" : "netdev with a device");
	snprintf(p->sysdir, sizeof(p->sysdir), "%s", real);
	snprintf(p->dev, sizeof(p->dev), "%s", basename(real));
	if (dpn_snprintf(path, sizeof(path), "%s/subsystem", p->sysdir) < 0)
		return -ENAMETOOLONG;
	if (!realpath(path, sub))
		return fail(p, err, -ENODEV, "find", "%s has no subsystem", p->sysdir);
	snprintf(p->bus, sizeof(p->bus), "%s", basename(sub));
	/* its netdev: the one that is not a VF representor */
	if (dpn_snprintf(path, sizeof(path), "%s/net", p->sysdir) < 0)
		return -ENAMETOOLONG;
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char ppn[64] = "", f[PATH_MAX + 400];
		int c, pf, vf;
		if (e->d_name[0] == '.')
			continue;
		if (dpn_snprintf(f, sizeof(f), "%s/%s/phys_port_name", path, e->d_name) < 0)
			continue;
		dpn_read_file(f, ppn, sizeof(ppn));
		ppn[strcspn(ppn, "\n")] = '\0';
		if (dpn_sriov_parse_port_name(ppn, &c, &pf, &vf) != 1 &&
		        strlen(e->d_name) < IFNAMSIZ) {
			memcpy(p->netdev, e->d_name, strlen(e->d_name) + 1);
			break;
		}
	}
	if (d)
		closedir(d);
	return 0;
}

static int numvfs_now(struct pf_ctx *p, long *n)
{
	return rd_int(p->sysdir, "sriov_numvfs", n);
}

/* The VF devices exist (PCI: virtfnN links); netdevsim has none to wait for. */
static bool vfs_present(struct pf_ctx *p, int n)
{
	char path[PATH_MAX + 32];
	long cur;

	if (numvfs_now(p, &cur) < 0 || cur != n)
		return false;
	if (strcmp(p->bus, "pci"))
		return true;
	if (dpn_snprintf(path, sizeof(path), "%s/virtfn%d", p->sysdir, n - 1) < 0)
		return false;
	return n == 0 || access(path, F_OK) == 0;
}

static int set_numvfs(struct pf_ctx *p, struct dpn_err *err)
{
	long cur;
	char buf[16];
	int ret;

	if ((ret = numvfs_now(p, &cur)) < 0)
		return fail(p, err, ret, "sriov_numvfs", "the device has no SR-IOV (%s)",
		        strerror(-ret));
	if (cur == p->c->num_vfs)
		return 0;
	if (cur != 0) { /* the kernel changes the count only through 0 */
		if ((ret = wr(p->sysdir, "sriov_numvfs", "0")) < 0)
			return fail(p, err, ret, "sriov_numvfs", "writing 0: %s", strerror(-ret));
		done(p, "sriov_numvfs %ld -> 0", cur);
	}
	snprintf(buf, sizeof(buf), "%d", p->c->num_vfs);
	if (p->c->num_vfs && (ret = wr(p->sysdir, "sriov_numvfs", buf)) < 0) {
		/* put back what was there: a refused count must not cost the VFs */
		snprintf(buf, sizeof(buf), "%ld", cur);
		bool back = cur && wr(p->sysdir, "sriov_numvfs", buf) == 0;
		if (back)
			done(p, "sriov_numvfs restored to %ld", cur);
		return fail(p, err, ret, "sriov_numvfs", "the kernel refused %d VFs: %s%s",
		        p->c->num_vfs, strerror(-ret), back ? " (previous count restored)" : "");
	}
	uint64_t deadline = dpn_now_ms() + VF_WAIT_MS;
	while (!vfs_present(p, p->c->num_vfs)) {
		if (dpn_now_ms() > deadline)
			return fail(p, err, -ETIMEDOUT, "sriov_numvfs",
			        "%d VFs did not appear within %d ms", p->c->num_vfs, VF_WAIT_MS);
		usleep(50000);
	}
	done(p, "sriov_numvfs 0 -> %d", p->c->num_vfs);
	return 0;
}

static int eswitch(struct pf_ctx *p, enum dpn_eswitch_mode want, struct dpn_err *err)
{
	enum dpn_eswitch_mode cur;
	int ret = dpn_devlink_eswitch_get(p->bus, p->dev, &cur);

	if (ret < 0)
		return fail(p, err, ret, "eswitch", "devlink %s/%s: %s", p->bus, p->dev,
		        strerror(-ret));
	if (cur == want)
		return 0;
	ret = dpn_devlink_eswitch_set(p->bus, p->dev, want);
	if (ret < 0) {
		const char *needs = json_string_value(
		        json_object_get(json_object_get(p->vendor, "knobs"), "switchdev_needs"));
		return fail(p, err, ret, "eswitch", "refused %s: %s%s%s",
		        dpn_eswitch_mode_name(want), strerror(-ret),
		        needs ? "; this NIC needs " : "", needs ? needs : "");
	}
	done(p, "eswitch %s -> %s", dpn_eswitch_mode_name(cur), dpn_eswitch_mode_name(want));
	return 0;
}

/* Drivers let go of the VFs while the e-switch changes mode (mlx5 needs it);
 * bind_vfs binds them again as configured. */
static int unbind_vfs(struct pf_ctx *p, struct dpn_err *err)
{
	if (strcmp(p->bus, "pci"))
		return 0;
	for (int i = 0; i < p->c->num_vfs; i++) {
		char vf[PATH_MAX + 32], rvf[PATH_MAX], drv[PATH_MAX + 40], rdrv[PATH_MAX];
		if (dpn_snprintf(vf, sizeof(vf), "%s/virtfn%d", p->sysdir, i) < 0)
			return -ENAMETOOLONG;
		if (!realpath(vf, rvf))
			continue;
		if (dpn_snprintf(drv, sizeof(drv), "%s/driver", rvf) < 0)
			return -ENAMETOOLONG;
		if (!realpath(drv, rdrv))
			continue;
		if (wr(rvf, "driver/unbind", basename(rvf)) < 0)
			return fail(p, err, -EIO, "unbind", "VF %d from %s", i, basename(rdrv));
		done(p, "VF %d unbound from %s", i, basename(rdrv));
	}
	return 0;
}

/* VF drivers through driver_override: vfio-pci, or back to the kernel's. */
static int bind_vfs(struct pf_ctx *p, struct dpn_err *err)
{
	if (strcmp(p->bus, "pci"))
		return 0; /* netdevsim VFs are not devices */
	for (int i = 0; i < p->c->num_vfs; i++) {
		char vf[PATH_MAX + 32], rvf[PATH_MAX], drv[PATH_MAX + 40], rdrv[PATH_MAX];
		if (dpn_snprintf(vf, sizeof(vf), "%s/virtfn%d", p->sysdir, i) < 0)
			return -ENAMETOOLONG;
		if (!realpath(vf, rvf))
			return fail(p, err, -ENODEV, "vf driver", "VF %d is missing", i);
		if (dpn_snprintf(drv, sizeof(drv), "%s/driver", rvf) < 0)
			return -ENAMETOOLONG;
		const char *cur = realpath(drv, rdrv) ? basename(rdrv) : "";
		bool is_vfio = !strcmp(cur, "vfio-pci");
		if (*cur && is_vfio == p->c->vfio)
			continue;
		if (*cur && wr(rvf, "driver/unbind", basename(rvf)) < 0)
			return fail(p, err, -EIO, "vf driver", "unbinding VF %d from %s", i, cur);
		wr(rvf, "driver_override", p->c->vfio ? "vfio-pci" : "\n");
		if (dpn_write_file("/sys/bus/pci/drivers_probe", basename(rvf)) < 0 && p->c->vfio)
			return fail(p, err, -EIO, "vf driver",
			        "VF %d (%s): vfio-pci did not bind it "
			        "(is the vfio-pci module loaded?)",
			        i, basename(rvf));
		done(p, "VF %d %s: driver %s -> %s", i, basename(rvf), *cur ? cur : "none",
		        p->c->vfio ? "vfio-pci" : "kernel");
	}
	return 0;
}

/* ethtool's feature bits, found by name ("hw-tc-offload"). */
int dpn_ethtool_feature(const char *ifname, const char *name, int set)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = -EOPNOTSUPP, idx = -1;
	struct ifreq ifr = {0};
	/* the header and the one count asked for (data[] is a flexible array) */
	union {
		struct ethtool_sset_info h;
		uint8_t room[sizeof(struct ethtool_sset_info) + sizeof(uint32_t)];
	} ss = {.h = {.cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_FEATURES}};

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ss;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0 || !ss.h.sset_mask)
		goto out;
	uint32_t n = ss.h.data[0], blocks = (n + 31) / 32;
	struct ethtool_gstrings *gs = calloc(1, sizeof(*gs) + n * ETH_GSTRING_LEN);
	struct ethtool_gfeatures *gf = calloc(1, sizeof(*gf) + blocks * sizeof(gf->features[0]));
	struct ethtool_sfeatures *sf = calloc(1, sizeof(*sf) + blocks * sizeof(sf->features[0]));
	if (!gs || !gf || !sf)
		goto free;
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_FEATURES;
	gs->len = n;
	ifr.ifr_data = (void *)gs;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		goto free;
	for (uint32_t i = 0; i < n; i++)
		if (!strncmp((char *)gs->data + i * ETH_GSTRING_LEN, name, ETH_GSTRING_LEN))
			idx = i;
	if (idx < 0)
		goto free;
	gf->cmd = ETHTOOL_GFEATURES;
	gf->size = blocks;
	ifr.ifr_data = (void *)gf;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		goto free;
	bool on = gf->features[idx / 32].active & (1u << (idx % 32));
	ret = on;
	if (set < 0 || on == (bool)set)
		goto free;
	if (!(gf->features[idx / 32].available & (1u << (idx % 32)))) {
		ret = -EOPNOTSUPP;
		goto free;
	}
	sf->cmd = ETHTOOL_SFEATURES;
	sf->size = blocks;
	sf->features[idx / 32].valid = 1u << (idx % 32);
	sf->features[idx / 32].requested = set ? 1u << (idx % 32) : 0;
	ifr.ifr_data = (void *)sf;
	ret = ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 2; /* 2: changed */
free:
	free(gs);
	free(gf);
	free(sf);
out:
	close(fd);
	return ret;
}

static int tc_offload(struct pf_ctx *p, struct dpn_err *err)
{
	int want = p->c->hw_tc_offload;
	const char *drv = json_string_value(json_object_get(p->vendor, "pf_driver"));
	/* switchdev with a TC-offload NIC wants it on unless told otherwise */
	if (want < 0 && p->c->switchdev && drv && !strcmp(drv, "mlx5_core"))
		want = 1;
	if (want < 0 || !p->netdev[0])
		return 0;
	int ret = dpn_ethtool_feature(p->netdev, "hw-tc-offload", want);
	if (ret < 0)
		return fail(p, err, ret, "hw-tc-offload", "%s: %s", p->netdev, strerror(-ret));
	if (ret == 2)
		done(p, "%s hw-tc-offload %s", p->netdev, want ? "on" : "off");
	return 0;
}

static int params(struct pf_ctx *p, struct dpn_err *err)
{
	for (int i = 0; i < p->c->n_params; i++) {
		const char *name = p->c->params[i].name, *want = p->c->params[i].value;
		int cmode = dpn_devlink_cmode_parse(p->c->params[i].cmode), type, ret;
		char cur[128];
		ret = dpn_devlink_param_get(p->bus, p->dev, name, cmode, &type, cur, sizeof(cur));
		if (ret < 0)
			return fail(p, err, ret, "devlink param", "%s (%s): %s", name,
			        p->c->params[i].cmode, strerror(-ret));
		if (!strcmp(cur, want))
			continue;
		ret = dpn_devlink_param_set(p->bus, p->dev, name, cmode, type, want);
		if (ret < 0)
			return fail(p, err, ret, "devlink param", "%s = %s (%s): %s", name, want,
			        p->c->params[i].cmode, strerror(-ret));
		done(p, "devlink param %s %s -> %s (%s)", name, cur, want, p->c->params[i].cmode);
	}
	return 0;
}

/* mlx5 takes a flow steering mode only in legacy mode with no VFs. */
static int steering(struct pf_ctx *p, struct dpn_err *err)
{
	char cur[32];
	int type, ret;
	long n;

	if (!p->c->flow_steering[0])
		return 0;
	ret = dpn_devlink_param_get(p->bus, p->dev, "flow_steering_mode",
	        dpn_devlink_cmode_parse("runtime"), &type, cur, sizeof(cur));
	if (ret < 0)
		return fail(p, err, ret, "flow_steering_mode", "%s", strerror(-ret));
	if (!strcmp(cur, p->c->flow_steering))
		return 0;
	if ((ret = eswitch(p, DPN_ESWITCH_LEGACY, err)) < 0)
		return ret;
	if (numvfs_now(p, &n) == 0 && n > 0) {
		if ((ret = wr(p->sysdir, "sriov_numvfs", "0")) < 0)
			return fail(p, err, ret, "flow_steering_mode", "removing the VFs first: %s",
			        strerror(-ret));
		done(p, "sriov_numvfs %ld -> 0 (to change the flow steering mode)", n);
	}
	ret = dpn_devlink_param_set(p->bus, p->dev, "flow_steering_mode",
	        dpn_devlink_cmode_parse("runtime"), type, p->c->flow_steering);
	if (ret < 0)
		return fail(p, err, ret, "flow_steering_mode", "%s: %s", p->c->flow_steering,
		        strerror(-ret));
	done(p, "flow_steering_mode %s -> %s", cur, p->c->flow_steering);
	return 0;
}

static bool differs(const struct dpn_vf_conf *w, const struct dpn_vf_attrs *h)
{
	return (w->mac[0] && strcasecmp(w->mac, h->mac)) || (w->vlan >= 0 && w->vlan != h->vlan) ||
	       (w->vlan >= 0 && w->qos != h->qos) || (w->trust >= 0 && w->trust != h->trust) ||
	       (w->spoofchk >= 0 && w->spoofchk != h->spoofchk) ||
	       (w->link_state >= 0 && w->link_state != h->link_state);
}

static int vf_attrs(struct pf_ctx *p, struct dpn_err *err)
{
	struct dpn_vf_attrs *have = NULL;
	int n, ret = 0;

	if (!p->c->n_vfs)
		return 0;
	if (!p->netdev[0])
		return fail(
		        p, err, -ENODEV, "vf attributes", "the PF has no netdev to set them on");
	n = dpn_vfnl_get(p->netdev, &have);
	if (n < 0)
		return fail(p, err, n, "vf attributes", "reading %s: %s", p->netdev, strerror(-n));
	for (int i = 0; i < p->c->n_vfs && ret == 0; i++) {
		const struct dpn_vf_conf *w = &p->c->vfs[i];
		struct dpn_vf_attrs cur = {.index = w->index,
		                            .spoofchk = -1,
		                            .trust = -1,
		                            .link_state = -1},
		                    set;
		for (int k = 0; k < n; k++)
			if (have[k].index == w->index)
				cur = have[k];
		if (!differs(w, &cur))
			continue;
		set = (struct dpn_vf_attrs){.index = w->index,
		        .vlan = w->vlan,
		        .qos = w->qos,
		        .spoofchk = w->spoofchk,
		        .trust = w->trust,
		        .link_state = w->link_state,
		        .min_tx_rate = -1,
		        .max_tx_rate = -1};
		snprintf(set.mac, sizeof(set.mac), "%s", w->mac);
		ret = dpn_vfnl_set(p->netdev, &set);
		if (ret < 0)
			ret = fail(p, err, ret, "vf attributes", "VF %d: %s", w->index,
			        strerror(-ret));
		else
			done(p, "VF %d attributes set (mac %s vlan %d trust %d spoofchk %d)",
			        w->index, w->mac[0] ? w->mac : "-", w->vlan, w->trust, w->spoofchk);
	}
	free(have);
	return ret;
}

static int apply_pf(const struct dpn_sriov_pf_conf *c, const struct dpn_nic_table *t,
        struct dpn_sriov_report *r, struct dpn_err *err)
{
	struct pf_ctx p = {.c = c, .r = r};
	char vendor[16] = "";
	long total, cur;
	int ret;

	snprintf(p.name, sizeof(p.name), "%s", c->pf);
	if ((ret = resolve(&p, err)) < 0)
		return ret;
	if (rd_int(p.sysdir, "vendor", &cur) == 0) {
		snprintf(vendor, sizeof(vendor), "%04lx", cur);
		p.vendor = dpn_nic_vendor(t, vendor);
	}
	/* validate before touching anything; netdevsim keeps its limit in debugfs */
	char dbg[96];
	snprintf(dbg, sizeof(dbg), "/sys/kernel/debug/netdevsim/%s", p.dev);
	if ((rd_int(p.sysdir, "sriov_totalvfs", &total) == 0 ||
	            (!strcmp(p.bus, "netdevsim") && rd_int(dbg, "max_vfs", &total) == 0)) &&
	        c->num_vfs > total)
		return fail(&p, err, -ERANGE, "validate", "%d VFs requested, sriov_totalvfs is %ld",
		        c->num_vfs, total);
	if ((ret = numvfs_now(&p, &cur)) < 0)
		return fail(&p, err, ret, "validate", "no SR-IOV on this device (no sriov_numvfs)");
	if ((ret = tc_offload(&p, err)) < 0 || (ret = steering(&p, err)) < 0)
		return ret;
	if (numvfs_now(&p, &cur) < 0)
		cur = 0;
	/* a VF count changes in legacy mode */
	if (cur != c->num_vfs) {
		enum dpn_eswitch_mode m;
		if (dpn_devlink_eswitch_get(p.bus, p.dev, &m) == 0 && m == DPN_ESWITCH_SWITCHDEV &&
		        (ret = eswitch(&p, DPN_ESWITCH_LEGACY, err)) < 0)
			return ret;
	}
	if ((ret = set_numvfs(&p, err)) < 0)
		return ret;
	enum dpn_eswitch_mode want = c->switchdev ? DPN_ESWITCH_SWITCHDEV : DPN_ESWITCH_LEGACY, now;
	if (c->num_vfs && dpn_devlink_eswitch_get(p.bus, p.dev, &now) == 0 && now != want &&
	        (ret = unbind_vfs(&p, err)) < 0)
		return ret;
	if (c->num_vfs && (ret = eswitch(&p, want, err)) < 0)
		return ret;
	if ((ret = params(&p, err)) < 0 || (ret = bind_vfs(&p, err)) < 0 ||
	        (ret = vf_attrs(&p, err)) < 0)
		return ret;
	if (p.netdev[0] && (ret = dpn_vfnl_link_up(p.netdev)) < 0)
		return fail(&p, err, ret, "link up", "%s: %s", p.netdev, strerror(-ret));
	return 0;
}

int dpn_sriov_apply(const struct dpn_sriov_conf *c, const struct dpn_nic_table *t,
        struct dpn_sriov_report *r, struct dpn_err *err)
{
	struct dpn_err e = {0};

	memset(r, 0, sizeof(*r));
	for (int i = 0; i < c->n_pfs; i++) {
		int ret = apply_pf(&c->pfs[i], t, r, &e);
		if (ret < 0) {
			/* what was done is in r->log; say what was not */
			return dpn_err_set(err, ret, "%s (not applied: the rest of %s%s%s)",
			        dpn_err_str(&e), c->pfs[i].pf,
			        i + 1 < c->n_pfs ? " and PFs after it" : "",
			        r->changes ? "; done before: see the log"
			                   : "; nothing was changed");
		}
	}
	return 0;
}
