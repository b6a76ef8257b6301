/* Node config: the sriov section (what VFs each PF gets, and how). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "conf_ctx.h"

static void parse_vf(struct cctx *x, json_t *o, int num_vfs, struct dpn_vf_conf *v)
{
	static const char *const keys[] = {
	        "index", "mac", "vlan", "qos", "trust", "spoofchk", "link_state", NULL};
	static const char *const states[] = {"auto", "enable", "disable", NULL};
	long n;
	bool b;
	int st;

	cobj_check(x, o, keys);
	v->vlan = v->trust = v->spoofchk = v->link_state = -1;
	if (!json_object_get(o, "index"))
		cerr(x, "index", "missing (the VF number, 0..num_vfs-1)");
	if (cget_int(x, o, "index", 0, 4095, &n) == 0) {
		v->index = n;
		if (n >= num_vfs)
			cerr(x, "index", "VF %ld does not exist with num_vfs %d", n, num_vfs);
	}
	if (cget_str(x, o, "mac", v->mac, sizeof(v->mac)) == 0 && !dpn_mac_valid_unicast(v->mac))
		cerr(x, "mac", "\"%s\" is not a unicast MAC (xx:xx:xx:xx:xx:xx)", v->mac);
	if (cget_int(x, o, "vlan", 0, 4094, &n) == 0)
		v->vlan = n;
	if (cget_int(x, o, "qos", 0, 7, &n) == 0)
		v->qos = n;
	if (cget_bool(x, o, "trust", &b) == 0)
		v->trust = b;
	if (cget_bool(x, o, "spoofchk", &b) == 0)
		v->spoofchk = b;
	if (cget_enum(x, o, "link_state", states, &st) == 0)
		v->link_state = st;
}

static void parse_param(struct cctx *x, json_t *v, size_t i, void *arg)
{
	static const char *const keys[] = {"name", "value", "cmode", NULL};
	static const char *const cmodes[] = {"runtime", "driverinit", "permanent", NULL};
	struct dpn_sriov_pf_conf *p = arg;
	json_t *val = json_object_get(v, "value");
	int c;
	(void)i;

	cobj_check(x, v, keys);
	strcpy(p->params[p->n_params].cmode, "runtime");
	if (!json_object_get(v, "name"))
		cerr(x, "name", "missing");
	cget_str(x, v, "name", p->params[p->n_params].name, sizeof(p->params[0].name));
	if (cget_enum(x, v, "cmode", cmodes, &c) == 0)
		strcpy(p->params[p->n_params].cmode, cmodes[c]);
	/* numbers and booleans are written as devlink shows them */
	if (json_is_integer(val))
		snprintf(p->params[p->n_params].value, sizeof(p->params[0].value), "%lld",
		        (long long)json_integer_value(val));
	else if (json_is_boolean(val))
		strcpy(p->params[p->n_params].value, json_is_true(val) ? "true" : "false");
	else if (!json_is_string(val))
		cerr(x, "value", "expected a string, number or boolean");
	else
		cget_str(x, v, "value", p->params[p->n_params].value, sizeof(p->params[0].value));
	p->n_params++;
}

static void parse_params(struct cctx *x, json_t *o, struct dpn_sriov_pf_conf *p)
{
	json_t *arr = cget_arr(x, o, "devlink_params");

	if (json_array_size(arr) > 8) {
		cerr(x, "devlink_params", "at most 8");
		return;
	}
	cforeach_obj(x, arr, "devlink_params", parse_param, p);
}

static void vf_item(struct cctx *x, json_t *v, size_t i, void *arg)
{
	struct dpn_sriov_pf_conf *p = arg;
	(void)i;
	parse_vf(x, v, p->num_vfs, &p->vfs[p->n_vfs]);
	for (int k = 0; k < p->n_vfs; k++)
		if (p->vfs[k].index == p->vfs[p->n_vfs].index)
			cerr(x, "index", "VF %d is configured twice", p->vfs[k].index);
	p->n_vfs++;
}

static void parse_pf(struct cctx *x, json_t *o, struct dpn_sriov_pf_conf *p)
{
	static const char *const keys[] = {"pf", "num_vfs", "eswitch", "vf_driver", "hw_tc_offload",
	        "flow_steering_mode", "devlink_params", "vfs", NULL};
	static const char *const steering[] = {"smfs", "dmfs", NULL};
	static const char *const modes[] = {"legacy", "switchdev", NULL};
	static const char *const drivers[] = {"kernel", "vfio-pci", NULL};
	json_t *vfs;
	long n;
	int e;
	bool b;

	cobj_check(x, o, keys);
	p->hw_tc_offload = -1;
	if (!json_object_get(o, "pf"))
		cerr(x, "pf", "missing (PCI address DDDD:BB:DD.F or netdev name)");
	if (cget_str(x, o, "pf", p->pf, sizeof(p->pf)) == 0 && !dpn_pci_addr_valid(p->pf) &&
	        !dpn_ifname_valid(p->pf))
		cerr(x, "pf", "\"%s\" is neither a PCI address (DDDD:BB:DD.F) nor a netdev name",
		        p->pf);
	if (!json_object_get(o, "num_vfs"))
		cerr(x, "num_vfs", "missing");
	if (cget_int(x, o, "num_vfs", 0, 4096, &n) == 0)
		p->num_vfs = n;
	if (cget_enum(x, o, "eswitch", modes, &e) == 0)
		p->switchdev = e == 1;
	if (cget_enum(x, o, "vf_driver", drivers, &e) == 0)
		p->vfio = e == 1;
	if (cget_bool(x, o, "hw_tc_offload", &b) == 0)
		p->hw_tc_offload = b;
	/* TC offload is the e-switch's: a legacy one has no representors to offload to */
	if (p->hw_tc_offload == 1 && !p->switchdev)
		cerr(x, "hw_tc_offload", "true needs \"eswitch\": \"switchdev\" (PF %s is %s)", p->pf,
		        json_object_get(o, "eswitch") ? "legacy" : "left as it is, not switchdev");
	if (cget_enum(x, o, "flow_steering_mode", steering, &e) == 0)
		strcpy(p->flow_steering, steering[e]);
	parse_params(x, o, p);
	vfs = cget_arr(x, o, "vfs");
	if (json_array_size(vfs) > DPN_MAX_VF_CONF) {
		cerr(x, "vfs", "at most %d VFs configured one by one", DPN_MAX_VF_CONF);
		return;
	}
	cforeach_obj(x, vfs, "vfs", vf_item, p);
}

static void pf_item(struct cctx *x, json_t *v, size_t i, void *arg)
{
	struct dpn_sriov_conf *s = arg;
	(void)i;
	parse_pf(x, v, &s->pfs[s->n_pfs++]);
	for (int k = 0; k + 1 < s->n_pfs; k++)
		if (!strcmp(s->pfs[k].pf, s->pfs[s->n_pfs - 1].pf))
			cerr(x, "pf", "\"%s\" is configured twice", s->pfs[k].pf);
}

void dpn_conf_parse_sriov(struct cctx *x, json_t *o, struct dpn_sriov_conf *s)
{
	static const char *const keys[] = {"pfs", "vf_state_file", NULL};
	json_t *pfs;

	cobj_check(x, o, keys);
	ccheck_abs_path(x, o, "vf_state_file", s->vf_state_file, sizeof(s->vf_state_file));
	pfs = cget_arr(x, o, "pfs");
	if (json_array_size(pfs) > DPN_MAX_SRIOV_PFS) {
		cerr(x, "pfs", "at most %d PFs", DPN_MAX_SRIOV_PFS);
		return;
	}
	cforeach_obj(x, pfs, "pfs", pf_item, s);
}
