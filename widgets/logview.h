/* A live log view: the logs pane, one container or several merged.
 *
 * Lines go into a bounded ring (see logbuf.h): capped in lines and bytes,
 * the oldest evicted and counted, never silently; when the view is scrolled
 * to the oldest line held, its first row says how many older lines were
 * dropped. Appending is O(1) amortized and drawing touches only the lines
 * in the window, so the view keeps up with tens of thousands of lines a
 * second.
 *
 * Follow keeps the newest line at the bottom; scrolling up turns it off,
 * End turns it back on. Wrap folds long lines (continuation rows are
 * indented under the text); without it they are cut with an ellipsis and
 * Left/Right scroll sideways. Timestamps and coloured name prefixes (for
 * merged logs) go before the text. Search highlights every occurrence and
 * n/N move between them; the filter keeps only matching lines, with
 * context lines (drawn dim) around each. */
#ifndef BERTH_WIDGETS_LOGVIEW_H
#define BERTH_WIDGETS_LOGVIEW_H

#include "widgets/logbuf.h"
#include "widgets/widget.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum logview_found {
	LOGVIEW_NOT_FOUND = 0,
	LOGVIEW_FOUND,
	LOGVIEW_WRAPPED /* found after going round the end (or the start) */
};

struct logview;

/* A view holding at most max_lines lines and max_bytes bytes of text. */
struct logview *logview_new(size_t max_lines, size_t max_bytes);

/* Adds a name prefix for merged logs and returns its source number; each
 * source gets the next of the theme's log.name colours. */
int logview_add_source(struct logview *lv, const char *name);

/* Appends text, one line per '\n' (a trailing newline ends the last line). */
void logview_append(struct logview *lv, const char *text, size_t len, const struct log_meta *m);

/* Drops every line (a cleared view, not counted as dropped). */
void logview_clear(struct logview *lv);

/* Lines held, lines shown (after the filter), lines evicted so far. */
size_t logview_lines(const struct logview *lv);
size_t logview_shown(const struct logview *lv);
uint64_t logview_dropped(const struct logview *lv);

/* Bytes of the held lines' text, against the view's byte cap. */
size_t logview_text_bytes(const struct logview *lv);

/* Bytes of memory the view holds for its lines. */
size_t logview_memory(const struct logview *lv);

/* The text of the line with sequence number seq (the n-th line ever
 * appended is n), or NULL when it is no longer held. */
const char *logview_line_text(const struct logview *lv, uint64_t seq);

void logview_set_follow(struct logview *lv, bool on);
void logview_set_wrap(struct logview *lv, bool on);
void logview_set_timestamps(struct logview *lv, bool on);
bool logview_following(const struct logview *lv);
bool logview_wrapping(const struct logview *lv);
bool logview_timestamps(const struct logview *lv);

/* Scrolls by rows (negative: up, which stops following). */
void logview_scroll(struct logview *lv, long rows);

/* Goes to the oldest line held. */
void logview_home(struct logview *lv);

/* Goes to the newest line and follows. */
void logview_end(struct logview *lv);

/* Scrolls sideways by cols when not wrapping. */
void logview_hscroll(struct logview *lv, int cols);

/* Highlights pattern (ignoring case unless it has a capital letter) and
 * goes to its first occurrence at or after the top of the window. NULL or
 * "" clears the search. */
enum logview_found logview_search(struct logview *lv, const char *pattern);

/* Goes to the next occurrence (n), or the previous one (N). */
enum logview_found logview_search_next(struct logview *lv, bool backward);

/* The current occurrence: its line's sequence number and byte offset. */
bool logview_match(const struct logview *lv, uint64_t *seq, size_t *offset);

/* Shows only lines containing pattern, with context lines before and
 * after each; NULL or "" shows every line. */
void logview_set_filter(struct logview *lv, const char *pattern, int context);

/* Up/Down, Page Up/Down, Home/End, Left/Right, and n/N while searching. */
enum wkey_result logview_key(struct logview *lv, wkey k);

/* Redraws if needed and queues the window (widget_draw). */
void logview_draw(struct logview *lv);

void logview_free(struct logview *lv);

#endif
