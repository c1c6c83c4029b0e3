/* A one-row bar with text at the left and at the right: the header with
 * the host's totals, and the status line at the bottom. A message (an
 * error, a confirmation) takes the left part until it is cleared; when the
 * row is too narrow the left text is cut first. */
#ifndef BERTH_WIDGETS_STATUSBAR_H
#define BERTH_WIDGETS_STATUSBAR_H

#include "widgets/widget.h"

struct statusbar;

/* A bar drawn in a theme role (THEME_HEADER, THEME_STATUS). */
struct statusbar *statusbar_new(int role);

/* Sets the left and right texts (NULL: empty). */
void statusbar_set(struct statusbar *s, const char *left, const char *right);

/* Shows a message in a role (THEME_STATUS_ERROR...) in place of the left
 * text; NULL clears it. */
void statusbar_message(struct statusbar *s, int role, const char *text);

/* Redraws if needed and queues the window (widget_draw). */
void statusbar_draw(struct statusbar *s);

void statusbar_free(struct statusbar *s);

#endif
