/* Base64 (RFC 4648): the standard alphabet with padding when encoding;
 * decoding takes the standard or the URL-safe alphabet, padded or not (the
 * auth fields of config.json and the Engine API's X-Registry-Auth). */
#ifndef BERTH_CORE_BASE64_H
#define BERTH_CORE_BASE64_H

#include <stddef.h>

/* A new NUL-terminated encoding of data; NULL when out of memory. */
char *base64_encode(const void *data, size_t len);

/* A new NUL-terminated decoding of text (*len its length without the NUL,
 * may be NULL); NULL when text is not base64 or memory runs out. */
char *base64_decode(const char *text, size_t *len);

#endif
