/* The log view: scrolling, wrapping, search and drawing over a logbuf. */
#include "widgets/logview.h"

#include "widgets/term.h"
#include "widgets/text.h"
#include "widgets/theme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TIME_WIDTH 13 /* "HH:MM:SS.mmm " */
#define NAME_MAX_WIDTH 20
#define MIN_TEXT_COLS 8
#define MAX_MATCHES 128

struct logview {
	struct widget base;
	struct logbuf buf;
	char **sources;
	int nsources;
	int name_width;
	bool follow, wrap, timestamps;
	char *search;
	size_t search_len;
	bool search_icase;
	bool has_match;
	uint64_t match_seq;
	size_t match_off;
	/* The row at the top of the window, kept by sequence number so it
	 * stays put while lines arrive and old ones go. */
	bool top_notice;
	uint64_t top_seq;
	int top_sub;
	int hscroll;
};

/* A row of the view: the "older lines dropped" notice, or row sub of the
 * wrapped view line idx. */
struct pos {
	bool notice;
	size_t idx;
	int sub;
};

static void logview_draw_cb(struct widget *w);
static enum wkey_result logview_key_cb(struct widget *w, wkey k);
static void logview_destroy(struct widget *w);

static const struct widget_class logview_class = {
	.name = "logview",
	.draw = logview_draw_cb,
	.key = logview_key_cb,
	.destroy = logview_destroy,
};

/* Makes an empty log view with its caps, following. */
struct logview *logview_new(size_t max_lines, size_t max_bytes)
{
	struct logview *lv = calloc(1, sizeof(*lv));

	if (!lv)
		abort();
	widget_init(&lv->base, &logview_class);
	logbuf_init(&lv->buf, max_lines, max_bytes);
	lv->follow = true;
	return lv;
}

/* Adds a name prefix and returns its source number. */
int logview_add_source(struct logview *lv, const char *name)
{
	char **grown = realloc(lv->sources, (size_t)(lv->nsources + 1) * sizeof(*grown));
	int w = text_width(name);

	if (!grown || !(grown[lv->nsources] = strdup(name ? name : "")))
		abort();
	lv->sources = grown;
	if (w > lv->name_width)
		lv->name_width = w > NAME_MAX_WIDTH ? NAME_MAX_WIDTH : w;
	lv->base.dirty = true;
	return lv->nsources++;
}

/* Appends text, one line per newline. */
void logview_append(struct logview *lv, const char *text, size_t len, const struct log_meta *m)
{
	const char *nl;

	while (len > 0) {
		nl = memchr(text, '\n', len);
		if (!nl) {
			logbuf_append(&lv->buf, text, len, m);
			break;
		}
		logbuf_append(&lv->buf, text, (size_t)(nl - text), m);
		len -= (size_t)(nl - text) + 1;
		text = nl + 1;
	}
	lv->base.dirty = true;
}

/* Drops every line, not counted as dropped. */
void logview_clear(struct logview *lv)
{
	logbuf_clear(&lv->buf);
	lv->has_match = false;
	lv->base.dirty = true;
}

/* Lines held. */
size_t logview_lines(const struct logview *lv)
{
	return (size_t)(lv->buf.next - lv->buf.first);
}

/* Lines shown after the filter. */
size_t logview_shown(const struct logview *lv)
{
	return logbuf_view_count(&lv->buf);
}

/* Lines evicted by the caps so far. */
uint64_t logview_dropped(const struct logview *lv)
{
	return lv->buf.dropped;
}

size_t logview_text_bytes(const struct logview *lv)
{
	return logbuf_text_bytes(&lv->buf);
}

/* Bytes held for the lines. */
size_t logview_memory(const struct logview *lv)
{
	return logbuf_memory(&lv->buf);
}

/* The text of a line by sequence number, if still held. */
const char *logview_line_text(const struct logview *lv, uint64_t seq)
{
	const struct log_line *l = logbuf_line(&lv->buf, seq);

	return l ? l->text : NULL;
}

/* Cells before the text: timestamp and name prefix (none in a window too
 * narrow for them). */
static int lead_width(const struct logview *lv)
{
	int w = (lv->timestamps ? TIME_WIDTH : 0) + (lv->nsources ? lv->name_width + 3 : 0);

	return lv->base.cols - w < MIN_TEXT_COLS ? 0 : w;
}

/* Cells for the text itself. */
static int text_cols(const struct logview *lv)
{
	int tw = lv->base.cols - lead_width(lv);

	return tw > 0 ? tw : 1;
}

/* Where the wrapped row after the one starting at off begins. */
static size_t wrap_step(const struct log_line *l, size_t off, int tw)
{
	size_t n = text_fit(l->text + off, l->len - off, tw, NULL);
	wchar_t c;

	/* A wide character in a one-cell window still moves on. */
	if (n == 0 && off < l->len)
		n = text_decode(l->text + off, l->len - off, &c);
	return off + n;
}

/* Rows a line takes in the window. */
static int line_rows(const struct logview *lv, const struct log_line *l)
{
	int tw = text_cols(lv), rows = 1;
	size_t off;

	if (!lv->wrap)
		return 1;
	for (off = wrap_step(l, 0, tw); off < l->len; off = wrap_step(l, off, tw))
		rows++;
	return rows;
}

/* The wrapped row of a line that holds byte off. */
static int row_of(const struct logview *lv, const struct log_line *l, size_t off)
{
	int tw = text_cols(lv), row = 0;
	size_t next;

	if (!lv->wrap)
		return 0;
	for (next = wrap_step(l, 0, tw); next <= off && next < l->len;
	     next = wrap_step(l, next, tw))
		row++;
	return row;
}

/* Lines in the view (all held, or those the filter keeps). */
static size_t view_count(const struct logview *lv)
{
	return logbuf_view_count(&lv->buf);
}

/* The line at a view index. */
static const struct log_line *view_line(const struct logview *lv, size_t idx)
{
	return logbuf_line(&lv->buf, logbuf_view_seq(&lv->buf, idx));
}

/* True when lines were evicted: the view then starts with a notice. */
static bool has_notice(const struct logview *lv)
{
	return lv->buf.dropped > 0;
}

/* Moves to the next row; false at the end. */
static bool pos_next(const struct logview *lv, struct pos *p)
{
	if (p->notice) {
		if (view_count(lv) == 0)
			return false;
		*p = (struct pos){false, 0, 0};
		return true;
	}
	if (p->idx >= view_count(lv))
		return false;
	if (p->sub + 1 < line_rows(lv, view_line(lv, p->idx))) {
		p->sub++;
		return true;
	}
	if (p->idx + 1 < view_count(lv)) {
		p->idx++;
		p->sub = 0;
		return true;
	}
	return false;
}

/* Moves to the previous row; false at the start. */
static bool pos_prev(const struct logview *lv, struct pos *p)
{
	if (p->notice)
		return false;
	if (p->sub > 0) {
		p->sub--;
		return true;
	}
	if (p->idx > 0) {
		p->idx--;
		p->sub = line_rows(lv, view_line(lv, p->idx)) - 1;
		return true;
	}
	if (has_notice(lv)) {
		p->notice = true;
		return true;
	}
	return false;
}

/* Orders two rows. */
static int pos_cmp(struct pos a, struct pos b)
{
	if (a.notice || b.notice)
		return a.notice == b.notice ? 0 : a.notice ? -1 : 1;
	if (a.idx != b.idx)
		return a.idx < b.idx ? -1 : 1;
	return a.sub < b.sub ? -1 : a.sub > b.sub;
}

/* The first row of the view. */
static struct pos first_pos(const struct logview *lv)
{
	return (struct pos){has_notice(lv), 0, 0};
}

/* The top row that puts the last row at the bottom of the window. */
static struct pos bottom_top(const struct logview *lv)
{
	size_t n = view_count(lv);
	struct pos p;
	int i;

	if (n == 0)
		return first_pos(lv);
	p = (struct pos){false, n - 1, line_rows(lv, view_line(lv, n - 1)) - 1};
	for (i = 1; i < lv->base.rows && pos_prev(lv, &p); i++)
		;
	return p;
}

/* The row now at the top of the window. */
static struct pos top_pos(const struct logview *lv)
{
	struct pos p, bottom;
	size_t n = view_count(lv);

	if (lv->follow)
		return bottom_top(lv);
	if (n == 0 || lv->top_notice || (lv->top_seq < lv->buf.first && has_notice(lv)))
		return first_pos(lv);
	p.notice = false;
	p.idx = logbuf_view_index(&lv->buf, lv->top_seq);
	p.sub = 0;
	if (p.idx >= n)
		p.idx = n - 1;
	if (logbuf_view_seq(&lv->buf, p.idx) == lv->top_seq) {
		p.sub = line_rows(lv, view_line(lv, p.idx)) - 1;
		if (lv->top_sub < p.sub)
			p.sub = lv->top_sub;
	}
	bottom = bottom_top(lv);
	return pos_cmp(p, bottom) > 0 ? bottom : p;
}

/* Makes p the top row. */
static void set_top(struct logview *lv, struct pos p)
{
	lv->top_notice = p.notice;
	lv->top_seq = !p.notice && view_count(lv) ? logbuf_view_seq(&lv->buf, p.idx) : 0;
	lv->top_sub = p.sub;
	lv->base.dirty = true;
}

/* Turns following the newest line on or off. */
void logview_set_follow(struct logview *lv, bool on)
{
	if (lv->follow == on)
		return;
	/* Stopping keeps what is on the screen where it is. */
	if (!on)
		set_top(lv, top_pos(lv));
	lv->follow = on;
	lv->base.dirty = true;
}

/* Turns wrapping of long lines on or off. */
void logview_set_wrap(struct logview *lv, bool on)
{
	struct pos p = top_pos(lv);

	lv->wrap = on;
	lv->hscroll = 0;
	p.sub = 0;
	set_top(lv, p);
}

/* Turns the timestamp column on or off. */
void logview_set_timestamps(struct logview *lv, bool on)
{
	lv->timestamps = on;
	lv->top_sub = 0;
	lv->base.dirty = true;
}

/* True while following the newest line. */
bool logview_following(const struct logview *lv)
{
	return lv->follow;
}

/* True while wrapping long lines. */
bool logview_wrapping(const struct logview *lv)
{
	return lv->wrap;
}

/* True while showing timestamps. */
bool logview_timestamps(const struct logview *lv)
{
	return lv->timestamps;
}

/* Scrolls by rows (negative: up, which stops following). */
void logview_scroll(struct logview *lv, long rows)
{
	struct pos p = top_pos(lv), bottom = bottom_top(lv);

	if (rows < 0)
		logview_set_follow(lv, false);
	for (; rows < 0 && pos_prev(lv, &p); rows++)
		;
	for (; rows > 0 && pos_cmp(p, bottom) < 0 && pos_next(lv, &p); rows--)
		;
	if (!lv->follow)
		set_top(lv, p);
}

/* Goes to the oldest line held. */
void logview_home(struct logview *lv)
{
	lv->follow = false;
	set_top(lv, first_pos(lv));
}

/* Goes to the newest line and follows. */
void logview_end(struct logview *lv)
{
	lv->follow = true;
	lv->base.dirty = true;
}

/* Scrolls sideways by cols when not wrapping. */
void logview_hscroll(struct logview *lv, int cols)
{
	int to = lv->hscroll + cols;

	if (lv->wrap)
		return;
	lv->hscroll = to > 0 ? to : 0;
	lv->base.dirty = true;
}

/* The next occurrence of the search in a line at or after byte from. */
static long find_in(const struct logview *lv, const struct log_line *l, size_t from)
{
	return text_find(l->text, l->len, from, lv->search, lv->search_len, lv->search_icase);
}

/* The last occurrence that starts before byte limit, or -1. */
static long find_before(const struct logview *lv, const struct log_line *l, size_t limit)
{
	long hit, last = -1;
	size_t from = 0;

	while ((hit = find_in(lv, l, from)) >= 0 && (size_t)hit < limit) {
		last = hit;
		from = (size_t)hit + 1;
	}
	return last;
}

/* Scrolls so the current occurrence is in the window: left alone if it
 * already is, else a third of the way down. */
static void show_match(struct logview *lv)
{
	struct pos top = top_pos(lv), p, bottom;
	const struct log_line *l = logbuf_line(&lv->buf, lv->match_seq);
	int r, tw = text_cols(lv), col;

	lv->follow = false;
	if (!l)
		return;
	if (!lv->wrap) {
		col = text_width_n(l->text, lv->match_off);
		if (col < lv->hscroll ||
		    col + text_width_n(l->text + lv->match_off, lv->search_len) > lv->hscroll + tw)
			lv->hscroll = col > tw / 3 ? col - tw / 3 : 0;
	}
	p = (struct pos){false, logbuf_view_index(&lv->buf, lv->match_seq),
			 row_of(lv, l, lv->match_off)};
	bottom = top;
	for (r = 0; r < lv->base.rows; r++) {
		if (pos_cmp(bottom, p) == 0) {
			set_top(lv, top);
			return;
		}
		if (!pos_next(lv, &bottom))
			break;
	}
	for (r = 0; r < lv->base.rows / 3 && pos_prev(lv, &p); r++)
		;
	bottom = bottom_top(lv);
	set_top(lv, pos_cmp(p, bottom) > 0 ? bottom : p);
}

/* Looks for the search from view line idx, byte off, in either direction
 * and round the ends; makes the hit the current occurrence. */
static enum logview_found seek(struct logview *lv, size_t idx, size_t off, bool backward,
			       bool inclusive)
{
	size_t n = view_count(lv), k, i;
	const struct log_line *l;
	long hit;

	for (k = 0; k <= n; k++) {
		i = backward ? (idx + n - k % n) % n : (idx + k) % n;
		l = view_line(lv, i);
		if (backward)
			hit = find_before(lv, l, k == 0 ? off : (size_t)l->len + 1);
		else
			hit = find_in(lv, l, k > 0 ? 0 : inclusive ? off : off + 1);
		if (hit < 0)
			continue;
		lv->has_match = true;
		lv->match_seq = logbuf_view_seq(&lv->buf, i);
		lv->match_off = (size_t)hit;
		show_match(lv);
		return (backward ? k > idx : idx + k >= n) ? LOGVIEW_WRAPPED : LOGVIEW_FOUND;
	}
	lv->has_match = false;
	lv->base.dirty = true;
	return LOGVIEW_NOT_FOUND;
}

/* Sets the search and goes to its first occurrence from the top row. */
enum logview_found logview_search(struct logview *lv, const char *pattern)
{
	struct pos top = top_pos(lv);

	free(lv->search);
	lv->search = NULL;
	lv->has_match = false;
	lv->base.dirty = true;
	if (!pattern || !pattern[0])
		return LOGVIEW_NOT_FOUND;
	lv->search = strdup(pattern);
	if (!lv->search)
		abort();
	lv->search_len = strlen(pattern);
	lv->search_icase = logbuf_pattern_icase(pattern);
	if (view_count(lv) == 0)
		return LOGVIEW_NOT_FOUND;
	return seek(lv, top.notice ? 0 : top.idx, 0, false, true);
}

/* Goes to the next (or previous) occurrence, round the ends. */
enum logview_found logview_search_next(struct logview *lv, bool backward)
{
	struct pos top = top_pos(lv);
	size_t idx;

	if (!lv->search || view_count(lv) == 0)
		return LOGVIEW_NOT_FOUND;
	if (lv->has_match && logbuf_line(&lv->buf, lv->match_seq)) {
		idx = logbuf_view_index(&lv->buf, lv->match_seq);
		if (idx < view_count(lv) && logbuf_view_seq(&lv->buf, idx) == lv->match_seq)
			return seek(lv, idx, lv->match_off, backward, false);
	}
	return seek(lv, top.notice ? 0 : top.idx, 0, backward, !backward);
}

/* Where the current occurrence is. */
bool logview_match(const struct logview *lv, uint64_t *seq, size_t *offset)
{
	if (!lv->has_match || !logbuf_line(&lv->buf, lv->match_seq))
		return false;
	if (seq)
		*seq = lv->match_seq;
	if (offset)
		*offset = lv->match_off;
	return true;
}

/* Shows only matching lines and their context. */
void logview_set_filter(struct logview *lv, const char *pattern, int context)
{
	struct pos top = top_pos(lv);
	uint64_t seq = !top.notice && view_count(lv) ? logbuf_view_seq(&lv->buf, top.idx) : 0;

	logbuf_set_filter(&lv->buf, pattern, context);
	lv->top_notice = false;
	lv->top_seq = seq;
	lv->top_sub = 0;
	lv->base.dirty = true;
}

/* Draws the timestamp and name prefix of a line. */
static void draw_lead(struct logview *lv, const struct log_line *l)
{
	WINDOW *win = lv->base.win;
	char stamp[32];
	struct tm tm;
	time_t secs;
	int y, x;

	getyx(win, y, x);
	if (lv->timestamps) {
		stamp[0] = '\0';
		secs = (time_t)(l->time_ns / 1000000000);
		if (l->time_ns > 0 && localtime_r(&secs, &tm))
			snprintf(stamp, sizeof(stamp), "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min,
				 tm.tm_sec, (int)(l->time_ns / 1000000 % 1000));
		text_draw(win, y, x, TIME_WIDTH, stamp, theme_attr(THEME_LOG_TIME), TEXT_LEFT);
		x += TIME_WIDTH;
	}
	if (lv->nsources) {
		if (l->source >= 0 && l->source < lv->nsources) {
			text_draw(win, y, x, lv->name_width, lv->sources[l->source],
				  theme_attr(THEME_LOG_NAME1 + l->source % THEME_LOG_NAMES),
				  TEXT_LEFT);
			text_put(win, L' ', 0);
			text_put(win, term_glyphs()->separator, theme_attr(THEME_DIM));
			text_put(win, L' ', 0);
		} else {
			wmove(win, y, x);
			text_fill(win, lv->name_width + 3, 0);
		}
	}
}

/* Finds where the search occurs in a line (at most max places). */
static int find_all(const struct logview *lv, const struct log_line *l, long *at, int max)
{
	long hit;
	size_t from = 0;
	int n = 0;

	if (!lv->search)
		return 0;
	while (n < max && (hit = find_in(lv, l, from)) >= 0) {
		at[n++] = hit;
		from = (size_t)hit + lv->search_len;
	}
	return n;
}

/* Draws row sub of view line idx on window row y. */
static void draw_line_row(struct logview *lv, int y, size_t idx, int sub)
{
	const struct log_line *l = view_line(lv, idx);
	uint64_t seq = logbuf_view_seq(&lv->buf, idx);
	WINDOW *win = lv->base.win;
	int lead = lead_width(lv), tw = text_cols(lv), used = 0, w, nm, mi = 0, r;
	bool cut = false, context = lv->buf.filter && !logbuf_line_matches_filter(&lv->buf, l);
	attr_t base = theme_attr(context ? THEME_DIM : l->err ? THEME_LOG_STDERR : THEME_DEFAULT);
	size_t i = 0, end = l->len, n;
	long at[MAX_MATCHES];
	wchar_t c, shown;
	attr_t attr;

	wmove(win, y, 0);
	if (lead && sub == 0)
		draw_lead(lv, l);
	else
		text_fill(win, lead, 0);
	if (lv->wrap) {
		for (r = 0; r < sub; r++)
			i = wrap_step(l, i, tw);
		end = wrap_step(l, i, tw);
	} else {
		for (w = 0; i < end; i += n, w += r) {
			n = text_decode(l->text + i, end - i, &c);
			r = text_cell(c, &shown);
			if (w + r > lv->hscroll)
				break;
		}
		cut = text_width_n(l->text + i, end - i) > tw;
	}
	nm = find_all(lv, l, at, MAX_MATCHES);
	for (; i < end; i += n) {
		n = text_decode(l->text + i, end - i, &c);
		w = text_cell(c, &shown);
		if (w == 0)
			continue;
		if (used + w > tw - (cut ? 1 : 0))
			break;
		while (mi < nm && (size_t)at[mi] + lv->search_len <= i)
			mi++;
		attr = base;
		if (mi < nm && (size_t)at[mi] <= i)
			attr = theme_attr(lv->has_match && seq == lv->match_seq &&
						  (size_t)at[mi] == lv->match_off
					  ? THEME_LOG_MATCH_CURRENT
					  : THEME_LOG_MATCH);
		text_put(win, shown, attr);
		used += w;
	}
	if (cut) {
		text_fill(win, tw - 1 - used, base);
		text_put(win, term_glyphs()->ellipsis, theme_attr(THEME_DIM));
	}
}

/* Draws the notice that says how many older lines were dropped. */
static void draw_notice(struct logview *lv, int y)
{
	char msg[96];
	unsigned long long n = (unsigned long long)lv->buf.dropped;

	snprintf(msg, sizeof(msg), "%llu older line%s dropped", n, n == 1 ? "" : "s");
	text_draw(lv->base.win, y, 0, lv->base.cols, msg, theme_attr(THEME_LOG_NOTICE), TEXT_LEFT);
}

/* Draws the rows in the window, from the top row down. */
static void logview_draw_cb(struct widget *w)
{
	struct logview *lv = (struct logview *)w;
	struct pos p = top_pos(lv);
	int y;

	widget_erase(w, THEME_DEFAULT);
	if (!p.notice && view_count(lv) == 0)
		return;
	for (y = 0; y < w->rows; y++) {
		if (p.notice)
			draw_notice(lv, y);
		else
			draw_line_row(lv, y, p.idx, p.sub);
		if (!pos_next(lv, &p))
			break;
	}
}

/* Redraws if needed and queues the window (widget_draw). */
void logview_draw(struct logview *lv)
{
	widget_draw(&lv->base);
}

/* Scrolls, and moves between occurrences with n/N. */
enum wkey_result logview_key(struct logview *lv, wkey k)
{
	long page = lv->base.rows > 1 ? lv->base.rows - 1 : 1;

	switch (k) {
	case WKEY_FN(KEY_UP):
		logview_scroll(lv, -1);
		break;
	case WKEY_FN(KEY_DOWN):
		logview_scroll(lv, 1);
		break;
	case WKEY_FN(KEY_PPAGE):
		logview_scroll(lv, -page);
		break;
	case WKEY_FN(KEY_NPAGE):
		logview_scroll(lv, page);
		break;
	case WKEY_FN(KEY_HOME):
		logview_home(lv);
		break;
	case WKEY_FN(KEY_END):
		logview_end(lv);
		break;
	case WKEY_FN(KEY_LEFT):
		logview_hscroll(lv, -8);
		break;
	case WKEY_FN(KEY_RIGHT):
		logview_hscroll(lv, 8);
		break;
	case 'n':
	case 'N':
		if (!lv->search)
			return WKEY_IGNORED;
		logview_search_next(lv, k == 'N');
		break;
	default:
		return WKEY_IGNORED;
	}
	return WKEY_HANDLED;
}

/* The class's key entry. */
static enum wkey_result logview_key_cb(struct widget *w, wkey k)
{
	return logview_key((struct logview *)w, k);
}

/* Frees the lines, the sources and the view. */
static void logview_destroy(struct widget *w)
{
	struct logview *lv = (struct logview *)w;
	int i;

	logbuf_free(&lv->buf);
	for (i = 0; i < lv->nsources; i++)
		free(lv->sources[i]);
	free(lv->sources);
	free(lv->search);
	free(lv);
}

/* Frees the view and its window. */
void logview_free(struct logview *lv)
{
	widget_free(lv ? &lv->base : NULL);
}
