/* Gauges: a value against a limit as a bar. */
#include "widgets/gauge.h"

#include "widgets/term.h"
#include "widgets/text.h"
#include "widgets/theme.h"

#include <stdlib.h>
#include <string.h>

struct gauge {
	struct widget base;
	char *label, *text;
	double value, max, warn, crit;
};

static void gauge_draw_cb(struct widget *w);
static void gauge_destroy(struct widget *w);

static const struct widget_class gauge_class = {
	.name = "gauge",
	.draw = gauge_draw_cb,
	.destroy = gauge_destroy,
};

/* strdup of a possibly NULL string, never failing. */
static char *dup_or_empty(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		abort();
	return d;
}

/* Makes a gauge with a label. */
struct gauge *gauge_new(const char *label)
{
	struct gauge *g = calloc(1, sizeof(*g));

	if (!g)
		abort();
	widget_init(&g->base, &gauge_class);
	g->label = dup_or_empty(label);
	g->text = dup_or_empty(NULL);
	g->warn = 0.8;
	g->crit = 0.95;
	return g;
}

/* Sets the value, the limit (<= 0: no bar) and the text in the bar. */
void gauge_set(struct gauge *g, double value, double max, const char *text)
{
	free(g->text);
	g->text = dup_or_empty(text);
	g->value = value;
	g->max = max;
	g->base.dirty = true;
}

/* Sets where the bar turns to the warning and critical colours. */
void gauge_set_thresholds(struct gauge *g, double warn, double crit)
{
	g->warn = warn;
	g->crit = crit;
	g->base.dirty = true;
}

/* The filled fraction, 0 to 1. */
static double fraction(const struct gauge *g)
{
	double f = g->max > 0 ? g->value / g->max : 0.0;

	return f > 1.0 ? 1.0 : f > 0.0 ? f : 0.0;
}

/* How many eighths of a cell the bar fills. */
int gauge_eighths(const struct gauge *g, int cells)
{
	int e = (int)(fraction(g) * cells * 8 + 1e-9);

	/* Without UTF-8 there are no partial cells. */
	return term_utf8() ? e : e / 8 * 8;
}

/* Draws label, brackets, bar and text. */
static void gauge_draw_cb(struct widget *w)
{
	struct gauge *g = (struct gauge *)w;
	const struct term_glyphs *gl = term_glyphs();
	double f = fraction(g);
	int role = f >= g->crit ? THEME_GAUGE_CRIT : f >= g->warn ? THEME_GAUGE_WARN
								   : THEME_GAUGE_FILL;
	attr_t fill = theme_attr(role), empty = theme_attr(THEME_GAUGE_EMPTY);
	attr_t dim = theme_attr(THEME_DIM);
	int lw = text_width(g->label), inner, e, x, tw, tx;
	size_t fit;

	widget_erase(w, THEME_DEFAULT);
	if (lw > w->cols / 2)
		lw = w->cols / 2;
	inner = w->cols - lw - 2;
	wmove(w->win, 0, 0);
	text_add(w->win, lw, g->label, theme_attr(THEME_DEFAULT));
	if (inner < 1)
		return;
	text_put(w->win, L'[', dim);
	e = gauge_eighths(g, inner);
	for (x = 0; x < inner; x++, e -= 8) {
		if (e >= 8)
			text_put(w->win, gl->bar_full, fill);
		else if (e > 0)
			text_put(w->win, gl->bar_part[e], fill);
		else
			text_put(w->win, L' ', empty);
	}
	text_put(w->win, L']', dim);
	/* The text at the right end of the bar: over the filled part it is
	 * drawn reversed, so it reads as a hole in the bar. */
	fit = text_fit(g->text, strlen(g->text), inner, &tw);
	e = gauge_eighths(g, inner);
	for (x = 0, tx = lw + 1 + inner - tw; x < (int)fit;) {
		wchar_t c, shown;
		int cells, cell = tx - lw - 1;

		x += (int)text_decode(g->text + x, fit - (size_t)x, &c);
		if ((cells = text_cell(c, &shown)) == 0)
			continue;
		wmove(w->win, 0, tx);
		text_put(w->win, shown,
			 cell * 8 < e ? fill | A_REVERSE : theme_attr(THEME_DEFAULT));
		tx += cells;
	}
}

/* Redraws if needed and queues the window (widget_draw). */
void gauge_draw(struct gauge *g)
{
	widget_draw(&g->base);
}

/* Frees the texts and the gauge. */
static void gauge_destroy(struct widget *w)
{
	struct gauge *g = (struct gauge *)w;

	free(g->label);
	free(g->text);
	free(g);
}

/* Frees the gauge and its window. */
void gauge_free(struct gauge *g)
{
	widget_free(g ? &g->base : NULL);
}
