/* Terminal capabilities: glyph set and colour depth, decided once. */
#include "widgets/term.h"

#include "widgets/widget.h"

#include <langinfo.h>
#include <term.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct term_glyphs utf8_glyphs = {
	.ellipsis = L'\u2026',
	.hline = L'\u2500',
	.vline = L'\u2502',
	.ul = L'\u250c',
	.ur = L'\u2510',
	.ll = L'\u2514',
	.lr = L'\u2518',
	.spark = {L'\u2581', L'\u2582', L'\u2583', L'\u2584', L'\u2585', L'\u2586', L'\u2587',
		  L'\u2588'},
	.bar_full = L'\u2588',
	.bar_part = {L' ', L'\u258f', L'\u258e', L'\u258d', L'\u258c', L'\u258b', L'\u258a',
		     L'\u2589'},
	.fold_open = L'\u25be',
	.fold_closed = L'\u25b8',
	.mark = L'\u25cf',
	.sort_up = L'\u25b2',
	.sort_down = L'\u25bc',
	.separator = L'\u2502',
	.dot = L'\u00b7',
	.replacement = L'\ufffd',
};

static const struct term_glyphs ascii_glyphs = {
	.ellipsis = L'~',
	.hline = L'-',
	.vline = L'|',
	.ul = L'+',
	.ur = L'+',
	.ll = L'+',
	.lr = L'+',
	.spark = {L' ', L'.', L':', L'-', L'=', L'+', L'*', L'#'},
	.bar_full = L'|',
	.bar_part = {L' ', L' ', L' ', L' ', L' ', L' ', L' ', L' '},
	.fold_open = L'-',
	.fold_closed = L'+',
	.mark = L'*',
	.sort_up = L'^',
	.sort_down = L'v',
	.separator = L'|',
	.dot = L'-',
	.replacement = L'?',
};

static struct {
	bool utf8;
	int colors;
	bool no_color;
} term = {.utf8 = false, .colors = 0};

/* True when the locale's codeset names UTF-8 ("UTF-8", "utf8"). */
static bool codeset_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "UTF8") == 0);
}

/* The palette size the terminal offers, rounded down to one the themes
 * know. COLORS is only set once start_color runs, so terminfo is asked. */
static int terminal_colors(void)
{
	int colors;

	if (!has_colors())
		return 0;
	colors = tigetnum("colors");
	if (colors < COLORS)
		colors = COLORS;
	if (colors >= 256)
		return 256;
	if (colors >= 16)
		return 16;
	if (colors >= 8)
		return 8;
	return 0;
}

/* Decides UTF-8 from the locale and colours from the terminal and NO_COLOR. */
void term_detect(void)
{
	const char *nc = getenv("NO_COLOR");

	term.utf8 = codeset_is_utf8();
	/* no-color.org: set and not empty means no colour at all. */
	term.no_color = nc && nc[0] != '\0';
	term.colors = term.no_color ? 0 : terminal_colors();
}

/* True when drawing with UTF-8 glyphs. */
bool term_utf8(void)
{
	return term.utf8;
}

/* Overrides the locale's answer. */
void term_force_utf8(bool on)
{
	term.utf8 = on;
}

/* The colours in use: 256, 16, 8 or 0. */
int term_colors(void)
{
	return term.colors;
}

/* Asks for fewer colours than the terminal has. */
void term_force_colors(int colors)
{
	int have = terminal_colors();

	if (term.no_color) {
		term.colors = 0;
		return;
	}
	if (colors >= 256)
		colors = 256;
	else if (colors >= 16)
		colors = 16;
	else if (colors >= 8)
		colors = 8;
	else
		colors = 0;
	term.colors = colors < have ? colors : have;
}

/* True when NO_COLOR was set. */
bool term_no_color(void)
{
	return term.no_color;
}

/* The glyph set for UTF-8 or ASCII. */
const struct term_glyphs *term_glyphs(void)
{
	return term.utf8 ? &utf8_glyphs : &ascii_glyphs;
}
