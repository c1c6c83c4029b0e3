/* What the container module keeps for one engine's life: when it last
 * reconciled every row, and the rows its last list showed (list_rows.c).
 * Lists run on many threads at once (a daemon's clients, the console),
 * so the rows are shared read-only and counted. */
#include <pthread.h>
#include <stdlib.h>

#include "engine/container/internal.h"
#include "engine/core/clock.h"

/* How long after a full reconcile a list trusts it (see container_load_all). */
#define RECONCILED_FRESH_NS (100 * 1000000LL)

struct container_memory {
	pthread_mutex_t lock;
	int64_t reconciled_at;       /* monotonic; 0 before the first pass */
	struct container_rows *rows; /* the last list's, or NULL */
};

void *container_memory_new(void)
{
	struct container_memory *m = calloc(1, sizeof(*m));

	if (m)
		pthread_mutex_init(&m->lock, NULL);
	return m;
}

static void rows_free(struct container_rows *rows)
{
	for (size_t i = 0; i < rows->count; i++)
		json_decref(rows->summaries[i]);
	free(rows->summaries);
	container_free_all(rows->list, rows->count);
	free(rows);
}

void container_memory_free(void *memory)
{
	struct container_memory *m = memory;

	if (m->rows && --m->rows->refs == 0)
		rows_free(m->rows);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

static struct container_memory *memory_of(struct engine *engine)
{
	return engine_module_state(engine, "container");
}

void container_note_reconciled(struct engine *engine)
{
	struct container_memory *m = memory_of(engine);

	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->reconciled_at = clock_mono_nanos();
	pthread_mutex_unlock(&m->lock);
}

bool container_reconciled_just_now(struct engine *engine)
{
	struct container_memory *m = memory_of(engine);
	bool fresh = false;

	if (!m)
		return false;
	pthread_mutex_lock(&m->lock);
	fresh = m->reconciled_at && clock_mono_nanos() - m->reconciled_at < RECONCILED_FRESH_NS;
	pthread_mutex_unlock(&m->lock);
	return fresh;
}

struct container_rows *container_rows_fetch(struct engine *engine, int64_t generation)
{
	struct container_memory *m = memory_of(engine);
	struct container_rows *rows = NULL;

	if (!m)
		return NULL;
	pthread_mutex_lock(&m->lock);
	if (m->rows && m->rows->generation == generation) {
		rows = m->rows;
		rows->refs++;
	}
	pthread_mutex_unlock(&m->lock);
	return rows;
}

void container_rows_keep(struct engine *engine, struct container_rows *rows)
{
	struct container_memory *m = memory_of(engine);
	struct container_rows *old = NULL;

	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	/* a list that read the store before another's keeps the other's */
	if (!m->rows || m->rows->generation <= rows->generation) {
		old = m->rows;
		m->rows = rows;
		rows->refs++;
	}
	if (old && --old->refs > 0)
		old = NULL;
	pthread_mutex_unlock(&m->lock);
	if (old)
		rows_free(old);
}

void container_rows_put(struct engine *engine, struct container_rows *rows)
{
	struct container_memory *m = memory_of(engine);
	bool last;

	if (!rows)
		return;
	if (m)
		pthread_mutex_lock(&m->lock);
	last = --rows->refs == 0;
	if (m)
		pthread_mutex_unlock(&m->lock);
	if (last)
		rows_free(rows);
}
