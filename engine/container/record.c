/* Container rows: reading, writing and finding them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/container/internal.h"

#define CONTAINER_COLUMNS                                                                        \
	"id, name, image_id, image_ref, layers, created, state, pid, shim_pid, exit_code,"        \
	" started_at, finished_at, oom_killed, error, restart_count, config, host_config"

void container_short_id(const char *id, char out[13])
{
	snprintf(out, 13, "%.12s", id);
}

void container_free(struct container *c)
{
	if (!c)
		return;
	free(c->image_ref);
	free(c->error);
	json_decref(c->layers);
	json_decref(c->config);
	json_decref(c->host_config);
	memset(c, 0, sizeof(*c));
}

void container_free_all(struct container *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		container_free(&list[i]);
	free(list);
}

bool container_awaits_removal(const struct container *c)
{
	return strcmp(c->state, "removing") == 0 ||
	       (strcmp(c->state, "exited") == 0 &&
		json_is_true(json_object_get(c->host_config, "AutoRemove")));
}

bool container_is_active(const struct container *c)
{
	return strcmp(c->state, "running") == 0 || strcmp(c->state, "paused") == 0 ||
	       strcmp(c->state, "restarting") == 0;
}

static json_t *parse_json_column(sqlite3_stmt *stmt, int col)
{
	json_t *v = json_loads(store_text(stmt, col), 0, NULL);

	return v ? v : json_object();
}

/* Fills c from the current row of a statement that selected CONTAINER_COLUMNS. */
static int container_from_row(sqlite3_stmt *stmt, struct container *c, berr *err)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", store_text(stmt, 0));
	snprintf(c->name, sizeof(c->name), "%s", store_text(stmt, 1));
	snprintf(c->image_id, sizeof(c->image_id), "%s", store_text(stmt, 2));
	c->image_ref = strdup(store_text(stmt, 3));
	c->layers = json_loads(store_text(stmt, 4), 0, NULL);
	c->created = sqlite3_column_int64(stmt, 5);
	snprintf(c->state, sizeof(c->state), "%s", store_text(stmt, 6));
	c->pid = sqlite3_column_int(stmt, 7);
	c->shim_pid = sqlite3_column_int(stmt, 8);
	c->exit_code = sqlite3_column_int(stmt, 9);
	c->started_at = sqlite3_column_int64(stmt, 10);
	c->finished_at = sqlite3_column_int64(stmt, 11);
	c->oom_killed = sqlite3_column_int(stmt, 12) != 0;
	c->error = strdup(store_text(stmt, 13));
	c->restart_count = sqlite3_column_int(stmt, 14);
	c->config = parse_json_column(stmt, 15);
	c->host_config = parse_json_column(stmt, 16);
	if (!c->layers)
		c->layers = json_array();
	if (!c->image_ref || !c->error || !c->layers) {
		container_free(c);
		return berr_errno(err, ENOMEM, "reading container %s", store_text(stmt, 0));
	}
	return 0;
}

int container_insert(struct store *st, const struct container *c, berr *err)
{
	sqlite3_stmt *stmt;
	char *layers = json_dumps(c->layers, JSON_COMPACT);
	char *config = json_dumps(c->config, JSON_COMPACT);
	char *host_config = json_dumps(c->host_config, JSON_COMPACT);
	int rc = -1;

	if (!layers || !config || !host_config) {
		berr_errno(err, ENOMEM, "saving container %s", c->id);
		goto out;
	}
	if (store_prepare(st, &stmt,
			  "INSERT INTO containers(" CONTAINER_COLUMNS ")"
			  " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			  err) < 0)
		goto out;
	sqlite3_bind_text(stmt, 1, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, c->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, c->image_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, c->image_ref ? c->image_ref : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, layers, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 6, c->created);
	sqlite3_bind_text(stmt, 7, c->state, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 8, c->pid);
	sqlite3_bind_int(stmt, 9, c->shim_pid);
	sqlite3_bind_int(stmt, 10, c->exit_code);
	sqlite3_bind_int64(stmt, 11, c->started_at);
	sqlite3_bind_int64(stmt, 12, c->finished_at);
	sqlite3_bind_int(stmt, 13, c->oom_killed);
	sqlite3_bind_text(stmt, 14, c->error ? c->error : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 15, c->restart_count);
	sqlite3_bind_text(stmt, 16, config, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 17, host_config, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		store_error(st, err, "saving container");
		if (err && err->kind == BERR_CONFLICT)
			berr_set(err, BERR_CONFLICT,
				 "Conflict. The container name \"/%s\" is already in use.", c->name);
		sqlite3_reset(stmt);
		goto out;
	}
	sqlite3_reset(stmt);
	rc = 0;
out:
	free(layers);
	free(config);
	free(host_config);
	return rc;
}

/* Fails with "No such container" when the last statement changed no row:
 * the container was removed meanwhile, and must not come back. */
static int changed_one(struct store *st, const char *id, berr *err)
{
	if (sqlite3_changes(store_handle(st)) == 0)
		return berr_set(err, BERR_NOT_FOUND, "No such container: %s", id);
	return 0;
}

int container_save(struct store *st, const struct container *c, berr *err)
{
	sqlite3_stmt *stmt;

	if (store_prepare(st, &stmt,
			  "UPDATE containers SET state = ?, pid = ?, shim_pid = ?, exit_code = ?,"
			  " started_at = ?, finished_at = ?, oom_killed = ?, error = ?,"
			  " restart_count = ? WHERE id = ?",
			  err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, c->state, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, c->pid);
	sqlite3_bind_int(stmt, 3, c->shim_pid);
	sqlite3_bind_int(stmt, 4, c->exit_code);
	sqlite3_bind_int64(stmt, 5, c->started_at);
	sqlite3_bind_int64(stmt, 6, c->finished_at);
	sqlite3_bind_int(stmt, 7, c->oom_killed);
	sqlite3_bind_text(stmt, 8, c->error ? c->error : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 9, c->restart_count);
	sqlite3_bind_text(stmt, 10, c->id, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		sqlite3_reset(stmt);
		return store_error(st, err, "saving container");
	}
	sqlite3_reset(stmt);
	return changed_one(st, c->id, err);
}

int container_rename_row(struct store *st, const char *id, const char *name, berr *err)
{
	sqlite3_stmt *stmt;

	if (store_prepare(st, &stmt, "UPDATE containers SET name = ? WHERE id = ?", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		sqlite3_reset(stmt);
		store_error(st, err, "renaming container");
		if (err && err->kind == BERR_CONFLICT) {
			char owner[CONTAINER_ID_LEN + 1] = "";

			if (store_prepare(st, &stmt, "SELECT id FROM containers WHERE name = ?",
					  NULL) == 0) {
				sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
				if (sqlite3_step(stmt) == SQLITE_ROW)
					snprintf(owner, sizeof(owner), "%s", store_text(stmt, 0));
				sqlite3_reset(stmt);
			}
			berr_set(err, BERR_CONFLICT,
				 "Error when allocating new name: Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to remove (or rename) that container to be able to reuse that name.",
				 name, owner);
		}
		return -1;
	}
	sqlite3_reset(stmt);
	return changed_one(st, id, err);
}

int container_delete_row(struct store *st, const char *id, berr *err)
{
	sqlite3_stmt *stmt;

	if (store_prepare(st, &stmt, "DELETE FROM containers WHERE id = ?", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		sqlite3_reset(stmt);
		return store_error(st, err, "removing container");
	}
	sqlite3_reset(stmt);
	return 0;
}

/* Looks a reference up as full id, then name, then id prefix. */
int container_lookup(struct store *st, const char *ref, struct container *out, berr *err)
{
	sqlite3_stmt *stmt;
	const char *name = ref[0] == '/' ? ref + 1 : ref;
	size_t len = strlen(ref);
	bool hex = len > 0 && len <= CONTAINER_ID_LEN && strspn(ref, "0123456789abcdef") == len;
	int found = 0;
	int rc;

	if (!*name)
		return berr_set(err, BERR_NOT_FOUND, "No such container: %s", ref);
	if (store_prepare(st, &stmt,
			  "SELECT " CONTAINER_COLUMNS " FROM containers WHERE id = ?1 OR name = ?2",
			  err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		/* An exact id beats a name that happens to equal it. */
		if (found && strcmp(store_text(stmt, 0), ref) != 0)
			continue;
		if (found)
			container_free(out);
		if (container_from_row(stmt, out, err) < 0) {
			sqlite3_reset(stmt);
			return -1;
		}
		found = 1;
	}
	sqlite3_reset(stmt);
	if (found)
		return 0;
	if (!hex)
		return berr_set(err, BERR_NOT_FOUND, "No such container: %s", ref);
	if (store_prepare(st, &stmt,
			  "SELECT " CONTAINER_COLUMNS " FROM containers WHERE substr(id, 1, ?2) = ?1"
			  " LIMIT 2",
			  err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, (int)len);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (found) {
			container_free(out);
			sqlite3_reset(stmt);
			return berr_set(err, BERR_NOT_FOUND,
					"multiple IDs found with provided prefix: %s", ref);
		}
		if (container_from_row(stmt, out, err) < 0) {
			sqlite3_reset(stmt);
			return -1;
		}
		found = 1;
	}
	sqlite3_reset(stmt);
	if (!found)
		return berr_set(err, BERR_NOT_FOUND, "No such container: %s", ref);
	return 0;
}

static int container_fill(sqlite3_stmt *stmt, void *elem, berr *err)
{
	return container_from_row(stmt, elem, err);
}

static void container_clean(void *elem)
{
	container_free(elem);
}

int container_list_rows(struct store *st, struct container **out, size_t *count, berr *err)
{
	return store_read_rows(st, "SELECT " CONTAINER_COLUMNS " FROM containers ORDER BY created DESC",
			       sizeof(**out), container_fill, container_clean, "listing containers",
			       (void **)out, count, err);
}

bool container_row_exists(struct store *st, const char *id)
{
	sqlite3_stmt *stmt;
	bool found;

	if (store_prepare(st, &stmt, "SELECT 1 FROM containers WHERE id = ?", NULL) < 0)
		return true; /* when in doubt, keep the files */
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	found = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	return found;
}

/* Docker's attributes of a container event: the labels, then image and
 * name, then the extra ones (stolen). */
static json_t *event_attributes(const char *name, const char *image, json_t *labels,
				json_t *extra)
{
	json_t *attrs = json_object(), *v;
	const char *key;

	json_object_foreach(labels, key, v)
		if (json_is_string(v))
			json_object_set(attrs, key, v);
	if (image && *image)
		json_object_set_new(attrs, "image", json_string(image));
	if (!name)
		name = "";
	json_object_set_new(attrs, "name", json_string(name[0] == '/' ? name + 1 : name));
	json_object_foreach(extra, key, v)
		json_object_set(attrs, key, v);
	json_decref(extra);
	return attrs;
}

json_t *container_event_attributes(const struct container *c, json_t *extra)
{
	return event_attributes(c->name, c->image_ref, json_object_get(c->config, "Labels"), extra);
}

void container_emit(struct engine *engine, const struct container *c, const char *action,
		    json_t *extra)
{
	engine_emit(engine, "container", action, c->id, container_event_attributes(c, extra));
}

int container_state_row(struct store *st, const char *id, char *state, size_t n, int64_t *started,
			berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "SELECT state, started_at FROM containers WHERE id = ?", err) <
	    0)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		snprintf(state, n, "%s", store_text(stmt, 0));
		*started = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		state[0] = '\0';
	return 0;
}

int container_host_config_row(struct store *st, const char *id, char *state, size_t n, json_t **hc,
			      berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "SELECT state, host_config FROM containers WHERE id = ?",
	                  err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		snprintf(state, n, "%s", store_text(stmt, 0));
		*hc = json_loads(store_text(stmt, 1), 0, NULL);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return berr_set(err, BERR_NOT_FOUND, "No such container: %s", id);
	if (!*hc)
		*hc = json_object();
	return 0;
}

int container_host_config_save(struct store *st, const char *id, json_t *hc, berr *err)
{
	char *text = json_dumps(hc, JSON_COMPACT);
	sqlite3_stmt *stmt;
	int rc = -1;

	if (!text)
		return berr_errno(err, ENOMEM, "saving container %s", id);
	if (store_prepare(st, &stmt, "UPDATE containers SET host_config = ? WHERE id = ?", err) ==
	    0) {
		sqlite3_bind_text(stmt, 1, text, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? 0
		                                       : store_error(st, err, "saving container");
		sqlite3_reset(stmt);
	}
	free(text);
	return rc;
}

bool container_name_owner(struct store *st, const char *name, char *owner, size_t n)
{
	sqlite3_stmt *stmt;
	bool found = false;

	if (store_prepare(st, &stmt, "SELECT id FROM containers WHERE name = ?", NULL) < 0)
		return false;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		snprintf(owner, n, "%s", store_text(stmt, 0));
		found = true;
	}
	sqlite3_reset(stmt);
	return found;
}

static int pulse_fill(sqlite3_stmt *stmt, void *elem, berr *err)
{
	struct container_pulse *p = elem;

	(void)err;
	snprintf(p->id, sizeof(p->id), "%s", store_text(stmt, 0));
	snprintf(p->state, sizeof(p->state), "%s", store_text(stmt, 1));
	p->restart_count = sqlite3_column_int(stmt, 2);
	snprintf(p->restart, sizeof(p->restart), "%s", store_text(stmt, 3));
	return 0;
}

int container_list_unsettled(struct store *st, struct container_pulse **out, size_t *count,
			     berr *err)
{
	return store_read_rows(st,
			       "SELECT id, state, restart_count,"
			       " json_extract(host_config, '$.RestartPolicy.Name')"
			       " FROM containers WHERE state IN"
			       " ('running', 'paused', 'restarting', 'removing')"
			       " OR (state = 'exited' AND json_extract(host_config, '$.AutoRemove'))",
			       sizeof(**out), pulse_fill, NULL, "listing containers", (void **)out,
			       count, err);
}

int container_list_generation(struct store *st, int64_t *out, berr *err)
{
	*out = store_int(st, "SELECT n FROM container_list_generation", err);
	return *out < 0 ? -1 : 0;
}

int container_ids_all(struct store *st, struct store_strings *out, berr *err)
{
	return store_strings(st, "SELECT id FROM containers", out, err);
}

static int brief_fill(sqlite3_stmt *stmt, void *elem, berr *err)
{
	struct container_brief *b = elem;

	(void)err;
	snprintf(b->id, sizeof(b->id), "%s", store_text(stmt, 0));
	snprintf(b->name, sizeof(b->name), "%s", store_text(stmt, 1));
	snprintf(b->state, sizeof(b->state), "%s", store_text(stmt, 2));
	b->pid = sqlite3_column_int(stmt, 3);
	b->shim_pid = sqlite3_column_int(stmt, 4);
	snprintf(b->restart, sizeof(b->restart), "%s", store_text(stmt, 5));
	return 0;
}

int container_list_brief(struct store *st, struct container_brief **out, size_t *count, berr *err)
{
	return store_read_rows(st,
			       "SELECT id, name, state, pid, shim_pid,"
			       " json_extract(host_config, '$.RestartPolicy.Name')"
			       " FROM containers ORDER BY created DESC",
			       sizeof(**out), brief_fill, NULL, "listing containers", (void **)out,
			       count, err);
}

int container_count_states(struct store *st, json_t *info, berr *err)
{
	static const struct {
		const char *key, *sql;
	} counts[] = {
		{"Containers", "SELECT count(*) FROM containers"},
		{"ContainersRunning", "SELECT count(*) FROM containers WHERE state = 'running'"},
		{"ContainersPaused", "SELECT count(*) FROM containers WHERE state = 'paused'"},
		{"ContainersStopped",
		 "SELECT count(*) FROM containers WHERE state NOT IN ('running', 'paused')"},
	};

	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		int64_t n = store_int(st, counts[i].sql, err);
		if (n < 0)
			return -1;
		json_object_set_new(info, counts[i].key, json_integer(n));
	}
	return 0;
}

void container_bundle_dir(struct engine *engine, const char *id, char *buf, size_t n)
{
	snprintf(buf, n, "%s/containers/%s", engine_root(engine), id);
}

void container_run_dir(struct engine *engine, const char *id, char *buf, size_t n)
{
	snprintf(buf, n, "%s/containers/%s", engine_run_root(engine), id);
}
