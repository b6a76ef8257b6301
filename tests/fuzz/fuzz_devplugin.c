/* The device plugin's gRPC methods as kubelet (or anything that reaches the
 * plugin's socket) calls them: the first byte picks the method, the rest is
 * the protobuf request, handled by the plugin's own code over a fixed
 * inventory (two PFs, three VFs, two resources). */
#include <event2/event.h>
#include <grpc/byte_buffer.h>
#include <grpc/grpc.h>
#include <grpc/slice.h>
#include <stdlib.h>
#include <string.h>

#include "devplugin_priv.h"
#include "fuzz.h"

static struct dpn_vf vfs0[2], vfs1[1];
static struct dpn_pf pfs[2];
static struct dpn_inventory inv = {.n_pfs = 2, .pfs = pfs};
static struct dpn_devplugin_conf conf;
static struct dpn_devplugin pl;
static struct dpn_devslot slots[2];

static void mkvf(struct dpn_vf *v, const char *bdf, int idx, const char *drv, int numa, int group)
{
	snprintf(v->bdf, sizeof(v->bdf), "%s", bdf);
	snprintf(v->driver, sizeof(v->driver), "%s", drv);
	snprintf(v->vendor_id, sizeof(v->vendor_id), "15b3");
	v->index = idx;
	v->numa = numa;
	v->iommu_group = group;
}

static void setup(void)
{
	struct dpn_conf_errors e = {0};
	json_t *l = json_loads(
	        "[{\"resourcePrefix\": \"mellanox.com\", \"resourceName\": \"vfio\","
	        " \"selectors\": {\"drivers\": [\"vfio-pci\"]}},"
	        " {\"resourceName\": \"net\", \"selectors\": {\"vendors\": [\"15b3\"]}}]",
	        0, NULL);
	if (dpn_devplugin_pools_parse(l, "r", &conf.pools, &e) < 0)
		abort();
	json_decref(l);
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
	snprintf(conf.devinfo_dir, sizeof(conf.devinfo_dir), "%s", fz_tmpdir());
	snprintf(conf.state_file, sizeof(conf.state_file), "%s/state.json", fz_tmpdir());
	pl.conf = &conf;
	pl.inv = &inv;
	pl.state = json_pack("{s:{}}", "allocations");
	pl.save_ev = evtimer_new(event_base_new(), NULL, NULL);
	for (int i = 0; i < 2; i++) {
		slots[i].pl = &pl;
		dpn_devres_init(&slots[i].res, &conf.pools, i);
		dpn_devres_update(&slots[i].res, &conf.pools, &inv);
	}
	grpc_init();
}

static const char *const methods[] = {"/v1beta1.DevicePlugin/GetPreferredAllocation",
        "/v1beta1.DevicePlugin/Allocate", "/v1beta1.DevicePlugin/GetDevicePluginOptions",
        "/v1beta1.DevicePlugin/PreStartContainer", "/v1beta1.DevicePlugin/Nope"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct dpn_err err = {0};
	grpc_byte_buffer *out = NULL;

	fz_quiet();
	if (!ready++)
		setup();
	if (size < 1)
		return 0;
	struct dpn_devslot *s = &slots[(data[0] >> 4) & 1];
	grpc_slice in = grpc_slice_from_copied_buffer((const char *)data + 1, size - 1);
	if (dpn_devrpc_unary(&pl, s, methods[(data[0] & 0xf) % 5], in, &out, &err) == 0)
		grpc_byte_buffer_destroy(out);
	grpc_slice_unref(in);
	/* what Allocate recorded stays bounded: three devices at most */
	if (json_object_size(json_object_get(pl.state, "allocations")) > 3)
		abort();
	return 0;
}
