/* Pull and push from the images pane: p asks for a reference (Tab
 * completes the names of local images), u pushes the selected tag (the
 * prompt holds it, to edit). While one runs, the status line follows its
 * layers live: how many are done, how many bytes of those moving have
 * moved; the answer ends it with the digest. One transfer runs at a time;
 * quitting the console cancels it (the engine keeps what was downloaded,
 * and the next pull resumes it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "engine/core/units.h"
#include "tui/app.h"
#include "widgets/prompt.h"

#define MAX_CANDIDATES 256

struct transfer {
	struct app *app;
	struct prompt *prompt;
	char *cands[MAX_CANDIDATES];
	size_t ncands;
	/* the one running */
	struct request *req;
	bool push;
	char ref[512];
	json_t *layers; /* id -> {"status", "current", "total"} */
};

/* Tab: the repository:tag names of local images. */
static size_t complete(void *ctx, const char *line, size_t word_start, const char *word,
		       const char **out, size_t max)
{
	struct transfer *t = ctx;
	json_t *row, *tag;
	size_t i, k, n = 0;

	(void)line;
	(void)word_start;
	for (i = 0; i < t->ncands; i++)
		free(t->cands[i]);
	t->ncands = 0;
	json_array_foreach(t->app->model.images, i, row)
		json_array_foreach(json_object_get(row, "RepoTags"), k, tag) {
			const char *name = json_string_value(tag);
			if (name && strncmp(name, word, strlen(word)) == 0 && t->ncands < MAX_CANDIDATES &&
			    (t->cands[t->ncands] = strdup(name)))
				t->ncands++;
		}
	for (i = 0; i < t->ncands && n < max; i++)
		out[n++] = t->cands[i];
	return n;
}

struct transfer *transfer_new(struct app *app)
{
	struct transfer *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	t->app = app;
	t->prompt = prompt_new("pull: ");
	prompt_set_completion(t->prompt, complete, t);
	t->layers = json_object();
	return t;
}

void transfer_free(struct transfer *t)
{
	if (!t)
		return;
	if (t->req)
		tui_cancel(t->app, t->req);
	for (size_t i = 0; i < t->ncands; i++)
		free(t->cands[i]);
	prompt_free(t->prompt);
	json_decref(t->layers);
	free(t);
}

/* A layer's line is finished. */
static bool layer_done(const char *status)
{
	return strcmp(status, "Pull complete") == 0 || strcmp(status, "Already exists") == 0 ||
	       strcmp(status, "Pushed") == 0 || strcmp(status, "Layer already exists") == 0 ||
	       strncmp(status, "Mounted from", 12) == 0;
}

/* The status line, short enough for 80 columns: "pulling x: 2/5 layers,
 * 41.9MB/104.9MB" (the bytes of every layer that moves, done ones whole). */
static void show(struct transfer *t, const char *last)
{
	const char *id;
	json_t *l;
	size_t done = 0, total = json_object_size(t->layers);
	int64_t cur = 0, all = 0;
	char a[32], b[32];

	json_object_foreach(t->layers, id, l) {
		const char *status = json_string_value(json_object_get(l, "status"));
		int64_t size = json_integer_value(json_object_get(l, "total"));
		bool finished = status && layer_done(status);

		done += finished;
		all += size;
		cur += finished ? size : json_integer_value(json_object_get(l, "current"));
	}
	units_human_size4((double)cur, a, sizeof(a));
	units_human_size4((double)all, b, sizeof(b));
	if (all > 0)
		app_message(t->app, THEME_STATUS, "%s %s: %zu/%zu layers, %s/%s",
			    t->push ? "pushing" : "pulling", t->ref, done, total, a, b);
	else if (total > 0)
		app_message(t->app, THEME_STATUS, "%s %s: %zu/%zu layers%s%s",
			    t->push ? "pushing" : "pulling", t->ref, done, total, last ? ", " : "",
			    last ? last : "");
	else
		app_message(t->app, THEME_STATUS, "%s %s: %s", t->push ? "pushing" : "pulling", t->ref,
			    last ? last : "starting");
}

static void on_progress(struct app *app, void *user, json_t *m)
{
	struct transfer *t = user;
	const char *id = json_string_value(json_object_get(m, "id"));
	const char *status = json_string_value(json_object_get(m, "status"));
	json_t *detail = json_object_get(m, "progressDetail");

	(void)app;
	if (!status)
		return;
	if (id && detail) {
		json_t *l = json_object_get(t->layers, id);

		if (!l) {
			l = json_object();
			json_object_set_new(t->layers, id, l);
		}
		json_object_set_new(l, "status", json_string(status));
		/* status lines carry no bytes: what the layer had stays */
		if (json_object_get(detail, "total")) {
			json_object_set_new(l, "current", json_integer(json_integer_value(json_object_get(detail, "current"))));
			json_object_set_new(l, "total", json_integer(json_integer_value(json_object_get(detail, "total"))));
		}
	}
	show(t, id && detail ? NULL : status);
}

static void on_done(struct app *app, void *user, int status, json_t *result, const berr *err)
{
	struct transfer *t = user;
	const char *digest = json_string_value(json_object_get(result, "Digest"));

	t->req = NULL;
	if (status < 0) {
		/* the engine's words name the reference already, and end with
		 * the cause: when the line is too short, the end is kept */
		const char *msg = err && err->msg[0] ? err->msg : "failed";
		size_t room = COLS > 40 ? (size_t)COLS - 28 : 12;

		if (strlen(msg) > room)
			app_message(app, THEME_STATUS_ERROR, "%s failed: …%s", t->push ? "push" : "pull",
				    msg + strlen(msg) - room);
		else
			app_message(app, THEME_STATUS_ERROR, "%s failed: %s", t->push ? "push" : "pull",
				    msg);
	} else
		app_message(app, THEME_STATUS, "%s %s%s%s", t->push ? "pushed" : "pulled", t->ref,
			    digest ? " " : "", digest ? digest : "");
	model_refresh(app, MODEL_IMAGES);
}

/* Starts one transfer. */
static void start(struct transfer *t, bool push, const char *ref)
{
	json_t *args = json_pack("{s:s}", "reference", ref);

	json_object_clear(t->layers);
	t->push = push;
	snprintf(t->ref, sizeof(t->ref), "%s", ref);
	t->req = tui_submit(t->app, push ? "image.push" : "image.pull", args, on_progress, on_done, t);
	json_decref(args);
	show(t, NULL);
}

static void pull_submit(struct app *app, void *user, const char *text)
{
	(void)app;
	if (text[0])
		start(user, false, text);
}

static void push_submit(struct app *app, void *user, const char *text)
{
	(void)app;
	if (text[0])
		start(user, true, text);
}

/* p on the images pane. */
void transfer_pull(struct app *app)
{
	static const struct modal_hooks hooks = {.submit = pull_submit};
	struct transfer *t = app->transfer;

	if (t->req) {
		app_message(app, THEME_WARNING, "a %s is running: %s", t->push ? "push" : "pull", t->ref);
		return;
	}
	prompt_set_label(t->prompt, "pull (name[:tag|@digest]): ");
	modal_prompt(app, t->prompt, "pull (name[:tag|@digest]): ", "", &hooks, t);
}

/* u on the images pane: the selected tag, to edit. */
void transfer_push(struct app *app)
{
	static const struct modal_hooks hooks = {.submit = push_submit};
	struct transfer *t = app->transfer;
	struct pane *p = app_pane(app, PANE_IMAGES);
	const char *ref = p->cls->selected(p);

	if (t->req) {
		app_message(app, THEME_WARNING, "a %s is running: %s", t->push ? "push" : "pull", t->ref);
		return;
	}
	if (!ref || strncmp(ref, "sha256:", 7) == 0) {
		app_message(app, THEME_WARNING, "push needs a tagged image (t tags it)");
		return;
	}
	modal_prompt(app, t->prompt, "push: ", ref, &hooks, t);
}
