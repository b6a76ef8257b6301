/* State files of the modules that make ports for pods. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "dpn_state.h"
#include "dpn_util.h"

static int save(const char *path, json_t *ports, struct dpn_err *err)
{
	char dir[4096];
	int ret;

	snprintf(dir, sizeof(dir), "%s", path);
	json_t *doc = json_pack("{s:i, s:O}", "version", 1, "ports", ports);
	if ((ret = dpn_mkdir_p(dirname(dir), 0755)) == 0)
		ret = dpn_json_save_kept(path, doc);
	json_decref(doc);
	if (ret < 0)
		return dpn_err_set(err, ret, "%s: cannot write state: %s", path, strerror(-ret));
	return 0;
}

int dpn_state_commit(
        const char *path, json_t *ports, const char *key, json_t *e, struct dpn_err *err)
{
	json_t *old = json_incref(json_object_get(ports, key));
	int ret;

	if (e)
		json_object_set(ports, key, e);
	else
		json_object_del(ports, key);
	if ((ret = save(path, ports, err)) < 0) {
		if (old)
			json_object_set(ports, key, old);
		else
			json_object_del(ports, key);
	}
	json_decref(old);
	return ret;
}

int dpn_state_load(const char *path, json_t **ports, bool *from_prev, struct dpn_err *err)
{
	char why[200] = "";
	json_t *doc;
	int ret = dpn_json_load_kept(path, &doc, from_prev, why, sizeof(why));

	*ports = NULL;
	if (ret == -ENOENT)
		return ret;
	if (ret < 0 || !json_is_object(json_object_get(doc, "ports"))) {
		json_decref(doc);
		return dpn_err_set(err, -EINVAL, "%s: unreadable state (%s), and no good %s.prev",
		        path, ret < 0 ? why : "no \"ports\"", path);
	}
	if (*from_prev)
		dpn_err_set(err, 0, "%s: %s; restored from its last good copy %s.prev", path, why,
		        path);
	*ports = json_incref(json_object_get(doc, "ports"));
	json_decref(doc);
	return 0;
}
