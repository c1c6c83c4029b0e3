/* Docker's JSON message streams on a terminal or in a log (see jsonmessage.h). */
#include "cli/jsonmessage.h"

#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "engine/core/progress.h"

void jsonmessage_view_init(struct jsonmessage_view *v, FILE *out)
{
	struct winsize ws;

	v->out = out;
	v->terminal = isatty(fileno(out));
	v->width = 80;
	if (v->terminal && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		v->width = ws.ws_col;
	v->ids = json_object();
}

void jsonmessage_view_free(struct jsonmessage_view *v)
{
	json_decref(v->ids);
	v->ids = NULL;
}

/* The progress text for this terminal, from progressDetail. */
static void progress_of(struct jsonmessage_view *v, json_t *detail, char *buf, size_t size)
{
	progress_text(json_integer_value(json_object_get(detail, "current")),
		      json_integer_value(json_object_get(detail, "total")),
		      json_integer_value(json_object_get(detail, "start")), (int64_t)time(NULL),
		      v->terminal ? v->width : 200, buf, size);
}

/* jsonmessage.Display. */
static void display(struct jsonmessage_view *v, json_t *m)
{
	json_t *detail = json_object_get(m, "progressDetail");
	const char *id = json_string_value(json_object_get(m, "id"));
	const char *status = json_string_value(json_object_get(m, "status"));
	const char *stream = json_string_value(json_object_get(m, "stream"));
	char progress[200] = "";
	const char *endl = "";

	if (detail)
		progress_of(v, detail, progress, sizeof(progress));
	if (v->terminal && !stream && detail) {
		fputs("\x1b[2K\r", v->out);
		endl = "\r";
	} else if (detail && progress[0]) {
		return; /* no progress bars in a log */
	}
	if (id && *id)
		fprintf(v->out, "%s: ", id);
	if (detail && v->terminal)
		fprintf(v->out, "%s %s%s", status ? status : "", progress, endl);
	else if (stream)
		fprintf(v->out, "%s%s", stream, endl);
	else
		fprintf(v->out, "%s%s\n", status ? status : "", endl);
}

void jsonmessage_show(struct jsonmessage_view *v, json_t *m)
{
	const char *id = json_string_value(json_object_get(m, "id"));
	size_t diff = 0;

	if (json_object_get(m, "aux"))
		return; /* results for programs, not lines for people */
	if (id && *id && json_object_get(m, "progressDetail")) {
		json_t *line = json_object_get(v->ids, id);
		size_t at;

		if (!line) {
			at = json_object_size(v->ids);
			json_object_set_new(v->ids, id, json_integer((json_int_t)at));
			if (v->terminal)
				fputc('\n', v->out);
		} else {
			at = (size_t)json_integer_value(line);
		}
		diff = json_object_size(v->ids) - at;
		if (v->terminal && diff)
			fprintf(v->out, "\x1b[%zuA", diff);
	} else {
		/* something else than a layer's line: those lines are history */
		json_object_clear(v->ids);
	}
	display(v, m);
	if (id && *id && v->terminal && diff)
		fprintf(v->out, "\x1b[%zuB", diff);
	fflush(v->out);
}
