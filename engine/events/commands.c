/* system.events: stored events, then new ones as any berth process commits
 * them. There is no daemon to push them, so the follower watches the data
 * root for writes to berth.db's write-ahead log (inotify) and reads the
 * rows past the last one it sent; a slow poll covers file systems where
 * inotify says nothing. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "engine/core/clock.h"
#include "engine/core/filters.h"
#include "engine/core/units.h"
#include "engine/events/events.h"

/* How often the follower looks even when inotify is silent, and how often
 * it checks for cancellation. */
#define EVENTS_POLL_MS 250
#define NS INT64_C(1000000000)

struct events_out {
	struct cmd_ctx *ctx;
	int64_t until;
	bool past_until; /* an event after until was seen: stop */
};

/* Sends one event to the submitter (a scan callback). */
static int send_event(void *user, json_t *event)
{
	struct events_out *out = user;
	int64_t t = json_integer_value(json_object_get(event, "timeNano"));

	if (out->until && t > out->until) {
		out->past_until = true;
		return 1;
	}
	cmd_progress(out->ctx, json_incref(event));
	return 0;
}

/* A time argument: unix ns as an integer, or a string as the docker CLI
 * sends it (or any --since form). 0 when absent. */
static int time_arg(json_t *args, const char *key, int64_t now, int64_t *out, berr *err)
{
	json_t *v = json_object_get(args, key);

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_string(v)) {
		if (!json_string_length(v))
			return 0;
		return units_parse_timestamp(json_string_value(v), now, out, err);
	}
	return berr_set(err, BERR_INVALID, "%s must be a timestamp", key);
}

/* Watches the data root for changes to berth.db and its WAL; -1 when inotify is unavailable. */
static int watch_store(struct engine *engine)
{
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	if (fd < 0)
		return -1;
	if (inotify_add_watch(fd, engine_root(engine), IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Waits up to ms for a write to the store's files; true when one came. */
static bool wait_for_write(int fd, int ms)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	bool wrote = false;
	ssize_t n;

	if (fd < 0) {
		poll(NULL, 0, ms);
		return false;
	}
	if (poll(&pfd, 1, ms) <= 0)
		return false;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			if (ev->len && strncmp(ev->name, "berth.db", 8) == 0)
				wrote = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	return wrote;
}

/* Sends new rows as they are committed until cancelled or past until;
 * the store's connection goes back to the pool while it waits (a follow
 * of hours must not hold one: see engine_store_release). */
static int follow(struct cmd_ctx *ctx, struct store *st, int64_t last, json_t *filters,
		  struct events_out *out, berr *err)
{
	struct engine *engine = cmd_engine(ctx);
	int fd = watch_store(engine);
	int64_t last_reconcile = clock_mono_nanos();
	int rc = 0;

	while (!cmd_cancelled(ctx) && !out->past_until) {
		int wait_ms = EVENTS_POLL_MS;
		if (out->until) {
			int64_t left = (out->until - clock_now_nanos()) / 1000000;
			if (left < 0)
				break;
			if (left < wait_ms)
				wait_ms = (int)left + 1;
		}
		engine_store_release(engine);
		wait_for_write(fd, wait_ms);
		if (!(st = engine_store(engine, err))) {
			rc = -1;
			break;
		}
		/* With no daemon, a follower is what notices that a container
		 * exited or changed health on its own: it reconciles once a second. */
		int64_t mono = clock_mono_nanos();
		if (mono - last_reconcile >= 1000000000) {
			last_reconcile = mono;
			engine_modules_reconcile(engine, NULL);
		}
		if (events_scan(st, last, 0, 0, filters, send_event, out, &last, err) < 0) {
			rc = -1;
			break;
		}
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

static int cmd_events(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	int64_t now = clock_now_nanos(), since, until, last = 0;
	json_t *filters = filters_from_api(json_object_get(args, "filters"));
	struct events_out out = {.ctx = ctx};
	struct store *st;
	int rc = -1;

	if (!filters)
		return berr_set(err, BERR_INVALID, "invalid filters");
	if (filters_validate(filters, events_filter_keys, err) < 0 ||
	    time_arg(args, "since", now, &since, err) < 0 ||
	    time_arg(args, "until", now, &until, err) < 0)
		goto out;
	if (until && until < since) {
		/* The times as the docker CLI sends them: seconds.nanoseconds. */
		berr_set(err, BERR_INVALID,
			 "`since` time (%" PRId64 ".%09" PRId64 ") cannot be after"
			 " `until` time (%" PRId64 ".%09" PRId64 ")",
			 since / NS, since % NS, until / NS, until % NS);
		goto out;
	}
	st = engine_store(cmd_engine(ctx), err);
	if (!st)
		goto out;
	out.until = until;
	/* Where following starts: taken first, so nothing committed during the
	 * scan of the past is missed (it is sent by the scan or after it). */
	if (events_last_seq(st, &last, err) < 0)
		goto out;
	if (since || until) {
		int64_t scanned = 0;
		if (events_scan(st, 0, since, until, filters, send_event, &out, &scanned, err) < 0)
			goto out;
		if (scanned > last)
			last = scanned;
	}
	/* An until already past: the stored events were the whole answer. */
	if (!until || until > clock_now_nanos())
		if (follow(ctx, st, last, filters, &out, err) < 0)
			goto out;
	*result = json_object();
	rc = 0;
out:
	json_decref(filters);
	return rc;
}

static const struct engine_command events_commands[] = {
	{"system.events", cmd_events},
	{NULL, NULL},
};

const struct engine_module events_module = {
	.name = "events",
	.commands = (const struct engine_command *const[]){events_commands, NULL},
	.startup = events_trim,
};
