/* Go's text/tabwriter algorithm (space padding, no flags): lines are split into
 * tab-terminated cells; a column block is a run of consecutive lines that all
 * have a cell in that column, and is laid out as wide as its widest cell. */
#include "cli/tabwriter.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"
#include "engine/core/strbuf.h"
#include "engine/core/utf8.h"

struct tw_cell {
	size_t size;  /* bytes of text */
	size_t width; /* terminal columns of text */
};

struct tw_line {
	struct tw_cell *cells;
	size_t ncells;
	size_t cap;
};

struct tabwriter {
	int minwidth;
	int padding;
	struct strbuf text; /* cell contents, tabs and newlines removed */
	struct tw_line *lines;
	size_t nlines;
	size_t cap;
	struct tw_cell cell; /* the cell being filled */
	size_t *widths;      /* widths of the enclosing column blocks */
	size_t nwidths;
	struct strbuf out;
};

struct range {
	unsigned lo, hi;
};

/* Characters that take no column: combining marks, zero-width spaces and
 * joiners, variation selectors. */
static const struct range zero_width[] = {
	{0x0300, 0x036f}, {0x0483, 0x0489}, {0x0591, 0x05bd}, {0x0610, 0x061a},
	{0x064b, 0x065f}, {0x0e31, 0x0e31}, {0x0e34, 0x0e3a}, {0x0e47, 0x0e4e},
	{0x1ab0, 0x1aff}, {0x1dc0, 0x1dff}, {0x200b, 0x200f}, {0x2028, 0x202e},
	{0x2060, 0x2064}, {0x20d0, 0x20ff}, {0x302a, 0x302d}, {0x3099, 0x309a},
	{0xfe00, 0xfe0f}, {0xfe20, 0xfe2f}, {0xfeff, 0xfeff}, {0xe0100, 0xe01ef},
};

/* East Asian wide and fullwidth characters and emoji: two columns. */
static const struct range double_width[] = {
	{0x1100, 0x115f}, {0x231a, 0x231b}, {0x2329, 0x232a}, {0x23e9, 0x23ec},
	{0x23f0, 0x23f0}, {0x23f3, 0x23f3}, {0x25fd, 0x25fe}, {0x2614, 0x2615},
	{0x2648, 0x2653}, {0x267f, 0x267f}, {0x2693, 0x2693}, {0x26a1, 0x26a1},
	{0x26aa, 0x26ab}, {0x26bd, 0x26be}, {0x26c4, 0x26c5}, {0x26ce, 0x26ce},
	{0x26d4, 0x26d4}, {0x26ea, 0x26ea}, {0x26f2, 0x26f3}, {0x26f5, 0x26f5},
	{0x26fa, 0x26fa}, {0x26fd, 0x26fd}, {0x2705, 0x2705}, {0x270a, 0x270b},
	{0x2728, 0x2728}, {0x274c, 0x274c}, {0x274e, 0x274e}, {0x2753, 0x2755},
	{0x2757, 0x2757}, {0x2795, 0x2797}, {0x27b0, 0x27b0}, {0x27bf, 0x27bf},
	{0x2b1b, 0x2b1c}, {0x2b50, 0x2b50}, {0x2b55, 0x2b55}, {0x2e80, 0x3029},
	{0x302e, 0x303e}, {0x3041, 0x3098}, {0x309b, 0x33ff}, {0x3400, 0x4dbf},
	{0x4e00, 0x9fff}, {0xa000, 0xa4cf}, {0xa960, 0xa97f}, {0xac00, 0xd7a3},
	{0xf900, 0xfaff}, {0xfe10, 0xfe19}, {0xfe30, 0xfe6f}, {0xff00, 0xff60},
	{0xffe0, 0xffe6}, {0x16fe0, 0x16fe4}, {0x17000, 0x18aff}, {0x1b000, 0x1b2ff},
	{0x1f004, 0x1f004}, {0x1f0cf, 0x1f0cf}, {0x1f18e, 0x1f18e}, {0x1f191, 0x1f19a},
	{0x1f200, 0x1f202}, {0x1f210, 0x1f23b}, {0x1f240, 0x1f248}, {0x1f250, 0x1f251},
	{0x1f260, 0x1f265}, {0x1f300, 0x1f64f}, {0x1f680, 0x1f6ff}, {0x1f900, 0x1f9ff},
	{0x1fa70, 0x1faff}, {0x20000, 0x2fffd}, {0x30000, 0x3fffd},
};

/* Whether r falls in one of the sorted ranges. */
static bool in_ranges(unsigned r, const struct range *t, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r < t[mid].lo)
			hi = mid;
		else if (r > t[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* Columns a character takes on a terminal, as Docker's table writer counts them. */
static size_t char_width(unsigned r)
{
	if (r < 0x20 || (r >= 0x7f && r < 0xa0))
		return 0;
	if (r < 0x300)
		return 1;
	if (in_ranges(r, zero_width, sizeof(zero_width) / sizeof(zero_width[0])))
		return 0;
	if (in_ranges(r, double_width, sizeof(double_width) / sizeof(double_width[0])))
		return 2;
	return 1;
}

/* Display width of UTF-8 text; a byte that starts no valid character counts as one. */
static size_t text_width(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t w = 0, i = 0;

	while (i < n) {
		uint32_t r;
		size_t len = utf8_decode(s + i, n - i, &r);

		if (len == 0) {
			r = 0xfffd;
			len = 1;
		}
		w += char_width(r);
		i += len;
	}
	return w;
}

/* Starts a new, empty line. */
static void add_line(struct tabwriter *tw)
{
	if (tw->nlines == tw->cap) {
		tw->cap = tw->cap ? tw->cap * 2 : 16;
		tw->lines = xrealloc(tw->lines, tw->cap * sizeof(*tw->lines));
	}
	memset(&tw->lines[tw->nlines], 0, sizeof(tw->lines[0]));
	tw->nlines++;
}

/* Forgets all buffered lines and starts one empty line. */
static void reset(struct tabwriter *tw)
{
	for (size_t i = 0; i < tw->nlines; i++)
		free(tw->lines[i].cells);
	tw->nlines = 0;
	tw->text.len = 0;
	memset(&tw->cell, 0, sizeof(tw->cell));
	add_line(tw);
}

/* A writer with the given minimum column width and padding. */
struct tabwriter *tabwriter_new(int minwidth, int padding)
{
	struct tabwriter *tw = xmalloc(sizeof(*tw));

	memset(tw, 0, sizeof(*tw));
	tw->minwidth = minwidth < 0 ? 0 : minwidth;
	tw->padding = padding < 0 ? 0 : padding;
	reset(tw);
	return tw;
}

/* Ends the current cell; returns how many cells its line now has. */
static size_t terminate_cell(struct tabwriter *tw)
{
	struct tw_line *line = &tw->lines[tw->nlines - 1];

	if (line->ncells == line->cap) {
		line->cap = line->cap ? line->cap * 2 : 8;
		line->cells = xrealloc(line->cells, line->cap * sizeof(*line->cells));
	}
	line->cells[line->ncells++] = tw->cell;
	memset(&tw->cell, 0, sizeof(tw->cell));
	return line->ncells;
}

static void format_pending(struct tabwriter *tw);

/* Splits text into cells and lines; a formfeed lays out what came before. */
void tabwriter_write(struct tabwriter *tw, const char *text)
{
	size_t start = 0, i;

	for (i = 0; text[i]; i++) {
		char c = text[i];

		if (c != '\t' && c != '\v' && c != '\n' && c != '\f')
			continue;
		strbuf_addn(&tw->text, text + start, i - start);
		tw->cell.size += i - start;
		tw->cell.width += text_width(text + start, i - start);
		start = i + 1;
		terminate_cell(tw);
		if (c == '\n' || c == '\f')
			add_line(tw);
		/* A formfeed ends every column block: what came before is laid out now. */
		if (c == '\f')
			format_pending(tw);
	}
	strbuf_addn(&tw->text, text + start, i - start);
	tw->cell.size += i - start;
	tw->cell.width += text_width(text + start, i - start);
}

/* Writes lines [line0, line1) with the column widths known so far. */
static size_t write_lines(struct tabwriter *tw, size_t pos, size_t line0, size_t line1)
{
	for (size_t i = line0; i < line1; i++) {
		struct tw_line *line = &tw->lines[i];

		for (size_t j = 0; j < line->ncells; j++) {
			struct tw_cell *c = &line->cells[j];

			strbuf_addn(&tw->out, tw->text.s + pos, c->size);
			pos += c->size;
			if (j < tw->nwidths && tw->widths[j] > c->width)
				strbuf_pad(&tw->out, ' ', tw->widths[j] - c->width);
		}
		/* The last line has no newline: it is whatever followed the last one. */
		if (i + 1 < tw->nlines)
			strbuf_addn(&tw->out, "\n", 1);
	}
	return pos;
}

/* One column block being laid out: lines [line0, line1), scanned up to next. */
struct tw_block {
	size_t line0, next, line1;
};

/* Lays out column blocks as Go's recursive format does: for the column after
 * the known widths, each run of lines with a cell there gets one width, then
 * the columns to its right are laid out inside that run. The blocks wait on a
 * heap stack rather than the C one: a line may have a million cells. */
static size_t format(struct tabwriter *tw, size_t pos, size_t line0, size_t line1)
{
	size_t depth = 1, cap = 16, base = tw->nwidths;
	struct tw_block *stack = xmalloc(cap * sizeof(*stack));

	tw->widths = xrealloc(tw->widths, (base + cap) * sizeof(*tw->widths));
	stack[0] = (struct tw_block){line0, line0, line1};
	while (depth > 0) {
		struct tw_block *b = &stack[depth - 1];
		size_t column = base + depth - 1, end, width = (size_t)tw->minwidth;

		while (b->next < b->line1 && column + 1 >= tw->lines[b->next].ncells)
			b->next++;
		if (b->next == b->line1) {
			pos = write_lines(tw, pos, b->line0, b->line1);
			if (--depth > 0) {
				tw->nwidths--;
				stack[depth - 1].line0 = stack[depth - 1].next = b->line1;
			}
			continue;
		}
		pos = write_lines(tw, pos, b->line0, b->next);
		b->line0 = b->next;
		for (end = b->next; end < b->line1 && column + 1 < tw->lines[end].ncells; end++) {
			size_t w = tw->lines[end].cells[column].width + (size_t)tw->padding;

			if (w > width)
				width = w;
		}
		if (depth == cap) {
			cap *= 2;
			stack = xrealloc(stack, cap * sizeof(*stack));
			tw->widths = xrealloc(tw->widths, (base + cap) * sizeof(*tw->widths));
			b = &stack[depth - 1];
		}
		tw->widths[tw->nwidths++] = width;
		stack[depth++] = (struct tw_block){b->line0, b->line0, end};
	}
	free(stack);
	return pos;
}

/* Lays out all buffered lines into the output and starts a new buffer. */
static void format_pending(struct tabwriter *tw)
{
	if (tw->cell.size > 0)
		terminate_cell(tw);
	format(tw, 0, 0, tw->nlines);
	reset(tw);
}

/* Lays out everything buffered and hands over the output. */
char *tabwriter_flush(struct tabwriter *tw)
{
	char *s;

	format_pending(tw);
	s = strbuf_steal(&tw->out);
	return s;
}

/* Frees the writer. */
void tabwriter_free(struct tabwriter *tw)
{
	if (!tw)
		return;
	for (size_t i = 0; i < tw->nlines; i++)
		free(tw->lines[i].cells);
	free(tw->lines);
	strbuf_free(&tw->text);
	strbuf_free(&tw->out);
	free(tw->widths);
	free(tw);
}
