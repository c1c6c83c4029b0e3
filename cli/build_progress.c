/* Rendering a build's progress (see build_progress.h). */
#include "cli/build_progress.h"

#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"

#define TAIL_LINES 10

void build_view_init(struct build_view *v, FILE *out)
{
	memset(v, 0, sizeof(*v));
	v->out = out;
	fprintf(out, "#0 building with \"default\" instance using berth driver\n");
}

static double start_of(const struct build_view *v, int vertex)
{
	return vertex > 0 && vertex < 4096 ? v->starts[vertex] : 0;
}

static void name_vertex(struct build_view *v, int vertex, const char *name)
{
	if (vertex <= 0 || vertex > 100000)
		return;
	if ((size_t)vertex >= v->nnames) {
		size_t n = (size_t)vertex + 16;
		v->names = xrealloc(v->names, n * sizeof(*v->names));
		memset(v->names + v->nnames, 0, (n - v->nnames) * sizeof(*v->names));
		v->nnames = n;
	}
	free(v->names[vertex]);
	v->names[vertex] = xstrdup(name);
}

static void keep_tail(struct build_view *v, const char *text)
{
	if (v->ntail == TAIL_LINES) {
		free(v->tail[0]);
		memmove(v->tail, v->tail + 1, (TAIL_LINES - 1) * sizeof(*v->tail));
		v->ntail--;
	}
	if (!v->tail)
		v->tail = xcalloc(TAIL_LINES, sizeof(*v->tail));
	v->tail[v->ntail++] = xstrdup(text);
}

static void clear_tail(struct build_view *v)
{
	for (size_t i = 0; i < v->ntail; i++)
		free(v->tail[i]);
	v->ntail = 0;
}

void build_view_message(struct build_view *v, json_t *message)
{
	json_t *b = json_object_get(message, "build");
	const char *event = json_string_value(json_object_get(b, "event"));
	int vertex = (int)json_integer_value(json_object_get(b, "vertex"));
	double t = json_real_value(json_object_get(b, "t"));

	if (!event)
		return;
	if (strcmp(event, "start") == 0) {
		const char *name = json_string_value(json_object_get(b, "name"));
		if (vertex > 0 && vertex < 4096)
			v->starts[vertex] = t;
		name_vertex(v, vertex, name ? name : "");
		clear_tail(v);
		fprintf(v->out, "\n#%d %s\n", vertex, name ? name : "");
	} else {
		if (vertex != v->last_vertex) /* another vertex spoke in between */
			fprintf(v->out, "\n#%d %s\n", vertex,
				(size_t)vertex < v->nnames && v->names[vertex] ? v->names[vertex] : "");
		if (strcmp(event, "log") == 0) {
			const char *text = json_string_value(json_object_get(b, "text"));
			fprintf(v->out, "#%d %.3f %s\n", vertex, t - start_of(v, vertex), text ? text : "");
			keep_tail(v, text ? text : "");
		} else if (strcmp(event, "status") == 0) {
			fprintf(v->out, "#%d %s\n", vertex,
				json_string_value(json_object_get(b, "text")) ?: "");
		} else if (strcmp(event, "cached") == 0) {
			fprintf(v->out, "#%d CACHED\n", vertex);
		} else if (strcmp(event, "done") == 0) {
			fprintf(v->out, "#%d DONE %.1fs\n", vertex,
				json_real_value(json_object_get(b, "duration")));
		} else if (strcmp(event, "error") == 0) {
			fprintf(v->out, "#%d ERROR: %s\n", vertex,
				json_string_value(json_object_get(b, "error")) ?: "");
			free(v->error_name);
			v->error_name = xstrdup((size_t)vertex < v->nnames && v->names[vertex] ? v->names[vertex] : "");
		}
	}
	v->last_vertex = vertex;
	fflush(v->out);
}

void build_view_failure(struct build_view *v)
{
	if (!v->error_name)
		return;
	fprintf(v->out, "------\n > %s:\n", v->error_name);
	for (size_t i = 0; i < v->ntail; i++)
		fprintf(v->out, "%s\n", v->tail[i]);
	fprintf(v->out, "------\n");
}

void build_view_free(struct build_view *v)
{
	clear_tail(v);
	free(v->tail);
	free(v->error_name);
	for (size_t i = 0; i < v->nnames; i++)
		free(v->names[i]);
	free(v->names);
}
