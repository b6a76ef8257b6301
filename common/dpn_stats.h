/* dpnode: request counters and latency histograms that modules keep and
 * show in status; the metrics module exports them (Prometheus histogram
 * semantics: cumulative buckets, upper bounds in seconds). */
#ifndef DPN_STATS_H
#define DPN_STATS_H

#include <jansson.h>
#include <stdint.h>

#include "dpn_err.h"

#define DPN_HIST_BUCKETS 10

struct dpn_hist {
	uint64_t count;
	double sum_s;
	uint64_t le[DPN_HIST_BUCKETS]; /* observations <= dpn_hist_bounds[i] */
};

extern const double dpn_hist_bounds[DPN_HIST_BUCKETS];

void dpn_hist_observe(struct dpn_hist *h, double seconds);
/* {"count": N, "sum_s": S, "buckets": [[bound, cumulative count]...]} */
json_t *dpn_hist_json(const struct dpn_hist *h);

/* One API method's outcomes. */
struct dpn_req_stats {
	uint64_t ok, failed, again; /* again: -EAGAIN, the caller retries */
	struct dpn_hist seconds;
};

void dpn_req_stats_add(struct dpn_req_stats *s, int ret, uint64_t start_us);
/* An API method's call, its outcome and time counted in s. */
int dpn_req_stats_call(struct dpn_req_stats *s,
        int (*fn)(void *ctx, json_t *params, json_t **res, struct dpn_err *err), void *ctx,
        json_t *params, json_t **res, struct dpn_err *err);
/* {"ok", "failed", "again", "seconds": dpn_hist_json} */
json_t *dpn_req_stats_json(const struct dpn_req_stats *s);

#endif
