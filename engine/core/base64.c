/* Base64 (see base64.h). */
#include "engine/core/base64.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *base64_encode(const void *data, size_t len)
{
	const unsigned char *in = data;
	char *out = malloc((len + 2) / 3 * 4 + 1), *p = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t rest = len - i;

		if (rest > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (rest > 2)
			v |= in[i + 2];
		*p++ = alphabet[v >> 18 & 63];
		*p++ = alphabet[v >> 12 & 63];
		*p++ = rest > 1 ? alphabet[v >> 6 & 63] : '=';
		*p++ = rest > 2 ? alphabet[v & 63] : '=';
	}
	*p = '\0';
	return out;
}

/* The value of one character in either alphabet; -1 for any other. */
static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

char *base64_decode(const char *text, size_t *len)
{
	size_t n = strlen(text), used = 0;
	char *out;
	uint32_t acc = 0;
	int bits = 0;

	while (n > 0 && text[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return NULL;
	out = malloc(n / 4 * 3 + 3);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int v = value_of(text[i]);

		if (v < 0) {
			free(out);
			return NULL;
		}
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[used++] = (char)(acc >> bits & 0xff);
		}
	}
	out[used] = '\0';
	if (len)
		*len = used;
	return out;
}
