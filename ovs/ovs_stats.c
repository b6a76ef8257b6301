/* Interface counters, read on demand instead of monitored: vswitchd rewrites
 * every Interface's statistics map (some 30 keys) every 5 s, which in the
 * replica was most of dpnoded's memory and of its update traffic on a node
 * with many ports. A read of them (status, a metrics refresh) sends a select
 * of name+statistics when they are older than 1 s and is answered from what
 * the last one brought; only the counters dpnode shows are kept. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ovs_priv.h"
#include "ovs_schema.h"

#define STATS_MIN_AGE_MS 1000 /* a read refreshes them at most this often */

const char *const dpn_ovs_counter_names[DPN_OVS_N_COUNTERS] = {"rx_packets", "tx_packets",
        "rx_bytes", "tx_bytes", "rx_dropped", "tx_dropped", "rx_errors", "tx_errors",
        "ovs_tx_retries"};

struct ovs_ifstats {
	char *name;
	struct dpn_ovs_counters c;
};

struct ovs_stats {
	struct dpn_ovs *o;
	struct ovs_ifstats *v; /* sorted by name */
	size_t n;
	uint64_t at_ms, sent_ms;
	bool inflight;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct ovs_ifstats *)a)->name, ((const struct ovs_ifstats *)b)->name);
}

static void stats_clear(struct ovs_stats *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].name);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* ["map", [[key, int], ...]] -> the counters dpnode shows */
static void parse_map(json_t *map, struct dpn_ovs_counters *c)
{
	json_t *pair;
	size_t i;

	memset(c, 0, sizeof(*c));
	json_array_foreach (json_array_get(map, 1), i, pair) {
		const char *k = json_string_value(json_array_get(pair, 0));
		json_t *v = json_array_get(pair, 1);
		for (int j = 0; k && json_is_integer(v) && j < DPN_OVS_N_COUNTERS; j++)
			if (!strcmp(k, dpn_ovs_counter_names[j])) {
				c->v[j] = json_integer_value(v);
				c->has |= 1u << j;
				break;
			}
	}
}

/* result: [{"rows": [{"name": .., "statistics": ..}, ...]}] */
static int stats_load(struct ovs_stats *s, json_t *result)
{
	json_t *rows = json_object_get(json_array_get(result, 0), "rows"), *row;
	size_t n = json_array_size(rows), i, k = 0;
	struct ovs_ifstats *v = calloc(n ? n : 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	json_array_foreach (rows, i, row) {
		const char *name = json_string_value(json_object_get(row, OVS_C_NAME));
		if (!name || !(v[k].name = strdup(name)))
			continue;
		parse_map(json_object_get(row, OVS_C_STATISTICS), &v[k++].c);
	}
	qsort(v, k, sizeof(*v), by_name);
	stats_clear(s);
	s->v = v;
	s->n = k;
	return 0;
}

static void stats_done(void *arg, json_t *result, const struct dpn_err *err)
{
	struct ovs_stats *s = arg;

	s->inflight = false;
	if (!result) {
		LOG_DEBUG("Interface statistics: %s", err ? err->msg : "no reply");
		return;
	}
	if (stats_load(s, result) == 0)
		s->at_ms = dpn_now_ms();
}

static void stats_send(struct ovs_stats *s)
{
	json_t *ops;

	if (s->inflight || !dpn_ovsdb_is_connected(s->o->db))
		return;
	ops = json_pack("[{s:s, s:s, s:[], s:[s, s]}]", "op", "select", "table", OVS_T_INTERFACE,
	        "where", "columns", OVS_C_NAME, OVS_C_STATISTICS);
	if (ops && dpn_ovsdb_transact(s->o->db, ops, stats_done, s) == 0) {
		s->inflight = true;
		s->sent_ms = dpn_now_ms();
	}
}

void dpn_ovs_counters_want(struct dpn_ovs *o)
{
	struct ovs_stats *s = o ? o->stats : NULL; /* no o: a node without OVS */

	/* a reply always follows its select: the last select bounds the age */
	if (s && dpn_now_ms() - s->sent_ms >= STATS_MIN_AGE_MS)
		stats_send(s);
}

const struct dpn_ovs_counters *ovs_stats_get(struct dpn_ovs *o, const char *iface)
{
	struct ovs_stats *s = o->stats;
	struct ovs_ifstats key = {.name = (char *)iface}, *f;

	if (!s || !s->n)
		return NULL;
	f = bsearch(&key, s->v, s->n, sizeof(*s->v), by_name);
	return f ? &f->c : NULL;
}

uint64_t ovs_stats_age_ms(struct dpn_ovs *o)
{
	struct ovs_stats *s = o->stats;
	return s && s->at_ms ? dpn_now_ms() - s->at_ms : 0;
}

int ovs_stats_init(struct dpn_ovs *o)
{
	struct ovs_stats *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->o = o;
	o->stats = s;
	return 0;
}

/* After dpn_ovsdb_free (which ends a select in flight). */
void ovs_stats_fini(struct dpn_ovs *o)
{
	struct ovs_stats *s = o->stats;

	if (!s)
		return;
	stats_clear(s);
	free(s);
	o->stats = NULL;
}
