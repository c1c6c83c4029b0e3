/* container.logs: reads the log kept on the host (json-file's, local's, or
 * the cache kept beside a receiver), rotated files oldest first (inflated
 * when compressed), filters by stream and time, takes the tail, joins the
 * pieces of lines longer than 16 KiB, and follows new entries until the
 * container stops. Entries go to the submitter as progress messages
 * {"entries": [{"stream", "time", "log", "attrs"?}, ...]}; first, and
 * again when it changes while following, {"logging": {"driver", "dropped"}}
 * (the lines a receiver missed) for the faces to show. */
#include <dirent.h>
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
#include "engine/core/fsutil.h"
#include "engine/core/strbuf.h"
#include "engine/core/units.h"
#include "engine/core/utf8.h"
#include "engine/logging/log_read.h"

#define LOG_BATCH 512
/* ...or as many bytes: a reader's memory stays bounded whatever the lines */
#define LOG_BATCH_BYTES (256 << 10)
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
	size_t batch_bytes; /* of the lines in entries */
};


static void batch_flush(struct log_reader *r)
{
	if (!json_array_size(r->entries))
		return;
	cmd_progress(r->ctx, json_pack("{s:o}", "entries", r->entries));
	r->entries = json_array();
	r->batch_bytes = 0;
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

/* A line as a JSON string: bytes that are not UTF-8 (the local format
 * keeps them as written) become U+FFFD, as json-file has them, rather than
 * the line being lost. */
static json_t *text_json(const char *line, size_t len)
{
	json_t *j = json_stringn(line, len);
	if (j)
		return j;
	struct strbuf b = {0};
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t l = utf8_decode((const unsigned char *)line + i, len - i, &cp);
		if (l == 0) {
			strbuf_adds(&b, "\xef\xbf\xbd");
			i++;
		} else {
			strbuf_addn(&b, line + i, l);
			i += l;
		}
	}
	j = json_stringn(b.s ? b.s : "", b.len);
	strbuf_free(&b);
	return j ? j : json_string("");
}

static void emit(struct log_reader *r, int stream, const char *time, const char *line, size_t len,
		 json_t *attrs)
{
	json_t *e = json_pack("{s:s, s:s, s:o}", "stream", stream == 2 ? "stderr" : "stdout",
			      "time", time, "log", text_json(line, len));
	if (!e)
		return;
	if (json_object_size(attrs))
		json_object_set(e, "attrs", attrs);
	json_array_append_new(r->entries, e);
	r->batch_bytes += len;
	if (json_array_size(r->entries) >= LOG_BATCH || r->batch_bytes >= LOG_BATCH_BYTES)
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

/* The rotated files' numbers, oldest first (<log>.N[.gz] ... <log>.1[.gz]),
 * found in the directory: a number missing in the middle (a compression
 * that failed) hides none of the others. */
static size_t rotated_numbers(const char *path, int *out, size_t max)
{
	char dir[PATH_MAX];
	const char *base;
	size_t n = 0, blen;

	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	base = path + (slash - dir) + 1;
	blen = strlen(base);
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		char *end;
		if (strncmp(e->d_name, base, blen) != 0 || e->d_name[blen] != '.')
			continue;
		long num = strtol(e->d_name + blen + 1, &end, 10);
		if (num < 1 || end == e->d_name + blen + 1 || (*end && strcmp(end, ".gz") != 0))
			continue;
		bool seen = false;
		for (size_t i = 0; i < n; i++)
			seen |= out[i] == (int)num;
		if (!seen)
			out[n++] = (int)num;
	}
	closedir(d);
	/* oldest (the highest number) first */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && out[j] > out[j - 1]; j--) {
			int t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

/* Opens rotated file number num: the plain file while it is there (it is
 * whole; its .gz may still be being written), else the .gz. */
static int open_rotated(const char *path, int num, struct log_source *src)
{
	char name[PATH_MAX + 32];
	snprintf(name, sizeof(name), "%s.%d", path, num);
	if (log_source_open(name, src, NULL) == 0)
		return 0;
	snprintf(name, sizeof(name), "%s.%d.gz", path, num);
	return log_source_open(name, src, NULL);
}

/* The monitor's rotation sequence of this log (<log>.rotations): odd
 * while files move, twice the count of rotations when they do not. */
static unsigned long long rotation_seq(const char *path)
{
	char name[PATH_MAX + 16], *text = NULL;
	unsigned long long n = 0;
	snprintf(name, sizeof(name), "%s.rotations", path);
	if (fs_read_file(name, &text, NULL, NULL) == 0)
		n = strtoull(text, NULL, 10);
	free(text);
	return n;
}

/* The sequence once no rotation is under way (a few ms at most). */
static unsigned long long rotation_seq_stable(const char *path)
{
	unsigned long long seq = rotation_seq(path);
	for (int i = 0; i < 200 && seq % 2; i++) {
		usleep(1000);
		seq = rotation_seq(path);
	}
	return seq;
}

/* Follows the live file from at until the container stops or the
 * submitter cancels. The file is known by its inode: when the path names
 * another (a rotation), the old one is read to its end, the files rotated
 * after it (the monitor counts rotations in <log>.rotations) are read
 * whole, and the new one is followed from its start. */
static int follow_log(struct log_reader *r, const char *id, enum log_store_format fmt,
		      const char *path, struct log_source *live, off_t at, struct strbuf *pending,
		      unsigned long long *count)
{
	struct engine *engine = cmd_engine(r->ctx);
	int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	char dir[PATH_MAX];
	struct stat st;
	ino_t following = fstat(live->fd, &st) == 0 ? st.st_ino : 0;

	if (ino < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s", path);
	if (strrchr(dir, '/'))
		*strrchr(dir, '/') = '\0';
	/* the directory: a write to the log, and its rotation */
	inotify_add_watch(ino, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM);
	for (;;) {
		struct pollfd p = {.fd = ino, .events = POLLIN};
		if (read_entries(r, fmt, live, &at, pending) == 1)
			break;
		if (stat(path, &st) == 0 && st.st_ino != following) {
			/* rotated: this inode has its last entries; then what was
			 * rotated after it, oldest first; then the new log */
			read_entries(r, fmt, live, &at, pending);
			/* rotated k times since: this file is <log>.k now, and
			 * <log>.k-1 ... <log>.1 came after it; held open with the
			 * new log, all seen under one rotation sequence */
			struct log_source between[16], next;
			long k = 0, held = 0;
			bool whole = false;
			for (int attempt = 0; attempt < 50 && !whole; attempt++) {
				unsigned long long seq = rotation_seq_stable(path);
				k = seq / 2 > *count ? (long)(seq / 2 - *count) : 1;
				held = 0;
				for (long i = k - 1; i >= 1 && held < 16; i--)
					if (open_rotated(path, (int)i, &between[held]) == 0)
						held++;
				bool opened = log_source_open(path, &next, NULL) == 0;
				whole = rotation_seq(path) == seq;
				if (whole) {
					*count = seq / 2;
					if (!opened)
						next.fd = -1;
					break;
				}
				for (long i = 0; i < held; i++)
					log_source_close(&between[i]);
				held = 0;
				if (opened)
					log_source_close(&next);
			}
			for (long i = 0; i < held; i++) {
				off_t from = 0;
				pending->len = 0;
				read_entries(r, fmt, &between[i], &from, pending);
				log_source_close(&between[i]);
			}
			if (whole && next.fd >= 0) {
				log_source_close(live);
				*live = next;
				following = fstat(live->fd, &st) == 0 ? st.st_ino : 0;
				at = 0;
				pending->len = 0;
				continue;
			}
		}
		batch_flush(r);
		tell_logging(r);
		if (cmd_cancelled(r->ctx) || !still_running(engine, id)) {
			/* One last read: the monitor drains before it records the exit. */
			read_entries(r, fmt, live, &at, pending);
			break;
		}
		if (poll(&p, 1, 250) > 0) {
			char events[4096];
			while (read(ino, events, sizeof(events)) > 0)
				;
		}
	}
	close(ino);
	return 0;
}

int container_logs(struct cmd_ctx *ctx, const struct container *c, json_t *args, berr *err)
{
	struct engine *engine = cmd_engine(ctx);
	struct log_query q = {.stdout_wanted = true, .stderr_wanted = true, .tail = -1};
	struct log_reader r = {.ctx = ctx, .q = &q, .entries = json_array()};
	char bundle[PATH_MAX], path[PATH_MAX + 96];
	struct strbuf pending = {0};
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
	/* The files as they are under one rotation sequence, each held open
	 * (a .gz inflated only when read): a rotation while they are read
	 * moves nothing under the reader. Numbered 0 (the oldest rotated) ..
	 * nrot (the live one). */
	int nums[LOG_MAX_ROTATED];
	struct log_source *rot = calloc(LOG_MAX_ROTATED, sizeof(*rot)), live;
	size_t nrot = 0;
	bool have_live = false;
	unsigned long long seq = 0;
	if (!rot) {
		json_decref(r.entries);
		return berr_set(err, BERR_SYSTEM, "reading logs of %s: out of memory", c->name);
	}
	for (int attempt = 0; attempt < 50; attempt++) {
		seq = rotation_seq_stable(path);
		size_t n = rotated_numbers(path, nums, LOG_MAX_ROTATED);
		nrot = 0;
		for (size_t i = 0; i < n; i++)
			if (open_rotated(path, nums[i], &rot[nrot]) == 0)
				nrot++;
		have_live = log_source_open(path, &live, NULL) == 0;
		if (rotation_seq(path) == seq)
			break;
		for (size_t i = 0; i < nrot; i++)
			log_source_close(&rot[i]);
		if (have_live)
			log_source_close(&live);
		nrot = 0;
		have_live = false;
	}
	unsigned long long count = seq / 2;
	/* Without follow, the logs are those written before the question:
	 * a container writing fast must not stretch the answer (or a tail). */
	if (have_live && !q.follow)
		live.size = log_source_size(&live);
	/* Where the tail starts, newest first: a .gz is inflated only while
	 * the tail needs it, one at a time. */
	size_t first = 0;
	off_t first_off = 0;
	if (q.tail >= 0) {
		long need = q.tail;
		first = nrot + 1;
		for (size_t i = nrot + 1; i-- > 0;) {
			struct log_source *src = i < nrot ? &rot[i] : &live;
			long count_here = 0;
			if (i == nrot && !have_live)
				continue;
			off_t off = log_tail_offset(fmt, src, need, &count_here);
			if (i < nrot)
				log_source_unload(src);
			first = i;
			first_off = off;
			if (count_here >= need || need == 0)
				break;
			need -= count_here;
		}
	}
	for (size_t i = first; i < nrot && !q.past_until; i++) {
		off_t at = i == first ? first_off : 0;
		pending.len = 0;
		if (read_entries(&r, fmt, &rot[i], &at, &pending) == 1)
			q.past_until = true;
		log_source_unload(&rot[i]);
	}
	for (size_t i = 0; i < nrot; i++)
		log_source_close(&rot[i]);
	free(rot);
	if (have_live && !q.past_until) {
		off_t at = first == nrot ? first_off : 0;
		pending.len = 0;
		if (first > nrot)
			at = log_source_size(&live);
		if (q.follow)
			rc = follow_log(&r, c->id, fmt, path, &live, at, &pending, &count);
		else
			read_entries(&r, fmt, &live, &at, &pending);
	}
	if (have_live)
		log_source_close(&live);
	for (int s = 1; s <= 2; s++) {
		join_emit(&r, s);
		strbuf_free(&r.join[s].line);
	}
	batch_flush(&r);
	json_decref(r.entries);
	strbuf_free(&pending);
	if (rc < 0)
		return berr_sys(err, "reading logs of %s", c->name);
	return 0;
}
