/* A curses screen that draws into /dev/null, for tests and screen dumps:
 * widgets draw into real windows whose cells can be read back. */
#ifndef BERTH_WIDGETS_OFFSCREEN_H
#define BERTH_WIDGETS_OFFSCREEN_H

#include "engine/core/error.h"
#include "widgets/widget.h"

#include <stdio.h>

struct offscreen {
	SCREEN *screen;
	FILE *out, *in;
};

/* Starts a screen of the given terminal type and size (TERM, LINES and
 * COLUMNS are set in the environment for it) and runs term_detect. The
 * caller chose the locale beforehand. */
int offscreen_open(struct offscreen *o, const char *term, int rows, int cols, berr *err);

/* Ends the screen and frees it. */
void offscreen_close(struct offscreen *o);

/* Row y of a window as UTF-8 (wide characters once), trailing blanks kept.
 * These readers leave the window's cursor where it was. */
char *offscreen_row(WINDOW *win, int y, char *buf, size_t size);

/* The character in a cell. */
wchar_t offscreen_char(WINDOW *win, int y, int x);

/* The attributes of a cell, with its colour pair as COLOR_PAIR bits, so it
 * compares equal to theme_attr(). */
attr_t offscreen_attr(WINDOW *win, int y, int x);

#endif
