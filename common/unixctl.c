#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dpn_jsonrpc.h"
#include "dpn_unixctl.h"
#include "dpn_util.h"

int dpn_unixctl_path(char *buf, size_t len, const char *run_dir, const char *name, pid_t pid)
{
	return dpn_snprintf(buf, len, "%s/%s.%d.ctl", run_dir, name, (int)pid) < 0 ? -ENAMETOOLONG
	                                                                           : 0;
}

int dpn_unixctl_call(const char *sock, const char *cmd, int argc, const char *const argv[],
        int timeout_ms, char **out)
{
	json_t *params = json_array(), *req, *resp = NULL, *err, *res;
	int ret;

	*out = NULL;
	for (int i = 0; i < argc; i++)
		json_array_append_new(params, json_string(argv[i]));
	req = json_pack("{s:s, s:o, s:i}", "method", cmd, "params", params, "id", 0);
	ret = dpn_json_roundtrip(sock, req, timeout_ms, &resp);
	json_decref(req);
	if (ret < 0)
		return ret;
	err = json_object_get(resp, "error");
	res = json_object_get(resp, "result");
	if (err && !json_is_null(err)) {
		*out = strdup(json_is_string(err) ? json_string_value(err) : "error");
		ret = -EREMOTEIO;
	} else {
		*out = strdup(json_is_string(res) ? json_string_value(res) : "");
	}
	json_decref(resp);
	return *out ? ret : -ENOMEM;
}

int dpn_unixctl_parse_pmd_cores(const char *text, int *cores, int max)
{
	const char *p = text;
	int n = 0;

	/* "pmd thread numa_id 0 core_id 1:" */
	while ((p = strstr(p, "pmd thread numa_id ")) && n < max) {
		int numa, core;
		if (sscanf(p, "pmd thread numa_id %d core_id %d:", &numa, &core) == 2) {
			bool dup = false;
			for (int i = 0; i < n; i++)
				dup |= cores[i] == core;
			if (!dup)
				cores[n++] = core;
		}
		p++;
	}
	return n;
}
