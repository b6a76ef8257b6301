/* dpnode.json (the ConfigMap an operator writes) through the whole
 * validation, and the ovsdb desired state a valid one makes. */
#include <jansson.h>

#include "dpn_conf.h"
#include "fuzz.h"
#include "ovs_desired.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dpn_conf_errors errs = {0};
	struct dpn_machine m = {0};
	struct dpn_conf c;

	fz_quiet();
	/* a two-node, 8-CPU machine: NUMA and core checks have something to say */
	for (unsigned i = 0; i < 8; i++)
		dpn_cpuset_set(&m.online, i);
	m.n_numa = 2;
	m.numa[0] = m.numa[1] = true;
	json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!root)
		return 0;
	if (dpn_conf_load_json(root, &m, &c, &errs) == 0) {
		json_t *d = dpn_desired_from_conf(&c);
		char *s = json_dumps(d, 0);
		free(s);
		json_decref(d);
		dpn_conf_free(&c);
	} else {
		dpn_conf_errors_print(&errs, fz_devnull());
	}
	dpn_conf_errors_free(&errs);
	json_decref(root);
	return 0;
}
