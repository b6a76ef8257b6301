/* Per SmartNIC PF: can hardware offload work there, and if not, why. */
#include <glob.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "dpn_devlink.h"
#include "dpn_sriov.h"
#include "offload_priv.h"

/* Where Debian (and most builds) put DPDK's PMDs: librte_<pmd>.so in
 * <libdir>/dpdk/pmds-<ABI>/. $DPNODE_DPDK_PMD_DIR overrides. */
static json_t *pmd_status(json_t *vendor)
{
	const char *pmd = json_string_value(json_object_get(vendor, "dpdk_pmd"));
	const char *note = json_string_value(json_object_get(vendor, "dpdk_pmd_note"));
	const char *dir = getenv("DPNODE_DPDK_PMD_DIR");
	char pat[512];
	glob_t g = {0};

	if (!pmd)
		return json_pack("{s:n, s:b, s:s?}", "name", "found", 0, "note", note);
	snprintf(pat, sizeof(pat), "%s/librte_%s.so*", dir ? dir : "/usr/lib/*/dpdk/pmds-*", pmd);
	bool found = glob(pat, 0, NULL, &g) == 0 && g.gl_pathc > 0;
	json_t *j = json_pack("{s:s, s:b, s:s?, s:s?}", "name", pmd, "found", found, "path",
	        found ? g.gl_pathv[0] : NULL, "note", found ? NULL : note);
	globfree(&g);
	return j;
}

static const char *attach_type(json_t *vendor)
{
	return json_string_value(json_object_get(json_object_get(vendor, "attach"), "type"))
	               ?: "netdev";
}

static void reason(json_t *why, const char *fmt, const char *a, const char *b)
{
	json_array_append_new(why, json_sprintf(fmt, a, b));
}

/* One PF of a vendor the NIC table knows. */
static json_t *pf_status(const struct dpn_pf *pf, json_t *vendor)
{
	const char *attach = attach_type(vendor);
	json_t *why = json_array(), *pmd = pmd_status(vendor);
	int tc = pf->netdev[0] ? dpn_ethtool_feature(pf->netdev, "hw-tc-offload", -1) : -1;
	char steer[32] = "";
	int type;

	if (json_is_array(
	            json_object_get(json_object_get(vendor, "knobs"), "flow_steering_mode")) &&
	        dpn_devlink_param_get(pf->bus, pf->bdf, "flow_steering_mode",
	                dpn_devlink_cmode_parse("runtime"), &type, steer, sizeof(steer)) < 0)
		steer[0] = '\0';
	if (strcmp(pf->eswitch, "switchdev"))
		reason(why, "eswitch is %s%s: representors need switchdev",
		        pf->eswitch[0] ? pf->eswitch : "unknown",
		        pf->eswitch[0] ? "" : " (no devlink)");
	if (!strcmp(attach, "netdev") && tc != 1)
		reason(why, "hw-tc-offload is %s on %s: TC cannot offload the representors' flows",
		        tc == 0 ? "off" : "not available", pf->netdev[0] ? pf->netdev : pf->bdf);
	if (!strcmp(attach, "dpdk") && !json_is_true(json_object_get(pmd, "found")))
		reason(why,
		        "this DPDK build has no %s PMD%s: its representors cannot be DPDK ports",
		        json_string_value(json_object_get(pmd, "name")) ?: "vendor", "");
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s?, s:o, s:b, s:o}", "pci", pf->bdf,
	        "netdev", pf->netdev, "vendor", pf->vendor[0] ? pf->vendor : pf->bus, "eswitch",
	        pf->eswitch, "attach", attach, "hw_tc_offload",
	        tc < 0 ? json_null() : json_boolean(tc), "numvfs", json_integer(pf->numvfs),
	        "flow_steering_mode", steer[0] ? steer : NULL, "dpdk_pmd", pmd, "ready",
	        json_array_size(why) == 0, "not_ready_because", why);
}

json_t *offload_pfs(const struct dpn_inventory *inv, const struct dpn_nic_table *nics)
{
	json_t *out = json_array();
	for (int i = 0; inv && i < inv->n_pfs; i++) {
		json_t *vendor = dpn_nic_vendor(nics, inv->pfs[i].vendor_id);
		/* offload is a SmartNIC's: the table's vendors, and any e-switch in
		 * switchdev mode (netdevsim in the test rig) */
		if (vendor || !strcmp(inv->pfs[i].eswitch, "switchdev"))
			json_array_append_new(out, pf_status(&inv->pfs[i], vendor));
	}
	return out;
}
