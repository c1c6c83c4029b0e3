/* The modal layer: at most one of the prompt line (over the key bar), a
 * dialog, a form, the help overlay or a result view (over the pane area)
 * has the keyboard at a time. Its hooks say what happens on a change,
 * Enter, a choice, a submitted form or Esc; a hook may open the next modal
 * (a prompt's Enter that runs a command whose output then shows). */
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/keys.h"

/* Takes the modal down without running a hook; returns what it held so a
 * hook can run after (and open another modal). */
static struct modal take(struct app *app)
{
	struct modal m = app->modal;

	memset(&app->modal, 0, sizeof(app->modal));
	if (m.kind == MODAL_PROMPT)
		widget_place(m.widget, 0, 0, 0, 0);
	else if (m.widget)
		widget_free(m.widget);
	if (m.title)
		statusbar_free(m.title);
	m.widget = NULL;
	m.title = NULL;
	app_expose_all(app);
	return m;
}

/* Frees what a finished modal's hooks were given. */
static void release(struct modal *m)
{
	if (m->hooks.release)
		m->hooks.release(m->user);
}

/* Closes the modal without its hooks (but release). */
void modal_close(struct app *app)
{
	struct modal m;

	if (app->modal.kind == MODAL_NONE)
		return;
	m = take(app);
	release(&m);
}

/* Makes a modal the current one (closing any other). */
static void open_modal(struct app *app, enum modal_kind kind, struct widget *w,
		       const struct modal_hooks *hooks, void *user)
{
	modal_close(app);
	app->modal.kind = kind;
	app->modal.widget = w;
	if (hooks)
		app->modal.hooks = *hooks;
	app->modal.user = user;
	modal_place(app);
	app->frame_due = true;
}

/* Opens the prompt line. */
void modal_prompt(struct app *app, struct prompt *p, const char *label, const char *text,
		  const struct modal_hooks *hooks, void *user)
{
	if (!p)
		p = app->line_prompt;
	prompt_set_label(p, label);
	prompt_set_text(p, text ? text : "");
	open_modal(app, MODAL_PROMPT, WIDGET(p), hooks, user);
	widget_set_focus(WIDGET(p), true);
}

/* Opens a dialog. */
void modal_dialog(struct app *app, struct dialog *d, const struct modal_hooks *hooks, void *user)
{
	open_modal(app, MODAL_DIALOG, WIDGET(d), hooks, user);
	widget_set_focus(WIDGET(d), true);
}

/* Opens a form. */
void modal_form(struct app *app, struct form *f, const struct modal_hooks *hooks, void *user)
{
	open_modal(app, MODAL_FORM, WIDGET(f), hooks, user);
	widget_set_focus(WIDGET(f), true);
}

/* Opens the help overlay, filled from the key table. */
void modal_help(struct app *app)
{
	struct help *h = help_new("berth console keys (Esc closes)");

	keys_fill_help(h);
	open_modal(app, MODAL_HELP, WIDGET(h), NULL, NULL);
	widget_set_focus(WIDGET(h), true);
}

/* Opens a scrollable view of text over the pane area. */
void modal_result(struct app *app, const char *title, const char *text, size_t len, bool wrap)
{
	struct logview *lv = logview_new(100000, 16u << 20);
	int widest = 0;

	/* a failure's words are read whole; a table (ps) keeps its rows */
	logview_set_wrap(lv, wrap);

	/* Output wider than the screen (ps at 80 columns) says how to see the rest. */
	for (const char *line = text, *end = text + len; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		int w = text_width_n(line, nl ? (size_t)(nl - line) : (size_t)(end - line));

		if (w > widest)
			widest = w;
		line = nl ? nl + 1 : end;
	}
	logview_append(lv, text, len, NULL);
	logview_home(lv);
	open_modal(app, MODAL_RESULT, WIDGET(lv), NULL, NULL);
	app->modal.title = statusbar_new(THEME_TITLE_FOCUS);
	statusbar_set(app->modal.title, title,
		      widest > COLS && !wrap ? "Esc: close  j/k: scroll  h/l: sideways  :: command "
					     : "Esc, q: close  j/k, PgUp/PgDn: scroll  :: command ");
	modal_place(app);
	widget_set_focus(WIDGET(lv), true);
}

/* A result view that its owner keeps appending to (a build), following
 * the newest line; hooks.cancel decides what Esc and q do. */
struct logview *modal_result_live(struct app *app, const struct modal_hooks *hooks, void *user)
{
	struct logview *lv = logview_new(100000, 16u << 20);

	logview_set_follow(lv, true);
	open_modal(app, MODAL_RESULT, WIDGET(lv), hooks, user);
	app->modal.title = statusbar_new(THEME_TITLE_FOCUS);
	modal_place(app);
	widget_set_focus(WIDGET(lv), true);
	return lv;
}

/* The result view's title line. */
void modal_result_title(struct app *app, const char *title, const char *keys)
{
	if (app->modal.kind != MODAL_RESULT || !app->modal.title)
		return;
	statusbar_set(app->modal.title, title, keys);
	app->frame_due = true;
}

/* Puts the modal where it goes for the screen's size. */
void modal_place(struct app *app)
{
	struct modal *m = &app->modal;
	int rows = 0, cols = 0, max_rows = LINES - 2, max_cols = COLS - 4;

	if (max_rows < 3)
		max_rows = LINES;
	if (max_cols < 10)
		max_cols = COLS;
	switch (m->kind) {
	case MODAL_PROMPT:
		widget_place(m->widget, LINES - 1, 0, 1, COLS);
		return;
	case MODAL_DIALOG:
		dialog_size((struct dialog *)m->widget, max_rows, max_cols, &rows, &cols);
		break;
	case MODAL_FORM:
		form_size((struct form *)m->widget, &rows, &cols);
		break;
	case MODAL_HELP:
		help_size((struct help *)m->widget, max_rows, max_cols, &rows, &cols);
		break;
	case MODAL_RESULT:
		if (m->title)
			widget_place(WIDGET(m->title), app->pane_y, 0, 1, COLS);
		widget_place(m->widget, app->pane_y + 1, 0, app->pane_rows - 1, COLS);
		return;
	default:
		return;
	}
	widget_center(m->widget, rows < LINES ? rows : LINES, cols < COLS ? cols : COLS);
}

/* Draws the modal on top of everything (copied again every frame, since
 * the panes under it redraw on their own). */
void modal_draw(struct app *app)
{
	struct modal *m = &app->modal;

	if (m->kind == MODAL_NONE)
		return;
	if (m->title) {
		widget_expose(WIDGET(m->title));
		statusbar_draw(m->title);
	}
	if (m->kind != MODAL_PROMPT)
		widget_expose(m->widget);
	widget_draw(m->widget);
}

/* The prompt's keys. */
static void prompt_keyed(struct app *app, wkey k)
{
	struct modal *m = &app->modal;
	struct prompt *p = (struct prompt *)m->widget;
	enum wkey_result r = prompt_key(p, k);
	char *text;
	struct modal done;

	if (r == WKEY_CHANGED && m->hooks.change)
		m->hooks.change(app, m->user, prompt_text(p));
	if (r != WKEY_SUBMIT && r != WKEY_CANCEL)
		return;
	text = strdup(prompt_text(p));
	if (!text)
		abort();
	done = take(app);
	if (r == WKEY_SUBMIT && done.hooks.submit)
		done.hooks.submit(app, done.user, text);
	else if (r == WKEY_SUBMIT && done.hooks.change)
		done.hooks.change(app, done.user, text);
	else if (r == WKEY_CANCEL && done.hooks.cancel)
		done.hooks.cancel(app, done.user);
	release(&done);
	free(text);
}

/* The result view's keys: scrolling, y copies, Esc or q closes. */
static void result_keyed(struct app *app, wkey k)
{
	struct logview *lv = (struct logview *)app->modal.widget;
	long page = app->pane_rows > 3 ? app->pane_rows - 2 : 1;

	switch (k) {
	case 'q':
	case WKEY_ESC:
		if (app->modal.hooks.cancel) /* its owner decides (a build cancels first) */
			app->modal.hooks.cancel(app, app->modal.user);
		else
			modal_close(app);
		return;
	case 'j':
		logview_scroll(lv, 1);
		return;
	case 'k':
		logview_scroll(lv, -1);
		return;
	case 'h':
		logview_hscroll(lv, -8);
		return;
	case 'l':
		logview_hscroll(lv, 8);
		return;
	case 'g':
		logview_home(lv);
		return;
	case 'G':
		logview_end(lv);
		return;
	case WKEY_CTRL('f'):
	case ' ':
		logview_scroll(lv, page);
		return;
	case WKEY_CTRL('b'):
		logview_scroll(lv, -page);
		return;
	default:
		logview_key(lv, k);
	}
}

/* Offers a key to the modal. */
bool modal_key(struct app *app, wkey k)
{
	struct modal *m = &app->modal;
	enum wkey_result r;
	struct modal done;
	int choice;

	if (m->kind == MODAL_NONE)
		return false;
	if (k == WKEY_CTRL('c'))
		k = WKEY_ESC;
	switch (m->kind) {
	case MODAL_PROMPT:
		prompt_keyed(app, k);
		return true;
	case MODAL_RESULT:
		result_keyed(app, k);
		return true;
	case MODAL_HELP:
		if (k == 'j' || k == 'k')
			k = WKEY_FN(k == 'j' ? KEY_DOWN : KEY_UP);
		else if (k == 'g' || k == 'G')
			k = WKEY_FN(k == 'g' ? KEY_HOME : KEY_END);
		if (help_key((struct help *)m->widget, k) == WKEY_CANCEL)
			modal_close(app);
		return true;
	case MODAL_DIALOG:
		r = dialog_key((struct dialog *)m->widget, k);
		if (r != WKEY_SUBMIT && r != WKEY_CANCEL)
			return true;
		choice = dialog_choice((struct dialog *)m->widget);
		done = take(app);
		if (r == WKEY_SUBMIT && done.hooks.confirm)
			done.hooks.confirm(app, done.user, choice);
		else if (r == WKEY_CANCEL && done.hooks.cancel)
			done.hooks.cancel(app, done.user);
		release(&done);
		return true;
	case MODAL_FORM:
		r = form_key((struct form *)m->widget, k);
		if (r == WKEY_SUBMIT) {
			/* The form leaves the screen while its hook runs, so the
			 * hook may open another modal; it comes back when the
			 * hook refuses the values. */
			done = *m;
			memset(m, 0, sizeof(*m));
			if (done.hooks.form && !done.hooks.form(app, done.user, (struct form *)done.widget) &&
			    m->kind == MODAL_NONE) {
				*m = done;
				return true;
			}
			widget_free(done.widget);
			release(&done);
			app_expose_all(app);
		} else if (r == WKEY_CANCEL) {
			done = take(app);
			if (done.hooks.cancel)
				done.hooks.cancel(app, done.user);
			release(&done);
		}
		return true;
	default:
		return false;
	}
}
