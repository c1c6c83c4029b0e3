/* What every part of the console asks of the app: messages on the status
 * line, the panes by id, the current pane, frames, redraws of the bars,
 * the clipboard. Below the panes, the model and the dialogs, which call
 * it; the main loop (app.c) sits above them all. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/clock.h"
#include "tui/app.h"
#include "tui/format.h"

#define MAX_HINTS 24

/* Writes a trace line (BERTH_TUI_TRACE): a label and the wall clock. */
void app_trace(struct app *app, const char *label)
{
	if (!app->trace)
		return;
	fprintf(app->trace, "%s %lld\n", label, (long long)clock_now_nanos());
	fflush(app->trace);
}

/* Shows a message until the next key. */
void app_message(struct app *app, int role, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	for (char *p = text; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	statusbar_message(app->status, role, text);
	app->message_shown = true;
	app->frame_due = true;
}

/* Shows an engine error with what was being done. */
void app_error(struct app *app, const berr *err, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	app_message(app, THEME_STATUS_ERROR, "%s: %s", what,
	            err && err->msg[0] ? err->msg : "failed");
}

/* The pane of an ID. */
struct pane *app_pane(struct app *app, enum pane_id id)
{
	return app->panes[id];
}

/* Asks for a frame. */
void app_frame_due(struct app *app)
{
	app->frame_due = true;
}

/* The status line and the key bar for the current pane. */
void app_update_bars(struct app *app)
{
	struct pane *p = app->panes[app->current];
	char right[256] = "";

	if (p->cls->status)
		p->cls->status(p, right, sizeof(right));
	statusbar_set(app->status, NULL, right);
	app->frame_due = true;
}

/* Sets the key bar to the current pane's hints. */
void app_update_keybar(struct app *app)
{
	struct keyhint hints[MAX_HINTS];
	size_t n = keys_hints(app->current, hints, MAX_HINTS, COLS);

	keybar_set(app->keybar, hints, n);
}

/* Tells the panes and the header that something changed. */
void app_model_changed(struct app *app, enum model_kind kind)
{
	for (int i = 0; i < PANE_COUNT; i++)
		if (app->panes[i]->cls->changed)
			app->panes[i]->cls->changed(app->panes[i], kind);
	widget_invalidate(header_widget(app->header));
	app_update_bars(app);
	if (kind == MODEL_CONTAINERS && !app->traced_rows) {
		app->traced_rows = true;
		app->trace_rows_pending = true;
	}
}

/* Makes a pane the current one. */
void app_show_pane(struct app *app, enum pane_id id)
{
	struct pane *old = app->panes[app->current], *p = app->panes[id];

	if (old != p && old->cls->shown) {
		old->shown = false;
		old->cls->shown(old, false);
	}
	app->current = id;
	p->shown = true;
	if (p->cls->shown)
		p->cls->shown(p, true);
	if (p->cls->expose)
		p->cls->expose(p);
	widget_invalidate(header_widget(app->header));
	app_update_keybar(app);
	app_update_bars(app);
}

/* Marks every window for copying to the screen again. */
void app_expose_all(struct app *app)
{
	struct pane *p = app->panes[app->current];

	widget_expose(header_widget(app->header));
	widget_expose(WIDGET(app->status));
	widget_expose(WIDGET(app->keybar));
	if (p->cls->expose)
		p->cls->expose(p);
	app->frame_due = true;
}

/* Copies text to the clipboard: OSC 52, which terminals and tmux pass on
 * (over SSH too). */
void app_copy(struct app *app, const char *what, const char *text)
{
	size_t len = strlen(text), size = (len + 2) / 3 * 4 + 1;
	char *b64 = malloc(size + 16);

	if (!b64)
		return;
	fmt_base64(text, len, b64, size);
	fflush(app->tty_out);
	if (dprintf(app->tty_fd, "\033]52;c;%s\a", b64) < 0)
		app_message(app, THEME_STATUS_ERROR, "copy: %s", strerror(errno));
	else
		app_message(app, THEME_STATUS, "copied %s to the clipboard", what);
	free(b64);
}
