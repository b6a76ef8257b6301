/* dpnoded: the node datapath daemon. It orders the modules, runs the event
 * loop and tears down; every subsystem is a module (see dpn_module.h and
 * docs/architecture.md). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#define DPN_LOG_MOD "dpnoded"
#include "dpn_api.h"
#include "dpn_conf.h"
#include "dpn_devplugin.h"
#include "dpn_hugepages.h"
#include "dpn_log.h"
#include "dpn_metrics.h"
#include "dpn_module.h"
#include "dpn_ovn.h"
#include "dpn_ovs.h"
#include "dpn_sriov.h"
#include "dpn_util.h"
#include "dpn_offload.h"
#include "dpn_vfport.h"
#include "dpn_vhost.h"

#ifndef DPN_VERSION
#define DPN_VERSION "dev"
#endif

#define DEFAULT_LOG_FILE "/var/log/dpnode/dpnoded.log"

/* Registration order; init order follows each module's depends_on. */
static const struct dpn_module *const modules[] = {
        &dpn_hugepages_module,
        &dpn_sriov_module,
        &dpn_ovs_module,
        &dpn_ovn_module,
        &dpn_vhost_module,
        &dpn_vfport_module,
        &dpn_offload_module,
        &dpn_devplugin_module,
        &dpn_metrics_module,
};

struct opts {
	const char *conf_path;
	const char *log_level;
	const char *log_file;
	bool foreground;
};

struct daemon {
	struct event_base *base;
	struct dpn_conf conf;
	const char *conf_path;
	struct dpn_api *api;
	struct dpn_node *node;
	struct event *sigs[3];
	struct event *trim_ev;
	time_t started;
};

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: dpnoded [--config FILE] [--foreground] [--log-level LEVEL] "
	        "[--log-file FILE]\n"
	        "  --config FILE      node config (default " DPN_CONF_DEFAULT_PATH ")\n"
	        "  --foreground       do not daemonize (always so under systemd)\n"
	        "  --log-level LEVEL  err, warn, info or debug (overrides the config)\n"
	        "  --log-file FILE    log here when daemonized (default " DEFAULT_LOG_FILE ")\n");
}

/* systemd's notify protocol (a datagram to $NOTIFY_SOCKET, "@" for the
 * abstract namespace): all dpnoded needs of libsystemd, which would bring
 * seven libraries along. */
static void notify_systemd(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t n = path ? strlen(path) : 0;
	int fd;

	if (n < 2 || n >= sizeof(sa.sun_path) || (path[0] != '/' && path[0] != '@'))
		return;
	memcpy(sa.sun_path, path, n);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
	            offsetof(struct sockaddr_un, sun_path) + n) < 0)
		LOG_WARN("NOTIFY_SOCKET %s: %s", path, strerror(errno));
	close(fd);
}

static void on_ready(void *arg)
{
	(void)arg;
	notify_systemd("READY=1\nSTATUS=node datapath converged");
}

static int api_ping(void *ctx, json_t *params, json_t **result, struct dpn_err *err)
{
	(void)ctx;
	(void)params;
	(void)err;
	*result = json_pack("{s:b, s:s, s:i}", "pong", 1, "version", DPN_VERSION, "api_version",
	        DPN_API_VERSION);
	return 0;
}

static int api_status(void *ctx, json_t *params, json_t **result, struct dpn_err *err)
{
	struct daemon *d = ctx;
	json_t *st = dpn_node_status(d->node);
	(void)params;
	(void)err;

	json_object_set_new(st, "api_version", json_integer(DPN_API_VERSION));
	json_object_set_new(st, "dpnode_version", json_string(DPN_VERSION));
	json_object_set_new(st, "config", json_string(d->conf_path));
	json_object_set_new(st, "uptime_s", json_integer(time(NULL) - d->started));
	*result = st;
	return 0;
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
	notify_systemd("STOPPING=1");
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
		if (env[0] != '/' || dpn_snprintf(d->conf.api.socket, sizeof(d->conf.api.socket),
		                             "%s", env) < 0) {
			LOG_ERR("DPNODE_SOCK: \"%s\" is not an absolute path under %zu bytes", env,
			        sizeof(d->conf.api.socket));
			dpn_conf_free(&d->conf);
			return -EINVAL;
		}
	}
	return 0;
}

static int daemonize(const char *log_file)
{
	char dir[DPN_PATH_MAX];
	int fd;

	if (dpn_snprintf(dir, sizeof(dir), "%s", log_file) < 0)
		return -ENAMETOOLONG;
	*strrchr(dir, '/') = '\0';
	dpn_mkdir_p(dir, 0755);
	fd = open(log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	if (daemon(0, 1) < 0) {
		close(fd);
		return -errno;
	}
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	return 0;
}

/* The API socket first (a second dpnoded is refused before it touches
 * anything), then every module in dependency order. */
/* A pod burst, a statistics read or a replica resync leaves freed memory
 * in the heap that glibc keeps; it goes back to the kernel once more than
 * 256 kB of it is held (a walk of the free chunks, well under a millisecond). */
#define TRIM_PERIOD_S 10
#define TRIM_HELD     (256u << 10)

static void trim_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mallinfo2 mi = mallinfo2();
	(void)fd;
	(void)what;
	(void)arg;

	if (mi.fordblks > TRIM_HELD)
		malloc_trim(0);
}

static int setup(struct daemon *d)
{
	struct dpn_err err = {0};
	int ret;

	d->base = event_base_new();
	if (!d->base || !(d->api = dpn_api_new(d->base, &d->conf.api)))
		return -EIO;
	dpn_api_register_ro(d->api, "ping", api_ping, d);
	dpn_api_register_ro(d->api, "status", api_status, d);
	d->node = dpn_node_new(d->base, &d->conf, d->api, on_ready, d);
	if (!d->node)
		return -ENOMEM;
	for (size_t i = 0; i < DPN_ARRAY_SIZE(modules); i++)
		dpn_node_register(d->node, modules[i]);
	if ((ret = dpn_node_init(d->node, &err)) < 0 || (ret = dpn_node_start(d->node, &err)) < 0) {
		LOG_ERR("%s", dpn_err_str(&err));
		return ret;
	}
	d->trim_ev = event_new(d->base, -1, EV_PERSIST, trim_cb, d);
	if (d->trim_ev)
		event_add(d->trim_ev, &(struct timeval){TRIM_PERIOD_S, 0});
	static const int signals[] = {SIGTERM, SIGINT, SIGHUP};
	for (int i = 0; i < 3; i++) {
		d->sigs[i] = evsignal_new(d->base, signals[i], on_signal, d);
		event_add(d->sigs[i], NULL);
	}
	return 0;
}

/* Reverse of setup; safe after a partial one. */
static void teardown(struct daemon *d)
{
	if (d->node)
		dpn_node_stop(d->node);
	dpn_api_free(d->api); /* no request reaches a module being freed */
	dpn_node_free(d->node);
	for (int i = 0; i < 3; i++)
		if (d->sigs[i])
			event_free(d->sigs[i]);
	if (d->trim_ev)
		event_free(d->trim_ev);
	if (d->base)
		event_base_free(d->base);
	dpn_conf_free(&d->conf);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"foreground", no_argument, NULL, 'f'},
	        {"log-level", required_argument, NULL, 'l'},
	        {"log-file", required_argument, NULL, 'L'},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	enum dpn_log_level lvl;
	int c;

	while ((c = getopt_long(argc, argv, "c:fl:L:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->conf_path = optarg;
			break;
		case 'f':
			o->foreground = true;
			break;
		case 'l':
			o->log_level = optarg;
			break;
		case 'L':
			o->log_file = optarg;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			return -EINVAL;
		}
	}
	if (optind != argc || (o->log_level && dpn_log_parse_level(o->log_level, &lvl) < 0) ||
	        o->log_file[0] != '/')
		return -EINVAL;
	return 0;
}

/* The soft limit on open files is 1024 unless whoever started dpnoded
 * raised it: too few for a pod burst's API connections (each CNI ADD holds
 * one while it waits) and for the ovs-vswitchd it starts (a vhost-user port
 * holds several). Raised towards the hard limit, to at most 65536. */
static void raise_fd_limit(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) < 0 || r.rlim_cur >= 65536 || r.rlim_cur >= r.rlim_max)
		return;
	r.rlim_cur = r.rlim_max < 65536 ? r.rlim_max : 65536;
	if (setrlimit(RLIMIT_NOFILE, &r) < 0)
		LOG_WARN("raising the open file limit to %llu: %s", (unsigned long long)r.rlim_cur,
		        strerror(errno));
}

int main(int argc, char **argv)
{
	struct opts o = {.conf_path = DPN_CONF_DEFAULT_PATH,
	        .log_file = DEFAULT_LOG_FILE,
	        .foreground = getenv("NOTIFY_SOCKET") != NULL};
	struct daemon d = {0};
	enum dpn_log_level lvl;
	int ret;

	if ((ret = parse_args(argc, argv, &o)) != 0) {
		if (ret < 0)
			usage(stderr);
		return ret < 0 ? 2 : 0;
	}
	d.conf_path = o.conf_path;
	/* Validate before touching anything: a bad config changes nothing. */
	if (load_config(&d) < 0)
		return 2;
	if (o.log_level && dpn_log_parse_level(o.log_level, &lvl) == 0)
		dpn_log_set_level(lvl);
	if (!o.foreground && (ret = daemonize(o.log_file)) < 0) {
		LOG_ERR("daemonize (log %s): %s", o.log_file, strerror(-ret));
		dpn_conf_free(&d.conf);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();
	d.started = time(NULL);
	LOG_INFO("dpnoded %s starting with %s", DPN_VERSION, d.conf_path);
	if ((ret = setup(&d)) == 0)
		event_base_dispatch(d.base);
	teardown(&d);
	LOG_INFO("stopped");
	return ret < 0 ? 1 : 0;
}
