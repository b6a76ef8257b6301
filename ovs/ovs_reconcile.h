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
/* The same, skipping the ports named in clean (found equal to the replica
 * before and not changed since: the caller removes a name when its desired
 * spec or its rows change) and adding the ports it finds equal. A burst of N
 * port adds then costs O(changes) per reconcile, not O(N). */
json_t *dpn_reconcile_ops_clean(
        json_t *desired, json_t *replica, json_t *clean, struct dpn_err *err);
/* Row (plain replica row) carries dpnode's owner mark. */
bool dpn_reconcile_owned(json_t *row);

#endif
