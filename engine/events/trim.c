/* The events table keeps the last EVENTS_KEEP events: enough for any
 * `events --since` a user runs, bounded so a busy host's store does not
 * grow without end. Trimming takes the write lock, so it only happens
 * once the table has outgrown the bound by a margin. */
#include "engine/events/events.h"
#include "engine/store/store.h"

#define EVENTS_KEEP 100000
#define EVENTS_MARGIN 10000

int events_trim(struct engine *engine, berr *err)
{
	struct store *st = engine_store(engine, err);
	sqlite3_stmt *stmt;
	sqlite3_int64 low = 0, high = 0;

	if (!st || store_prepare(st, &stmt, "SELECT min(seq), max(seq) FROM events", err) < 0)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		low = sqlite3_column_int64(stmt, 0);
		high = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_reset(stmt);
	if (high - low < EVENTS_KEEP + EVENTS_MARGIN)
		return 0;
	if (store_prepare(st, &stmt, "DELETE FROM events WHERE seq <= ?", err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, high - EVENTS_KEEP);
	int rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : store_error(st, err, "trimming events");
	sqlite3_reset(stmt);
	return rc;
}
