/* container.logs: reads the json-file log (rotated files oldest first),
 * filters by stream and time, takes the tail, and follows new lines until
 * the container stops. Lines go to the submitter as progress messages
 * {"entries": [{"stream", "time", "log"}, ...]}. */
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
#include "engine/core/units.h"

#define LOG_BATCH 512
#define LOG_MAX_ROTATED 32

struct log_query {
	bool stdout_wanted, stderr_wanted, follow;
	off_t stop_at; /* without follow: the live file's size when asked, -1 none */
	long tail; /* -1: all */
	int64_t since, until; /* ns, 0: unset */
};

struct log_batch {
	struct cmd_ctx *ctx;
	json_t *entries;
};

static void batch_flush(struct log_batch *b)
{
	if (!json_array_size(b->entries))
		return;
	cmd_progress(b->ctx, json_pack("{s:o}", "entries", b->entries));
	b->entries = json_array();
}

/* Parses the time field of a log entry to unix ns (0 if it cannot). */
static int64_t entry_time(const char *text)
{
	int64_t ns = 0;

	if (units_parse_timestamp(text, 0, &ns, NULL) < 0)
		return 0;
	return ns;
}

/* Adds one log line if it passes the filters; returns 1 when past --until. */
static int consider_line(struct log_batch *b, const struct log_query *q, const char *line)
{
	json_t *entry = json_loads(line, 0, NULL);
	const char *stream, *time_text;
	int64_t t;

	if (!entry)
		return 0;
	stream = json_string_value(json_object_get(entry, "stream"));
	time_text = json_string_value(json_object_get(entry, "time"));
	if (!stream || !time_text || !json_is_string(json_object_get(entry, "log")))
		goto skip;
	if ((strcmp(stream, "stdout") == 0 && !q->stdout_wanted) ||
	    (strcmp(stream, "stderr") == 0 && !q->stderr_wanted))
		goto skip;
	if (q->since || q->until) {
		t = entry_time(time_text);
		if (q->since && t < q->since)
			goto skip;
		if (q->until && t > q->until) {
			json_decref(entry);
			return 1;
		}
	}
	json_array_append_new(b->entries, entry);
	if (json_array_size(b->entries) >= LOG_BATCH)
		batch_flush(b);
	return 0;
skip:
	json_decref(entry);
	return 0;
}

/* Feeds every complete line of the open file to consider_line. Keeps a
 * partial last line in *pending for the follower. */
static int read_lines(int fd, struct log_batch *b, const struct log_query *q, char **pending,
		      size_t *pending_len)
{
	char buf[65536];

	for (;;) {
		size_t want = sizeof(buf);
		/* A cancelled follow stops here, not after a flood has been read. */
		if (cmd_cancelled(b->ctx))
			return 0;
		if (q->stop_at >= 0) {
			off_t at = lseek(fd, 0, SEEK_CUR);
			if (at >= q->stop_at)
				return 0;
			if ((off_t)want > q->stop_at - at)
				want = (size_t)(q->stop_at - at);
		}
		ssize_t n = read(fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : 0;
		char *grown = realloc(*pending, *pending_len + (size_t)n + 1);
		if (!grown)
			return -1;
		*pending = grown;
		memcpy(*pending + *pending_len, buf, (size_t)n);
		*pending_len += (size_t)n;
		(*pending)[*pending_len] = '\0';
		char *start = *pending, *nl;
		while ((nl = memchr(start, '\n', *pending_len - (size_t)(start - *pending)))) {
			*nl = '\0';
			if (consider_line(b, q, start) == 1)
				return 1;
			start = nl + 1;
		}
		size_t rest = *pending_len - (size_t)(start - *pending);
		memmove(*pending, start, rest);
		*pending_len = rest;
	}
}

/* The offset at which the last `tail` lines of the file begin. */
static off_t tail_offset(int fd, long tail, off_t limit)
{
	char buf[65536];
	off_t end = limit >= 0 ? limit : lseek(fd, 0, SEEK_END), pos = end;
	long lines = 0;
	bool first = true;

	if (tail < 0 || end <= 0)
		return 0;
	if (tail == 0)
		return end;
	while (pos > 0) {
		size_t chunk = pos > (off_t)sizeof(buf) ? sizeof(buf) : (size_t)pos;
		pos -= (off_t)chunk;
		if (pread(fd, buf, chunk, pos) != (ssize_t)chunk)
			return 0;
		for (size_t i = chunk; i-- > 0;) {
			if (buf[i] != '\n')
				continue;
			if (first && pos + (off_t)i == end - 1) {
				first = false;
				continue;
			}
			first = false;
			if (++lines == tail)
				return pos + (off_t)i + 1;
		}
	}
	return 0;
}

/* Counts lines of a file (for tails that span rotated files). */
static long count_lines(int fd, off_t limit)
{
	char buf[65536];
	long lines = 0;
	ssize_t n;
	off_t off = 0;

	while ((n = pread(fd, buf, limit >= 0 && limit - off < (off_t)sizeof(buf) ? (size_t)(limit - off) : sizeof(buf), off)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
		off += n;
	}
	return lines;
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

/* Follows the live file after its current end until the container stops
 * or the submitter cancels. */
static int follow_log(struct cmd_ctx *ctx, const char *id, const char *path, int fd,
		      struct log_batch *b, const struct log_query *q, char **pending,
		      size_t *pending_len)
{
	struct engine *engine = cmd_engine(ctx);
	int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	int rc = 0;

	if (ino < 0)
		return -1;
	inotify_add_watch(ino, path, IN_MODIFY | IN_MOVE_SELF | IN_DELETE_SELF);
	for (;;) {
		struct pollfd p = {.fd = ino, .events = POLLIN};
		int r = read_lines(fd, b, q, pending, pending_len);
		if (r != 0) {
			rc = r < 0 ? -1 : 0;
			break;
		}
		batch_flush(b);
		if (cmd_cancelled(ctx) || !still_running(engine, id)) {
			/* One last read: the shim drains before it records the exit. */
			read_lines(fd, b, q, pending, pending_len);
			break;
		}
		if (poll(&p, 1, 250) > 0) {
			char events[4096];
			ssize_t n = read(ino, events, sizeof(events));
			for (char *e = events; n > 0 && e < events + n;) {
				struct inotify_event *ev = (struct inotify_event *)e;
				if (ev->mask & (IN_MOVE_SELF | IN_DELETE_SELF)) {
					/* Rotated: finish this file, continue with the new one. */
					read_lines(fd, b, q, pending, pending_len);
					int nfd = open(path, O_RDONLY | O_CLOEXEC);
					if (nfd >= 0) {
						close(fd);
						fd = nfd;
						inotify_add_watch(ino, path, IN_MODIFY | IN_MOVE_SELF | IN_DELETE_SELF);
					}
				}
				e += sizeof(*ev) + ev->len;
			}
		}
	}
	batch_flush(b);
	close(ino);
	close(fd);
	return rc;
}

int container_logs(struct cmd_ctx *ctx, const struct container *c, json_t *args, berr *err)
{
	struct engine *engine = cmd_engine(ctx);
	struct log_query q = {.stdout_wanted = true, .stderr_wanted = true, .tail = -1,
			      .stop_at = -1};
	struct log_batch b = {.ctx = ctx, .entries = json_array()};
	char bundle[PATH_MAX], path[PATH_MAX + 96], rotated[PATH_MAX + 112];
	char *pending = NULL;
	size_t pending_len = 0;
	int fds[LOG_MAX_ROTATED + 1], nfds = 0, rc = 0;
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
	const char *driver = json_string_value(
		json_object_get(json_object_get(c->host_config, "LogConfig"), "Type"));
	if (driver && strcmp(driver, "json-file") != 0 && strcmp(driver, "local") != 0) {
		json_decref(b.entries);
		return berr_set(err, BERR_INVALID,
				"configured logging driver does not support reading");
	}
	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	snprintf(path, sizeof(path), "%s/%s-json.log", bundle, c->id);
	/* Oldest first: <log>.N ... <log>.1, then <log>. */
	for (int i = LOG_MAX_ROTATED; i >= 1; i--) {
		snprintf(rotated, sizeof(rotated), "%s.%d", path, i);
		int fd = open(rotated, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			fds[nfds++] = fd;
	}
	int live = open(path, O_RDONLY | O_CLOEXEC);
	if (live >= 0)
		fds[nfds++] = live;
	/* Without follow, the logs are those written before the question:
	 * a container writing fast must not stretch the answer (or a tail). */
	struct stat live_st;
	off_t live_size = live >= 0 && fstat(live, &live_st) == 0 ? live_st.st_size : -1;
	/* Where the tail starts: skip whole files, then part of one. */
	int first = 0;
	off_t first_off = 0;
	if (q.tail >= 0) {
		long need = q.tail;
		first = nfds;
		for (int i = nfds - 1; i >= 0; i--) {
			off_t limit = fds[i] == live && !q.follow ? live_size : -1;
			long lines = count_lines(fds[i], limit);
			first = i;
			if (lines >= need) {
				first_off = tail_offset(fds[i], need, limit);
				break;
			}
			need -= lines;
		}
	}
	for (int i = 0; i < nfds; i++) {
		if (i < first || (i == nfds - 1 && live >= 0 && q.follow))
			continue;
		lseek(fds[i], i == first ? first_off : 0, SEEK_SET);
		pending_len = 0;
		q.stop_at = fds[i] == live && !q.follow ? live_size : -1;
		if (read_lines(fds[i], &b, &q, &pending, &pending_len) == 1) {
			q.follow = false;
			break;
		}
	}
	for (int i = 0; i < nfds; i++)
		if (!(i == nfds - 1 && live >= 0 && q.follow))
			close(fds[i]);
	if (q.follow && live >= 0) {
		lseek(live, nfds - 1 == first ? first_off : 0, SEEK_SET);
		if (first > nfds - 1)
			lseek(live, 0, SEEK_END);
		pending_len = 0;
		q.stop_at = -1;
		rc = follow_log(ctx, c->id, path, live, &b, &q, &pending, &pending_len);
	}
	batch_flush(&b);
	json_decref(b.entries);
	free(pending);
	if (rc < 0)
		return berr_sys(err, "reading logs of %s", c->name);
	return 0;
}
