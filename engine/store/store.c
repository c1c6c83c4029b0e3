/* The SQLite connection behind the store: WAL, busy timeout, foreign keys,
 * migrations, a small statement cache and counted transactions. */
#include "engine/store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/store/migrations.h"

#define STORE_STMT_CACHE 64
#define STORE_BUSY_TIMEOUT_MS 30000

struct cached_stmt {
	const char *sql; /* the caller's string literal: compared by address first */
	sqlite3_stmt *stmt;
};

struct store {
	sqlite3 *db;
	int depth;
	bool failed; /* an inner level rolled back: the outermost commit must not */
	struct cached_stmt cache[STORE_STMT_CACHE];
	int ncache;
};

int store_error(struct store *store, berr *err, const char *what)
{
	int code = sqlite3_extended_errcode(store->db);
	enum berr_kind kind = BERR_SYSTEM;

	if ((code & 0xff) == SQLITE_CONSTRAINT)
		kind = BERR_CONFLICT;
	return berr_set(err, kind, "%s: %s", what, sqlite3_errmsg(store->db));
}

int store_exec(struct store *store, const char *sql, berr *err)
{
	char *msg = NULL;

	if (sqlite3_exec(store->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		berr_set(err, BERR_SYSTEM, "store: %s", msg ? msg : sqlite3_errmsg(store->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int store_schema_version(struct store *store)
{
	sqlite3_stmt *stmt;
	int version = 0;

	if (sqlite3_prepare_v2(store->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return version;
}

/* Applies every migration above the database's user_version, each in its
 * own transaction, so two processes opening a new store at once agree. */
static int store_migrate(struct store *store, berr *err)
{
	char sql[64];

	/* Up to date (the usual case): no write lock needed. */
	if (store_schema_version(store) == migrations_count())
		return 0;
	if (store_exec(store, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	for (int v = store_schema_version(store) + 1; v <= migrations_count(); v++) {
		if (store_exec(store, migrations_sql(v), err) < 0)
			goto fail;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
		if (store_exec(store, sql, err) < 0)
			goto fail;
	}
	if (store_schema_version(store) > migrations_count()) {
		berr_set(err, BERR_SYSTEM, "store: berth.db has schema %d, newer than this berth (%d)",
			 store_schema_version(store), migrations_count());
		goto fail;
	}
	return store_exec(store, "COMMIT", err);
fail:
	store_exec(store, "ROLLBACK", NULL);
	return berr_prefix(err, "migrating the store");
}

/* Creates an empty berth.db readable by its owner only, whatever the
 * umask: it holds the containers' environments (-e secrets), and SQLite
 * gives the -wal and -shm files it creates the database's mode. An
 * existing file is left as it is (the engine tightens an older store). */
static int store_create_private(const char *path, berr *err)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct stat st;

	if (fd < 0 && errno == EEXIST) {
		/* someone else's store (or a link to one) is never used */
		if (lstat(path, &st) < 0)
			return berr_sys(err, "checking %s", path);
		if (!S_ISREG(st.st_mode) || st.st_uid != geteuid())
			return berr_set(err, BERR_SYSTEM,
					"%s is not a file of the user berth runs as: refusing to "
					"use it",
					path);
		return 0;
	}
	if (fd < 0)
		return berr_sys(err, "creating %s", path);
	if (fchmod(fd, 0600) < 0) {
		berr_sys(err, "setting the mode of %s", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int store_open(struct store **out, const char *root, berr *err)
{
	char path[PATH_MAX];
	struct store *store;

	if (mkdir(root, 0700) < 0 && errno != EEXIST)
		return berr_sys(err, "creating data root %s", root);
	if (snprintf(path, sizeof(path), "%s/berth.db", root) >= (int)sizeof(path))
		return berr_set(err, BERR_INVALID, "data root path too long: %s", root);
	if (store_create_private(path, err) < 0)
		return -1;
	store = calloc(1, sizeof(*store));
	if (!store)
		return berr_errno(err, ENOMEM, "opening the store");
	if (sqlite3_open_v2(path, &store->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
				    SQLITE_OPEN_EXRESCODE,
			    NULL) != SQLITE_OK) {
		berr_set(err, BERR_SYSTEM, "opening %s: %s", path,
			 store->db ? sqlite3_errmsg(store->db) : "out of memory");
		store_close(store);
		return -1;
	}
	sqlite3_busy_timeout(store->db, STORE_BUSY_TIMEOUT_MS);
	/* Short-lived processes must not pay a checkpoint (two fsyncs) and a
	 * WAL delete on every exit: the WAL stays and is checkpointed as it
	 * grows. Kept small (128 pages) because the next process to open the
	 * store reads the whole of it to rebuild the WAL index. */
	int one = 1;
	sqlite3_db_config(store->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_file_control(store->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	if (store_exec(store, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			      "PRAGMA foreign_keys=ON; PRAGMA journal_size_limit=1048576;"
			      "PRAGMA wal_autocheckpoint=128;",
		       err) < 0 ||
	    store_migrate(store, err) < 0) {
		store_close(store);
		return berr_prefix(err, "opening %s", path);
	}
	*out = store;
	return 0;
}

void store_close(struct store *store)
{
	if (!store)
		return;
	for (int i = 0; i < store->ncache; i++)
		sqlite3_finalize(store->cache[i].stmt);
	sqlite3_close(store->db);
	free(store);
}

sqlite3 *store_handle(struct store *store)
{
	return store->db;
}

int store_prepare(struct store *store, sqlite3_stmt **out, const char *sql, berr *err)
{
	sqlite3_stmt *stmt;

	for (int i = 0; i < store->ncache; i++) {
		struct cached_stmt *c = &store->cache[i];
		if (c->sql == sql || strcmp(c->sql, sql) == 0) {
			sqlite3_reset(c->stmt);
			sqlite3_clear_bindings(c->stmt);
			*out = c->stmt;
			return 0;
		}
	}
	if (sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return store_error(store, err, "preparing a query");
	if (store->ncache == STORE_STMT_CACHE) {
		/* Full: evict the oldest entry. */
		sqlite3_finalize(store->cache[0].stmt);
		memmove(&store->cache[0], &store->cache[1],
			sizeof(store->cache[0]) * (STORE_STMT_CACHE - 1));
		store->ncache--;
	}
	store->cache[store->ncache].sql = sql;
	store->cache[store->ncache].stmt = stmt;
	store->ncache++;
	*out = stmt;
	return 0;
}

int store_begin(struct store *store, berr *err)
{
	if (store->depth++ > 0)
		return 0;
	store->failed = false;
	if (store_exec(store, "BEGIN IMMEDIATE", err) < 0) {
		store->depth = 0;
		return berr_prefix(err, "starting a transaction");
	}
	return 0;
}

bool store_in_transaction(struct store *store)
{
	return store->depth > 0;
}

int store_commit(struct store *store, berr *err)
{
	if (store->depth <= 0)
		return berr_set(err, BERR_SYSTEM, "store: commit without a transaction");
	if (--store->depth > 0)
		return 0;
	if (store->failed) {
		store_exec(store, "ROLLBACK", NULL);
		return berr_set(err, BERR_SYSTEM, "store: an inner step failed; changes rolled back");
	}
	if (store_exec(store, "COMMIT", err) < 0) {
		store_exec(store, "ROLLBACK", NULL);
		return berr_prefix(err, "committing");
	}
	return 0;
}

void store_rollback(struct store *store)
{
	if (store->depth <= 0)
		return;
	if (--store->depth > 0) {
		store->failed = true;
		return;
	}
	store_exec(store, "ROLLBACK", NULL);
}

const char *store_text(sqlite3_stmt *stmt, int col)
{
	const unsigned char *text = sqlite3_column_text(stmt, col);

	return text ? (const char *)text : "";
}

int store_read_rows(struct store *store, const char *sql, size_t elem_size,
		    int (*fill)(sqlite3_stmt *stmt, void *elem, berr *err), void (*clean)(void *elem),
		    const char *what, void **out, size_t *count, berr *err)
{
	char *list = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(store, &stmt, sql, err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == cap) {
			size_t grown = cap ? cap * 2 : 64;
			char *bigger = grown <= SIZE_MAX / elem_size ? realloc(list, grown * elem_size)
								       : NULL;
			if (!bigger) {
				berr_errno(err, ENOMEM, "%s", what);
				goto fail;
			}
			list = bigger;
			cap = grown;
		}
		memset(list + n * elem_size, 0, elem_size);
		if (fill(stmt, list + n * elem_size, err) < 0)
			goto fail;
		n++;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		store_error(store, err, what);
		goto failed;
	}
	*out = list;
	*count = n;
	return 0;
fail:
	sqlite3_reset(stmt);
failed:
	for (size_t i = 0; clean && i < n; i++)
		clean(list + i * elem_size);
	free(list);
	return -1;
}

int64_t store_int(struct store *store, const char *sql, berr *err)
{
	sqlite3_stmt *stmt;
	int64_t value = -1;
	int rc;

	if (store_prepare(store, &stmt, sql, err) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		value = sqlite3_column_int64(stmt, 0);
	else
		store_error(store, err, "counting");
	sqlite3_reset(stmt);
	return value;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int store_strings(struct store *store, const char *sql, struct store_strings *out, berr *err)
{
	sqlite3_stmt *stmt;
	size_t cap = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_prepare(store, &stmt, sql, err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 64;
			char **grown = realloc(out->v, cap * sizeof(*grown));
			if (!grown)
				goto nomem;
			out->v = grown;
		}
		if (!(out->v[out->n] = strdup(store_text(stmt, 0))))
			goto nomem;
		out->n++;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		store_strings_free(out);
		return store_error(store, err, "reading the store");
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), compare_strings);
	return 0;
nomem:
	sqlite3_reset(stmt);
	store_strings_free(out);
	return berr_errno(err, ENOMEM, "reading the store");
}

bool store_strings_has(const struct store_strings *s, const char *key)
{
	return s->n && bsearch(&key, s->v, s->n, sizeof(*s->v), compare_strings) != NULL;
}

void store_strings_free(struct store_strings *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}
