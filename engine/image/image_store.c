/* Image rows: creating, tagging, reading and deleting images, and
 * resolving a name to an image for the other subsystems. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/reference.h"
#include "engine/core/sha256.h"
#include "engine/core/alloc.h"
#include "engine/image/internal.h"
#include "engine/store/store.h"

/* Checks a config's rootfs and returns its diff ids (borrowed). */
static int config_diff_ids(json_t *config, json_t **diff_ids, berr *err)
{
	json_t *rootfs = json_object_get(config, "rootfs");
	json_t *ids = json_object_get(rootfs, "diff_ids");
	const char *type = json_string_value(json_object_get(rootfs, "type"));
	size_t i;
	json_t *v;

	if (!json_is_object(config) || !type || strcmp(type, "layers") != 0)
		return berr_set(err, BERR_INVALID, "invalid image config: rootfs type must be layers");
	if (ids && !json_is_array(ids))
		return berr_set(err, BERR_INVALID, "invalid image config: bad diff_ids");
	json_array_foreach(ids, i, v) {
		const char *s = json_string_value(v);

		if (!s || strncmp(s, "sha256:", 7) != 0 || !sha256_is_hex(s + 7))
			return berr_set(err, BERR_INVALID, "invalid image config: bad diff id");
	}
	*diff_ids = ids;
	return 0;
}

/* Writes the config blob into staging and places it under R/blobs. */
static int place_config_blob(struct image_fs_txn *t, const char *root, const char *id,
			     const char *config, size_t len, berr *err)
{
	char staged[4200], dest[4200];
	bool placed;
	int fd;

	image_staging_name(t->sg, "config", staged, sizeof(staged));
	fd = open(staged, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return berr_sys(err, "create %s", staged);
	if (image_write_all(fd, config, len, err) < 0 || fsync(fd) < 0) {
		if (err->kind == BERR_NONE)
			berr_sys(err, "write %s", staged);
		close(fd);
		return -1;
	}
	close(fd);
	if (!image_blob_path(root, id, dest, sizeof(dest)))
		return berr_set(err, BERR_INVALID, "data root path too long");
	return image_fs_txn_place(t, staged, dest, &placed, err);
}

/* Inserts the image_layers rows and sums the layer sizes. */
static int put_image_layers(struct store *st, const char *id, json_t *diff_ids, int64_t *size,
			    berr *err)
{
	char chain[IMAGE_DIGEST_SIZE] = "";
	size_t i;
	json_t *v;

	*size = 0;
	json_array_foreach(diff_ids, i, v) {
		sqlite3_stmt *stmt;
		char next[IMAGE_DIGEST_SIZE];
		int rc;

		layer_chain_id(chain, json_string_value(v), next);
		memcpy(chain, next, sizeof(chain));
		if (store_prepare(st, &stmt, "SELECT size FROM layers WHERE chain_id = ?", err) < 0)
			return -1;
		sqlite3_bind_text(stmt, 1, chain, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW)
			*size += sqlite3_column_int64(stmt, 0);
		sqlite3_reset(stmt);
		if (rc != SQLITE_ROW)
			return berr_set(err, BERR_INVALID, "image layer %s is not in the store", chain);
		if (store_prepare(st, &stmt,
				  "INSERT INTO image_layers(image_id, position, chain_id) VALUES(?, ?, ?)",
				  err) < 0)
			return -1;
		sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)i);
		sqlite3_bind_text(stmt, 3, chain, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE)
			return store_error(st, err, "record image layer");
	}
	return 0;
}

/* Records an image and its layers and places its config blob. */
int image_store_put(struct image_fs_txn *t, struct store *st, const char *root,
		    const char *config, size_t config_len, const char *parent, bool *created,
		    char id_out[IMAGE_DIGEST_SIZE], berr *err)
{
	char hex[SHA256_HEX_SIZE];
	json_error_t jerr;
	json_t *parsed, *diff_ids;
	sqlite3_stmt *stmt;
	int64_t size, created_at = 0;
	int rc, ret = -1;

	*created = false;
	sha256_data_hex(config, config_len, hex);
	snprintf(id_out, IMAGE_DIGEST_SIZE, "sha256:%s", hex);
	if (store_prepare(st, &stmt, "SELECT 1 FROM images WHERE id = ?", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, id_out, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return store_error(st, err, "look up image");
	parsed = json_loadb(config, config_len, 0, &jerr);
	if (!parsed)
		return berr_set(err, BERR_INVALID, "invalid image config: %s", jerr.text);
	if (config_diff_ids(parsed, &diff_ids, err) < 0)
		goto out;
	image_parse_time(json_string_value(json_object_get(parsed, "created")), &created_at);
	if (store_prepare(st, &stmt,
			  "INSERT INTO images(id, config, created, size, parent, loaded)"
			  " VALUES(?, ?, ?, 0, ?, ?)",
			  err) < 0)
		goto out;
	sqlite3_bind_text(stmt, 1, id_out, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(stmt, 2, config, (int)config_len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 3, created_at);
	sqlite3_bind_text(stmt, 4, parent ? parent : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 5, image_now_nano());
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		store_error(st, err, "record image");
		goto out;
	}
	if (put_image_layers(st, id_out, diff_ids, &size, err) < 0)
		goto out;
	if (store_prepare(st, &stmt, "UPDATE images SET size = ? WHERE id = ?", err) < 0)
		goto out;
	sqlite3_bind_int64(stmt, 1, size);
	sqlite3_bind_text(stmt, 2, id_out, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		store_error(st, err, "record image size");
		goto out;
	}
	if (place_config_blob(t, root, id_out, config, config_len, err) < 0)
		goto out;
	*created = true;
	ret = 0;
out:
	json_decref(parsed);
	return ret;
}

/* Points a reference at an image, moving it when it existed. */
int image_store_set_tag(struct store *st, const char *full_ref, const char *image_id, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt,
			  "INSERT INTO tags(reference, image_id, created) VALUES(?, ?, ?)"
			  " ON CONFLICT(reference) DO UPDATE SET image_id = excluded.image_id,"
			  " created = excluded.created",
			  err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, full_ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, image_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 3, image_now_nano());
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_error(st, err, "tag image");
	return 0;
}

/* Rows of a one-parameter query as an array of strings (first column). */
static int query_strings(struct store *st, const char *sql, const char *param, json_t **out,
			 berr *err)
{
	sqlite3_stmt *stmt;
	json_t *arr = json_array();
	int rc;

	if (store_prepare(st, &stmt, sql, err) < 0) {
		json_decref(arr);
		return -1;
	}
	sqlite3_bind_text(stmt, 1, param, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		json_array_append_new(arr, json_string(store_text(stmt, 0)));
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return store_error(st, err, "query images");
	}
	*out = arr;
	return 0;
}

/* The stored references of an image, sorted. */
int image_store_refs(struct store *st, const char *image_id, json_t **out, berr *err)
{
	return query_strings(st, "SELECT reference FROM tags WHERE image_id = ? ORDER BY reference",
			     image_id, out, err);
}

/* The chain ids of an image, base layer first. */
int image_store_chain_ids(struct store *st, const char *image_id, json_t **out, berr *err)
{
	return query_strings(st,
			     "SELECT chain_id FROM image_layers WHERE image_id = ? ORDER BY position",
			     image_id, out, err);
}

/* Counts the containers using an image, live and stopped. */
int image_store_containers(struct store *st, const char *image_id, int *stopped, int *running,
			   char *first_stopped, char *first_running, size_t idsize, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*stopped = *running = 0;
	if (first_stopped)
		first_stopped[0] = '\0';
	if (first_running)
		first_running[0] = '\0';
	if (store_prepare(st, &stmt,
			  "SELECT id, state FROM containers WHERE image_id = ? ORDER BY created", err) <
	    0)
		return -1;
	sqlite3_bind_text(stmt, 1, image_id, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *state = store_text(stmt, 1);
		bool live = strcmp(state, "running") == 0 || strcmp(state, "paused") == 0 ||
			    strcmp(state, "restarting") == 0;

		if (live && (*running)++ == 0 && first_running)
			snprintf(first_running, idsize, "%s", store_text(stmt, 0));
		if (!live && (*stopped)++ == 0 && first_stopped)
			snprintf(first_stopped, idsize, "%s", store_text(stmt, 0));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_error(st, err, "look up containers");
	return 0;
}

/* Counts the images whose parent is this one. */
int64_t image_store_count(struct store *st, berr *err)
{
	return store_int(st, "SELECT count(*) FROM images", err);
}

int image_store_shared_sizes(struct store *st, json_t *sizes, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt,
			  "SELECT il.image_id, COALESCE(SUM(l.size), 0)"
			  " FROM (SELECT DISTINCT image_id, chain_id FROM image_layers) il"
			  " JOIN layers l ON l.chain_id = il.chain_id"
			  " WHERE il.chain_id IN (SELECT chain_id FROM image_layers GROUP BY chain_id"
			  "                       HAVING COUNT(DISTINCT image_id) > 1)"
			  " GROUP BY il.image_id",
			  err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		json_object_set_new(sizes, (const char *)sqlite3_column_text(stmt, 0),
				    json_integer(sqlite3_column_int64(stmt, 1)));
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_error(st, err, "sum shared layers");
	return 0;
}

int image_store_children(struct store *st, const char *image_id, int *count, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "SELECT count(*) FROM images WHERE parent = ?", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, image_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	*count = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_error(st, err, "count child images");
	return 0;
}

/* Deletes an image, its tags and the layers nothing else uses. */
int image_store_delete(struct image_fs_txn *t, struct store *st, const char *root,
		       const char *image_id, json_t *records, uint64_t *reclaimed, berr *err)
{
	char path[4200];
	json_t *chain_ids = NULL;
	sqlite3_stmt *stmt;
	int rc, ret = -1;

	if (image_store_chain_ids(st, image_id, &chain_ids, err) < 0)
		return -1;
	if (store_prepare(st, &stmt, "DELETE FROM tags WHERE image_id = ?", err) < 0)
		goto out;
	sqlite3_bind_text(stmt, 1, image_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		store_error(st, err, "delete tags");
		goto out;
	}
	if (store_prepare(st, &stmt, "DELETE FROM images WHERE id = ?", err) < 0)
		goto out;
	sqlite3_bind_text(stmt, 1, image_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		store_error(st, err, "delete image");
		goto out;
	}
	if (records)
		json_array_append_new(records, json_pack("{s:s}", "Deleted", image_id));
	if (image_blob_path(root, image_id, path, sizeof(path)) &&
	    image_fs_txn_remove(t, path, err) < 0)
		goto out;
	ret = layer_release_unused(t, st, root, chain_ids, records, reclaimed, err);
out:
	json_decref(chain_ids);
	return ret;
}

/* The exact config bytes of an image. */
int image_store_config(struct store *st, const char *image_id, char **config, size_t *len,
		       berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "SELECT config FROM images WHERE id = ?", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, image_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(stmt);
		if (rc == SQLITE_DONE)
			return berr_set(err, BERR_NOT_FOUND, "No such image: %s", image_id);
		return store_error(st, err, "read image config");
	}
	*len = (size_t)sqlite3_column_bytes(stmt, 0);
	*config = malloc(*len + 1);
	if (*config) {
		memcpy(*config, sqlite3_column_blob(stmt, 0), *len);
		(*config)[*len] = '\0';
	}
	sqlite3_reset(stmt);
	if (!*config)
		return berr_errno(err, ENOMEM, "read image config");
	return 0;
}

/* The image a tag points at, if any. */
static int lookup_tag(struct store *st, const char *full_ref, char id[IMAGE_DIGEST_SIZE],
		      bool *found, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "SELECT image_id FROM tags WHERE reference = ?", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, full_ref, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	*found = rc == SQLITE_ROW;
	if (*found)
		snprintf(id, IMAGE_DIGEST_SIZE, "%s", store_text(stmt, 0));
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(st, err, "look up tag");
	return 0;
}

/* Images whose id starts with "sha256:" + hex prefix: exactly one wanted. */
static int lookup_prefix(struct store *st, const char *name, char id[IMAGE_DIGEST_SIZE],
			 bool *found, berr *err)
{
	char pattern[IMAGE_DIGEST_SIZE + 2];
	const char *hex = strncmp(name, "sha256:", 7) == 0 ? name + 7 : name;
	sqlite3_stmt *stmt;
	int rc, n = 0;

	*found = false;
	if (!ref_is_hex_id_prefix(name) || !*hex)
		return 0;
	snprintf(pattern, sizeof(pattern), "sha256:%s*", hex);
	if (store_prepare(st, &stmt, "SELECT id FROM images WHERE id GLOB ? LIMIT 2", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, pattern, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (n++ == 0)
			snprintf(id, IMAGE_DIGEST_SIZE, "%s", store_text(stmt, 0));
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_error(st, err, "look up image");
	if (n > 1)
		return berr_set(err, BERR_INVALID, "multiple images found with provided prefix: %s",
				name);
	*found = n == 1;
	return 0;
}

/* Resolves a name to an image id the way Docker's GetImage does: a full id
 * first, then a reference, then an id prefix. *matched_ref receives the
 * stored reference when a tag matched. */
int image_lookup(struct store *st, const char *name, char id[IMAGE_DIGEST_SIZE],
		 char *matched_ref, size_t refsize, berr *err)
{
	char full[REF_STRING_SIZE];
	bool found = false;

	if (matched_ref)
		matched_ref[0] = '\0';
	if (!name || !*name)
		return berr_set(err, BERR_NOT_FOUND, "No such image: %s", name ? name : "");
	if (!(strncmp(name, "sha256:", 7) == 0 && sha256_is_hex(name + 7)) && !sha256_is_hex(name) &&
	    image_ref_normalize(name, full, sizeof(full), NULL) == 0) {
		if (lookup_tag(st, full, id, &found, err) < 0)
			return -1;
		if (found && matched_ref)
			snprintf(matched_ref, refsize, "%s", full);
	}
	if (!found && lookup_prefix(st, name, id, &found, err) < 0)
		return -1;
	if (!found) {
		/* Docker names a reference as it reads it: "app" is "app:latest" */
		struct image_ref ref;
		char familiar[REF_STRING_SIZE];
		if (!sha256_is_hex(name) && strncmp(name, "sha256:", 7) != 0 &&
		    ref_parse_normalized(name, &ref, NULL) == 0) {
			ref_familiar(&ref, familiar, sizeof(familiar));
			return berr_set(err, BERR_NOT_FOUND, "No such image: %s", familiar);
		}
		return berr_set(err, BERR_NOT_FOUND, "No such image: %s", name);
	}
	return 0;
}

/* Resolves a name to an image with its config, layers and reference. */
int image_resolve(struct store *st, const char *name, struct image_info *out, berr *err)
{
	char matched[REF_STRING_SIZE];
	char *config = NULL;
	size_t len;
	json_error_t jerr;
	json_t *refs = NULL;

	memset(out, 0, sizeof(*out));
	if (image_lookup(st, name, out->id, matched, sizeof(matched), err) < 0)
		return -1;
	if (image_store_config(st, out->id, &config, &len, err) < 0)
		goto fail;
	out->config = json_loadb(config, len, 0, &jerr);
	free(config);
	if (!out->config) {
		berr_set(err, BERR_SYSTEM, "image %s has a damaged config: %s", out->id, jerr.text);
		goto fail;
	}
	if (image_store_chain_ids(st, out->id, &out->chain_ids, err) < 0)
		goto fail;
	if (!matched[0]) {
		if (image_store_refs(st, out->id, &refs, err) < 0)
			goto fail;
		for (size_t i = 0; i < json_array_size(refs) && !matched[0]; i++)
			if (!image_ref_is_digest(json_string_value(json_array_get(refs, i))))
				snprintf(matched, sizeof(matched), "%s",
					 json_string_value(json_array_get(refs, i)));
		json_decref(refs);
	}
	if (matched[0]) {
		char familiar[REF_STRING_SIZE];

		image_ref_familiar(matched, familiar, sizeof(familiar));
		out->reference = strdup(familiar);
	}
	return 0;
fail:
	image_info_free(out);
	return -1;
}

/* Releases what image_resolve filled in. */
void image_info_free(struct image_info *info)
{
	if (!info)
		return;
	json_decref(info->config);
	json_decref(info->chain_ids);
	free(info->reference);
	info->config = NULL;
	info->chain_ids = NULL;
	info->reference = NULL;
}

int image_store_rows(struct store *st, struct image_store_row **out, size_t *count, berr *err)
{
	struct image_store_row *rows = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt,
			  "SELECT id, parent, created, size, config, intermediate FROM images ORDER BY created", err) <
	    0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct image_store_row *r;

		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			rows = xreallocarray(rows, cap, sizeof(*rows));
		}
		r = &rows[n++];
		memset(r, 0, sizeof(*r));
		snprintf(r->id, sizeof(r->id), "%s", store_text(stmt, 0));
		snprintf(r->parent, sizeof(r->parent), "%s", store_text(stmt, 1));
		r->created = sqlite3_column_int64(stmt, 2);
		r->size = sqlite3_column_int64(stmt, 3);
		r->config = json_loadb(sqlite3_column_blob(stmt, 4),
				       (size_t)sqlite3_column_bytes(stmt, 4), 0, NULL);
		r->labels = json_object_get(json_object_get(r->config, "config"), "Labels");
		r->intermediate = sqlite3_column_int(stmt, 5) != 0;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		image_store_rows_free(rows, n);
		return store_error(st, err, "list images");
	}
	*out = rows;
	*count = n;
	return 0;
}

void image_store_rows_free(struct image_store_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_decref(rows[i].config);
	free(rows);
}

int image_store_parent(struct store *st, const char *id, char parent[IMAGE_DIGEST_SIZE], berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	parent[0] = '\0';
	if (store_prepare(st, &stmt, "SELECT parent FROM images WHERE id = ?", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		snprintf(parent, IMAGE_DIGEST_SIZE, "%s", store_text(stmt, 0));
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(st, err, "read image parent");
	return 0;
}

int image_store_set_parent(struct store *st, const char *id, const char *parent, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "UPDATE images SET parent = ? WHERE id = ?", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, parent, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_error(st, err, "set image parent");
}

int64_t image_size(struct store *st, const char *image_id)
{
	int64_t size = -1;

	return image_store_meta(st, image_id, NULL, NULL, &size, NULL) < 0 ? -1 : size;
}

int image_store_meta(struct store *st, const char *id, char parent[IMAGE_DIGEST_SIZE],
		     int64_t *created, int64_t *size, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "SELECT parent, created, size FROM images WHERE id = ?", err) <
	    0)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		if (parent)
			snprintf(parent, IMAGE_DIGEST_SIZE, "%s", store_text(stmt, 0));
		if (created)
			*created = sqlite3_column_int64(stmt, 1);
		if (size)
			*size = sqlite3_column_int64(stmt, 2);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return berr_set(err, BERR_NOT_FOUND, "No such image: %s", id);
	return 0;
}

int64_t image_store_last_tagged(struct store *st, const char *id)
{
	sqlite3_stmt *stmt;
	int64_t when = -1;

	if (store_prepare(st, &stmt, "SELECT max(created) FROM tags WHERE image_id = ?", NULL) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL)
		when = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return when;
}

int image_store_untag(struct store *st, const char *reference, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "DELETE FROM tags WHERE reference = ?", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, reference, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_error(st, err, "untag image");
}

int image_store_repo_tags(struct store *st, const char *repo, json_t **out, berr *err)
{
	sqlite3_stmt *stmt;
	char pattern[700];
	int rc;

	*out = json_array();
	snprintf(pattern, sizeof(pattern), "%s:*", repo);
	if (store_prepare(st, &stmt,
			  "SELECT reference, image_id FROM tags WHERE reference GLOB ? ORDER BY reference",
			  err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, pattern, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *ref = store_text(stmt, 0);

		/* "repo:tag" only, not "repo:port/other:tag" lookalikes. */
		if (!strchr(ref + strlen(repo) + 1, '/') && !strchr(ref, '@'))
			json_array_append_new(*out, json_pack("[s, s]", ref, store_text(stmt, 1)));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_error(st, err, "list tags");
	return 0;
}

int image_store_set_intermediate(struct store *st, const char *id, bool intermediate, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "UPDATE images SET intermediate = ? WHERE id = ?", err) < 0)
		return -1;
	sqlite3_bind_int(stmt, 1, intermediate);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_error(st, err, "mark an image");
}
