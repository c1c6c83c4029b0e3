/* A JSON document as a scrollable tree that folds (the inspect view). Each
 * row is one member: "key": value, with objects and arrays opening on one
 * row and closing on another; a folded one shows {…} and how many members
 * it holds. Keys: Up/Down, Page Up/Down, Home/End move; Enter or space
 * folds and unfolds; Left folds or goes to the parent; Right unfolds or
 * goes to the first member. */
#ifndef BERTH_WIDGETS_JSONVIEW_H
#define BERTH_WIDGETS_JSONVIEW_H

#include "widgets/widget.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct jsonview;

struct jsonview *jsonview_new(void);

/* Shows a document (copied into rows; the caller keeps doc). Everything
 * starts unfolded and the first row selected. */
void jsonview_set(struct jsonview *jv, const json_t *doc);

/* Folds (or unfolds) every object and array deeper than depth (the root
 * is depth 0); jsonview_fold_depth(jv, 1) shows the top-level members. */
void jsonview_fold_depth(struct jsonview *jv, int depth);

/* Unfolds everything. */
void jsonview_unfold_all(struct jsonview *jv);

/* Folds or unfolds the object or array on the selected row; false when the
 * row holds neither. */
bool jsonview_toggle(struct jsonview *jv);

/* Rows shown, the selected one, and the first in the window. */
size_t jsonview_rows(const struct jsonview *jv);
size_t jsonview_selected(const struct jsonview *jv);
size_t jsonview_top(const struct jsonview *jv);

/* Moves the selection by delta rows (clamped). */
void jsonview_move(struct jsonview *jv, long delta);

/* The selected member's path, jq style: .State.Pid, .Args[1], ."a b". */
void jsonview_path(const struct jsonview *jv, char *buf, size_t size);

enum wkey_result jsonview_key(struct jsonview *jv, wkey k);

/* Redraws if needed and queues the window (widget_draw). */
void jsonview_draw(struct jsonview *jv);

void jsonview_free(struct jsonview *jv);

#endif
