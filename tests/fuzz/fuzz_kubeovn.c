/* `dpnodectl config import-kubeovn`: Kube-OVN's ovs-dpdk-config and
 * config.cfg (shell-style files a cluster admin wrote), then the dpnode
 * config the import makes through dpnode's own validation. Input:
 * ovs-dpdk-config, "----", config.cfg (absent when the part is empty). */
#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

#include "dpn_conf.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dpn_conf_errors errs = {0};
	struct fz_parts p;
	const char *dir = fz_tmpdir();
	char cfg[512];

	fz_quiet();
	fz_split(data, size, 2, &p);
	fz_write(dir, "ovs-dpdk-config", p.part[0], p.len[0]);
	snprintf(cfg, sizeof(cfg), "%s/config.cfg", dir);
	if (p.len[1])
		fz_write(dir, "config.cfg", p.part[1], p.len[1]);
	else
		unlink(cfg);
	json_t *j = dpn_kubeovn_import(dir, &errs);
	dpn_conf_errors_print(&errs, fz_devnull());
	dpn_conf_errors_free(&errs);
	if (j) {
		struct dpn_conf c;
		struct dpn_conf_errors e2 = {0};
		if (dpn_conf_load_json(j, NULL, &c, &e2) == 0)
			dpn_conf_free(&c);
		dpn_conf_errors_free(&e2);
		json_decref(j);
	}
	fz_parts_free(&p);
	return 0;
}
