/* hugepages as a dpnoded module: applied once, before OVS needs them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DPN_LOG_MOD "hugepages"
#include "dpn_conf.h"
#include "dpn_hugepages.h"
#include "dpn_log.h"

struct hp_module {
	const struct dpn_hugepages_conf *conf;
	int result; /* of the apply at start */
};

static int hp_init(struct dpn_node *n, void **priv, struct dpn_err *err)
{
	struct hp_module *h = calloc(1, sizeof(*h));
	(void)err;

	if (!h)
		return -ENOMEM;
	h->conf = &dpn_node_conf(n)->hugepages;
	h->result = dpn_hp_apply(h->conf);
	if (h->result < 0 && h->result != -ENOMEM)
		LOG_WARN("hugepages not applied: %s", strerror(-h->result));
	*priv = h;
	return 0;
}

/* The first pool short of what the config asks, in the error. */
static int shortfall(json_t *pools, struct dpn_err *err)
{
	size_t i;
	json_t *p;

	json_array_foreach (pools, i, p) {
		json_int_t want = json_integer_value(json_object_get(p, "requested"));
		json_int_t have = json_integer_value(json_object_get(p, "total"));
		if (want > 0 && have < want)
			return dpn_err_set(err, -ENOMEM,
			        "NUMA node %lld: %lld of %lld %lld kB pages (the kernel gave "
			        "fewer)",
			        json_integer_value(json_object_get(p, "numa")), have, want,
			        json_integer_value(json_object_get(p, "size_kb")));
	}
	return 0;
}

static int hp_status(void *priv, json_t *st, struct dpn_err *err)
{
	struct hp_module *h = priv;
	json_t *pools = dpn_hp_status(h->conf);
	int ret;

	json_object_set_new(st, "hugepages", pools);
	json_object_set_new(st, "hugepages_ok", json_boolean(h->result == 0));
	if (h->result < 0 && h->result != -ENOMEM)
		return dpn_err_set(err, h->result, "not applied: %s", strerror(-h->result));
	if ((ret = shortfall(pools, err)) < 0)
		return ret;
	return h->result;
}

static void hp_fini(void *priv)
{
	free(priv);
}

const struct dpn_module dpn_hugepages_module = {
        .name = "hugepages",
        .init = hp_init,
        .status = hp_status,
        .fini = hp_fini,
};
