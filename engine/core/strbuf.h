/* A growing byte string, NUL-terminated once anything was added. One for
 * the whole project; libc only, so the monitor uses it too. Memory
 * failures abort (alloc.h). */
#ifndef BERTH_CORE_STRBUF_H
#define BERTH_CORE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *s; /* NULL until something was added */
	size_t len;
	size_t cap;
};

/* Appends n bytes (which may include NULs). */
void strbuf_addn(struct strbuf *b, const char *s, size_t n);
void strbuf_adds(struct strbuf *b, const char *s);
void strbuf_addc(struct strbuf *b, char c);
void strbuf_addf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Appends n copies of the byte c. */
void strbuf_pad(struct strbuf *b, char c, size_t n);
/* Appends n bytes of s as Go's url.QueryEscape writes them: letters,
 * digits and "-._~" as they are, a space as '+', every other byte %XX. */
void strbuf_add_query_escaped(struct strbuf *b, const char *s, size_t n);
/* Hands the string over to the caller (never NULL) and empties the buffer. */
char *strbuf_steal(struct strbuf *b);
/* Frees the string and empties the buffer. */
void strbuf_free(struct strbuf *b);

#endif
