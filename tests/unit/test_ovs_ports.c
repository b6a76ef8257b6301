/* The typed port API: specs checked field by field, owners enforced, and the
 * desired-state object a spec becomes. */
#include "testlib.h"

#include <errno.h>

#include <event2/event.h>

#include "dpn_conf.h"
#include "dpn_ovs.h"
#include "ovs_desired.h"

static const char *sim = "{\"ovs\": {\"dpdk\": {\"socket_mem\": [512], \"pmd_cores\": \"1\"}},"
                         " \"uplink\": {\"ports\": [{\"devargs\": \"net_null0\"}]}}";

struct fx {
	struct event_base *base;
	struct dpn_conf conf;
	struct dpn_ovs *ovs;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct dpn_conf_errors e = {0};
	json_t *j = tjson(sim);

	if (dpn_conf_load_json(j, NULL, &f->conf, &e) < 0)
		fail_msg("bad test config: %s", e.lines[0]);
	json_decref(j);
	f->base = event_base_new();
	f->ovs = dpn_ovs_new(f->base, &f->conf, NULL, NULL);
	assert_non_null(f->ovs);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	dpn_ovs_free(f->ovs);
	event_base_free(f->base);
	dpn_conf_free(&f->conf);
	free(f);
	return 0;
}

static struct dpn_ovs_port_spec vhost_spec(const char *name)
{
	struct dpn_ovs_port_spec s = {
	        .name = name, .owner = "vhost", .type = "dpdkvhostuserclient"};
	dpn_ovs_kv_add(s.options, &s.n_options, "vhost-server-path", "/run/x/sock");
	dpn_ovs_kv_add(s.iface_ids, &s.n_iface_ids, "iface-id", "pod.ns");
	dpn_ovs_kv_add(s.iface_ids, &s.n_iface_ids, "ip", NULL);
	return s;
}

static void expect(int got, int want, const struct dpn_err *err, const char *needle)
{
	assert_int_equal(got, want);
	if (!strstr(err->msg, needle))
		fail_msg("error \"%s\" does not say \"%s\"", err->msg, needle);
}

static void spec_checks_name_the_field(void **state)
{
	struct dpn_ovs_port_spec s = vhost_spec("vh1");
	struct dpn_err err = {0};
	(void)state;

	assert_int_equal(dpn_ovs_port_spec_check(&s, &err), 0);
	s.name = "has/slash";
	expect(dpn_ovs_port_spec_check(&s, &err), -EINVAL, &err, "port name");
	s = vhost_spec("vh1");
	s.type = "geneve";
	expect(dpn_ovs_port_spec_check(&s, &err), -EINVAL, &err, "type \"geneve\"");
	s = vhost_spec("vh1");
	s.owner = NULL;
	expect(dpn_ovs_port_spec_check(&s, &err), -EINVAL, &err, "no owner");
	s = vhost_spec("vh1");
	dpn_ovs_kv_add(s.options, &s.n_options, "vhost-server-path", "/other");
	expect(dpn_ovs_port_spec_check(&s, &err), -EINVAL, &err, "vhost-server-path given twice");
	s = vhost_spec("vh1");
	for (int i = s.n_options; i < DPN_OVS_PORT_KV_MAX; i++)
		assert_int_equal(dpn_ovs_kv_add(s.options, &s.n_options, "k", "v"), 0);
	assert_int_equal(dpn_ovs_kv_add(s.options, &s.n_options, "k", "v"), -ENOSPC);
}

static void owners_are_enforced(void **state)
{
	struct fx *f = *state;
	struct dpn_ovs_port_spec s = vhost_spec("vh1");
	struct dpn_err err = {0};

	assert_int_equal(dpn_ovs_port_set(f->ovs, "br-int", &s, &err), 0);
	assert_int_equal(dpn_ovs_port_set(f->ovs, "br-int", &s, &err), 0); /* idempotent */
	s.owner = "sriov";
	expect(dpn_ovs_port_set(f->ovs, "br-int", &s, &err), -EEXIST, &err, "belongs to vhost");
	s = vhost_spec("dpdk0");
	expect(dpn_ovs_port_set(f->ovs, "br-phy", &s, &err), -EEXIST, &err,
	        "belongs to the node config");
	s = vhost_spec("vh2");
	expect(dpn_ovs_port_set(f->ovs, "br-nope", &s, &err), -ENOENT, &err, "bridge br-nope");
	assert_int_equal(dpn_ovs_port_del(f->ovs, "br-int", "vh1", "sriov"), -ENOENT);
	assert_int_equal(dpn_ovs_port_del(f->ovs, "br-phy", "dpdk0", "vhost"), -ENOENT);
	assert_int_equal(dpn_ovs_port_del(f->ovs, "br-int", "vh1", "vhost"), 0);
	assert_int_equal(dpn_ovs_port_del(f->ovs, "br-int", "vh1", "vhost"), -ENOENT);
}

static void spec_becomes_desired_columns(void **state)
{
	struct dpn_ovs_port_spec s = vhost_spec("vh1");
	(void)state;

	s.mtu = 1500;
	dpn_ovs_kv_add(s.port_ids, &s.n_port_ids, "dpnode-pod-uid", "u1");
	json_t *entry = dpn_desired_port(&s);
	/* kept packed, [owner, spec text]: the spec is what it unpacks to */
	assert_true(dpn_desired_port_packed(entry));
	assert_string_equal(dpn_desired_port_owner(entry), "vhost");
	json_t *got = dpn_desired_port_spec(entry);
	json_decref(entry);
	json_t *want = tjson("{\"owner\": \"vhost\", \"cols\": {\"external_ids\": "
	                     "{\"dpnode-pod-uid\": \"u1\"}}, \"ifaces\": {\"vh1\": {\"cols\": "
	                     "{\"type\": \"dpdkvhostuserclient\", \"options\": "
	                     "{\"vhost-server-path\": \"/run/x/sock\"}, \"mtu_request\": 1500, "
	                     "\"external_ids\": {\"iface-id\": \"pod.ns\", \"ip\": null}}}}}");
	if (!json_equal(got, want))
		fail_msg("got %s", json_dumps(got, JSON_SORT_KEYS));
	json_decref(got);
	json_decref(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(spec_checks_name_the_field),
	        cmocka_unit_test_setup_teardown(owners_are_enforced, setup, teardown),
	        cmocka_unit_test(spec_becomes_desired_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
