#include "testlib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "devplugin_alloc.h"

static char root[64];

static void mk(const char *rel)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", root, rel);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/dpn-dpalloc-XXXXXX");
	assert_non_null(mkdtemp(root));
	mk("sys/class/infiniband/mlx5_2/device/infiniband_verbs/uverbs2");
	mk("sys/class/infiniband/mlx5_2/device/infiniband_mad/umad2");
	mk("sys/class/infiniband/mlx5_2/device/infiniband_mad/issm2");
	mk("dev/vfio/noiommu-40");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return t_rmtree(root);
}

static void env_names(void **state)
{
	char n[128];
	(void)state;
	dpn_devplugin_env_name("mellanox.com", "cx5_sriov_switchdev", n, sizeof(n));
	assert_string_equal(n, "PCIDEVICE_MELLANOX_COM_CX5_SRIOV_SWITCHDEV");
	dpn_devplugin_env_name("yusur.tech", "sriov-dpu", n, sizeof(n));
	assert_string_equal(n, "PCIDEVICE_YUSUR_TECH_SRIOV_DPU");
}

static struct dpn_vf mkvf(const char *bdf, const char *drv, int group, const char *rdma)
{
	struct dpn_vf v = {.iommu_group = group};
	snprintf(v.bdf, sizeof(v.bdf), "%s", bdf);
	snprintf(v.driver, sizeof(v.driver), "%s", drv);
	snprintf(v.rdma, sizeof(v.rdma), "%s", rdma);
	return v;
}

static void devinfo_spec_1_1(void **state)
{
	struct dpn_pf pf = {.bdf = "0000:3b:00.0"};
	struct dpn_vf vf = mkvf("0000:3b:02.0", "mlx5_core", 21, "mlx5_2");
	(void)state;
	strcpy(vf.representor, "ens3f0r0");
	strcpy(vf.rep_kind, "netdev");
	json_t *got = dpn_devplugin_devinfo(&pf, &vf);
	json_t *want =
	        tjson("{\"type\": \"pci\", \"version\": \"1.1.0\", \"pci\": {\"pci-address\": "
	              "\"0000:3b:02.0\", \"pf-pci-address\": \"0000:3b:00.0\", "
	              "\"representor-device\": \"ens3f0r0\", \"rdma-device\": \"mlx5_2\"}}");
	assert_true(json_equal(got, want));
	json_decref(got);
	json_decref(want);
}

static json_t *specs_for(struct dpn_vf vf, bool vhost, int *ret)
{
	json_t *s = json_array();
	struct dpn_err err = {0};
	*ret = dpn_devplugin_device_specs(root, &vf, vhost, s, &err);
	return s;
}

static void device_specs(void **state)
{
	int ret;
	(void)state;

	json_t *s = specs_for(mkvf("0000:3b:02.1", "vfio-pci", 22, ""), false, &ret);
	json_t *want =
	        tjson("[{\"container_path\": \"/dev/vfio/vfio\", \"host_path\": \"/dev/vfio/vfio\","
	              " \"permissions\": \"rw\"}, {\"container_path\": \"/dev/vfio/22\","
	              " \"host_path\": \"/dev/vfio/22\", \"permissions\": \"rw\"}]");
	assert_int_equal(ret, 0);
	assert_true(json_equal(s, want));
	json_decref(s);
	json_decref(want);

	/* no-IOMMU group: the host node is noiommu-40, the container's 40 */
	s = specs_for(mkvf("0000:3b:0a.0", "vfio-pci", 40, ""), false, &ret);
	assert_string_equal(json_string_value(json_object_get(json_array_get(s, 1), "host_path")),
	        "/dev/vfio/noiommu-40");
	assert_string_equal(
	        json_string_value(json_object_get(json_array_get(s, 1), "container_path")),
	        "/dev/vfio/40");
	json_decref(s);

	/* RDMA: its uverbs, umad, issm and rdma_cm; plus vhost-net when asked */
	s = specs_for(mkvf("0000:3b:02.0", "mlx5_core", 21, "mlx5_2"), true, &ret);
	assert_int_equal(ret, 0);
	char *d = json_dumps(s, 0);
	static const char *const want_devs[] = {"/dev/infiniband/uverbs2", "/dev/infiniband/umad2",
	        "/dev/infiniband/issm2", "/dev/infiniband/rdma_cm", "/dev/vhost-net",
	        "/dev/net/tun"};
	for (size_t k = 0; k < sizeof(want_devs) / sizeof(want_devs[0]); k++)
		assert_non_null(strstr(d, want_devs[k]));
	assert_null(strstr(d, "/dev/vfio")); /* a kernel-driver VF needs no vfio */
	free(d);
	json_decref(s);

	/* an RDMA device without character devices is an error naming it */
	s = json_array();
	struct dpn_err err = {0};
	struct dpn_vf bad = mkvf("0000:3b:02.2", "mlx5_core", 23, "mlx5_9");
	assert_int_equal(dpn_devplugin_device_specs(root, &bad, false, s, &err), -ENODEV);
	assert_string_equal(err.msg, "RDMA device mlx5_9 has no uverbs/umad character devices");
	json_decref(s);
}

static const struct dpn_devplugin_cand avail[] = {
        {"0000:3b:02.0", 0, "0000:3b:00.0"},
        {"0000:3b:02.1", 0, "0000:3b:00.0"},
        {"0000:5e:02.0", 1, "0000:5e:00.0"},
        {"0000:5e:02.1", 1, "0000:5e:00.0"},
        {"0000:5e:02.2", 1, "0000:5e:00.0"},
        {"0000:5e:0a.0", 1, "0000:5e:00.1"},
};

static char *pick(const char *const *must, int n_must, int size)
{
	json_t *j = dpn_devplugin_preferred(avail, 6, must, n_must, size);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return s;
}

static void preferred_allocation(void **state)
{
	(void)state;
	/* most candidates on NUMA 1, and there on one PF */
	char *s = pick(NULL, 0, 2);
	assert_string_equal(s, "[\"0000:5e:02.0\",\"0000:5e:02.1\"]");
	free(s);
	/* must-include first, then its NUMA node and PF */
	static const char *const must[] = {"0000:3b:02.1"};
	s = pick(must, 1, 2);
	assert_string_equal(s, "[\"0000:3b:02.1\",\"0000:3b:02.0\"]");
	free(s);
	/* NUMA 1 has 4: three on one PF, then the other PF */
	s = pick(NULL, 0, 4);
	assert_string_equal(
	        s, "[\"0000:5e:02.0\",\"0000:5e:02.1\",\"0000:5e:02.2\",\"0000:5e:0a.0\"]");
	free(s);
	/* more than one NUMA node has: spill over */
	s = pick(NULL, 0, 5);
	assert_non_null(strstr(s, "0000:3b:02.0"));
	free(s);
	/* more than there are */
	assert_null(pick(NULL, 0, 7));
}

/* IDs from kubelet that are not ours (not UTF-8, not a PCI address) end the
 * pick: it used to loop for ever, freezing dpnoded's event loop. */
static void preferred_hostile_ids(void **state)
{
	const char *bad_must[] = {"0000:3b:02.0\xff"};
	struct dpn_devplugin_cand hostile[] = {
	        {"\xc3\x28", 0, "0000:3b:00.0"},
	        {"0000:3b:02.1", 0, "0000:3b:00.0"},
	};
	(void)state;

	assert_null(dpn_devplugin_preferred(avail, 6, bad_must, 1, 1));
	json_t *j = dpn_devplugin_preferred(hostile, 2, NULL, 0, 1);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_array_get(j, 0)), "0000:3b:02.1");
	json_decref(j);
	assert_null(dpn_devplugin_preferred(hostile, 2, NULL, 0, 2)); /* only one is ours */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(env_names),
	        cmocka_unit_test(preferred_hostile_ids),
	        cmocka_unit_test(devinfo_spec_1_1),
	        cmocka_unit_test_setup_teardown(device_specs, setup, teardown),
	        cmocka_unit_test(preferred_allocation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
