/* The device plugin's resource logic: membership, health, Allocate. */
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devplugin_res.h"

static struct dpn_vf vfs0[2], vfs1[1];
static struct dpn_pf pfs[2];
static struct dpn_inventory inv = {.n_pfs = 2, .pfs = pfs};
static struct dpn_devplugin_pools pools;

static void mkvf(struct dpn_vf *v, const char *bdf, int idx, const char *drv, int numa, int group)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->bdf, sizeof(v->bdf), "%s", bdf);
	snprintf(v->driver, sizeof(v->driver), "%s", drv);
	snprintf(v->vendor_id, sizeof(v->vendor_id), "15b3");
	v->index = idx;
	v->numa = numa;
	v->iommu_group = group;
}

static int setup(void **state)
{
	struct dpn_conf_errors e = {0};
	json_t *l = json_loads("[{\"resourcePrefix\": \"mellanox.com\", \"resourceName\": \"vfio\","
	                       " \"selectors\": {\"drivers\": [\"vfio-pci\"]}},"
	                       " {\"resourceName\": \"net\", \"excludeTopology\": true,"
	                       "  \"selectors\": {\"vendors\": [\"15b3\"]}}]",
	        0, NULL);
	(void)state;
	assert_int_equal(dpn_devplugin_pools_parse(l, "r", &pools, &e), 0);
	json_decref(l);
	memset(pfs, 0, sizeof(pfs));
	for (int i = 0; i < 2; i++) {
		snprintf(pfs[i].bdf, sizeof(pfs[i].bdf), "0000:3b:00.%d", i);
		snprintf(pfs[i].netdev, sizeof(pfs[i].netdev), "ens%df0", i);
		snprintf(pfs[i].operstate, sizeof(pfs[i].operstate), "up");
		pfs[i].numa = i;
	}
	mkvf(&vfs0[0], "0000:3b:02.0", 0, "vfio-pci", 0, 30);
	mkvf(&vfs0[1], "0000:3b:02.1", 1, "mlx5_core", 0, 31);
	mkvf(&vfs1[0], "0000:3b:0a.0", 0, "vfio-pci", 1, 32);
	pfs[0].vfs = vfs0;
	pfs[0].n_vfs = 2;
	pfs[1].vfs = vfs1;
	pfs[1].n_vfs = 1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dpn_devplugin_pools_free(&pools);
	return 0;
}

static void names(void **state)
{
	struct dpn_devres r;
	char n[256];
	(void)state;
	dpn_devres_init(&r, &pools, 0);
	assert_string_equal(r.resource, "mellanox.com/vfio");
	assert_string_equal(r.endpoint, "mellanox.com_vfio.sock");
	assert_string_equal(r.env, "PCIDEVICE_MELLANOX_COM_VFIO");
	dpn_devres_devinfo_name(&r, "0000:3b:02.0", n, sizeof(n));
	assert_string_equal(n, "mellanox.com-vfio-0000:3b:02.0-device.json");
	dpn_devres_init(&r, &pools, 1);
	assert_string_equal(r.resource, "intel.com/net"); /* sriovdp's default prefix */
	assert_true(r.exclude_topology);
}

static const struct dpn_devres_dev *dev(struct dpn_devres *r, const char *id)
{
	const struct dpn_devres_dev *d = dpn_devres_find(r, id);
	assert_non_null(d);
	return d;
}

static void membership_and_health(void **state)
{
	struct dpn_devres vfio, net;
	(void)state;
	dpn_devres_init(&vfio, &pools, 0);
	dpn_devres_init(&net, &pools, 1);
	assert_true(dpn_devres_update(&vfio, &pools, &inv));
	assert_true(dpn_devres_update(&net, &pools, &inv));
	/* first pool wins: the vfio VFs are not in "net" */
	assert_int_equal(vfio.n_dev, 2);
	assert_int_equal(net.n_dev, 1);
	assert_true(dev(&vfio, "0000:3b:0a.0")->healthy);
	assert_int_equal(dev(&vfio, "0000:3b:0a.0")->numa, 1);
	assert_string_equal(dev(&vfio, "0000:3b:0a.0")->pf, "0000:3b:00.1");
	long v = vfio.version;
	assert_false(dpn_devres_update(&vfio, &pools, &inv)); /* nothing changed */
	assert_int_equal(vfio.version, v);

	/* a VF rebound to another driver stays, Unhealthy, with the reason */
	snprintf(vfs1[0].driver, sizeof(vfs1[0].driver), "mlx5_core");
	assert_true(dpn_devres_update(&vfio, &pools, &inv));
	assert_false(dev(&vfio, "0000:3b:0a.0")->healthy);
	assert_string_equal(
	        dev(&vfio, "0000:3b:0a.0")->why, "driver mlx5_core, the pool expects vfio-pci");
	snprintf(vfs1[0].driver, sizeof(vfs1[0].driver), "vfio-pci");
	assert_true(dpn_devres_update(&vfio, &pools, &inv));
	assert_true(dev(&vfio, "0000:3b:0a.0")->healthy);

	/* PF link down: its VFs only */
	snprintf(pfs[1].operstate, sizeof(pfs[1].operstate), "down");
	assert_true(dpn_devres_update(&vfio, &pools, &inv));
	assert_false(dev(&vfio, "0000:3b:0a.0")->healthy);
	assert_string_equal(dev(&vfio, "0000:3b:0a.0")->why, "PF ens1f0 link down");
	assert_true(dev(&vfio, "0000:3b:02.0")->healthy);
	snprintf(pfs[1].operstate, sizeof(pfs[1].operstate), "up");

	/* gone: still listed (capacity does not silently shrink), Unhealthy */
	pfs[1].n_vfs = 0;
	assert_true(dpn_devres_update(&vfio, &pools, &inv));
	assert_int_equal(vfio.n_dev, 2);
	assert_false(dev(&vfio, "0000:3b:0a.0")->present);
	assert_string_equal(dev(&vfio, "0000:3b:0a.0")->why, "gone");
	pfs[1].n_vfs = 1;
	assert_true(dpn_devres_update(&vfio, &pools, &inv));
	assert_true(dev(&vfio, "0000:3b:0a.0")->healthy);
	dpn_devres_fini(&vfio);
	dpn_devres_fini(&net);
}

static void allocate(void **state)
{
	struct dpn_devres r;
	struct dpn_err err = {0};
	(void)state;
	dpn_devres_init(&r, &pools, 0);
	dpn_devres_update(&r, &pools, &inv);

	const char *ids[] = {"0000:3b:02.0", "0000:3b:0a.0"};
	json_t *a = dpn_devres_allocate(&r, &inv, "/nonexistent", ids, 2, &err);
	assert_non_null(a);
	json_t *envs = json_object_get(a, "envs");
	assert_string_equal(json_string_value(json_object_get(envs, "PCIDEVICE_MELLANOX_COM_VFIO")),
	        "0000:3b:02.0,0000:3b:0a.0");
	json_t *info = json_loads(
	        json_string_value(json_object_get(envs, "PCIDEVICE_MELLANOX_COM_VFIO_INFO")), 0,
	        NULL);
	json_t *want =
	        json_loads("{\"generic\": {\"deviceID\": \"0000:3b:0a.0\"}, \"vfio\": "
	                   "{\"mount\": \"/dev/vfio/vfio\", \"dev-mount\": \"/dev/vfio/32\"}}",
	                0, NULL);
	assert_true(json_equal(json_object_get(info, "0000:3b:0a.0"), want));
	/* /dev/vfio/vfio once, then one group per VF */
	assert_int_equal(json_array_size(json_object_get(a, "devices")), 3);
	assert_non_null(json_object_get(json_object_get(a, "devinfo"), "0000:3b:02.0"));
	json_decref(info);
	json_decref(want);
	json_decref(a);

	const char *bad[] = {"0000:3b:02.0", "0000:3b:02.1"}; /* .1 is in the other pool */
	assert_null(dpn_devres_allocate(&r, &inv, "", bad, 2, &err));
	assert_string_equal(err.msg, "device 0000:3b:02.1 is not a device of mellanox.com/vfio");
	assert_int_equal(err.code, -EINVAL);

	pfs[1].n_vfs = 0;
	dpn_devres_update(&r, &pools, &inv);
	const char *gone[] = {"0000:3b:0a.0"};
	assert_null(dpn_devres_allocate(&r, &inv, "", gone, 1, &err));
	assert_string_equal(
	        err.msg, "device 0000:3b:0a.0 of mellanox.com/vfio (gone) is unhealthy");
	pfs[1].n_vfs = 1;
	dpn_devres_fini(&r);
}

static void preferred(void **state)
{
	struct dpn_devres r;
	(void)state;
	mkvf(&vfs0[1], "0000:3b:02.1", 1, "vfio-pci", 0, 31);
	dpn_devres_init(&r, &pools, 0);
	dpn_devres_update(&r, &pools, &inv);
	const char *avail[] = {"0000:3b:0a.0", "0000:3b:02.0", "0000:3b:02.1"};
	json_t *p = dpn_devres_preferred(&r, avail, 3, NULL, 0, 2);
	json_t *want = json_loads("[\"0000:3b:02.0\", \"0000:3b:02.1\"]", 0, NULL);
	assert_non_null(p);
	assert_true(json_equal(p, want)); /* both on NUMA 0 */
	json_decref(p);
	json_decref(want);
	const char *must[] = {"0000:3b:0a.0"};
	p = dpn_devres_preferred(&r, avail, 3, must, 1, 1);
	assert_string_equal(json_string_value(json_array_get(p, 0)), "0000:3b:0a.0");
	json_decref(p);
	assert_null(dpn_devres_preferred(&r, avail, 3, NULL, 0, 4));
	mkvf(&vfs0[1], "0000:3b:02.1", 1, "mlx5_core", 0, 31);
	dpn_devres_fini(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(names),
	        cmocka_unit_test(membership_and_health),
	        cmocka_unit_test(allocate),
	        cmocka_unit_test(preferred),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
