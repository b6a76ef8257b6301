/* dpnode: desired OVSDB state, built from config and from modules' typed
 * port specs (dpn_ovs_port_set).
 *
 * Shape (plain JSON; values as in dpn_ovsdb_plain, null = empty/absent):
 * {"ovs": {"other_config": {k: v|null}, "external_ids": {k: v|null}},
 *  "bridges": {NAME: {"cols": {...},
 *                     "ports": {NAME: {"cols": {...},
 *                                      "ifaces": {NAME: {"cols": {...}}}}}}}}
 * Open_vSwitch maps and every external_ids are managed key by key (others'
 * keys stay); other columns are set whole. */
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
/* The desired-state object of a typed port spec (new reference; "owner"
 * is kept beside "cols" and "ifaces" and never written to OVS). */
json_t *dpn_desired_port(const struct dpn_ovs_port_spec *s);
/* Adds or replaces one port (with its "cols" and "ifaces") on a bridge. */
int dpn_desired_set_port(json_t *desired, const char *bridge, const char *port, json_t *spec);
int dpn_desired_del_port(json_t *desired, const char *bridge, const char *port);
/* Keys of Open_vSwitch other_config that ovs-vswitchd reads only at start. */
bool dpn_desired_is_startup_key(const char *key);

#endif
