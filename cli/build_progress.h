/* A build's progress as BuildKit prints it with --progress=plain: each
 * vertex "#5 [2/3] RUN make", its log lines timed from its start, "#5
 * CACHED" or "#5 DONE 0.3s", never truncated. */
#ifndef BERTH_CLI_BUILD_PROGRESS_H
#define BERTH_CLI_BUILD_PROGRESS_H

#include <jansson.h>
#include <stdio.h>

struct build_view {
	FILE *out;
	int last_vertex;    /* the vertex the last line was about */
	double starts[4096]; /* each vertex's start, seconds from the build's */
	char *error_name;   /* the name of the vertex that failed */
	char **tail;        /* its last log lines (for the error summary) */
	size_t ntail;
	char **names;       /* vertex names by number */
	size_t nnames;
};

void build_view_init(struct build_view *v, FILE *out);
/* Renders one progress message of image.build ({"build": {...}}). */
void build_view_message(struct build_view *v, json_t *message);
/* The failed vertex's name and last lines, BuildKit's "------ > ..." block. */
void build_view_failure(struct build_view *v);
void build_view_free(struct build_view *v);

#endif
