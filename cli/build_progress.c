/* Rendering a build's progress (see build_progress.h). */
#include "cli/build_progress.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "engine/core/alloc.h"
#include "engine/core/strbuf.h"
#include "engine/core/utf8.h"

static double monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void draw(struct build_view *v, bool final, bool ok);

/* The live view's clock: a redraw every 200 ms when no message came. */
static void *tick(void *arg)
{
	struct build_view *v = arg;
	struct timespec pause = {0, 100 * 1000000};

	for (;;) {
		nanosleep(&pause, NULL);
		pthread_mutex_lock(&v->lock);
		if (v->stop) {
			pthread_mutex_unlock(&v->lock);
			return NULL;
		}
		if (v->nv && monotonic() - v->last_draw > 0.2) {
			v->now = monotonic() + v->offset;
			draw(v, false, true);
		}
		pthread_mutex_unlock(&v->lock);
	}
}

void build_view_init(struct build_view *v, FILE *out, bool tty)
{
	memset(v, 0, sizeof(*v));
	v->out = out;
	v->tty = tty;
	pthread_mutex_init(&v->lock, NULL);
	v->escape = isatty(fileno(out));
	if (tty)
		v->ticking = pthread_create(&v->ticker, NULL, tick, v) == 0;
}

static struct build_vertex *vertex_at(struct build_view *v, int n)
{
	if (n <= 0 || n > 100000)
		return NULL;
	if ((size_t)n >= v->nv) {
		size_t grown = (size_t)n + 16;
		v->v = xrealloc(v->v, grown * sizeof(*v->v));
		memset(v->v + v->nv, 0, (grown - v->nv) * sizeof(*v->v));
		v->nv = grown;
	}
	return &v->v[n];
}

static void keep_line(struct build_vertex *x, const char *text)
{
	if (x->nlines == BUILD_VIEW_TAIL) {
		free(x->lines[0]);
		memmove(x->lines, x->lines + 1, (BUILD_VIEW_TAIL - 1) * sizeof(*x->lines));
		x->nlines--;
	}
	x->lines[x->nlines++] = xstrdup(text);
}

static int terminal_width(FILE *out)
{
	struct winsize ws;

	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
}

/* One line of the live view: text on the left (control characters, such
 * as a step's own escape sequences, shown as spaces; a code point a
 * column), the time on the right, cut to the width. */
static void live_line(struct strbuf *b, const char *text, const char *right, int width)
{
	int room = width - (int)strlen(right) - 1, used = 0;
	const unsigned char *p = (const unsigned char *)text;
	size_t left = strlen(text);

	while (left && used < room) {
		uint32_t cp;
		size_t n = utf8_decode(p, left, &cp);

		if (n == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			strbuf_addc(b, n == 0 ? '?' : ' ');
			n = n ? n : 1;
		} else {
			strbuf_addn(b, (const char *)p, n);
		}
		p += n;
		left -= n;
		used++;
	}
	strbuf_pad(b, ' ', (size_t)(width - used - (int)strlen(right) > 0 ? width - used - (int)strlen(right) : 1));
	strbuf_adds(b, right);
	strbuf_addc(b, '\n');
}

/* The lines a vertex takes in the live view, showing up to logs of its
 * log lines. */
static int vertex_lines(const struct build_vertex *x, size_t logs)
{
	int n = 1;

	if (x->status && x->state == VERTEX_RUNNING)
		n++;
	if (x->state == VERTEX_RUNNING || x->state == VERTEX_ERROR)
		n += (int)(x->nlines < logs ? x->nlines : logs);
	return n;
}

static int terminal_rows(FILE *out)
{
	struct winsize ws;

	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 4)
		return ws.ws_row;
	return 24;
}

static void draw(struct build_view *v, bool final, bool ok)
{
	struct strbuf b = {0};
	int width = terminal_width(v->out) - 1, lines = 0, done = 0, total = 0, need = 1;
	int budget = terminal_rows(v->out) - 1;
	size_t logs = BUILD_VIEW_LIVE, first = 1;
	char head[128], time_text[32];

	for (size_t i = 1; i < v->nv; i++)
		if (v->v[i].name) {
			total++;
			done += v->v[i].state != VERTEX_RUNNING;
			need += vertex_lines(&v->v[i], logs);
		}
	/* taller than the terminal, it would scroll and leave copies of
	 * itself behind: the oldest finished steps go first, then log lines
	 * (the last frame, drawn once, shows every step) */
	while (!final && need > budget && first < v->nv) {
		struct build_vertex *x = &v->v[first];
		if (x->name && (x->state == VERTEX_RUNNING || x->state == VERTEX_ERROR))
			break;
		if (x->name)
			need -= vertex_lines(x, logs);
		first++;
	}
	while (!final && need > budget && logs > 0) {
		logs--;
		need = 1;
		for (size_t i = first; i < v->nv; i++)
			if (v->v[i].name)
				need += vertex_lines(&v->v[i], logs);
	}
	if (v->drawn)
		strbuf_addf(&b, "\033[%dA", v->drawn);
	snprintf(head, sizeof(head), "[+] Building %.1fs (%d/%d)%s", v->now, done, total,
		 final ? (ok ? " FINISHED" : "") : "");
	strbuf_addf(&b, "\033[K%s\n", head);
	lines++;
	for (size_t i = first; i < v->nv; i++) {
		struct build_vertex *x = &v->v[i];
		char text[4096];

		if (!x->name)
			continue;
		if (!final && lines >= budget)
			break;
		double d = x->state == VERTEX_RUNNING ? v->now - x->start : x->duration;
		if (x->state == VERTEX_CACHED)
			snprintf(time_text, sizeof(time_text), "0.0s");
		else
			snprintf(time_text, sizeof(time_text), "%.1fs", d < 0 ? 0 : d);
		snprintf(text, sizeof(text), " => %s%s%s", x->state == VERTEX_CACHED ? "CACHED " : "",
			 x->state == VERTEX_ERROR ? "ERROR " : "", x->name);
		strbuf_adds(&b, "\033[K");
		live_line(&b, text, time_text, width);
		lines++;
		if (x->status && x->state == VERTEX_RUNNING && (final || lines < budget)) {
			snprintf(text, sizeof(text), " => => %s", x->status);
			strbuf_adds(&b, "\033[K");
			live_line(&b, text, "", width);
			lines++;
		}
		if (x->state == VERTEX_RUNNING || x->state == VERTEX_ERROR) {
			size_t show = final ? BUILD_VIEW_LIVE : logs;
			size_t from = x->nlines > show ? x->nlines - show : 0;
			for (size_t k = from; k < x->nlines && (final || lines < budget); k++) {
				snprintf(text, sizeof(text), " => => # %s", x->lines[k]);
				strbuf_adds(&b, "\033[K");
				live_line(&b, text, "", width);
				lines++;
			}
		}
	}
	/* what was drawn before and is no longer: cleared */
	for (int k = lines; k < v->drawn; k++)
		strbuf_adds(&b, "\033[K\n");
	if (v->drawn > lines)
		strbuf_addf(&b, "\033[%dA", v->drawn - lines);
	v->drawn = lines;
	if (b.s)
		fwrite(b.s, 1, b.len, v->out);
	fflush(v->out);
	strbuf_free(&b);
	v->last_draw = monotonic();
}

/* A log line as bytes (a NUL in it included); on a terminal its control
 * characters are shown as \xNN, so a step cannot move the cursor, set the
 * title or clear the screen (colours included: a log is not a program's
 * own output). */
static void put_text(struct build_view *v, json_t *text)
{
	const char *s = json_string_value(text);
	size_t len = json_string_length(text);

	if (!s)
		return;
	if (!v->escape) {
		fwrite(s, 1, len, v->out);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			fprintf(v->out, "\\x%02x", c);
		else
			fputc(c, v->out);
	}
}

static void plain(struct build_view *v, int n, struct build_vertex *x, const char *event, json_t *b)
{
	if (strcmp(event, "start") == 0) {
		fprintf(v->out, "\n#%d %s\n", n, x->name);
	} else {
		if (n != v->last_vertex) /* another vertex spoke in between */
			fprintf(v->out, "\n#%d %s\n", n, x->name ? x->name : "");
		if (strcmp(event, "log") == 0) {
			fprintf(v->out, "#%d %.3f ", n, v->now - x->start);
			put_text(v, json_object_get(b, "text"));
			fputc('\n', v->out);
		}
		else if (strcmp(event, "status") == 0)
			fprintf(v->out, "#%d %s\n", n, x->status ? x->status : "");
		else if (strcmp(event, "cached") == 0)
			fprintf(v->out, "#%d CACHED\n", n);
		else if (strcmp(event, "done") == 0)
			fprintf(v->out, "#%d DONE %.1fs\n", n, x->duration);
		else if (strcmp(event, "error") == 0)
			fprintf(v->out, "#%d ERROR: %s\n", n,
				json_string_value(json_object_get(b, "error")) ?: "");
	}
	v->last_vertex = n;
	fflush(v->out);
}

void build_view_message(struct build_view *v, json_t *message)
{
	json_t *b = json_object_get(message, "build");
	const char *event = json_string_value(json_object_get(b, "event"));
	int n = (int)json_integer_value(json_object_get(b, "vertex"));
	struct build_vertex *x;
	json_t *t = json_object_get(b, "t");
	bool changed = false;

	if (!event)
		return;
	pthread_mutex_lock(&v->lock);
	x = vertex_at(v, n);
	if (!x) {
		pthread_mutex_unlock(&v->lock);
		return;
	}
	if (json_is_real(t)) {
		v->now = json_real_value(t);
		v->offset = v->now - monotonic();
	}
	if (strcmp(event, "start") == 0) {
		free(x->name);
		x->name = xstrdup(json_string_value(json_object_get(b, "name")) ?: "");
		x->start = v->now;
		x->state = VERTEX_RUNNING;
		changed = true;
	} else if (strcmp(event, "log") == 0) {
		keep_line(x, json_string_value(json_object_get(b, "text")) ?: "");
	} else if (strcmp(event, "status") == 0) {
		free(x->status);
		x->status = xstrdup(json_string_value(json_object_get(b, "text")) ?: "");
	} else if (strcmp(event, "cached") == 0) {
		x->state = VERTEX_CACHED;
		changed = true;
	} else if (strcmp(event, "done") == 0 || strcmp(event, "error") == 0) {
		x->duration = json_real_value(json_object_get(b, "duration"));
		x->state = strcmp(event, "done") == 0 ? VERTEX_DONE : VERTEX_ERROR;
		if (x->state == VERTEX_ERROR && !v->failed)
			v->failed = n; /* the first: the others stopped because of it */
		changed = true;
	}
	if (!v->tty && !v->said_builder) {
		/* said once a step begins: a build refused at once is one line */
		fprintf(v->out, "#0 building with \"default\" instance using berth driver\n");
		v->said_builder = true;
	}
	if (!v->tty)
		plain(v, n, x, event, b);
	else if (changed || monotonic() - v->last_draw > 0.1)
		draw(v, false, true);
	pthread_mutex_unlock(&v->lock);
}

static void stop_ticker(struct build_view *v)
{
	if (!v->ticking)
		return;
	pthread_mutex_lock(&v->lock);
	v->stop = true;
	pthread_mutex_unlock(&v->lock);
	pthread_join(v->ticker, NULL);
	v->ticking = false;
}

void build_view_end(struct build_view *v, bool ok)
{
	stop_ticker(v);
	if (v->tty && v->nv) {
		v->now = monotonic() + v->offset;
		draw(v, true, ok);
	}
}

void build_view_failure(struct build_view *v)
{
	struct build_vertex *x = v->failed ? vertex_at(v, v->failed) : NULL;

	if (!x || !x->nlines)
		return;
	fprintf(v->out, "------\n > %s:\n", x->name ? x->name : "");
	for (size_t i = 0; i < x->nlines; i++)
		fprintf(v->out, "%s\n", x->lines[i]);
	fprintf(v->out, "------\n");
}

void build_view_free(struct build_view *v)
{
	stop_ticker(v);
	pthread_mutex_destroy(&v->lock);
	for (size_t i = 0; i < v->nv; i++) {
		free(v->v[i].name);
		free(v->v[i].status);
		for (size_t k = 0; k < v->v[i].nlines; k++)
			free(v->v[i].lines[k]);
	}
	free(v->v);
	memset(v, 0, sizeof(*v));
}
