/* The doctor's NIC and software checks: each PF's PMD in this DPDK build,
 * offload readiness, NetworkManager and the VF netdevs, and whether OVS,
 * DPDK and OVN are Debian's stock builds. */
#include <dirent.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doctor_priv.h"

#define APPEND(buf, n, ...)                                                                        \
	((n) += snprintf((buf) + (n), (n) < sizeof(buf) ? sizeof(buf) - (n) : 0, __VA_ARGS__))

static bool is_uplink(const struct dpn_conf *c, const char *pci)
{
	for (int i = 0; i < c->uplink.n_ports; i++)
		if (!strcmp(c->uplink.ports[i].pci, pci))
			return true;
	return false;
}

void doc_pmds(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f)
{
	char saw[700] = "";
	size_t n = 0;
	enum dpn_doctor_result worst = DPN_DOCTOR_PASS;

	if (!e->inv || !e->inv->n_pfs || !e->nics) {
		doc_set(f, DPN_DOCTOR_SKIP, NULL, "no SR-IOV PF on this node");
		return;
	}
	for (int i = 0; i < e->inv->n_pfs; i++) {
		const struct dpn_pf *p = &e->inv->pfs[i];
		json_t *v = dpn_nic_vendor(e->nics, p->vendor_id);
		const char *pmd = json_string_value(json_object_get(v, "dpdk_pmd"));
		const char *note = json_string_value(json_object_get(v, "dpdk_pmd_note"));
		char lib[600];
		struct stat sb;
		bool have =
		        pmd &&
		        dpn_snprintf(lib, sizeof(lib), "%s/librte_%s.so", e->pmd_dir, pmd) >= 0 &&
		        stat(lib, &sb) == 0;
		enum dpn_doctor_result r = have                         ? DPN_DOCTOR_PASS
		                           : is_uplink(e->conf, p->bdf) ? DPN_DOCTOR_FAIL
		                                                        : DPN_DOCTOR_WARN;
		worst = r > worst ? r : worst;
		APPEND(saw, n, "%s%s (%s): %s%s%s%s", n ? "; " : "", p->bdf,
		        v ? json_string_value(json_object_get(v, "name")) : p->vendor_id,
		        !v     ? "not in the NIC table"
		        : !pmd ? "no upstream PMD"
		               : pmd,
		        pmd ? (have ? " in this DPDK" : " missing from this DPDK") : "",
		        note ? " - " : "", note ? note : "");
	}
	doc_set(f, worst,
	        "run OVS with a DPDK that has the vendor's PMD (the vendor's OVS-DPDK "
	        "build); Debian 12's DPDK 22.11 has mlx5 and nfp, not xsc or Yusur's",
	        "%s (PMDs in %s)", saw, e->pmd_dir);
}

void doc_offload(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f)
{
	char saw[700] = "";
	size_t n = 0;
	bool legacy = false;

	if (!e->conf->ovs.hw_offload) {
		doc_set(f, DPN_DOCTOR_SKIP, NULL, "ovs.hw_offload is off");
		return;
	}
	for (int i = 0; e->inv && i < e->inv->n_pfs; i++) {
		const struct dpn_pf *p = &e->inv->pfs[i];
		bool sw = !strcmp(p->eswitch, "switchdev");
		legacy |= !sw;
		APPEND(saw, n, "%s%s%s%s: eswitch %s, %d VFs", n ? "; " : "", p->bdf,
		        p->netdev[0] ? " " : "", p->netdev, p->eswitch[0] ? p->eswitch : "unknown",
		        p->numvfs);
	}
	if (!n)
		doc_set(f, DPN_DOCTOR_FAIL, "hw_offload needs a SmartNIC PF in switchdev mode",
		        "ovs.hw_offload is on but this node has no SR-IOV PF");
	else
		doc_set(f, legacy ? DPN_DOCTOR_FAIL : DPN_DOCTOR_PASS,
		        "put the PF in switchdev mode (sriov.pfs[].eswitch_mode: switchdev; "
		        "dpnoded "
		        "sets it before creating the VFs)",
		        "%s", saw);
}

/* NetworkManager's unmanaged-devices specs from its config files */
static void nm_unmanaged(const struct dpn_doctor_env *e, char *out, size_t len)
{
	static const char *const dirs[] = {"/etc/NetworkManager/NetworkManager.conf",
	        "/etc/NetworkManager/conf.d", "/usr/lib/NetworkManager/conf.d", NULL};
	size_t n = 0;

	for (int d = 0; dirs[d]; d++) {
		char p[1024], line[1024];
		struct dirent **names = NULL;
		doc_path(e, dirs[d], p, sizeof(p));
		int k = scandir(p, &names, NULL, alphasort);
		for (int i = k < 0 ? -1 : 0; i < (k < 0 ? 0 : k); i++) {
			char file[1400];
			if (i >= 0)
				snprintf(file, sizeof(file), "%s/%s", p, names[i]->d_name);
			FILE *fp = fopen(i >= 0 ? file : p, "re");
			while (fp && fgets(line, sizeof(line), fp))
				if (!strncmp(line, "unmanaged-devices=", 18) && n < len) {
					line[strcspn(line, "\n")] = '\0';
					n += snprintf(out + n, len - n, "%s;", line + 18);
				}
			if (fp)
				fclose(fp);
			if (i >= 0)
				free(names[i]);
		}
		free(names);
	}
}

static bool nm_covers(const char *specs, const char *ifname, const char *driver)
{
	char dup[2048], *save = NULL;
	snprintf(dup, sizeof(dup), "%s", specs);
	for (char *s = strtok_r(dup, ";,", &save); s; s = strtok_r(NULL, ";,", &save)) {
		if (!strncmp(s, "interface-name:", 15) && !fnmatch(s + 15, ifname, 0))
			return true;
		if (!strncmp(s, "driver:", 7) && driver[0] && !fnmatch(s + 7, driver, 0))
			return true;
		if (!strcmp(s, "*"))
			return true;
	}
	return false;
}

static bool nm_running(const struct dpn_doctor_env *e)
{
	char p[1024], comm[64];
	struct dirent *d;
	bool found = false;
	DIR *dh;

	doc_path(e, "/proc", p, sizeof(p));
	if (!(dh = opendir(p)))
		return false;
	while (!found && (d = readdir(dh))) {
		char path[300];
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		found = doc_read(e, path, comm, sizeof(comm)) == 0 &&
		        !strcmp(comm, "NetworkManager");
	}
	closedir(dh);
	return found;
}

/* NetworkManager takes any new netdev it may manage: a VF it brings up or
 * renames, or a representor it puts an address on, breaks the datapath. */
void doc_network_manager(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f)
{
	char specs[2048] = "", managed[600] = "";
	size_t n = 0;
	int seen = 0;

	if (!nm_running(e)) {
		doc_set(f, DPN_DOCTOR_PASS, NULL, "NetworkManager is not running");
		return;
	}
	nm_unmanaged(e, specs, sizeof(specs));
	for (int i = 0; e->inv && i < e->inv->n_pfs; i++)
		for (int k = 0; k < e->inv->pfs[i].n_vfs; k++) {
			const struct dpn_vf *v = &e->inv->pfs[i].vfs[k];
			const char *names[] = {v->netdev, v->representor};
			for (int j = 0; j < 2; j++) {
				if (!names[j][0])
					continue;
				seen++;
				if (!nm_covers(specs, names[j], j ? "" : v->driver))
					APPEND(managed, n, "%s%s", n ? "," : "", names[j]);
			}
		}
	if (!seen)
		doc_set(f, DPN_DOCTOR_PASS, NULL,
		        "NetworkManager runs; no VF or representor netdev on this node");
	else
		doc_set(f, managed[0] ? DPN_DOCTOR_WARN : DPN_DOCTOR_PASS,
		        "in /etc/NetworkManager/conf.d/dpnode.conf: [keyfile] "
		        "unmanaged-devices=driver:<VF driver>;interface-name:<representor pattern>",
		        "NetworkManager runs%s%s%s", managed[0] ? "; it may manage " : "; ",
		        managed, managed[0] ? "" : "every VF and representor is unmanaged");
}

/* Is path a file of Debian package pkg (its dpkg file list)? version out. */
static bool debian_owns(const struct dpn_doctor_env *e, const char *pkg, const char *path,
        char *version, size_t vlen)
{
	char p[1024], line[1024];
	bool owned = false, in = false;
	FILE *fp;

	snprintf(version, vlen, "not installed");
	snprintf(line, sizeof(line), "/var/lib/dpkg/info/%s.list", pkg);
	doc_path(e, line, p, sizeof(p));
	if ((fp = fopen(p, "re"))) {
		while (!owned && fgets(line, sizeof(line), fp))
			owned = !strncmp(line, path, strlen(path)) && line[strlen(path)] == '\n';
		fclose(fp);
	}
	doc_path(e, "/var/lib/dpkg/status", p, sizeof(p));
	if ((fp = fopen(p, "re"))) {
		while (fgets(line, sizeof(line), fp)) {
			line[strcspn(line, "\n")] = '\0';
			if (!strncmp(line, "Package: ", 9))
				in = !strcmp(line + 9, pkg);
			else if (in && !strncmp(line, "Version: ", 9))
				snprintf(version, vlen, "%.60s", line + 9);
		}
		fclose(fp);
	}
	return owned;
}

void doc_versions(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f)
{
	const struct {
		const char *what, *pkg, *path;
	} bins[] = {{"ovs-vswitchd", "openvswitch-switch-dpdk", e->conf->ovs.vswitchd_bin},
	        {"ovsdb-server", "openvswitch-common", e->conf->ovs.ovsdb_server_bin},
	        {"ovn-controller", "ovn-host", e->conf->ovn.controller_bin}};
	char saw[700] = "", foreign[200] = "", ver[64];
	size_t n = 0, m = 0;

	for (size_t i = 0; i < sizeof(bins) / sizeof(bins[0]); i++) {
		bool stock = debian_owns(e, bins[i].pkg, bins[i].path, ver, sizeof(ver));
		APPEND(saw, n, "%s%s %s: Debian %s %s%s", n ? "; " : "", bins[i].what, bins[i].path,
		        bins[i].pkg, ver,
		        stock ? " (stock)" : " (this binary is not the package's)");
		if (!stock)
			APPEND(foreign, m, "%s%s", m ? ", " : "", bins[i].what);
	}
	const char *ovs = json_string_value(json_object_get(e->status, "ovs_version"));
	const char *dpdk = json_string_value(json_object_get(e->status, "dpdk_version"));
	if (ovs || dpdk)
		APPEND(saw, n, "; running: OVS %s, %s", ovs ? ovs : "?", dpdk ? dpdk : "DPDK ?");
	doc_set(f, foreign[0] ? DPN_DOCTOR_WARN : DPN_DOCTOR_PASS,
	        "a build other than Debian's may carry patches (Kube-OVN's do): see "
	        "docs/kube-ovn-ovs.md for what they change and what stock builds lack",
	        "%s%s%s", saw, foreign[0] ? "; not Debian's: " : "", foreign);
}
