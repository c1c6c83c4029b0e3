/* A container as commands see it: its row brought up to date with the
 * kernel (sync.c), and an --rm container that has exited removed. */
#include <string.h>

#include "engine/container/internal.h"

int container_sync(struct engine *engine, struct container *c, bool *removed, berr *err)
{
	if (container_sync_state(engine, c, removed, err) < 0)
		return -1;
	if (*removed || !container_awaits_removal(c))
		return 0;
	/* Not inside a caller's transaction: a removal takes the container's
	 * lock, which must never be waited for while holding the store's write
	 * lock. The next sync removes it. */
	if (store_in_transaction(engine_store(engine, NULL)))
		return 0;
	if (container_remove(engine, c, true, err) < 0)
		return -1;
	*removed = true;
	return 0;
}

int container_find(struct engine *engine, const char *ref, struct container *out, berr *err)
{
	struct store *st = engine_store(engine, err);
	bool removed = false;

	if (!st || container_lookup(st, ref, out, err) < 0)
		return -1;
	if (container_sync(engine, out, &removed, err) < 0) {
		container_free(out);
		return -1;
	}
	if (removed) {
		container_free(out);
		return berr_set(err, BERR_NOT_FOUND, "No such container: %s", ref);
	}
	return 0;
}
