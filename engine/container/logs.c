/* container.logs: reads the log kept on the host (json-file's, local's, or
 * the cache kept beside a receiver), rotated files oldest first (inflated
 * when compressed), filters by stream and time, takes the tail, joins the
 * pieces of lines longer than 16 KiB, and follows new entries until the
 * container stops. Entries go to the submitter as progress messages
 * {"entries": [{"stream", "time", "log", "attrs"?}, ...]}; first, and
 * again when it changes while following, {"logging": {"driver", "dropped"}}
 * (the lines a receiver missed) for the faces to show. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/container/internal.h"
#include "engine/container/logs.h"
#include "engine/core/strbuf.h"
#include "engine/core/units.h"
#include "engine/logging/log_read.h"

#define LOG_BATCH 512
#define LOG_MAX_ROTATED 1000
/* A line joined from pieces is sent as it is once it grows past this. */
#define LOG_JOIN_MAX (1 << 20)

struct log_query {
	bool stdout_wanted, stderr_wanted, follow, past_until;
	long tail; /* -1: all */
	int64_t since, until; /* ns, 0: unset */
};

/* A line being joined from its pieces. */
struct log_join {
	struct strbuf line;
	char time[40];
	json_t *attrs;
	bool open;
};

struct log_reader {
	struct cmd_ctx *ctx;
	const struct log_query *q;
	json_t *entries;
	struct log_join join[3];
	const struct container *c;
	const char *driver;
	long long dropped; /* as last told, -1 before */
};


static void batch_flush(struct log_reader *r)
{
	if (!json_array_size(r->entries))
		return;
	cmd_progress(r->ctx, json_pack("{s:o}", "entries", r->entries));
	r->entries = json_array();
}

/* Tells the submitter the driver and the dropped lines when they changed. */
static void tell_logging(struct log_reader *r)
{
	long long dropped = container_log_dropped(cmd_engine(r->ctx), r->c);
	if (dropped == r->dropped)
		return;
	r->dropped = dropped;
	batch_flush(r);
	cmd_progress(r->ctx, json_pack("{s:{s:s, s:I}}", "logging", "driver", r->driver, "dropped",
				       (json_int_t)dropped));
}

static void emit(struct log_reader *r, int stream, const char *time, const char *line, size_t len,
		 json_t *attrs)
{
	json_t *e = json_pack("{s:s, s:s, s:s%}", "stream", stream == 2 ? "stderr" : "stdout",
			      "time", time, "log", line, len);
	if (!e)
		return;
	if (json_object_size(attrs))
		json_object_set(e, "attrs", attrs);
	json_array_append_new(r->entries, e);
	if (json_array_size(r->entries) >= LOG_BATCH)
		batch_flush(r);
}

static void join_emit(struct log_reader *r, int stream)
{
	struct log_join *j = &r->join[stream];
	if (!j->open)
		return;
	emit(r, stream, j->time, j->line.s ? j->line.s : "", j->line.len, j->attrs);
	j->line.len = 0;
	json_decref(j->attrs);
	j->attrs = NULL;
	j->open = false;
}

/* One entry: filtered, joined with the pieces before it, sent. Returns 1
 * once past --until. */
static int consider_entry(void *user, const struct log_entry *e)
{
	struct log_reader *r = user;
	const struct log_query *q = r->q;
	struct log_join *j = &r->join[e->stream];
	char time[40];
	bool whole = e->len && e->line[e->len - 1] == '\n';

	if ((e->stream == 1 && !q->stdout_wanted) || (e->stream == 2 && !q->stderr_wanted))
		return 0;
	if (!j->open) {
		/* a line is judged by the time of its first piece */
		if (q->since && e->time_ns < q->since)
			return 0;
		if (q->until && e->time_ns > q->until) {
			((struct log_query *)q)->past_until = true;
			return 1;
		}
	}
	if (e->time_text)
		snprintf(time, sizeof(time), "%s", e->time_text);
	else
		units_rfc3339nano(e->time_ns, time, sizeof(time));
	if (whole && !j->open) {
		emit(r, e->stream, time, e->line, e->len, e->attrs);
		return 0;
	}
	if (!j->open) {
		j->open = true;
		snprintf(j->time, sizeof(j->time), "%s", time);
		j->attrs = json_incref(e->attrs);
	}
	strbuf_addn(&j->line, e->line, e->len);
	if (whole || j->line.len >= LOG_JOIN_MAX)
		join_emit(r, e->stream);
	return 0;
}

/* Reads src from offset `from` to its end (or its stop), feeding entries;
 * keeps an incomplete last entry in *pending. Returns 1 past --until. */
static int read_entries(struct log_reader *r, enum log_store_format fmt,
			const struct log_source *src, off_t *at, struct strbuf *pending)
{
	char buf[65536];

	for (;;) {
		if (cmd_cancelled(r->ctx))
			return 0;
		ssize_t n = log_source_pread(src, buf, sizeof(buf), *at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		*at += n;
		strbuf_addn(pending, buf, (size_t)n);
		bool stopped;
		size_t used = log_decode(fmt, pending->s, pending->len, consider_entry, r, &stopped);
		if (stopped)
			return 1;
		memmove(pending->s, pending->s + used, pending->len - used);
		pending->len -= used;
	}
}

static bool still_running(struct engine *engine, const char *id)
{
	struct container c;
	bool active;

	if (container_find(engine, id, &c, NULL) < 0)
		return false;
	active = container_is_active(&c);
	container_free(&c);
	return active;
}

/* A journal follow ends with the container, or when the asker goes. */
struct journal_follow {
	struct engine *engine;
	const char *id;
	struct cmd_ctx *ctx;
};

static bool journal_stop(void *user)
{
	struct journal_follow *jf = user;
	return cmd_cancelled(jf->ctx) || !still_running(jf->engine, jf->id);
}

static bool journal_cancelled(void *user)
{
	return cmd_cancelled(((struct journal_follow *)user)->ctx);
}

/* Follows the live file from *at until the container stops or the
 * submitter cancels; a rotation moves on to the new file. */
static int follow_log(struct log_reader *r, const char *id, enum log_store_format fmt,
		      const char *path, struct log_source *live, off_t at, struct strbuf *pending)
{
	struct engine *engine = cmd_engine(r->ctx);
	int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	if (ino < 0)
		return -1;
	inotify_add_watch(ino, path, IN_MODIFY | IN_MOVE_SELF | IN_DELETE_SELF);
	for (;;) {
		struct pollfd p = {.fd = ino, .events = POLLIN};
		if (read_entries(r, fmt, live, &at, pending) == 1)
			break;
		batch_flush(r);
		tell_logging(r);
		if (cmd_cancelled(r->ctx) || !still_running(engine, id)) {
			/* One last read: the monitor drains before it records the exit. */
			read_entries(r, fmt, live, &at, pending);
			break;
		}
		if (poll(&p, 1, 250) <= 0)
			continue;
		char events[4096];
		ssize_t n = read(ino, events, sizeof(events));
		for (char *e = events; n > 0 && e < events + n;) {
			struct inotify_event *ev = (struct inotify_event *)e;
			if (ev->mask & (IN_MOVE_SELF | IN_DELETE_SELF)) {
				/* Rotated: finish this file, continue with the new one. */
				read_entries(r, fmt, live, &at, pending);
				struct log_source next;
				if (log_source_open(path, &next, NULL) == 0) {
					log_source_close(live);
					*live = next;
					at = 0;
					pending->len = 0;
					inotify_add_watch(ino, path,
							  IN_MODIFY | IN_MOVE_SELF | IN_DELETE_SELF);
				}
			}
			e += sizeof(*ev) + ev->len;
		}
	}
	close(ino);
	return 0;
}

/* The rotated files, oldest first: <log>.N[.gz] ... <log>.1[.gz]. */
static size_t open_rotated(const char *path, struct log_source *out, size_t max)
{
	char rotated[PATH_MAX + 32];
	size_t n = 0;
	int highest = 0;

	for (int i = 1; i <= LOG_MAX_ROTATED; i++) {
		snprintf(rotated, sizeof(rotated), "%s.%d", path, i);
		if (access(rotated, F_OK) != 0) {
			snprintf(rotated, sizeof(rotated), "%s.%d.gz", path, i);
			if (access(rotated, F_OK) != 0)
				break;
		}
		highest = i;
	}
	for (int i = highest; i >= 1 && n < max; i--) {
		/* a file being compressed is there twice for a moment: the plain one is whole */
		snprintf(rotated, sizeof(rotated), "%s.%d", path, i);
		if (log_source_open(rotated, &out[n], NULL) == 0) {
			n++;
			continue;
		}
		snprintf(rotated, sizeof(rotated), "%s.%d.gz", path, i);
		if (log_source_open(rotated, &out[n], NULL) == 0)
			n++;
	}
	return n;
}

int container_logs(struct cmd_ctx *ctx, const struct container *c, json_t *args, berr *err)
{
	struct engine *engine = cmd_engine(ctx);
	struct log_query q = {.stdout_wanted = true, .stderr_wanted = true, .tail = -1};
	struct log_reader r = {.ctx = ctx, .q = &q, .entries = json_array()};
	char bundle[PATH_MAX], path[PATH_MAX + 96];
	struct strbuf pending = {0};
	struct log_source files[LOG_MAX_ROTATED + 1];
	size_t nfiles;
	int rc = 0;
	json_t *v;

	if ((v = json_object_get(args, "stdout")) && !json_is_true(v))
		q.stdout_wanted = false;
	if ((v = json_object_get(args, "stderr")) && !json_is_true(v))
		q.stderr_wanted = false;
	q.follow = json_is_true(json_object_get(args, "follow"));
	if (json_is_integer(v = json_object_get(args, "tail")))
		q.tail = (long)json_integer_value(v);
	q.since = json_integer_value(json_object_get(args, "since"));
	q.until = json_integer_value(json_object_get(args, "until"));
	json_t *lc = json_object_get(c->host_config, "LogConfig");
	const char *driver = json_string_value(json_object_get(lc, "Type"));
	json_t *opts = json_object_get(lc, "Config");
	enum log_store_format fmt = log_config_store(driver, opts);
	if (driver && strcmp(driver, "journald") == 0) {
		/* from the journal, as Docker reads it; the cache where there is none */
		struct journal_follow jf = {engine, c->id, ctx};
		struct journal_query jq = {q.since,	 q.until,	    q.tail, q.follow,
					   journal_stop, journal_cancelled, &jf};
		r.c = c;
		r.driver = driver;
		r.dropped = -1;
		tell_logging(&r);
		int done = container_journal_read(c, &jq, consider_entry, &r, err);
		if (done != 0) {
			for (int s = 1; s <= 2; s++) {
				join_emit(&r, s);
				strbuf_free(&r.join[s].line);
			}
			batch_flush(&r);
			json_decref(r.entries);
			return done < 0 ? -1 : 0;
		}
	}
	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	r.c = c;
	r.driver = driver && *driver ? driver : "json-file";
	r.dropped = -1;
	tell_logging(&r);
	if (fmt == LOG_STORE_NONE || !log_config_path(bundle, c->id, driver, opts, path, sizeof(path))) {
		json_decref(r.entries);
		return berr_set(err, BERR_UNSUPPORTED,
				"configured logging driver does not support reading");
	}
	nfiles = open_rotated(path, files, LOG_MAX_ROTATED);
	struct log_source live;
	bool have_live = log_source_open(path, &live, NULL) == 0;
	/* Without follow, the logs are those written before the question:
	 * a container writing fast must not stretch the answer (or a tail). */
	if (have_live && !q.follow)
		live.size = log_source_size(&live);
	if (have_live)
		files[nfiles++] = live;
	/* Where the tail starts: skip whole files, then part of one. */
	size_t first = 0;
	off_t first_off = 0;
	if (q.tail >= 0) {
		long need = q.tail;
		first = nfiles;
		for (size_t i = nfiles; i-- > 0;) {
			long count;
			off_t off = log_tail_offset(fmt, &files[i], need, &count);
			first = i;
			first_off = off;
			if (count >= need || need == 0)
				break;
			need -= count;
		}
	}
	for (size_t i = first; i < nfiles && !q.past_until; i++) {
		off_t at = i == first ? first_off : 0;
		pending.len = 0;
		if (i == nfiles - 1 && have_live && q.follow) {
			rc = follow_log(&r, c->id, fmt, path, &files[i], at, &pending);
			break;
		}
		if (read_entries(&r, fmt, &files[i], &at, &pending) == 1)
			break;
	}
	for (int s = 1; s <= 2; s++) {
		join_emit(&r, s);
		strbuf_free(&r.join[s].line);
	}
	batch_flush(&r);
	json_decref(r.entries);
	strbuf_free(&pending);
	for (size_t i = 0; i < nfiles; i++)
		log_source_close(&files[i]);
	if (rc < 0)
		return berr_sys(err, "reading logs of %s", c->name);
	return 0;
}
