/* The metrics page: OVS's PMD reports parsed, the status rendered as
 * Prometheus text (one HELP/TYPE per family, samples together, labels
 * escaped, absent keys absent). promtool checks the real page in
 * test_metrics.sh. */
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpn_metrics.h"

static const char *pmd_stats = "pmd thread numa_id 0 core_id 1:\n"
                               "  packets received: 1000\n"
                               "  packet recirculations: 0\n"
                               "  avg. datapath passes per packet: 1.00\n"
                               "  phwol hits: 0\n"
                               "  mfex opt hits: 0\n"
                               "  simple match hits: 0\n"
                               "  emc hits: 900\n"
                               "  smc hits: 0\n"
                               "  megaflow hits: 95\n"
                               "  avg. subtable lookups per megaflow hit: 1.00\n"
                               "  miss with success upcall: 5\n"
                               "  miss with failed upcall: 0\n"
                               "  avg. packets per output batch: 1.00\n"
                               "  idle cycles: 900000 (90.00%)\n"
                               "  processing cycles: 100000 (10.00%)\n"
                               "  avg cycles per packet: 1000.00 (1000000/1000)\n"
                               "  avg processing cycles per packet: 100.00 (100000/1000)\n"
                               "main thread:\n"
                               "  packets received: 7\n";

static const char *rxq =
        "pmd thread numa_id 0 core_id 1:\n"
        "  isolated : false\n"
        "  port: dpdk0                 queue-id:  0 (enabled)   pmd usage: 12 %\n"
        "  port: vh0123456789abc       queue-id:  1 (disabled)  pmd usage: NOT AVAIL\n"
        "  overhead:  0 %\n";

static void pmd_parsers(void **state)
{
	(void)state;
	json_t *s = dpn_metrics_parse_pmd_stats(pmd_stats);
	assert_int_equal(json_array_size(s), 1); /* the main thread is not a PMD */
	json_t *p = json_array_get(s, 0);
	assert_int_equal(json_integer_value(json_object_get(p, "core")), 1);
	assert_int_equal(json_integer_value(json_object_get(p, "packets")), 1000);
	assert_int_equal(json_integer_value(json_object_get(p, "emc_hits")), 900);
	assert_int_equal(json_integer_value(json_object_get(p, "upcalls_ok")), 5);
	assert_int_equal(json_integer_value(json_object_get(p, "processing_cycles")), 100000);
	json_decref(s);
	json_t *q = dpn_metrics_parse_rxq(rxq);
	assert_int_equal(json_array_size(q), 2);
	assert_string_equal(
	        json_string_value(json_object_get(json_array_get(q, 0), "port")), "dpdk0");
	assert_int_equal(
	        json_integer_value(json_object_get(json_array_get(q, 0), "usage_pct")), 12);
	assert_null(json_object_get(json_array_get(q, 1), "usage_pct"));
	assert_false(json_is_true(json_object_get(json_array_get(q, 1), "enabled")));
	json_decref(q);
	json_decref(dpn_metrics_parse_pmd_stats(NULL));
	json_decref(dpn_metrics_parse_rxq("garbage\n  port: x\n"));
}

static char *render(const char *status_json, json_t *pmd)
{
	json_t *st = json_loads(status_json, 0, NULL);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(st);
	dpn_metrics_render(f, st, pmd);
	fclose(f);
	json_decref(st);
	return buf;
}

/* every "# TYPE x" once, and every sample of x after it and before the next family */
static void families_well_formed(const char *page)
{
	char *dup = strdup(page), *save = NULL, seen[64][96] = {{0}}, cur[96] = "";
	int n = 0;
	for (char *l = strtok_r(dup, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char name[96];
		if (sscanf(l, "# TYPE %95s", name) == 1) {
			for (int i = 0; i < n; i++)
				if (!strcmp(seen[i], name))
					fail_msg("family %s twice", name);
			snprintf(seen[n < 63 ? n++ : n], 96, "%s", name);
			snprintf(cur, sizeof(cur), "%s", name);
		} else if (l[0] != '#') {
			size_t k = strlen(cur);
			if (strncmp(l, cur, k) || !strchr("{ _", l[k]))
				fail_msg("sample outside its family %s: %s", cur, l);
		}
	}
	free(dup);
}

static void page(void **state)
{
	(void)state;
	char *p = render(
	        "{\"dpnode_version\": \"0.1.0\", \"uptime_s\": 5, \"dpdk_initialized\": true,"
	        " \"ovs_version\": \"3.1.0\", \"modules\": {\"ovs\": {\"state\": \"ok\"}},"
	        " \"ovs\": {\"db_connected\": true, \"vswitchd\": {\"pid\": 42, \"restarts\": 1,"
	        "   \"uptime_s\": 3}, \"ovsdb_server\": {\"pid\": null, \"restarts\": 0}},"
	        " \"hugepages\": [{\"numa\": 0, \"size_kb\": 2048, \"total\": 512, \"free\": 100,"
	        "   \"requested\": -1}],"
	        " \"reconcile\": {\"converged\": true, \"transactions\": 3, "
	        "\"transaction_errors\": 0},"
	        " \"bridges\": [{\"name\": \"br-int\", \"ports\": [{\"name\": \"vh1\", \"port\": "
	        "\"vh1\","
	        "   \"type\": \"dpdkvhostuserclient\", \"link_state\": \"down\", \"rx_packets\": "
	        "10,"
	        "   \"tx_retries\": 2, \"iface-id\": \"a\\\"b.ns\", \"pod_name\": \"a\\\"b\", "
	        "\"mtu\": null}]}],"
	        " \"vhostuser\": {\"ports\": 1, \"requests\": {\"add\": {\"ok\": 1, \"failed\": 0,"
	        "   \"again\": 2, \"seconds\": {\"count\": 3, \"sum_s\": 0.5, \"buckets\": [[0.1, "
	        "2], [1, 3]]}}}}}",
	        NULL);
	families_well_formed(p);
	assert_non_null(strstr(p, "dpnode_info{version=\"0.1.0\",ovs_version=\"3.1.0\"} 1\n"));
	assert_non_null(strstr(p, "dpnode_dpdk_initialized 1\n"));
	assert_non_null(strstr(p, "dpnode_process_up{process=\"ovs-vswitchd\"} 1\n"));
	assert_non_null(strstr(p, "dpnode_process_up{process=\"ovsdb-server\"} 0\n"));
	assert_null(strstr(p, "process=\"ovn-controller\"")); /* not supervised here */
	assert_non_null(strstr(p, "dpnode_process_restarts_total{process=\"ovs-vswitchd\"} 1\n"));
	assert_non_null(
	        strstr(p, "dpnode_hugepages_pages{numa=\"0\",page_size_bytes=\"2097152\"} 512\n"));
	assert_null(strstr(p, "dpnode_hugepages_requested_pages{")); /* -1: not managed */
	assert_non_null(strstr(p, "dpnode_port_rx_packets_total{bridge=\"br-int\",port=\"vh1\","
	                          "interface=\"vh1\",type=\"dpdkvhostuserclient\","
	                          "iface_id=\"a\\\"b.ns\",pod=\"a\\\"b\"} 10\n"));
	assert_non_null(strstr(p, "dpnode_port_tx_retries_total{"));
	assert_non_null(strstr(p, "dpnode_port_link_up{bridge=\"br-int\""));
	assert_null(strstr(p, "dpnode_port_mtu_bytes{")); /* null: no sample */
	assert_non_null(strstr(p, "dpnode_module_state{module=\"ovs\",state=\"ok\"} 1\n"));
	assert_non_null(
	        strstr(p, "dpnode_cni_requests_total{method=\"add\",result=\"again\"} 2\n"));
	assert_non_null(strstr(
	        p, "dpnode_cni_request_duration_seconds_bucket{method=\"add\",le=\"0.1\"} 2\n"));
	assert_non_null(strstr(
	        p, "dpnode_cni_request_duration_seconds_bucket{method=\"add\",le=\"+Inf\"} 3\n"));
	assert_non_null(strstr(p, "dpnode_cni_request_duration_seconds_sum{method=\"add\"} 0.5\n"));
	assert_null(strstr(p, "dpnode_ovn_")); /* no ovn section */
	free(p);

	json_t *pmd = json_pack("{s:o, s:o}", "stats", dpn_metrics_parse_pmd_stats(pmd_stats),
	        "rxqs", dpn_metrics_parse_rxq(rxq));
	p = render("{}", pmd);
	families_well_formed(p);
	assert_non_null(strstr(
	        p, "dpnode_pmd_cycles_total{numa=\"0\",core=\"1\",state=\"processing\"} 100000\n"));
	assert_non_null(
	        strstr(p, "dpnode_pmd_processing_cycles_per_packet{numa=\"0\",core=\"1\"} 100\n"));
	assert_non_null(strstr(
	        p, "dpnode_pmd_lookups_total{numa=\"0\",core=\"1\",result=\"emc_hit\"} 900\n"));
	assert_non_null(strstr(p, "dpnode_pmd_rxq_usage_ratio{numa=\"0\",core=\"1\",port=\"dpdk0\","
	                          "queue=\"0\"} 0.12\n"));
	assert_null(strstr(p, "port=\"vh0123456789abc\"")); /* NOT AVAIL */
	free(p);
	json_decref(pmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(pmd_parsers),
	        cmocka_unit_test(page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
