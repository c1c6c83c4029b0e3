/* The input line: editing, history and completion. */
#include "widgets/prompt.h"

#include "widgets/lineedit.h"
#include "widgets/text.h"
#include "widgets/theme.h"

#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"

#define MAX_CANDIDATES 256

struct prompt {
	struct widget base;
	char *label;
	struct lineedit edit;
	char **history;
	size_t nhistory, history_limit;
	size_t browse; /* history entry shown; nhistory while typing */
	char *draft;   /* the line being typed while browsing */
	prompt_complete_fn complete;
	void *complete_ctx;
	char **cands;
	size_t ncands;
	long cycle;        /* candidate shown while cycling, -1 before */
	size_t word_start; /* where the word being completed starts */
	bool completing;   /* the last key was a completion */
};

static void prompt_draw_cb(struct widget *w);
static enum wkey_result prompt_key_cb(struct widget *w, wkey k);
static void prompt_destroy(struct widget *w);

static const struct widget_class prompt_class = {
	.name = "prompt",
	.draw = prompt_draw_cb,
	.key = prompt_key_cb,
	.destroy = prompt_destroy,
};

/* Makes an empty prompt with a label. */
struct prompt *prompt_new(const char *label)
{
	struct prompt *p = calloc(1, sizeof(*p));

	if (!p)
		abort();
	widget_init(&p->base, &prompt_class);
	p->base.cursor = true;
	p->label = xstrdup(label ? label : "");
	lineedit_init(&p->edit, NULL, 0);
	p->history_limit = 100;
	return p;
}

/* Changes the label (":" or "/"). */
void prompt_set_label(struct prompt *p, const char *label)
{
	free(p->label);
	p->label = xstrdup(label ? label : "");
	p->base.dirty = true;
}

/* Forgets the candidates of the last completion. */
static void drop_candidates(struct prompt *p)
{
	size_t i;

	for (i = 0; i < p->ncands; i++)
		free(p->cands[i]);
	free(p->cands);
	p->cands = NULL;
	p->ncands = 0;
	p->cycle = -1;
	p->completing = false;
}

/* Replaces the text; the cursor goes to its end. */
void prompt_set_text(struct prompt *p, const char *text)
{
	lineedit_set(&p->edit, text);
	drop_candidates(p);
	p->browse = p->nhistory;
	p->base.dirty = true;
}

/* The text typed. */
const char *prompt_text(const struct prompt *p)
{
	return lineedit_text(&p->edit);
}

/* Drops the oldest entries past the limit. */
static void trim_history(struct prompt *p)
{
	size_t extra, i;

	if (p->nhistory <= p->history_limit)
		return;
	extra = p->nhistory - p->history_limit;
	for (i = 0; i < extra; i++)
		free(p->history[i]);
	memmove(p->history, p->history + extra, p->history_limit * sizeof(*p->history));
	p->nhistory = p->history_limit;
}

/* Records a line in the history. */
void prompt_history_add(struct prompt *p, const char *line)
{
	if (!line || !line[0] ||
	    (p->nhistory && strcmp(p->history[p->nhistory - 1], line) == 0)) {
		p->browse = p->nhistory;
		return;
	}
	p->history = realloc(p->history, (p->nhistory + 1) * sizeof(*p->history));
	if (!p->history)
		abort();
	p->history[p->nhistory++] = xstrdup(line);
	trim_history(p);
	p->browse = p->nhistory;
}

/* Sets how many history entries are kept. */
void prompt_set_history_limit(struct prompt *p, size_t limit)
{
	p->history_limit = limit ? limit : 1;
	trim_history(p);
	p->browse = p->nhistory;
}

/* How many history entries there are. */
size_t prompt_history_count(const struct prompt *p)
{
	return p->nhistory;
}

/* History entry i, 0 being the oldest (for saving it). */
const char *prompt_history_get(const struct prompt *p, size_t i)
{
	return i < p->nhistory ? p->history[i] : NULL;
}

/* Sets the completion callback (NULL: Tab is not the prompt's). */
void prompt_set_completion(struct prompt *p, prompt_complete_fn fn, void *ctx)
{
	p->complete = fn;
	p->complete_ctx = ctx;
}

/* The candidates of the last Tab that found several (for a popup). */
size_t prompt_candidates(const struct prompt *p, const char *const **list)
{
	if (list)
		*list = (const char *const *)p->cands;
	return p->ncands;
}

/* Up (older) or Down (newer) through the history. */
static enum wkey_result browse(struct prompt *p, bool older)
{
	if (older ? p->browse == 0 : p->browse >= p->nhistory)
		return WKEY_HANDLED;
	if (p->browse == p->nhistory) {
		free(p->draft);
		p->draft = xstrdup(prompt_text(p));
	}
	p->browse += older ? -1 : 1;
	lineedit_set(&p->edit, p->browse < p->nhistory ? p->history[p->browse] : p->draft);
	return WKEY_CHANGED;
}

/* The length of the prefix all candidates share. */
static size_t common_prefix(char **cands, size_t n)
{
	size_t len = strlen(cands[0]), i, j;

	for (i = 1; i < n; i++) {
		for (j = 0; j < len && cands[i][j] == cands[0][j]; j++)
			;
		len = j;
	}
	/* Never end inside a UTF-8 character. */
	while (len > 0 && ((unsigned char)cands[0][len] & 0xc0) == 0x80)
		len--;
	return len;
}

/* Puts text in place of the word being completed. */
static void replace_word(struct prompt *p, const char *text)
{
	lineedit_replace(&p->edit, p->word_start, p->edit.cur, text);
}

/* Asks the callback for candidates for the word before the cursor. */
static void gather(struct prompt *p)
{
	const char *out[MAX_CANDIDATES];
	char *line = xstrdup(prompt_text(p)), *word;
	size_t n, i;

	drop_candidates(p);
	line[p->edit.cur] = '\0';
	word = strrchr(line, ' ');
	p->word_start = word ? (size_t)(word - line) + 1 : 0;
	n = p->complete(p->complete_ctx, prompt_text(p), p->word_start, line + p->word_start, out,
			MAX_CANDIDATES);
	if (n > MAX_CANDIDATES)
		n = MAX_CANDIDATES;
	p->cands = calloc(n ? n : 1, sizeof(*p->cands));
	if (!p->cands)
		abort();
	for (i = 0; i < n; i++)
		p->cands[i] = xstrdup(out[i]);
	p->ncands = n;
	free(line);
}

/* Tab (forward) or Shift-Tab: completes, then cycles. */
static enum wkey_result complete(struct prompt *p, bool forward)
{
	char *prefix;
	size_t len;

	if (!p->complete)
		return WKEY_IGNORED;
	if (p->completing && p->ncands > 1) {
		long n = (long)p->ncands;

		if (p->cycle < 0)
			p->cycle = forward ? 0 : n - 1;
		else
			p->cycle = (p->cycle + (forward ? 1 : n - 1)) % n;
		replace_word(p, p->cands[p->cycle]);
		return WKEY_CHANGED;
	}
	gather(p);
	p->completing = true;
	if (p->ncands == 0)
		return WKEY_HANDLED;
	if (p->ncands == 1) {
		prefix = malloc(strlen(p->cands[0]) + 2);
		if (!prefix)
			abort();
		strcpy(prefix, p->cands[0]);
		strcat(prefix, " ");
		replace_word(p, prefix);
		free(prefix);
		drop_candidates(p);
		return WKEY_CHANGED;
	}
	len = common_prefix(p->cands, p->ncands);
	if (len <= p->edit.cur - p->word_start) {
		/* No progress from the prefix: start cycling right away. */
		p->cycle = forward ? 0 : (long)p->ncands - 1;
		replace_word(p, p->cands[p->cycle]);
		return WKEY_CHANGED;
	}
	prefix = strndup(p->cands[0], len);
	if (!prefix)
		abort();
	replace_word(p, prefix);
	free(prefix);
	return WKEY_CHANGED;
}

/* Edits, walks the history, completes, submits or cancels. */
enum wkey_result prompt_key(struct prompt *p, wkey k)
{
	enum wkey_result r;

	p->base.dirty = true;
	if (k == '\t' || k == WKEY_FN(KEY_BTAB))
		return complete(p, k == '\t');
	drop_candidates(p);
	if (wkey_is_enter(k)) {
		prompt_history_add(p, prompt_text(p));
		return WKEY_SUBMIT;
	}
	if (k == WKEY_ESC) {
		p->browse = p->nhistory;
		return WKEY_CANCEL;
	}
	if (k == WKEY_FN(KEY_UP) || k == WKEY_FN(KEY_DOWN))
		return browse(p, k == WKEY_FN(KEY_UP));
	r = lineedit_key(&p->edit, k);
	if (r == WKEY_CHANGED)
		p->browse = p->nhistory;
	return r;
}

/* Draws the label, the text, and the candidates when there are several. */
static void prompt_draw_cb(struct widget *w)
{
	struct prompt *p = (struct prompt *)w;
	attr_t attr = theme_attr(THEME_PROMPT), dim = theme_attr(THEME_DIM);
	int lw, cw = 0, cx, x, i;

	widget_erase(w, THEME_PROMPT);
	wmove(w->win, 0, 0);
	lw = text_add(w->win, w->cols / 2, p->label, attr);
	for (i = 0; i < (int)p->ncands && p->ncands > 1; i++)
		cw += text_width(p->cands[i]) + 2;
	if (cw > (w->cols - lw) / 2)
		cw = (w->cols - lw) / 2;
	cx = lineedit_draw(&p->edit, w->win, 0, lw, w->cols - lw - cw, attr);
	if (cw > 0) {
		wmove(w->win, 0, w->cols - cw);
		for (i = 0, x = 0; i < (int)p->ncands && x < cw; i++) {
			x += text_add(w->win, cw - x, "  ", dim);
			x += text_add(w->win, cw - x, p->cands[i],
				      i == p->cycle ? theme_attr(THEME_SELECTED) : dim);
		}
	}
	wmove(w->win, 0, cx);
}

/* Redraws if needed and queues the window, the cursor where typing goes. */
void prompt_draw(struct prompt *p)
{
	widget_draw(&p->base);
}

/* The class's key entry. */
static enum wkey_result prompt_key_cb(struct widget *w, wkey k)
{
	return prompt_key((struct prompt *)w, k);
}

/* Frees the history, the candidates and the prompt. */
static void prompt_destroy(struct widget *w)
{
	struct prompt *p = (struct prompt *)w;
	size_t i;

	drop_candidates(p);
	for (i = 0; i < p->nhistory; i++)
		free(p->history[i]);
	free(p->history);
	free(p->draft);
	free(p->label);
	lineedit_free(&p->edit);
	free(p);
}

/* Frees the prompt and its window. */
void prompt_free(struct prompt *p)
{
	widget_free(p ? &p->base : NULL);
}
