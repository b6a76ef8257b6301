#include <dlfcn.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dpn_plugin.h"

#define MAX_PATHS 3

static int candidates(const char *subdir, const char *so, char paths[][PATH_MAX + 64])
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t root = strlen(DPN_BUILD_ROOT);
	int k = 0;

	if (n > 0) {
		exe[n] = '\0';
		/* a binary of this build tree takes the tree's, never an installed one */
		if (!strncmp(exe, DPN_BUILD_ROOT, root) && exe[root] == '/') {
			snprintf(paths[k++], sizeof(paths[0]), "%s/%s/%s", DPN_BUILD_ROOT, subdir,
			        so);
			return k;
		}
		snprintf(
		        paths[k++], sizeof(paths[0]), "%s/%s/%s", dirname(exe), DPN_PLUGIN_REL, so);
	}
	snprintf(paths[k++], sizeof(paths[0]), "%s/%s", DPN_PLUGIN_DIR, so);
	return k;
}

int dpn_plugin_load(const char *subdir, const char *so, const char *sym, unsigned abi,
        const void **table, struct dpn_err *err)
{
	char paths[MAX_PATHS][PATH_MAX + 64], why[1024] = "not found";
	int n = candidates(subdir, so, paths);

	for (int i = 0; i < n; i++) {
		if (access(paths[i], F_OK) < 0) {
			snprintf(why, sizeof(why), "%.400s: not found", paths[i]);
			continue;
		}
		void *h = dlopen(paths[i], RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
		const unsigned *t = h ? dlsym(h, sym) : NULL;
		if (t && *t == abi) {
			*table = t;
			return 0;
		}
		snprintf(why, sizeof(why), "%.400s: %.500s", paths[i],
		        !h  ? dlerror()
		        : t ? "built for another dpnode"
		            : "not a dpnode module");
		if (h)
			dlclose(h);
	}
	return dpn_err_set(err, -ENOENT, "cannot load %s (%s)", so, why);
}
