/* The doctor's filesystem checks: mount propagation under the directories
 * whose bind mounts must reach OVS and QEMU, and the socket root QEMU
 * (uid/gid 107 in virt-launcher) must traverse. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doctor_priv.h"

#define QEMU_ID 107

/* The mount holding path (longest mount point that prefixes it): its
 * optional fields ("shared:5 master:1") into opt. 0 or -ENOENT. */
static int mount_of(const struct dpn_doctor_env *e, const char *path, char *mp, size_t mlen,
        char *opt, size_t olen)
{
	char p[1024], line[4096];
	size_t best = 0;
	FILE *fp;

	doc_path(e, "/proc/self/mountinfo", p, sizeof(p));
	if (!(fp = fopen(p, "re")))
		return -ENOENT;
	while (fgets(line, sizeof(line), fp)) {
		char point[1024], fields[512] = "";
		int off = 0;
		/* id parent major:minor root mount-point options [optional...] - ... */
		if (sscanf(line, "%*d %*d %*s %*s %1023s %*s %n", point, &off) != 1)
			continue;
		const char *dash = strstr(line + off, " - ");
		if (dash && dash > line + off)
			snprintf(fields, sizeof(fields), "%.*s", (int)(dash - (line + off)),
			        line + off);
		dpn_mountinfo_unescape(point);
		size_t n = strlen(point);
		bool under = !strncmp(path, point, n) && (path[n] == '/' || !path[n] || n == 1);
		if (under && n >= best) {
			best = n;
			snprintf(mp, mlen, "%s", point);
			snprintf(opt, olen, "%s", fields);
		}
	}
	fclose(fp);
	return best ? 0 : -ENOENT;
}

void doc_propagation(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f)
{
	const char *dirs[] = {e->conf->vhost.socket_root, e->conf->ovs.run_dir};
	char saw[700] = "";
	bool bad = false;
	size_t n = 0;

	for (int i = 0; i < 2; i++) {
		char mp[1024], opt[512];
		if (mount_of(e, dirs[i], mp, sizeof(mp), opt, sizeof(opt)) < 0)
			continue;
		bool shared = strstr(opt, "shared:") != NULL;
		n += snprintf(saw + n, n < sizeof(saw) ? sizeof(saw) - n : 0, "%s%s on %s: %s",
		        n ? "; " : "", dirs[i], mp,
		        shared   ? "shared"
		        : opt[0] ? opt
		                 : "private");
		bad |= !shared;
	}
	if (!saw[0])
		doc_set(f, DPN_DOCTOR_SKIP, NULL, "no mount table to read");
	else
		doc_set(f, bad ? DPN_DOCTOR_FAIL : DPN_DOCTOR_PASS,
		        "make it shared: mount --make-rshared (in the DaemonSet: the host path "
		        "with "
		        "mountPropagation: Bidirectional); the per-pod bind mounts dpnoded makes "
		        "there never reach an OVS or QEMU outside this mount namespace otherwise",
		        "%s", saw);
}

/* Can uid/gid 107 traverse dir (search permission)? */
static bool qemu_can_search(const struct stat *sb)
{
	if (sb->st_uid == QEMU_ID)
		return sb->st_mode & S_IXUSR;
	if (sb->st_gid == QEMU_ID)
		return sb->st_mode & S_IXGRP;
	return sb->st_mode & S_IXOTH;
}

void doc_socket_dir(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f)
{
	const struct dpn_vhost_conf *v = &e->conf->vhost;
	char p[1024];
	struct stat sb;

	doc_path(e, v->socket_root, p, sizeof(p));
	if (stat(p, &sb) < 0) {
		doc_set(f, DPN_DOCTOR_PASS, NULL,
		        "%s does not exist yet: dpnoded makes it (0755) with the first port",
		        v->socket_root);
		return;
	}
	bool ok = S_ISDIR(sb.st_mode) && qemu_can_search(&sb) && !(sb.st_mode & S_IWOTH);
	bool group_ok = v->gid == QEMU_ID || (v->mode & 0005) == 0005;
	doc_set(f, ok && group_ok ? DPN_DOCTOR_PASS : DPN_DOCTOR_FAIL,
	        "the socket root must be a directory uid/gid 107 can search, never world-writable; "
	        "vhostuser.group 107 (qemu in virt-launcher) with mode 0770 for the per-pod "
	        "directories",
	        "%s: %s owner %u group %u mode %04o; per-pod directories group %ld mode %04o",
	        v->socket_root, S_ISDIR(sb.st_mode) ? "directory" : "not a directory",
	        (unsigned)sb.st_uid, (unsigned)sb.st_gid, (unsigned)(sb.st_mode & 07777), v->gid,
	        v->mode);
}
