/* The console's main loop: the terminal, the layout, resizing, keys, and
 * frames. The loop sleeps in poll() on the keyboard, the bridge's eventfd
 * (engine replies, progress, events), the pipe that stdout and stderr
 * write to while the console runs, and a self-pipe for signals; it draws a
 * frame only after something happened, redrawing only the widgets whose
 * content changed, with one doupdate. */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "engine/core/clock.h"
#include "tui/app.h"
#include "tui/format.h"
#include "tui/tui.h"

/* Frames while data streams in (a log flood) come at most this often;
 * keys always get one at once. */
#define FRAME_INTERVAL_NS (25 * 1000000LL)
#define HEADER_ROWS 2

static const char *const theme_names[] = {"dark", "light", "high-contrast", "monochrome"};
#define THEME_COUNT (sizeof(theme_names) / sizeof(theme_names[0]))

static int signal_write_fd = -1;

/* Hands a signal to the main loop: 'w' for a resize, 'q' to quit. */
static void on_signal(int sig)
{
	char c = sig == SIGWINCH ? 'w' : 'q';
	int saved = errno;

	if (write(signal_write_fd, &c, 1) < 0)
		errno = saved;
	errno = saved;
}

/* Places every part for the screen's size. */
void app_layout(struct app *app)
{
	int rows = LINES, cols = COLS;
	int pane_rows = rows - HEADER_ROWS - 2;

	if (pane_rows < 1)
		pane_rows = 1;
	widget_place(header_widget(app->header), 0, 0, HEADER_ROWS, cols);
	widget_place(WIDGET(app->status), rows - 2, 0, 1, cols);
	widget_place(WIDGET(app->keybar), rows - 1, 0, 1, cols);
	app->pane_y = HEADER_ROWS;
	app->pane_rows = pane_rows;
	for (int i = 0; i < PANE_COUNT; i++) {
		struct pane *p = app->panes[i];
		p->y = HEADER_ROWS;
		p->x = 0;
		p->rows = pane_rows;
		p->cols = cols;
		if (p->cls->place)
			p->cls->place(p);
	}
	modal_place(app);
	app_update_keybar(app);
	app->redraw_all = true;
	app->frame_due = true;
}

/* Follows the terminal's new size. */
static void resize(struct app *app)
{
	struct winsize ws;

	if (ioctl(app->tty_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	app_layout(app);
}

/* Loads a theme by name and makes it active; every widget redraws. */
static int use_theme(struct app *app, const char *name, berr *err)
{
	struct theme theme;

	if (theme_load(&theme, name, err) < 0)
		return -1;
	theme_apply(&theme);
	snprintf(app->theme_name, sizeof(app->theme_name), "%s", theme.name);
	return 0;
}

/* Redraws everything (a new theme). */
static void invalidate_all(struct app *app)
{
	widget_invalidate(header_widget(app->header));
	widget_invalidate(WIDGET(app->status));
	widget_invalidate(WIDGET(app->keybar));
	widget_invalidate(WIDGET(app->line_prompt));
	for (int i = 0; i < PANE_COUNT; i++)
		if (app->panes[i]->cls->invalidate)
			app->panes[i]->cls->invalidate(app->panes[i]);
	if (app->modal.widget)
		widget_invalidate(app->modal.widget);
	app->redraw_all = true;
	app->frame_due = true;
}

/* T: the next theme of the four shipped. */
static void next_theme(struct app *app)
{
	berr err = {0};

	app->theme_index = (app->theme_index + 1) % (int)THEME_COUNT;
	if (use_theme(app, theme_names[app->theme_index], &err) < 0) {
		app_error(app, &err, "theme");
		return;
	}
	invalidate_all(app);
	app_message(app, THEME_STATUS, "theme: %s%s", app->theme_name,
		    term_colors() == 0 ? " (no colours: NO_COLOR or the terminal)" : "");
}

/* Mouse: a click on a tab shows its pane, in a pane selects, the wheel
 * scrolls. */
static void handle_mouse(struct app *app)
{
	struct pane *p = app->panes[app->current];
	MEVENT ev;
	int tab;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		for (int i = 0; i < 3; i++)
			p->cls->action(p, ACT_UP);
	} else if (ev.bstate & BUTTON5_PRESSED) {
		for (int i = 0; i < 3; i++)
			p->cls->action(p, ACT_DOWN);
	} else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED)) {
		if (ev.y == 1 && (tab = header_tab_at(app->header, ev.x)) >= 0)
			app_show_pane(app, (enum pane_id)tab);
		else if (ev.y >= p->y && ev.y < p->y + p->rows && p->cls->click)
			p->cls->click(p, ev.y, ev.x, ev.bstate & BUTTON1_DOUBLE_CLICKED);
	}
	app_update_bars(app);
}

/* Turns the mouse on or off. */
static void set_mouse(struct app *app, bool on)
{
	app->mouse = on;
	mousemask(on ? (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED |
			BUTTON4_PRESSED | BUTTON5_PRESSED)
		     : 0,
		  NULL);
}

/* The "/" prompt of a list: filters as the text is typed. */
static void filter_change(struct app *app, void *user, const char *text)
{
	struct pane *p = user;

	(void)app;
	if (p->cls->filter)
		p->cls->filter(p, text);
	app_update_bars(app);
}

/* Esc in the "/" prompt: every row again. */
static void filter_cancel(struct app *app, void *user)
{
	filter_change(app, user, "");
}

/* The actions that are the same in every pane. */
static bool app_action(struct app *app, enum tui_action a)
{
	struct pane *p = app->panes[app->current];
	static const struct modal_hooks filter_hooks = {.change = filter_change,
							.cancel = filter_cancel};
	const char *id;

	switch (a) {
	case ACT_QUIT:
		app->quit = true;
		return true;
	case ACT_HELP:
		modal_help(app);
		return true;
	case ACT_PANE_NEXT:
		app_show_pane(app, (app->current + 1) % PANE_COUNT);
		return true;
	case ACT_PANE_PREV:
		app_show_pane(app, (app->current + PANE_COUNT - 1) % PANE_COUNT);
		return true;
	case ACT_COMMAND:
		cmdline_open(app);
		return true;
	case ACT_THEME:
		next_theme(app);
		return true;
	case ACT_MOUSE:
		set_mouse(app, !app->mouse);
		app_message(app, THEME_STATUS, "mouse %s", app->mouse ? "on" : "off");
		return true;
	case ACT_REDRAW:
		app->redraw_all = true;
		app->frame_due = true;
		return true;
	default:
		break;
	}
	if (a >= ACT_PANE_1 && a <= ACT_PANE_7) {
		app_show_pane(app, (enum pane_id)(a - ACT_PANE_1));
		return true;
	}
	if (p->cls->action && p->cls->action(p, a))
		return true;
	switch (a) {
	case ACT_FILTER:
		if (!p->cls->filter)
			return false;
		modal_prompt(app, NULL, "/", "", &filter_hooks, p);
		return true;
	case ACT_COPY:
		id = p->cls->selected ? p->cls->selected(p) : NULL;
		if (id)
			app_copy(app, "the ID", id);
		return id != NULL;
	case ACT_ESCAPE:
		statusbar_message(app->status, 0, NULL);
		return true;
	default:
		return false;
	}
}

/* One key: the modal's, else the key table's action, else the pane's
 * widget's own. */
static void handle_key(struct app *app, wkey k)
{
	struct pane *p = app->panes[app->current];
	enum tui_action a;

	if (app->message_shown) {
		statusbar_message(app->status, 0, NULL);
		app->message_shown = false;
	}
	app->frame_due = true;
	if (k == WKEY_FN(KEY_RESIZE)) {
		resize(app);
		return;
	}
	if (k == WKEY_FN(KEY_MOUSE)) {
		handle_mouse(app);
		return;
	}
	/* ':' over a command's output: the next command, not a scroll */
	if (k == ':' && app->modal.kind == MODAL_RESULT && !app->modal.hooks.cancel) {
		modal_close(app);
		cmdline_open(app);
		app_update_bars(app);
		return;
	}
	if (modal_key(app, k)) {
		app_update_bars(app);
		return;
	}
	a = keys_lookup(app->current, k);
	if (a == ACT_NONE) {
		if (p->cls->key)
			p->cls->key(p, k);
	} else if (!app_action(app, a)) {
		actions_run(app, a);
	}
	app_update_bars(app);
}

/* Draws what changed and updates the terminal once. */
static void frame(struct app *app)
{
	struct pane *p = app->panes[app->current];
	bool prompt_open = app->modal.kind == MODAL_PROMPT;

	if (app->redraw_all) {
		clearok(curscr, TRUE);
		app_expose_all(app);
		app->redraw_all = false;
	}
	widget_draw(header_widget(app->header));
	p->cls->draw(p);
	statusbar_draw(app->status);
	if (!prompt_open)
		keybar_draw(app->keybar);
	modal_draw(app);
	curs_set(app->modal.widget && app->modal.widget->cursor ? 1 : 0);
	doupdate();
	app->last_frame_ns = clock_mono_nanos();
	app->frame_due = false;
	if (!app->traced_first) {
		app->traced_first = true;
		app_trace(app, "first-frame");
	}
	if (app->trace_rows_pending) {
		app->trace_rows_pending = false;
		app_trace(app, "containers-frame");
	}
}

/* Reads every key waiting. */
static void read_keys(struct app *app)
{
	wkey k;

	while (!app->quit && (k = widget_read_key(app->input)) != WKEY_NONE)
		handle_key(app, k);
}

/* Reads what the CLI wrote to stdout and stderr. */
static void read_capture(struct app *app)
{
	char buf[16384];
	ssize_t n;

	while ((n = read(app->capture_fd, buf, sizeof(buf))) > 0)
		cmdline_output(app, buf, (size_t)n);
}

/* Handles the signal pipe. */
static void read_signals(struct app *app)
{
	char buf[64];
	ssize_t n = read(app->signal_fd[0], buf, sizeof(buf));

	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == 'w')
			resize(app);
		else
			app->quit = true;
	}
}

/* The loop: wait, handle, draw. */
static void run_loop(struct app *app)
{
	struct pollfd fds[4] = {
		{.fd = STDIN_FILENO, .events = POLLIN},
		{.fd = bridge_fd(app), .events = POLLIN},
		{.fd = app->capture_fd, .events = POLLIN},
		{.fd = app->signal_fd[0], .events = POLLIN},
	};
	bool keyed = true;

	while (!app->quit) {
		int64_t since = clock_mono_nanos() - app->last_frame_ns;
		int timeout = -1;

		if (app->frame_due && (keyed || since >= FRAME_INTERVAL_NS)) {
			frame(app);
			keyed = false;
		} else if (app->frame_due) {
			timeout = (int)((FRAME_INTERVAL_NS - since) / 1000000) + 1;
		}
		/* lost streams are started again on time */
		int64_t retry_at = model_retry_at(app);
		if (retry_at) {
			int64_t left = (retry_at - clock_mono_nanos()) / 1000000 + 1;
			if (left < 1)
				left = 1;
			if (timeout < 0 || left < timeout)
				timeout = (int)left;
		}
		if (poll(fds, 4, timeout) < 0 && errno != EINTR)
			break;
		retry_at = model_retry_at(app);
		if (retry_at && clock_mono_nanos() >= retry_at)
			model_retry(app);
		if (fds[3].revents & POLLIN)
			read_signals(app);
		if (fds[2].revents & POLLIN)
			read_capture(app);
		if (fds[1].revents & POLLIN)
			bridge_drain(app);
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (fds[0].revents & (POLLHUP | POLLERR))
				app->quit = true;
			read_keys(app);
			keyed = true;
		}
	}
}

/* Points stdout and stderr at a pipe the loop reads, so that what the CLI
 * and the engine print lands in the console instead of over it. */
static int capture_output(struct app *app, berr *err)
{
	int p[2];

	fflush(stdout);
	fflush(stderr);
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return berr_sys(err, "starting the console: pipe");
	/* Writers block rather than lose output when the pipe is full. */
	fcntl(p[1], F_SETFL, 0);
	app->saved_stdout = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	app->saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (app->saved_stdout < 0 || app->saved_stderr < 0 || dup2(p[1], STDOUT_FILENO) < 0 ||
	    dup2(p[1], STDERR_FILENO) < 0) {
		close(p[0]);
		close(p[1]);
		return berr_sys(err, "starting the console: redirecting output");
	}
	close(p[1]);
	app->capture_fd = p[0];
	return 0;
}

/* Gives stdout and stderr back, with what is left in the pipe. */
static void restore_output(struct app *app)
{
	char buf[4096];
	ssize_t n;

	if (app->saved_stdout < 0 || app->capture_fd < 0)
		return;
	fflush(stdout);
	fflush(stderr);
	dup2(app->saved_stdout, STDOUT_FILENO);
	dup2(app->saved_stderr, STDERR_FILENO);
	close(app->saved_stdout);
	close(app->saved_stderr);
	app->saved_stdout = app->saved_stderr = -1;
	while ((n = read(app->capture_fd, buf, sizeof(buf))) > 0)
		if (write(STDERR_FILENO, buf, (size_t)n) < 0)
			break;
	close(app->capture_fd);
}

/* Catches the signals the loop handles. */
static int install_signals(struct app *app, berr *err)
{
	struct sigaction sa = {.sa_handler = on_signal};

	if (pipe2(app->signal_fd, O_CLOEXEC | O_NONBLOCK) < 0)
		return berr_sys(err, "starting the console: pipe");
	signal_write_fd = app->signal_fd[1];
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Handing the terminal to a child and back (suspend.c). */
	signal(SIGTTOU, SIG_IGN);
	return 0;
}

/* Starts curses on the terminal, with its colours and glyphs. */
static int start_screen(struct app *app, berr *err)
{
	const char *theme = getenv("BERTH_THEME");
	berr theme_err = {0};

	app->tty_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	app->tty_out = app->tty_fd >= 0 ? fdopen(app->tty_fd, "w") : NULL;
	if (!app->tty_out)
		return berr_sys(err, "starting the console");
	app->screen = newterm(NULL, app->tty_out, stdin);
	if (!app->screen)
		return berr_set(err, BERR_INVALID, "cannot start the console on terminal type '%s'",
				getenv("TERM") ?: "");
	set_term(app->screen);
	raw();
	noecho();
	nonl();
	set_escdelay(25);
	curs_set(0);
	app->input = newpad(1, 1);
	keypad(app->input, TRUE);
	nodelay(app->input, TRUE);
	term_detect();
	if (!theme || !*theme)
		theme = "dark";
	for (size_t i = 0; i < THEME_COUNT; i++)
		if (strcmp(theme, theme_names[i]) == 0)
			app->theme_index = (int)i;
	if (use_theme(app, theme, &theme_err) < 0) {
		snprintf(app->start_error, sizeof(app->start_error), "theme: %s", theme_err.msg);
		struct theme t;
		theme_defaults(&t);
		theme_apply(&t);
		snprintf(app->theme_name, sizeof(app->theme_name), "dark");
	}
	return 0;
}

/* Makes the screen's parts and the panes. */
static void build(struct app *app)
{
	app->header = header_new(app);
	app->status = statusbar_new(THEME_STATUS);
	app->keybar = keybar_new();
	app->line_prompt = prompt_new("");
	app->panes[PANE_CONTAINERS] = pane_containers_new(app);
	app->panes[PANE_IMAGES] = pane_images_new(app);
	app->panes[PANE_NETWORKS] = pane_networks_new(app);
	app->panes[PANE_VOLUMES] = pane_volumes_new(app);
	app->panes[PANE_STATS] = pane_stats_new(app);
	app->panes[PANE_LOGS] = pane_logs_new(app);
	app->panes[PANE_DETAIL] = pane_detail_new(app);
	app->cmdline = cmdline_new(app);
	app->transfer = transfer_new(app);
}

/* Frees the screen's parts. */
static void teardown(struct app *app)
{
	modal_close(app);
	for (int i = 0; i < PANE_COUNT; i++)
		if (app->panes[i] && app->panes[i]->cls->destroy)
			app->panes[i]->cls->destroy(app->panes[i]);
	if (app->cmdline)
		cmdline_free(app->cmdline);
	transfer_free(app->transfer);
	app->transfer = NULL;
	build_cancel_running(app);
	prompt_free(app->line_prompt);
	keybar_free(app->keybar);
	statusbar_free(app->status);
	if (app->header)
		header_free(app->header);
}

/* Runs the console. */
int tui_main(struct engine *engine, const char *where, char *const *global_args,
	     const char *notice, bool *switch_context)
{
	struct app app = {.engine = engine, .tty_fd = -1, .capture_fd = -1,
			  .saved_stdout = -1, .saved_stderr = -1, .signal_fd = {-1, -1}};
	const char *trace = getenv("BERTH_TUI_TRACE");
	berr err = {0};
	int status = 0;

	setlocale(LC_ALL, "");
	snprintf(app.where, sizeof(app.where), "%s", where ? where : "");
	app.global_args = global_args;
	if (trace && *trace)
		app.trace = fopen(trace, "ae");
	app_trace(&app, "start");
	if (install_signals(&app, &err) < 0 || start_screen(&app, &err) < 0 ||
	    bridge_open(&app, &err) < 0) {
		if (app.screen) {
			endwin();
			delscreen(app.screen);
		}
		fprintf(stderr, "berth: %s\n", err.msg);
		return 1;
	}
	build(&app);
	app.current = PANE_CONTAINERS;
	app_layout(&app);
	app_show_pane(&app, PANE_CONTAINERS);
	const char *mouse = getenv("BERTH_MOUSE");
	set_mouse(&app, mouse && strcmp(mouse, "1") == 0);
	if (capture_output(&app, &err) < 0)
		app_message(&app, THEME_STATUS_ERROR, "%s", err.msg);
	if (app.start_error[0])
		app_message(&app, THEME_STATUS_ERROR, "%s", app.start_error);
	else if (notice)
		app_message(&app, THEME_STATUS_ERROR, "%s", notice);
	else if (switch_context && *switch_context)
		app_message(&app, THEME_STATUS, "context switched: now driving %s",
			    app.where[0] ? app.where : "this host's engine");
	/* The first frame before any answer: the engine replies meanwhile. */
	frame(&app);
	model_start(&app);
	run_loop(&app);
	model_stop(&app);
	/* A command of the command line still running is waited for: it
	 * uses the engine, which the caller closes next. */
	cmdline_free(app.cmdline);
	app.cmdline = NULL;
	teardown(&app);
	bridge_close(&app);
	endwin();
	delscreen(app.screen);
	fclose(app.tty_out);
	restore_output(&app);
	close(app.signal_fd[0]);
	close(app.signal_fd[1]);
	signal_write_fd = -1;
	signal(SIGWINCH, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (app.trace)
		fclose(app.trace);
	if (switch_context)
		*switch_context = app.switch_context;
	return status;
}
