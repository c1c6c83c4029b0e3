/* A bounded ring of log lines, with an incrementally kept filter. */
#include "widgets/logbuf.h"

#include "widgets/text.h"

#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"

/* One line is cut at this size, whatever the byte cap. */
#define LINE_MAX_BYTES (64 * 1024)
#define TAB_STOP 8

/* Sets up an empty ring with its caps. */
void logbuf_init(struct logbuf *b, size_t max_lines, size_t max_bytes)
{
	memset(b, 0, sizeof(*b));
	b->cap = max_lines ? max_lines : 1;
	b->max_bytes = max_bytes ? max_bytes : 1;
	b->ring = calloc(b->cap, sizeof(*b->ring));
	if (!b->ring)
		abort();
}

/* Frees the oldest line. */
static void evict(struct logbuf *b)
{
	struct log_line *l = &b->ring[b->first % b->cap];

	b->bytes -= l->len;
	free(l->text);
	l->text = NULL;
	b->first++;
	while (b->kept_count > 0 && b->kept[b->kept_head] < b->first) {
		b->kept_head++;
		b->kept_count--;
	}
}

/* Drops every line (not counted as dropped) and keeps the filter. */
void logbuf_clear(struct logbuf *b)
{
	while (b->first < b->next)
		evict(b);
	b->kept_head = b->kept_count = 0;
	b->after = 0;
	b->kept_to = b->next;
}

/* Frees every line and the filter. */
void logbuf_free(struct logbuf *b)
{
	logbuf_clear(b);
	free(b->ring);
	free(b->kept);
	free(b->filter);
	memset(b, 0, sizeof(*b));
}

/* True when len bytes need cleaning: escapes, tabs, carriage returns. */
static bool needs_cleaning(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '\033' || s[i] == '\t' || s[i] == '\r')
			return true;
	return false;
}

/* Skips an escape sequence starting at s[i] == ESC; returns the index after
 * it. CSI (ESC [ ... final) and OSC (ESC ] ... BEL or ESC \) are known;
 * any other ESC takes one more byte with it. */
static size_t skip_escape(const char *s, size_t len, size_t i)
{
	i++;
	if (i >= len)
		return i;
	if (s[i] == '[') {
		for (i++; i < len; i++)
			if ((unsigned char)s[i] >= 0x40 && (unsigned char)s[i] <= 0x7e)
				return i + 1;
		return len;
	}
	if (s[i] == ']') {
		for (i++; i < len; i++) {
			if (s[i] == '\a')
				return i + 1;
			if (s[i] == '\033' && i + 1 < len && s[i + 1] == '\\')
				return i + 2;
		}
		return len;
	}
	return i + 1;
}

/* Copies a line for keeping: escape sequences (colours in container
 * output) removed, tabs expanded, carriage returns dropped. */
static char *clean_line(const char *s, size_t len, size_t *out_len)
{
	size_t i = 0, n = 0, col = 0, tabs = 0;
	char *out;

	if (!needs_cleaning(s, len)) {
		out = xmalloc(len + 1);
		memcpy(out, s, len);
		out[len] = '\0';
		*out_len = len;
		return out;
	}
	for (i = 0; i < len; i++)
		tabs += s[i] == '\t';
	out = xmalloc(len + tabs * (TAB_STOP - 1) + 1);
	for (i = 0; i < len;) {
		if (s[i] == '\033') {
			i = skip_escape(s, len, i);
		} else if (s[i] == '\t') {
			do
				out[n++] = ' ';
			while (++col % TAB_STOP);
			i++;
		} else if (s[i] == '\r') {
			i++;
		} else {
			/* Columns count characters: continuation bytes do not. */
			col += ((unsigned char)s[i] & 0xc0) != 0x80;
			out[n++] = s[i++];
		}
	}
	out[n] = '\0';
	*out_len = n;
	return out;
}

/* The largest length <= len that does not split a UTF-8 character. */
static size_t utf8_cut(const char *s, size_t len)
{
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	return len;
}

/* Adds a sequence number to the filter's list. */
static void keep(struct logbuf *b, uint64_t seq)
{
	if (b->kept_head > 0 && b->kept_head >= b->kept_count) {
		/* Compact once the dead front is at least as long as the list. */
		memmove(b->kept, b->kept + b->kept_head, b->kept_count * sizeof(*b->kept));
		b->kept_head = 0;
	}
	if (b->kept_head + b->kept_count == b->kept_cap) {
		b->kept_cap = b->kept_cap ? b->kept_cap * 2 : 256;
		b->kept = realloc(b->kept, b->kept_cap * sizeof(*b->kept));
		if (!b->kept)
			abort();
	}
	b->kept[b->kept_head + b->kept_count++] = seq;
}

/* True when a line contains the filter pattern. */
bool logbuf_line_matches_filter(const struct logbuf *b, const struct log_line *l)
{
	return b->filter &&
	       text_find(l->text, l->len, 0, b->filter, b->filter_len, b->filter_icase) >= 0;
}

/* Runs the filter over the line just appended (or re-read). */
static void filter_line(struct logbuf *b, uint64_t seq)
{
	const struct log_line *l = logbuf_line(b, seq);
	uint64_t from;

	if (!b->filter || !l)
		return;
	if (logbuf_line_matches_filter(b, l)) {
		from = seq > (uint64_t)b->context ? seq - (uint64_t)b->context : 0;
		if (from < b->first)
			from = b->first;
		if (from < b->kept_to)
			from = b->kept_to;
		for (; from <= seq; from++)
			keep(b, from);
		b->after = b->context;
		b->kept_to = seq + 1;
	} else if (b->after > 0) {
		keep(b, seq);
		b->after--;
		b->kept_to = seq + 1;
	}
}

/* Keeps one line, evicting (and counting) the oldest past a cap. */
uint64_t logbuf_append(struct logbuf *b, const char *text, size_t len, const struct log_meta *m)
{
	struct log_line *l;
	size_t n;
	char *copy = clean_line(text, len, &n);
	size_t limit = b->max_bytes < LINE_MAX_BYTES ? b->max_bytes : LINE_MAX_BYTES;

	if (n > limit) {
		n = utf8_cut(copy, limit);
		copy[n] = '\0';
	}
	while (b->next - b->first >= b->cap ||
	       (b->bytes + n > b->max_bytes && b->first < b->next)) {
		evict(b);
		b->dropped++;
	}
	l = &b->ring[b->next % b->cap];
	l->text = copy;
	l->len = (uint32_t)n;
	l->source = (int16_t)(m ? m->source : -1);
	l->time_ns = m ? m->time_ns : 0;
	l->err = m ? m->err : false;
	b->bytes += n;
	b->next++;
	filter_line(b, b->next - 1);
	return b->next - 1;
}

/* The line with a sequence number, if still held. */
const struct log_line *logbuf_line(const struct logbuf *b, uint64_t seq)
{
	if (seq < b->first || seq >= b->next)
		return NULL;
	return &b->ring[seq % b->cap];
}

/* Smart case: true when a pattern has no capital letter. */
bool logbuf_pattern_icase(const char *pattern)
{
	for (; *pattern; pattern++)
		if (*pattern >= 'A' && *pattern <= 'Z')
			return false;
	return true;
}

/* Sets the filter and reruns it over the lines held. */
void logbuf_set_filter(struct logbuf *b, const char *pattern, int context)
{
	uint64_t seq;

	free(b->filter);
	b->filter = NULL;
	b->kept_head = b->kept_count = 0;
	b->after = 0;
	b->kept_to = b->first;
	if (!pattern || !pattern[0])
		return;
	b->filter = strdup(pattern);
	if (!b->filter)
		abort();
	b->filter_len = strlen(pattern);
	b->filter_icase = logbuf_pattern_icase(pattern);
	b->context = context > 0 ? context : 0;
	for (seq = b->first; seq < b->next; seq++)
		filter_line(b, seq);
}

/* Lines in the view: all held, or those the filter keeps. */
size_t logbuf_view_count(const struct logbuf *b)
{
	return b->filter ? b->kept_count : (size_t)(b->next - b->first);
}

/* The sequence number of a view line. */
uint64_t logbuf_view_seq(const struct logbuf *b, size_t i)
{
	return b->filter ? b->kept[b->kept_head + i] : b->first + i;
}

/* The first view line at or after a sequence number. */
size_t logbuf_view_index(const struct logbuf *b, uint64_t seq)
{
	size_t lo = 0, hi = b->kept_count, mid;

	if (!b->filter)
		return seq <= b->first ? 0 : (size_t)(seq - b->first);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (b->kept[b->kept_head + mid] < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Bytes held: ring, text, and the filter list. */
size_t logbuf_text_bytes(const struct logbuf *b)
{
	return b->bytes;
}

size_t logbuf_memory(const struct logbuf *b)
{
	return b->cap * sizeof(*b->ring) + b->bytes + (size_t)(b->next - b->first) +
	       b->kept_cap * sizeof(*b->kept);
}
