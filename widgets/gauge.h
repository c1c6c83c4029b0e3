/* A gauge: a one-row bar of a value against a limit (memory against the
 * container's limit), htop style: "Mem[█████▌      12.3MiB/512MiB]". The
 * bar fills in eighths of a cell with UTF-8 (whole '|' cells without),
 * turns to the warning and critical colours past two thresholds, and the
 * text sits at the bar's right end. */
#ifndef BERTH_WIDGETS_GAUGE_H
#define BERTH_WIDGETS_GAUGE_H

#include "widgets/widget.h"

struct gauge;

/* A gauge with a label before the bar ("Mem", "CPU"; may be NULL). */
struct gauge *gauge_new(const char *label);

/* Sets the value, the limit (<= 0: no bar) and the text in the bar. */
void gauge_set(struct gauge *g, double value, double max, const char *text);

/* Fractions of the limit where the bar turns to the warning and critical
 * colours (default 0.8 and 0.95). */
void gauge_set_thresholds(struct gauge *g, double warn, double crit);

/* The eighths of a cell the bar fills in a bar of `cells` cells. */
int gauge_eighths(const struct gauge *g, int cells);

/* Redraws if needed and queues the window (widget_draw). */
void gauge_draw(struct gauge *g);

void gauge_free(struct gauge *g);

#endif
