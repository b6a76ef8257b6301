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
/* Row (plain replica row) carries dpnode's owner mark. */
bool dpn_reconcile_owned(json_t *row);

#endif
