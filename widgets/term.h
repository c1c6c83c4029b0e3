/* What the terminal can show, decided once after curses starts: UTF-8 or
 * ASCII glyphs (from the locale's codeset) and how many colours (256, 16, 8
 * or none, from has_colors()/COLORS and NO_COLOR). */
#ifndef BERTH_WIDGETS_TERM_H
#define BERTH_WIDGETS_TERM_H

#include <stdbool.h>
#include <wchar.h>

/* The characters widgets draw with, UTF-8 or their ASCII stand-ins. */
struct term_glyphs {
	wchar_t ellipsis;                 /* … or ~ */
	wchar_t hline, vline;             /* ─ │ or - | */
	wchar_t ul, ur, ll, lr;           /* ┌ ┐ └ ┘ or + */
	wchar_t spark[8];                 /* ▁▂▃▄▅▆▇█ or " .:-=+*#" */
	wchar_t bar_full;                 /* █ or | */
	wchar_t bar_part[8];              /* [n] is n eighths: ▏▎▍▌▋▊▉ (ASCII: none) */
	wchar_t fold_open, fold_closed;   /* ▾ ▸ or - + */
	wchar_t mark;                     /* ● or * */
	wchar_t sort_up, sort_down;       /* ▲ ▼ or ^ v */
	wchar_t separator;                /* │ or | */
	wchar_t dot;                      /* · or - */
	wchar_t replacement;              /* U+FFFD or ? */
};

/* Decides UTF-8 and colours for the current curses screen; call it once
 * after initscr/newterm, the locale having been set with
 * setlocale(LC_ALL, "") before (start_color is left to theme_apply). */
void term_detect(void);

/* True when the locale's codeset is UTF-8 (or term_force_utf8 said so). */
bool term_utf8(void);

/* Overrides the locale's answer (an --ascii flag, tests). */
void term_force_utf8(bool on);

/* The colours the console uses: 256, 16, 8, or 0 for none at all. */
int term_colors(void);

/* Overrides the detected colour count (a --colors flag, tests); it is still
 * capped by what the terminal has, and NO_COLOR still wins. */
void term_force_colors(int colors);

/* True when NO_COLOR was set (to a non-empty value) at term_detect. */
bool term_no_color(void);

/* The glyph set for the current mode. */
const struct term_glyphs *term_glyphs(void);

#endif
