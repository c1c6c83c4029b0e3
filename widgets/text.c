/* UTF-8 text measured and drawn in terminal cells. */
#include "widgets/text.h"

#include "widgets/term.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine/core/utf8.h"

/* Decodes one UTF-8 character; malformed bytes give U+FFFD one at a time. */
size_t text_decode(const char *s, size_t len, wchar_t *out)
{
	uint32_t cp;
	size_t n = utf8_decode((const unsigned char *)s, len, &cp);

	if (n == 0) {
		*out = 0xfffd;
		return len ? 1 : 0;
	}
	*out = (wchar_t)cp;
	return n;
}

/* The character drawn for c and the cells it takes. */
int text_cell(wchar_t c, wchar_t *shown)
{
	int w;

	if (c == L'\t') {
		*shown = L' ';
		return 1;
	}
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
		*shown = L'?';
		return 1;
	}
	if (c < 0x80) {
		*shown = c;
		return 1;
	}
	if (!term_utf8()) {
		*shown = L'?';
		return 1;
	}
	w = wcwidth(c);
	if (w < 0) {
		*shown = 0xfffd;
		return 1;
	}
	*shown = c;
	return w > 2 ? 2 : w;
}

/* Display width in cells of len bytes of UTF-8. */
int text_width_n(const char *s, size_t len)
{
	size_t i = 0;
	int width = 0;
	wchar_t c, shown;

	while (i < len) {
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) {
			width++;
			i++;
			continue;
		}
		i += text_decode(s + i, len - i, &c);
		width += text_cell(c, &shown);
	}
	return width;
}

/* Display width in cells of a string. */
int text_width(const char *s)
{
	return s ? text_width_n(s, strlen(s)) : 0;
}

/* The bytes of s (len bytes) that fit in cols cells; *used gets their width. */
size_t text_fit(const char *s, size_t len, int cols, int *used)
{
	size_t i = 0, n;
	int width = 0, w;
	wchar_t c, shown;

	while (i < len) {
		n = text_decode(s + i, len - i, &c);
		w = text_cell(c, &shown);
		if (width + w > cols)
			break;
		width += w;
		i += n;
	}
	if (used)
		*used = width;
	return i;
}

/* Puts one character at the cursor. */
void text_put(WINDOW *win, wchar_t c, attr_t attr)
{
	wchar_t wc[2] = {c, L'\0'};
	cchar_t cc;

	setcchar(&cc, wc, attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL);
	wadd_wch(win, &cc);
}

/* Puts n blanks at the cursor. */
void text_fill(WINDOW *win, int n, attr_t attr)
{
	while (n-- > 0)
		text_put(win, L' ', attr);
}

void text_shorten_middle(const char *s, int cols, char *out, size_t n)
{
	size_t len = strlen(s), i = 0, head_end = 0, tail_start = len;
	int width = text_width(s), head = 0, keep_head, keep_tail;
	const char *mark = term_glyphs()->ellipsis == L'~' ? "~" : "\xe2\x80\xa6";
	wchar_t c, shown;

	if (width <= cols || cols < 3) {
		snprintf(out, n, "%s", width <= cols ? s : "");
		return;
	}
	/* a third from the start, the rest from the end (a socket's or a
	 * host's name ends in what tells it apart) */
	keep_head = (cols - 1) / 3;
	keep_tail = cols - 1 - keep_head;
	while (i < len) {
		size_t step = text_decode(s + i, len - i, &c);
		int w = text_cell(c, &shown);
		if (head + w > keep_head)
			break;
		head += w;
		i += step;
		head_end = i;
	}
	/* the tail: the shortest suffix as wide as keep_tail allows */
	for (size_t j = head_end; j < len;) {
		size_t step = text_decode(s + j, len - j, &c);
		if (text_width(s + j) <= keep_tail) {
			tail_start = j;
			break;
		}
		j += step;
	}
	snprintf(out, n, "%.*s%s%s", (int)head_end, s, mark, s + tail_start);
}

/* Puts the cells of s (already known to fit) at the cursor. */
static void put_fitted(WINDOW *win, const char *s, size_t len, attr_t attr)
{
	size_t i = 0;
	wchar_t c, shown;

	while (i < len) {
		i += text_decode(s + i, len - i, &c);
		if (text_cell(c, &shown) > 0)
			text_put(win, shown, attr);
	}
}

/* Draws len bytes in exactly cols cells: aligned, padded, cut with an ellipsis. */
int text_draw_n(WINDOW *win, int y, int x, int cols, const char *s, size_t len, attr_t attr,
		enum text_align align)
{
	int width, used, left = 0;
	size_t fit;

	if (cols <= 0)
		return 0;
	wmove(win, y, x);
	width = s ? text_width_n(s, len) : 0;
	if (width > cols) {
		fit = text_fit(s, len, cols - 1, &used);
		put_fitted(win, s, fit, attr);
		text_put(win, term_glyphs()->ellipsis, attr);
		text_fill(win, cols - 1 - used, attr);
		return used + 1;
	}
	if (align == TEXT_RIGHT)
		left = cols - width;
	else if (align == TEXT_CENTER)
		left = (cols - width) / 2;
	text_fill(win, left, attr);
	if (s)
		put_fitted(win, s, len, attr);
	text_fill(win, cols - left - width, attr);
	return width;
}

/* text_draw_n for a string. */
int text_draw(WINDOW *win, int y, int x, int cols, const char *s, attr_t attr,
	      enum text_align align)
{
	return text_draw_n(win, y, x, cols, s, s ? strlen(s) : 0, attr, align);
}

/* Draws a string at the cursor in at most cols cells, cut with an ellipsis. */
int text_add(WINDOW *win, int cols, const char *s, attr_t attr)
{
	size_t len = s ? strlen(s) : 0, fit;
	int width, used;

	if (cols <= 0 || len == 0)
		return 0;
	width = text_width_n(s, len);
	if (width <= cols) {
		put_fitted(win, s, len, attr);
		return width;
	}
	fit = text_fit(s, len, cols - 1, &used);
	put_fitted(win, s, fit, attr);
	text_put(win, term_glyphs()->ellipsis, attr);
	return used + 1;
}

/* ASCII lower case of one byte. */
static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Finds needle in hay from an offset, ignoring ASCII case if asked. */
long text_find(const char *hay, size_t len, size_t from, const char *needle, size_t nlen,
	       bool icase)
{
	const unsigned char *h = (const unsigned char *)hay, *n = (const unsigned char *)needle;
	const char *hit;
	unsigned char first;
	size_t i, j;

	if (nlen == 0 || from > len || len - from < nlen)
		return -1;
	if (!icase) {
		hit = memmem(hay + from, len - from, needle, nlen);
		return hit ? hit - hay : -1;
	}
	first = fold(n[0]);
	for (i = from; i + nlen <= len; i++) {
		if (fold(h[i]) != first)
			continue;
		for (j = 1; j < nlen && fold(h[i + j]) == fold(n[j]); j++)
			;
		if (j == nlen)
			return (long)i;
	}
	return -1;
}
