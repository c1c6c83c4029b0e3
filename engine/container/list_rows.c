/* The rows a container list shows, kept by the engine between lists while
 * the store's list generation holds (any process's write to a table a
 * list reads moves it: migration 11), and checked against the kernel at
 * every list as container_load_all checks them. A daemon's lists, and the
 * console's, then cost one query and a look at each running container's
 * run directory, not a parse and a summary of every row. */
#include <errno.h>
#include <stdlib.h>

#include "engine/container/internal.h"

/* Syncs each row of rows that may lag behind its run directory; true when
 * one did (the store may have moved on). */
static bool sync_lagging(struct engine *engine, const struct container_rows *rows)
{
	bool lagged = false;

	if (container_reconciled_just_now(engine))
		return false;
	for (size_t i = 0; i < rows->count; i++) {
		struct container c;

		if (!container_may_lag(engine, &rows->list[i]))
			continue;
		lagged = true;
		/* container_find syncs; errors on one container must not hide the rest */
		if (container_find(engine, rows->list[i].id, &c, NULL) == 0)
			container_free(&c);
	}
	return lagged;
}

static struct container_rows *rows_make(struct engine *engine, int64_t generation, berr *err)
{
	struct container_rows *rows = calloc(1, sizeof(*rows));

	if (!rows) {
		berr_errno(err, ENOMEM, "listing containers");
		return NULL;
	}
	rows->generation = generation;
	rows->refs = 1;
	if (container_load_all(engine, &rows->list, &rows->count, err) < 0) {
		free(rows);
		return NULL;
	}
	rows->summaries = calloc(rows->count ? rows->count : 1, sizeof(*rows->summaries));
	if (!rows->summaries) {
		container_free_all(rows->list, rows->count);
		free(rows);
		berr_errno(err, ENOMEM, "listing containers");
		return NULL;
	}
	return rows;
}

json_t *container_rows_summary(struct engine *engine, struct container_rows *rows, size_t i)
{
	json_t *made, *none = NULL;
	json_t *kept = __atomic_load_n(&rows->summaries[i], __ATOMIC_ACQUIRE);

	if (kept)
		return kept;
	/* made on first need (a `ps` of running containers never summarises
	 * the exited ones); two lists that race keep the first */
	made = container_summary_base(engine, &rows->list[i]);
	if (__atomic_compare_exchange_n(&rows->summaries[i], &none, made, false, __ATOMIC_ACQ_REL,
	                                __ATOMIC_ACQUIRE))
		return made;
	json_decref(made);
	return none;
}

int container_rows_get(struct engine *engine, struct container_rows **out, berr *err)
{
	struct store *st = engine_store(engine, err);
	struct container_rows *rows;
	int64_t generation;

	/* the generation is read before the rows: rows kept under it are at
	 * least that new */
	if (!st || container_finish_intents(engine, err) < 0 ||
	    container_list_generation(st, &generation, err) < 0)
		return -1;
	rows = container_rows_fetch(engine, generation);
	if (rows && sync_lagging(engine, rows)) {
		/* a sync that changed nothing leaves the rows as they were */
		container_rows_put(engine, rows);
		rows = NULL;
		if (container_list_generation(st, &generation, err) < 0)
			return -1;
		rows = container_rows_fetch(engine, generation);
	}
	if (!rows) {
		if (!(rows = rows_make(engine, generation, err)))
			return -1;
		container_rows_keep(engine, rows);
	}
	*out = rows;
	return 0;
}
