/* The doctor's checks in order, as JSON. */
#include "doctor_priv.h"

static const struct {
	const char *name;
	doctor_check_fn fn;
} checks[] = {
        {"iommu", doc_iommu},
        {"vfio-pci", doc_vfio},
        {"hugepages", doc_hugepages},
        {"pmd-cores", doc_pmd_cores},
        {"mount-propagation", doc_propagation},
        {"vhost-socket-dir", doc_socket_dir},
        {"dpdk-pmds", doc_pmds},
        {"offload", doc_offload},
        {"network-manager", doc_network_manager},
        {"versions", doc_versions},
};

const char *dpn_doctor_result_name(enum dpn_doctor_result r)
{
	static const char *const names[] = {"pass", "warn", "fail", "skip"};
	return r <= DPN_DOCTOR_SKIP ? names[r] : "?";
}

json_t *dpn_doctor_run(const struct dpn_doctor_env *e)
{
	json_t *out = json_array();
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		struct dpn_doctor_finding f = {0};
		checks[i].fn(e, &f);
		json_array_append_new(
		        out, json_pack("{s:s, s:s, s:s, s:s}", "check", checks[i].name, "result",
		                     dpn_doctor_result_name(f.result), "saw", f.saw, "fix", f.fix));
	}
	return out;
}
