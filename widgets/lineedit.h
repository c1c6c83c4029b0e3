/* One line of editable text with a cursor, shared by the prompt and the
 * form's text fields: Left/Right, Home/End (Ctrl-A/E), Backspace,
 * Delete (Ctrl-D), Ctrl-U (to the start), Ctrl-K (to the end), Ctrl-W (a
 * word back). Drawn in a given width, scrolled sideways to keep the cursor
 * in view. Text is UTF-8; the cursor never splits a character. */
#ifndef BERTH_WIDGETS_LINEEDIT_H
#define BERTH_WIDGETS_LINEEDIT_H

#include "widgets/widget.h"

#include <stddef.h>

struct lineedit {
	char *buf;
	size_t len, cap;
	size_t cur; /* byte offset of the cursor */
	size_t max; /* most bytes, 0 for no limit */
	int scroll; /* first cell shown */
};

/* Starts with text (may be NULL), the cursor at its end. */
void lineedit_init(struct lineedit *e, const char *text, size_t max);

void lineedit_free(struct lineedit *e);

/* Replaces the text; the cursor goes to its end. */
void lineedit_set(struct lineedit *e, const char *text);

const char *lineedit_text(const struct lineedit *e);

/* Replaces bytes [from, to) with text and puts the cursor after it;
 * false (and no change) when the result would pass the limit. */
bool lineedit_replace(struct lineedit *e, size_t from, size_t to, const char *text);

/* Types text at the cursor. */
bool lineedit_insert(struct lineedit *e, const char *text);

/* WKEY_CHANGED when the text changed, WKEY_HANDLED for cursor moves. */
enum wkey_result lineedit_key(struct lineedit *e, wkey k);

/* Draws the text at (y, x) in cols cells with attr (padding included) and
 * returns the cursor's column in the window. */
int lineedit_draw(struct lineedit *e, WINDOW *win, int y, int x, int cols, attr_t attr);

/* Writes a character as UTF-8 into out (4 bytes and a NUL); returns its
 * length, 0 when it is not a character. */
size_t lineedit_encode(wchar_t c, char *out);

#endif
