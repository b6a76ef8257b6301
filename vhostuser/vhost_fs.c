#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define DPN_LOG_MOD "vhost"
#include "dpn_log.h"
#include "vhost_fs.h"

static bool in_mountinfo(const char *dir)
{
	char line[4096], mp[4096];
	bool found = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return false;
	/* field 5 is the mount point, with space, tab, newline and backslash
	 * octal-escaped: a pod's path with a space must still be found */
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
			continue;
		dpn_mountinfo_unescape(mp);
		found = !strcmp(mp, dir);
	}
	fclose(f);
	return found;
}

bool dpn_vhost_fs_is_mountpoint(const char *dir)
{
	struct statx stx;

	/* one system call: the kernel says whether dir is the root of a mount
	 * (5.8 and later). mountinfo, read and parsed whole, grows by a line
	 * per pod's bind mount: it was a quarter of dpnoded's CPU in a burst. */
	if (statx(AT_FDCWD, dir, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, 0, &stx) < 0)
		return false;
	if (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
		return stx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
	return in_mountinfo(dir);
}

static int set_owner(const struct dpn_vhost_conf *c, const char *dir)
{
	if (chown(dir, c->uid, c->gid) < 0 || chmod(dir, c->mode) < 0) {
		LOG_ERR("%s: setting owner %ld:%ld mode %04o: %s", dir, c->uid, c->gid, c->mode,
		        strerror(errno));
		return -errno;
	}
	return 0;
}

int dpn_vhost_fs_ensure(const struct dpn_vhost_conf *c, const struct dpn_vhost_req *r,
        const char *dir, bool *mounted)
{
	char poddir[DPN_PATH_MAX + 80], src[DPN_PATH_MAX * 2];
	struct stat st;
	int ret;

	*mounted = false;
	if (dpn_snprintf(poddir, sizeof(poddir), "%s/%s", c->socket_root, r->pod_uid) < 0)
		return -ENAMETOOLONG;
	if ((ret = dpn_mkdir_p(poddir, 0755)) < 0 || (mkdir(dir, c->mode) < 0 && errno != EEXIST)) {
		ret = ret ? ret : -errno;
		LOG_ERR("%s: cannot create: %s", dir, strerror(-ret));
		return ret;
	}
	/* Only a real directory (not a symlink a pod could plant) is used. */
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		LOG_ERR("%s: exists and is not a directory", dir);
		return -ENOTDIR;
	}
	if (dpn_snprintf(src, sizeof(src), "%s/pods/%s/volumes/kubernetes.io~empty-dir/%s",
	            c->kubelet_dir, r->pod_uid, r->volume) < 0)
		return -ENAMETOOLONG;
	if (dpn_vhost_fs_is_mountpoint(dir)) {
		*mounted = true;
	} else if (lstat(src, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (mount(src, dir, NULL, MS_BIND, NULL) < 0) {
			LOG_ERR("bind mount %s on %s: %s", src, dir, strerror(errno));
			return -errno;
		}
		*mounted = true;
		LOG_INFO("bound %s on %s", src, dir);
	}
	return set_owner(c, dir);
}

int dpn_vhost_fs_release(const struct dpn_vhost_conf *c, const struct dpn_vhost_req *r,
        const char *dir, const char *sock, bool last_user)
{
	char poddir[DPN_PATH_MAX + 80];
	struct stat st;

	/* A pod's app left its socket behind: it is dead now. QEMU's sockets in
	 * a KubeVirt volume belong to virt-launcher. */
	if (r->consumption == DPN_VHOST_POD && lstat(sock, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(sock);
	if (!last_user)
		return 0;
	if (dpn_vhost_fs_is_mountpoint(dir) && umount2(dir, MNT_DETACH) < 0) {
		LOG_ERR("unmount %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (rmdir(dir) < 0 && errno != ENOENT) {
		if (errno == ENOTEMPTY)
			LOG_INFO("%s not empty: left in place", dir);
		else
			LOG_WARN("rmdir %s: %s", dir, strerror(errno));
	}
	if (dpn_snprintf(poddir, sizeof(poddir), "%s/%s", c->socket_root, r->pod_uid) < 0)
		return -ENAMETOOLONG;
	rmdir(poddir); /* only when the pod has no other volume here */
	return 0;
}

/* One orphan <root>/<uid>/<volume>: unmounted, its sockets and itself gone. */
static int sweep_dir(const char *dir)
{
	struct dirent *d;
	DIR *dh;

	if (dpn_vhost_fs_is_mountpoint(dir) && umount2(dir, MNT_DETACH) < 0)
		return -errno;
	if ((dh = opendir(dir))) {
		while ((d = readdir(dh))) {
			char path[DPN_PATH_MAX + 400];
			struct stat st;
			if (dpn_snprintf(path, sizeof(path), "%s/%s", dir, d->d_name) >= 0 &&
			        lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
				unlink(path); /* a dead app's socket */
		}
		closedir(dh);
	}
	if (rmdir(dir) < 0) {
		LOG_WARN("%s is no port's but not empty: left in place", dir);
		return -errno;
	}
	return 0;
}

int dpn_vhost_fs_sweep(
        const struct dpn_vhost_conf *c, bool (*used)(const char *dir, void *arg), void *arg)
{
	struct dirent *u, *vol;
	DIR *root = opendir(c->socket_root), *pod;
	int n = 0;

	if (!root)
		return 0;
	while ((u = readdir(root))) {
		char poddir[DPN_PATH_MAX + 80];
		if (u->d_name[0] == '.' ||
		        dpn_snprintf(poddir, sizeof(poddir), "%s/%s", c->socket_root, u->d_name) <
		                0 ||
		        !(pod = opendir(poddir)))
			continue;
		while ((vol = readdir(pod))) {
			char dir[DPN_PATH_MAX + 160];
			if (vol->d_name[0] == '.' ||
			        dpn_snprintf(dir, sizeof(dir), "%s/%s", poddir, vol->d_name) < 0 ||
			        used(dir, arg))
				continue;
			if (sweep_dir(dir) == 0) {
				LOG_INFO("removed %s: no recorded port uses it (a port half-made "
				         "when dpnoded stopped)",
				        dir);
				n++;
			}
		}
		closedir(pod);
		rmdir(poddir); /* only when nothing is left in it */
	}
	closedir(root);
	return n;
}
