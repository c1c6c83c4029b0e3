/* Events: querying the events table that engine_emit fills (from every
 * berth process sharing the store), Docker's filters over them, and
 * following new rows as they are committed.
 *
 * system.events takes {"since", "until", "filters"}: times as unix
 * nanoseconds (integers) or as strings the docker CLI would send
 * ("1714557600.000000000", RFC 3339, durations); filters in either Engine
 * API shape. Like Docker: with neither time, only new events; with since,
 * stored events from then on and then new ones; with until, events up to
 * it (following until it comes when it is in the future). Each event is
 * sent as a progress message in Docker's shape. */
#ifndef BERTH_EVENTS_EVENTS_H
#define BERTH_EVENTS_EVENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/core/engine.h"
#include "engine/store/store.h"

extern const struct engine_module events_module;

/* The filter keys Docker accepts for events. */
extern const char *const events_filter_keys[];

/* Whether an event (Docker's shape) passes a filter set, as moby's events
 * filter decides: type, event (action), container/volume/network/... by id
 * or name prefix, image by id or reference with or without tag, label by
 * the actor's attributes. */
bool events_match(json_t *filters, json_t *event);

/* Docker's event object for a stored row: status/id/from for container and
 * image events (the fields the Engine API still sends), Type, Action, Actor
 * with its attributes in key order, scope, time and timeNano. */
json_t *events_row_json(int64_t time_nano, const char *type, const char *action,
			const char *actor, const char *attributes);


/* Stored events with seq > after and since <= time <= until (0: no bound)
 * that pass the filters, oldest first. fn returning non-zero stops the
 * scan. *last is set to the highest seq looked at (left alone when none). */
int events_scan(struct store *st, int64_t after, int64_t since, int64_t until, json_t *filters,
		int (*fn)(void *user, json_t *event), void *user, int64_t *last, berr *err);

/* The highest seq in the table (0 when empty). */
int events_last_seq(struct store *st, int64_t *seq, berr *err);

/* The exit code of the container's last "die" event: 1 found, 0 none. */
int events_last_exit_code(struct store *st, const char *container_id, int *code);

/* Keeps the events table bounded (called when an engine opens). */
int events_trim(struct engine *engine, berr *err);

#endif
