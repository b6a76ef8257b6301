#include "testlib.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dpn_vhost.h"
#include "vhost_fs.h"
#include "ovs_desired.h"

static const char *base =
        "{\"pod_uid\": \"0b7c1f0e-1111-2222-3333-444455556666\", \"namespace\": \"default\","
        " \"pod\": \"dpdk-a\", \"ifname\": \"net1\", \"volume\": \"vhostuser-sockets\","
        " \"socket_name\": \"sock\"}";

/* base with one field set (or removed with null) */
static int parse_with(const char *key, json_t *val, struct dpn_vhost_req *r, struct dpn_err *err)
{
	json_t *p = tjson(base);
	if (key)
		json_object_set_new(p, key, val);
	int ret = dpn_vhost_req_parse(p, r, err);
	json_decref(p);
	return ret;
}

static void expect_err(const char *key, json_t *val, const char *want)
{
	struct dpn_vhost_req r;
	struct dpn_err err = {0};
	assert_int_equal(parse_with(key, val, &r, &err), -EINVAL);
	assert_int_equal(err.code, -EINVAL);
	if (strcmp(err.msg, want))
		fail_msg("got \"%s\", want \"%s\"", err.msg, want);
}

static void defaults(void **state)
{
	struct dpn_vhost_req r;
	struct dpn_err err = {0};
	(void)state;

	assert_int_equal(parse_with(NULL, NULL, &r, &err), 0);
	assert_string_equal(r.iface_id, "dpdk-a.default");
	assert_int_equal(r.queues, 1);
	assert_int_equal(r.consumption, DPN_VHOST_POD);
	assert_string_equal(r.mac, "0a:06:ee:f4:9f:bc"); /* stable per pod and interface */
	assert_int_equal(parse_with("provider", json_string("net1.default.ovn"), &r, &err), 0);
	assert_string_equal(r.iface_id, "dpdk-a.default.net1.default.ovn");
	assert_int_equal(parse_with("mac", json_string("02:AA:bb:cc:dd:ee"), &r, &err), 0);
	assert_string_equal(r.mac, "02:aa:bb:cc:dd:ee");
}

static void kubevirt_socket_is_the_interface(void **state)
{
	struct dpn_vhost_req r;
	struct dpn_err err = {0};
	(void)state;
	assert_int_equal(parse_with("consumption", json_string("kubevirt"), &r, &err), 0);
	assert_string_equal(r.sock_name, "net1");
}

static void traversal_and_odd_names(void **state)
{
	(void)state;
	expect_err("volume", json_string(".."),
	        "volume: \"..\" is not a path component (no '/', '..', spaces)");
	expect_err("volume", json_string("a/../../etc"),
	        "volume: \"a/../../etc\" is not a path component (no '/', '..', spaces)");
	expect_err("socket_name", json_string("../../run/x.sock"),
	        "socket_name: \"../../run/x.sock\" is not a path component (no '/', '..', spaces)");
	expect_err("pod_uid", json_string("../etc"),
	        "pod_uid: \"../etc\" is not a path component (no '/', '..', spaces)");
	expect_err("socket_name", json_string("a b"),
	        "socket_name: \"a b\" is not a path component (no '/', '..', spaces)");
	expect_err("socket_name", json_string("tab\there"),
	        "socket_name: \"tab\there\" is not a path component (no '/', '..', spaces)");
	expect_err("socket_name", json_stringn("a\0b", 3), "socket_name: contains a NUL character");
	expect_err("ifname", json_string("eth0/1"),
	        "ifname: \"eth0/1\" is not an interface name (1-15 characters, no '/')");
	expect_err("ifname", json_string("sixteen-chars-xx"), "ifname: longer than 15 characters");
	expect_err("volume",
	        json_string(
	                "0123456789012345678901234567890123456789012345678901234567890123456789"),
	        "volume: longer than 63 characters");
	expect_err("namespace", json_string("Default"),
	        "namespace: \"Default\" is not a Kubernetes namespace name (lowercase letters, "
	        "digits and '-', at most 63)");
	/* a dot in the namespace would make <pod>.<namespace> ambiguous: Kubernetes
	 * allows none there (pods may have them) */
	expect_err("namespace", json_string("kube.system"),
	        "namespace: \"kube.system\" is not a Kubernetes namespace name (lowercase "
	        "letters, digits and '-', at most 63)");
	expect_err("pod", json_string("Pod-A"), "pod: \"Pod-A\" is not a Kubernetes name");
	expect_err("consumption", json_string("vm"),
	        "consumption: \"vm\" is not \"pod\" or \"kubevirt\"");
	expect_err("mac", json_string("01:00:5e:00:00:01"),
	        "mac: \"01:00:5e:00:00:01\" is not a unicast MAC (xx:xx:xx:xx:xx:xx)");
	expect_err("mtu", json_integer(20), "mtu: expected an integer from 68 to 9710");
	/* the pod-given ip goes into external_ids: addresses only */
	expect_err("ip", json_string("10.0.0.1,x=y"),
	        "ip: \"10.0.0.1,x=y\" is not a comma-separated list of IP addresses");
	expect_err("ip", json_string("10.0.0.1,"),
	        "ip: \"10.0.0.1,\" is not a comma-separated list of IP addresses");
	expect_err("queues", json_string("2"), "queues: expected an integer from 1 to 128");
	expect_err("socket_name", json_null(),
	        "socket_name: missing (the socket file the pod's DPDK app creates)");
	expect_err("color", json_string("blue"), "color: unknown field");
	expect_err("pod_uid", json_null(), "pod_uid: missing");
}

static void socket_path_limit(void **state)
{
	struct dpn_vhost_conf c = {.socket_root = "/run/openvswitch/vhost_sockets"};
	struct dpn_vhost_req r;
	char dir[256], sock[256];
	struct dpn_err err = {0};
	(void)state;

	assert_int_equal(parse_with(NULL, NULL, &r, &err), 0);
	assert_int_equal(dpn_vhost_paths(&c, &r, dir, sizeof(dir), sock, sizeof(sock), &err), 0);
	assert_string_equal(sock, "/run/openvswitch/vhost_sockets/0b7c1f0e-1111-2222-3333-"
	                          "444455556666/vhostuser-sockets/sock");
	/* 107 characters fit, 108 do not: by how much it is over */
	assert_int_equal(
	        parse_with("socket_name", json_string("s123456789012345678901234"), &r, &err), 0);
	assert_int_equal(
	        dpn_vhost_paths(&c, &r, dir, sizeof(dir), sock, sizeof(sock), &err), -ENAMETOOLONG);
	assert_non_null(
	        strstr(err.msg, "is 111 bytes, 4 over the 107 a unix socket path can hold"));
	assert_int_equal(
	        parse_with("socket_name", json_string("s12345678901234567890"), &r, &err), 0);
	assert_int_equal(dpn_vhost_paths(&c, &r, dir, sizeof(dir), sock, sizeof(sock), &err), 0);
	assert_int_equal(strlen(sock), 107);
}

static void port_names(void **state)
{
	char a[16], b[16], c[16];
	(void)state;
	dpn_vhost_port_name("0b7c1f0e-1111-2222-3333-444455556666", "net1", a);
	dpn_vhost_port_name("0b7c1f0e-1111-2222-3333-444455556666", "net2", b);
	dpn_vhost_port_name("0b7c1f0e-1111-2222-3333-444455556667", "net1", c);
	assert_int_equal(strlen(a), 15);
	assert_memory_equal(a, "vh", 2);
	assert_string_not_equal(a, b);
	assert_string_not_equal(a, c);
	dpn_vhost_port_name("0b7c1f0e-1111-2222-3333-444455556666", "net1", b);
	assert_string_equal(a, b);
}

static void ovs_port_spec(void **state)
{
	struct dpn_vhost_conf c = {.socket_root = "/run/x", .tx_retries_max = 4};
	struct dpn_vhost_req r;
	struct dpn_err err = {0};
	(void)state;

	assert_int_equal(parse_with("mtu", json_integer(9000), &r, &err), 0);
	strcpy(r.ip, "10.16.0.5");
	struct dpn_vhost_port vp;
	dpn_vhost_port_spec(&c, &r, "/run/x/u/v/sock", &vp);
	assert_int_equal(dpn_ovs_port_spec_check(&vp.spec, &err), 0);
	json_t *entry = dpn_desired_port(&vp.spec);
	json_t *spec = dpn_desired_port_spec(entry);
	json_decref(entry);
	const char *port = json_object_iter_key(json_object_iter(json_object_get(spec, "ifaces")));
	json_t *cols =
	        json_object_get(json_object_get(json_object_get(spec, "ifaces"), port), "cols");
	json_t *want =
	        tjson("{\"type\": \"dpdkvhostuserclient\","
	              " \"options\": {\"vhost-server-path\": \"/run/x/u/v/sock\", "
	              "\"tx-retries-max\": \"4\"}, \"mtu_request\": 9000,"
	              " \"external_ids\": {\"iface-id\": \"dpdk-a.default\", \"pod_name\": "
	              "\"dpdk-a\", \"pod_namespace\": \"default\", \"attached-mac\": "
	              "\"0a:06:ee:f4:9f:bc\", \"ip\": \"10.16.0.5\", \"dpnode-pod-uid\": "
	              "\"0b7c1f0e-1111-2222-3333-444455556666\", \"dpnode-ifname\": \"net1\"}}");
	if (!json_equal(cols, want))
		fail_msg("spec: %s", json_dumps(cols, JSON_SORT_KEYS));
	json_decref(want);
	json_decref(spec);
}

static void mountinfo_escapes(void **state)
{
	char a[] = "/run/vs/pod\\040a/vhost\\134x\\011t", b[] = "/plain", c[] = "/bad\\9";
	(void)state;
	dpn_mountinfo_unescape(a);
	assert_string_equal(a, "/run/vs/pod a/vhost\\x\tt");
	dpn_mountinfo_unescape(b);
	assert_string_equal(b, "/plain");
	dpn_mountinfo_unescape(c);
	assert_string_equal(c, "/bad\\9");
}

/* A bind mount's target is one, its parent and a plain directory are not,
 * a path with a space included (what mountinfo escapes). */
static void mount_points(void **state)
{
	char root[] = "/tmp/dpn-mnt-XXXXXX", src[64], dst[64];
	(void)state;

	assert_non_null(mkdtemp(root));
	snprintf(src, sizeof(src), "%s/src", root);
	snprintf(dst, sizeof(dst), "%s/pod a", root);
	assert_int_equal(mkdir(src, 0755), 0);
	assert_int_equal(mkdir(dst, 0755), 0);
	assert_false(dpn_vhost_fs_is_mountpoint(dst));
	assert_false(dpn_vhost_fs_is_mountpoint("/no/such/dir"));
	if (mount(src, dst, NULL, MS_BIND, NULL) == 0) { /* root only */
		assert_true(dpn_vhost_fs_is_mountpoint(dst));
		assert_false(dpn_vhost_fs_is_mountpoint(root));
		assert_false(dpn_vhost_fs_is_mountpoint(src));
		assert_int_equal(umount2(dst, MNT_DETACH), 0);
		assert_false(dpn_vhost_fs_is_mountpoint(dst));
	}
	assert_true(dpn_vhost_fs_is_mountpoint("/proc"));
	rmdir(dst);
	rmdir(src);
	rmdir(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(defaults),
	        cmocka_unit_test(kubevirt_socket_is_the_interface),
	        cmocka_unit_test(traversal_and_odd_names),
	        cmocka_unit_test(socket_path_limit),
	        cmocka_unit_test(port_names),
	        cmocka_unit_test(ovs_port_spec),
	        cmocka_unit_test(mountinfo_escapes),
	        cmocka_unit_test(mount_points),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
