/* b on the images pane: a build. A form asks for the context, the
 * Dockerfile, a tag, build args and a target; the build then shows live
 * over the pane area, BuildKit's plain lines (each step, its output timed
 * from its start, CACHED, DONE) following the newest, the title saying
 * which step runs. Esc cancels a running build (the engine stops the step
 * and removes its container); once it ended, Esc closes the view and the
 * image is in the list. One build at a time. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/app.h"
#include "widgets/form.h"
#include "widgets/logview.h"

enum { F_CONTEXT, F_FILE, F_TAG, F_ARGS, F_TARGET, F_NO_CACHE };

/* What the form had last time: a failed build is tried again without
 * typing it all. */
struct form_values {
	char context[PATH_MAX], file[PATH_MAX], tag[256], args[1024], target[129];
	bool no_cache, set;
};

struct tui_build {
	struct app *app;
	struct form_values last;
	struct request *req;
	struct logview *view; /* the modal's, while it is open */
	char tag[256];
	char step[256];       /* the running step's name */
	double starts[1024];  /* each vertex's start, seconds from the build's */
	bool running;
};

static struct tui_build the_build;

/* Is the view still the one on the screen (no other modal took over)? */
static bool showing(const struct tui_build *t)
{
	return t->view && t->app->modal.widget == WIDGET(t->view);
}

static void set_title(struct tui_build *t, const char *state)
{
	char title[512];

	if (!showing(t))
		return;
	snprintf(title, sizeof(title), "build %s: %s", t->tag[0] ? t->tag : "(untagged)", state);
	modal_result_title(t->app, title,
			   t->running ? "Esc, q: cancel the build  j/k: scroll "
				      : "Esc, q: close  j/k: scroll ");
}

static void add_line(struct tui_build *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_line(struct tui_build *t, const char *fmt, ...)
{
	char line[8192];
	va_list ap;
	int n;

	if (!showing(t))
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	logview_append(t->view, line, (size_t)n, NULL);
}

static void on_progress(struct app *app, void *user, json_t *m)
{
	struct tui_build *t = user;
	json_t *b = json_object_get(m, "build");
	const char *event = json_string_value(json_object_get(b, "event"));
	int n = (int)json_integer_value(json_object_get(b, "vertex"));
	double now = json_real_value(json_object_get(b, "t"));

	(void)app;
	if (!event)
		return;
	if (strcmp(event, "start") == 0) {
		const char *name = json_string_value(json_object_get(b, "name")) ?: "";
		if (n > 0 && n < 1024)
			t->starts[n] = now;
		snprintf(t->step, sizeof(t->step), "%s", name);
		add_line(t, "#%d %s", n, name);
		set_title(t, t->step);
	} else if (strcmp(event, "log") == 0) {
		double start = n > 0 && n < 1024 ? t->starts[n] : 0;
		add_line(t, "#%d %.3f %s", n, now - start,
			 json_string_value(json_object_get(b, "text")) ?: "");
	} else if (strcmp(event, "status") == 0) {
		add_line(t, "#%d %s", n, json_string_value(json_object_get(b, "text")) ?: "");
	} else if (strcmp(event, "cached") == 0) {
		add_line(t, "#%d CACHED", n);
	} else if (strcmp(event, "done") == 0) {
		add_line(t, "#%d DONE %.1fs", n, json_real_value(json_object_get(b, "duration")));
	} else if (strcmp(event, "error") == 0) {
		add_line(t, "#%d ERROR: %s", n, json_string_value(json_object_get(b, "error")) ?: "");
	}
}

static void on_done(struct app *app, void *user, int status, json_t *result, const berr *err)
{
	struct tui_build *t = user;
	const char *id = json_string_value(json_object_get(result, "Id"));

	t->req = NULL;
	t->running = false;
	if (status < 0) {
		add_line(t, "ERROR: failed to solve: %s", err && err->msg[0] ? err->msg : "failed");
		set_title(t, err && strstr(err->msg, "build cancelled") ? "cancelled" : "failed");
		app_message(app, THEME_STATUS_ERROR, "build failed: %s",
			    err && err->msg[0] ? err->msg : "failed");
	} else {
		add_line(t, "built %s%s%s", id ? id : "", t->tag[0] ? " as " : "", t->tag);
		set_title(t, "done");
		app_message(app, THEME_STATUS, "built %s%s%.19s", t->tag, t->tag[0] ? " " : "", id ? id : "");
	}
	model_refresh(app, MODEL_IMAGES);
}

/* Esc on the view: cancels a running build, else closes. */
static void on_cancel(struct app *app, void *user)
{
	struct tui_build *t = user;

	if (t->req) {
		tui_interrupt(app, t->req); /* its answer (build cancelled) comes as usual */
		app_message(app, THEME_WARNING, "cancelling the build");
		return;
	}
	modal_close(app);
}

/* The view went, whichever way: nothing is written to it any more (the
 * build goes on, its end still said on the status line). */
static void on_release(void *user)
{
	struct tui_build *t = user;

	t->view = NULL;
}

/* "A=1 B=two" into {"A": "1", "B": "two"}; a name alone is left out. */
static json_t *parse_args(const char *text)
{
	json_t *out = json_object();
	char *copy = strdup(text ? text : ""), *save = NULL;

	if (!copy)
		abort();
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(w, '=');
		if (!eq)
			continue;
		*eq = '\0';
		json_object_set_new(out, w, json_string(eq + 1));
	}
	free(copy);
	return out;
}

static bool build_form_submit(struct app *app, void *user, struct form *f)
{
	static const struct modal_hooks hooks = {.cancel = on_cancel, .release = on_release};
	struct tui_build *t = user;
	const char *context = form_text(f, F_CONTEXT), *file = form_text(f, F_FILE);
	const char *tag = form_text(f, F_TAG), *target = form_text(f, F_TARGET);
	char abs_context[PATH_MAX], abs_file[PATH_MAX * 2];
	json_t *args;

	if (!realpath(*context ? context : ".", abs_context)) {
		form_set_error(f, "no such context directory");
		return false;
	}
	if (*file && file[0] != '/')
		snprintf(abs_file, sizeof(abs_file), "%s/%s", abs_context, file);
	else
		snprintf(abs_file, sizeof(abs_file), "%s", *file ? file : "Dockerfile");
	args = json_pack("{s:s, s:s, s:o, s:b, s:[]}", "context", abs_context, "dockerfile",
			 *file ? abs_file : "Dockerfile", "build_args", parse_args(form_text(f, F_ARGS)),
			 "no_cache", form_checked(f, F_NO_CACHE), "tags");
	if (*tag)
		json_array_append_new(json_object_get(args, "tags"), json_string(tag));
	if (*target)
		json_object_set_new(args, "target", json_string(target));
	snprintf(t->tag, sizeof(t->tag), "%s", tag);
	snprintf(t->last.context, sizeof(t->last.context), "%s", context);
	snprintf(t->last.file, sizeof(t->last.file), "%s", file);
	snprintf(t->last.tag, sizeof(t->last.tag), "%s", tag);
	snprintf(t->last.args, sizeof(t->last.args), "%s", form_text(f, F_ARGS));
	snprintf(t->last.target, sizeof(t->last.target), "%s", target);
	t->last.no_cache = form_checked(f, F_NO_CACHE);
	t->last.set = true;
	memset(t->starts, 0, sizeof(t->starts));
	t->running = true;
	/* the form closes when this returns true; the view opens after it */
	t->view = modal_result_live(app, &hooks, t);
	set_title(t, "starting");
	t->req = tui_submit(app, "image.build", args, on_progress, on_done, t);
	json_decref(args);
	return true;
}

/* b on the images pane. */
void build_form(struct app *app)
{
	static const struct modal_hooks hooks = {.form = build_form_submit};
	struct tui_build *t = &the_build;
	char cwd[PATH_MAX] = ".";
	struct form *f;

	if (t->req) {
		app_message(app, THEME_WARNING, "a build is running: %s", t->tag[0] ? t->tag : t->step);
		return;
	}
	t->app = app;
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), ".");
	const struct form_values *v = &t->last;
	f = form_new("Build an image", "Build", "Cancel");
	form_add_text(f, "Context (a directory)", v->set ? v->context : cwd, PATH_MAX - 1);
	form_add_text(f, "Dockerfile (in the context)", v->set ? v->file : "Dockerfile", PATH_MAX - 1);
	form_add_text(f, "Tag (name:tag, empty: none)", v->tag, 255);
	form_add_text(f, "Build args (A=1 B=2)", v->args, 1023);
	form_add_text(f, "Target stage (empty: the last)", v->target, 128);
	form_add_check(f, "No cache", v->no_cache);
	modal_form(app, f, &hooks, t);
}

/* Quitting the console cancels a running build. */
void build_cancel_running(struct app *app)
{
	if (the_build.req)
		tui_cancel(app, the_build.req);
	the_build.req = NULL;
	the_build.view = NULL;
}
