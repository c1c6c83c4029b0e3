/* The ":" command line: the CLI's own commands, typed in the console
 * (":stop web", ":run -d --name cache busybox sleep 600"), with history
 * and Tab completion of command, container, image and volume names.
 *
 * A command runs through cli_run on a thread of its own, so the console
 * never waits for the engine; what it prints arrives through the pipe that
 * stdout and stderr point to while the console runs, and shows in the
 * status line (one line) or a result view (more). Commands that need the
 * terminal (exec, attach, a foreground run, logs -f, stats, events...) get
 * it: the console steps aside while they run. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/run.h"
#include "tui/app.h"
#include "tui/format.h"

#define MAX_CANDIDATES 256
#define MAX_OUTPUT (16u << 20)

struct cmdline {
	struct app *app;
	struct prompt *prompt;
	pthread_t thread;
	bool running;
	atomic_bool ended; /* the thread wrote everything and posted its end */
	char *line; /* what runs, for the title of its output */
	char **argv;
	int argc;
	int status;
	char *out;
	size_t len, cap;
	bool cut; /* output past MAX_OUTPUT was left out */
	char *cands[MAX_CANDIDATES];
	size_t ncands;
};

/* The words a command line starts with. */
static const char *const command_words[] = {
	"attach", "commit", "container", "context", "cp", "create", "diff", "events", "exec", "export",
	"history", "image", "images", "import", "info", "inspect", "kill", "load", "logs",
	"pause", "ps", "rename", "restart", "rm", "rmi", "run", "save", "search", "start", "stats",
	"stop", "system", "tag", "top", "unpause", "version", "volume", "wait", NULL,
};

/* The words after a management command ("container ls"). */
static const char *const sub_words[] = {
	"attach", "commit", "cp", "create", "diff", "export", "history", "import", "info",
	"inspect", "kill", "load", "logs", "ls", "pause", "prune", "restart", "rm", "run",
	"save", "start", "stats", "stop", "tag", "top", "unpause", "wait", "events", NULL,
};

static void on_done(struct app *app, void *user);

/* Runs the command on its own thread. */
static void *worker(void *arg)
{
	struct cmdline *c = arg;

	c->status = cli_run(c->app->engine, c->argc, c->argv);
	fflush(stdout);
	fflush(stderr);
	atomic_store(&c->ended, true);
	tui_post(c->app, on_done, c);
	return NULL;
}

/* Frees the words of the command that ran. */
static void free_command(struct cmdline *c)
{
	for (int i = 0; i < c->argc; i++)
		free(c->argv[i]);
	free(c->argv);
	free(c->line);
	c->argv = NULL;
	c->argc = 0;
	c->line = NULL;
	c->len = 0;
}

/* Takes what is still in the pipe: the command wrote it before it ended. */
static void drain_capture(struct app *app)
{
	char buf[16384];
	ssize_t n;

	while (app->capture_fd >= 0 && (n = read(app->capture_fd, buf, sizeof(buf))) > 0)
		cmdline_output(app, buf, (size_t)n);
}

/* The command ended: its output in the status line, or a view when long. */
static void finished(struct app *app, struct cmdline *c)
{
	char title[512];
	size_t lines = 0, end;

	c->running = false;
	drain_capture(app);
	while (c->len > 0 && (c->out[c->len - 1] == '\n' || c->out[c->len - 1] == ' '))
		c->len--;
	for (size_t i = 0; i < c->len; i++)
		lines += c->out[i] == '\n';
	if (c->len > 0)
		lines++;
	/* more than a line, or a line the status bar would cut: the output pane */
	if (lines > 1 || (c->len && text_width_n(c->out, c->len) > COLS - 2)) {
		snprintf(title, sizeof(title), " :%s%s%s", c->line, c->status ? "  (failed)" : "",
			 c->cut ? "  (output cut at 16 MiB)" : "");
		app_message(app, c->status ? THEME_STATUS_ERROR : THEME_STATUS, ":%s %s", c->line,
			    c->status ? "failed" : "done");
		modal_result(app, title, c->out, c->len, c->status != 0);
	} else {
		end = c->len;
		if (c->out)
			c->out[end] = '\0';
		if (c->status)
			app_message(app, THEME_STATUS_ERROR, "%s", end ? c->out : "failed");
		else
			app_message(app, THEME_STATUS, "%s", end ? c->out : "done");
	}
	/* another context chosen: the console starts again on its daemon */
	if (c->status == 0 && c->argc >= 3 && strcmp(c->argv[0], "context") == 0 &&
	    strcmp(c->argv[1], "use") == 0) {
		app->switch_context = true;
		app->quit = true;
	}
	free_command(c);
	for (int k = 0; k < MODEL_STATS; k++)
		model_refresh(app, (enum model_kind)k);
}

/* The worker's end, on the UI thread. */
static void on_done(struct app *app, void *user)
{
	struct cmdline *c = user;

	pthread_join(c->thread, NULL);
	finished(app, c);
}

/* Output the CLI (or the engine) printed. */
void cmdline_output(struct app *app, const char *data, size_t len)
{
	struct cmdline *c = app->cmdline;
	const char *last;

	if (!c || !c->running) {
		/* Not a command's: a warning from the engine; its last line shows. */
		while (len > 0 && data[len - 1] == '\n')
			len--;
		last = memrchr(data, '\n', len);
		last = last ? last + 1 : data;
		if (len > 0)
			app_message(app, THEME_WARNING, "%.*s", (int)(data + len - last), last);
		return;
	}
	if (c->len + len > MAX_OUTPUT) {
		c->cut = true;
		len = MAX_OUTPUT - c->len;
	}
	if (c->len + len + 1 > c->cap) {
		c->cap = (c->len + len + 1) * 2;
		c->out = realloc(c->out, c->cap);
		if (!c->out)
			abort();
	}
	memcpy(c->out + c->len, data, len);
	c->len += len;
}

/* Runs a berth command given as words (argv[0] the command). */
void cmdline_run_argv(struct app *app, char **argv, int argc)
{
	struct cmdline *c = app->cmdline;
	char **full;
	size_t len = 0;

	if (argc <= 0)
		return;
	if (words_need_terminal(argc, argv)) {
		full = calloc((size_t)argc + 2, sizeof(*full));
		if (!full)
			abort();
		full[0] = "berth";
		memcpy(full + 1, argv, (size_t)argc * sizeof(*argv));
		tui_run_in_terminal(app, full, PAUSE_ALWAYS);
		free(full);
		for (int k = 0; k < MODEL_STATS; k++)
			model_refresh(app, (enum model_kind)k);
		return;
	}
	if (c->running) {
		app_message(app, THEME_WARNING, "a command is still running: :%s", c->line);
		return;
	}
	c->argv = calloc((size_t)argc + 1, sizeof(*c->argv));
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	c->line = calloc(len + 1, 1);
	if (!c->argv || !c->line)
		abort();
	for (int i = 0; i < argc; i++) {
		c->argv[i] = strdup(argv[i]);
		if (i)
			strcat(c->line, " ");
		strcat(c->line, argv[i]);
	}
	c->argc = argc;
	c->len = 0;
	c->cut = false;
	c->running = true;
	atomic_store(&c->ended, false);
	app_message(app, THEME_STATUS, "running :%s", c->line);
	if (pthread_create(&c->thread, NULL, worker, c) != 0) {
		c->running = false;
		app_message(app, THEME_STATUS_ERROR, "cannot start a thread for :%s", c->line);
		free_command(c);
		return;
	}
}

/* Runs one command line. */
void cmdline_run(struct app *app, const char *line)
{
	char **argv, msg[128];
	int argc = fmt_split_words(line, &argv, msg, sizeof(msg));

	if (argc < 0) {
		app_message(app, THEME_STATUS_ERROR, "%s", msg);
		return;
	}
	/* "berth ps" works as well as "ps". */
	if (argc > 1 && strcmp(argv[0], "berth") == 0)
		cmdline_run_argv(app, argv + 1, argc - 1);
	else
		cmdline_run_argv(app, argv, argc);
	fmt_free_words(argv);
}

/* Enter at the ":" prompt. */
static void on_submit(struct app *app, void *user, const char *text)
{
	(void)user;
	cmdline_run(app, text);
}

/* Adds a candidate that starts with word. */
static void candidate(struct cmdline *c, const char *word, const char *name)
{
	if (!name || strncmp(name, word, strlen(word)) != 0 || c->ncands >= MAX_CANDIDATES)
		return;
	for (size_t i = 0; i < c->ncands; i++)
		if (strcmp(c->cands[i], name) == 0)
			return;
	c->cands[c->ncands] = strdup(name);
	if (!c->cands[c->ncands])
		abort();
	c->ncands++;
}

/* Tab: command words first, then container, image and volume names. */
static size_t complete(void *ctx, const char *line, size_t word_start, const char *word,
		       const char **out, size_t max)
{
	struct cmdline *c = ctx;
	struct model *m = &c->app->model;
	json_t *row, *tag;
	size_t i, k;
	bool group;

	for (i = 0; i < c->ncands; i++)
		free(c->cands[i]);
	c->ncands = 0;
	while (word_start > 0 && line[word_start - 1] == ' ')
		word_start--;
	group = strncmp(line, "container ", 10) == 0 || strncmp(line, "image ", 6) == 0 ||
		strncmp(line, "volume ", 7) == 0 || strncmp(line, "system ", 7) == 0;
	if (word_start == 0) {
		for (i = 0; command_words[i]; i++)
			candidate(c, word, command_words[i]);
	} else if (group && !strchr(line + strcspn(line, " ") + 1, ' ') &&
		   word_start == strcspn(line, " ")) {
		for (i = 0; sub_words[i]; i++)
			candidate(c, word, sub_words[i]);
	} else {
		json_array_foreach(m->containers, i, row) {
			const char *name = json_string_value(json_array_get(json_object_get(row, "Names"), 0));
			candidate(c, word, name && name[0] == '/' ? name + 1 : name);
		}
		json_array_foreach(m->images, i, row)
			json_array_foreach(json_object_get(row, "RepoTags"), k, tag)
				candidate(c, word, json_string_value(tag));
		json_array_foreach(m->volumes, i, row)
			candidate(c, word, json_string_value(json_object_get(row, "Name")));
	}
	for (i = 0; i < c->ncands && i < max; i++)
		out[i] = c->cands[i];
	return i;
}

/* Opens the ":" prompt. */
void cmdline_open(struct app *app)
{
	static const struct modal_hooks hooks = {.submit = on_submit};

	modal_prompt(app, app->cmdline->prompt, ":", "", &hooks, NULL);
}

/* The command line with its own prompt, history and completion. */
struct cmdline *cmdline_new(struct app *app)
{
	struct cmdline *c = calloc(1, sizeof(*c));

	if (!c)
		abort();
	c->app = app;
	c->prompt = prompt_new(":");
	prompt_set_completion(c->prompt, complete, c);
	return c;
}

/* Waits for a command still running (it uses the engine), then frees. */
void cmdline_free(struct cmdline *c)
{
	if (!c)
		return;
	/* Its output is read meanwhile: a full pipe would hold it up. */
	while (c->running && !atomic_load(&c->ended)) {
		struct pollfd pfd = {.fd = c->app->capture_fd, .events = POLLIN};
		char buf[4096];
		if (poll(&pfd, 1, 50) > 0 && read(c->app->capture_fd, buf, sizeof(buf)) < 0 &&
		    errno != EAGAIN)
			break;
	}
	if (c->running)
		pthread_join(c->thread, NULL);
	free_command(c);
	for (size_t i = 0; i < c->ncands; i++)
		free(c->cands[i]);
	prompt_free(c->prompt);
	free(c->out);
	free(c);
}
