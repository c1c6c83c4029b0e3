/* The metadata store: one SQLite database (berth.db) under the data root,
 * in WAL mode with a busy timeout so several berth processes can share it.
 * Every change runs inside a transaction. Each subsystem keeps its own
 * queries in its own folder and uses these helpers. */
#ifndef BERTH_STORE_STORE_H
#define BERTH_STORE_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/core/error.h"

struct store;

/* Opens (creating if needed) <root>/berth.db and brings its schema up to date. */
int store_open(struct store **out, const char *root, berr *err);
void store_close(struct store *store);
sqlite3 *store_handle(struct store *store);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Nesting is counted: only the
 * outermost begin/commit reach SQLite. */
int store_begin(struct store *store, berr *err);
/* Is a transaction open on this connection (an outer one included)? */
bool store_in_transaction(struct store *store);

int store_commit(struct store *store, berr *err);
void store_rollback(struct store *store);

/* Runs SQL with no result rows. */
int store_exec(struct store *store, const char *sql, berr *err);

/* Prepares a statement (cached per connection: do not finalize it; it is
 * reset and its bindings cleared for you). */
int store_prepare(struct store *store, sqlite3_stmt **out, const char *sql, berr *err);

/* Fills err from the connection's last error: "<what>: <sqlite message>". */
int store_error(struct store *store, berr *err, const char *what);

/* The schema version the database is at. */
int store_schema_version(struct store *store);

/* Column helper: text or "" (never NULL). */
const char *store_text(sqlite3_stmt *stmt, int col);

/* Every row of a query read into a malloc'd array (*out, *count) of
 * elements of elem_size bytes, each zeroed and then filled by fill, which
 * may fail (-1 with err): then the elements filled so far are given to
 * clean (may be NULL) and the array is freed. what names the query in
 * the store's errors ("listing containers"). */
int store_read_rows(struct store *store, const char *sql, size_t elem_size,
		    int (*fill)(sqlite3_stmt *stmt, void *elem, berr *err), void (*clean)(void *elem),
		    const char *what, void **out, size_t *count, berr *err);

/* The integer a one-row query gives (a count), or -1 with err filled. */
int64_t store_int(struct store *store, const char *sql, berr *err);

/* The first column of every row a query gives, sorted, for many lookups
 * at the cost of one query. */
struct store_strings {
	char **v;
	size_t n;
};
int store_strings(struct store *store, const char *sql, struct store_strings *out, berr *err);
bool store_strings_has(const struct store_strings *s, const char *key);
void store_strings_free(struct store_strings *s);

#endif
