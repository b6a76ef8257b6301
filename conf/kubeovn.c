/* Import of Kube-OVN's OVS-DPDK node config (ovs-dpdk-config + config.cfg). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpn_conf.h"

/* OVS other_config keys passed through unchanged (OVS 3.1). */
static const char *const passthrough_keys[] = {"dpdk-hugepage-dir", "dpdk-alloc-mem",
        "per-port-memory", "shared-mempool-config", "userspace-tso-enable", "pmd-rxq-assign",
        "pmd-rxq-isolate", "pmd-auto-lb", "pmd-auto-lb-load-threshold",
        "pmd-auto-lb-improvement-threshold", "pmd-auto-lb-rebal-interval", "pmd-maxsleep",
        "pmd-perf-metrics", "emc-insert-inv-prob", "smc-enable", "n-handler-threads",
        "n-revalidator-threads", "max-idle", "max-revalidator", "min-revalidate-pps",
        "stats-update-interval", "flow-restore-wait", "vlan-limit", "bundle-idle-timeout",
        "offload-rebalance", "n-offload-threads", "tx-flush-interval", "vhost-iommu-support",
        "vhost-postcopy-support", NULL};

struct kv {
	char key[64];
	int n; /* number of values (arrays give several) */
	char **vals;
	int line;
};

struct kvfile {
	const char *name;
	int n;
	struct kv *kv;
};

static void kvfile_free(struct kvfile *f)
{
	for (int i = 0; i < f->n; i++) {
		for (int j = 0; j < f->kv[i].n; j++)
			free(f->kv[i].vals[j]);
		free(f->kv[i].vals);
	}
	free(f->kv);
	f->kv = NULL;
	f->n = 0;
}

static int kv_add_val(struct kv *kv, const char *s, size_t len)
{
	char **n = realloc(kv->vals, sizeof(*n) * (kv->n + 1));
	if (!n)
		return -ENOMEM;
	kv->vals = n;
	kv->vals[kv->n] = strndup(s, len);
	if (!kv->vals[kv->n])
		return -ENOMEM;
	kv->n++;
	return 0;
}

/* One shell word at *p: quoted or bare. Returns its length in out. */
static int shell_word(const char **p, char *out, size_t cap, size_t *olen)
{
	const char *s = *p;
	size_t o = 0;

	while (*s && !isspace((unsigned char)*s) && *s != ')' && *s != '#') {
		char q = 0;
		if (*s == '"' || *s == '\'')
			q = *s++;
		while (*s &&
		        (q ? *s != q
		           : !isspace((unsigned char)*s) && *s != ')' && *s != '"' && *s != '\'')) {
			if (q == '"' && *s == '\\' && s[1])
				s++;
			if (o + 1 >= cap)
				return -ENAMETOOLONG;
			out[o++] = *s++;
		}
		if (q) {
			if (*s != q)
				return -EINVAL;
			s++;
		}
	}
	out[o] = '\0';
	*olen = o;
	*p = s;
	return 0;
}

static int parse_kvfile(const char *text, struct kvfile *f, struct dpn_conf_errors *errs)
{
	const char *p = text;
	int line = 1, ret = 0;
	char word[1024];
	size_t wl;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || *p == '#' || *p == '\r') {
			while (*p && *p != '\n')
				p++;
			if (*p)
				p++, line++;
			continue;
		}
		if (!strncmp(p, "export ", 7))
			p += 7;
		const char *k = p;
		while (isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '.')
			p++;
		if (*p != '=' || p == k || (size_t)(p - k) >= sizeof(f->kv[0].key)) {
			dpn_conf_errorf(errs, "%s:%d: expected KEY=VALUE", f->name, line);
			return -EINVAL;
		}
		struct kv *n = realloc(f->kv, sizeof(*n) * (f->n + 1));
		if (!n)
			return -ENOMEM;
		f->kv = n;
		struct kv *kv = &f->kv[f->n++];
		memset(kv, 0, sizeof(*kv));
		memcpy(kv->key, k, p - k);
		kv->line = line;
		p++;
		if (*p == '(') {
			p++;
			for (;;) {
				while (isspace((unsigned char)*p))
					line += *p++ == '\n';
				if (*p == ')') {
					p++;
					break;
				}
				if (!*p || *p == '#') {
					dpn_conf_errorf(errs, "%s:%d: %s: unterminated array",
					        f->name, kv->line, kv->key);
					return -EINVAL;
				}
				if ((ret = shell_word(&p, word, sizeof(word), &wl)) < 0)
					goto bad;
				if ((ret = kv_add_val(kv, word, wl)) < 0)
					return ret;
			}
		} else {
			if ((ret = shell_word(&p, word, sizeof(word), &wl)) < 0)
				goto bad;
			if ((ret = kv_add_val(kv, word, wl)) < 0)
				return ret;
		}
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (*p == '#')
			while (*p && *p != '\n')
				p++;
		if (*p && *p != '\n') {
			dpn_conf_errorf(errs, "%s:%d: %s: unexpected text after the value", f->name,
			        line, kv->key);
			return -EINVAL;
		}
	}
	return 0;
bad:
	dpn_conf_errorf(errs, "%s:%d: %s", f->name, line,
	        ret == -ENAMETOOLONG ? "value too long" : "unterminated quote");
	return -EINVAL;
}

static int load_kvfile(const char *dir, const char *name, bool required, struct kvfile *f,
        struct dpn_conf_errors *errs)
{
	char path[4096];
	FILE *fp;
	char *text = NULL;
	size_t cap = 0;

	f->name = name;
	if (dpn_snprintf(path, sizeof(path), "%s/%s", dir, name) < 0)
		return -ENAMETOOLONG;
	fp = fopen(path, "re");
	if (!fp) {
		if (!required && errno == ENOENT)
			return 0;
		dpn_conf_errorf(errs, "%s: %s", path, strerror(errno));
		return -errno;
	}
	ssize_t n = getdelim(&text, &cap, '\0', fp);
	fclose(fp);
	if (n < 0) {
		free(text);
		return n == -1 && text ? 0 : -EIO;
	}
	int ret = parse_kvfile(text, f, errs);
	free(text);
	return ret;
}

/* "2048,2048" -> [2048, 2048] */
static json_t *mb_array(
        const char *file, const struct kv *kv, const char *v, struct dpn_conf_errors *errs)
{
	json_t *arr = json_array();
	char *dup = strdup(v), *save = NULL;

	for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *end;
		long mb = strtol(t, &end, 10);
		if (*end || end == t || mb < 0) {
			dpn_conf_errorf(errs,
			        "%s:%d: %s: \"%s\" is not a list of MB per NUMA node "
			        "(e.g. \"1024,1024\")",
			        file, kv->line, kv->key, v);
			json_decref(arr);
			arr = NULL;
			break;
		}
		json_array_append_new(arr, json_integer(mb));
	}
	free(dup);
	return arr;
}

static json_t *mask_to_list(
        const char *file, const struct kv *kv, const char *v, struct dpn_conf_errors *errs)
{
	struct dpn_cpuset s;
	char list[512];

	if (dpn_cpuset_parse_mask(v, &s) < 0 || dpn_cpuset_count(&s) == 0 ||
	        dpn_cpuset_format_list(&s, list, sizeof(list)) < 0) {
		dpn_conf_errorf(errs, "%s:%d: %s: \"%s\" is not a CPU mask (hex, e.g. 0x6)", file,
		        kv->line, kv->key, v);
		return NULL;
	}
	return json_string(list);
}

static int parse_bool(const char *v, bool *b)
{
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1"))
		*b = true;
	else if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0"))
		*b = false;
	else
		return -EINVAL;
	return 0;
}

struct out {
	json_t *root, *ovs, *dpdk, *uplink, *hp;
	struct dpn_conf_errors *errs;
};

static json_t *obj(json_t *parent, const char *key)
{
	json_t *o = json_object_get(parent, key);
	if (!o) {
		o = json_object();
		json_object_set_new(parent, key, o);
	}
	return o;
}

#define BAD(fmt, ...)                                                                              \
	dpn_conf_errorf(o->errs, "%s:%d: %s: " fmt, file, kv->line, kv->key, ##__VA_ARGS__)

static void set_socket_mem(struct out *o, const char *file, const struct kv *kv, const char *v)
{
	json_t *a = mb_array(file, kv, v, o->errs);
	if (!a)
		return;
	json_object_set(obj(o->ovs, "dpdk"), "socket_mem", a);
	/* Reserve what OVS will take, so the imported node boots as before. */
	json_object_set_new(obj(o->root, "hugepages"), "mb_per_numa", a);
}

static void set_bool_key(struct out *o, const char *file, const struct kv *kv, const char *v,
        json_t *dst, const char *key)
{
	bool b;
	if (parse_bool(v, &b) < 0)
		BAD("\"%s\" is not a boolean (true/false)", v);
	else
		json_object_set_new(dst, key, json_boolean(b));
}

/* One handler per ovs-dpdk-config variable; u is the uplink object. */
#define KV_ARGS struct out *o, const char *file, const struct kv *kv, const char *v, json_t *u

static void kv_encap_ip(KV_ARGS)
{
	struct dpn_cidr c;
	if (dpn_cidr_parse(v, false, &c) < 0)
		BAD("\"%s\" is not an IP address with prefix length (e.g. 192.168.1.5/24)", v);
	else
		json_object_set_new(u, "encap_ip", json_string(v));
}

static void kv_dpdk_dev(KV_ARGS)
{
	json_t *ports = json_array();
	(void)o;
	(void)file;
	(void)v;
	for (int i = 0; i < kv->n; i++) {
		json_t *p = json_object();
		json_object_set_new(p, "name", json_sprintf("dpdk%d", i));
		json_object_set_new(p, dpn_pci_addr_valid(kv->vals[i]) ? "pci" : "devargs",
		        json_string(kv->vals[i]));
		json_array_append_new(ports, p);
	}
	json_object_set_new(u, "ports", ports);
}

static void kv_bond_type(KV_ARGS)
{
	static const struct {
		const char *in, *mode, *lacp;
	} map[] = {
	        /* Linux bonding mode numbers Kube-OVN documents, then OVS names. */
	        {"0", "balance-slb", "off"},
	        {"balance-rr", "balance-slb", "off"},
	        {"1", "active-backup", "off"},
	        {"active-backup", "active-backup", "off"},
	        {"4", "balance-tcp", "active"},
	        {"802.3ad", "balance-tcp", "active"},
	        {"balance-slb", "balance-slb", "off"},
	        {"balance-tcp", "balance-tcp", "active"},
	};
	size_t i;
	for (i = 0; i < DPN_ARRAY_SIZE(map); i++)
		if (!strcmp(map[i].in, v))
			break;
	if (i == DPN_ARRAY_SIZE(map)) {
		BAD("\"%s\" is not a bond type (0, 1, 4, active-backup, balance-slb, "
		    "balance-tcp)",
		        v);
		return;
	}
	json_t *b = obj(u, "bond");
	json_object_set_new(b, "mode", json_string(map[i].mode));
	json_object_set_new(b, "lacp", json_string(map[i].lacp));
}

/* A decimal in [min, max] into u[key] (0 omitted when skip_zero). */
static void kv_number(
        KV_ARGS, const char *key, long min, long max, bool skip_zero, const char *what)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (*end || end == v || n < min || n > max)
		BAD("\"%s\" is not %s (%ld-%ld)", v, what, min, max);
	else if (n || !skip_zero)
		json_object_set_new(u, key, json_integer(n));
}

static void kv_vlan(KV_ARGS)
{
	kv_number(o, file, kv, v, u, "vlan", 0, 4094, true, "a VLAN ID");
}

static void kv_mtu(KV_ARGS)
{
	kv_number(o, file, kv, v, u, "mtu", 68, 9710, false, "an MTU");
}

static void kv_bond_name(KV_ARGS)
{
	if (!dpn_ifname_valid(v))
		BAD("\"%s\" is not a port name", v);
	else
		json_object_set_new(obj(u, "bond"), "name", json_string(v));
}

static void kv_hw_offload(KV_ARGS)
{
	(void)u;
	set_bool_key(o, file, kv, v, o->ovs, "hw_offload");
}

static void kv_cpu_mask(KV_ARGS)
{
	json_t *l = mask_to_list(file, kv, v, o->errs);
	(void)u;
	if (l)
		json_object_set_new(obj(o->ovs, "dpdk"), "pmd_cores", l);
}

static void kv_socket_mem(KV_ARGS)
{
	(void)u;
	set_socket_mem(o, file, kv, v);
}

static void kv_vlog(KV_ARGS)
{
	static const char *const lv[][2] = {{"emer", "err"}, {"err", "err"}, {"warn", "warn"},
	        {"info", "info"}, {"dbg", "debug"}, {"debug", "debug"}};
	size_t i;
	(void)u;
	for (i = 0; i < DPN_ARRAY_SIZE(lv); i++)
		if (!strcmp(lv[i][0], v))
			break;
	if (i == DPN_ARRAY_SIZE(lv))
		BAD("\"%s\" is not a log level (emer, err, warn, info, dbg)", v);
	else
		json_object_set_new(o->root, "log_level", json_string(lv[i][1]));
}

static const struct {
	const char *key;
	void (*fn)(KV_ARGS);
} dpdk_config_keys[] = {
        {"ENCAP_IP", kv_encap_ip},
        {"DPDK_DEV", kv_dpdk_dev},
        {"BOND_TYPE", kv_bond_type},
        {"VLAN_TAG", kv_vlan},
        {"VLOG", kv_vlog},
        {"HW_OFFLOAD", kv_hw_offload},
        {"CPU_MASK", kv_cpu_mask},
        {"SOCKET_MEM", kv_socket_mem},
        {"PF_MTU", kv_mtu},
        {"BR_PHY_BOND_NAME", kv_bond_name},
};

/* ovs-dpdk-config: Kube-OVN's shell variables (and Yunsilicon's additions). */
static void import_dpdk_config(struct out *o, const struct kv *kv)
{
	const char *file = "ovs-dpdk-config", *v = kv->n ? kv->vals[0] : "";
	json_t *u = obj(o->root, "uplink");

	if (kv->n != 1 && strcmp(kv->key, "DPDK_DEV")) {
		BAD("expected one value, got %d", kv->n);
		return;
	}
	for (size_t i = 0; i < DPN_ARRAY_SIZE(dpdk_config_keys); i++) {
		if (!strcmp(kv->key, dpdk_config_keys[i].key)) {
			dpdk_config_keys[i].fn(o, file, kv, v, u);
			return;
		}
	}
	dpn_conf_errorf(o->errs,
	        "%s:%d: unknown key %s (known: ENCAP_IP, DPDK_DEV, "
	        "BOND_TYPE, VLAN_TAG, VLOG, HW_OFFLOAD, CPU_MASK, SOCKET_MEM, PF_MTU, "
	        "BR_PHY_BOND_NAME)",
	        file, kv->line, kv->key);
}

/* config.cfg: one Open_vSwitch other_config key=value per line. */
static void import_other_config(struct out *o, const struct kv *kv)
{
	const char *file = "config.cfg", *v = kv->n ? kv->vals[0] : "";
	json_t *d = obj(o->ovs, "dpdk");

	if (kv->n != 1) {
		BAD("expected one value, got %d", kv->n);
		return;
	}
	if (!strcmp(kv->key, "dpdk-init")) {
		if (strcmp(v, "true") && strcmp(v, "try"))
			BAD("\"%s\": dpnode runs OVS with DPDK, dpdk-init must be true", v);
	} else if (!strcmp(kv->key, "dpdk-socket-mem")) {
		set_socket_mem(o, file, kv, v);
	} else if (!strcmp(kv->key, "dpdk-socket-limit")) {
		json_t *a = mb_array(file, kv, v, o->errs);
		if (a)
			json_object_set_new(d, "socket_limit", a);
	} else if (!strcmp(kv->key, "pmd-cpu-mask") || !strcmp(kv->key, "dpdk-lcore-mask")) {
		json_t *l = mask_to_list(file, kv, v, o->errs);
		if (l)
			json_object_set_new(d, kv->key[0] == 'p' ? "pmd_cores" : "lcore", l);
	} else if (!strcmp(kv->key, "dpdk-extra")) {
		json_t *args = json_array();
		char *dup = strdup(v), *save = NULL;
		for (char *t = strtok_r(dup, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
			json_array_append_new(args, json_string(t));
		free(dup);
		json_object_set_new(d, "extra_args", args);
	} else if (!strcmp(kv->key, "vhost-sock-dir")) {
		/* OVS takes it relative to its run dir, Kube-OVN's is /var/run/openvswitch. */
		json_object_set_new(o->ovs, "vhost_sock_dir",
		        v[0] == '/' ? json_string(v) : json_sprintf("/var/run/openvswitch/%s", v));
	} else if (!strcmp(kv->key, "hw-offload")) {
		set_bool_key(o, file, kv, v, o->ovs, "hw_offload");
	} else if (!strcmp(kv->key, "tc-policy")) {
		if (strcmp(v, "none") && strcmp(v, "skip_sw") && strcmp(v, "skip_hw"))
			BAD("\"%s\" is not a tc-policy (none, skip_sw, skip_hw)", v);
		else
			json_object_set_new(o->ovs, "tc_policy", json_string(v));
	} else {
		for (int i = 0; passthrough_keys[i]; i++) {
			if (!strcmp(passthrough_keys[i], kv->key)) {
				json_object_set_new(
				        obj(o->ovs, "other_config"), kv->key, json_string(v));
				return;
			}
		}
		dpn_conf_errorf(
		        o->errs, "%s:%d: unknown other_config key %s", file, kv->line, kv->key);
	}
}

/* One DPDK_DEV with a bond: the NIC bonds in hardware (Kube-OVN's
 * Yunsilicon guide) and hands OVS one device; BR_PHY_BOND_NAME (default
 * bond0) is that port's name, and there is no OVS bond to make. */
static void hardware_bond(json_t *u)
{
	json_t *b = json_object_get(u, "bond");
	const char *name = json_string_value(json_object_get(b, "name"));
	json_object_set_new(json_array_get(json_object_get(u, "ports"), 0), "name",
	        json_string(name ? name : "bond0"));
	json_object_del(u, "bond");
}

json_t *dpn_kubeovn_import(const char *dir, struct dpn_conf_errors *errs)
{
	struct kvfile dc = {0}, cfg = {0};
	int before = errs->n;
	struct out o = {.errs = errs};

	if (load_kvfile(dir, "ovs-dpdk-config", true, &dc, errs) < 0 ||
	        load_kvfile(dir, "config.cfg", false, &cfg, errs) < 0) {
		kvfile_free(&dc);
		kvfile_free(&cfg);
		return NULL;
	}
	o.root = json_object();
	o.ovs = obj(o.root, "ovs");
	/* Kube-OVN's layout: system OVS paths, managed by the node agent. */
	json_object_set_new(o.ovs, "mode", json_string("managed"));
	json_object_set_new(o.ovs, "run_dir", json_string("/var/run/openvswitch"));
	for (int i = 0; i < dc.n; i++)
		import_dpdk_config(&o, &dc.kv[i]);
	for (int i = 0; i < cfg.n; i++)
		import_other_config(&o, &cfg.kv[i]);
	json_t *u = json_object_get(o.root, "uplink");
	if (!u || !json_object_get(u, "ports"))
		dpn_conf_errorf(errs, "ovs-dpdk-config: DPDK_DEV is missing (the uplink device)");
	else if (json_array_size(json_object_get(u, "ports")) > 1 && !json_object_get(u, "bond"))
		json_object_set_new(obj(u, "bond"), "mode", json_string("active-backup"));
	else if (json_array_size(json_object_get(u, "ports")) == 1 && json_object_get(u, "bond"))
		hardware_bond(u);
	if (u && json_object_get(u, "bond") && !json_object_get(json_object_get(u, "bond"), "name"))
		json_object_set_new(json_object_get(u, "bond"), "name", json_string("bond0"));
	json_object_set_new(obj(o.root, "integration"), "bridge", json_string("br-int"));
	if (json_object_size(o.ovs) && json_object_get(o.ovs, "dpdk") &&
	        json_object_size(json_object_get(o.ovs, "dpdk")) == 0)
		json_object_del(o.ovs, "dpdk");
	kvfile_free(&dc);
	kvfile_free(&cfg);
	if (errs->n > before) {
		json_decref(o.root);
		return NULL;
	}
	return o.root;
}
