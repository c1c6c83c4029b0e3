/* The console's insides, shared by the files of tui/: the application
 * state, the bridge to the engine, the data model, the panes, the modal
 * layer (prompt, dialogs, forms, overlays), actions and the command line.
 *
 * Threads: everything here runs on the UI thread, except the bridge's
 * entry points marked "any thread". Engine callbacks (replies, progress,
 * events) are queued by the bridge and run on the UI thread when the main
 * loop sees the bridge's eventfd, so no other lock is needed. */
#ifndef BERTH_TUI_APP_H
#define BERTH_TUI_APP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/core/engine.h"
#include "engine/stats/stats.h"
#include "tui/keys.h"
#include "widgets/widgets.h"

struct app;
struct request;
struct pane;
struct cmdline;
struct transfer;
struct header;

/* --- bridge.c: the engine's callbacks, brought to the UI thread --------- */

typedef void (*tui_reply_fn)(struct app *app, void *user, int status, json_t *result,
			     const berr *err);
typedef void (*tui_progress_fn)(struct app *app, void *user, json_t *message);
typedef void (*tui_call_fn)(struct app *app, void *user);
typedef void (*tui_event_fn)(struct app *app, json_t *event);

int bridge_open(struct app *app, berr *err);

/* Cancels every request and stops delivering; requests still running in
 * the engine finish on their own (the bridge outlives the console until
 * the last one replies). */
void bridge_close(struct app *app);

/* The fd the main loop polls; readable when callbacks are queued. */
int bridge_fd(const struct app *app);

/* Runs the queued callbacks; returns how many messages it handled. */
size_t bridge_drain(struct app *app);

/* engine_submit with callbacks on the UI thread. args is borrowed. A
 * streaming command's progress waits in the engine (it never drops) while
 * the UI has a backlog of it. */
struct request *tui_submit(struct app *app, const char *type, json_t *args,
			   tui_progress_fn progress, tui_reply_fn reply, void *user);

/* Cancels a request: no callback of it runs after this. */
void tui_cancel(struct app *app, struct request *req);
/* Asks the engine to stop a request (a build); its progress and reply
 * still come, the reply with the command's own words. */
void tui_interrupt(struct app *app, struct request *req);

/* Runs fn on the UI thread (any thread). */
void tui_post(struct app *app, tui_call_fn fn, void *user);

/* Subscribes to the engine's events (this process's) on the UI thread. */
void tui_subscribe(struct app *app, tui_event_fn fn);

/* --- model.c: what the engine has, refreshed on events ------------------ */

enum model_kind {
	MODEL_CONTAINERS,
	MODEL_IMAGES,
	MODEL_NETWORKS,
	MODEL_VOLUMES,
	MODEL_STATS,
	MODEL_KIND_COUNT
};

#define HISTORY_SLOTS 512

/* A sparkline's worth of samples since the console started: when the slots
 * fill up, neighbours merge, so the whole span always fits. */
struct history {
	double v[HISTORY_SLOTS];
	size_t count;   /* slots in use */
	unsigned per;   /* samples per full slot */
	unsigned part;  /* samples in the newest slot */
};

/* A container's figures from the stats stream. */
struct ctr_stats {
	char id[65];
	char name[256];
	bool live;                 /* in the newest reading */
	struct stats_entry entry;  /* the newest figures */
	struct history cpu, mem;
};

struct model {
	json_t *containers; /* container.list rows (Docker's /containers/json) */
	json_t *images;     /* image.list */
	json_t *volumes;    /* volume.list's Volumes */
	json_t *networks;   /* network.list */
	bool loaded[MODEL_KIND_COUNT];
	struct ctr_stats *stats;
	size_t nstats;
	int64_t stats_since; /* unix s of the first reading */
	unsigned ticks;      /* stats readings so far */
	int ncpu;
	double mem_total;
	int running, paused, stopped;
	double cpu_sum, mem_sum;
	struct request *inflight[MODEL_KIND_COUNT];
	int64_t inflight_sent_ns[MODEL_KIND_COUNT]; /* monotonic: when it was asked */
	bool again[MODEL_KIND_COUNT];
	struct request *stats_req, *events_req;
	/* a stream that ended on an error starts again at retry_at_ns
	 * (monotonic; 0: nothing to retry), after retry_ms */
	int64_t retry_at_ns;
	int retry_ms;
	bool lost; /* said that a stream was lost, not yet that it is back */
	int64_t lost_ns; /* monotonic: when it was said */
};

void model_start(struct app *app);
void model_stop(struct app *app);

/* When the loop must wake to start lost streams again (monotonic ns; 0:
 * never), and the starting itself, with every list read again. */
int64_t model_retry_at(const struct app *app);
void model_retry(struct app *app);

/* Asks for a kind again (coalesced with a request in flight). */
void model_refresh(struct app *app, enum model_kind kind);

/* A container's list row by full ID, or NULL. */
json_t *model_container(struct app *app, const char *id);

/* A container's name (without the slash), or its short ID. */
const char *model_container_name(struct app *app, const char *id, char buf[64]);

/* A network's name, or its short ID. */
const char *model_network_name(struct app *app, const char *id, char buf[64]);

/* A container's stats, or NULL. */
const struct ctr_stats *model_stats(struct app *app, const char *id);

/* Adds a sample to a history. */
void history_push(struct history *h, double v);

/* The history squeezed into at most cells values, oldest first (each one
 * the mean of the samples it covers); returns how many. */
size_t history_cells(const struct history *h, double *out, size_t cells);

/* --- panes -------------------------------------------------------------- */

struct pane_class {
	const char *name;
	/* The pane got a new place (y, x, rows, cols in struct pane). */
	void (*place)(struct pane *p);
	/* Draws what is dirty and queues the windows (no doupdate). */
	void (*draw)(struct pane *p);
	/* Marks every window to be copied again (an overlay went away). */
	void (*expose)(struct pane *p);
	/* Redraws everything (a new theme). */
	void (*invalidate)(struct pane *p);
	/* A key-table action; false when the pane has nothing to do with it. */
	bool (*action)(struct pane *p, enum tui_action a);
	/* A key the table does not know (the focused widget's own keys). */
	enum wkey_result (*key)(struct pane *p, wkey k);
	/* The "/" text as it is typed. */
	void (*filter)(struct pane *p, const char *text);
	/* The selected object's ID, or NULL. */
	const char *(*selected)(struct pane *p);
	/* The marked IDs, else the selected one; returns how many. */
	size_t (*targets)(struct pane *p, const char **ids, size_t max);
	/* Marked rows the filter hides, which actions leave alone (optional). */
	size_t (*marks_hidden)(struct pane *p);
	/* The model changed. */
	void (*changed)(struct pane *p, enum model_kind kind);
	/* The pane became the current one, or stopped being it. */
	void (*shown)(struct pane *p, bool shown);
	/* The status line's right-hand text. */
	void (*status)(struct pane *p, char *buf, size_t n);
	/* A mouse click at a screen position inside the pane. */
	void (*click)(struct pane *p, int y, int x, bool twice);
	void (*destroy)(struct pane *p);
};

struct pane {
	const struct pane_class *cls;
	struct app *app;
	enum pane_id id;
	int y, x, rows, cols;
	bool shown;
};

struct pane *pane_containers_new(struct app *app);
struct pane *pane_images_new(struct app *app);
struct pane *pane_networks_new(struct app *app);
struct pane *pane_volumes_new(struct app *app);
struct pane *pane_stats_new(struct app *app);
struct pane *pane_logs_new(struct app *app);
struct pane *pane_detail_new(struct app *app);

/* The logs pane: follows these containers (one, or several merged). */
void pane_logs_open(struct pane *p, const char *const *ids, size_t n);

/* True when the logs pane follows nothing yet. */
bool pane_logs_empty(struct pane *p);

enum detail_kind { DETAIL_CONTAINER, DETAIL_IMAGE, DETAIL_VOLUME, DETAIL_NETWORK };

/* The detail pane: shows this object. */
void pane_detail_open(struct pane *p, enum detail_kind kind, const char *id);

/* The detail pane's container, or NULL. */
const char *pane_detail_container(struct pane *p);

/* --- pane_list.c: what the table panes share ---------------------------- */

struct list_pane;

/* What a table pane states; the default list class does the rest. */
struct list_pane_spec {
	const char *name;
	enum pane_id id;
	const struct table_column *cols;
	int ncols;
	const char *loading;   /* the table's text until the model arrives */
	unsigned model_kinds;  /* the model lists it shows: bits (1u << MODEL_x) */
	/* Fills the table from the model (through list_pane_set_rows). */
	void (*rebuild)(struct list_pane *lp);
	/* Where the pane differs from the default class (NULL: the default). */
	bool (*action)(struct pane *p, enum tui_action a);
	void (*status)(struct pane *p, char *buf, size_t n);
};

struct list_pane {
	struct pane base;
	struct pane_class cls; /* the default list class with the spec's changes */
	struct table *table;
	const struct list_pane_spec *spec;
	bool stale; /* the model changed while hidden */
	char filter[128];
};

/* A table pane: the spec's columns, its rows from the model. */
struct pane *list_pane_new(struct app *app, const struct list_pane_spec *spec);

/* The default list class's methods, for a pane's own to fall back on. */
void list_pane_place(struct pane *p);
void list_pane_draw(struct pane *p);
void list_pane_expose(struct pane *p);
void list_pane_invalidate(struct pane *p);
bool list_pane_action(struct pane *p, enum tui_action a);
enum wkey_result list_pane_key(struct pane *p, wkey k);
void list_pane_filter(struct pane *p, const char *text);
const char *list_pane_selected(struct pane *p);
size_t list_pane_targets(struct pane *p, const char **ids, size_t max);
size_t list_pane_marks_hidden(struct pane *p);
void list_pane_changed(struct pane *p, enum model_kind kind);
void list_pane_shown(struct pane *p, bool shown);
void list_pane_status(struct pane *p, char *buf, size_t n);
void list_pane_click(struct pane *p, int y, int x, bool twice);
void list_pane_destroy(struct pane *p);

/* Sets the rows unless they equal the ones shown (nothing to redraw). */
void list_pane_set_rows(struct list_pane *lp, const struct table_row *rows, size_t n);

/* --- modal.c: the prompt line, dialogs, forms and overlays -------------- */

enum modal_kind { MODAL_NONE, MODAL_PROMPT, MODAL_DIALOG, MODAL_FORM, MODAL_HELP, MODAL_RESULT };

struct modal_hooks {
	/* The prompt's text changed (as-you-type filters and searches). */
	void (*change)(struct app *app, void *user, const char *text);
	/* Enter in a prompt. */
	void (*submit)(struct app *app, void *user, const char *text);
	/* A confirm dialog said yes, or a menu choice was made. */
	void (*confirm)(struct app *app, void *user, int choice);
	/* A form was submitted; false keeps it open (it shows an error). */
	bool (*form)(struct app *app, void *user, struct form *f);
	/* Esc. */
	void (*cancel)(struct app *app, void *user);
	/* Frees user when the modal ends, whichever way. */
	void (*release)(void *user);
};

struct modal {
	enum modal_kind kind;
	struct widget *widget;
	struct statusbar *title; /* the result view's title row */
	struct modal_hooks hooks;
	void *user;
};

/* Opens the prompt line with a label and text; p NULL uses the shared one. */
void modal_prompt(struct app *app, struct prompt *p, const char *label, const char *text,
		  const struct modal_hooks *hooks, void *user);

/* Opens a dialog (taken over). */
void modal_dialog(struct app *app, struct dialog *d, const struct modal_hooks *hooks, void *user);

/* Opens a form (taken over). */
void modal_form(struct app *app, struct form *f, const struct modal_hooks *hooks, void *user);

/* Shows the help overlay. */
void modal_help(struct app *app);

/* Shows text (a command's output) over the pane area, its lines wrapped
 * when wrap (a failure's words); Esc or q closes it, ':' opens the command
 * line. */
void modal_result(struct app *app, const char *title, const char *text, size_t len, bool wrap);

/* A result view its owner appends to (returned), following the newest
 * line; Esc and q call hooks->cancel, which closes it with modal_close
 * when it is done with it. */
struct logview *modal_result_live(struct app *app, const struct modal_hooks *hooks, void *user);
/* Sets the result view's title line and key hints. */
void modal_result_title(struct app *app, const char *title, const char *keys);

/* Closes the modal without calling its hooks (but release). */
void modal_close(struct app *app);

/* Offers a key to the modal; false when there is none. */
bool modal_key(struct app *app, wkey k);

/* Places the modal for the current screen size. */
void modal_place(struct app *app);

/* Draws the modal (after everything else). */
void modal_draw(struct app *app);

/* --- actions.c ------------------------------------------------------------ */

/* Runs an action on the current pane's selection or marks: lifecycle,
 * removal, rename, exec, attach, run, commit, tag, prune... */
bool actions_run(struct app *app, enum tui_action a);

/* --- build.c: builds from the images pane ------------------------------------ */

/* b: the build form, then the build's live view. */
void build_form(struct app *app);
/* Cancels a running build (the console quits). */
void build_cancel_running(struct app *app);

/* --- transfer.c: pull and push from the images pane ------------------------- */

struct transfer *transfer_new(struct app *app);
/* Cancels a transfer still running. */
void transfer_free(struct transfer *t);
/* p: asks what to pull (Tab completes local names), then pulls it. */
void transfer_pull(struct app *app);
/* u: pushes the selected tag (the prompt holds it, to edit). */
void transfer_push(struct app *app);

/* --- cmdline.c ------------------------------------------------------------ */

struct cmdline *cmdline_new(struct app *app);
void cmdline_free(struct cmdline *c);

/* Opens the ":" prompt. */
void cmdline_open(struct app *app);

/* Runs one command line as the CLI would (":run -d busybox sleep 60"). */
void cmdline_run(struct app *app, const char *line);

/* Runs a berth command given as words, captured or on the terminal. */
void cmdline_run_argv(struct app *app, char **argv, int argc);

/* Output the CLI wrote to stdout or stderr while the console runs. */
void cmdline_output(struct app *app, const char *data, size_t len);

/* --- suspend.c ------------------------------------------------------------ */

/* When to wait for Enter before the console comes back. */
enum run_pause { PAUSE_NEVER, PAUSE_ALWAYS, PAUSE_ON_FAILURE };

/* Leaves the screen, runs berth with these arguments on the real terminal
 * (its own process group in the foreground), and comes back, after Enter
 * when asked so the output can be read. Returns the child's exit status
 * (-1 when it could not run). */
int tui_run_in_terminal(struct app *app, char *const argv[], enum run_pause pause);

/* --- header.c ------------------------------------------------------------- */

/* The top two rows: the host's totals, and the tabs of the panes. */
struct header *header_new(struct app *app);
struct widget *header_widget(struct header *h);
void header_free(struct header *h);

/* The pane whose tab is at screen column x on the tab row, or -1. */
int header_tab_at(struct header *h, int x);

/* --- app.c ---------------------------------------------------------------- */

struct app {
	struct engine *engine;
	char where[256]; /* the daemon driven, "" for this host's engine */
	char *const *global_args; /* the options naming it, for a child berth */
	bool switch_context; /* `:context use` succeeded: leave, to be reopened on it */
	struct bridge *bridge;
	struct model model;
	/* terminal */
	SCREEN *screen;
	FILE *tty_out;
	int tty_fd;       /* the terminal, for curses and OSC 52 */
	WINDOW *input;    /* a pad keys are read through (never refreshed) */
	int signal_fd[2]; /* SIGWINCH and SIGTERM/SIGHUP, to the main loop */
	int capture_fd;   /* what stdout and stderr receive while the console runs */
	int saved_stdout, saved_stderr;
	/* screen parts */
	struct header *header;
	struct statusbar *status;
	struct keybar *keybar;
	struct prompt *line_prompt;
	struct pane *panes[PANE_COUNT];
	enum pane_id current;
	struct modal modal;
	struct cmdline *cmdline;
	struct transfer *transfer;
	int pane_y, pane_rows; /* the pane area */
	/* looks */
	int theme_index;
	char theme_name[64];
	bool mouse;
	/* loop */
	bool quit;
	bool redraw_all;
	bool message_shown; /* a status message waits for the next key */
	int64_t last_frame_ns;
	bool frame_due;     /* something changed since the last frame */
	FILE *trace;        /* BERTH_TUI_TRACE */
	bool traced_first, traced_rows, trace_rows_pending;
	char start_error[256];
};

/* Shows a message in the status line until the next key. */
void app_message(struct app *app, int role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Shows an engine error ("stop web: <message>"). */
void app_error(struct app *app, const berr *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Makes a pane the current one. */
void app_show_pane(struct app *app, enum pane_id id);

/* The pane of an ID. */
struct pane *app_pane(struct app *app, enum pane_id id);

/* Tells the panes and the header that the model changed. */
void app_model_changed(struct app *app, enum model_kind kind);

/* The status line and key bar follow the current pane and its selection. */
void app_update_bars(struct app *app);
/* The key bar shows the current pane's hints. */
void app_update_keybar(struct app *app);

/* Copies text to the terminal's clipboard with OSC 52. */
void app_copy(struct app *app, const char *what, const char *text);

/* Marks every window to be copied to the screen again. */
void app_expose_all(struct app *app);

/* Asks the main loop for a frame. */
void app_frame_due(struct app *app);

/* Puts every part in its place for the current screen size. */
void app_layout(struct app *app);

/* Writes "<label> <unix ns>" to the trace file when BERTH_TUI_TRACE is set. */
void app_trace(struct app *app, const char *label);

#endif
