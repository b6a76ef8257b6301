/* dpnode: desired state vs the OVSDB replica -> one transaction. */
#ifndef DPN_RECONCILE_H
#define DPN_RECONCILE_H

#include <jansson.h>
#include <stdbool.h>

#include "dpn_err.h"

/* Returns the ops (new ref; an empty array when nothing differs), or NULL
 * with err set when desired state cannot be reached without touching what
 * dpnode does not own. */
json_t *dpn_reconcile_ops(json_t *desired, json_t *replica, struct dpn_err *err);
/* What a caller that reconciles again and again keeps between passes, so a
 * burst of N port adds costs O(changes) per pass, not O(N). */
struct dpn_reconcile_cache {
	/* port name -> true: found equal to the replica and not changed since
	 * (the caller removes a name when its desired spec or its rows change);
	 * the pass skips them and adds the ports it finds equal. NULL: diff all */
	json_t *clean;
	/* the replica's Port table by name ({name: uuid}, borrowed), kept
	 * current by the caller; NULL: built for the pass */
	json_t *port_names;
	/* no port can have become stale since the last pass (none left the
	 * desired state, no Port row came that is not desired): the bridges'
	 * ports are not scanned for owned ones to delete */
	bool no_stale;
};
json_t *dpn_reconcile_ops_cached(
        json_t *desired, json_t *replica, struct dpn_reconcile_cache *c, struct dpn_err *err);
/* Row (plain replica row) carries dpnode's owner mark. */
bool dpn_reconcile_owned(json_t *row);

#endif
