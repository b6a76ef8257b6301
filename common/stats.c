#include <errno.h>

#include "dpn_stats.h"
#include "dpn_util.h"

/* From a cached answer (ms) to a lookup waiting on OVN (seconds). */
const double dpn_hist_bounds[DPN_HIST_BUCKETS] = {
        0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

void dpn_hist_observe(struct dpn_hist *h, double seconds)
{
	h->count++;
	h->sum_s += seconds;
	for (int i = 0; i < DPN_HIST_BUCKETS; i++)
		if (seconds <= dpn_hist_bounds[i])
			h->le[i]++;
}

json_t *dpn_hist_json(const struct dpn_hist *h)
{
	json_t *b = json_array();
	for (int i = 0; i < DPN_HIST_BUCKETS; i++)
		json_array_append_new(
		        b, json_pack("[f, I]", dpn_hist_bounds[i], (json_int_t)h->le[i]));
	return json_pack(
	        "{s:I, s:f, s:o}", "count", (json_int_t)h->count, "sum_s", h->sum_s, "buckets", b);
}

void dpn_req_stats_add(struct dpn_req_stats *s, int ret, uint64_t start_us)
{
	if (ret == -EAGAIN)
		s->again++;
	else if (ret < 0)
		s->failed++;
	else
		s->ok++;
	dpn_hist_observe(&s->seconds, (double)(dpn_now_us() - start_us) / 1e6);
}

json_t *dpn_req_stats_json(const struct dpn_req_stats *s)
{
	return json_pack("{s:I, s:I, s:I, s:o}", "ok", (json_int_t)s->ok, "failed",
	        (json_int_t)s->failed, "again", (json_int_t)s->again, "seconds",
	        dpn_hist_json(&s->seconds));
}

int dpn_req_stats_call(struct dpn_req_stats *s,
        int (*fn)(void *ctx, json_t *params, json_t **res, struct dpn_err *err), void *ctx,
        json_t *params, json_t **res, struct dpn_err *err)
{
	uint64_t t0 = dpn_now_us();
	int ret = fn(ctx, params, res, err);
	dpn_req_stats_add(s, ret, t0);
	return ret;
}
