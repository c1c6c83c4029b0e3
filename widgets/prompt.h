/* A one-row input line with a label: the ":" command line and the "/"
 * search and filter. Up/Down walk the history (the line being typed comes
 * back after the newest entry); Tab completes the word before the cursor
 * through a callback: one candidate is taken whole, several first give
 * their common prefix, then Tab and Shift-Tab cycle through them. Enter
 * submits (and records the line in the history), Esc cancels; every edit
 * answers WKEY_CHANGED, so a filter can follow the typing. */
#ifndef BERTH_WIDGETS_PROMPT_H
#define BERTH_WIDGETS_PROMPT_H

#include "widgets/widget.h"

#include <stddef.h>

/* Fills out with up to max candidates for word, which starts at byte
 * word_start of line; returns how many there are. The strings need to
 * live only until the callback returns to the prompt. */
typedef size_t (*prompt_complete_fn)(void *ctx, const char *line, size_t word_start,
				     const char *word, const char **out, size_t max);

struct prompt;

struct prompt *prompt_new(const char *label);

void prompt_set_label(struct prompt *p, const char *label);

/* Replaces the text; the cursor goes to its end. */
void prompt_set_text(struct prompt *p, const char *text);
const char *prompt_text(const struct prompt *p);

/* Adds a line to the history (empty lines and repeats of the newest are
 * skipped; the oldest go past the limit, 100 unless set). */
void prompt_history_add(struct prompt *p, const char *line);
void prompt_set_history_limit(struct prompt *p, size_t limit);
size_t prompt_history_count(const struct prompt *p);

/* History entry i, 0 being the oldest (for saving it). */
const char *prompt_history_get(const struct prompt *p, size_t i);

void prompt_set_completion(struct prompt *p, prompt_complete_fn fn, void *ctx);

/* The candidates of the last Tab that found several (for a popup). */
size_t prompt_candidates(const struct prompt *p, const char *const **list);

enum wkey_result prompt_key(struct prompt *p, wkey k);

/* Redraws if needed and queues the window (widget_draw); the cursor is
 * left where typing goes. */
void prompt_draw(struct prompt *p);

void prompt_free(struct prompt *p);

#endif
