/* The help overlay: the key bindings in sections, keys in one column and
 * what they do in the next. Up/Down and Page Up/Down scroll; Esc, q, ?,
 * F1 and Enter close it (WKEY_CANCEL). */
#ifndef BERTH_WIDGETS_HELP_H
#define BERTH_WIDGETS_HELP_H

#include "widgets/widget.h"

#include <stddef.h>

struct help;

struct help *help_new(const char *title);

/* Starts a section ("Containers", "Logs"). */
void help_add_section(struct help *h, const char *name);

/* Adds a binding: keys as shown ("s, F9") and what they do. */
void help_add(struct help *h, const char *keys, const char *what);

/* The size the overlay wants within max_rows x max_cols, box included
 * (descriptions wrapped to fit the width). */
void help_size(struct help *h, int max_rows, int max_cols, int *rows, int *cols);

/* The first row in the window (rows: lines after wrapping). */
size_t help_top(const struct help *h);

enum wkey_result help_key(struct help *h, wkey k);

/* Redraws if needed and queues the window (widget_draw). */
void help_draw(struct help *h);

void help_free(struct help *h);

#endif
