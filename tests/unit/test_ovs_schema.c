/* Every OVSDB table and column dpnode names exists in the installed
 * vswitch.ovsschema (Debian's openvswitch-common): a typo or a column that a
 * new OVS dropped fails here, not as a runtime OVSDB error on a node. */
#include "testlib.h"

#include <stdlib.h>

#include "ovs_schema.h"

#ifndef DPN_OVS_SCHEMA_FILE
#define DPN_OVS_SCHEMA_FILE "/usr/share/openvswitch/vswitch.ovsschema"
#endif

static json_t *load_schema(void)
{
	const char *path =
	        getenv("DPN_OVS_SCHEMA") ? getenv("DPN_OVS_SCHEMA") : DPN_OVS_SCHEMA_FILE;
	json_error_t jerr;
	json_t *s = json_load_file(path, 0, &jerr);
	if (!s)
		fail_msg("%s: %s", path, jerr.text);
	return s;
}

/* "Table.column" of the first used column the schema lacks, or NULL. */
static const char *first_missing(json_t *tables, char *buf, size_t len)
{
	for (const struct dpn_ovs_schema_col *c = dpn_ovs_schema_used; c->table; c++) {
		json_t *cols = json_object_get(json_object_get(tables, c->table), "columns");
		if (!json_object_get(cols, c->column)) {
			snprintf(buf, len, "%s.%s", c->table, c->column);
			return buf;
		}
	}
	for (int i = 0; dpn_ovs_schema_tables[i]; i++)
		if (!json_object_get(tables, dpn_ovs_schema_tables[i])) {
			snprintf(buf, len, "%s", dpn_ovs_schema_tables[i]);
			return buf;
		}
	return NULL;
}

static void every_column_exists(void **state)
{
	json_t *schema = load_schema();
	const char *miss;
	char buf[128];
	int n = 0;
	(void)state;

	assert_string_equal(json_string_value(json_object_get(schema, "name")), OVS_DB);
	for (const struct dpn_ovs_schema_col *c = dpn_ovs_schema_used; c->table; c++)
		n++;
	assert_true(n >= 25);
	if ((miss = first_missing(json_object_get(schema, "tables"), buf, sizeof(buf))))
		fail_msg("%s is not in the installed vswitch.ovsschema", miss);
	json_decref(schema);
}

/* The check catches a column the schema lacks (so the test above can fail). */
static void missing_column_is_caught(void **state)
{
	json_t *schema = load_schema(), *tables = json_object_get(schema, "tables");
	char buf[128];
	(void)state;

	json_object_del(json_object_get(json_object_get(tables, OVS_T_INTERFACE), "columns"),
	        OVS_C_MTU_REQUEST);
	const char *miss = first_missing(tables, buf, sizeof(buf));
	assert_non_null(miss);
	assert_string_equal(miss, "Interface.mtu_request");
	json_object_del(tables, OVS_T_PORT);
	assert_non_null(first_missing(tables, buf, sizeof(buf)));
	json_decref(schema);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(every_column_exists),
	        cmocka_unit_test(missing_column_is_caught),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
