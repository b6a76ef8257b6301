#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dpn_sriov.h"
#include "dpn_util.h"

#ifndef DPN_SOURCE_NIC_TABLE
#define DPN_SOURCE_NIC_TABLE ""
#endif

const char *dpn_nic_table_path(void)
{
	const char *env = getenv("DPNODE_NIC_TABLE");
	if (env && *env)
		return env;
	if (access(DPN_NIC_TABLE_PATH, R_OK) == 0 || !DPN_SOURCE_NIC_TABLE[0])
		return DPN_NIC_TABLE_PATH;
	return DPN_SOURCE_NIC_TABLE;
}

int dpn_nic_table_load(const char *path, struct dpn_nic_table *t, struct dpn_err *err)
{
	json_error_t jerr;
	json_t *v;
	size_t i;

	t->root = json_load_file(path, 0, &jerr);
	if (!t->root) {
		return dpn_err_set(err, -EINVAL, "%s:%d: %s", path, jerr.line, jerr.text);
	}
	json_array_foreach (json_object_get(t->root, "vendors"), i, v) {
		if (!json_is_string(json_object_get(v, "vendor_id")) ||
		        !json_is_array(json_object_get(v, "devices"))) {
			json_decref(t->root);
			t->root = NULL;
			return dpn_err_set(err, -EINVAL,
			        "%s: vendors[%zu]: needs vendor_id and devices", path, i);
		}
	}
	return 0;
}

void dpn_nic_table_free(struct dpn_nic_table *t)
{
	json_decref(t->root);
	t->root = NULL;
}

json_t *dpn_nic_vendor(const struct dpn_nic_table *t, const char *vendor_id)
{
	json_t *v;
	size_t i;
	json_array_foreach (json_object_get(t->root, "vendors"), i, v)
		if (!strcasecmp(json_string_value(json_object_get(v, "vendor_id")), vendor_id))
			return v;
	return NULL;
}

json_t *dpn_nic_model(json_t *vendor, const char *device_id, bool vf)
{
	json_t *d;
	size_t i;
	json_array_foreach (json_object_get(vendor, "devices"), i, d) {
		const char *id = json_string_value(json_object_get(d, vf ? "vf" : "pf"));
		if (id && !strcasecmp(id, device_id))
			return d;
	}
	return NULL;
}
