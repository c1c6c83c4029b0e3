/* Off-screen curses: a real SCREEN whose output goes nowhere. */
#include "widgets/offscreen.h"

#include "widgets/term.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Starts an off-screen curses screen of a terminal type and size. */
int offscreen_open(struct offscreen *o, const char *term, int rows, int cols, berr *err)
{
	char num[16];

	memset(o, 0, sizeof(*o));
	setenv("TERM", term, 1);
	snprintf(num, sizeof(num), "%d", rows);
	setenv("LINES", num, 1);
	snprintf(num, sizeof(num), "%d", cols);
	setenv("COLUMNS", num, 1);
	o->out = fopen("/dev/null", "we");
	o->in = fopen("/dev/null", "re");
	if (!o->out || !o->in) {
		berr_sys(err, "open /dev/null");
		goto fail;
	}
	o->screen = newterm(term, o->out, o->in);
	if (!o->screen) {
		berr_set(err, BERR_SYSTEM, "no terminal description for '%s'", term);
		goto fail;
	}
	set_term(o->screen);
	term_detect();
	return 0;
fail:
	if (o->out)
		fclose(o->out);
	if (o->in)
		fclose(o->in);
	memset(o, 0, sizeof(*o));
	return -1;
}

/* Ends the screen and frees it. */
void offscreen_close(struct offscreen *o)
{
	if (!o->screen)
		return;
	endwin();
	delscreen(o->screen);
	fclose(o->out);
	fclose(o->in);
	memset(o, 0, sizeof(*o));
}

/* A window's row as UTF-8. */
char *offscreen_row(WINDOW *win, int y, char *buf, size_t size)
{
	wchar_t wide[1024];
	size_t n, i, used = 0;
	char mb[MB_LEN_MAX];
	mbstate_t st;
	int cols = getmaxx(win), got, cy, cx;

	if (cols > 1023)
		cols = 1023;
	getyx(win, cy, cx);
	got = mvwinnwstr(win, y, 0, wide, cols);
	wmove(win, cy, cx);
	buf[0] = '\0';
	if (got == ERR)
		return buf;
	for (i = 0; wide[i] && i < (size_t)cols; i++) {
		memset(&st, 0, sizeof(st));
		n = wcrtomb(mb, wide[i], &st);
		if (n == (size_t)-1) {
			mb[0] = '?';
			n = 1;
		}
		if (used + n + 1 > size)
			break;
		memcpy(buf + used, mb, n);
		used += n;
	}
	buf[used] = '\0';
	return buf;
}

/* Reads a cell and leaves the window's cursor where it was (the cursor
 * a widget leaves is part of what a test checks). */
static bool cell(WINDOW *win, int y, int x, cchar_t *cc)
{
	int cy, cx, rc;

	getyx(win, cy, cx);
	rc = mvwin_wch(win, y, x, cc);
	wmove(win, cy, cx);
	return rc != ERR;
}

/* The character in a cell. */
wchar_t offscreen_char(WINDOW *win, int y, int x)
{
	wchar_t wc[CCHARW_MAX + 1] = {0};
	attr_t attr;
	short pair;
	cchar_t cc;

	if (!cell(win, y, x, &cc))
		return 0;
	getcchar(&cc, wc, &attr, &pair, NULL);
	return wc[0];
}

/* A cell's attributes with its colour pair. */
attr_t offscreen_attr(WINDOW *win, int y, int x)
{
	wchar_t wc[CCHARW_MAX + 1];
	attr_t attr = 0;
	short pair = 0;
	cchar_t cc;

	if (!cell(win, y, x, &cc))
		return 0;
	getcchar(&cc, wc, &attr, &pair, NULL);
	return (attr & ~A_COLOR) | COLOR_PAIR(pair);
}
