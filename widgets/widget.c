/* The common part of every widget: window, place, dirty flag, class. */
#include "widgets/widget.h"

#include "widgets/term.h"
#include "widgets/text.h"
#include "widgets/theme.h"

#include <string.h>

/* Sets up the common part of a widget. */
void widget_init(struct widget *w, const struct widget_class *cls)
{
	memset(w, 0, sizeof(*w));
	w->cls = cls;
	w->dirty = true;
}

/* Gives the widget a new window at its place and size. */
int widget_place(struct widget *w, int y, int x, int rows, int cols)
{
	if (w->win && w->y == y && w->x == x && w->rows == rows && w->cols == cols)
		return 0;
	if (w->win) {
		delwin(w->win);
		w->win = NULL;
	}
	w->y = y;
	w->x = x;
	w->rows = rows > 0 ? rows : 0;
	w->cols = cols > 0 ? cols : 0;
	w->dirty = true;
	if (w->rows == 0 || w->cols == 0)
		return 0;
	/* A new window rather than wresize+mvwin: mvwin refuses positions
	 * that stick out of the screen, which happens while a terminal shrinks. */
	w->win = newwin(w->rows, w->cols, y, x);
	if (!w->win) {
		w->rows = w->cols = 0;
		return -1;
	}
	return 0;
}

/* Places the widget in the middle of the screen. */
int widget_center(struct widget *w, int rows, int cols)
{
	int y = (LINES - rows) / 2, x = (COLS - cols) / 2;

	return widget_place(w, y > 0 ? y : 0, x > 0 ? x : 0, rows, cols);
}

/* Redraws the widget if dirty and queues its window. */
void widget_draw(struct widget *w)
{
	if (w->hidden || !w->win)
		return;
	if (w->dirty) {
		if (w->cls && w->cls->draw)
			w->cls->draw(w);
		w->dirty = false;
	}
	wnoutrefresh(w->win);
}

/* Marks the widget for redrawing. */
void widget_invalidate(struct widget *w)
{
	w->dirty = true;
}

/* Marks the window for copying to the screen again. */
void widget_expose(struct widget *w)
{
	if (w->win)
		touchwin(w->win);
}

/* Gives or takes the keyboard focus. */
void widget_set_focus(struct widget *w, bool on)
{
	if (w->focused != on) {
		w->focused = on;
		w->dirty = true;
	}
}

/* Hides or shows the widget. */
void widget_set_hidden(struct widget *w, bool hidden)
{
	if (w->hidden != hidden) {
		w->hidden = hidden;
		w->dirty = true;
	}
}

/* Offers a key to the widget's class. */
enum wkey_result widget_key(struct widget *w, wkey k)
{
	if (w->hidden || !w->cls || !w->cls->key)
		return WKEY_IGNORED;
	return w->cls->key(w, k);
}

/* Frees a widget through its class, then its window. */
void widget_free(struct widget *w)
{
	WINDOW *win;

	if (!w)
		return;
	win = w->win;
	if (w->cls && w->cls->destroy)
		w->cls->destroy(w);
	if (win)
		delwin(win);
}

/* Reads one key as a wkey. */
wkey widget_read_key(WINDOW *win)
{
	wint_t ch;
	int rc = wget_wch(win, &ch);

	if (rc == KEY_CODE_YES)
		return WKEY_FN(ch);
	if (rc == OK)
		return (wkey)ch;
	return WKEY_NONE;
}

/* Fills the window with blanks in a role's colours. */
void widget_erase(struct widget *w, int role)
{
	attr_t attr = theme_attr(role);
	int y;

	if (!w->win)
		return;
	for (y = 0; y < w->rows; y++) {
		wmove(w->win, y, 0);
		text_fill(w->win, w->cols, attr);
	}
}

/* Draws a box and its title around the window. */
void widget_frame(struct widget *w, const char *title)
{
	const struct term_glyphs *g = term_glyphs();
	attr_t border = theme_attr(w->focused ? THEME_BORDER_FOCUS : THEME_BORDER);
	attr_t tattr = theme_attr(w->focused ? THEME_TITLE_FOCUS : THEME_TITLE);
	int y, x;

	if (!w->win || w->rows < 2 || w->cols < 2)
		return;
	for (x = 0; x < w->cols; x++) {
		wmove(w->win, 0, x);
		text_put(w->win, x == 0 ? g->ul : x == w->cols - 1 ? g->ur : g->hline, border);
		wmove(w->win, w->rows - 1, x);
		text_put(w->win, x == 0 ? g->ll : x == w->cols - 1 ? g->lr : g->hline, border);
	}
	for (y = 1; y < w->rows - 1; y++) {
		wmove(w->win, y, 0);
		text_put(w->win, g->vline, border);
		wmove(w->win, y, w->cols - 1);
		text_put(w->win, g->vline, border);
	}
	if (title && title[0] && w->cols > 6) {
		wmove(w->win, 0, 2);
		text_put(w->win, L' ', tattr);
		text_add(w->win, w->cols - 6, title, tattr);
		text_put(w->win, L' ', tattr);
	}
}
