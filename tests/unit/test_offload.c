#include "testlib.h"

#include "dpn_offload.h"

static void flows(void **state)
{
	(void)state;
	json_t *per = json_object();
	const char *dump =
	        "flow-dump from pmd on cpu core: 1\n"
	        "recirc_id(0),in_port(pf0vf0),packet_type(ns=0,id=0),eth(src=0a:00:00:00:00:0a),"
	        "eth_type(0x0800), packets:12, bytes:1176, used:0.5s, offloaded:yes, dp:dpdk, "
	        "actions:pf0vf1\n"
	        "recirc_id(0),in_port(pf0vf0),eth_type(0x86dd), packets:1, offloaded:partial\n"
	        "recirc_id(0),in_port(pf0vf1),eth_type(0x0806), packets:2, offloaded:yes\n"
	        "garbage in_port(\n";
	assert_int_equal(dpn_offload_count_flows(dump, per), 3);
	assert_int_equal(json_integer_value(json_object_get(per, "pf0vf0")), 2);
	assert_int_equal(json_integer_value(json_object_get(per, "pf0vf1")), 1);
	assert_int_equal(dpn_offload_count_flows("", per), 0);
	json_decref(per);
}

static void stats(void **state)
{
	(void)state;
	json_t *s = dpn_offload_parse_stats("HW Offload stats:\n"
	                                    "   Total:\n"
	                                    "       Enqueued offloads:     4\n"
	                                    "       Inserted offloads:     3\n"
	                                    "       Offload latency (us):  120\n"
	                                    "   Thread 0:\n"
	                                    "       Inserted offloads:     3\n");
	assert_int_equal(json_integer_value(json_object_get(s, "enqueued_offloads")), 4);
	assert_int_equal(json_integer_value(json_object_get(s, "inserted_offloads")), 3);
	assert_int_equal(json_integer_value(json_object_get(s, "offload_latency_(us)")), 120);
	assert_int_equal(json_object_size(s), 3); /* the threads' sections are not totals */
	json_decref(s);
	s = dpn_offload_parse_stats(""); /* what OVS 3.1 prints without offload threads */
	assert_int_equal(json_object_size(s), 0);
	json_decref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(flows),
	        cmocka_unit_test(stats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
