/* What the keys do to containers, images and volumes: the docker actions
 * on the selection, or on every marked row after a dialog that lists what
 * will happen (and always before something is removed or killed). Each
 * is an engine command submitted per object; the answers are gathered
 * into one message. Exec and attach hand the terminal to a child berth. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/format.h"

#define MAX_TARGETS 512

struct batch;

/* One object an action applies to. */
struct item {
	struct batch *batch;
	char id[300];
	char name[128];
	const char *type; /* the engine command */
};

/* One action over several objects, gathered into one message. */
struct batch {
	struct item *items;
	size_t n, pending, failed;
	const char *key;  /* "id" or "name" */
	const char *verb; /* "stopped" */
	const char *doing; /* "stopping" */
	json_t *extra;    /* arguments every command gets */
	enum model_kind refresh;
	bool started;
	char error[512];
};

/* Frees a batch and its items. */
static void batch_free(void *user)
{
	struct batch *b = user;

	json_decref(b->extra);
	free(b->items);
	free(b);
}

/* A batch for n objects, whose items the caller fills in. */
static struct batch *batch_new(size_t n, const char *type, const char *key, const char *verb,
			       enum model_kind refresh)
{
	struct batch *b = calloc(1, sizeof(*b));

	if (!b || !(b->items = calloc(n ? n : 1, sizeof(*b->items))))
		abort();
	b->n = n;
	b->key = key;
	b->verb = verb;
	b->refresh = refresh;
	b->extra = json_object();
	for (size_t i = 0; i < n; i++) {
		b->items[i].batch = b;
		b->items[i].type = type;
	}
	return b;
}

/* One object's command answered; the last answer says how it all went. */
static void on_item_done(struct app *app, void *user, int status, json_t *result, const berr *err)
{
	struct item *it = user;
	struct batch *b = it->batch;
	char names[256] = "";
	size_t len = 0;

	(void)result;
	if (status < 0) {
		b->failed++;
		if (!b->error[0])
			snprintf(b->error, sizeof(b->error), "%s: %s", it->name,
				 err && err->msg[0] ? err->msg : "failed");
	}
	if (--b->pending > 0)
		return;
	for (size_t i = 0; i < b->n && len < sizeof(names); i++)
		len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "",
					b->items[i].name);
	if (b->failed == 0)
		app_message(app, THEME_STATUS, "%s %s", b->verb, names);
	else if (b->n == 1)
		app_message(app, THEME_STATUS_ERROR, "%s", b->error);
	else
		app_message(app, THEME_STATUS_ERROR, "%zu of %zu failed; %s", b->failed, b->n, b->error);
	model_refresh(app, b->refresh);
	if (b->refresh == MODEL_IMAGES)
		model_refresh(app, MODEL_CONTAINERS);
	batch_free(b);
}

/* Submits every object's command; the last answer frees the batch. */
static void batch_run(struct app *app, struct batch *b)
{
	b->started = true;
	b->pending = b->n;
	if (b->doing && b->n == 1)
		app_message(app, THEME_STATUS, "%s %s%lc", b->doing, b->items[0].name,
			    (wint_t)term_glyphs()->ellipsis);
	else if (b->doing)
		app_message(app, THEME_STATUS, "%s %zu objects%lc", b->doing, b->n,
			    (wint_t)term_glyphs()->ellipsis);
	for (size_t i = 0; i < b->n; i++) {
		json_t *args = json_deep_copy(b->extra);
		json_object_set_new(args, b->key, json_string(b->items[i].id));
		tui_submit(app, b->items[i].type, args, NULL, on_item_done, &b->items[i]);
		json_decref(args);
	}
	if (b->n == 0)
		batch_free(b);
}

/* The dialog said yes. */
static void batch_confirmed(struct app *app, void *user, int choice)
{
	(void)choice;
	batch_run(app, user);
}

/* The dialog went: a batch it did not start is freed. */
static void batch_release(void *user)
{
	struct batch *b = user;

	if (!b->started)
		batch_free(b);
}

/* Says in a dialog that marks the filter hides are left alone. */
static void note_hidden_marks(struct app *app, struct dialog *d)
{
	struct pane *p = app_pane(app, app->current);
	size_t hidden = p->cls->marks_hidden ? p->cls->marks_hidden(p) : 0;
	char line[96];

	if (!hidden)
		return;
	snprintf(line, sizeof(line), "(%zu marked row%s hidden by the filter: left alone)", hidden,
		 hidden == 1 ? "" : "s");
	dialog_add(d, line);
}

/* The current pane's targets: its marks, else its selection. */
static size_t targets(struct app *app, const char **ids, size_t max)
{
	struct pane *p = app_pane(app, app->current);

	return p->cls->targets ? p->cls->targets(p, ids, max) : 0;
}

/* A container's name and state, for the dialog's lines. */
static void describe_container(struct app *app, const char *id, char *name, size_t n)
{
	char buf[64];
	json_t *row = model_container(app, id);
	const char *status = json_string_value(json_object_get(row, "Status"));

	model_container_name(app, id, buf);
	if (status)
		snprintf(name, n, "%s (%s)", buf, status);
	else
		snprintf(name, n, "%s", buf);
}

/* Whether a container is running or paused (what rm without force refuses). */
static bool container_running(struct app *app, const char *id)
{
	const char *state = json_string_value(json_object_get(model_container(app, id), "State"));

	return state && (strcmp(state, "running") == 0 || strcmp(state, "paused") == 0 ||
			 strcmp(state, "restarting") == 0);
}

/* start, stop, restart, kill, pause/unpause and remove on containers. */
static void container_lifecycle(struct app *app, enum tui_action a)
{
	static const struct {
		enum tui_action action;
		const char *type, *verb, *doing, *title, *yes;
		bool always_ask;
	} table[] = {
		{ACT_START, "container.start", "started", "starting", "Start", "Start", false},
		{ACT_STOP, "container.stop", "stopped", "stopping", "Stop", "Stop", false},
		{ACT_RESTART, "container.restart", "restarted", "restarting", "Restart", "Restart",
		 false},
		{ACT_KILL, "container.kill", "killed", "killing", "Kill", "Kill", true},
		{ACT_PAUSE, "container.pause", "paused", NULL, "Pause or unpause", "Go", false},
		{ACT_REMOVE, "container.remove", "removed", "removing", "Remove", "Remove", true},
		{ACT_REMOVE_FORCE, "container.remove", "removed", "removing", "Remove by force",
		 "Remove", true},
	};
	const char *ids[MAX_TARGETS], *staying[MAX_TARGETS];
	size_t n = targets(app, ids, MAX_TARGETS), t = 0, nstay = 0, keep = 0;
	struct batch *b;
	char title[128], message[160], name[128];

	while (table[t].action != a)
		t++;
	if (n == 0) {
		app_message(app, THEME_WARNING, "no container selected");
		return;
	}
	/* As docker rm without -f, running ones stay: they leave the batch,
	 * and the dialog names them. */
	for (size_t i = 0; i < n; i++) {
		if (a == ACT_REMOVE && container_running(app, ids[i]))
			staying[nstay++] = ids[i];
		else
			ids[keep++] = ids[i];
	}
	n = keep;
	if (n == 0) {
		model_container_name(app, staying[0], name);
		app_message(app, THEME_WARNING, "%s %s running: D removes by force",
			    nstay == 1 ? name : "they", nstay == 1 ? "is" : "are");
		return;
	}
	b = batch_new(n, table[t].type, "id", table[t].verb, MODEL_CONTAINERS);
	b->doing = table[t].doing;
	for (size_t i = 0; i < n; i++) {
		struct item *it = &b->items[i];
		snprintf(it->id, sizeof(it->id), "%s", ids[i]);
		model_container_name(app, ids[i], it->name);
		if (a == ACT_PAUSE) {
			const char *state = json_string_value(
				json_object_get(model_container(app, ids[i]), "State"));
			if (state && strcmp(state, "paused") == 0)
				it->type = "container.unpause";
		}
	}
	if (a == ACT_KILL)
		json_object_set_new(b->extra, "signal", json_string("KILL"));
	if (a == ACT_REMOVE_FORCE)
		json_object_set_new(b->extra, "force", json_true());
	if (a == ACT_PAUSE)
		b->verb = "paused or unpaused";
	snprintf(title, sizeof(title), "%s %zu container%s?", table[t].title, n, n == 1 ? "" : "s");
	snprintf(message, sizeof(message), "%s:",
		 a == ACT_REMOVE_FORCE ? "Running ones are killed first; this will" : "This will");
	if (nstay)
		snprintf(message, sizeof(message),
			 "%zu %s running and will stay (D removes by force); this will:", nstay,
			 nstay == 1 ? "is" : "are");
	if (table[t].always_ask || n > 1) {
		/* The dialog's lines name the state too. */
		for (size_t i = 0; i < n; i++)
			describe_container(app, ids[i], b->items[i].name, sizeof(b->items[i].name));
		static const struct modal_hooks hooks = {.confirm = batch_confirmed,
							 .release = batch_release};
		struct dialog *d = dialog_new(DIALOG_CONFIRM, title, message);
		for (size_t i = 0; i < n; i++) {
			char line[512];
			snprintf(line, sizeof(line), "%s %s",
				 b->items[i].type == table[t].type ? table[t].title : "Unpause",
				 b->items[i].name);
			dialog_add(d, line);
			/* The message afterwards uses the bare name. */
			model_container_name(app, ids[i], b->items[i].name);
		}
		for (size_t i = 0; i < nstay; i++) {
			char line[512];

			describe_container(app, staying[i], name, sizeof(name));
			snprintf(line, sizeof(line), "Keep %s", name);
			dialog_add(d, line);
		}
		note_hidden_marks(app, d);
		dialog_set_buttons(d, table[t].yes, "Cancel");
		modal_dialog(app, d, &hooks, b);
		return;
	}
	batch_run(app, b);
}

/* The one container an action needs (exec, attach, rename, commit). */
static const char *one_container(struct app *app)
{
	struct pane *p = app_pane(app, app->current);
	const char *id = p->cls->selected ? p->cls->selected(p) : NULL;

	if (app->current == PANE_DETAIL)
		id = pane_detail_container(p);
	if (!id)
		app_message(app, THEME_WARNING, "no container selected");
	return id;
}

/* e and a: berth exec -it ID sh, or berth attach ID, on the terminal. */
static void container_terminal(struct app *app, bool attach)
{
	const char *id = one_container(app);
	char idbuf[300];
	char *exec_argv[] = {"berth", "exec", "-it", idbuf, "sh", NULL};
	char *attach_argv[] = {"berth", "attach", idbuf, NULL};

	if (!id)
		return;
	snprintf(idbuf, sizeof(idbuf), "%s", id);
	tui_run_in_terminal(app, attach ? attach_argv : exec_argv, PAUSE_ON_FAILURE);
	model_refresh(app, MODEL_CONTAINERS);
}

/* An object's ID, kept for a prompt's answer. */
struct pending {
	char id[300];
	char name[128];
};

/* Frees what a prompt kept for its answer. */
static void pending_free(void *user)
{
	free(user);
}

/* Keeps an object for a prompt's answer. */
static struct pending *pending_new(const char *id, const char *name)
{
	struct pending *p = calloc(1, sizeof(*p));

	if (!p)
		abort();
	snprintf(p->id, sizeof(p->id), "%s", id);
	snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

/* What a single command says when it is done, and while it is tried (the
 * context of an error: "renaming web to x"). */
struct single {
	char done[256], doing[256];
};

/* A single command's answer: a message either way. */
static void on_single_done(struct app *app, void *user, int status, json_t *result,
			   const berr *err)
{
	struct single *what = user;
	const char *id = json_string_value(json_object_get(result, "Id"));
	char short_id[13];

	if (status < 0) {
		app_error(app, err, "%s", what->doing);
	} else if (id) {
		fmt_short_id(id, short_id);
		app_message(app, THEME_STATUS, "%s: %s", what->done, short_id);
	} else {
		app_message(app, THEME_STATUS, "%s", what->done);
	}
	free(what);
	for (int k = 0; k < MODEL_STATS; k++)
		model_refresh(app, (enum model_kind)k);
}

/* Submits one command whose answer becomes a message. */
static void submit_single(struct app *app, const char *type, json_t *args, const char *done,
			  const char *doing)
{
	struct single *what = calloc(1, sizeof(*what));

	if (!what)
		abort();
	snprintf(what->done, sizeof(what->done), "%s", done);
	snprintf(what->doing, sizeof(what->doing), "%s", doing);
	tui_submit(app, type, args, NULL, on_single_done, what);
	json_decref(args);
}

/* The rename prompt's answer: container.rename. */
static void rename_submit(struct app *app, void *user, const char *text)
{
	struct pending *p = user;
	char done[256], doing[256];

	if (!text[0])
		return;
	snprintf(done, sizeof(done), "renamed %s to %s", p->name, text);
	snprintf(doing, sizeof(doing), "renaming %s to %s", p->name, text);
	submit_single(app, "container.rename", json_pack("{s:s, s:s}", "id", p->id, "name", text),
		      done, doing);
}

/* The commit prompt's answer: container.commit, pausing meanwhile. */
static void commit_submit(struct app *app, void *user, const char *text)
{
	struct pending *p = user;
	json_t *args = json_pack("{s:s, s:b}", "id", p->id, "pause", 1);
	char done[256], doing[256];

	if (text[0])
		json_object_set_new(args, "reference", json_string(text));
	snprintf(done, sizeof(done), "committed %s%s%s", p->name, text[0] ? " as " : "", text);
	snprintf(doing, sizeof(doing), "committing %s%s%s", p->name, text[0] ? " as " : "", text);
	submit_single(app, "container.commit", args, done, doing);
}

/* The tag prompt's answer: image.tag. */
static void tag_submit(struct app *app, void *user, const char *text)
{
	struct pending *p = user;
	char done[256], doing[256];

	if (!text[0])
		return;
	snprintf(done, sizeof(done), "tagged %s as %s", p->name, text);
	snprintf(doing, sizeof(doing), "tagging %s as %s", p->name, text);
	submit_single(app, "image.tag", json_pack("{s:s, s:s}", "source", p->id, "target", text),
		      done, doing);
}

/* N, c (containers) and t (images): a prompt, then one command. */
static void prompt_for(struct app *app, enum tui_action a)
{
	static const struct modal_hooks rename_hooks = {.submit = rename_submit,
							.release = pending_free};
	static const struct modal_hooks commit_hooks = {.submit = commit_submit,
							.release = pending_free};
	static const struct modal_hooks tag_hooks = {.submit = tag_submit, .release = pending_free};
	struct pane *p = app_pane(app, app->current);
	const char *id = a == ACT_TAG ? p->cls->selected(p) : one_container(app);
	char name[64], label[256];

	if (!id) {
		if (a == ACT_TAG)
			app_message(app, THEME_WARNING, "no image selected");
		return;
	}
	if (a == ACT_TAG) {
		snprintf(label, sizeof(label), "tag %s as: ", id);
		modal_prompt(app, NULL, label, "", &tag_hooks, pending_new(id, id));
		return;
	}
	model_container_name(app, id, name);
	if (a == ACT_RENAME) {
		snprintf(label, sizeof(label), "rename %s to: ", name);
		modal_prompt(app, NULL, label, name, &rename_hooks, pending_new(id, name));
	} else {
		snprintf(label, sizeof(label), "commit %s as (repository[:tag], may be empty): ", name);
		modal_prompt(app, NULL, label, "", &commit_hooks, pending_new(id, name));
	}
}

enum { RUN_IMAGE, RUN_NAME, RUN_COMMAND, RUN_ENV, RUN_DETACH, RUN_RM };

/* Appends the words of text to argv. */
static bool add_words(struct form *f, char **argv, int *argc, int max, const char *text,
		      const char *flag)
{
	char **words, msg[128];
	int n = fmt_split_words(text, &words, msg, sizeof(msg));

	if (n < 0) {
		form_set_error(f, msg);
		return false;
	}
	for (int i = 0; i < n && *argc < max - 2; i++) {
		if (flag)
			argv[(*argc)++] = strdup(flag);
		argv[(*argc)++] = strdup(words[i]);
	}
	fmt_free_words(words);
	return true;
}

/* The run form was submitted: berth run with its values, detached through
 * the command line (the new ID shows in the status line), else on the
 * terminal. */
static bool run_form_submit(struct app *app, void *user, struct form *f)
{
	char *argv[128];
	int argc = 0;
	bool detach = form_checked(f, RUN_DETACH), ok;

	(void)user;
	if (!form_text(f, RUN_IMAGE)[0]) {
		form_set_error(f, "an image is needed");
		return false;
	}
	argv[argc++] = strdup("berth");
	argv[argc++] = strdup("run");
	argv[argc++] = strdup(detach ? "-d" : "-it");
	if (form_checked(f, RUN_RM))
		argv[argc++] = strdup("--rm");
	if (form_text(f, RUN_NAME)[0]) {
		argv[argc++] = strdup("--name");
		argv[argc++] = strdup(form_text(f, RUN_NAME));
	}
	ok = add_words(f, argv, &argc, 120, form_text(f, RUN_ENV), "-e");
	if (ok) {
		argv[argc++] = strdup(form_text(f, RUN_IMAGE));
		ok = add_words(f, argv, &argc, 120, form_text(f, RUN_COMMAND), NULL);
	}
	argv[argc] = NULL;
	if (ok) {
		if (detach)
			cmdline_run_argv(app, argv + 1, argc - 1);
		else
			tui_run_in_terminal(app, argv, PAUSE_ALWAYS);
	}
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return ok;
}

/* R: the form to run a container, with the selected image filled in. */
static void run_form(struct app *app)
{
	static const struct modal_hooks hooks = {.form = run_form_submit};
	struct pane *p = app_pane(app, app->current);
	const char *image = app->current == PANE_IMAGES ? p->cls->selected(p) : NULL;
	struct form *f = form_new("Run a container", "Run", "Cancel");

	form_add_text(f, "Image", image && strncmp(image, "sha256:", 7) != 0 ? image : "", 512);
	form_add_text(f, "Name", "", 128);
	form_add_text(f, "Command", "", 1024);
	form_add_text(f, "Env (A=1 B=2)", "", 1024);
	form_add_check(f, "Detached (-d), else -it here", true);
	form_add_check(f, "Remove on exit (--rm)", false);
	if (image)
		form_set_focus(f, RUN_NAME);
	modal_form(app, f, &hooks, NULL);
}

/* What d and P do on the images, volumes and networks panes. */
struct object_kind {
	const char *noun, *remove, *prune, *pruned_key, *pruned_noun, *prune_what;
	enum model_kind model;
};

static const struct object_kind object_kinds[] = {
	{"image", "image.remove", "image.prune", "ImagesDeleted", "image records",
	 "every dangling image (untagged, not used by a container)", MODEL_IMAGES},
	{"volume", "volume.remove", "volume.prune", "VolumesDeleted", "volumes",
	 "every anonymous volume no container uses", MODEL_VOLUMES},
	{"network", "network.remove", "network.prune", "NetworksDeleted", "networks",
	 "every network of yours no container uses", MODEL_NETWORKS},
};

static const struct object_kind *object_kind(struct app *app)
{
	return app->current == PANE_IMAGES    ? &object_kinds[0]
	       : app->current == PANE_VOLUMES ? &object_kinds[1]
					      : &object_kinds[2];
}

/* d, D and P on images, volumes and networks. */
static void remove_objects(struct app *app, enum tui_action a, const struct object_kind *k)
{
	const char *ids[MAX_TARGETS];
	size_t n = targets(app, ids, MAX_TARGETS);
	static const struct modal_hooks hooks = {.confirm = batch_confirmed,
						 .release = batch_release};
	struct batch *b;
	struct dialog *d;
	char title[128];

	if (n == 0) {
		app_message(app, THEME_WARNING, "nothing selected");
		return;
	}
	b = batch_new(n, k->remove, "name", "removed", k->model);
	if (a == ACT_REMOVE_FORCE)
		json_object_set_new(b->extra, "force", json_true());
	snprintf(title, sizeof(title), "Remove %zu %s%s?", n, k->noun, n == 1 ? "" : "s");
	d = dialog_new(DIALOG_CONFIRM, title, "This will remove:");
	for (size_t i = 0; i < n; i++) {
		snprintf(b->items[i].id, sizeof(b->items[i].id), "%s", ids[i]);
		char name[64];
		if (strncmp(ids[i], "sha256:", 7) == 0)
			fmt_short_id(ids[i], b->items[i].name);
		else if (k->model == MODEL_NETWORKS)
			snprintf(b->items[i].name, sizeof(b->items[i].name), "%s",
				 model_network_name(app, ids[i], name));
		else
			snprintf(b->items[i].name, sizeof(b->items[i].name), "%s", ids[i]);
		dialog_add(d, b->items[i].name);
	}
	note_hidden_marks(app, d);
	dialog_set_buttons(d, "Remove", "Cancel");
	modal_dialog(app, d, &hooks, b);
}

/* The answer of a prune: what went and what it freed. */
static void on_pruned(struct app *app, void *user, int status, json_t *result, const berr *err)
{
	const struct object_kind *k = user;
	json_t *gone = json_object_get(result, k->pruned_key);
	char freed[32];

	if (status < 0) {
		app_error(app, err, "prune");
		return;
	}
	fmt_size((double)json_integer_value(json_object_get(result, "SpaceReclaimed")), freed,
		 sizeof(freed));
	app_message(app, THEME_STATUS, "pruned: %zu %s deleted, %s reclaimed", json_array_size(gone),
		    k->pruned_noun, freed);
	model_refresh(app, k->model);
}

/* The prune dialog said yes. */
static void prune_confirmed(struct app *app, void *user, int choice)
{
	const struct object_kind *k = user;
	json_t *args = json_object();

	(void)choice;
	tui_submit(app, k->prune, args, NULL, on_pruned, (void *)k);
	json_decref(args);
}

/* P: prune, after asking. */
static void prune(struct app *app, const struct object_kind *k)
{
	static const struct modal_hooks hooks = {.confirm = prune_confirmed};
	char title[64];
	struct dialog *d;

	snprintf(title, sizeof(title), "Prune %ss?", k->noun);
	d = dialog_new(DIALOG_CONFIRM, title, "This will remove:");
	dialog_add(d, k->prune_what);
	dialog_set_buttons(d, "Prune", "Cancel");
	modal_dialog(app, d, &hooks, (void *)k);
}

/* The answer of a network create, connect or disconnect. */
static void on_network_done(struct app *app, void *user, int status, json_t *result,
			    const berr *err)
{
	(void)result;
	if (status < 0) {
		app_error(app, err, "%s", (const char *)user);
		return;
	}
	app_message(app, THEME_STATUS, "%s: done", (const char *)user);
	model_refresh(app, MODEL_NETWORKS);
	model_refresh(app, MODEL_CONTAINERS);
}

enum { NET_NAME, NET_SUBNET, NET_INTERNAL, NET_IPV6 };

static bool network_form_submit(struct app *app, void *user, struct form *f)
{
	const char *name = form_text(f, NET_NAME), *subnet = form_text(f, NET_SUBNET);
	json_t *args;

	(void)user;
	if (!*name) {
		form_set_error(f, "a network needs a name");
		return false;
	}
	args = json_pack("{s:s, s:b, s:b}", "Name", name, "Internal", form_checked(f, NET_INTERNAL),
			 "EnableIPv6", form_checked(f, NET_IPV6));
	if (*subnet)
		json_object_set_new(args, "IPAM",
				    json_pack("{s:[{s:s}]}", "Config", "Subnet", subnet));
	tui_submit(app, "network.create", args, NULL, on_network_done, "network create");
	json_decref(args);
	return true;
}

/* n: the form to create a network. */
static void network_form(struct app *app)
{
	static const struct modal_hooks hooks = {.form = network_form_submit};
	struct form *f = form_new("Create a network", "Create", "Cancel");

	form_add_text(f, "Name", "", 128);
	form_add_text(f, "Subnet (empty: from the pools)", "", 64);
	form_add_check(f, "Internal (no way out)", false);
	form_add_check(f, "IPv6 too (a ULA /64)", false);
	modal_form(app, f, &hooks, NULL);
}

/* The selected network, for connect and disconnect. */
static char connect_network[80];

static bool connect_form_submit(struct app *app, void *user, struct form *f)
{
	bool connect = user != NULL;
	const char *container = form_text(f, 0);
	json_t *args;

	if (!*container) {
		form_set_error(f, "which container?");
		return false;
	}
	args = json_pack("{s:s, s:s}", "network", connect_network, "Container", container);
	tui_submit(app, connect ? "network.connect" : "network.disconnect", args, NULL,
		   on_network_done, connect ? "network connect" : "network disconnect");
	json_decref(args);
	return true;
}

/* c and x: connect a container to the selected network, or disconnect it. */
static void connect_form(struct app *app, bool connect)
{
	static const struct modal_hooks hooks = {.form = connect_form_submit};
	struct pane *p = app_pane(app, app->current);
	const char *id = p->cls->selected ? p->cls->selected(p) : NULL;
	char title[128];
	struct form *f;

	if (!id) {
		app_message(app, THEME_WARNING, "no network selected");
		return;
	}
	snprintf(connect_network, sizeof(connect_network), "%s", id);
	char name[64];
	snprintf(title, sizeof(title), "%s network %s", connect ? "Connect to" : "Disconnect from",
		 model_network_name(app, id, name));
	f = form_new(title, connect ? "Connect" : "Disconnect", "Cancel");
	form_add_text(f, "Container (name or ID)", "", 256);
	modal_form(app, f, &hooks, connect ? (void *)app : NULL);
}

/* Enter: the detail pane for the selection. */
static void open_detail(struct app *app)
{
	struct pane *p = app_pane(app, app->current);
	const char *id = p->cls->selected ? p->cls->selected(p) : NULL;
	enum detail_kind kind = app->current == PANE_IMAGES	? DETAIL_IMAGE
				: app->current == PANE_VOLUMES	? DETAIL_VOLUME
				: app->current == PANE_NETWORKS ? DETAIL_NETWORK
								: DETAIL_CONTAINER;

	if (!id)
		return;
	pane_detail_open(app_pane(app, PANE_DETAIL), kind, id);
	app_show_pane(app, PANE_DETAIL);
}

/* l: the logs pane following the targets. */
static void open_logs(struct app *app)
{
	const char *ids[MAX_TARGETS];
	size_t n = targets(app, ids, MAX_TARGETS);

	if (n == 0) {
		app_message(app, THEME_WARNING, "no container selected");
		return;
	}
	pane_logs_open(app_pane(app, PANE_LOGS), ids, n);
	app_show_pane(app, PANE_LOGS);
}

/* Runs an action on the current pane's objects. */
bool actions_run(struct app *app, enum tui_action a)
{
	bool objects = app->current == PANE_IMAGES || app->current == PANE_VOLUMES ||
		       app->current == PANE_NETWORKS;

	switch (a) {
	case ACT_OPEN:
		open_detail(app);
		return true;
	case ACT_LOGS:
		open_logs(app);
		return true;
	case ACT_START:
	case ACT_STOP:
	case ACT_RESTART:
	case ACT_KILL:
	case ACT_PAUSE:
		container_lifecycle(app, a);
		return true;
	case ACT_REMOVE:
	case ACT_REMOVE_FORCE:
		if (objects)
			remove_objects(app, a, object_kind(app));
		else
			container_lifecycle(app, a);
		return true;
	case ACT_EXEC:
	case ACT_ATTACH:
		container_terminal(app, a == ACT_ATTACH);
		return true;
	case ACT_RENAME:
	case ACT_COMMIT:
	case ACT_TAG:
		prompt_for(app, a);
		return true;
	case ACT_RUN:
		run_form(app);
		return true;
	case ACT_PULL:
		transfer_pull(app);
		return true;
	case ACT_PUSH:
		transfer_push(app);
		return true;
	case ACT_BUILD:
		build_form(app);
		return true;
	case ACT_PRUNE:
		prune(app, object_kind(app));
		return true;
	case ACT_NET_CREATE:
		network_form(app);
		return true;
	case ACT_NET_CONNECT:
	case ACT_NET_DISCONNECT:
		connect_form(app, a == ACT_NET_CONNECT);
		return true;
	default:
		return false;
	}
}
