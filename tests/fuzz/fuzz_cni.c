/* dpnode-cni: what the container runtime hands it. Input: the CNI_*
 * environment as NAME=value lines, "----", the network config on stdin (a
 * NetworkAttachmentDefinition's, plus Multus' runtimeConfig), "----", the
 * ips dpnoded answered (JSON) for the result. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "dpn_cni.h"
#include "fuzz.h"

static struct fz_parts *cur;

static const char *get(const char *name)
{
	size_t n = strlen(name);
	for (char *l = cur->part[0]; l && *l;) {
		char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		if (len > n && !strncmp(l, name, n) && l[n] == '=') {
			static char val[4096];
			size_t vl = len - n - 1 < sizeof(val) - 1 ? len - n - 1 : sizeof(val) - 1;
			memcpy(val, l + n + 1, vl);
			val[vl] = '\0';
			return val;
		}
		l = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static void result(
        const struct dpn_cni_conf *c, const struct dpn_cni_env *env, const char *ips_text)
{
	json_t *ips = json_loads(ips_text, 0, NULL);
	json_t *r = dpn_cni_result(c->cni_version, env->ifname,
	        c->mac[0] ? c->mac : "0a:00:00:00:00:01", "/var/run/vhost/sock",
	        c->device_id[0] ? env->netns : NULL, c->mtu, json_is_array(ips) ? ips : NULL,
	        c->ips);
	free(json_dumps(r, 0));
	json_decref(r);
	json_decref(ips);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_parts p;
	struct dpn_cni_env env;
	struct dpn_cni_conf c;
	struct dpn_cni_err e = {0};
	char path[512];

	fz_quiet();
	fz_split(data, size, 3, &p);
	cur = &p;
	if (dpn_cni_parse_conf(p.part[1], &c, &e) < 0 || dpn_cni_parse_env(get, &env, &e) < 0) {
		json_t *err = dpn_cni_error_json("1.0.0", &e);
		free(json_dumps(err, 0));
		json_decref(err);
		goto out;
	}
	json_t *params = dpn_cni_add_params(&c, &env);
	free(json_dumps(params, 0));
	json_decref(params);
	if (dpn_cni_devinfo_path(&c, &env, DPN_CNI_DEVINFO_DIR, path, sizeof(path)) == 0) {
		json_t *di = dpn_cni_devinfo_json(&c, c.sock_name[0] ? c.sock_name : "sock");
		free(json_dumps(di, 0));
		json_decref(di);
	}
	result(&c, &env, p.part[2]);
out:
	fz_parts_free(&p);
	return 0;
}
