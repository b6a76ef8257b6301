#include "testlib.h"

#include <errno.h>
#include <string.h>

#include "dpn_vfport.h"

static struct dpn_nic_table nics;

static int setup(void **state)
{
	(void)state;
	return dpn_nic_table_load(DPN_SRCDIR "/conf/nics.json", &nics, NULL);
}

static int teardown(void **state)
{
	(void)state;
	dpn_nic_table_free(&nics);
	return 0;
}

static void req_parse(void **state)
{
	struct dpn_vfport_req r;
	struct dpn_err err = {0};
	(void)state;

	json_t *p = tjson("{\"pod_uid\": \"u1\", \"namespace\": \"ns1\", \"pod\": \"p1\","
	                  " \"ifname\": \"net1\", \"device_id\": \"0000:3B:02.0\","
	                  " \"netns\": \"/var/run/netns/x\", \"vlan\": 10, \"qos\": 3,"
	                  " \"trust\": \"on\", \"spoofchk\": false, \"max_tx_rate\": 100}");
	assert_int_equal(dpn_vfport_req_parse(p, &r, &err), 0);
	assert_string_equal(r.device_id, "0000:3b:02.0"); /* lowercased */
	assert_string_equal(r.pod.iface_id, "p1.ns1");
	assert_int_equal(r.vlan, 10);
	assert_int_equal(r.trust, 1);
	assert_int_equal(r.spoofchk, 0);
	assert_int_equal(r.min_tx_rate, -1);
	assert_int_equal(r.max_tx_rate, 100);
	json_t *back = dpn_vfport_req_json(&r);
	struct dpn_vfport_req r2;
	assert_int_equal(dpn_vfport_req_parse(back, &r2, &err), 0); /* the record reads back */
	assert_int_equal(r2.vlan, 10);
	json_decref(back);
	json_decref(p);

	static const struct {
		const char *json, *msg;
	} bad[] = {
	        {"{\"device_id\": \"0000:3b:02\"}",
	                "device_id: \"0000:3b:02\" is not a PCI address"},
	        {"{\"device_id\": \"0000:3b:20.0\"}", "device_id: \"0000:3b:20.0\" is not a PCI"},
	        {"{\"device_id\": \"0000:3b:02.0\", \"netns\": \"x\"}",
	                "netns: \"x\" is not an absolute path"},
	        {"{\"device_id\": \"0000:3b:02.0\", \"qos\": 2}", "qos: 2 given without a vlan"},
	        {"{\"device_id\": \"0000:3b:02.0\", \"trust\": \"yes\"}", "trust: expected \"on\""},
	        {"{\"device_id\": \"0000:3b:02.0\", \"vlan\": 4095}",
	                "vlan: expected an integer from 0 to 4094"},
	        {"{\"device_id\": \"0000:3b:02.0\", \"min_tx_rate\": 200, \"max_tx_rate\": 100}",
	                "min_tx_rate: 200 is above max_tx_rate 100"},
	        {"{\"device_id\": \"0000:3b:02.0\", \"socket_name\": \"s\"}",
	                "socket_name: unknown field"},
	        {"{}", "device_id: missing"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *b = tjson(bad[i].json);
		json_t *pod = tjson("{\"pod_uid\": \"u1\", \"namespace\": \"ns1\", \"pod\": \"p1\","
		                    " \"ifname\": \"net1\"}");
		json_object_update_missing(b, pod);
		json_decref(pod);
		err = (struct dpn_err){0};
		assert_int_equal(dpn_vfport_req_parse(b, &r, &err), -EINVAL);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("%s: got \"%s\"", bad[i].json, err.msg);
		json_decref(b);
	}
}

/* A two-PF device with n0 and n1 VFs, vendor vid; VF k of PF 1 returned. */
static struct dpn_pf pfs[2];
static struct dpn_vf vfs[2][4];
static struct dpn_inventory inv = {2, pfs};

static void device(const char *vid, int n0, int n1)
{
	memset(pfs, 0, sizeof(pfs));
	memset(vfs, 0, sizeof(vfs));
	for (int p = 0; p < 2; p++) {
		strcpy(pfs[p].bus, "pci");
		snprintf(pfs[p].bdf, sizeof(pfs[p].bdf), "0000:3b:00.%d", p);
		strcpy(pfs[p].vendor_id, vid);
		pfs[p].pfnum = p;
		pfs[p].numvfs = p ? n1 : n0;
		pfs[p].n_vfs = 2;
		pfs[p].vfs = vfs[p];
		for (int k = 0; k < 2; k++) {
			snprintf(vfs[p][k].bdf, sizeof(vfs[p][k].bdf), "0000:3b:%02x.%d",
			        p ? 10 : 2, k);
			vfs[p][k].index = k;
			snprintf(vfs[p][k].representor, sizeof(vfs[p][k].representor), "pf%dvf%d",
			        p, k);
			strcpy(vfs[p][k].rep_kind, "netdev");
		}
	}
}

static struct dpn_vfport_req req;

static int attach(const char *vid, const struct dpn_vf *vf, const char *uplink, json_t *oc,
        struct dpn_vfport_attach *a, struct dpn_err *err)
{
	struct dpn_req_pod *p = &req.pod;
	memset(&req, 0, sizeof(req));
	strcpy(p->pod_uid, "u1");
	strcpy(p->ns, "ns1");
	strcpy(p->pod, "p1");
	strcpy(p->ifname, "net1");
	strcpy(p->iface_id, "p1.ns1");
	strcpy(req.device_id, vf->bdf);
	req.mtu = 1500;
	struct dpn_vfport_attach_in in = {.vendor = dpn_nic_vendor(&nics, vid),
	        .inv = &inv,
	        .pf = vf >= vfs[1] ? &pfs[1] : &pfs[0],
	        .vf = vf,
	        .uplink = uplink,
	        .ovs_other_config = oc,
	        .req = &req,
	        .mac = "0a:00:00:00:00:01"};
	return dpn_vfport_attach_spec(&in, a, err);
}

static const char *kv(const struct dpn_ovs_kv *m, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(m[i].key, key))
			return m[i].value;
	return NULL;
}
#define OPT(a, k) kv((a).spec.options, (a).spec.n_options, k)
#define IDS(a, k) kv((a).spec.iface_ids, (a).spec.n_iface_ids, k)

static void attach_rules(void **state)
{
	struct dpn_vfport_attach a;
	struct dpn_err err = {0};
	(void)state;

	device("19ee", 2, 3); /* Corigine: the kernel representor */
	assert_int_equal(attach("19ee", &vfs[1][1], "", NULL, &a, &err), 0);
	assert_string_equal(a.spec.name, "pf1vf1");
	assert_string_equal(a.spec.type, "system");
	assert_string_equal(IDS(a, "iface-id"), "p1.ns1");
	assert_string_equal(IDS(a, "attached-mac"), "0a:00:00:00:00:01");
	assert_int_equal(a.spec.mtu, 1500);

	device("15b3", 2, 3); /* mlx5: DPDK representor on its own PF */
	assert_int_equal(attach("15b3", &vfs[1][1], "", NULL, &a, &err), 0);
	assert_string_equal(a.spec.type, "dpdk");
	assert_string_equal(OPT(a, "dpdk-devargs"), "0000:3b:00.1,representor=vf1");
	assert_memory_equal(a.spec.name, "vf", 2);
	assert_null(OPT(a, "n_rxq_desc"));

	device("1f67", 2, 3); /* Yunsilicon: the uplink device, after PF0's VFs */
	assert_int_equal(attach("1f67", &vfs[1][1], "0000:3b:00.0", NULL, &a, &err), 0);
	assert_string_equal(OPT(a, "dpdk-devargs"), "0000:3b:00.0,representor=[3]");
	assert_string_equal(IDS(a, "pci_bdf"), "0000:3b:0a.1");
	assert_string_equal(OPT(a, "n_rxq_desc"), "1024");
	assert_string_equal(OPT(a, "n_txq_desc"), "1024");
	assert_int_equal(attach("1f67", &vfs[0][1], "0000:3b:00.0", NULL, &a, &err), 0);
	assert_string_equal(OPT(a, "dpdk-devargs"), "0000:3b:00.0,representor=[1]");
	device("1f67", 200, 100); /* 300 VFs: rx 1024 (up to 512), tx 256 (over 256) */
	assert_int_equal(attach("1f67", &vfs[0][0], "", NULL, &a, &err), 0);
	assert_string_equal(OPT(a, "n_rxq_desc"), "1024");
	assert_string_equal(OPT(a, "n_txq_desc"), "256");
	device("1f67", 300, 300); /* 600 VFs: rx 512 */
	assert_int_equal(attach("1f67", &vfs[0][0], "", NULL, &a, &err), 0);
	assert_string_equal(OPT(a, "n_rxq_desc"), "512");
	assert_string_equal(OPT(a, "dpdk-devargs"), "0000:3b:00.0,representor=[0]"); /* PF0 */
	json_t *oc = tjson("{\"rx-queue-desc\": \"2048\", \"tx-queue-desc\": \"4096\"}");
	assert_int_equal(attach("1f67", &vfs[0][0], "", oc, &a, &err), 0); /* OVS's keys win */
	assert_string_equal(OPT(a, "n_rxq_desc"), "2048");
	assert_string_equal(OPT(a, "n_txq_desc"), "4096");
	json_decref(oc);

	device("1f47", 2, 3); /* Yusur: smart-NIC VFs as DPDK ports, the others kernel */
	vfs[1][0].smartnic = true;
	assert_int_equal(attach("1f47", &vfs[1][0], "", NULL, &a, &err), 0);
	assert_string_equal(OPT(a, "dpdk-devargs"), "0000:3b:00.1,representor=[0]");
	assert_int_equal(attach("1f47", &vfs[1][1], "", NULL, &a, &err), 0);
	assert_string_equal(a.spec.type, "system");

	device("8086", 2, 3); /* not a SmartNIC of the table: the kernel representor, if any */
	vfs[0][0].representor[0] = '\0';
	assert_int_equal(attach("8086", &vfs[0][0], "", NULL, &a, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "VF 0000:3b:02.0 has no representor netdev"));
	assert_int_equal(attach("8086", &vfs[0][1], "", NULL, &a, &err), 0);
	assert_string_equal(a.spec.name, "pf0vf1");
}

static void names(void **state)
{
	char a[16], b[16];
	(void)state;
	dpn_vfport_name("uid-1", "net1", a);
	dpn_vfport_name("uid-1", "net2", b);
	assert_int_equal(strlen(a), 15);
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(req_parse),
	        cmocka_unit_test(attach_rules),
	        cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
