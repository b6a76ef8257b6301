/* The /metrics page from the node's status: Prometheus text format 0.0.4,
 * each family's HELP/TYPE once and its samples together. */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "dpn_metrics.h"
#include "metrics_priv.h"

void mlbl(struct mlabels *l, const char *k, const char *v)
{
	if (!v)
		return;
	size_t room = sizeof(l->s) - l->n;
	int w = snprintf(l->s + l->n, room, "%s%s=\"", l->n ? "," : "", k);
	if (w < 0 || (size_t)w >= room)
		return;
	l->n += w;
	for (; *v && l->n < sizeof(l->s) - 3; v++) {
		if (*v == '\\' || *v == '"' || *v == '\n')
			l->s[l->n++] = '\\';
		l->s[l->n++] = *v == '\n' ? 'n' : *v;
	}
	l->s[l->n++] = '"';
	l->s[l->n] = '\0';
}

void mlbl_int(struct mlabels *l, const char *k, json_int_t v)
{
	char b[24];
	snprintf(b, sizeof(b), "%lld", (long long)v);
	mlbl(l, k, b);
}

void mfamily(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void msample(FILE *f, const char *name, const struct mlabels *l, double v)
{
	if (isnan(v))
		return;
	const char *open = l && l->n ? "{" : "", *close = l && l->n ? "}" : "";
	if (fabs(v) < 9e15 && v == (double)(long long)v)
		fprintf(f, "%s%s%s%s %lld\n", name, open, l && l->n ? l->s : "", close,
		        (long long)v);
	else
		fprintf(f, "%s%s%s%s %.9g\n", name, open, l && l->n ? l->s : "", close, v);
}

double mnum(json_t *v)
{
	return json_is_number(v)    ? json_number_value(v)
	       : json_is_boolean(v) ? json_is_true(v)
	                            : NAN;
}

double mat(json_t *o, const char *path)
{
	char key[64];
	const char *dot;
	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		o = json_object_get(o, key);
		path = dot + 1;
	}
	return mnum(json_object_get(o, path));
}

/* One unlabelled sample from a status path; nothing when the key is absent. */
void mscalar(
        FILE *f, json_t *st, const char *name, const char *type, const char *path, const char *help)
{
	double v = mat(st, path);
	if (isnan(v))
		return;
	mfamily(f, name, type, help);
	msample(f, name, NULL, v);
}

static void node(FILE *f, json_t *st)
{
	struct mlabels l = {0};
	json_t *m;
	const char *name;

	mfamily(f, "dpnode_info", "gauge", "dpnoded's version and the OVS and DPDK it runs");
	mlbl(&l, "version", json_string_value(json_object_get(st, "dpnode_version")));
	mlbl(&l, "ovs_version", json_string_value(json_object_get(st, "ovs_version")));
	mlbl(&l, "dpdk_version", json_string_value(json_object_get(st, "dpdk_version")));
	msample(f, "dpnode_info", &l, 1);
	mscalar(f, st, "dpnode_uptime_seconds", "gauge", "uptime_s",
	        "Seconds since dpnoded started");
	mscalar(f, st, "dpnode_dpdk_initialized", "gauge", "dpdk_initialized",
	        "1 when OVS reports DPDK initialized and ovs-vswitchd runs");
	mscalar(f, st, "dpnode_ovs_config_applied", "gauge", "config_applied",
	        "1 when ovs-vswitchd has applied the current database");
	mfamily(f, "dpnode_module_state", "gauge", "1 for the state each dpnoded module is in");
	json_object_foreach (json_object_get(st, "modules"), name, m) {
		static const char *const states[] = {"ok", "pending", "degraded", "disabled", NULL};
		const char *cur = json_string_value(json_object_get(m, "state"));
		for (int i = 0; states[i]; i++) {
			struct mlabels ml = {0};
			mlbl(&ml, "module", name);
			mlbl(&ml, "state", states[i]);
			msample(f, "dpnode_module_state", &ml, cur && !strcmp(cur, states[i]));
		}
	}
}

static void processes(FILE *f, json_t *st)
{
	static const struct {
		const char *name, *path;
	} procs[] = {{"ovsdb-server", "ovs.ovsdb_server"}, {"ovs-vswitchd", "ovs.vswitchd"},
	        {"ovn-controller", "ovn.controller"}};
	static const struct {
		const char *metric, *type, *key, *help;
	} fams[] = {{"dpnode_process_up", "gauge", "pid", "1 while the process runs"},
	        {"dpnode_process_uptime_seconds", "gauge", "uptime_s", "Seconds since it started"},
	        {"dpnode_process_restarts_total", "counter", "restarts",
	                "Restarts by dpnoded after it died"}};

	for (size_t k = 0; k < sizeof(fams) / sizeof(fams[0]); k++) {
		mfamily(f, fams[k].metric, fams[k].type, fams[k].help);
		for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++) {
			char path[64];
			snprintf(path, sizeof(path), "%s.%s", procs[i].path, fams[k].key);
			double v = mat(st, path);
			struct mlabels l = {0};
			mlbl(&l, "process", procs[i].name);
			if (!strcmp(fams[k].key, "pid")) {
				char obj[64];
				snprintf(obj, sizeof(obj), "%s.restarts", procs[i].path);
				if (isnan(mat(st, obj)))
					continue; /* not supervised here */
				v = !isnan(v) && v > 0;
			}
			msample(f, fams[k].metric, &l, v);
		}
	}
}

static void ovs(FILE *f, json_t *st)
{
	mscalar(f, st, "dpnode_ovsdb_connected", "gauge", "ovs.db_connected",
	        "1 while dpnoded's OVSDB session is up and synced");
	mscalar(f, st, "dpnode_reconcile_converged", "gauge", "reconcile.converged",
	        "1 when OVS matches the desired state");
	mscalar(f, st, "dpnode_reconcile_transactions_total", "counter", "reconcile.transactions",
	        "OVSDB transactions the reconcile sent");
	mscalar(f, st, "dpnode_reconcile_transaction_errors_total", "counter",
	        "reconcile.transaction_errors", "Reconcile transactions that failed (retried)");
}

static void hugepages(FILE *f, json_t *st)
{
	static const struct {
		const char *metric, *key, *help;
	} fams[] = {{"dpnode_hugepages_pages", "total", "Hugepages in the pool"},
	        {"dpnode_hugepages_free_pages", "free", "Hugepages not in use"},
	        {"dpnode_hugepages_requested_pages", "requested", "Hugepages the config asks for"}};
	json_t *pools = json_object_get(st, "hugepages"), *p;
	size_t i;

	if (!json_is_array(pools))
		return;
	for (size_t k = 0; k < sizeof(fams) / sizeof(fams[0]); k++) {
		mfamily(f, fams[k].metric, "gauge", fams[k].help);
		json_array_foreach (pools, i, p) {
			struct mlabels l = {0};
			double v = mnum(json_object_get(p, fams[k].key));
			mlbl_int(&l, "numa", json_integer_value(json_object_get(p, "numa")));
			mlbl_int(&l, "page_size_bytes",
			        json_integer_value(json_object_get(p, "size_kb")) * 1024);
			if (!(!strcmp(fams[k].key, "requested") && v < 0))
				msample(f, fams[k].metric, &l, v);
		}
	}
}

void dpn_metrics_render(FILE *f, json_t *status, json_t *pmd)
{
	node(f, status);
	processes(f, status);
	ovs(f, status);
	hugepages(f, status);
	dpn_metrics_render_ports(f, status);
	dpn_metrics_render_pmd(f, pmd);
	dpn_metrics_render_services(f, status);
}
