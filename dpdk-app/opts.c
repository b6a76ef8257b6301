/* dpnode-app's command line: every value checked before EAL starts. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "app_priv.h"

#define DEVINFO_DIR    "/var/run/k8s.cni.cncf.io/devinfo"
#define NETSTATUS_FILE "/etc/podnetinfo/annotations"

void opts_usage(FILE *f)
{
	fprintf(f,
	        "usage: dpnode-app [options] [-- extra EAL arguments]\n"
	        "devices (all sources are combined):\n"
	        "  PCIDEVICE_<PREFIX>_<NAME>=BDF,... env   (the SR-IOV device plugin's; --no-env "
	        "ignores)\n"
	        "  --devinfo-dir DIR      CNI device-info files (default " DEVINFO_DIR ")\n"
	        "  --network-status FILE  downward-API annotations (default " NETSTATUS_FILE ")\n"
	        "  --pci BDF              a PCI device (repeatable)\n"
	        "  --vhost PATH[,server|client][,queues=N]  a vhost-user socket (repeatable)\n"
	        "  --print-eal            print the EAL arguments and exit\n"
	        "engine:\n"
	        "  --engine E[,E...]      io|macswap|mac|l2fwd|rxonly|txonly, per port in order\n"
	        "  --queues N --burst N   queue pairs per port (1), burst size (32)\n"
	        "  --peer-mac MAC         destination for mac/l2fwd/txonly\n"
	        "  --pkt-size N --flows N --rate PPS --tx-packets N   txonly\n"
	        "  --duration S --warmup S --stats-period S --stats-json FILE --quiesce-ms MS\n"
	        "  --lcores LIST --mem MB --file-prefix P\n");
}

/* A whole decimal in [min, max], or an error naming the option. */
static int num(const char *opt, const char *s, long long min, long long max, long long *v,
        struct dpn_err *err)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	if (errno || end == s || *end || *v < min || *v > max)
		return dpn_err_set(err, -EINVAL, "--%s: \"%s\" is not an integer from %lld to %lld",
		        opt, s, min, max);
	return 0;
}

static int seconds(const char *opt, const char *s, double *v, struct dpn_err *err)
{
	char *end;

	*v = strtod(s, &end);
	if (end == s || *end || *v < 0 || *v > 1e7)
		return dpn_err_set(err, -EINVAL, "--%s: \"%s\" is not a number of seconds", opt, s);
	return 0;
}

static int engines(const char *list, struct opts *o, struct dpn_err *err)
{
	char *copy = strdup(list), *save = NULL;
	int ret = 0;

	if (!copy)
		return dpn_err_set(err, -ENOMEM, "out of memory");
	o->n_engines = 0;
	for (char *t = strtok_r(copy, ",", &save); t && !ret; t = strtok_r(NULL, ",", &save)) {
		if (o->n_engines == APP_MAX_PORTS)
			ret = dpn_err_set(err, -EINVAL, "--engine: more than %d", APP_MAX_PORTS);
		else if (engine_parse(t, &o->engines[o->n_engines++]) < 0)
			ret = dpn_err_set(err, -EINVAL,
			        "--engine: \"%s\" is not one of io, macswap, mac, l2fwd, rxonly, "
			        "txonly",
			        t);
	}
	if (!ret && !o->n_engines)
		ret = dpn_err_set(err, -EINVAL, "--engine: empty");
	free(copy);
	return ret;
}

static const struct option lopts[] = {
        {"pci", 1, 0, 'p'},
        {"vhost", 1, 0, 'v'},
        {"devinfo-dir", 1, 0, 'd'},
        {"network-status", 1, 0, 'n'},
        {"no-env", 0, 0, 'N'},
        {"print-eal", 0, 0, 'P'},
        {"engine", 1, 0, 'e'},
        {"queues", 1, 0, 'q'},
        {"burst", 1, 0, 'b'},
        {"peer-mac", 1, 0, 'm'},
        {"pkt-size", 1, 0, 's'},
        {"flows", 1, 0, 'f'},
        {"rate", 1, 0, 'r'},
        {"tx-packets", 1, 0, 't'},
        {"duration", 1, 0, 'D'},
        {"stats-period", 1, 0, 'S'},
        {"stats-json", 1, 0, 'j'},
        {"quiesce-ms", 1, 0, 'Q'},
        {"warmup", 1, 0, 'W'},
        {"lcores", 1, 0, 'l'},
        {"mem", 1, 0, 'M'},
        {"file-prefix", 1, 0, 'F'},
        {"sysfs-root", 1, 0, 'y'},
        {"cgroup-root", 1, 0, 'c'},
        {"help", 0, 0, 'h'},
        {0},
};

static const char *name_of(int c)
{
	for (const struct option *l = lopts; l->name; l++)
		if (l->val == c)
			return l->name;
	return "?";
}

/* The options that take a number, into the app's settings. */
static int number_opt(int c, const char *arg, struct opts *o, struct dpn_err *err)
{
	long long v = 0;
	int ret = 0;

	switch (c) {
	case 'q':
		ret = num(name_of(c), arg, 1, APP_MAX_QUEUES, &v, err);
		app.queues = v;
		break;
	case 'b':
		ret = num(name_of(c), arg, 1, 256, &v, err);
		app.burst = v;
		break;
	case 's':
		ret = num(name_of(c), arg, 60, 9000, &v, err);
		app.tmpl.size = v;
		break;
	case 'f':
		ret = num(name_of(c), arg, 1, APP_MAX_FLOWS, &v, err);
		app.flows = v;
		break;
	case 'r':
		ret = num(name_of(c), arg, 0, LLONG_MAX, &v, err);
		app.rate_pps = v;
		break;
	case 't':
		ret = num(name_of(c), arg, 0, LLONG_MAX, &v, err);
		app.tx_packets = v;
		break;
	case 'Q':
		ret = num(name_of(c), arg, 0, 3600000, &v, err);
		app.quiesce_ms = v;
		break;
	case 'M':
		ret = num(name_of(c), arg, 1, 1 << 24, &v, err);
		o->mem_mb = v;
		break;
	case 'D':
		return seconds(name_of(c), arg, &app.duration_s, err);
	case 'S':
		return seconds(name_of(c), arg, &app.stats_period_s, err);
	case 'W':
		return seconds(name_of(c), arg, &app.warmup_s, err);
	default:
		return dpn_err_set(err, -EINVAL, "unknown option (see --help)");
	}
	return ret;
}

static int one_opt(int c, const char *arg, struct opts *o, struct dpn_err *err)
{
	switch (c) {
	case 'p':
		return dpn_app_add_pci(arg, "--pci", &o->devs, err);
	case 'v':
		return dpn_app_add_vhost(arg, "--vhost", &o->devs, err);
	case 'd':
		o->devinfo_dir = arg;
		return 0;
	case 'n':
		o->netstatus = arg;
		return 0;
	case 'N':
		o->no_env = true;
		return 0;
	case 'P':
		o->print_eal = true;
		return 0;
	case 'e':
		return engines(arg, o, err);
	case 'm':
		if (rte_ether_unformat_addr(arg, &app.peer_mac) < 0)
			return dpn_err_set(err, -EINVAL, "--peer-mac: \"%s\" is not a MAC", arg);
		app.have_peer_mac = true;
		return 0;
	case 'j':
		app.stats_json = arg;
		return 0;
	case 'l':
		o->lcores = arg;
		return 0;
	case 'F':
		o->file_prefix = arg;
		return 0;
	case 'y':
		o->sysfs = arg;
		return 0;
	case 'c':
		o->cgroup = arg;
		return 0;
	default:
		return number_opt(c, arg, o, err);
	}
}

int opts_parse(int argc, char **argv, struct opts *o, struct dpn_err *err)
{
	int c, ret;

	*o = (struct opts){.devinfo_dir = DEVINFO_DIR,
	        .netstatus = NETSTATUS_FILE,
	        .sysfs = "",
	        .cgroup = "/sys/fs/cgroup",
	        .n_engines = 1,
	        .engines = {ENG_IO}};
	app.queues = 1;
	app.burst = 32;
	app.flows = 1;
	app.tmpl.size = 64;
	app.stats_period_s = 1;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		if (c == 'h')
			return 1;
		if (c == '?')
			return dpn_err_set(err, -EINVAL, "unknown option (see --help)");
		if ((ret = one_opt(c, optarg, o, err)) < 0)
			return ret;
	}
	if (optind != argc)
		return dpn_err_set(err, -EINVAL,
		        "\"%s\": not an option (EAL arguments go after --)", argv[optind]);
	return 0;
}
