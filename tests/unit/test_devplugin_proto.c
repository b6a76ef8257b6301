/* The device plugin messages on the wire, byte for byte where it matters:
 * field numbers and types must be kubelet's. */
#include "testlib.h"

#include "api.pb-c.h"

static void device_on_the_wire(void **state)
{
	V1beta1__NUMANode node = V1BETA1__NUMANODE__INIT, *nodes[] = {&node};
	V1beta1__TopologyInfo topo = V1BETA1__TOPOLOGY_INFO__INIT;
	V1beta1__Device dev = V1BETA1__DEVICE__INIT, *devs[] = {&dev};
	V1beta1__ListAndWatchResponse resp = V1BETA1__LIST_AND_WATCH_RESPONSE__INIT;
	uint8_t buf[128];
	(void)state;

	node.id = 1;
	topo.n_nodes = 1;
	topo.nodes = nodes;
	dev.id = "0000:3b:02.0";
	dev.health = "Healthy";
	dev.topology = &topo;
	resp.n_devices = 1;
	resp.devices = devs;
	size_t n = v1beta1__list_and_watch_response__pack(&resp, buf);
	/* devices=1 (LEN 29) { ID=1 "0000:3b:02.0", health=2 "Healthy",
	 *                   topology=3 { nodes=1 { ID=1 varint 1 } } } */
	static const uint8_t want[] = {0x0a, 0x1d, 0x0a, 0x0c, '0', '0', '0', '0', ':', '3', 'b',
	        ':', '0', '2', '.', '0', 0x12, 0x07, 'H', 'e', 'a', 'l', 't', 'h', 'y', 0x1a, 0x04,
	        0x0a, 0x02, 0x08, 0x01};
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(buf, want, n);
}

static void register_request(void **state)
{
	V1beta1__DevicePluginOptions opts = V1BETA1__DEVICE_PLUGIN_OPTIONS__INIT;
	V1beta1__RegisterRequest req = V1BETA1__REGISTER_REQUEST__INIT;
	uint8_t buf[256];
	(void)state;

	opts.get_preferred_allocation_available = 1;
	req.version = "v1beta1";
	req.endpoint = "mellanox.com_cx5.sock";
	req.resource_name = "mellanox.com/cx5";
	req.options = &opts;
	size_t n = v1beta1__register_request__pack(&req, buf);
	/* options=4 { get_preferred_allocation_available=2 true } at the end */
	static const uint8_t tail[] = {0x22, 0x02, 0x10, 0x01};
	assert_memory_equal(buf + n - sizeof(tail), tail, sizeof(tail));
	V1beta1__RegisterRequest *back = v1beta1__register_request__unpack(NULL, n, buf);
	assert_non_null(back);
	assert_string_equal(back->version, "v1beta1");
	assert_string_equal(back->resource_name, "mellanox.com/cx5");
	assert_true(back->options->get_preferred_allocation_available);
	v1beta1__register_request__free_unpacked(back, NULL);
}

static void allocate_roundtrip(void **state)
{
	V1beta1__ContainerAllocateResponse__EnvsEntry
	        env = V1BETA1__CONTAINER_ALLOCATE_RESPONSE__ENVS_ENTRY__INIT,
	        *envs[] = {&env};
	V1beta1__DeviceSpec spec = V1BETA1__DEVICE_SPEC__INIT, *specs[] = {&spec};
	V1beta1__ContainerAllocateResponse car = V1BETA1__CONTAINER_ALLOCATE_RESPONSE__INIT,
	                                   *cars[] = {&car};
	V1beta1__AllocateResponse resp = V1BETA1__ALLOCATE_RESPONSE__INIT;
	uint8_t buf[512];
	(void)state;

	env.key = "PCIDEVICE_MELLANOX_COM_CX5";
	env.value = "0000:3b:02.0";
	spec.container_path = "/dev/vfio/21";
	spec.host_path = "/dev/vfio/21";
	spec.permissions = "rw";
	car.n_envs = 1;
	car.envs = envs;
	car.n_devices = 1;
	car.devices = specs;
	resp.n_container_responses = 1;
	resp.container_responses = cars;
	size_t n = v1beta1__allocate_response__pack(&resp, buf);
	/* envs is field 1 (a map entry: key=1, value=2), devices field 3 */
	assert_int_equal(buf[0], 0x0a); /* container_responses=1 */
	assert_int_equal(buf[2], 0x0a); /* envs=1 */
	V1beta1__AllocateResponse *back = v1beta1__allocate_response__unpack(NULL, n, buf);
	assert_non_null(back);
	assert_int_equal(back->n_container_responses, 1);
	assert_string_equal(
	        back->container_responses[0]->envs[0]->key, "PCIDEVICE_MELLANOX_COM_CX5");
	assert_string_equal(back->container_responses[0]->devices[0]->permissions, "rw");
	v1beta1__allocate_response__free_unpacked(back, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(device_on_the_wire),
	        cmocka_unit_test(register_request),
	        cmocka_unit_test(allocate_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
