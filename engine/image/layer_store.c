/* Layers in the store: staging a tar into R/tmp, placing it under
 * R/layers/<chain>/diff with its blob under R/blobs/sha256/<diff>, and
 * releasing layers no image or container uses any more. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/sha256.h"
#include "engine/image/internal.h"
#include "engine/store/store.h"

/* The hex part of "sha256:<hex>" (or the string itself when bare). */
static const char *digest_hex(const char *digest)
{
	return strncmp(digest, "sha256:", 7) == 0 ? digest + 7 : digest;
}

/* R/layers/<hex>/diff for a chain id. */
char *image_layer_dir(const char *root, const char *chain_id, char *buf, size_t size)
{
	if ((size_t)snprintf(buf, size, "%s/layers/%s/diff", root, digest_hex(chain_id)) >= size)
		return NULL;
	return buf;
}

/* <hex>/diff, the lowerdir name relative to R/layers. */
char *image_layer_rel(const char *chain_id, char *buf, size_t size)
{
	if ((size_t)snprintf(buf, size, "%s/diff", digest_hex(chain_id)) >= size)
		return NULL;
	return buf;
}

/* R/blobs/sha256/<hex> for a digest. */
char *image_blob_path(const char *root, const char *digest, char *buf, size_t size)
{
	if ((size_t)snprintf(buf, size, "%s/blobs/sha256/%s", root, digest_hex(digest)) >= size)
		return NULL;
	return buf;
}

/* ChainID(parent, diff) = sha256(parent + " " + diff); the diff id for a base layer. */
void layer_chain_id(const char *parent_chain, const char *diff_id, char out[IMAGE_DIGEST_SIZE])
{
	char hex[SHA256_HEX_SIZE];
	struct sha256_ctx ctx;

	if (!parent_chain || !*parent_chain) {
		snprintf(out, IMAGE_DIGEST_SIZE, "%s", diff_id);
		return;
	}
	sha256_init(&ctx);
	sha256_update(&ctx, parent_chain, strlen(parent_chain));
	sha256_update(&ctx, " ", 1);
	sha256_update(&ctx, diff_id, strlen(diff_id));
	sha256_final_hex(&ctx, hex);
	snprintf(out, IMAGE_DIGEST_SIZE, "sha256:%s", hex);
}

int64_t layer_store_total_size(struct store *st, berr *err)
{
	return store_int(st, "SELECT COALESCE(SUM(size), 0) FROM layers", err);
}

/* Whether the layers table has the chain id. */
int layer_exists(struct store *st, const char *chain_id, bool *exists, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "SELECT 1 FROM layers WHERE chain_id = ?", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, chain_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(st, err, "look up layer");
	*exists = rc == SQLITE_ROW;
	return 0;
}

/* Unpacks a tar into staging and computes its ids. */
int layer_stage(struct image_staging *sg, struct store *st, const char *root, int fd,
		const char *parent, const char *expected_diff_id, const struct layer_limits *limits,
		struct layer_staged *out, berr *err)
{
	struct layer_apply_result res;
	char diff[4200];
	int root_fd = -1, blob_fd = -1, ret = -1;

	(void)st;
	(void)root;
	memset(out, 0, sizeof(*out));
	snprintf(out->parent, sizeof(out->parent), "%s", parent ? parent : "");
	image_staging_name(sg, "layer", out->dir, sizeof(out->dir));
	image_staging_name(sg, "blob", out->blob, sizeof(out->blob));
	snprintf(diff, sizeof(diff), "%s/diff", out->dir);
	if (mkdir(out->dir, 0700) < 0 || mkdir(diff, 0755) < 0)
		return berr_sys(err, "create %s", diff);
	root_fd = open(diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	blob_fd = open(out->blob, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (root_fd < 0 || blob_fd < 0) {
		berr_sys(err, "open staging files");
		goto out;
	}
	if (layer_apply(fd, root_fd, blob_fd, limits, &res, err) < 0)
		goto out;
	if (fsync(blob_fd) < 0) {
		berr_sys(err, "write layer blob");
		goto out;
	}
	if (expected_diff_id && strcmp(expected_diff_id, res.diff_id) != 0) {
		berr_set(err, BERR_INVALID, "invalid diffID for layer: expected %s, got %s",
			 expected_diff_id, res.diff_id);
		goto out;
	}
	snprintf(out->diff_id, sizeof(out->diff_id), "%s", res.diff_id);
	layer_chain_id(out->parent, out->diff_id, out->chain_id);
	out->size = res.size;
	ret = 0;
out:
	if (root_fd >= 0)
		close(root_fd);
	if (blob_fd >= 0)
		close(blob_fd);
	if (ret < 0) {
		berr ignored;

		fs_remove_tree(out->dir, &ignored);
		unlink(out->blob);
	}
	return ret;
}

/* Moves a staged layer into place and records it. */
int layer_commit_staged(struct image_fs_txn *t, struct store *st, const char *root,
			const struct layer_staged *ls, berr *err)
{
	char dest[4200];
	sqlite3_stmt *stmt;
	bool exists = false, placed = false;

	if (layer_exists(st, ls->chain_id, &exists, err) < 0)
		return -1;
	if (ls->present) {
		if (!exists)
			return berr_set(err, BERR_CONFLICT,
					"layer %s was removed meanwhile; try again", ls->chain_id);
		return 0;
	}
	if (exists)
		return 0; /* Another writer registered it first; ours is dropped with staging. */
	snprintf(dest, sizeof(dest), "%s/layers/%s", root, digest_hex(ls->chain_id));
	if (image_fs_txn_place(t, ls->dir, dest, &placed, err) < 0)
		return -1;
	if (!image_blob_path(root, ls->diff_id, dest, sizeof(dest)))
		return berr_set(err, BERR_INVALID, "data root path too long");
	if (image_fs_txn_place(t, ls->blob, dest, &placed, err) < 0)
		return -1;
	if (store_prepare(st, &stmt,
			  "INSERT INTO layers(chain_id, diff_id, parent, size) VALUES(?, ?, ?, ?)",
			  err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, ls->chain_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, ls->diff_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, ls->parent, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)ls->size);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		store_error(st, err, "record layer");
		sqlite3_reset(stmt);
		return -1;
	}
	sqlite3_reset(stmt);
	return 0;
}

/* True when any image, container or child layer still uses the layer. */
static int layer_in_use(struct store *st, const char *chain_id, bool *used, berr *err)
{
	static const char *const queries[] = {
		"SELECT 1 FROM image_layers WHERE chain_id = ? LIMIT 1",
		"SELECT 1 FROM layers WHERE parent = ? LIMIT 1",
		("SELECT 1 FROM containers, json_each(containers.layers)"
		 " WHERE json_each.value = ? LIMIT 1"),
	};

	*used = false;
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]) && !*used; i++) {
		sqlite3_stmt *stmt;
		int rc;

		if (store_prepare(st, &stmt, queries[i], err) < 0)
			return -1;
		sqlite3_bind_text(stmt, 1, chain_id, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return store_error(st, err, "check layer use");
		*used = rc == SQLITE_ROW;
	}
	return 0;
}

int layer_get(struct store *st, const char *chain_id, char *diff_id, char *parent,
		     uint64_t *size, bool *found, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "SELECT diff_id, parent, size FROM layers WHERE chain_id = ?",
			  err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, chain_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	*found = rc == SQLITE_ROW;
	if (*found) {
		snprintf(diff_id, IMAGE_DIGEST_SIZE, "%s", store_text(stmt, 0));
		snprintf(parent, IMAGE_DIGEST_SIZE, "%s", store_text(stmt, 1));
		*size = (uint64_t)sqlite3_column_int64(stmt, 2);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(st, err, "read layer");
	return 0;
}

/* Runs a one-parameter statement that returns no rows. */
static int exec_text(struct store *st, const char *sql, const char *value, const char *what,
		     berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, sql, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, value, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_error(st, err, what);
	return 0;
}

/* Deletes one unused layer: its row, its directory and (when no other
 * layer shares the diff id) its blob. */
static int layer_delete(struct image_fs_txn *t, struct store *st, const char *root,
			const char *chain_id, const char *diff_id, berr *err)
{
	char path[4200];
	bool shared;
	sqlite3_stmt *stmt;
	int rc;

	if (exec_text(st, "DELETE FROM layers WHERE chain_id = ?", chain_id, "delete layer", err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/layers/%s", root, digest_hex(chain_id));
	if (image_fs_txn_remove(t, path, err) < 0)
		return -1;
	if (store_prepare(st, &stmt, "SELECT 1 FROM layers WHERE diff_id = ? LIMIT 1", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, diff_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(st, err, "check layer blob");
	shared = rc == SQLITE_ROW;
	if (!shared && image_blob_path(root, diff_id, path, sizeof(path)))
		return image_fs_txn_remove(t, path, err);
	return 0;
}

/* Deletes the given layers (and parents) that nothing uses any more. */
int layer_release_unused(struct image_fs_txn *t, struct store *st, const char *root,
			 json_t *chain_ids, json_t *deleted, uint64_t *reclaimed, berr *err)
{
	/* Top layers first: a layer's parent is only free once it is gone. */
	for (size_t i = json_array_size(chain_ids); i-- > 0;) {
		char chain[IMAGE_DIGEST_SIZE], diff_id[IMAGE_DIGEST_SIZE], parent[IMAGE_DIGEST_SIZE];
		uint64_t size;
		bool found, used;

		snprintf(chain, sizeof(chain), "%s", json_string_value(json_array_get(chain_ids, i)));
		while (chain[0]) {
			if (layer_get(st, chain, diff_id, parent, &size, &found, err) < 0)
				return -1;
			if (!found)
				break;
			if (layer_in_use(st, chain, &used, err) < 0)
				return -1;
			if (used)
				break;
			if (layer_delete(t, st, root, chain, diff_id, err) < 0)
				return -1;
			if (deleted)
				json_array_append_new(deleted, json_pack("{s:s}", "Deleted", chain));
			if (reclaimed)
				*reclaimed += size;
			snprintf(chain, sizeof(chain), "%s", parent);
		}
	}
	return 0;
}
