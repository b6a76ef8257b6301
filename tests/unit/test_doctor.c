/* dpnodectl doctor: each check made to pass and made to fail on a test tree
 * (proc, sys, etc, var under a root) and a hand-built inventory. */
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dpn_doctor.h"

static char root[64];
static struct dpn_conf conf;

static void put(const char *rel, const char *text)
{
	char p[512], dir[512];
	snprintf(p, sizeof(p), "%s%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", p);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(dpn_mkdir_p(dir, 0755), 0);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mkd(const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s%s", root, rel);
	assert_int_equal(dpn_mkdir_p(p, 0755), 0);
}

/* result and saw of one check */
static const char *run(const struct dpn_doctor_env *e, const char *check, const char **saw)
{
	static char res[8], seen[1024];
	json_t *all = dpn_doctor_run(e), *r;
	size_t i;
	res[0] = '\0';
	json_array_foreach (all, i, r)
		if (!strcmp(json_string_value(json_object_get(r, "check")), check)) {
			snprintf(res, sizeof(res), "%s",
			        json_string_value(json_object_get(r, "result")));
			snprintf(seen, sizeof(seen), "%s",
			        json_string_value(json_object_get(r, "saw")));
		}
	json_decref(all);
	if (saw)
		*saw = seen;
	return res;
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/dpn-doctor.XXXXXX");
	assert_non_null(mkdtemp(root));
	dpn_conf_init(&conf);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd);
}

static void iommu_and_vfio(void **state)
{
	struct dpn_doctor_env e = {.root = root, .conf = &conf, .pmd_dir = "/x"};
	(void)state;
	strcpy(conf.uplink.ports[0].pci, "0000:3b:00.0"); /* a PCI uplink: both matter */
	conf.uplink.n_ports = 1;
	put("/proc/cmdline", "BOOT_IMAGE=/vmlinuz ro quiet\n");
	assert_string_equal(run(&e, "iommu", NULL), "fail");
	assert_string_equal(run(&e, "vfio-pci", NULL), "fail");
	put("/sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "Y\n");
	assert_string_equal(run(&e, "iommu", NULL), "warn");
	mkd("/sys/kernel/iommu_groups/0");
	mkd("/sys/kernel/iommu_groups/1");
	mkd("/sys/module/vfio_pci");
	const char *saw;
	assert_string_equal(run(&e, "iommu", &saw), "pass");
	assert_non_null(strstr(saw, "2 IOMMU groups"));
	assert_string_equal(run(&e, "vfio-pci", NULL), "pass");
	conf.uplink.n_ports = 0;
}

static void hugepages(void **state)
{
	struct dpn_doctor_env e = {.root = root, .conf = &conf, .pmd_dir = "/x"};
	(void)state;
	conf.ovs.dpdk.n_socket_mem = 2;
	conf.ovs.dpdk.socket_mem[0] = 1024;
	conf.ovs.dpdk.socket_mem[1] = 0;
	put("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/free_hugepages", "100\n");
	put("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "600\n");
	const char *saw;
	assert_string_equal(run(&e, "hugepages", &saw), "fail");
	assert_non_null(strstr(saw, "NUMA 0: socket_mem 1024 MB, 200 MB free"));
	put("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/free_hugepages", "512\n");
	assert_string_equal(run(&e, "hugepages", NULL), "pass");
	/* OVS running holds its share: the pool must have it */
	e.status = json_pack("{s:b}", "dpdk_initialized", 1);
	put("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/free_hugepages", "0\n");
	assert_string_equal(run(&e, "hugepages", NULL), "pass"); /* 600 pages: 1200 MB */
	put("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "300\n");
	assert_string_equal(run(&e, "hugepages", NULL), "fail");
	json_decref(e.status);
	conf.ovs.dpdk.n_socket_mem = 0;
}

static void pmd_cores(void **state)
{
	struct dpn_doctor_env e = {.root = root, .conf = &conf, .pmd_dir = "/x"};
	const char *saw;
	(void)state;
	assert_string_equal(run(&e, "pmd-cores", NULL), "warn"); /* none configured */
	conf.ovs.dpdk.has_pmd = true;
	dpn_cpuset_parse_list("2,3", &conf.ovs.dpdk.pmd);
	strcpy(conf.uplink.ports[0].pci, "0000:3b:00.0");
	conf.uplink.n_ports = 1;
	put("/sys/bus/pci/devices/0000:3b:00.0/numa_node", "1\n");
	put("/sys/devices/system/node/node0/cpulist", "0-3\n");
	put("/sys/devices/system/node/node1/cpulist", "4-7\n");
	assert_string_equal(run(&e, "pmd-cores", &saw), "fail");
	assert_non_null(strstr(saw, "core(s) 2,3 on another NUMA node"));
	dpn_cpuset_zero(&conf.ovs.dpdk.pmd);
	dpn_cpuset_parse_list("5,6", &conf.ovs.dpdk.pmd);
	assert_string_equal(run(&e, "pmd-cores", &saw), "warn"); /* not isolated */
	assert_non_null(strstr(saw, "not isolated from the scheduler: 5,6"));
	put("/sys/devices/system/cpu/isolated", "4-7\n");
	put("/var/lib/kubelet/cpu_manager_state",
	        "{\"policyName\": \"static\", \"defaultCpuSet\": \"0-1,6-7\"}");
	assert_string_equal(run(&e, "pmd-cores", &saw), "warn");
	assert_non_null(strstr(saw, "in kubelet's shared CPU pool: 6"));
	put("/var/lib/kubelet/cpu_manager_state",
	        "{\"policyName\": \"static\", \"defaultCpuSet\": \"0-1,7\"}");
	assert_string_equal(run(&e, "pmd-cores", NULL), "pass");
	conf.ovs.dpdk.has_pmd = false;
	conf.uplink.n_ports = 0;
}

static void propagation_and_socket_dir(void **state)
{
	struct dpn_doctor_env e = {.root = root, .conf = &conf, .pmd_dir = "/x"};
	char line[600], dir[300];
	const char *saw;
	(void)state;
	snprintf(conf.vhost.socket_root, sizeof(conf.vhost.socket_root), "/run/ovs/vhost");
	snprintf(conf.ovs.run_dir, sizeof(conf.ovs.run_dir), "/run/ovs");
	put("/proc/self/mountinfo", "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
	                            "30 27 0:25 / /run rw,nosuid master:3 - tmpfs tmpfs rw\n");
	assert_string_equal(run(&e, "mount-propagation", &saw), "fail");
	assert_non_null(strstr(saw, "/run/ovs/vhost on /run: master:3"));
	put("/proc/self/mountinfo", "27 1 254:0 / / rw shared:1 - ext4 /dev/vda rw\n"
	                            "30 27 0:25 / /run rw shared:5 - tmpfs tmpfs rw\n");
	assert_string_equal(run(&e, "mount-propagation", NULL), "pass");
	/* the socket root: QEMU (107) must search it, nobody else may write */
	assert_string_equal(run(&e, "vhost-socket-dir", NULL), "pass"); /* dpnoded makes it */
	snprintf(dir, sizeof(dir), "%s/run/ovs/vhost", root);
	dpn_mkdir_p(dir, 0755);
	conf.vhost.gid = 107;
	conf.vhost.mode = 0770;
	chmod(dir, 0700);
	assert_string_equal(run(&e, "vhost-socket-dir", &saw), "fail");
	assert_non_null(strstr(saw, "mode 0700"));
	chmod(dir, 0755);
	assert_string_equal(run(&e, "vhost-socket-dir", NULL), "pass");
	chmod(dir, 0777);
	assert_string_equal(run(&e, "vhost-socket-dir", NULL), "fail"); /* world-writable */
	chmod(dir, 0755);
	conf.vhost.gid = -1;
	conf.vhost.mode = 0700;
	assert_string_equal(
	        run(&e, "vhost-socket-dir", NULL), "fail"); /* pod dirs QEMU cannot use */
	(void)line;
}

static struct dpn_vf vfs[1];
static struct dpn_pf pfs[2];
static struct dpn_inventory inv = {.n_pfs = 1, .pfs = pfs};

static void nic_checks(void **state)
{
	struct dpn_nic_table nics;
	struct dpn_err err = {0};
	char pmd_dir[128];
	const char *saw;
	(void)state;
	assert_int_equal(dpn_nic_table_load(DPN_SRCDIR "/conf/nics.json", &nics, &err), 0);
	snprintf(pmd_dir, sizeof(pmd_dir), "%s/pmds", root);
	dpn_mkdir_p(pmd_dir, 0755);
	struct dpn_doctor_env e = {
	        .root = root, .conf = &conf, .nics = &nics, .inv = &inv, .pmd_dir = pmd_dir};
	strcpy(pfs[0].bdf, "0000:3b:00.0");
	strcpy(pfs[0].vendor_id, "15b3");
	strcpy(pfs[0].netdev, "ens1f0np0");
	strcpy(pfs[0].eswitch, "legacy");
	pfs[0].numvfs = 1;
	pfs[0].vfs = vfs;
	pfs[0].n_vfs = 1;
	strcpy(vfs[0].netdev, "ens1f0v0");
	strcpy(vfs[0].driver, "mlx5_core");
	strcpy(vfs[0].representor, "pf0vf0");
	/* the PMD: missing for a PF that is not an uplink warns, for an uplink fails */
	assert_string_equal(run(&e, "dpdk-pmds", &saw), "warn");
	assert_non_null(strstr(saw, "net_mlx5 missing from this DPDK"));
	strcpy(conf.uplink.ports[0].pci, "0000:3b:00.0");
	conf.uplink.n_ports = 1;
	assert_string_equal(run(&e, "dpdk-pmds", NULL), "fail");
	put("/pmds/librte_net_mlx5.so", "");
	assert_string_equal(run(&e, "dpdk-pmds", NULL), "pass");
	/* Yunsilicon: a PMD Debian's DPDK lacks, said with the table's note */
	inv.n_pfs = 2;
	pfs[1] = pfs[0];
	strcpy(pfs[1].bdf, "0000:b3:00.0");
	strcpy(pfs[1].vendor_id, "1f67");
	pfs[1].n_vfs = 0;
	assert_string_equal(run(&e, "dpdk-pmds", &saw), "warn");
	assert_non_null(
	        strstr(saw, "net_xsc missing from this DPDK - in upstream DPDK from 25.03"));
	inv.n_pfs = 1;
	conf.uplink.n_ports = 0;
	/* offload: only asked for with hw_offload; needs switchdev */
	assert_string_equal(run(&e, "offload", NULL), "skip");
	conf.ovs.hw_offload = true;
	assert_string_equal(run(&e, "offload", &saw), "fail");
	assert_non_null(strstr(saw, "eswitch legacy"));
	strcpy(pfs[0].eswitch, "switchdev");
	assert_string_equal(run(&e, "offload", NULL), "pass");
	conf.ovs.hw_offload = false;
	/* NetworkManager: running, with or without the VFs and representors unmanaged */
	assert_string_equal(run(&e, "network-manager", NULL), "pass"); /* not running */
	put("/proc/1234/comm", "NetworkManager\n");
	assert_string_equal(run(&e, "network-manager", &saw), "warn");
	assert_non_null(strstr(saw, "it may manage ens1f0v0,pf0vf0"));
	put("/etc/NetworkManager/conf.d/dpnode.conf",
	        "[keyfile]\nunmanaged-devices=driver:mlx5_core;interface-name:pf*vf*\n");
	assert_string_equal(run(&e, "network-manager", NULL), "pass");
	dpn_nic_table_free(&nics);
}

static void versions(void **state)
{
	struct dpn_doctor_env e = {.root = root, .conf = &conf, .pmd_dir = "/x"};
	const char *saw;
	(void)state;
	put("/var/lib/dpkg/status", "Package: openvswitch-switch-dpdk\nVersion: 3.1.0-2+deb12u1\n\n"
	                            "Package: openvswitch-common\nVersion: 3.1.0-2+deb12u1\n\n"
	                            "Package: ovn-host\nVersion: 23.03.1-1~deb12u2\n");
	put("/var/lib/dpkg/info/openvswitch-switch-dpdk.list",
	        "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk\n");
	put("/var/lib/dpkg/info/openvswitch-common.list", "/usr/sbin/ovsdb-server\n");
	put("/var/lib/dpkg/info/ovn-host.list", "/usr/bin/ovn-controller\n");
	assert_string_equal(run(&e, "versions", &saw), "pass");
	assert_non_null(strstr(saw, "openvswitch-switch-dpdk 3.1.0-2+deb12u1 (stock)"));
	/* Kube-OVN's image runs its own build from another path */
	strcpy(conf.ovs.vswitchd_bin, "/usr/sbin/ovs-vswitchd");
	assert_string_equal(run(&e, "versions", &saw), "warn");
	assert_non_null(strstr(saw, "not Debian's: ovs-vswitchd"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(iommu_and_vfio),
	        cmocka_unit_test(hugepages),
	        cmocka_unit_test(pmd_cores),
	        cmocka_unit_test(propagation_and_socket_dir),
	        cmocka_unit_test(nic_checks),
	        cmocka_unit_test(versions),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
