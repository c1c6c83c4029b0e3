/* The endpoints and published ports tables: every SQL statement about a
 * container's place on its networks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/network/internal.h"

#define ENDPOINT_COLUMNS                                                                           \
	"network_id, container_id, address, mac, endpoint_id, position, aliases, config, address6"
#define PORT_COLUMNS "container_id, proto, host_ip, host_port, container_port, address"

void endpoint_free(struct endpoint *e)
{
	json_decref(e->aliases);
	json_decref(e->config);
	e->aliases = e->config = NULL;
}

void endpoint_free_all(struct endpoint *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		endpoint_free(&list[i]);
	free(list);
}

static json_t *json_column(sqlite3_stmt *stmt, int col, bool array)
{
	json_t *v = json_loads(store_text(stmt, col), 0, NULL);

	if (array)
		return json_is_array(v) ? v : (json_decref(v), json_array());
	return json_is_object(v) ? v : (json_decref(v), json_object());
}

static void read_endpoint(sqlite3_stmt *stmt, struct endpoint *e)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->network_id, sizeof(e->network_id), "%s", store_text(stmt, 0));
	snprintf(e->container_id, sizeof(e->container_id), "%s", store_text(stmt, 1));
	snprintf(e->address, sizeof(e->address), "%s", store_text(stmt, 2));
	snprintf(e->mac, sizeof(e->mac), "%s", store_text(stmt, 3));
	snprintf(e->endpoint_id, sizeof(e->endpoint_id), "%s", store_text(stmt, 4));
	e->position = sqlite3_column_int(stmt, 5);
	e->aliases = json_column(stmt, 6, true);
	e->config = json_column(stmt, 7, false);
	snprintf(e->address6, sizeof(e->address6), "%s", store_text(stmt, 8));
}

int endpoint_insert(struct store *st, const struct endpoint *e, berr *err)
{
	char *aliases = json_dumps(e->aliases, JSON_COMPACT);
	char *config = json_dumps(e->config, JSON_COMPACT | JSON_SORT_KEYS);
	sqlite3_stmt *stmt;
	int rc = -1;

	if (!aliases || !config) {
		berr_errno(err, ENOMEM, "saving an endpoint");
		goto out;
	}
	if (store_prepare(st, &stmt,
			  "INSERT INTO network_endpoints(" ENDPOINT_COLUMNS ")"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  err) < 0)
		goto out;
	sqlite3_bind_text(stmt, 1, e->network_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, e->container_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, e->address, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, e->mac, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, e->endpoint_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 6, e->position);
	sqlite3_bind_text(stmt, 7, aliases, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, config, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 9, e->address6, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(store_handle(st)) == SQLITE_CONSTRAINT_PRIMARYKEY)
			berr_set(err, BERR_CONFLICT, "endpoint with name %s already exists in network %s",
				 json_string_value(json_object_get(e->config, "Container")),
				 json_string_value(json_object_get(e->config, "Network")));
		else
			store_error(st, err, "saving an endpoint");
	} else {
		rc = 0;
	}
	sqlite3_reset(stmt);
out:
	free(aliases);
	free(config);
	return rc;
}

/* The rows a statement with one bound text finds. */
static int load_endpoints(struct store *st, const char *sql, const char *value,
			  struct endpoint **out, size_t *count, berr *err)
{
	struct endpoint *list = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *stmt;
	int rc;

	*out = NULL;
	*count = 0;
	if (store_prepare(st, &stmt, sql, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, value, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == cap) {
			struct endpoint *grown = realloc(list, (cap = cap ? cap * 2 : 4) * sizeof(*list));
			if (!grown) {
				rc = SQLITE_NOMEM;
				break;
			}
			list = grown;
		}
		read_endpoint(stmt, &list[n++]);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		endpoint_free_all(list, n);
		return store_error(st, err, "reading endpoints");
	}
	*out = list;
	*count = n;
	return 0;
}

int endpoint_load_container(struct store *st, const char *container_id, struct endpoint **out,
			    size_t *count, berr *err)
{
	return load_endpoints(st,
			      "SELECT " ENDPOINT_COLUMNS " FROM network_endpoints"
			      " WHERE container_id = ? ORDER BY position, network_id",
			      container_id, out, count, err);
}

int endpoint_load_network(struct store *st, const char *network_id, struct endpoint **out,
			  size_t *count, berr *err)
{
	return load_endpoints(st,
			      "SELECT " ENDPOINT_COLUMNS " FROM network_endpoints"
			      " WHERE network_id = ? ORDER BY container_id",
			      network_id, out, count, err);
}

/* A statement of binds (all text) that changes rows. */
static int change(struct store *st, const char *sql, const char *const *binds, size_t n,
		  const char *what, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, sql, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		sqlite3_bind_text(stmt, (int)i + 1, binds[i], -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE)
		return 0;
	if (sqlite3_extended_errcode(store_handle(st)) == SQLITE_CONSTRAINT_UNIQUE)
		return berr_set(err, BERR_CONFLICT, "Address already in use");
	return store_error(st, err, what);
}

int endpoint_set_lease(struct store *st, const struct endpoint *e, berr *err)
{
	const char *binds[] = {e->address,    e->address6,   e->mac, e->endpoint_id,
			       e->network_id, e->container_id};

	return change(st,
		      "UPDATE network_endpoints SET address = ?, address6 = ?, mac = ?, endpoint_id = ?"
		      " WHERE network_id = ? AND container_id = ?",
		      binds, 6, "leasing an address", err);
}

int endpoint_clear_leases(struct store *st, const char *container_id, berr *err)
{
	const char *binds[] = {container_id};

	if (change(st, "DELETE FROM published_ports WHERE container_id = ?", binds, 1,
		   "releasing ports", err) < 0)
		return -1;
	return change(st,
		      "UPDATE network_endpoints SET address = '', address6 = '', mac = '', endpoint_id = ''"
		      " WHERE container_id = ? AND address != ''",
		      binds, 1, "releasing addresses", err);
}

int endpoint_delete_container(struct store *st, const char *container_id, berr *err)
{
	const char *binds[] = {container_id};

	if (change(st, "DELETE FROM published_ports WHERE container_id = ?", binds, 1,
		   "releasing ports", err) < 0)
		return -1;
	return change(st, "DELETE FROM network_endpoints WHERE container_id = ?", binds, 1,
		      "removing endpoints", err);
}

int endpoint_rename(struct store *st, const char *container_id, const char *name, berr *err)
{
	const char *binds[] = {name, container_id};

	return change(st,
		      "UPDATE network_endpoints SET config = json_set(config, '$.Container', ?)"
		      " WHERE container_id = ?",
		      binds, 2, "renaming endpoints", err);
}

int endpoint_delete(struct store *st, const char *network_id, const char *container_id, berr *err)
{
	const char *binds[] = {network_id, container_id};

	return change(st, "DELETE FROM network_endpoints WHERE network_id = ? AND container_id = ?",
		      binds, 2, "removing an endpoint", err);
}

int endpoint_delete_ports(struct store *st, const char *container_id, berr *err)
{
	const char *binds[] = {container_id};

	return change(st, "DELETE FROM published_ports WHERE container_id = ?", binds, 1,
		      "releasing ports", err);
}

int endpoint_delete_network(struct store *st, const char *network_id, berr *err)
{
	const char *binds[] = {network_id};

	return change(st, "DELETE FROM network_endpoints WHERE network_id = ?", binds, 1,
		      "removing endpoints", err);
}

bool endpoint_container_has_leases(struct store *st, const char *container_id)
{
	sqlite3_stmt *stmt;
	bool any = true;

	if (store_prepare(st, &stmt,
			  "SELECT 1 FROM network_endpoints WHERE container_id = ? AND address != ''"
			  " UNION ALL SELECT 1 FROM published_ports WHERE container_id = ? LIMIT 1",
			  NULL) < 0)
		return true;
	sqlite3_bind_text(stmt, 1, container_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, container_id, -1, SQLITE_TRANSIENT);
	any = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	return any;
}

/* --- published ports ------------------------------------------------------ */

static void read_port(sqlite3_stmt *stmt, struct published_port *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->container_id, sizeof(p->container_id), "%s", store_text(stmt, 0));
	snprintf(p->proto, sizeof(p->proto), "%s", store_text(stmt, 1));
	snprintf(p->host_ip, sizeof(p->host_ip), "%s", store_text(stmt, 2));
	p->host_port = sqlite3_column_int(stmt, 3);
	p->container_port = sqlite3_column_int(stmt, 4);
	snprintf(p->address, sizeof(p->address), "%s", store_text(stmt, 5));
}

int port_insert(struct store *st, const struct published_port *p, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "INSERT INTO published_ports(" PORT_COLUMNS ")"
				     " VALUES (?, ?, ?, ?, ?, ?)",
			  err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, p->container_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, p->proto, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, p->host_ip, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 4, p->host_port);
	sqlite3_bind_int(stmt, 5, p->container_port);
	sqlite3_bind_text(stmt, 6, p->address, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE)
		return 0;
	if (sqlite3_extended_errcode(store_handle(st)) == SQLITE_CONSTRAINT_PRIMARYKEY)
		return berr_set(err, BERR_CONFLICT, "Bind for %s:%d failed: port is already allocated",
				p->host_ip, p->host_port);
	return store_error(st, err, "saving a published port");
}

static int load_ports(struct store *st, const char *sql, const char *value,
		      struct published_port **out, size_t *count, berr *err)
{
	struct published_port *list = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *stmt;
	int rc;

	*out = NULL;
	*count = 0;
	if (store_prepare(st, &stmt, sql, err) < 0)
		return -1;
	if (value)
		sqlite3_bind_text(stmt, 1, value, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == cap) {
			struct published_port *grown =
				realloc(list, (cap = cap ? cap * 2 : 8) * sizeof(*list));
			if (!grown) {
				rc = SQLITE_NOMEM;
				break;
			}
			list = grown;
		}
		read_port(stmt, &list[n++]);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		free(list);
		return store_error(st, err, "reading published ports");
	}
	*out = list;
	*count = n;
	return 0;
}

int port_load_all(struct store *st, struct published_port **out, size_t *count, berr *err)
{
	return load_ports(st,
			  "SELECT " PORT_COLUMNS " FROM published_ports"
			  " ORDER BY container_id, container_port, proto, host_ip, host_port",
			  NULL, out, count, err);
}

int port_load_container(struct store *st, const char *container_id,
			struct published_port **out, size_t *count, berr *err)
{
	return load_ports(st,
			  "SELECT " PORT_COLUMNS " FROM published_ports WHERE container_id = ?"
			  " ORDER BY container_port, proto, host_ip, host_port",
			  container_id, out, count, err);
}
