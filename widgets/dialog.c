/* Confirm and menu dialogs. */
#include "widgets/dialog.h"

#include "widgets/text.h"
#include "widgets/theme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dialog {
	struct widget base;
	enum dialog_kind kind;
	char *title, *message, *yes, *no;
	char **lines;
	size_t n;
	size_t sel, top;
	bool yes_focused;
	int choice;
};

static void dialog_draw_cb(struct widget *w);
static enum wkey_result dialog_key_cb(struct widget *w, wkey k);
static void dialog_destroy(struct widget *w);

static const struct widget_class dialog_class = {
	.name = "dialog",
	.draw = dialog_draw_cb,
	.key = dialog_key_cb,
	.destroy = dialog_destroy,
};

/* strdup that never fails; NULL stays NULL. */
static char *dup_or_null(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	if (!(d = strdup(s)))
		abort();
	return d;
}

/* Makes a confirm or menu dialog. */
struct dialog *dialog_new(enum dialog_kind kind, const char *title, const char *message)
{
	struct dialog *d = calloc(1, sizeof(*d));

	if (!d)
		abort();
	widget_init(&d->base, &dialog_class);
	d->kind = kind;
	d->title = dup_or_null(title ? title : "");
	d->message = dup_or_null(message);
	d->yes = dup_or_null("Yes");
	d->no = dup_or_null("No");
	return d;
}

/* Adds a line to the list (a menu's choice). */
void dialog_add(struct dialog *d, const char *line)
{
	d->lines = realloc(d->lines, (d->n + 1) * sizeof(*d->lines));
	if (!d->lines)
		abort();
	d->lines[d->n++] = dup_or_null(line ? line : "");
	d->base.dirty = true;
}

/* Button labels of a confirm dialog (default "Yes" and "No"). */
void dialog_set_buttons(struct dialog *d, const char *yes, const char *no)
{
	free(d->yes);
	free(d->no);
	d->yes = dup_or_null(yes ? yes : "Yes");
	d->no = dup_or_null(no ? no : "No");
	d->base.dirty = true;
}

/* The answer after WKEY_SUBMIT or WKEY_CANCEL. */
int dialog_choice(const struct dialog *d)
{
	return d->choice;
}

/* The first list line in the window. */
size_t dialog_top(const struct dialog *d)
{
	return d->top;
}

/* Rows around the list: box, message, and blank row plus buttons. */
static int chrome_rows(const struct dialog *d)
{
	return 2 + (d->message ? 1 : 0) + (d->kind == DIALOG_CONFIRM ? 2 : 0);
}

/* The size the dialog wants within max_rows x max_cols, box included. */
void dialog_size(const struct dialog *d, int max_rows, int max_cols, int *rows, int *cols)
{
	int w = text_width(d->title) + 6, lw;
	size_t i;

	if (d->message && (lw = text_width(d->message) + 4) > w)
		w = lw;
	for (i = 0; i < d->n; i++)
		if ((lw = text_width(d->lines[i]) + 4) > w)
			w = lw;
	if (d->kind == DIALOG_CONFIRM && (lw = text_width(d->yes) + text_width(d->no) + 14) > w)
		w = lw;
	*cols = w < 30 ? 30 : w;
	*rows = chrome_rows(d) + (int)d->n;
	if (*cols > max_cols)
		*cols = max_cols;
	if (*rows > max_rows)
		*rows = max_rows;
}

/* List rows in the window. */
static size_t list_rows(const struct dialog *d)
{
	int r = d->base.rows - chrome_rows(d);

	return r > 0 ? (size_t)r : 0;
}

/* Scrolls the list to show the selection (menus) or clamps the scroll. */
static void keep_visible(struct dialog *d)
{
	size_t rows = list_rows(d);

	if (rows == 0)
		return;
	if (d->kind == DIALOG_MENU) {
		if (d->sel < d->top)
			d->top = d->sel;
		if (d->sel >= d->top + rows)
			d->top = d->sel - rows + 1;
	}
	if (d->n <= rows)
		d->top = 0;
	else if (d->top > d->n - rows)
		d->top = d->n - rows;
}

/* Moves the menu selection, or scrolls a confirm dialog's list. */
static void scroll_by(struct dialog *d, long delta)
{
	size_t *at = d->kind == DIALOG_MENU ? &d->sel : &d->top;
	long to = (long)*at + delta, last = d->n ? (long)d->n - 1 : 0;

	*at = (size_t)(to < 0 ? 0 : to > last ? last : to);
	keep_visible(d);
}

/* Keys of a confirm dialog. */
static enum wkey_result confirm_key(struct dialog *d, wkey k)
{
	if (k == 'y' || k == 'Y' || (wkey_is_enter(k) && d->yes_focused)) {
		d->choice = 1;
		return WKEY_SUBMIT;
	}
	if (k == 'n' || k == 'N' || k == WKEY_ESC || wkey_is_enter(k)) {
		d->choice = 0;
		return WKEY_CANCEL;
	}
	if (k == '\t' || k == WKEY_FN(KEY_BTAB) || k == WKEY_FN(KEY_LEFT) ||
	    k == WKEY_FN(KEY_RIGHT)) {
		d->yes_focused = !d->yes_focused;
		return WKEY_HANDLED;
	}
	return WKEY_IGNORED;
}

/* Keys of a menu. */
static enum wkey_result menu_key(struct dialog *d, wkey k)
{
	if (k == WKEY_ESC) {
		d->choice = -1;
		return WKEY_CANCEL;
	}
	if (wkey_is_enter(k) && d->n > 0) {
		d->choice = (int)d->sel;
		return WKEY_SUBMIT;
	}
	if (k >= '1' && k <= '9' && (size_t)(k - '1') < d->n) {
		d->sel = (size_t)(k - '1');
		d->choice = (int)d->sel;
		return WKEY_SUBMIT;
	}
	return WKEY_IGNORED;
}

/* Scrolls or moves with the arrows, then answers or picks. */
enum wkey_result dialog_key(struct dialog *d, wkey k)
{
	long page = list_rows(d) > 1 ? (long)list_rows(d) - 1 : 1;

	d->base.dirty = true;
	switch (k) {
	case WKEY_FN(KEY_UP):
		scroll_by(d, -1);
		return WKEY_HANDLED;
	case WKEY_FN(KEY_DOWN):
		scroll_by(d, 1);
		return WKEY_HANDLED;
	case WKEY_FN(KEY_PPAGE):
		scroll_by(d, -page);
		return WKEY_HANDLED;
	case WKEY_FN(KEY_NPAGE):
		scroll_by(d, page);
		return WKEY_HANDLED;
	case WKEY_FN(KEY_HOME):
		scroll_by(d, -(long)d->n);
		return WKEY_HANDLED;
	case WKEY_FN(KEY_END):
		scroll_by(d, (long)d->n);
		return WKEY_HANDLED;
	default:
		break;
	}
	return d->kind == DIALOG_CONFIRM ? confirm_key(d, k) : menu_key(d, k);
}

/* Draws a button: "[ label ]". */
static void draw_button(struct dialog *d, const char *label, bool focused)
{
	attr_t attr = theme_attr(focused ? THEME_BUTTON_FOCUS : THEME_BUTTON);
	int room = d->base.cols - 1 - getcurx(d->base.win);

	room -= text_add(d->base.win, room, "[ ", attr);
	room -= text_add(d->base.win, room, label, attr);
	text_add(d->base.win, room, " ]", attr);
}

/* Says in the bottom border which lines show when not all fit. */
static void draw_scroll_note(struct dialog *d, size_t rows)
{
	char note[64];
	int w;

	if (d->n <= rows || d->base.cols < 20)
		return;
	snprintf(note, sizeof(note), " %zu-%zu of %zu ", d->top + 1, d->top + rows, d->n);
	w = text_width(note);
	text_draw(d->base.win, d->base.rows - 1, d->base.cols - 2 - w, w, note,
		  theme_attr(THEME_BORDER), TEXT_LEFT);
}

/* Draws the box, the message, the list and the buttons. */
static void dialog_draw_cb(struct widget *w)
{
	struct dialog *d = (struct dialog *)w;
	size_t rows, i;
	int y = 1, bw, x;

	widget_erase(w, THEME_DIALOG);
	widget_frame(w, d->title);
	keep_visible(d);
	rows = list_rows(d);
	if (d->message)
		text_draw(w->win, y++, 2, w->cols - 4, d->message, theme_attr(THEME_DIALOG),
			  TEXT_LEFT);
	for (i = d->top; i < d->n && i < d->top + rows; i++, y++) {
		bool sel = d->kind == DIALOG_MENU && i == d->sel;

		attr_t attr = theme_attr(sel ? THEME_SELECTED : THEME_DIALOG);

		text_draw(w->win, y, 1, w->cols - 2, NULL, attr, TEXT_LEFT);
		text_draw(w->win, y, 2, w->cols - 4, d->lines[i], attr, TEXT_LEFT);
	}
	draw_scroll_note(d, rows);
	if (d->kind == DIALOG_CONFIRM && w->rows >= 4) {
		bw = text_width(d->yes) + text_width(d->no) + 10;
		x = (w->cols - bw) / 2;
		wmove(w->win, w->rows - 2, x > 1 ? x : 1);
		draw_button(d, d->yes, d->yes_focused);
		text_add(w->win, w->cols - 1 - getcurx(w->win), "  ", theme_attr(THEME_DIALOG));
		draw_button(d, d->no, !d->yes_focused);
	}
}

/* Redraws if needed and queues the window (widget_draw). */
void dialog_draw(struct dialog *d)
{
	widget_draw(&d->base);
}

/* The class's key entry. */
static enum wkey_result dialog_key_cb(struct widget *w, wkey k)
{
	return dialog_key((struct dialog *)w, k);
}

/* Frees the lines and the dialog. */
static void dialog_destroy(struct widget *w)
{
	struct dialog *d = (struct dialog *)w;
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->lines[i]);
	free(d->lines);
	free(d->title);
	free(d->message);
	free(d->yes);
	free(d->no);
	free(d);
}

/* Frees the dialog and its window. */
void dialog_free(struct dialog *d)
{
	widget_free(d ? &d->base : NULL);
}
