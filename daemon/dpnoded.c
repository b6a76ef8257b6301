/* dpnoded: the node datapath daemon. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#define DPN_LOG_MOD "dpnoded"
#include "dpn_api.h"
#include "dpn_conf.h"
#include "dpn_hugepages.h"
#include "dpn_log.h"
#include "dpn_ovs.h"
#include "dpn_sriov.h"
#include "dpn_devplugin.h"
#include "dpn_sriov_mon.h"
#include "dpn_vhost.h"

#ifndef DPN_VERSION
#define DPN_VERSION "dev"
#endif

struct daemon {
	struct event_base *base;
	struct dpn_conf conf;
	const char *conf_path;
	struct dpn_ovs *ovs;
	struct dpn_api *api;
	struct dpn_vhost *vhost;
	struct dpn_nic_table nics;
	struct dpn_sriov_mon *sriov;
	struct dpn_devplugin *dplugin;
	time_t started;
	bool notified;
	int hp_result;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: dpnoded [--config FILE] [--foreground] [--log-level LEVEL] "
	           "[--log-file FILE]\n"
	           "  --config FILE      node config (default " DPN_CONF_DEFAULT_PATH ")\n"
	           "  --foreground       do not daemonize (always so under systemd)\n"
	           "  --log-level LEVEL  err, warn, info or debug (overrides the config)\n"
	           "  --log-file FILE    log here when daemonized (default "
	           "/var/log/dpnode/dpnoded.log)\n");
}

static void on_converged(void *arg)
{
	struct daemon *d = arg;
	if (!d->notified) {
		sd_notify(0, "READY=1\nSTATUS=node datapath converged");
		d->notified = true;
	}
}

static json_t *api_ping(void *ctx, json_t *params, int *code, char **msg)
{
	(void)ctx;
	(void)params;
	(void)code;
	(void)msg;
	return json_pack("{s:b, s:s, s:i}", "pong", 1, "version", DPN_VERSION, "api_version",
	        DPN_API_VERSION);
}

static json_t *api_status(void *ctx, json_t *params, int *code, char **msg)
{
	struct daemon *d = ctx;
	json_t *st =
	        d->ovs ? dpn_ovs_status(d->ovs) : json_pack("{s:{s:s}}", "ovs", "mode", "none");
	(void)params;
	(void)code;
	(void)msg;

	json_object_set_new(st, "api_version", json_integer(DPN_API_VERSION));
	json_object_set_new(st, "dpnode_version", json_string(DPN_VERSION));
	json_object_set_new(st, "config", json_string(d->conf_path));
	json_object_set_new(st, "uptime_s", json_integer(time(NULL) - d->started));
	json_object_set_new(st, "hugepages", dpn_hp_status(&d->conf.hugepages));
	json_object_set_new(st, "hugepages_ok", json_boolean(d->hp_result == 0));
	if (d->dplugin) /* the summary; deviceplugin.status has the devices */
		json_object_set_new(st, "device_plugin", dpn_devplugin_status(d->dplugin, false));
	return st;
}

static json_t *api_reconcile(void *ctx, json_t *params, int *code, char **msg)
{
	struct daemon *d = ctx;
	(void)params;
	if (!d->ovs) {
		*code = ENOENT;
		*msg = strdup("ovs.mode is none: there is nothing to reconcile");
		return NULL;
	}
	dpn_ovs_kick(d->ovs);
	return json_pack("{s:b}", "converged", dpn_ovs_converged(d->ovs));
}

static json_t *api_sriov_inventory(void *ctx, json_t *params, int *code, char **msg)
{
	struct daemon *d = ctx;
	(void)params;
	(void)code;
	(void)msg;
	return json_incref(dpn_sriov_mon_inventory(d->sriov));
}

static json_t *api_dp_status(void *ctx, json_t *params, int *code, char **msg)
{
	struct daemon *d = ctx;
	(void)params;
	if (!d->dplugin) {
		*code = ENOENT;
		*msg = strdup("the device plugin is not enabled (no device_plugin section)");
		return NULL;
	}
	return dpn_devplugin_status(d->dplugin, true);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	(void)what;
	if (sig == SIGHUP) {
		LOG_WARN("SIGHUP: live config reload is not supported; restart dpnoded to apply "
		         "%s (running ports are adopted, not re-created)",
		        d->conf_path);
		return;
	}
	LOG_INFO("signal %d: shutting down", (int)sig);
	sd_notify(0, "STOPPING=1");
	event_base_loopbreak(d->base);
}

static int load_config(struct daemon *d)
{
	struct dpn_conf_errors errs = {0};
	struct dpn_machine m;
	enum dpn_log_level lvl;
	int ret;

	if ((ret = dpn_machine_probe("", &m)) < 0) {
		LOG_ERR("cannot read this machine's CPUs and NUMA nodes: %s", strerror(-ret));
		return ret;
	}
	ret = dpn_conf_load_file(d->conf_path, &m, &d->conf, &errs);
	if (ret < 0) {
		LOG_ERR("%s: invalid config, nothing applied:", d->conf_path);
		for (int i = 0; i < errs.n; i++)
			LOG_ERR("  %s", errs.lines[i]);
		dpn_conf_errors_free(&errs);
		return ret;
	}
	if (dpn_log_parse_level(d->conf.log_level, &lvl) == 0)
		dpn_log_set_level(lvl);
	/* DPNODE_SOCK overrides the config, as it does for dpnodectl. */
	const char *env = getenv("DPNODE_SOCK");
	if (env && *env) {
		if (env[0] != '/' || strlen(env) >= sizeof(d->conf.api.socket)) {
			LOG_ERR("DPNODE_SOCK: \"%s\" is not an absolute path under %zu bytes", env,
			        sizeof(d->conf.api.socket));
			return -EINVAL;
		}
		strcpy(d->conf.api.socket, env);
	}
	return 0;
}

static int daemonize(const char *log_file)
{
	char dir[256];
	int fd;

	snprintf(dir, sizeof(dir), "%s", log_file);
	*strrchr(dir, '/') = '\0';
	dpn_mkdir_p(dir, 0755);
	fd = open(log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	if (daemon(0, 1) < 0)
		return -errno;
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"foreground", no_argument, NULL, 'f'},
	        {"log-level", required_argument, NULL, 'l'},
	        {"log-file", required_argument, NULL, 'L'},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	struct daemon d = {.conf_path = DPN_CONF_DEFAULT_PATH};
	const char *log_level = NULL, *log_file = "/var/log/dpnode/dpnoded.log";
	bool foreground = getenv("NOTIFY_SOCKET") != NULL;
	enum dpn_log_level lvl;
	struct event *sigs[3];
	int c, ret;

	while ((c = getopt_long(argc, argv, "c:fl:L:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			d.conf_path = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 'l':
			log_level = optarg;
			break;
		case 'L':
			log_file = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || (log_level && dpn_log_parse_level(log_level, &lvl) < 0) ||
	        log_file[0] != '/') {
		usage(stderr);
		return 2;
	}
	/* Validate before touching anything: a bad config changes nothing. */
	if (load_config(&d) < 0)
		return 2;
	if (log_level)
		dpn_log_set_level(lvl);
	if (!foreground && (ret = daemonize(log_file)) < 0) {
		LOG_ERR("daemonize (log %s): %s", log_file, strerror(-ret));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	d.started = time(NULL);
	LOG_INFO("dpnoded %s starting with %s", DPN_VERSION, d.conf_path);
	/* The API socket first: a second dpnoded is refused before it touches anything. */
	d.base = event_base_new();
	d.api = dpn_api_new(d.base, &d.conf.api);
	if (!d.api)
		return 1;
	/* VFs, switchdev and representors exist before OVS is asked to use them */
	const char *tp = dpn_nic_table_path();
	char *err = NULL;
	if (dpn_nic_table_load(tp, &d.nics, &err) < 0) {
		LOG_WARN("NIC table %s: %s; NICs are handled generically", tp, err ? err : "?");
		d.nics.root = json_pack("{s:[]}", "vendors");
	}
	free(err);
	err = NULL;
	if (d.conf.sriov.n_pfs) {
		struct dpn_sriov_report rep;
		if (dpn_sriov_apply(&d.conf.sriov, &d.nics, &rep, &err) < 0)
			LOG_ERR("sriov: %s", err ? err : "failed");
		else
			LOG_INFO("sriov: %d change(s)", rep.changes);
		free(err);
	}
	d.hp_result = dpn_hp_apply(&d.conf.hugepages);
	if (d.hp_result < 0 && d.hp_result != -ENOMEM)
		LOG_WARN("hugepages not applied: %s", strerror(-d.hp_result));
	bool ovs = d.conf.ovs.mode != DPN_OVS_NONE;
	d.ovs = ovs ? dpn_ovs_new(d.base, &d.conf, on_converged, &d) : NULL;
	dpn_api_register(d.api, "ping", api_ping, &d);
	dpn_api_register(d.api, "status", api_status, &d);
	dpn_api_register(d.api, "reconcile", api_reconcile, &d);
	/* Ports from the state file are desired before the first reconcile:
	 * otherwise they would look like stale ports of ours. An unreadable
	 * state file stops here rather than deleting pods' ports. */
	d.vhost = d.ovs ? dpn_vhost_new(&d.conf.vhost, d.conf.int_bridge, d.ovs) : NULL;
	if (ovs && (!d.vhost || dpn_vhost_load(d.vhost) < 0)) {
		LOG_ERR("cannot restore vhost-user ports from %s", d.conf.vhost.state_file);
		dpn_api_free(d.api);
		return 1;
	}
	if (d.vhost)
		dpn_vhost_register_api(d.vhost, d.api);
	d.sriov = dpn_sriov_mon_new(d.base, &d.nics);
	dpn_api_register(d.api, "sriov.inventory", api_sriov_inventory, &d);
	dpn_api_register(d.api, "deviceplugin.status", api_dp_status, &d);
	if (d.conf.devplugin.enabled &&
	        !(d.dplugin = dpn_devplugin_new(d.base, &d.conf.devplugin, &d.nics, d.sriov))) {
		LOG_ERR("cannot start the device plugin");
		dpn_api_free(d.api);
		return 1;
	}
	if (ovs && (!d.ovs || (ret = dpn_ovs_start(d.ovs)) < 0)) {
		LOG_ERR("cannot start the OVS datapath");
		dpn_api_free(d.api);
		return 1;
	}
	if (!ovs)
		on_converged(&d);
	sigs[0] = evsignal_new(d.base, SIGTERM, on_signal, &d);
	sigs[1] = evsignal_new(d.base, SIGINT, on_signal, &d);
	sigs[2] = evsignal_new(d.base, SIGHUP, on_signal, &d);
	for (int i = 0; i < 3; i++)
		event_add(sigs[i], NULL);

	event_base_dispatch(d.base);

	if (d.ovs)
		dpn_ovs_shutdown(d.ovs);
	dpn_api_free(d.api);
	dpn_devplugin_free(d.dplugin);
	dpn_vhost_free(d.vhost);
	dpn_sriov_mon_free(d.sriov);
	dpn_nic_table_free(&d.nics);
	dpn_ovs_free(d.ovs);
	for (int i = 0; i < 3; i++)
		event_free(sigs[i]);
	event_base_free(d.base);
	dpn_conf_free(&d.conf);
	LOG_INFO("stopped");
	return 0;
}
