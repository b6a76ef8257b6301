/* dpnode: a module's record of the ports it made, so a restarted dpnoded
 * adopts them. Four files: the snapshot PATH ({"version": 1, "generation":
 * G, "ports": {key: entry}}), the one before it PATH.prev, and the journals
 * PATH.log (the changes since the snapshot) and PATH.log.prev (the changes
 * between the two snapshots), one JSON line per change, fsync'd before the
 * change counts. A change costs one small append, not a rewrite of every
 * pod's entry; the journal is folded into a new snapshot at start and every
 * DPN_STATE_COMPACT changes. A damaged snapshot loses nothing: PATH.prev
 * and both journals rebuild it. */
#ifndef DPN_STATE_H
#define DPN_STATE_H

#include <jansson.h>
#include <stdbool.h>

#include "dpn_err.h"

#define DPN_STATE_COMPACT 512

struct dpn_state {
	char path[4096];
	long long gen;     /* the snapshot's generation; journal lines carry it */
	unsigned n_logged; /* lines in PATH.log */
	unsigned compactions;
};

/* What the files hold, without writing anything: *ports (new reference;
 * empty when there is no record), *gen. *damaged when the snapshot was
 * unreadable (PATH.prev used) or a journal has a bad line before its end;
 * err says what, with code 0. -EINVAL when nothing is readable (the caller
 * must not take that as "no ports"). */
int dpn_state_read(const char *path, json_t **ports, long long *gen, unsigned *n_logged,
        bool *damaged, struct dpn_err *err);
/* dpn_state_read, then the journal folded into a new snapshot (so the next
 * start reads one file). */
int dpn_state_open(
        struct dpn_state *s, const char *path, json_t **ports, bool *damaged, struct dpn_err *err);
/* Sets key to e in ports (NULL removes it), durably: 0 once its journal line
 * is on disk. On failure ports is as before and err names the file. */
int dpn_state_commit(
        struct dpn_state *s, json_t *ports, const char *key, json_t *e, struct dpn_err *err);

#endif
