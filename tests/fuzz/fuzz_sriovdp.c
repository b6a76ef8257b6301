/* The SR-IOV network device plugin's own config.json (sriovdp's ConfigMap,
 * taken unchanged) and the pfNames selector syntax ("ens1f0#0-3,5"). */
#include <stdlib.h>
#include <string.h>

#include "dpn_conf.h"
#include "dpn_conf_devplugin.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dpn_devplugin_pools pools = {0};
	struct dpn_conf_errors errs = {0};
	char path[512];
	bool match;

	fz_quiet();
	snprintf(path, sizeof(path), "%s/config.json", fz_tmpdir());
	fz_write(fz_tmpdir(), "config.json", (const char *)data, size);
	if (dpn_devplugin_pools_load_sriovdp(path, &pools, &errs) == 0)
		dpn_devplugin_pools_free(&pools);
	dpn_conf_errors_print(&errs, fz_devnull());
	dpn_conf_errors_free(&errs);
	/* the same bytes as one pfNames entry */
	char *entry = strndup((const char *)data, size);
	for (int idx = 0; idx < 8; idx += 3)
		dpn_devplugin_pfname_match(entry, "ens1f0", idx, &match);
	free(entry);
	return 0;
}
