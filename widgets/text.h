/* Text in cells: UTF-8 decoding, display widths and drawing with
 * truncation. Strings from the engine are UTF-8 whatever the locale; in
 * ASCII mode (term_utf8() false) anything outside ASCII shows as '?'.
 * Control characters never reach the terminal: they show as '?'. */
#ifndef BERTH_WIDGETS_TEXT_H
#define BERTH_WIDGETS_TEXT_H

#include "widgets/widget.h"

#include <stddef.h>
#include <wchar.h>

enum text_align { TEXT_LEFT, TEXT_RIGHT, TEXT_CENTER };

/* Decodes the UTF-8 character at s (len > 0) into *out and returns the bytes
 * it used (at least 1); a malformed sequence gives U+FFFD for one byte. */
size_t text_decode(const char *s, size_t len, wchar_t *out);

/* How a character is drawn: the character put in the cell (*shown) and the
 * cells it takes (0 for a combining mark, which is dropped, 1 or 2). */
int text_cell(wchar_t c, wchar_t *shown);

/* Display width in cells of len bytes of UTF-8. */
int text_width_n(const char *s, size_t len);

/* Display width in cells of a string. */
int text_width(const char *s);

/* The bytes of s (len bytes) that fit in cols cells; *used gets their width. */
size_t text_fit(const char *s, size_t len, int cols, int *used);

/* s in at most cols cells (into out, n bytes): whole when it fits, else
 * its start and its end joined by an ellipsis; "" when cols < 3. */
void text_shorten_middle(const char *s, int cols, char *out, size_t n);

/* Puts one character cell (two for a wide character) at the window's
 * cursor, with attributes that may carry a COLOR_PAIR. */
void text_put(WINDOW *win, wchar_t c, attr_t attr);

/* Puts n blanks at the cursor. */
void text_fill(WINDOW *win, int n, attr_t attr);

/* Draws len bytes of s at (y, x) in exactly cols cells: aligned, padded
 * with blanks, and cut with an ellipsis when too wide. Returns the width of
 * the text drawn (without the padding). */
int text_draw_n(WINDOW *win, int y, int x, int cols, const char *s, size_t len, attr_t attr,
		enum text_align align);

/* text_draw_n for a NUL-terminated string (NULL draws blanks). */
int text_draw(WINDOW *win, int y, int x, int cols, const char *s, attr_t attr,
	      enum text_align align);

/* Draws s at the cursor in at most cols cells without padding, cutting it
 * with an ellipsis when too wide; returns the cells used. */
int text_add(WINDOW *win, int cols, const char *s, attr_t attr);

/* Case-insensitive (ASCII) search for needle in len bytes of hay; returns
 * the offset of the first match at or after from, or -1. */
long text_find(const char *hay, size_t len, size_t from, const char *needle, size_t nlen,
	       bool icase);

#endif
