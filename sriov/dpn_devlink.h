/* dpnode: devlink over generic netlink (libnl-genl): eswitch mode and ports. */
#ifndef DPN_DEVLINK_H
#define DPN_DEVLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A devlink instance is "bus/dev": "pci/0000:3b:00.0", "netdevsim/netdevsim10". */
enum dpn_eswitch_mode { DPN_ESWITCH_LEGACY = 0, DPN_ESWITCH_SWITCHDEV = 1 };

struct dpn_devlink_port {
	unsigned index;
	int flavour;                  /* DEVLINK_PORT_FLAVOUR_* */
	int controller, pfnum, vfnum; /* -1 when absent */
	char netdev[16];
};

int dpn_devlink_eswitch_get(const char *bus, const char *dev, enum dpn_eswitch_mode *mode);
int dpn_devlink_eswitch_set(const char *bus, const char *dev, enum dpn_eswitch_mode mode);
/* All ports of one instance; *ports is malloc'd. Returns the count or -errno. */
int dpn_devlink_ports(const char *bus, const char *dev, struct dpn_devlink_port **ports);
bool dpn_devlink_port_is_vf(const struct dpn_devlink_port *p);
bool dpn_devlink_port_is_uplink(const struct dpn_devlink_port *p);
const char *dpn_eswitch_mode_name(enum dpn_eswitch_mode m);

/* A VF's rate limits on its e-switch port (switchdev: the legacy
 * IFLA_VF_RATE is refused there), in bits per second; 0 = none. -ENODEV
 * when the instance has no port for that VF. */
int dpn_devlink_vf_rate_set(
        const char *bus, const char *dev, int vf, uint64_t tx_share_bps, uint64_t tx_max_bps);

/* Parameter types as devlink sends them (netlink attribute types). */
enum {
	DPN_DEVLINK_PARAM_U8 = 1,
	DPN_DEVLINK_PARAM_U16 = 2,
	DPN_DEVLINK_PARAM_U32 = 3,
	DPN_DEVLINK_PARAM_STRING = 5,
	DPN_DEVLINK_PARAM_BOOL = 6,
};
/* "runtime", "driverinit", "permanent" -> DEVLINK_PARAM_CMODE_*, or -1. */
int dpn_devlink_cmode_parse(const char *s);
/* The value (as text: numbers, "true"/"false", strings) in one cmode. */
int dpn_devlink_param_get(const char *bus, const char *dev, const char *name, int cmode, int *type,
        char *value, size_t len);
int dpn_devlink_param_set(
        const char *bus, const char *dev, const char *name, int cmode, int type, const char *value);

#endif
