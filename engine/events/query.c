/* Reading the events table: rows to Docker's event objects, and moby's
 * rules for which events a filter set lets through. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/filters.h"
#include "engine/core/reference.h"
#include "engine/events/events.h"

const char *const events_filter_keys[] = {
	"config", "container", "daemon", "event",   "image",   "label", "network",
	"node",	  "plugin",    "scope",	 "secret", "service", "type",  "volume",
	NULL,
};

/* The object types whose filter matches an event's actor by id or name. */
static const char *const name_filter_keys[] = {
	"daemon", "container", "plugin", "volume", "network", "service", "node", "secret", "config",
};

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A copy of an object with its keys in byte order (Go's map encoding). */
static json_t *sorted_object(json_t *obj)
{
	size_t n = json_object_size(obj), i = 0;
	const char **keys = calloc(n ? n : 1, sizeof(*keys));
	json_t *out = json_object(), *v;
	const char *key;

	if (!keys)
		return out;
	json_object_foreach(obj, key, v)
		keys[i++] = key;
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (i = 0; i < n; i++)
		json_object_set(out, keys[i], json_object_get(obj, keys[i]));
	free(keys);
	return out;
}

json_t *events_row_json(int64_t time_nano, const char *type, const char *action,
			const char *actor, const char *attributes)
{
	json_t *attrs = json_loads(attributes && *attributes ? attributes : "{}", 0, NULL);
	json_t *event = json_object(), *sorted;
	bool container = strcmp(type, "container") == 0;

	if (!json_is_object(attrs)) {
		json_decref(attrs);
		attrs = json_object();
	}
	sorted = sorted_object(attrs);
	json_decref(attrs);
	if (container || strcmp(type, "image") == 0) {
		const char *from = json_string_value(json_object_get(sorted, "image"));
		json_object_set_new(event, "status", json_string(action));
		json_object_set_new(event, "id", json_string(actor));
		if (container && from && *from)
			json_object_set_new(event, "from", json_string(from));
	}
	json_object_set_new(event, "Type", json_string(type));
	json_object_set_new(event, "Action", json_string(action));
	json_object_set_new(event, "Actor",
			    json_pack("{s:s, s:o}", "ID", actor, "Attributes", sorted));
	json_object_set_new(event, "scope", json_string("local"));
	json_object_set_new(event, "time", json_integer(time_nano / 1000000000));
	json_object_set_new(event, "timeNano", json_integer(time_nano));
	return event;
}

/* Whether one of the values for key is exactly s. */
static bool has_value(json_t *filters, const char *key, const char *s)
{
	json_t *values = json_object_get(filters, key), *v;
	size_t i;

	json_array_foreach(values, i, v)
		if (json_string_value(v) && strcmp(json_string_value(v), s) == 0)
			return true;
	return false;
}

/* moby: event=health_status (or exec_create, exec_start) also takes
 * "health_status: healthy", so those filters compare by prefix. */
static bool match_action(json_t *filters, const char *action)
{
	if (has_value(filters, "event", "health_status") ||
	    has_value(filters, "event", "exec_create") || has_value(filters, "event", "exec_start"))
		return filters_match_prefix(filters, "event", action);
	return filters_match_exact(filters, "event", action);
}

/* A reference without its tag, as users write it ("busybox:1" -> "busybox"). */
static void strip_tag(const char *image, char *out, size_t n)
{
	struct image_ref ref;

	if (ref_parse_normalized(image, &ref, NULL) < 0) {
		snprintf(out, n, "%s", image);
		return;
	}
	ref_familiar_name(&ref, out, n);
}

/* moby's matchImage: the actor's id, or the image it names (attribute
 * "image" of a container event, "name" of an image event), with or without
 * its tag. */
static bool match_image(json_t *filters, const char *type, const char *id, json_t *attrs)
{
	const char *name = json_string_value(
		json_object_get(attrs, strcmp(type, "image") == 0 ? "name" : "image"));
	char stripped[512];

	if (!json_object_get(filters, "image"))
		return true;
	if (!name)
		name = "";
	if (has_value(filters, "image", id) || has_value(filters, "image", name))
		return true;
	strip_tag(id, stripped, sizeof(stripped));
	if (has_value(filters, "image", stripped))
		return true;
	strip_tag(name, stripped, sizeof(stripped));
	return has_value(filters, "image", stripped);
}

bool events_match(json_t *filters, json_t *event)
{
	const char *type = json_string_value(json_object_get(event, "Type"));
	const char *action = json_string_value(json_object_get(event, "Action"));
	const char *scope = json_string_value(json_object_get(event, "scope"));
	json_t *actor = json_object_get(event, "Actor");
	json_t *attrs = json_object_get(actor, "Attributes");
	const char *id = json_string_value(json_object_get(actor, "ID"));
	const char *name = json_string_value(json_object_get(attrs, "name"));

	if (!filters || !json_object_size(filters))
		return true;
	if (!type || !action)
		return false;
	if (!id)
		id = "";
	if (!name)
		name = "";
	if (!match_action(filters, action) || !filters_match_exact(filters, "type", type))
		return false;
	if (json_object_get(filters, "scope") &&
	    !filters_match_exact(filters, "scope", scope ? scope : ""))
		return false;
	for (size_t i = 0; i < sizeof(name_filter_keys) / sizeof(name_filter_keys[0]); i++) {
		const char *key = name_filter_keys[i];
		if (!filters_match_prefix(filters, key, id) &&
		    !filters_match_prefix(filters, key, name))
			return false;
	}
	if (!match_image(filters, type, id, attrs))
		return false;
	return filters_match_label(filters, json_is_object(attrs) ? attrs : NULL);
}

int events_scan(struct store *st, int64_t after, int64_t since, int64_t until, json_t *filters,
		int (*fn)(void *user, json_t *event), void *user, int64_t *last, berr *err)
{
	sqlite3_stmt *stmt;
	int rc = SQLITE_DONE, stop = 0;

	if (store_prepare(st, &stmt,
			  "SELECT seq, time_nano, type, action, actor, attributes FROM events"
			  " WHERE seq > ?1 AND time_nano >= ?2 AND (?3 = 0 OR time_nano <= ?3)"
			  " ORDER BY seq",
			  err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, after);
	sqlite3_bind_int64(stmt, 2, since);
	sqlite3_bind_int64(stmt, 3, until);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		json_t *event = events_row_json(sqlite3_column_int64(stmt, 1), store_text(stmt, 2),
						store_text(stmt, 3), store_text(stmt, 4),
						store_text(stmt, 5));
		*last = sqlite3_column_int64(stmt, 0);
		if (event && events_match(filters, event))
			stop = fn(user, event);
		json_decref(event);
	}
	/* Resetting ends the read transaction, so checkpoints are not held up. */
	sqlite3_reset(stmt);
	if (!stop && rc != SQLITE_DONE)
		return store_error(st, err, "reading events");
	return 0;
}

int events_last_seq(struct store *st, int64_t *seq, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "SELECT coalesce(max(seq), 0) FROM events", err) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*seq = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_error(st, err, "reading events");
	return 0;
}

int events_last_exit_code(struct store *st, const char *container_id, int *code)
{
	sqlite3_stmt *stmt;
	int rc, found = 0;

	if (store_prepare(st, &stmt,
			  "SELECT json_extract(attributes, '$.exitCode') FROM events"
			  " WHERE actor = ? AND type = 'container' AND action = 'die'"
			  " ORDER BY seq DESC LIMIT 1",
			  NULL) < 0)
		return 0;
	sqlite3_bind_text(stmt, 1, container_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
		*code = atoi(store_text(stmt, 0));
		found = 1;
	}
	sqlite3_reset(stmt);
	return found;
}
