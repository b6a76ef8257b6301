/* dpnode: a module's record of the ports it made, so a restarted dpnoded
 * adopts them: {"version": 1, "ports": {key: entry}} in one state file. */
#ifndef DPN_STATE_H
#define DPN_STATE_H

#include <jansson.h>
#include <stdbool.h>

#include "dpn_err.h"

/* Sets key to e in ports (NULL removes it) and writes the file (tmp +
 * rename, the last good copy kept as .prev). On failure ports is as before
 * and err names the file: a port is kept only once it is on disk. */
int dpn_state_commit(
        const char *path, json_t *ports, const char *key, json_t *e, struct dpn_err *err);
/* The file's ports (new reference), or from path.prev when path is damaged
 * (*from_prev). -ENOENT: no record yet; -EINVAL: neither copy is readable
 * (err says why: the caller must not take that as "no ports"). */
int dpn_state_load(const char *path, json_t **ports, bool *from_prev, struct dpn_err *err);

#endif
