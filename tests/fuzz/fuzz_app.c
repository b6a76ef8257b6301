/* dpnode-app in a pod: what the pod's spec and the node put in front of it.
 * Input parts: the downward-API annotations file (Multus' network-status),
 * "----", one CNI device-info file, "----", the environment as NAME=value
 * lines (the device plugin's PCIDEVICE_* variables), "----", a --vhost
 * argument. The devices found then go through the EAL argument builder. */
#include <stdlib.h>
#include <string.h>

#include "dpn_app.h"
#include "fuzz.h"

static int env_lines(char *text, char **envp, int max)
{
	int n = 0;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && n < max;
	        l = strtok_r(NULL, "\n", &save))
		envp[n++] = l;
	envp[n] = NULL;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dpn_app_env ae = {.sysfs = "/nonexistent",
	        .cgroup = "/nonexistent",
	        .file_prefix = "fz",
	        .queues = 1};
	char annotations[512], devinfo[512], *envp[33];
	struct dpn_app_devs d = {0};
	struct dpn_err err = {0};
	struct fz_parts p;
	const char *dir = fz_tmpdir();

	fz_quiet();
	fz_split(data, size, 4, &p);
	snprintf(annotations, sizeof(annotations), "%s/annotations", dir);
	snprintf(devinfo, sizeof(devinfo), "%s/devinfo", dir);
	fz_write(dir, "annotations", p.part[0], p.len[0]);
	dpn_mkdir_p(devinfo, 0700);
	fz_write(devinfo, "net1.json", p.part[1], p.len[1]);
	env_lines(p.part[2], envp, 32);
	if (dpn_app_from_network_status(annotations, &d, &err) >= 0 &&
	        dpn_app_from_devinfo_dir(devinfo, &d, &err) >= 0 &&
	        dpn_app_from_env(envp, &d, &err) >= 0 &&
	        (!p.len[3] || dpn_app_add_vhost(p.part[3], "--vhost", &d, &err) >= 0)) {
		int argc;
		char **argv;
		if (dpn_app_build_eal(&d, &ae, &argc, &argv, &err) == 0)
			dpn_app_eal_free(argc, argv);
	}
	fz_parts_free(&p);
	return 0;
}
