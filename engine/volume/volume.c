/* Volume records and directories: create, read, remove, inspect. A volume
 * is a row in `volumes` and the directory <root>/volumes/<name>/_data. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/clock.h"
#include "engine/core/fsutil.h"
#include "engine/core/intent.h"
#include "engine/core/units.h"
#include "engine/volume/internal.h"

#define REMOVING_PREFIX ".removing-"

void volume_info_free(struct volume_info *v)
{
	json_decref(v->labels);
	json_decref(v->options);
	v->labels = NULL;
	v->options = NULL;
}

static bool name_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (!first && (c == '_' || c == '.' || c == '-'));
}

bool volume_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len < 2 || len > 255 || !name_char(name[0], true))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!name_char(name[i], false))
			return false;
	return true;
}

/* <root>/volumes/<name> */
static void volume_dir(struct engine *engine, const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s/volumes/%s", engine_root(engine), name);
}

void volume_data_dir(struct engine *engine, const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s/volumes/%s/_data", engine_root(engine), name);
}

/* Makes volumes/<name>/_data. volumes/ and volumes/<name> are private to
 * root (a volume's files, setuid binaries a container left there included,
 * are no local user's business); _data is the volume's root as containers
 * see it through their bind mount, so it keeps the usual 0755. */
static int make_volume_dirs(struct engine *engine, const char *name, berr *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/volumes", engine_root(engine));
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return berr_sys(err, "creating %s", path);
	volume_dir(engine, name, path, sizeof(path));
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return berr_sys(err, "creating %s", path);
	volume_data_dir(engine, name, path, sizeof(path));
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return berr_sys(err, "creating %s", path);
	return 0;
}

static json_t *json_column(sqlite3_stmt *stmt, int col)
{
	json_t *v = json_loads(store_text(stmt, col), 0, NULL);

	if (!json_is_object(v)) {
		json_decref(v);
		v = json_object();
	}
	return v;
}

int volume_get(struct store *st, const char *name, struct volume_info *out, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_prepare(st, &stmt,
			  "SELECT name, driver, created, labels, options FROM volumes WHERE name = ?",
			  err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		snprintf(out->name, sizeof(out->name), "%s", store_text(stmt, 0));
		snprintf(out->driver, sizeof(out->driver), "%s", store_text(stmt, 1));
		out->created = sqlite3_column_int64(stmt, 2);
		out->labels = json_column(stmt, 3);
		out->options = json_column(stmt, 4);
	}
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return store_error(st, err, "reading a volume");
	return berr_set(err, BERR_NOT_FOUND, "get %s: no such volume", name);
}

/* The local driver's checks on -o options (moby's validateOpts). */
static int check_options(json_t *options, berr *err)
{
	static const char *const valid[] = {"type", "o", "device", "size"};
	static const char *const needs[][3] = {
		{"device", "type", NULL}, {"type", "device", NULL}, {"o", "device", "type"}};
	const char *key;
	json_t *v;

	json_object_foreach(options, key, v) {
		bool ok = false;
		for (size_t i = 0; i < 4; i++)
			ok |= strcmp(key, valid[i]) == 0;
		if (!ok)
			return berr_set(err, BERR_INVALID, "invalid option: \"%s\"", key);
		if (!json_is_string(v))
			return berr_set(err, BERR_INVALID, "invalid option value for \"%s\"", key);
	}
	if (json_object_get(options, "size"))
		return berr_set(err, BERR_INVALID, "quota size requested but no quota support");
	for (size_t i = 0; i < 3; i++) {
		if (!json_object_get(options, needs[i][0]))
			continue;
		for (size_t j = 1; j < 3 && needs[i][j]; j++)
			if (!json_object_get(options, needs[i][j]))
				return berr_set(err, BERR_INVALID, "missing required option: \"%s\"",
						needs[i][j]);
	}
	return 0;
}

static int insert_row(struct store *st, const struct volume_info *v, berr *err)
{
	sqlite3_stmt *stmt;
	char *labels = json_dumps(v->labels, JSON_COMPACT | JSON_SORT_KEYS);
	char *options = json_dumps(v->options, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = -1;

	if (!labels || !options) {
		berr_errno(err, ENOMEM, "saving volume %s", v->name);
		goto out;
	}
	if (store_prepare(st, &stmt,
			  "INSERT INTO volumes(name, driver, created, labels, options)"
			  " VALUES (?, ?, ?, ?, ?)",
			  err) < 0)
		goto out;
	sqlite3_bind_text(stmt, 1, v->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, v->driver, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, v->created);
	sqlite3_bind_text(stmt, 4, labels, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, options, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		store_error(st, err, "saving a volume");
	else
		rc = 0;
	sqlite3_reset(stmt);
out:
	free(labels);
	free(options);
	return rc;
}

/* Checks the name, driver and options of a volume to be made. */
static int check_new(const char *name, const char *driver, json_t *options, berr *err)
{
	if (strcmp(driver, VOLUME_DRIVER_LOCAL) != 0)
		return berr_set(err, BERR_NOT_FOUND,
				"error looking up volume plugin %s: plugin \"%s\" not found", driver,
				driver);
	if (!volume_name_valid(name))
		return berr_set(err, BERR_INVALID,
				"create %s: \"%s\" includes invalid characters for a local volume name, "
				"only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass "
				"a host directory, use absolute path",
				name, name);
	return check_options(options, err);
}

int volume_create(struct engine *engine, const char *name, const char *driver, json_t *labels,
	       json_t *options, struct volume_info *out, bool *created, berr *err)
{
	struct store *st = engine_store(engine, err);
	struct volume_info v = {0};
	char dir[PATH_MAX];
	bool anonymous = !name || !*name;

	if (created)
		*created = false;
	if (!st)
		return -1;
	if (!driver || !*driver)
		driver = VOLUME_DRIVER_LOCAL;
	if (anonymous && random_hex_id(v.name, err) < 0)
		return -1;
	if (!anonymous)
		snprintf(v.name, sizeof(v.name), "%s", name);
	if (check_new(v.name, driver, json_is_object(options) ? options : NULL, err) < 0)
		return -1;
	if (store_begin(st, err) < 0)
		return -1;
	if (volume_get(st, v.name, out, NULL) == 0) {
		if (strcmp(out->driver, driver) != 0) {
			store_rollback(st);
			volume_info_free(out);
			return berr_set(err, BERR_CONFLICT,
					"create %s: volume name must be unique: a volume with this name "
					"exists with the driver %s",
					v.name, out->driver);
		}
		return store_commit(st, err);
	}
	snprintf(v.driver, sizeof(v.driver), "%s", driver);
	v.created = clock_now_nanos();
	v.labels = json_is_object(labels) ? json_deep_copy(labels) : json_object();
	v.options = json_is_object(options) ? json_deep_copy(options) : json_object();
	if (anonymous)
		json_object_set_new(v.labels, VOLUME_ANONYMOUS_LABEL, json_string(""));
	volume_dir(engine, v.name, dir, sizeof(dir));
	if (make_volume_dirs(engine, v.name, err) < 0 || insert_row(st, &v, err) < 0) {
		store_rollback(st);
		fs_remove_tree(dir, NULL);
		volume_info_free(&v);
		return -1;
	}
	engine_emit(engine, "volume", "create", v.name, json_pack("{s:s}", "driver", v.driver));
	if (store_commit(st, err) < 0) {
		fs_remove_tree(dir, NULL);
		volume_info_free(&v);
		return -1;
	}
	if (created)
		*created = true;
	*out = v;
	return 0;
}

json_t *volume_users(struct store *st, const char *name, berr *err)
{
	sqlite3_stmt *stmt;
	json_t *ids;
	int rc;

	if (store_prepare(st, &stmt,
			  "SELECT DISTINCT m.container_id FROM container_mounts m"
			  " JOIN containers c ON c.id = m.container_id"
			  " WHERE m.volume = ? ORDER BY c.created",
			  err) < 0)
		return NULL;
	ids = json_array();
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		json_array_append_new(ids, json_string(store_text(stmt, 0)));
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		json_decref(ids);
		store_error(st, err, "reading volume users");
		return NULL;
	}
	return ids;
}

/* "[id1 id2]", as Go prints a []string. */
static void ids_text(json_t *ids, char *buf, size_t n)
{
	size_t len = (size_t)snprintf(buf, n, "[");
	json_t *v;
	size_t i;

	json_array_foreach(ids, i, v)
		if (len < n)
			len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? " " : "",
						json_string_value(v));
	if (len < n)
		snprintf(buf + len, n - len, "]");
}

int volume_remove(struct engine *engine, const char *name, berr *err)
{
	struct store *st = engine_store(engine, err);
	struct volume_info v;
	char dir[PATH_MAX], trash[PATH_MAX + 96], aside[PATH_MAX + 400], suffix[65], text[2048];
	sqlite3_stmt *stmt;
	json_t *users;

	if (!st || store_begin(st, err) < 0)
		return -1;
	if (volume_get(st, name, &v, err) < 0)
		goto fail;
	volume_info_free(&v);
	users = volume_users(st, name, err);
	if (!users)
		goto fail;
	if (json_array_size(users)) {
		ids_text(users, text, sizeof(text));
		json_decref(users);
		berr_set(err, BERR_CONFLICT, "remove %s: volume is in use - %s", name, text);
		goto fail;
	}
	json_decref(users);
	if (store_prepare(st, &stmt, "DELETE FROM volumes WHERE name = ?", err) < 0)
		goto fail;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		store_error(st, err, "removing a volume");
		goto fail;
	}
	/* Moved away inside the transaction, into a trash directory that
	 * keeps its name: a volume of the same name made right after the
	 * commit never shares this directory, and if this process dies before
	 * the commit, the next berth finds the row and puts the directory
	 * back (volume_startup). */
	volume_dir(engine, name, dir, sizeof(dir));
	if (random_hex_id(suffix, err) < 0)
		goto fail;
	snprintf(trash, sizeof(trash), "%s/volumes/" REMOVING_PREFIX "%.16s", engine_root(engine),
		 suffix);
	snprintf(aside, sizeof(aside), "%s/%s", trash, name);
	if (mkdir(trash, 0700) < 0) {
		berr_sys(err, "remove %s", name);
		goto fail;
	}
	if (rename(dir, aside) < 0 && errno != ENOENT) {
		berr_sys(err, "remove %s", name);
		rmdir(trash);
		goto fail;
	}
	engine_emit(engine, "volume", "destroy", name, json_pack("{s:s}", "driver", VOLUME_DRIVER_LOCAL));
	if (store_commit(st, err) < 0) {
		rename(aside, dir);
		rmdir(trash);
		return -1;
	}
	fs_remove_tree(trash, NULL);
	return 0;
fail:
	store_rollback(st);
	return -1;
}

json_t *volume_inspect_json(struct engine *engine, const struct volume_info *v)
{
	char created[64], data[PATH_MAX];

	units_rfc3339(v->created, created, sizeof(created));
	volume_data_dir(engine, v->name, data, sizeof(data));
	return json_pack("{s:s, s:s, s:O, s:s, s:s, s:O, s:s}", "CreatedAt", created, "Driver",
			 v->driver, "Labels", json_object_size(v->labels) ? v->labels : json_null(),
			 "Mountpoint", data, "Name", v->name, "Options",
			 json_object_size(v->options) ? v->options : json_null(), "Scope", "local");
}

/* Removes everything inside a directory, keeping it. */
static void empty_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	DIR *d;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			fs_remove_tree_at(fd, de->d_name, NULL);
	closedir(d);
}

/* Is there a row for this volume? */
static bool volume_row_exists(struct store *st, const char *name)
{
	sqlite3_stmt *stmt;
	bool found;

	if (store_prepare(st, &stmt, "SELECT 1 FROM volumes WHERE name = ?", NULL) < 0)
		return true; /* when in doubt, keep the files */
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	return found;
}

/* A trash directory a removal left: the volume goes back where it was when
 * its row is still there (the removal did not commit), else it is gone. */
static void settle_trash(struct engine *engine, struct store *st, const char *trash)
{
	char from[PATH_MAX + 300], to[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(trash);

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !volume_name_valid(de->d_name))
			continue;
		volume_dir(engine, de->d_name, to, sizeof(to));
		snprintf(from, sizeof(from), "%s/%s", trash, de->d_name);
		if (volume_row_exists(st, de->d_name) && access(to, F_OK) < 0)
			rename(from, to);
	}
	if (d)
		closedir(d);
	fs_remove_tree(trash, NULL);
}

/* Does a running (or paused or restarting) container mount the volume?
 * True when the store cannot tell. */
static bool volume_mounted_by_running(struct store *st, const char *name)
{
	sqlite3_stmt *stmt;
	bool found;

	if (!st || store_prepare(st, &stmt,
				 "SELECT 1 FROM container_mounts m JOIN containers c"
				 " ON c.id = m.container_id WHERE m.volume = ?"
				 " AND c.state IN ('running', 'paused', 'restarting') LIMIT 1",
				 NULL) < 0)
		return true;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	return found;
}

/* Copy-ups a dead berth left half done: the volume is emptied, so the
 * next container that mounts it copies the image's content again. */
static void finish_copyups(struct engine *engine)
{
	json_t *orphans = intent_orphans(engine, "copyup"), *o;
	struct store *st = engine_store(engine, NULL);
	char data[PATH_MAX];
	size_t i;

	json_array_foreach(orphans, i, o) {
		const char *name = json_string_value(json_array_get(o, 0));
		/* A volume a running container uses keeps what it holds: its
		 * data is theirs now, and emptying it under them would lose it. */
		if (volume_name_valid(name) && !volume_mounted_by_running(st, name)) {
			volume_data_dir(engine, name, data, sizeof(data));
			empty_dir(data);
		}
		intent_end(json_string_value(json_array_get(o, 1)));
	}
	json_decref(orphans);
}

/* Start-up work: volume directories left by a removal or a create that a
 * crash interrupted. Both make their changes to the directories while
 * they hold the store's write lock, so under that lock what the
 * directories and the rows say can be settled: a trash directory is put
 * back or deleted, a directory without a row is deleted. The lock is
 * taken only when something looks wrong without it. */
int volume_startup(struct engine *engine, berr *err)
{
	struct store *st = engine_store(engine, err);
	char dir[PATH_MAX], path[PATH_MAX + 256];
	json_t *suspects = json_array(), *name;
	struct store_strings rows = {0};
	struct dirent *de;
	size_t i;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/volumes", engine_root(engine));
	if (st && store_strings(st, "SELECT name FROM volumes", &rows, err) < 0) {
		json_decref(suspects);
		return -1;
	}
	d = st ? opendir(dir) : NULL;
	while (d && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (strncmp(de->d_name, REMOVING_PREFIX, strlen(REMOVING_PREFIX)) == 0 ||
		    !store_strings_has(&rows, de->d_name))
			json_array_append_new(suspects, json_string(de->d_name));
	}
	if (d)
		closedir(d);
	if (st)
		store_strings_free(&rows);
	if (json_array_size(suspects) && store_begin(st, NULL) == 0) {
		json_array_foreach(suspects, i, name) {
			const char *entry = json_string_value(name);
			snprintf(path, sizeof(path), "%s/%s", dir, entry);
			if (strncmp(entry, REMOVING_PREFIX, strlen(REMOVING_PREFIX)) == 0)
				settle_trash(engine, st, path);
			else if (!volume_row_exists(st, entry))
				fs_remove_tree(path, NULL);
		}
		store_rollback(st);
	}
	json_decref(suspects);
	finish_copyups(engine);
	return st ? 0 : -1;
}

int volume_load_all(struct store *st, struct volume_info **out, size_t *count, berr *err)
{
	sqlite3_stmt *stmt;
	struct volume_info *list = NULL;
	size_t n = 0;
	int rc;

	if (store_prepare(st, &stmt, "SELECT name FROM volumes ORDER BY created, name", err) < 0)
		return -1;
	json_t *names = json_array();
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		json_array_append_new(names, json_string(store_text(stmt, 0)));
	sqlite3_reset(stmt);
	list = calloc(json_array_size(names) + 1, sizeof(*list));
	for (size_t i = 0; list && i < json_array_size(names); i++)
		if (volume_get(st, json_string_value(json_array_get(names, i)), &list[n], NULL) == 0)
			n++;
	json_decref(names);
	if (rc != SQLITE_DONE || !list) {
		for (size_t i = 0; i < n; i++)
			volume_info_free(&list[i]);
		free(list);
		return store_error(st, err, "listing volumes");
	}
	*out = list;
	*count = n;
	return 0;
}
