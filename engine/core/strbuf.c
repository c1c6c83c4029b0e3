/* A growing byte string (see strbuf.h). */
#include "engine/core/strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"

/* Makes room for extra bytes plus the terminating NUL. */
static void grow(struct strbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (extra >= SIZE_MAX - b->len)
		abort(); /* no string is that long */
	b->cap = b->cap ? b->cap : 64;
	while (b->cap < need)
		b->cap = b->cap * 2 > b->cap ? b->cap * 2 : need;
	b->s = xrealloc(b->s, b->cap);
}

void strbuf_addn(struct strbuf *b, const char *s, size_t n)
{
	grow(b, n);
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void strbuf_adds(struct strbuf *b, const char *s)
{
	strbuf_addn(b, s, strlen(s));
}

void strbuf_addc(struct strbuf *b, char c)
{
	strbuf_addn(b, &c, 1);
}

void strbuf_vaddf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n >= 0) {
		grow(b, (size_t)n);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, again);
		b->len += (size_t)n;
	}
	va_end(again);
}

void strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(b, fmt, ap);
	va_end(ap);
}

void strbuf_pad(struct strbuf *b, char c, size_t n)
{
	grow(b, n);
	memset(b->s + b->len, c, n);
	b->len += n;
	b->s[b->len] = '\0';
}

char *strbuf_steal(struct strbuf *b)
{
	char *s;

	if (!b->s)
		strbuf_addn(b, "", 0);
	s = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void strbuf_free(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

void strbuf_add_query_escaped(struct strbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~')
			strbuf_addc(b, (char)c);
		else if (c == ' ')
			strbuf_addc(b, '+');
		else
			strbuf_addf(b, "%%%02X", c);
	}
}
