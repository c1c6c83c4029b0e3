/* Stopping a container as `docker stop` does: its stop signal, a grace
 * time, then SIGKILL. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "engine/container/internal.h"
#include "engine/container/pause.h"
#include "engine/core/signals.h"
#include "engine/events/events.h"

int container_stop(struct engine *engine, struct container *c, int timeout_s, berr *err)
{
	const char *stop_signal = json_string_value(json_object_get(c->config, "StopSignal"));
	int sig = SIGTERM;
	int rc;

	if (!container_is_active(c))
		return 0;
	/* A stop by the user is never undone by the restart policy. */
	container_mark_stopping(engine, c);
	/* Between two runs there is no process to signal: the monitor ends. */
	if (strcmp(c->state, "restarting") == 0) {
		container_signal_monitor(engine, c, SIGTERM);
		rc = container_wait_exit(engine, c, CONTAINER_KILL_WAIT_MS, NULL, NULL, err);
		if (rc < 0)
			return -1;
		goto stopped;
	}
	/* A frozen process cannot act on a signal: thaw it first. */
	if (strcmp(c->state, "paused") == 0 && container_unpause(engine, c, err) < 0)
		return -1;
	if (stop_signal && *stop_signal) {
		int parsed = signal_from_name(stop_signal);
		if (parsed > 0)
			sig = parsed;
	}
	if (timeout_s != 0 && container_signal(engine, c, sig, NULL) == 0) {
		rc = container_wait_exit(engine, c, timeout_s < 0 ? -1 : (int64_t)timeout_s * 1000,
		                         NULL, NULL, err);
		if (rc <= 0)
			goto stopped;
	}
	if (container_kill(engine, c) == 0 || container_is_active(c)) {
		rc = container_wait_exit(engine, c, CONTAINER_KILL_WAIT_MS, NULL, NULL, err);
		if (rc < 0)
			return -1;
	}
stopped:
	if (container_is_active(c))
		return berr_set(err, BERR_SYSTEM, "container %s did not stop", c->id);
	container_emit(engine, c, "stop", NULL);
	/* an --rm container goes once stopped, as its own exit would take it */
	bool removed;
	container_sync(engine, c, &removed, NULL);
	return 0;
}
