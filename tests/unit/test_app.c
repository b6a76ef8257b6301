#include "testlib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "dpn_app.h"

#define FIX DPN_SRCDIR "/tests/fixtures/app"

/* An independent RFC 1071 check of the builder's IPv4 and UDP checksums. */
static uint32_t ones_sum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static bool csum_ok(const uint8_t *buf, size_t len)
{
	const uint8_t *ip = buf + 14, *udp = buf + 34;
	uint32_t s;

	if (len < 42 || buf[12] != 0x08 || buf[13] != 0x00)
		return false;
	for (s = ones_sum(ip, 20, 0); s >> 16;)
		s = (s & 0xffff) + (s >> 16);
	if (s != 0xffff)
		return false;
	size_t udp_len = (udp[4] << 8) | udp[5];
	if (34 + udp_len > len)
		return false;
	s = ones_sum(udp, udp_len, ones_sum(ip + 12, 8, 0) + 17 + udp_len);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

static void from_env(void **state)
{
	char *env[] = {"PATH=/bin",
	        "PCIDEVICE_MELLANOX_COM_CX5_SRIOV_SWITCHDEV=0000:3b:02.0,0000:3B:02.1",
	        "PCIDEVICE_MELLANOX_COM_CX5_SRIOV_SWITCHDEV_INFO={\"0000:3b:02.0\":{}}",
	        "PCIDEVICE_INTEL_COM_X=0000:3b:02.0", NULL};
	char *bad[] = {"PCIDEVICE_X=0000:3b:02.0,nonsense", NULL};
	struct dpn_app_devs d = {0};
	struct dpn_err e;
	(void)state;

	assert_int_equal(dpn_app_from_env(env, &d, &e), 2); /* the duplicate is merged */
	assert_string_equal(d.dev[0].pci, "0000:3b:02.0");
	assert_string_equal(d.dev[1].pci, "0000:3b:02.1"); /* lower-cased */
	assert_string_equal(d.dev[0].source, "env PCIDEVICE_MELLANOX_COM_CX5_SRIOV_SWITCHDEV");
	d.n = 0;
	assert_int_equal(dpn_app_from_env(bad, &d, &e), -EINVAL);
	assert_string_equal(
	        e.msg, "env PCIDEVICE_X: \"nonsense\" is not a PCI address (DDDD:BB:DD.F)");
}

static void from_devinfo(void **state)
{
	struct dpn_app_devs d = {0};
	struct dpn_err e;
	(void)state;

	assert_int_equal(dpn_app_from_devinfo_dir(FIX "/devinfo/dp", &d, &e), 1);
	assert_int_equal(dpn_app_from_devinfo_dir(FIX "/devinfo/cni", &d, &e), 1);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.dev[0].type, DPN_APP_PCI);
	assert_string_equal(d.dev[0].pci, "0000:3b:02.0");
	assert_int_equal(d.dev[1].type, DPN_APP_VHOST);
	assert_string_equal(d.dev[1].path, "/var/run/vhostuser/sock");
	assert_true(d.dev[1].server);
	/* a missing directory is simply no devices */
	assert_int_equal(dpn_app_from_devinfo_dir("/nonexistent", &d, &e), 0);
}

static void from_network_status(void **state)
{
	struct dpn_app_devs d = {0};
	struct dpn_err e;
	(void)state;

	assert_int_equal(dpn_app_from_network_status(FIX "/annotations", &d, &e), 2);
	assert_string_equal(d.dev[0].pci, "0000:3b:02.0");
	assert_string_equal(d.dev[1].path, "/var/run/vhost2/sock");
	assert_false(d.dev[1].server); /* mode client */
	assert_non_null(strstr(d.dev[1].source, "network default/ovn-dpdk"));
	/* every source combined, duplicates once */
	assert_int_equal(dpn_app_from_devinfo_dir(FIX "/devinfo/dp", &d, &e), 0);
	assert_int_equal(d.n, 2);
}

/* Hostile downward-API contents: truncated escapes end the parse with an
 * error naming the file (a "\u7" at the end once ran past the string). */
static void network_status_truncated_escapes(void **state)
{
	static const char *const bad[] = {
	        "k8s.v1.cni.cncf.io/network-status=\"\\u7",
	        "k8s.v1.cni.cncf.io/network-status=\"\\u00",
	        "k8s.v1.cni.cncf.io/network-status=\"\\",
	        "k8s.v1.cni.cncf.io/network-status=\"[{\\\"a\\u12",
	};
	char path[] = "/tmp/dpn-ns-XXXXXX";
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dpn_app_devs d = {0};
		struct dpn_err e = {0};
		int fd = mkstemp(path);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, bad[i], strlen(bad[i])), (ssize_t)strlen(bad[i]));
		close(fd);
		assert_true(dpn_app_from_network_status(path, &d, &e) <= 0);
		assert_int_equal(d.n, 0);
		unlink(path);
		strcpy(path, "/tmp/dpn-ns-XXXXXX");
	}
}

static void from_options(void **state)
{
	struct dpn_app_devs d = {0};
	struct dpn_err e;
	(void)state;

	assert_int_equal(dpn_app_add_vhost("/run/a.sock,client,queues=4", "--vhost", &d, &e), 1);
	assert_false(d.dev[0].server);
	assert_int_equal(d.dev[0].queues, 4);
	assert_int_equal(dpn_app_add_vhost("/run/b.sock", "--vhost", &d, &e), 1);
	assert_true(d.dev[1].server);
	assert_int_equal(dpn_app_add_vhost("/run/c.sock,serverr", "--vhost", &d, &e), -EINVAL);
	assert_string_equal(e.msg,
	        "--vhost: \"serverr\": expected server, client, queues=1..64, split or packed");
	assert_false(d.dev[1].split); /* packed unless asked */
	assert_int_equal(dpn_app_add_vhost("/run/d.sock,split", "--vhost", &d, &e), 1);
	assert_true(d.dev[2].split);
	assert_int_equal(dpn_app_add_vhost("relative.sock", "--vhost", &d, &e), -EINVAL);
	assert_int_equal(dpn_app_add_pci("3b:02.0", "--pci", &d, &e), -EINVAL);
}

/* A socket in a temp dir, for client-mode checks. */
static void make_socket(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
}

static char *joined(int argc, char **argv)
{
	static char buf[2048];
	size_t off = 0;
	for (int i = 0; i < argc; i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? " " : "", argv[i]);
	return buf;
}

static void eal_arguments(void **state)
{
	struct dpn_app_env env = {.sysfs = FIX "/sysfs",
	        .cgroup = FIX "/cgroup",
	        .file_prefix = "dpnode-app-7",
	        .queues = 2};
	struct dpn_app_devs d = {0};
	struct dpn_err e;
	char dir[] = "/tmp/dpn-app-XXXXXX", sock[64];
	char **argv;
	int argc;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/peer.sock", dir);
	make_socket(sock);
	dpn_app_add_pci("0000:3b:02.0", "--pci", &d, &e);
	char spec[128];
	snprintf(spec, sizeof(spec), "%s,client", sock);
	dpn_app_add_vhost(spec, "--vhost", &d, &e);
	snprintf(spec, sizeof(spec), "%s/mine.sock,queues=4,split", dir);
	dpn_app_add_vhost(spec, "--vhost", &d, &e);
	assert_int_equal(dpn_app_build_eal(&d, &env, &argc, &argv, &e), 0);
	char want[1024];
	/* CPUs from the cgroup (0) within our affinity; 256 MB from hugetlb.2MB.max */
	snprintf(want, sizeof(want),
	        "dpnode-app -l 0 --file-prefix=dpnode-app-7 --single-file-segments -m 256 "
	        "-a 0000:3b:02.0 --vdev=virtio_user0,path=%s,server=0,queues=2,packed_vq=1 "
	        "--vdev=virtio_user1,path=%s/mine.sock,server=1,queues=4",
	        sock, dir);
	assert_string_equal(joined(argc, argv), want);
	dpn_app_eal_free(argc, argv);

	/* vhost only: --no-pci */
	struct dpn_app_devs v = {0};
	dpn_app_add_vhost(spec, "--vhost", &v, &e);
	assert_int_equal(dpn_app_build_eal(&v, &env, &argc, &argv, &e), 0);
	assert_non_null(strstr(joined(argc, argv), "--no-pci"));
	dpn_app_eal_free(argc, argv);
	unlink(sock);
	rmdir(dir);
}

static void eal_refuses_unusable(void **state)
{
	struct dpn_app_env env = {
	        .sysfs = FIX "/sysfs", .cgroup = FIX "/cgroup", .file_prefix = "p"};
	struct dpn_err e;
	char **argv;
	int argc;
	(void)state;

	struct dpn_app_devs a = {0};
	dpn_app_add_pci("0000:3b:02.1", "env PCIDEVICE_X", &a, &e);
	assert_int_equal(dpn_app_build_eal(&a, &env, &argc, &argv, &e), -EINVAL);
	assert_string_equal(e.msg, "env PCIDEVICE_X: PCI device 0000:3b:02.1 has no driver (bind "
	                           "it to vfio-pci or its kernel driver)");
	struct dpn_app_devs b = {0};
	dpn_app_add_pci("0000:3b:07.0", "--pci", &b, &e);
	assert_int_equal(dpn_app_build_eal(&b, &env, &argc, &argv, &e), -EINVAL);
	assert_string_equal(e.msg, "--pci: PCI device 0000:3b:07.0 does not exist on this node");
	struct dpn_app_devs c = {0};
	dpn_app_add_vhost("/nonexistent/dir/peer.sock,client", "--vhost", &c, &e);
	assert_int_equal(dpn_app_build_eal(&c, &env, &argc, &argv, &e), -EINVAL);
	assert_string_equal(e.msg, "--vhost: vhost-user socket /nonexistent/dir/peer.sock does not "
	                           "exist (client mode needs the peer's socket)");
	struct dpn_app_devs s = {0};
	dpn_app_add_vhost("/nonexistent/dir/mine.sock,server", "--vhost", &s, &e);
	assert_int_equal(dpn_app_build_eal(&s, &env, &argc, &argv, &e), -EINVAL);
	assert_string_equal(e.msg, "--vhost: directory of vhost-user socket "
	                           "/nonexistent/dir/mine.sock does not exist");
	struct dpn_app_devs none = {0};
	assert_int_equal(dpn_app_build_eal(&none, &env, &argc, &argv, &e), -EINVAL);
}

static void packets(void **state)
{
	struct dpn_pkt_tmpl t = {.dst_mac = {2, 0, 0, 0, 0, 2},
	        .src_mac = {2, 0, 0, 0, 0, 1},
	        .src_ip = 0xc6120001,
	        .dst_ip = 0xc6130001,
	        .src_port = 1024,
	        .dst_port = 5789};
	uint8_t buf[2048];
	uint64_t ts;
	(void)state;

	static const uint16_t sizes[] = {60, 64, 65, 128, 1500, 1518};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		t.size = sizes[i];
		for (uint32_t flow = 0; flow < 300; flow += 37) {
			assert_int_equal(dpn_pkt_build(buf, sizeof(buf), &t, flow), sizes[i]);
			assert_true(csum_ok(buf, sizes[i]));
			/* flows vary UDP source port and the source IP's low byte */
			assert_int_equal((buf[34] << 8) | buf[35], 1024 + flow);
			assert_int_equal(buf[29], (1 + flow) & 0xff);
			dpn_pkt_stamp(buf, 0x0123456789abcdefULL + flow);
			assert_true(csum_ok(buf, sizes[i])); /* incremental update is right */
			assert_true(dpn_pkt_stamp_get(buf, sizes[i], &ts));
			assert_true(ts == 0x0123456789abcdefULL + flow);
		}
	}
	/* a known IPv4 header checksum (RFC 1071 example header) */
	static const uint8_t hdr[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	        0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	assert_int_equal(dpn_ip_csum(hdr, 20), 0xb861);
	t.size = 64;
	dpn_pkt_build(buf, sizeof(buf), &t, 0);
	buf[40] ^= 1; /* corrupt the UDP checksum */
	assert_false(csum_ok(buf, 64));
	assert_int_equal(dpn_pkt_build(buf, 32, &t, 0), -EINVAL);
}

static void cpus_and_memory(void **state)
{
	struct dpn_app_env env = {.sysfs = FIX "/sysfs", .cgroup = "/nonexistent"};
	struct dpn_cpuset s;
	(void)state;
	/* no cgroup: the affinity mask */
	assert_int_equal(dpn_app_cpus(&env, &s), 0);
	assert_true(dpn_cpuset_count(&s) >= 1);
	/* no cgroup limit: the free pages (512 x 2 MB) */
	assert_int_equal(dpn_app_hugepage_mb(&env), 1024);
	env.cgroup = FIX "/cgroup";
	assert_int_equal(dpn_app_hugepage_mb(&env), 256);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(from_env),
	        cmocka_unit_test(from_devinfo),
	        cmocka_unit_test(from_network_status),
	        cmocka_unit_test(network_status_truncated_escapes),
	        cmocka_unit_test(from_options),
	        cmocka_unit_test(eal_arguments),
	        cmocka_unit_test(eal_refuses_unusable),
	        cmocka_unit_test(packets),
	        cmocka_unit_test(cpus_and_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
