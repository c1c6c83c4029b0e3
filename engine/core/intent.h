/* Intents: before a change that touches the kernel, the files and the
 * store in several steps, a record of what is about to happen and which
 * process does it. A berth killed midway leaves the record behind, and the
 * subsystem that owns the kind finishes or undoes the change when the next
 * berth process starts. */
#ifndef BERTH_CORE_INTENT_H
#define BERTH_CORE_INTENT_H

#include <jansson.h>
#include <stddef.h>

#include "engine/core/engine.h"

/* Writes <run root>/intents/<kind>-<id> naming this process (pid and
 * start time); path receives it for intent_end. */
int intent_begin(struct engine *engine, const char *kind, const char *id, char *path, size_t n,
		 berr *err);

/* The change is done: the record goes. */
void intent_end(const char *path);

/* The records of kind whose processes are gone, as [id, path] pairs: the
 * changes to finish or undo (the caller removes each record when done). */
json_t *intent_orphans(struct engine *engine, const char *kind);

#endif
