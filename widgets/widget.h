/* The common part of every console widget: its own window, its place on the
 * screen, a dirty flag and a small class (draw, key, destroy), in the manner
 * of htop's panels. Each widget struct begins with a struct widget, so
 * WIDGET(t) turns any widget pointer into the generic one.
 *
 * Redraw discipline: a widget redraws its window only when it is dirty, then
 * calls wnoutrefresh; the console calls doupdate once per frame. A widget
 * that takes typing (prompt, form) sets `cursor` and leaves its window's
 * cursor where typing goes: the console draws it last, so the terminal's
 * cursor lands there, and turns the cursor on with curs_set. */
#ifndef BERTH_WIDGETS_WIDGET_H
#define BERTH_WIDGETS_WIDGET_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

/* A key: a Unicode character, or WKEY_FN(KEY_x) for one of curses' function
 * keys (so that U+0102 and KEY_DOWN never collide). */
typedef int wkey;
#define WKEY_FN_BIT 0x40000000
#define WKEY_FN(k) ((int)(k) | WKEY_FN_BIT)
#define WKEY_CTRL(c) ((c) & 0x1f)
#define WKEY_ESC 27
#define WKEY_NONE (-1)

/* True for Enter, however the terminal sent it. */
static inline bool wkey_is_enter(wkey k)
{
	return k == '\n' || k == '\r' || k == WKEY_FN(KEY_ENTER);
}

/* True for Backspace, however the terminal sent it. */
static inline bool wkey_is_backspace(wkey k)
{
	return k == 127 || k == 8 || k == WKEY_FN(KEY_BACKSPACE);
}

/* What a widget did with a key. */
enum wkey_result {
	WKEY_IGNORED = 0, /* not the widget's key: the console's key table decides */
	WKEY_HANDLED,     /* used: moved a cursor, scrolled */
	WKEY_CHANGED,     /* used and the widget's value changed (text typed) */
	WKEY_SUBMIT,      /* Enter on a form, prompt or dialog */
	WKEY_CANCEL       /* Esc: close the form, prompt, dialog or overlay */
};

struct widget;

/* What makes a widget a table, a log view, a form... */
struct widget_class {
	const char *name;
	void (*draw)(struct widget *w);
	enum wkey_result (*key)(struct widget *w, wkey k);
	void (*destroy)(struct widget *w);
};

struct widget {
	const struct widget_class *cls;
	WINDOW *win;  /* NULL until placed with a non-empty size */
	int y, x;     /* top-left corner on the screen */
	int rows, cols;
	bool dirty;   /* content changed since the last draw */
	bool focused; /* has the keyboard: drawn with the focus colours */
	bool hidden;
	bool cursor;  /* wants the terminal cursor where its draw left it */
};

#define WIDGET(p) ((struct widget *)(p))

/* Sets up the common part; every widget constructor calls it. */
void widget_init(struct widget *w, const struct widget_class *cls);

/* Gives the widget its place: creates, moves or resizes its window. A size
 * of zero rows or columns removes the window (nothing is drawn). */
int widget_place(struct widget *w, int y, int x, int rows, int cols);

/* Places the widget in the middle of the screen. */
int widget_center(struct widget *w, int rows, int cols);

/* Redraws the widget if it is dirty and queues its window for doupdate. */
void widget_draw(struct widget *w);

/* Marks the content as changed, so the next widget_draw redraws it. */
void widget_invalidate(struct widget *w);

/* Marks the whole window for copying to the screen again, e.g. after an
 * overlay that covered it closed; the content itself is not redrawn. */
void widget_expose(struct widget *w);

/* Gives or takes the keyboard focus. */
void widget_set_focus(struct widget *w, bool on);

/* Hides or shows the widget. */
void widget_set_hidden(struct widget *w, bool hidden);

/* Offers a key to the widget. */
enum wkey_result widget_key(struct widget *w, wkey k);

/* Frees the widget and its window. */
void widget_free(struct widget *w);

/* Reads one key from curses (wget_wch) as a wkey; WKEY_NONE when none.
 * Function keys need keypad(win, TRUE). */
wkey widget_read_key(WINDOW *win);

/* Clears the window with a theme role's background. */
void widget_erase(struct widget *w, int role);

/* Draws a box around the window with a title in its top border, in the
 * border colours (the focus ones when focused). */
void widget_frame(struct widget *w, const char *title);

#endif
