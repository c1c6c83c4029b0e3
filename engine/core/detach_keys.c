/* Docker's detach keys (detach_keys.h). */
#include "engine/core/detach_keys.h"

#include <stdio.h>
#include <string.h>

size_t detach_keys_parse(const char *spec, unsigned char *keys, size_t max)
{
	size_t n = 0;
	char copy[128], *tok, *save = NULL;

	snprintf(copy, sizeof(copy), "%s", spec);
	for (tok = strtok_r(copy, ",", &save); tok && n < max; tok = strtok_r(NULL, ",", &save)) {
		if (strncmp(tok, "ctrl-", 5) == 0 && strlen(tok) == 6) {
			char c = tok[5];
			if (c >= 'a' && c <= 'z')
				keys[n++] = (unsigned char)(c - 'a' + 1);
			else if (c == '@')
				keys[n++] = 0;
			else if (c >= '[' && c <= '_')
				keys[n++] = (unsigned char)(c - '[' + 27);
		} else if (strlen(tok) == 1) {
			keys[n++] = (unsigned char)tok[0];
		}
	}
	return n;
}

size_t detach_keys_filter(const unsigned char *keys, size_t nkeys, size_t *matched,
			  const unsigned char *in, size_t n, unsigned char *out, bool *detached)
{
	size_t len = 0;

	*detached = false;
	for (size_t i = 0; i < n; i++) {
		if (nkeys && in[i] == keys[*matched]) {
			if (++*matched == nkeys) {
				*detached = true;
				return len;
			}
			continue;
		}
		/* a sequence broken off: what was held goes too */
		memcpy(out + len, keys, *matched);
		len += *matched;
		*matched = 0;
		out[len++] = in[i];
	}
	return len;
}
