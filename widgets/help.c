/* The help overlay: a scrolling table of key bindings. A description too
 * long for the window wraps at spaces onto rows of its own, under the
 * description column, so nothing is cut at 80 columns. */
#include "widgets/help.h"

#include "widgets/text.h"
#include "widgets/theme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct help_line {
	char *keys; /* NULL for a section heading */
	char *text;
};

/* One row on screen: a piece of a line's text. */
struct help_row {
	size_t line;
	size_t off, len; /* bytes of the line's text */
	bool first;      /* the row showing the line's keys */
};

struct help {
	struct widget base;
	char *title;
	struct help_line *lines;
	size_t n, top;
	int key_width;
	struct help_row *rows; /* the lines wrapped at wrap_cols */
	size_t nrows;
	int wrap_cols;         /* 0: not wrapped yet */
};

static void help_draw_cb(struct widget *w);
static enum wkey_result help_key_cb(struct widget *w, wkey k);
static void help_destroy(struct widget *w);

static const struct widget_class help_class = {
	.name = "help",
	.draw = help_draw_cb,
	.key = help_key_cb,
	.destroy = help_destroy,
};

/* strdup that never fails; NULL stays NULL. */
static char *dup_or_null(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	if (!(d = strdup(s)))
		abort();
	return d;
}

/* Makes an empty help overlay. */
struct help *help_new(const char *title)
{
	struct help *h = calloc(1, sizeof(*h));

	if (!h)
		abort();
	widget_init(&h->base, &help_class);
	h->title = dup_or_null(title ? title : "Help");
	return h;
}

/* Appends a line. */
static void add_line(struct help *h, const char *keys, const char *text)
{
	int w;

	h->lines = realloc(h->lines, (h->n + 1) * sizeof(*h->lines));
	if (!h->lines)
		abort();
	h->lines[h->n].keys = dup_or_null(keys);
	h->lines[h->n].text = dup_or_null(text ? text : "");
	h->n++;
	if (keys && (w = text_width(keys)) > h->key_width)
		h->key_width = w;
	h->wrap_cols = 0;
	h->base.dirty = true;
}

/* The keys column's width inside a box of cols columns. */
static int keys_width(const struct help *h, int cols)
{
	int inner = cols - 4;

	return h->key_width > inner / 2 ? inner / 2 : h->key_width;
}

static void add_row(struct help *h, size_t line, size_t off, size_t len, bool first)
{
	h->rows = realloc(h->rows, (h->nrows + 1) * sizeof(*h->rows));
	if (!h->rows)
		abort();
	h->rows[h->nrows++] = (struct help_row){line, off, len, first};
}

/* Splits every line into rows that fit a box of cols columns: at the last
 * space that fits, or mid-word when a word alone is too long. */
static void wrap(struct help *h, int cols)
{
	int inner = cols - 4, kw = keys_width(h, cols);

	if (h->wrap_cols == cols)
		return;
	h->nrows = 0;
	for (size_t i = 0; i < h->n; i++) {
		const char *t = h->lines[i].text;
		size_t len = strlen(t), off = 0;
		int avail = h->lines[i].keys ? inner - kw - 2 : inner;
		bool first = true;

		if (avail < 1)
			avail = 1;
		do {
			int used;
			size_t fit = text_fit(t + off, len - off, avail, &used), cut = fit;

			if (off + fit < len) {
				while (cut > 0 && t[off + cut] != ' ')
					cut--;
				if (cut == 0)
					cut = fit ? fit : 1;
			}
			add_row(h, i, off, cut, first);
			first = false;
			off += cut;
			while (off < len && t[off] == ' ')
				off++;
		} while (off < len);
	}
	h->wrap_cols = cols;
}

/* Starts a section ("Containers", "Logs"). */
void help_add_section(struct help *h, const char *name)
{
	/* A blank line before every heading but the first. */
	if (h->n > 0)
		add_line(h, NULL, "");
	add_line(h, NULL, name);
}

/* Adds a binding: keys as shown ("s, F9") and what they do. */
void help_add(struct help *h, const char *keys, const char *what)
{
	add_line(h, keys ? keys : "", what);
}

/* The size the overlay wants, box included. */
void help_size(struct help *h, int max_rows, int max_cols, int *rows, int *cols)
{
	int w = text_width(h->title) + 6, lw;
	size_t i;

	for (i = 0; i < h->n; i++) {
		lw = h->lines[i].keys ? 2 + h->key_width + 2 + text_width(h->lines[i].text) + 2
				      : 2 + text_width(h->lines[i].text) + 2;
		if (lw > w)
			w = lw;
	}
	*cols = w > max_cols ? max_cols : w;
	wrap(h, *cols);
	*rows = (int)h->nrows + 2;
	if (*rows > max_rows)
		*rows = max_rows;
}

/* The first line in the window. */
size_t help_top(const struct help *h)
{
	return h->top;
}

/* Lines that fit inside the box. */
static size_t body_rows(const struct help *h)
{
	return h->base.rows > 2 ? (size_t)h->base.rows - 2 : 0;
}

/* Scrolls by delta lines, clamped. */
static void scroll_by(struct help *h, long delta)
{
	long last;

	if (h->base.cols > 4)
		wrap(h, h->base.cols);
	last = h->nrows > body_rows(h) ? (long)(h->nrows - body_rows(h)) : 0;
	long to = (long)h->top + delta;

	h->top = (size_t)(to < 0 ? 0 : to > last ? last : to);
	h->base.dirty = true;
}

/* Scrolls, or closes on Esc, q, ?, F1 and Enter. */
enum wkey_result help_key(struct help *h, wkey k)
{
	long page = body_rows(h) > 1 ? (long)body_rows(h) - 1 : 1;

	switch (k) {
	case WKEY_FN(KEY_UP):
		scroll_by(h, -1);
		break;
	case WKEY_FN(KEY_DOWN):
		scroll_by(h, 1);
		break;
	case WKEY_FN(KEY_PPAGE):
		scroll_by(h, -page);
		break;
	case WKEY_FN(KEY_NPAGE):
	case ' ':
		scroll_by(h, page);
		break;
	case WKEY_FN(KEY_HOME):
		scroll_by(h, -(long)h->nrows);
		break;
	case WKEY_FN(KEY_END):
		scroll_by(h, (long)h->nrows);
		break;
	case WKEY_ESC:
	case 'q':
	case '?':
	case WKEY_FN(KEY_F(1)):
		return WKEY_CANCEL;
	default:
		return wkey_is_enter(k) ? WKEY_CANCEL : WKEY_IGNORED;
	}
	return WKEY_HANDLED;
}

/* Draws the box and the rows that fit. */
static void help_draw_cb(struct widget *w)
{
	struct help *h = (struct help *)w;
	size_t rows = body_rows(h), i;
	int y = 1, kw = keys_width(h, w->cols), inner = w->cols - 4;
	char note[64];

	widget_erase(w, THEME_DIALOG);
	widget_frame(w, h->title);
	scroll_by(h, 0);
	for (i = h->top; i < h->nrows && i < h->top + rows; i++, y++) {
		const struct help_row *r = &h->rows[i];
		const struct help_line *l = &h->lines[r->line];

		if (!l->keys) {
			text_draw_n(w->win, y, 2, inner, l->text + r->off, r->len,
				    theme_attr(THEME_TITLE), TEXT_LEFT);
			continue;
		}
		if (r->first)
			text_draw(w->win, y, 2, kw, l->keys, theme_attr(THEME_KEY), TEXT_LEFT);
		text_draw_n(w->win, y, 2 + kw + 2, inner - kw - 2, l->text + r->off, r->len,
			    theme_attr(THEME_DIALOG), TEXT_LEFT);
	}
	if (h->nrows > rows && w->cols > 24) {
		snprintf(note, sizeof(note), " %zu-%zu of %zu ", h->top + 1, h->top + rows, h->nrows);
		text_draw(w->win, w->rows - 1, w->cols - 2 - text_width(note), text_width(note),
			  note, theme_attr(THEME_BORDER), TEXT_LEFT);
	}
}

/* Redraws if needed and queues the window (widget_draw). */
void help_draw(struct help *h)
{
	widget_draw(&h->base);
}

/* The class's key entry. */
static enum wkey_result help_key_cb(struct widget *w, wkey k)
{
	return help_key((struct help *)w, k);
}

/* Frees the lines and the overlay. */
static void help_destroy(struct widget *w)
{
	struct help *h = (struct help *)w;
	size_t i;

	for (i = 0; i < h->n; i++) {
		free(h->lines[i].keys);
		free(h->lines[i].text);
	}
	free(h->lines);
	free(h->rows);
	free(h->title);
	free(h);
}

/* Frees the overlay and its window. */
void help_free(struct help *h)
{
	widget_free(h ? &h->base : NULL);
}
