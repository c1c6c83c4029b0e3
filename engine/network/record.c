/* The networks table and its endpoints: every SQL statement about networks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/network/internal.h"

#define NETWORK_COLUMNS                                                                            \
	"id, name, driver, created, subnet, gateway, ip_range, aux, internal, bridge, labels, options, " \
	"subnet6, gateway6, subnet_given"

void network_free(struct network *n)
{
	json_decref(n->aux);
	json_decref(n->labels);
	json_decref(n->options);
	n->aux = n->labels = n->options = NULL;
}

void network_free_all(struct network *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		network_free(&list[i]);
	free(list);
}

static json_t *json_column(sqlite3_stmt *stmt, int col)
{
	json_t *v = json_loads(store_text(stmt, col), 0, NULL);

	return json_is_object(v) ? v : (json_decref(v), json_object());
}

static void read_row(sqlite3_stmt *stmt, struct network *n)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->id, sizeof(n->id), "%s", store_text(stmt, 0));
	snprintf(n->name, sizeof(n->name), "%s", store_text(stmt, 1));
	snprintf(n->driver, sizeof(n->driver), "%s", store_text(stmt, 2));
	n->created = sqlite3_column_int64(stmt, 3);
	snprintf(n->subnet, sizeof(n->subnet), "%s", store_text(stmt, 4));
	snprintf(n->gateway, sizeof(n->gateway), "%s", store_text(stmt, 5));
	snprintf(n->ip_range, sizeof(n->ip_range), "%s", store_text(stmt, 6));
	n->aux = json_column(stmt, 7);
	n->internal = sqlite3_column_int(stmt, 8) != 0;
	snprintf(n->bridge, sizeof(n->bridge), "%s", store_text(stmt, 9));
	n->labels = json_column(stmt, 10);
	n->options = json_column(stmt, 11);
	snprintf(n->subnet6, sizeof(n->subnet6), "%s", store_text(stmt, 12));
	snprintf(n->gateway6, sizeof(n->gateway6), "%s", store_text(stmt, 13));
	n->subnet_given = (unsigned)sqlite3_column_int(stmt, 14);
}

int network_insert(struct store *st, const struct network *n, berr *err)
{
	char *aux = json_dumps(n->aux, JSON_COMPACT | JSON_SORT_KEYS);
	char *labels = json_dumps(n->labels, JSON_COMPACT | JSON_SORT_KEYS);
	char *options = json_dumps(n->options, JSON_COMPACT | JSON_SORT_KEYS);
	sqlite3_stmt *stmt;
	int rc = -1;

	if (!aux || !labels || !options) {
		berr_errno(err, ENOMEM, "saving network %s", n->name);
		goto out;
	}
	if (store_prepare(st, &stmt,
			  "INSERT INTO networks(" NETWORK_COLUMNS ")"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  err) < 0)
		goto out;
	sqlite3_bind_text(stmt, 1, n->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, n->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, n->driver, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, n->created);
	sqlite3_bind_text(stmt, 5, n->subnet, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, n->gateway, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, n->ip_range, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, aux, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 9, n->internal);
	sqlite3_bind_text(stmt, 10, n->bridge, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 11, labels, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 12, options, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 13, n->subnet6, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 14, n->gateway6, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 15, (int)n->subnet_given);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(store_handle(st)) == SQLITE_CONSTRAINT_UNIQUE)
			berr_set(err, BERR_CONFLICT, "network with name %s already exists", n->name);
		else
			store_error(st, err, "saving a network");
	} else {
		rc = 0;
	}
	sqlite3_reset(stmt);
out:
	free(aux);
	free(labels);
	free(options);
	return rc;
}

/* The one row a statement with one bound text finds: 1 found, 0 none, -1 error. */
static int find_one(struct store *st, const char *sql, const char *value, struct network *out,
		    bool *ambiguous, berr *err)
{
	sqlite3_stmt *stmt;
	int rc, found = 0;

	if (store_prepare(st, &stmt, sql, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, value, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (found++) {
			*ambiguous = true;
			break;
		}
		read_row(stmt, out);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		if (found)
			network_free(out);
		return store_error(st, err, "reading a network");
	}
	if (found > 1)
		network_free(out);
	return found == 1 ? 1 : 0;
}

int network_by_id(struct store *st, const char *id, struct network *out, berr *err)
{
	bool ambiguous = false;
	int rc = find_one(st, "SELECT " NETWORK_COLUMNS " FROM networks WHERE id = ?", id, out,
			  &ambiguous, err);

	if (rc < 0)
		return -1;
	return rc == 1 ? 0 : berr_set(err, BERR_NOT_FOUND, "network %s not found", id);
}

int network_lookup(struct store *st, const char *ref, struct network *out, berr *err)
{
	bool ambiguous = false;
	char like[80];
	int rc;

	if ((rc = find_one(st, "SELECT " NETWORK_COLUMNS " FROM networks WHERE name = ?", ref, out,
			   &ambiguous, err)) != 0 ||
	    (rc = find_one(st, "SELECT " NETWORK_COLUMNS " FROM networks WHERE id = ?", ref, out,
			   &ambiguous, err)) != 0)
		return rc < 0 ? -1 : 0;
	if (strlen(ref) < 64 && strspn(ref, "0123456789abcdef") == strlen(ref) && *ref) {
		snprintf(like, sizeof(like), "%s%%", ref);
		rc = find_one(st, "SELECT " NETWORK_COLUMNS " FROM networks WHERE id LIKE ?", like,
			      out, &ambiguous, err);
		if (rc < 0)
			return -1;
		if (rc == 1)
			return 0;
		if (ambiguous)
			return berr_set(err, BERR_INVALID,
					"network %s is ambiguous (2 matches found based on ID prefix)",
					ref);
	}
	return berr_set(err, BERR_NOT_FOUND, "network %s not found", ref);
}

int network_load_all(struct store *st, struct network **out, size_t *count, berr *err)
{
	sqlite3_stmt *stmt;
	struct network *list = NULL;
	size_t n = 0, cap = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if (store_prepare(st, &stmt, "SELECT " NETWORK_COLUMNS " FROM networks ORDER BY name",
			  err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == cap) {
			struct network *grown = realloc(list, (cap = cap ? cap * 2 : 8) * sizeof(*list));
			if (!grown) {
				rc = SQLITE_NOMEM;
				break;
			}
			list = grown;
		}
		read_row(stmt, &list[n++]);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		network_free_all(list, n);
		return store_error(st, err, "reading networks");
	}
	*out = list;
	*count = n;
	return 0;
}

int network_delete_row(struct store *st, const char *id, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "DELETE FROM networks WHERE id = ?", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_error(st, err, "removing a network");
}

json_t *network_endpoint_containers(struct store *st, const char *network_id, berr *err)
{
	sqlite3_stmt *stmt;
	json_t *ids = json_array();
	int rc;

	if (store_prepare(st, &stmt,
			  "SELECT container_id FROM network_endpoints WHERE network_id = ?"
			  " AND address != '' ORDER BY container_id",
			  err) < 0) {
		json_decref(ids);
		return NULL;
	}
	sqlite3_bind_text(stmt, 1, network_id, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		json_array_append_new(ids, json_string(store_text(stmt, 0)));
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		json_decref(ids);
		store_error(st, err, "reading a network's endpoints");
		return NULL;
	}
	return ids;
}

json_t *network_containers_with_way_out(struct store *st, berr *err)
{
	sqlite3_stmt *stmt;
	json_t *ids = json_object();
	int rc;

	if (store_prepare(st, &stmt,
			  "SELECT e.container_id, MAX(n.internal = 0) FROM network_endpoints e"
			  " JOIN networks n ON n.id = e.network_id"
			  " WHERE e.address != '' GROUP BY e.container_id",
			  err) < 0) {
		json_decref(ids);
		return NULL;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		json_object_set_new(ids, store_text(stmt, 0),
				    json_boolean(sqlite3_column_int(stmt, 1) != 0));
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		json_decref(ids);
		store_error(st, err, "reading endpoints");
		return NULL;
	}
	return ids;
}

int network_update_ipam(struct store *st, const struct network *n, berr *err)
{
	char *options = json_dumps(n->options, JSON_COMPACT | JSON_SORT_KEYS);
	sqlite3_stmt *stmt;
	int rc;

	if (!options)
		return berr_errno(err, ENOMEM, "saving network %s", n->name);
	if (store_prepare(st, &stmt,
			  "UPDATE networks SET subnet = ?, gateway = ?, options = ?, subnet6 = ?,"
			  " gateway6 = ? WHERE id = ?",
			  err) < 0) {
		free(options);
		return -1;
	}
	sqlite3_bind_text(stmt, 1, n->subnet, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, n->gateway, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, options, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, n->subnet6, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, n->gateway6, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, n->id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	free(options);
	return rc == SQLITE_DONE ? 0 : store_error(st, err, "saving a network");
}
