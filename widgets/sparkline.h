/* A sparkline: the recent history of one number (CPU %, memory) drawn
 * with block characters ▁▂▃▄▅▆▇█, or " .:-=+*#" without UTF-8. The newest
 * sample is at the right edge; a window more than one row tall stacks
 * full blocks under the partial one, for eight levels a row. */
#ifndef BERTH_WIDGETS_SPARKLINE_H
#define BERTH_WIDGETS_SPARKLINE_H

#include "widgets/widget.h"

#include <stddef.h>

struct sparkline;

/* A sparkline keeping the last `capacity` samples, drawn in a theme role
 * (THEME_SPARK_CPU, THEME_SPARK_MEM...). */
struct sparkline *sparkline_new(size_t capacity, int role);

/* Adds a sample (NaN leaves a gap). */
void sparkline_push(struct sparkline *s, double value);

/* Fixes the scale (0-100 for CPU %); max <= min scales to the largest
 * sample in the window. */
void sparkline_set_range(struct sparkline *s, double min, double max);

/* Samples held, and the newest (NaN when none). */
size_t sparkline_count(const struct sparkline *s);
double sparkline_last(const struct sparkline *s);

/* Forgets every sample. */
void sparkline_clear(struct sparkline *s);

/* The eighths of the window's height a sample fills: 1 to 8 x rows
 * (the lowest level still shows), 0 for a gap. */
int sparkline_level(const struct sparkline *s, double value, double max, int rows);

/* Redraws if needed and queues the window (widget_draw). */
void sparkline_draw(struct sparkline *s);

void sparkline_free(struct sparkline *s);

#endif
