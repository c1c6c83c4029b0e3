/* A small form in a box: text fields, checkboxes and choices, then two
 * buttons (the run-container form). Tab and Down go to the next field,
 * Shift-Tab and Up to the previous, round the buttons; space ticks a
 * checkbox, Left/Right (or space) turn a choice; text fields edit like the
 * prompt. Enter submits from anywhere but the cancel button; Esc cancels. */
#ifndef BERTH_WIDGETS_FORM_H
#define BERTH_WIDGETS_FORM_H

#include "widgets/widget.h"

#include <stdbool.h>
#include <stddef.h>

struct form;

/* A form titled title with buttons labelled ok and cancel (NULL: "OK" and
 * "Cancel"). */
struct form *form_new(const char *title, const char *ok, const char *cancel);

/* Adds a field and returns its number (0, 1, ... in Tab order). */
int form_add_text(struct form *f, const char *label, const char *value, size_t max_bytes);
int form_add_check(struct form *f, const char *label, bool on);
int form_add_choice(struct form *f, const char *label, const char *const *choices, size_t n,
		    size_t selected);

/* Field values. */
const char *form_text(const struct form *f, int field);
bool form_checked(const struct form *f, int field);
size_t form_choice(const struct form *f, int field);

/* Sets a text field's value. */
void form_set_text(struct form *f, int field, const char *value);

/* The focused field: a field number, or form_fields(f) for the ok button
 * and form_fields(f) + 1 for cancel. */
int form_focus(const struct form *f);
void form_set_focus(struct form *f, int focus);
int form_fields(const struct form *f);

/* A message under the fields (a validation error) until the next edit. */
void form_set_error(struct form *f, const char *message);

/* The size the form wants, box included. */
void form_size(const struct form *f, int *rows, int *cols);

enum wkey_result form_key(struct form *f, wkey k);

/* Redraws if needed and queues the window (widget_draw). */
void form_draw(struct form *f);

void form_free(struct form *f);

#endif
