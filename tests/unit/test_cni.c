#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <stdlib.h>

#include "dpn_cni.h"

static const char *const *fake_env;

static const char *fake_get(const char *name)
{
	size_t n = strlen(name);
	for (const char *const *e = fake_env; *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static const char *nad =
        "{\"cniVersion\": \"1.0.0\", \"name\": \"ovn-dpdk\", \"type\": \"dpnode-cni\","
        " \"server_socket\": \"/run/dpnode/dpnoded.sock\", \"provider\": \"ovn-dpdk.default.ovn\","
        " \"vhost_user_socket_volume_name\": \"vhostuser-sockets\","
        " \"vhost_user_socket_name\": \"sock\", \"mtu\": \"1500\", \"queues\": 2,"
        " \"runtimeConfig\": {\"mac\": \"02:00:00:00:00:01\", \"ips\": [\"10.0.0.5/24\"]}}";

static void kube_ovn_nad_keys(void **state)
{
	struct dpn_cni_conf c;
	struct dpn_cni_err e;
	(void)state;

	assert_int_equal(dpn_cni_parse_conf(nad, &c, &e), 0);
	assert_string_equal(c.volume, "vhostuser-sockets");
	assert_string_equal(c.sock_name, "sock");
	assert_string_equal(c.consumption, "pod");
	assert_string_equal(c.provider, "ovn-dpdk.default.ovn");
	assert_int_equal(c.mtu, 1500); /* NADs carry numbers as strings too */
	assert_int_equal(c.queues, 2);
	assert_string_equal(c.mac, "02:00:00:00:00:01");
	assert_string_equal(c.ips, "10.0.0.5/24");
}

static void bad_configs(void **state)
{
	struct dpn_cni_conf c;
	struct dpn_cni_err e;
	static const struct {
		const char *conf;
		int code;
		const char *details;
	} cases[] = {
	        {"not json", 6, NULL},
	        {"{\"name\": \"x\"}", 7, "cniVersion: missing"},
	        {"{\"cniVersion\": \"0.2.0\"}", 1,
	                "cniVersion 0.2.0; dpnode-cni supports 0.3.1, 0.4.0, 1.0.0, 1.1.0"},
	        {"{\"cniVersion\": \"1.0.0\", \"mtu\": 20}", 7,
	                "mtu: expected an integer from 68 to 9710"},
	        {"{\"cniVersion\": \"1.0.0\", \"server_socket\": \"dpnoded.sock\"}", 7,
	                "server_socket: \"dpnoded.sock\" is not an absolute path"},
	        {"{\"cniVersion\": \"1.0.0\", \"vhost_user_socket_consumption\": \"vm\"}", 7,
	                "vhost_user_socket_consumption: \"vm\" is not \"pod\" or \"kubevirt\""},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(dpn_cni_parse_conf(cases[i].conf, &c, &e), -EINVAL);
		assert_int_equal(e.code, cases[i].code);
		if (cases[i].details)
			assert_string_equal(e.details, cases[i].details);
	}
}

static void environment(void **state)
{
	static const char *const add[] = {"CNI_COMMAND=ADD", "CNI_CONTAINERID=abc",
	        "CNI_NETNS=/var/run/netns/x", "CNI_IFNAME=net1", "CNI_PATH=/opt/cni/bin",
	        "CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=dpdk-a;"
	        "K8S_POD_INFRA_CONTAINER_ID=abc;K8S_POD_UID=0b7c1f0e-1111",
	        NULL};
	static const char *const no_ifname[] = {"CNI_COMMAND=ADD", "CNI_CONTAINERID=abc",
	        "CNI_NETNS=/x", "CNI_ARGS=K8S_POD_UID=u;K8S_POD_NAME=a;K8S_POD_NAMESPACE=b", NULL};
	static const char *const no_uid[] = {
	        "CNI_COMMAND=DEL", "CNI_CONTAINERID=abc", "CNI_IFNAME=net1", NULL};
	static const char *const del_no_netns[] = {"CNI_COMMAND=DEL", "CNI_CONTAINERID=abc",
	        "CNI_IFNAME=net1", "CNI_ARGS=K8S_POD_UID=u", NULL};
	struct dpn_cni_env env;
	struct dpn_cni_err e;
	(void)state;

	fake_env = add;
	assert_int_equal(dpn_cni_parse_env(fake_get, &env, &e), 0);
	assert_string_equal(env.pod_name, "dpdk-a");
	assert_string_equal(env.pod_ns, "default");
	assert_string_equal(env.pod_uid, "0b7c1f0e-1111");
	assert_string_equal(env.ifname, "net1");

	fake_env = no_ifname;
	assert_int_equal(dpn_cni_parse_env(fake_get, &env, &e), -EINVAL);
	assert_int_equal(e.code, 4);
	assert_string_equal(e.details, "CNI_IFNAME is not set");

	/* not UTF-8: refused naming it (it once reached dpnoded as "{}") */
	static const char *const bad_ifname[] = {"CNI_COMMAND=ADD", "CNI_CONTAINERID=abc",
	        "CNI_NETNS=/x", "CNI_IFNAME=net\xff", "CNI_ARGS=K8S_POD_UID=u", NULL};
	static const char *const bad_args[] = {"CNI_COMMAND=ADD", "CNI_CONTAINERID=abc",
	        "CNI_NETNS=/x", "CNI_IFNAME=net1",
	        "CNI_ARGS=K8S_POD_UID=u;K8S_POD_NAME=p\xc3\x28;K8S_POD_NAMESPACE=b", NULL};
	fake_env = bad_ifname;
	assert_int_equal(dpn_cni_parse_env(fake_get, &env, &e), -EINVAL);
	assert_string_equal(e.details, "CNI_IFNAME is not UTF-8");
	fake_env = bad_args;
	assert_int_equal(dpn_cni_parse_env(fake_get, &env, &e), -EINVAL);
	assert_string_equal(e.details, "CNI_ARGS is not UTF-8");

	fake_env = no_uid;
	assert_int_equal(dpn_cni_parse_env(fake_get, &env, &e), -EINVAL);
	assert_int_equal(e.code, 4);

	fake_env = del_no_netns; /* DEL may come without a netns */
	assert_int_equal(dpn_cni_parse_env(fake_get, &env, &e), 0);
}

static void add_params(void **state)
{
	static const char *const add[] = {"CNI_COMMAND=ADD", "CNI_CONTAINERID=abc", "CNI_NETNS=/x",
	        "CNI_IFNAME=net1",
	        "CNI_ARGS=K8S_POD_NAMESPACE=default;K8S_POD_NAME=dpdk-a;K8S_POD_UID=u1", NULL};
	struct dpn_cni_conf c;
	struct dpn_cni_env env;
	struct dpn_cni_err e;
	(void)state;

	fake_env = add;
	assert_int_equal(dpn_cni_parse_conf(nad, &c, &e), 0);
	assert_int_equal(dpn_cni_parse_env(fake_get, &env, &e), 0);
	json_t *p = dpn_cni_add_params(&c, &env);
	json_t *want =
	        tjson("{\"pod_uid\": \"u1\", \"namespace\": \"default\", \"pod\": \"dpdk-a\","
	              " \"ifname\": \"net1\", \"consumption\": \"pod\", \"queues\": 2,"
	              " \"volume\": \"vhostuser-sockets\", \"socket_name\": \"sock\","
	              " \"provider\": \"ovn-dpdk.default.ovn\", \"mtu\": 1500,"
	              " \"mac\": \"02:00:00:00:00:01\", \"ip\": \"10.0.0.5/24\"}");
	assert_true(json_equal(p, want));
	json_decref(p);
	json_decref(want);
}

static void result_and_error_json(void **state)
{
	struct dpn_cni_err e;
	(void)state;

	json_t *r = dpn_cni_result(
	        "1.0.0", "net1", "02:00:00:00:00:01", "/run/x/sock", NULL, 1500, NULL, NULL);
	/* CNI 1.0.0 has no socketPath (libcni drops it): only 1.1.0 callers get it */
	json_t *want = tjson("{\"cniVersion\": \"1.0.0\", \"interfaces\": [{\"name\": \"net1\","
	                     " \"mac\": \"02:00:00:00:00:01\", \"mtu\": 1500}], \"ips\": [],"
	                     " \"dns\": {}}");
	assert_true(json_equal(r, want));
	json_decref(r);
	json_decref(want);
	r = dpn_cni_result(
	        "1.1.0", "net1", "02:00:00:00:00:01", "/run/x/sock", NULL, 0, NULL, NULL);
	assert_string_equal(
	        json_string_value(json_object_get(
	                json_array_get(json_object_get(r, "interfaces"), 0), "socketPath")),
	        "/run/x/sock");
	json_decref(r);

	/* OVN's dual-stack addresses; the prefix from what was asked, else a host one */
	json_t *ips = tjson("[\"10.16.0.5\", \"fd00:10:16::5\"]");
	r = dpn_cni_result(
	        "1.0.0", "net1", "0a:00:00:00:00:05", "/run/x/sock", NULL, 0, ips, "10.16.0.5/16");
	want = tjson("[{\"address\": \"10.16.0.5/16\", \"interface\": 0},"
	             " {\"address\": \"fd00:10:16::5/128\", \"interface\": 0}]");
	if (!json_equal(json_object_get(r, "ips"), want))
		fail_msg("ips: %s", json_dumps(json_object_get(r, "ips"), 0));
	json_decref(r);
	json_decref(want);
	json_decref(ips);

	dpn_cni_seterr(&e, 11, "dpnoded is not reachable", "%s: %s", "/run/d.sock", "refused");
	json_t *err = dpn_cni_error_json("1.0.0", &e);
	want = tjson("{\"cniVersion\": \"1.0.0\", \"code\": 11, \"msg\": \"dpnoded is not "
	             "reachable\", \"details\": \"/run/d.sock: refused\"}");
	assert_true(json_equal(err, want));
	json_decref(err);
	json_decref(want);

	json_t *v = dpn_cni_version_json("1.0.0");
	want = tjson("{\"cniVersion\": \"1.0.0\", \"supportedVersions\": [\"0.3.1\", \"0.4.0\","
	             " \"1.0.0\", \"1.1.0\"]}");
	assert_true(json_equal(v, want));
	json_decref(v);
	json_decref(want);
}

static void devinfo(void **state)
{
	struct dpn_cni_conf c;
	struct dpn_cni_err e;
	struct dpn_cni_env env = {.container_id = "abc123", .ifname = "net1"};
	char path[256];
	(void)state;

	assert_int_equal(dpn_cni_parse_conf("{\"cniVersion\": \"1.0.0\", \"name\": \"ovn/dpdk\","
	                                    " \"vhost_user_socket_mount_path\": \"/run/vu\"}",
	                         &c, &e),
	        0);
	/* the name Multus picks: <network>-<container>_<ifname>, '/' made '-' */
	assert_int_equal(dpn_cni_devinfo_path(&c, &env, "/d", path, sizeof(path)), 0);
	assert_string_equal(path, "/d/ovn-dpdk-abc123_net1");
	json_t *j = dpn_cni_devinfo_json(&c, "sock");
	json_t *want = tjson("{\"type\": \"vhost-user\", \"version\": \"1.1.0\", \"vhost-user\":"
	                     " {\"mode\": \"server\", \"path\": \"/run/vu/sock\"}}");
	assert_true(json_equal(j, want));
	json_decref(j);
	json_decref(want);
	/* the path Multus passes wins */
	assert_int_equal(dpn_cni_parse_conf("{\"cniVersion\": \"1.0.0\", \"runtimeConfig\":"
	                                    " {\"CNIDeviceInfoFile\": \"/m/x.json\"}}",
	                         &c, &e),
	        0);
	assert_int_equal(dpn_cni_devinfo_path(&c, &env, "/d", path, sizeof(path)), 0);
	assert_string_equal(path, "/m/x.json");
}

static void server_socket_owner(void **state)
{
	char dir[] = "/tmp/dpn-cni-XXXXXX", sock[64], file[64];
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct dpn_cni_err e;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/s.sock", dir);
	snprintf(file, sizeof(file), "%s/plain", dir);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(dpn_cni_check_server(sock, &e), 0);
	assert_int_equal(chown(sock, 65534, 65534), 0); /* someone else's socket */
	assert_int_equal(dpn_cni_check_server(sock, &e), -EPERM);
	assert_int_equal(e.code, 7);
	assert_non_null(strstr(e.details, "not a socket owned by root"));
	close(open(file, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(dpn_cni_check_server(file, &e), -EPERM);
	assert_int_equal(dpn_cni_check_server("/nonexistent/x.sock", &e), 0);
	close(fd);
	t_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(kube_ovn_nad_keys),
	        cmocka_unit_test(bad_configs),
	        cmocka_unit_test(environment),
	        cmocka_unit_test(add_params),
	        cmocka_unit_test(result_and_error_json),
	        cmocka_unit_test(devinfo),
	        cmocka_unit_test(server_socket_owner),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
