/* SR-IOV as a dpnoded module: VFs, switchdev and representors exist before
 * OVS is asked to use them, and the inventory follows udev. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DPN_LOG_MOD "sriov"
#include "dpn_conf.h"
#include "dpn_log.h"
#include "dpn_sriov.h"
#include "dpn_sriov_mon.h"

struct sriov_module {
	struct dpn_nic_table nics;
	struct dpn_sriov_mon *mon;
	bool provisioned; /* the config has PFs to provision */
	struct dpn_sriov_report report;
	struct dpn_err apply_err;
	char nics_err[512];
};

const struct dpn_nic_table *dpn_sriov_nics(void *module_state)
{
	return &((struct sriov_module *)module_state)->nics;
}

struct dpn_sriov_mon *dpn_sriov_monitor(void *module_state)
{
	return ((struct sriov_module *)module_state)->mon;
}

static void load_nics(struct sriov_module *m)
{
	const char *tp = dpn_nic_table_path();
	struct dpn_err err = {0};

	if (dpn_nic_table_load(tp, &m->nics, &err) < 0) {
		LOG_WARN("NIC table %s: %s; NICs are handled generically", tp, dpn_err_str(&err));
		snprintf(m->nics_err, sizeof(m->nics_err), "NIC table %s: %s", tp,
		        dpn_err_str(&err));
		m->nics.root = json_pack("{s:[]}", "vendors");
	}
}

static int sriov_init(struct dpn_node *n, void **priv, struct dpn_err *err)
{
	const struct dpn_sriov_conf *c = &dpn_node_conf(n)->sriov;
	struct sriov_module *m = calloc(1, sizeof(*m));

	if (!m)
		return dpn_err_set(err, -ENOMEM, "out of memory");
	load_nics(m);
	if (c->n_pfs) {
		m->provisioned = true;
		if (dpn_sriov_apply(c, &m->nics, &m->report, &m->apply_err) < 0)
			LOG_ERR("provisioning: %s", dpn_err_str(&m->apply_err));
		else
			LOG_INFO("provisioning: %d change(s)", m->report.changes);
	}
	if (!(m->mon = dpn_sriov_mon_new(dpn_node_base(n), &m->nics))) {
		dpn_nic_table_free(&m->nics);
		free(m);
		return dpn_err_set(err, -ENOMEM, "cannot start the SR-IOV monitor");
	}
	*priv = m;
	return 0;
}

/* Per PF: its VFs now and at most (metrics; the inventory has the rest). */
static json_t *pf_vfs(const struct dpn_inventory *inv)
{
	json_t *out = json_array();
	for (int i = 0; inv && i < inv->n_pfs; i++) {
		const struct dpn_pf *p = &inv->pfs[i];
		json_array_append_new(
		        out, json_pack("{s:s, s:s, s:i, s:i, s:i, s:s}", "pf", p->bdf, "netdev",
		                     p->netdev, "numa", p->numa, "numvfs", p->numvfs, "totalvfs",
		                     p->totalvfs, "eswitch", p->eswitch));
	}
	return out;
}

static int sriov_status(void *priv, json_t *st, struct dpn_err *err)
{
	struct sriov_module *m = priv;
	json_t *inv = dpn_sriov_mon_inventory(m->mon);
	json_t *s = json_pack("{s:I, s:o, s:o}", "pfs",
	        (json_int_t)json_array_size(json_object_get(inv, "pfs")), "nic_table_error",
	        m->nics_err[0] ? json_string(m->nics_err) : json_null(), "pf_vfs",
	        pf_vfs(dpn_sriov_mon_current(m->mon)));

	if (m->provisioned)
		json_object_set_new(s, "provisioning",
		        json_pack("{s:b, s:i, s:s, s:o}", "ok", m->apply_err.code == 0, "changes",
		                m->report.changes, "log", m->report.log, "error",
		                m->apply_err.code ? json_string(m->apply_err.msg) : json_null()));
	json_object_set_new(st, "sriov", s);
	if (m->apply_err.code)
		return dpn_err_set(err, m->apply_err.code, "provisioning: %s", m->apply_err.msg);
	return 0;
}

static void sriov_fini(void *priv)
{
	struct sriov_module *m = priv;
	dpn_sriov_mon_free(m->mon);
	dpn_nic_table_free(&m->nics);
	free(m);
}

static int api_inventory(void *ctx, json_t *params, json_t **result, struct dpn_err *err)
{
	struct sriov_module *m = ctx;
	(void)params;
	(void)err;
	*result = json_incref(dpn_sriov_mon_inventory(m->mon));
	return 0;
}

static const struct dpn_api_method sriov_methods[] = {
        {"sriov.inventory", api_inventory, true},
        {NULL, NULL},
};

const struct dpn_module dpn_sriov_module = {
        .name = "sriov",
        .init = sriov_init,
        .status = sriov_status,
        .fini = sriov_fini,
        .methods = sriov_methods,
};
