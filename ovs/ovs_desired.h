/* dpnode: desired OVSDB state, built from config and from modules' typed
 * port specs (dpn_ovs_port_set).
 *
 * Shape (plain JSON; values as in dpn_ovsdb_plain, null = empty/absent):
 * {"ovs": {"other_config": {k: v|null}, "external_ids": {k: v|null}},
 *  "bridges": {NAME: {"cols": {...},
 *                     "ports": {NAME: {"cols": {...},
 *                                      "ifaces": {NAME: {"cols": {...}}}}}}}}
 * Open_vSwitch maps and every external_ids are managed key by key (others'
 * keys stay); other columns are set whole.
 * A module's port (dpn_desired_port) is kept packed, [owner, its spec as
 * compact JSON text]: a node's thousand pods' specs in 0.7 MB, not 4.3 MB
 * of objects; its one interface has the port's name. Read port entries
 * through dpn_desired_port_spec/_owner. */
#ifndef DPN_DESIRED_H
#define DPN_DESIRED_H

#include <jansson.h>

#include "dpn_conf.h"
#include "dpn_ovs.h"

#define DPN_OWNER_KEY "dpnode-owner"
#define DPN_OWNER_VAL "dpnoded"
/* Open_vSwitch external_ids key listing the free-form other_config keys set
 * from ovs.other_config (comma-separated). */
#define DPN_PASSTHROUGH_KEY "dpnode-other-config"

json_t *dpn_desired_from_conf(const struct dpn_conf *c);
/* other_config keys ovs-vswitchd reads only when it starts ({NULL} ended). */
const char *const *dpn_desired_startup_keys(void);
/* The packed desired-state entry of a typed port spec (new reference, NULL
 * without memory; "owner" is kept beside "cols" and "ifaces" and never
 * written to OVS). */
json_t *dpn_desired_port(const struct dpn_ovs_port_spec *s);
/* A port entry's spec, {"owner", "cols", "ifaces"} (new reference; NULL
 * for an entry that is neither form). */
json_t *dpn_desired_port_spec(json_t *entry);
/* A port entry's owner; NULL for the node config's ports. Borrowed. */
const char *dpn_desired_port_owner(json_t *entry);
/* Whether a port entry is a packed one (its interface is named as it is). */
bool dpn_desired_port_packed(json_t *entry);
/* Adds or replaces one port (with its "cols" and "ifaces") on a bridge. */
int dpn_desired_set_port(json_t *desired, const char *bridge, const char *port, json_t *spec);
int dpn_desired_del_port(json_t *desired, const char *bridge, const char *port);
/* Keys of Open_vSwitch other_config that ovs-vswitchd reads only at start. */
bool dpn_desired_is_startup_key(const char *key);

#endif
