/* dpnode: OVSDB client (RFC 7047 JSON-RPC over a unix socket): OVS's
 * database (monitor) and OVN's Southbound (monitor_cond). */
#ifndef DPN_OVSDB_H
#define DPN_OVSDB_H

#include <event2/event.h>
#include <jansson.h>

#include "dpn_err.h"
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct dpn_ovsdb;

struct dpn_ovsdb_ops {
	/* The monitor's initial contents arrived: the replica is complete. */
	void (*connected)(void *arg);
	void (*disconnected)(void *arg);
	/* The replica changed (monitor update). */
	void (*changed)(void *arg);
	/* A monitor update ({table: {uuid: row-update}}) about to be applied:
	 * the replica still has the rows as they were. Called again with NULL
	 * when it turned out malformed and was not applied: what the caller
	 * derived from it must be rebuilt. Optional. */
	void (*updating)(void *arg, json_t *updates);
};

/* Called once per transaction: result is the ops' result array, or NULL with
 * error set ("disconnected", or the first failing op's error and details). */
/* result on success (borrowed), else NULL with err (borrowed). */
typedef void (*dpn_ovsdb_txn_cb)(void *arg, json_t *result, const struct dpn_err *err);

/* What is monitored of a table: its columns; set_columns, those of set
 * type (monitor_cond sends their changes as the elements toggled). */
struct dpn_ovsdb_monitor_table {
	const char *table;
	const char *const *columns;
	const char *const *set_columns;
};

/* Monitors the listed columns of each table of database db ({NULL}
 * terminated): a replica of what the caller reads, not the whole database
 * (OVS's Interface status and statistics maps are most of it on a node with
 * many ports). */
struct dpn_ovsdb *dpn_ovsdb_new(struct event_base *base, const char *sock_path, const char *db,
        const struct dpn_ovsdb_monitor_table *tables, const struct dpn_ovsdb_ops *ops, void *arg);
void dpn_ovsdb_free(struct dpn_ovsdb *c);
/* ssl: remotes: the node's private key and certificate (PEM) and the CA
 * certificate the server's must chain to. 0, or -EINVAL with err naming the
 * file and OpenSSL's reason. Takes effect at the next connection. */
int dpn_ovsdb_use_ssl(struct dpn_ovsdb *c, const char *private_key, const char *certificate,
        const char *ca_cert, struct dpn_err *err);
bool dpn_ovsdb_is_connected(const struct dpn_ovsdb *c);
/* Why the client is not connected (refused, unreachable, wrong database), or
 * NULL. */
const char *dpn_ovsdb_last_error(const struct dpn_ovsdb *c);
/* Bytes received and sent since the client was made (what it costs a server). */
void dpn_ovsdb_bytes(const struct dpn_ovsdb *c, uint64_t *rx, uint64_t *tx);
/* Conditional monitors: reconnects the server resumed from the last
 * transaction seen (monitor_cond_since, a clustered database keeps the
 * history) instead of sending every row again. */
unsigned dpn_ovsdb_resumed(const struct dpn_ovsdb *c);
/* ops is stolen. Returns 0, or -ENOTCONN. */
int dpn_ovsdb_transact(struct dpn_ovsdb *c, json_t *ops, dpn_ovsdb_txn_cb cb, void *arg);
/* The whole replica: {table: {uuid: row}}; borrowed, valid until the next
 * event. A monitor (v1) row is kept compact: a map column as an object of
 * plain values, an empty set column absent; the datum helpers below read
 * it as they read the wire form. */
json_t *dpn_ovsdb_replica(const struct dpn_ovsdb *c);
json_t *dpn_ovsdb_table(const struct dpn_ovsdb *c, const char *table);
json_t *dpn_ovsdb_row(const struct dpn_ovsdb *c, const char *table, const char *uuid);
/* First row of a table whose "name" column equals name; *uuid set when found. */
json_t *dpn_ovsdb_find(
        const struct dpn_ovsdb *c, const char *table, const char *name, const char **uuid);

/* Conditional monitoring: only rows matching a condition, only the listed
 * columns, changes as diffs ("update2"). tables: {NULL}-terminated; every table starts with the
 * condition [false] (no rows) until dpn_ovsdb_set_where. */
struct dpn_ovsdb *dpn_ovsdb_new_cond(struct event_base *base, const char *sock_path, const char *db,
        const struct dpn_ovsdb_monitor_table *tables, const struct dpn_ovsdb_ops *ops, void *arg);
/* Replaces a table's condition (an array of conditions, any of which
 * selects a row; stolen). Sent now when connected (monitor_cond_change,
 * done called with its outcome; the matching rows arrive before it) and with
 * every later monitor_cond. 0 (done not called when not connected), -ENOENT
 * for a table not monitored. */
int dpn_ovsdb_set_where(
        struct dpn_ovsdb *c, const char *table, json_t *where, dpn_ovsdb_txn_cb done, void *arg);

/* Pure helpers (unit tested). */
struct sockaddr_storage;
/* The n-th member of a remote list ("/path", "unix:/path", "tcp:IP:PORT",
 * "tcp:[IPv6]:PORT", comma-separated): 0, -ENOENT past the end, -EINVAL. */
int dpn_ovsdb_remote_addr(const char *list, int n, struct sockaddr_storage *ss, socklen_t *len);
bool dpn_ovsdb_remote_ssl(const char *list, int n);
json_t *dpn_ovsdb_monitor_cond_req(const char *db, const struct dpn_ovsdb_monitor_table *tables,
        json_t *const *where, json_int_t id);
#define DPN_OVSDB_ZERO_UUID "00000000-0000-0000-0000-000000000000"
/* monitor_cond_since: the same, resuming after last_txn (NULL/"": from scratch). */
json_t *dpn_ovsdb_monitor_cond_since_req(const char *db,
        const struct dpn_ovsdb_monitor_table *tables, json_t *const *where, const char *last_txn,
        json_int_t id);
json_t *dpn_ovsdb_cond_change_req(
        const char *table, json_t *where, json_int_t monitor_id, json_int_t id);
/* Applies "update2" table-updates ("initial", "insert", "modify", "delete");
 * checked whole before anything is applied. -EPROTO when malformed. */
int dpn_ovsdb_apply_update2(
        json_t *replica, json_t *updates, const struct dpn_ovsdb_monitor_table *tables);
json_t *dpn_ovsdb_req(const char *method, json_t *params, json_int_t id);
json_t *dpn_ovsdb_monitor_req(
        const char *db, const struct dpn_ovsdb_monitor_table *tables, json_int_t id);
/* replica[table], made empty when absent (borrowed). */
json_t *dpn_ovsdb_replica_table(json_t *replica, const char *table);
/* Applies a monitor "update" (table-updates) to replica, rows compact. */
int dpn_ovsdb_apply_update(json_t *replica, json_t *updates);
/* 0 when a transact reply succeeded; else -EPROTO (rejected whole) or -EIO
 * (an operation failed) with err quoting the first error. */
int dpn_ovsdb_txn_error(json_t *reply, struct dpn_err *err);

/* Datum helpers: OVSDB's ["set",…], ["map",…], ["uuid",…] encodings. */
/* Datum -> plain JSON: empty set -> null, one-element set -> the atom,
 * map -> object, uuid -> its string; a compact map (an object) as it is,
 * an absent column (NULL) null. New reference. */
json_t *dpn_ovsdb_plain(json_t *datum);
/* Plain JSON -> datum: null -> empty set, object -> map. New reference. */
json_t *dpn_ovsdb_datum(json_t *plain);
const char *dpn_ovsdb_map_get(json_t *datum, const char *key);
bool dpn_ovsdb_set_has_uuid(json_t *datum, const char *uuid);
/* Calls fn for each uuid in a set-of-uuid datum (one bare ["uuid",x] too). */
void dpn_ovsdb_uuids(json_t *datum, void (*fn)(const char *uuid, void *arg), void *arg);
json_t *dpn_ovsdb_uuid(const char *uuid);
json_t *dpn_ovsdb_named(const char *name);
/* [["_uuid","==",["uuid",u]]] */
json_t *dpn_ovsdb_where_uuid(const char *uuid);

#endif
