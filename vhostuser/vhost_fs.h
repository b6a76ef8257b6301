/* vhostuser internal: socket directories and the bind mount of the pod's
 * emptyDir onto them. */
#ifndef DPN_VHOST_FS_H
#define DPN_VHOST_FS_H

#include <stdbool.h>

#include "dpn_vhost.h"

/* Creates <root>/<uid>/<volume> with the configured owner and mode, and binds
 * the pod's emptyDir onto it when kubelet has made one. *mounted tells. */
int dpn_vhost_fs_ensure(const struct dpn_vhost_conf *c, const struct dpn_vhost_req *r,
        const char *dir, bool *mounted);
/* Undoes ensure for the last port using dir: unmount, remove the directory
 * (KubeVirt: only when empty) and the pod's directory when empty. For a pod,
 * the stale socket goes first. */
int dpn_vhost_fs_release(const struct dpn_vhost_conf *c, const struct dpn_vhost_req *r,
        const char *dir, const char *sock, bool last_user);
bool dpn_vhost_fs_is_mountpoint(const char *dir);
/* At start: every <socket_root>/<uid>/<volume> that used() says no recorded
 * port has (a dpnoded killed between making a port's directory and recording
 * the port leaves one) is unmounted and removed with any socket in it.
 * Returns how many were removed. */
int dpn_vhost_fs_sweep(
        const struct dpn_vhost_conf *c, bool (*used)(const char *dir, void *arg), void *arg);

#endif
