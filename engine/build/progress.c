/* A build's progress as messages to the submitter: BuildKit's vertices
 * ("#5 [2/3] RUN make"), their log lines, cache hits and timings. The
 * faces render them (cli/build_progress.c, the console's build view). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/build/internal.h"
#include "engine/core/utf8.h"

int64_t build_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void send(struct build *b, json_t *body)
{
	if (b->ctx && !b->legacy)
		cmd_progress(b->ctx, json_pack("{s:o}", "build", body));
	else
		json_decref(body);
}

void build_legacy(struct build *b, const char *fmt, ...)
{
	va_list ap;
	char *text = NULL;

	if (!b->legacy || !b->ctx)
		return;
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	/* a step's output is any bytes: JSON carries them as Go writes them */
	size_t vlen = 0;
	char *valid = text ? utf8_valid_copy(text, strlen(text), &vlen) : NULL;
	if (valid)
		cmd_progress(b->ctx, json_pack("{s:s%}", "stream", valid, vlen));
	free(valid);
	free(text);
}

int build_vertex_start(struct build *b, const char *name)
{
	int n = __atomic_add_fetch(&b->vertex, 1, __ATOMIC_SEQ_CST);

	send(b, json_pack("{s:i, s:s, s:s, s:f}", "vertex", n, "event", "start", "name", name, "t",
			  (double)(build_now() - b->started) / 1e9));
	return n;
}

void build_vertex_log(struct build *b, int vertex, int stream, const char *text, size_t len)
{
	if (b->legacy) { /* the classic stream: the step's output as it is */
		build_legacy(b, "%.*s\n", (int)len, text);
		return;
	}
	double t = (double)(build_now() - b->started) / 1e9;

	size_t vlen = 0;
	char *valid = utf8_valid_copy(text, len, &vlen);
	if (valid)
		send(b, json_pack("{s:i, s:s, s:i, s:s%, s:f}", "vertex", vertex, "event", "log", "stream",
				  stream, "text", valid, vlen, "t", t));
	free(valid);
}

void build_vertex_status(struct build *b, int vertex, const char *text)
{
	send(b, json_pack("{s:i, s:s, s:s}", "vertex", vertex, "event", "status", "text", text));
}

void build_vertex_cached(struct build *b, int vertex)
{
	send(b, json_pack("{s:i, s:s}", "vertex", vertex, "event", "cached"));
}

void build_vertex_done(struct build *b, int vertex, int64_t started_ns)
{
	send(b, json_pack("{s:i, s:s, s:f}", "vertex", vertex, "event", "done", "duration",
			  (double)(build_now() - started_ns) / 1e9));
}

void build_vertex_error(struct build *b, int vertex, int64_t started_ns, const char *message)
{
	send(b, json_pack("{s:i, s:s, s:f, s:s}", "vertex", vertex, "event", "error", "duration",
			  (double)(build_now() - started_ns) / 1e9, "error", message));
}
