/* Where layers' compressed blobs are known to be (the layer_sources table,
 * migration 6): recorded by pulls and pushes, read by pushes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/image/internal.h"
#include "engine/store/store.h"

int layer_source_add(struct store *st, const struct layer_source *src, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt,
			  "INSERT OR REPLACE INTO layer_sources(diff_id, digest, size, media_type, registry,"
			  " repository) VALUES(?, ?, ?, ?, ?, ?)",
			  err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, src->diff_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, src->digest, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 3, src->size);
	sqlite3_bind_text(stmt, 4, src->media_type, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 5, src->registry, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 6, src->repository, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_error(st, err, "record layer source");
}

int layer_sources_of(struct store *st, const char *diff_id, const char *registry,
		     struct layer_source **out, size_t *count, berr *err)
{
	sqlite3_stmt *stmt;
	struct layer_source *list = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	*count = 0;
	/* this registry's first, then the digests other registries had */
	if (store_prepare(st, &stmt,
			  "SELECT digest, size, media_type, registry, repository FROM layer_sources"
			  " WHERE diff_id = ? ORDER BY registry != ?, rowid DESC",
			  err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, diff_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, registry, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct layer_source *bigger = realloc(list, (n + 1) * sizeof(*list));
		struct layer_source *s;

		if (!bigger) {
			free(list);
			sqlite3_reset(stmt);
			return berr_errno(err, ENOMEM, "layer sources");
		}
		list = bigger;
		s = &list[n++];
		memset(s, 0, sizeof(*s));
		snprintf(s->diff_id, sizeof(s->diff_id), "%s", diff_id);
		snprintf(s->digest, sizeof(s->digest), "%s", store_text(stmt, 0));
		s->size = sqlite3_column_int64(stmt, 1);
		snprintf(s->media_type, sizeof(s->media_type), "%s", store_text(stmt, 2));
		snprintf(s->registry, sizeof(s->registry), "%s", store_text(stmt, 3));
		snprintf(s->repository, sizeof(s->repository), "%s", store_text(stmt, 4));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		free(list);
		return store_error(st, err, "read layer sources");
	}
	*out = list;
	*count = n;
	return 0;
}
