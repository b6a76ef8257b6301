#include <errno.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devplugin_alloc.h"
#include "dpn_util.h"

void dpn_devplugin_env_name(const char *prefix, const char *name, char *out, size_t len)
{
	size_t o = snprintf(out, len, "PCIDEVICE_%s_%s", prefix, name);
	for (size_t i = 0; i < o && i < len; i++)
		out[i] = (out[i] == '.' || out[i] == '/' || out[i] == '-')
		                 ? '_'
		                 : toupper((unsigned char)out[i]);
}

json_t *dpn_devplugin_devinfo(const struct dpn_pf *pf, const struct dpn_vf *vf)
{
	json_t *pci = json_pack("{s:s, s:s}", "pci-address", vf->bdf, "pf-pci-address", pf->bdf);
	if (vf->rep_kind[0] && !strcmp(vf->rep_kind, "netdev"))
		json_object_set_new(pci, "representor-device", json_string(vf->representor));
	if (vf->rdma[0])
		json_object_set_new(pci, "rdma-device", json_string(vf->rdma));
	return json_pack("{s:s, s:s, s:o}", "type", "pci", "version", "1.1.0", "pci", pci);
}

static void spec(json_t *specs, const char *container, const char *host)
{
	json_array_append_new(specs, json_pack("{s:s, s:s, s:s}", "container_path", container,
	                                     "host_path", host, "permissions", "rw"));
}

/* The char devices of an RDMA device: uverbsN under infiniband_verbs, umadN
 * and issmN under infiniband_mad. */
static int rdma_specs(const char *root, const char *rdma, json_t *specs, struct dpn_err *err)
{
	static const char *const dirs[] = {"infiniband_verbs", "infiniband_mad"};
	int found = 0;

	for (size_t i = 0; i < 2; i++) {
		char path[1024];
		if (dpn_snprintf(path, sizeof(path), "%s/sys/class/infiniband/%s/device/%s", root,
		            rdma, dirs[i]) < 0)
			return -ENAMETOOLONG;
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			char dev[300];
			if (strncmp(e->d_name, "uverbs", 6) && strncmp(e->d_name, "umad", 4) &&
			        strncmp(e->d_name, "issm", 4))
				continue;
			snprintf(dev, sizeof(dev), "/dev/infiniband/%s", e->d_name);
			spec(specs, dev, dev);
			found++;
		}
		if (d)
			closedir(d);
	}
	if (!found)
		return dpn_err_set(
		        err, -ENODEV, "RDMA device %s has no uverbs/umad character devices", rdma);
	spec(specs, "/dev/infiniband/rdma_cm", "/dev/infiniband/rdma_cm");
	return 0;
}

int dpn_devplugin_device_specs(const char *root, const struct dpn_vf *vf, bool vhost_net,
        json_t *specs, struct dpn_err *err)
{
	char host[512], cont[64];
	struct stat st;
	int ret;

	if (!strcmp(vf->driver, "vfio-pci")) {
		if (vf->iommu_group < 0)
			return dpn_err_set(err, -ENODEV,
			        "%s is bound to vfio-pci but has no IOMMU group", vf->bdf);
		spec(specs, "/dev/vfio/vfio", "/dev/vfio/vfio");
		snprintf(cont, sizeof(cont), "/dev/vfio/%d", vf->iommu_group);
		/* no-IOMMU mode names the host node noiommu-N; the container sees N */
		if (dpn_snprintf(host, sizeof(host), "%s/dev/vfio/noiommu-%d", root,
		            vf->iommu_group) < 0)
			return -ENAMETOOLONG;
		if (stat(host, &st) == 0)
			snprintf(host, sizeof(host), "/dev/vfio/noiommu-%d", vf->iommu_group);
		else
			snprintf(host, sizeof(host), "/dev/vfio/%d", vf->iommu_group);
		spec(specs, cont, host);
	}
	if (vf->rdma[0] && (ret = rdma_specs(root, vf->rdma, specs, err)) < 0)
		return ret;
	if (vhost_net) {
		spec(specs, "/dev/vhost-net", "/dev/vhost-net");
		spec(specs, "/dev/net/tun", "/dev/net/tun");
	}
	return 0;
}

static bool taken(json_t *out, const char *id)
{
	json_t *v;
	size_t i;
	json_array_foreach (out, i, v)
		if (!strcmp(json_string_value(v), id))
			return true;
	return false;
}

static int count(const struct dpn_devplugin_cand *a, int n, json_t *out, int numa, const char *pf)
{
	int c = 0;
	for (int i = 0; i < n; i++)
		if (!taken(out, a[i].id) && (numa == -2 || a[i].numa == numa) &&
		        (!pf || !strcmp(a[i].pf, pf)))
			c++;
	return c;
}

/* Fills from one NUMA node, PF by PF, the fullest PF first. */
static void fill(const struct dpn_devplugin_cand *a, int n, json_t *out, int numa, int size)
{
	while ((int)json_array_size(out) < size) {
		const char *best = NULL;
		int best_n = 0;
		for (int i = 0; i < n; i++) {
			int c = count(a, n, out, numa, a[i].pf);
			if (numa != -2 && a[i].numa != numa)
				continue;
			if (c > best_n || (c == best_n && best && strcmp(a[i].pf, best) < 0)) {
				best = a[i].pf;
				best_n = c;
			}
		}
		if (!best)
			return;
		for (int i = 0; i < n && (int)json_array_size(out) < size; i++)
			if (!taken(out, a[i].id) && !strcmp(a[i].pf, best) &&
			        (numa == -2 || a[i].numa == numa) &&
			        json_array_append_new(out, json_string(a[i].id)) < 0)
				return; /* cannot grow: stop rather than loop */
	}
}

json_t *dpn_devplugin_preferred(
        const struct dpn_devplugin_cand *a, int n, const char *const *must, int n_must, int size)
{
	struct dpn_devplugin_cand *ok = calloc(n > 0 ? n : 1, sizeof(*ok));
	json_t *out;
	int numa = -2, n_ok = 0;

	/* IDs come from kubelet: only PCI addresses are ours (a non-UTF-8 one
	 * made json_string fail and the fill loop spin for ever) */
	for (int i = 0; i < n_must; i++)
		if (!dpn_pci_addr_valid(must[i])) {
			free(ok);
			return NULL;
		}
	for (int i = 0; ok && i < n; i++)
		if (dpn_pci_addr_valid(a[i].id) && a[i].pf)
			ok[n_ok++] = a[i];
	if (!ok)
		return NULL;
	a = ok;
	n = n_ok;
	out = json_array();
	for (int i = 0; i < n_must && (int)json_array_size(out) < size; i++) {
		json_array_append_new(out, json_string(must[i]));
		for (int k = 0; k < n; k++)
			if (!strcmp(a[k].id, must[i]) && numa == -2)
				numa = a[k].numa;
	}
	if (numa == -2) { /* the NUMA node with the most candidates */
		int best = -1;
		for (int i = 0; i < n; i++) {
			int c = count(a, n, out, a[i].numa, NULL);
			if (c > best || (c == best && a[i].numa < numa)) {
				best = c;
				numa = a[i].numa;
			}
		}
	}
	if (n > 0)
		fill(a, n, out, numa, size);
	fill(a, n, out, -2, size); /* then anywhere */
	free(ok);
	if ((int)json_array_size(out) < size) {
		json_decref(out);
		return NULL;
	}
	return out;
}
