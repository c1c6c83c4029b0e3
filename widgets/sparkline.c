/* Sparklines: a ring of samples drawn as block characters. */
#include "widgets/sparkline.h"

#include "widgets/term.h"
#include "widgets/text.h"
#include "widgets/theme.h"

#include <math.h>
#include <stdlib.h>

struct sparkline {
	struct widget base;
	double *ring;
	size_t cap, count, next;
	double min, max;
	int role;
};

static void sparkline_draw_cb(struct widget *w);
static void sparkline_destroy(struct widget *w);

static const struct widget_class sparkline_class = {
	.name = "sparkline",
	.draw = sparkline_draw_cb,
	.destroy = sparkline_destroy,
};

/* Makes an empty sparkline with a history capacity and a colour. */
struct sparkline *sparkline_new(size_t capacity, int role)
{
	struct sparkline *s = calloc(1, sizeof(*s));

	if (!s)
		abort();
	widget_init(&s->base, &sparkline_class);
	s->cap = capacity ? capacity : 1;
	s->ring = calloc(s->cap, sizeof(*s->ring));
	if (!s->ring)
		abort();
	s->role = role;
	return s;
}

/* Adds a sample (NaN leaves a gap). */
void sparkline_push(struct sparkline *s, double value)
{
	s->ring[s->next] = value;
	s->next = (s->next + 1) % s->cap;
	if (s->count < s->cap)
		s->count++;
	s->base.dirty = true;
}

/* Fixes the scale; max <= min scales to the largest sample shown. */
void sparkline_set_range(struct sparkline *s, double min, double max)
{
	s->min = min;
	s->max = max;
	s->base.dirty = true;
}

/* Samples held. */
size_t sparkline_count(const struct sparkline *s)
{
	return s->count;
}

/* The sample `age` steps back from the newest (0 is the newest). */
static double sample(const struct sparkline *s, size_t age)
{
	return s->ring[(s->next + s->cap - 1 - age) % s->cap];
}

/* The newest sample (NaN when none). */
double sparkline_last(const struct sparkline *s)
{
	return s->count ? sample(s, 0) : NAN;
}

/* Forgets every sample. */
void sparkline_clear(struct sparkline *s)
{
	s->count = s->next = 0;
	s->base.dirty = true;
}

/* Eighths of the height a sample fills. */
int sparkline_level(const struct sparkline *s, double value, double max, int rows)
{
	double frac, x;
	int levels = 8 * rows, e;

	if (isnan(value))
		return 0;
	frac = max > s->min ? (value - s->min) / (max - s->min) : 0.0;
	if (!(frac > 0.0))
		return 1;
	if (frac > 1.0)
		frac = 1.0;
	/* A level k covers values up to k eighths: half of the scale is the
	 * half block exactly. */
	x = frac * levels;
	e = (int)x;
	if ((double)e < x - 1e-9)
		e++;
	return e < 1 ? 1 : e > levels ? levels : e;
}

/* Draws the samples, newest at the right edge. */
static void sparkline_draw_cb(struct widget *w)
{
	struct sparkline *s = (struct sparkline *)w;
	const struct term_glyphs *g = term_glyphs();
	attr_t attr = theme_attr(s->role);
	size_t shown = s->count < (size_t)w->cols ? s->count : (size_t)w->cols, age;
	double max = s->max, v;
	int x, row, e, fill;

	widget_erase(w, THEME_DEFAULT);
	if (max <= s->min) {
		max = s->min;
		for (age = 0; age < shown; age++)
			if (!isnan(v = sample(s, age)) && v > max)
				max = v;
	}
	for (age = 0; age < shown; age++) {
		x = w->cols - 1 - (int)age;
		e = sparkline_level(s, sample(s, age), max, w->rows);
		if (e == 0)
			continue;
		for (row = 0; row < w->rows; row++) {
			fill = e - 8 * (w->rows - 1 - row);
			if (fill <= 0)
				continue;
			wmove(w->win, row, x);
			text_put(w->win, g->spark[fill >= 8 ? 7 : fill - 1], attr);
		}
	}
}

/* Redraws if needed and queues the window (widget_draw). */
void sparkline_draw(struct sparkline *s)
{
	widget_draw(&s->base);
}

/* Frees the samples and the sparkline. */
static void sparkline_destroy(struct widget *w)
{
	struct sparkline *s = (struct sparkline *)w;

	free(s->ring);
	free(s);
}

/* Frees the sparkline and its window. */
void sparkline_free(struct sparkline *s)
{
	widget_free(s ? &s->base : NULL);
}
