/* A build's progress as BuildKit prints it. Plain (--progress plain, and
 * whenever stderr is not a terminal): each vertex "#5 [2/3] RUN make",
 * its log lines timed from its start, "#5 CACHED" or "#5 DONE 0.3s",
 * never truncated. On a terminal (auto, tty): BuildKit's live view, a
 * line per step with its time, the running steps' last log lines under
 * them, redrawn in place and cut to the terminal's width. */
#ifndef BERTH_CLI_BUILD_PROGRESS_H
#define BERTH_CLI_BUILD_PROGRESS_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#define BUILD_VIEW_TAIL 10 /* log lines kept for the failure summary */
#define BUILD_VIEW_LIVE 6  /* log lines shown under a running step */

struct build_vertex {
	char *name;
	char *status;   /* the last status line ("transferring context: 2B") */
	double start;   /* seconds from the build's start */
	double duration;
	enum { VERTEX_RUNNING, VERTEX_DONE, VERTEX_CACHED, VERTEX_ERROR } state;
	char *lines[BUILD_VIEW_TAIL]; /* its last log lines, oldest first */
	size_t nlines;
};

struct build_view {
	FILE *out;
	bool tty;
	bool escape;           /* plain lines to a terminal: control characters shown as \xNN */
	int last_vertex;       /* the vertex the last plain line was about */
	int failed;            /* the vertex that failed, or 0 */
	struct build_vertex *v; /* by number, from 1 */
	size_t nv;
	int drawn;             /* lines of the live view on the screen */
	double now;            /* seconds from the build's start */
	double offset;         /* now - monotonic seconds, from the last message */
	double last_draw;      /* monotonic seconds */
	pthread_mutex_t lock;  /* messages come on the engine's thread, ticks on another */
	pthread_t ticker;      /* redraws the live view's clocks while nothing is said */
	bool ticking, stop;
	bool said_builder;     /* the plain view's "#0 building with" line, before its first step */
};

void build_view_init(struct build_view *v, FILE *out, bool tty);
/* Renders one progress message of image.build ({"build": {...}}). */
void build_view_message(struct build_view *v, json_t *message);
/* The live view's last drawing (FINISHED or the failure); stops its clock. */
void build_view_end(struct build_view *v, bool ok);
/* The failed vertex's name and last lines, BuildKit's "------ > ..." block. */
void build_view_failure(struct build_view *v);
void build_view_free(struct build_view *v);

#endif
