/* dpnode: rtnetlink helpers (libnl-route) for host-side interfaces. */
#ifndef DPN_NL_H
#define DPN_NL_H

#include <stdbool.h>

#include "dpn_util.h"

/* Makes ifname up with address c. *changed tells whether anything was done.
 * -ENODEV when the interface does not exist (yet). */
int dpn_nl_ensure_addr(const char *ifname, const struct dpn_cidr *c, bool *changed);

#endif
