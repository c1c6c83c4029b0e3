/* The bounded store behind a log view: a ring of lines with a cap on lines
 * and on bytes. Appending is O(1) amortized; when a cap is reached the
 * oldest lines go, and every one that goes is counted. Lines are numbered
 * by a sequence number that never repeats (the first line appended is 0).
 *
 * A filter keeps the sequence numbers of the lines that match a pattern,
 * plus `context` lines around each match, updated as lines arrive. */
#ifndef BERTH_WIDGETS_LOGBUF_H
#define BERTH_WIDGETS_LOGBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where a line came from; a NULL meta means source -1, no time, stdout. */
struct log_meta {
	int source;      /* index of a name prefix, -1 for none */
	int64_t time_ns; /* wall clock of the line, 0 when unknown */
	bool err;        /* written to stderr */
};

struct log_line {
	char *text; /* UTF-8 without escape sequences; tabs expanded; NUL-terminated */
	uint32_t len;
	int16_t source;
	bool err;
	int64_t time_ns;
};

struct logbuf {
	struct log_line *ring;
	size_t cap;       /* lines */
	size_t max_bytes; /* text bytes */
	uint64_t first;   /* sequence number of the oldest line held */
	uint64_t next;    /* sequence number the next line gets */
	size_t bytes;     /* text bytes held */
	uint64_t dropped; /* lines evicted by the caps */
	/* The filter: sorted sequence numbers of the lines it keeps. */
	char *filter;
	size_t filter_len;
	bool filter_icase;
	int context;
	uint64_t *kept;
	size_t kept_head, kept_count, kept_cap;
	int after;        /* context lines still to keep after the last match */
	uint64_t kept_to; /* every line before this was considered */
};

/* Sets up a buffer for at most max_lines lines and max_bytes text bytes. */
void logbuf_init(struct logbuf *b, size_t max_lines, size_t max_bytes);

void logbuf_free(struct logbuf *b);

/* Drops every line (not counted as dropped) and keeps the filter. */
void logbuf_clear(struct logbuf *b);

/* Appends one line (no newline in it); returns its sequence number. */
uint64_t logbuf_append(struct logbuf *b, const char *text, size_t len, const struct log_meta *m);

/* The line with this sequence number, or NULL when it is not held. */
const struct log_line *logbuf_line(const struct logbuf *b, uint64_t seq);

/* Keeps only lines containing pattern (ignoring case unless it has a
 * capital letter) and `context` lines before and after each; NULL or ""
 * keeps every line. */
void logbuf_set_filter(struct logbuf *b, const char *pattern, int context);

/* True when the line contains the filter pattern. */
bool logbuf_line_matches_filter(const struct logbuf *b, const struct log_line *l);

/* The lines a view shows: all held lines, or those the filter keeps. */
size_t logbuf_view_count(const struct logbuf *b);

/* The sequence number of view line i (i < logbuf_view_count). */
uint64_t logbuf_view_seq(const struct logbuf *b, size_t i);

/* The view index of the first view line with a sequence number >= seq. */
size_t logbuf_view_index(const struct logbuf *b, uint64_t seq);

/* Bytes of the lines' text: what the byte cap limits. */
size_t logbuf_text_bytes(const struct logbuf *b);

/* Bytes the buffer holds: the ring, the text and the filter's list. */
size_t logbuf_memory(const struct logbuf *b);

/* Smart case: true when a pattern has no capital letter. */
bool logbuf_pattern_icase(const char *pattern);

#endif
