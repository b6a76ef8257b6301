/* Optional parts of dpnode as loadable objects (dpnode-*.so), mapped only
 * where they are used: gRPC for the device plugin, OpenSSL for ssl: remotes.
 * Each exports one table whose first member is its ABI number. */
#ifndef DPN_PLUGIN_H
#define DPN_PLUGIN_H

#include "dpn_err.h"

/* Loads so (e.g. "dpnode-ssl.so") and finds sym in it: from the build tree
 * (subdir of it) for a binary run from there, else from <libdir>/dpnode
 * beside the installed binaries, else from the configured prefix's. The
 * object stays mapped. 0 with *table, or -ENOENT with err naming the paths
 * tried and the loader's reason (also when the table's ABI is not abi). */
int dpn_plugin_load(const char *subdir, const char *so, const char *sym, unsigned abi,
        const void **table, struct dpn_err *err);

#endif
