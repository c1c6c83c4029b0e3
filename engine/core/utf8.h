/* UTF-8, decoded as Go decodes it (libc only: the monitor uses it too). */
#ifndef BERTH_CORE_UTF8_H
#define BERTH_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The length of the well-formed UTF-8 sequence at s (n bytes left) and
 * its code point in *cp; 0 when the bytes are not one: truncated, an
 * overlong form, a surrogate or past U+10FFFF (Go's utf8.Valid). */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* A NUL-terminated copy of s[0..n) with each byte that is not valid UTF-8
 * replaced by U+FFFD, as Go's JSON encoder writes it (malloc'd; NULL when
 * out of memory); its length in *out_len (it may hold NULs) unless out_len
 * is NULL. */
char *utf8_valid_copy(const char *s, size_t n, size_t *out_len);

#endif
