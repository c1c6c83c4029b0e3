/* A single line of editable UTF-8 text. */
#include "widgets/lineedit.h"

#include "widgets/text.h"

#include <stdlib.h>
#include <string.h>

/* Makes room for size bytes and a NUL. */
static void reserve(struct lineedit *e, size_t size)
{
	if (size + 1 <= e->cap)
		return;
	e->cap = size + 1 > 2 * e->cap ? size + 1 : 2 * e->cap;
	e->buf = realloc(e->buf, e->cap);
	if (!e->buf)
		abort();
}

/* Starts an edit line with text, the cursor at its end. */
void lineedit_init(struct lineedit *e, const char *text, size_t max)
{
	memset(e, 0, sizeof(*e));
	e->max = max;
	reserve(e, 32);
	e->buf[0] = '\0';
	lineedit_set(e, text);
}

/* Frees the text. */
void lineedit_free(struct lineedit *e)
{
	free(e->buf);
	memset(e, 0, sizeof(*e));
}

/* Replaces the text; the cursor goes to its end. */
void lineedit_set(struct lineedit *e, const char *text)
{
	e->len = 0;
	e->cur = 0;
	e->buf[0] = '\0';
	e->scroll = 0;
	if (text)
		lineedit_replace(e, 0, 0, text);
	e->cur = e->len;
}

/* The text being edited. */
const char *lineedit_text(const struct lineedit *e)
{
	return e->buf;
}

/* Replaces bytes [from, to) with text, the cursor after it. */
bool lineedit_replace(struct lineedit *e, size_t from, size_t to, const char *text)
{
	size_t n = strlen(text), len;

	if (to > e->len || from > to)
		return false;
	len = e->len - (to - from) + n;
	if (e->max && len > e->max)
		return false;
	reserve(e, len);
	memmove(e->buf + from + n, e->buf + to, e->len - to + 1);
	memcpy(e->buf + from, text, n);
	e->len = len;
	e->cur = from + n;
	return true;
}

/* Types text at the cursor. */
bool lineedit_insert(struct lineedit *e, const char *text)
{
	return lineedit_replace(e, e->cur, e->cur, text);
}

/* Writes a character as UTF-8; 0 when it is not one. */
size_t lineedit_encode(wchar_t c, char *out)
{
	unsigned int u = (unsigned int)c;
	size_t n;

	if (u < 0x80) {
		out[0] = (char)u;
		n = 1;
	} else if (u < 0x800) {
		out[0] = (char)(0xc0 | (u >> 6));
		out[1] = (char)(0x80 | (u & 0x3f));
		n = 2;
	} else if (u < 0x10000) {
		if (u >= 0xd800 && u <= 0xdfff)
			return 0;
		out[0] = (char)(0xe0 | (u >> 12));
		out[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		out[2] = (char)(0x80 | (u & 0x3f));
		n = 3;
	} else if (u <= 0x10ffff) {
		out[0] = (char)(0xf0 | (u >> 18));
		out[1] = (char)(0x80 | ((u >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((u >> 6) & 0x3f));
		out[3] = (char)(0x80 | (u & 0x3f));
		n = 4;
	} else {
		return 0;
	}
	out[n] = '\0';
	return n;
}

/* The start of the character before byte i. */
static size_t prev_char(const struct lineedit *e, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && ((unsigned char)e->buf[i] & 0xc0) == 0x80)
		i--;
	return i;
}

/* The start of the character after the one at byte i. */
static size_t next_char(const struct lineedit *e, size_t i)
{
	wchar_t c;

	return i < e->len ? i + text_decode(e->buf + i, e->len - i, &c) : i;
}

/* The start of the word before the cursor (Ctrl-W). */
static size_t word_start(const struct lineedit *e)
{
	size_t i = e->cur;

	while (i > 0 && e->buf[i - 1] == ' ')
		i--;
	while (i > 0 && e->buf[i - 1] != ' ')
		i--;
	return i;
}

/* Deletes bytes [from, to); true when something went. */
static bool delete_range(struct lineedit *e, size_t from, size_t to)
{
	return from < to && lineedit_replace(e, from, to, "");
}

/* Moves the cursor or edits the text for one key. */
enum wkey_result lineedit_key(struct lineedit *e, wkey k)
{
	char utf8[5];
	size_t was = e->cur;

	switch (k) {
	case WKEY_FN(KEY_LEFT):
		e->cur = prev_char(e, e->cur);
		return WKEY_HANDLED;
	case WKEY_FN(KEY_RIGHT):
		e->cur = next_char(e, e->cur);
		return WKEY_HANDLED;
	case WKEY_FN(KEY_HOME):
	case WKEY_CTRL('a'):
		e->cur = 0;
		return WKEY_HANDLED;
	case WKEY_FN(KEY_END):
	case WKEY_CTRL('e'):
		e->cur = e->len;
		return WKEY_HANDLED;
	case WKEY_FN(KEY_DC):
	case WKEY_CTRL('d'):
		return delete_range(e, was, next_char(e, was)) ? WKEY_CHANGED : WKEY_HANDLED;
	case WKEY_CTRL('u'):
		return delete_range(e, 0, was) ? WKEY_CHANGED : WKEY_HANDLED;
	case WKEY_CTRL('k'):
		if (!delete_range(e, was, e->len))
			return WKEY_HANDLED;
		e->cur = was;
		return WKEY_CHANGED;
	case WKEY_CTRL('w'):
		return delete_range(e, word_start(e), was) ? WKEY_CHANGED : WKEY_HANDLED;
	default:
		break;
	}
	if (wkey_is_backspace(k))
		return delete_range(e, prev_char(e, was), was) ? WKEY_CHANGED : WKEY_HANDLED;
	if (k < 0x20 || k == 0x7f || (k & WKEY_FN_BIT) || (k >= 0x80 && k < 0xa0))
		return WKEY_IGNORED;
	if (!lineedit_encode((wchar_t)k, utf8))
		return WKEY_IGNORED;
	return lineedit_insert(e, utf8) ? WKEY_CHANGED : WKEY_HANDLED;
}

/* Draws the text scrolled to show the cursor; returns its column. */
int lineedit_draw(struct lineedit *e, WINDOW *win, int y, int x, int cols, attr_t attr)
{
	int cw = text_width_n(e->buf, e->cur), used = 0, skipped = 0, w;
	size_t i = 0, n;
	wchar_t c, shown;

	if (cols <= 0)
		return x;
	if (cw < e->scroll)
		e->scroll = cw;
	if (cw >= e->scroll + cols)
		e->scroll = cw - cols + 1;
	wmove(win, y, x);
	for (; i < e->len; i += n) {
		n = text_decode(e->buf + i, e->len - i, &c);
		w = text_cell(c, &shown);
		if (skipped + w > e->scroll)
			break;
		skipped += w;
	}
	/* A wide character cut by the left edge shows as a blank. */
	if (skipped < e->scroll && i < e->len) {
		text_fill(win, e->scroll - skipped, attr);
		used = e->scroll - skipped;
		i = next_char(e, i);
	}
	for (; i < e->len; i += n) {
		n = text_decode(e->buf + i, e->len - i, &c);
		w = text_cell(c, &shown);
		if (used + w > cols)
			break;
		if (w > 0)
			text_put(win, shown, attr);
		used += w;
	}
	text_fill(win, cols - used, attr);
	return x + cw - e->scroll;
}
