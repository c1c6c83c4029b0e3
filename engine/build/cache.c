/* The build cache: the build_cache table (see migration 7). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/build/internal.h"
#include "engine/core/alloc.h"
#include "engine/core/sha256.h"
#include "engine/core/strbuf.h"
#include "engine/store/store.h"

static void key_hex(const struct cache_key *key, char hex[SHA256_HEX_SIZE])
{
	struct sha256_ctx sum;

	sha256_init(&sum);
	sha256_update(&sum, key->parent, strlen(key->parent) + 1);
	sha256_update(&sum, key->instruction, strlen(key->instruction) + 1);
	sha256_update(&sum, key->args, strlen(key->args) + 1);
	sha256_update(&sum, key->files, strlen(key->files) + 1);
	sha256_final_hex(&sum, hex);
}

static int64_t now_nano(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int cache_lookup(struct store *st, const struct cache_key *key, char image_id[IMAGE_DIGEST_SIZE],
		 bool *found, berr *err)
{
	char hex[SHA256_HEX_SIZE];
	sqlite3_stmt *stmt;
	int rc;

	*found = false;
	key_hex(key, hex);
	if (store_prepare(st, &stmt, "SELECT image_id FROM build_cache WHERE key = ?", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, hex, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		snprintf(image_id, IMAGE_DIGEST_SIZE, "%s", (const char *)sqlite3_column_text(stmt, 0));
		*found = true;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(st, err, "look up the build cache");
	if (!*found)
		return 0;
	if (store_prepare(st, &stmt, "UPDATE build_cache SET last_used = ? WHERE key = ?", err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, now_nano());
	sqlite3_bind_text(stmt, 2, hex, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_error(st, err, "update the build cache");
}

int cache_record(struct store *st, const struct cache_key *key, const char *image_id,
		 int64_t size, berr *err)
{
	char hex[SHA256_HEX_SIZE];
	sqlite3_stmt *stmt;
	int64_t now = now_nano();
	int rc;

	key_hex(key, hex);
	if (store_prepare(st, &stmt,
			  "INSERT OR REPLACE INTO build_cache(key, image_id, parent, instruction, args,"
			  " files, created, last_used, size, origin, line)"
			  " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, image_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, key->parent, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, key->instruction, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 5, key->args, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 6, key->files, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 7, now);
	sqlite3_bind_int64(stmt, 8, now);
	sqlite3_bind_int64(stmt, 9, size > 0 ? size : 0);
	sqlite3_bind_text(stmt, 10, key->origin ? key->origin : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 11, key->line);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_error(st, err, "record in the build cache");
}

/* The value of name in "k=v\n" text, or NULL. */
static const char *arg_value(const char *text, const char *name, size_t *len)
{
	size_t nlen = strlen(name);

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);

		if (l > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			*len = l - nlen - 1;
			return p + nlen + 1;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* "build arg A changed, build arg B was not set before" */
static char *args_difference(const char *was, const char *now)
{
	struct strbuf out = {0};
	const char *texts[2] = {now, was};

	for (int side = 0; side < 2; side++) {
		for (const char *p = texts[side]; p && *p;) {
			const char *nl = strchr(p, '\n'), *eq = strchr(p, '=');
			size_t l = nl ? (size_t)(nl - p) : strlen(p), vlen = 0;
			char name[256];

			if (eq && (size_t)(eq - p) < sizeof(name) && eq < p + l) {
				snprintf(name, sizeof(name), "%.*s", (int)(eq - p), p);
				const char *other = arg_value(texts[!side], name, &vlen);
				size_t mine = l - (size_t)(eq - p) - 1;
				if (!other && side == 0)
					strbuf_addf(&out, "%sbuild arg %s is new", out.s ? ", " : "", name);
				else if (!other)
					strbuf_addf(&out, "%sbuild arg %s is gone", out.s ? ", " : "", name);
				else if (side == 0 && (vlen != mine || memcmp(other, eq + 1, mine) != 0))
					strbuf_addf(&out, "%sbuild arg %s changed", out.s ? ", " : "", name);
			}
			p = nl ? nl + 1 : NULL;
		}
	}
	return out.s ? strbuf_steal(&out) : xstrdup("the build args changed");
}

char *cache_miss_reason(struct store *st, const struct cache_key *key, berr *err)
{
	sqlite3_stmt *stmt;
	char *reason = NULL, *changed = NULL;
	int rc;

	if (store_prepare(st, &stmt,
			  "SELECT instruction, args, files, origin, line FROM build_cache WHERE parent = ?"
			  " ORDER BY last_used DESC LIMIT 500",
			  err) < 0)
		return NULL;
	sqlite3_bind_text(stmt, 1, key->parent, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *ins = (const char *)sqlite3_column_text(stmt, 0);
		const char *args = (const char *)sqlite3_column_text(stmt, 1);
		const char *files = (const char *)sqlite3_column_text(stmt, 2);
		const char *origin = (const char *)sqlite3_column_text(stmt, 3);
		int line = sqlite3_column_int(stmt, 4);

		(void)line;
		if (strcmp(ins, key->instruction) == 0 && strcmp(args, key->args) == 0 &&
		    strcmp(files, key->files) != 0) {
			reason = xstrdup("the files it copies changed");
			break;
		}
		if (strcmp(ins, key->instruction) == 0 && strcmp(args, key->args) != 0) {
			reason = args_difference(args, key->args);
			break;
		}
		/* the same Dockerfile built on this parent before: what this
		 * line was then (or what came after the parent then) */
		if (!changed && key->origin && *key->origin && strcmp(origin, key->origin) == 0 &&
		    line > 0) {
			struct strbuf b = {0};
			strbuf_addf(&b, "the instruction changed (it was: %.200s)", ins);
			changed = strbuf_steal(&b);
		}
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		free(changed);
		store_error(st, err, "read the build cache");
		return NULL;
	}
	if (reason) {
		free(changed);
		return reason;
	}
	return changed; /* NULL: nothing to compare with, as in a first build */
}

int cache_entries(struct store *st, json_t **out, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*out = json_array();
	if (store_prepare(st, &stmt,
			  "SELECT key, image_id, last_used, created, instruction FROM build_cache"
			  " ORDER BY last_used DESC",
			  err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		json_array_append_new(*out, json_pack("{s:s, s:s, s:I, s:I, s:s}", "key",
						      (const char *)sqlite3_column_text(stmt, 0), "image",
						      (const char *)sqlite3_column_text(stmt, 1), "last_used",
						      (json_int_t)sqlite3_column_int64(stmt, 2), "created",
						      (json_int_t)sqlite3_column_int64(stmt, 3), "instruction",
						      (const char *)sqlite3_column_text(stmt, 4)));
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_error(st, err, "read the build cache");
}

int cache_forget(struct store *st, const char *key, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "DELETE FROM build_cache WHERE key = ?", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_error(st, err, "prune the build cache");
}

int cache_image_cached(struct store *st, const char *image_id, bool *cached, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*cached = false;
	if (store_prepare(st, &stmt, "SELECT 1 FROM build_cache WHERE image_id = ? LIMIT 1", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, image_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	*cached = rc == SQLITE_ROW;
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_error(st, err, "read the build cache");
}

int cache_total_size(struct store *st, int64_t *total, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*total = 0;
	if (store_prepare(st, &stmt, "SELECT COALESCE(SUM(size), 0) FROM build_cache", err) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*total = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? 0 : store_error(st, err, "read the build cache");
}
