/* Kept logs as `logs` reads them (log_read.c): the input is decoded as
 * json-file lines and as local entries, whole and cut at every point a
 * reader could stop, and the bytes a decode says it used are never more
 * than it was given. The input, as a string, is also a tag template and a
 * receiver's address of each driver. */
#include "engine/logging/log_address.h"
#include "engine/logging/log_read.h"
#include "engine/logging/log_tag.h"
#include "fuzz/fuzz.h"

static int count(void *user, const struct log_entry *e)
{
	FUZZ_CHECK(e->stream == 1 || e->stream == 2);
	FUZZ_CHECK(e->line != NULL);
	(*(size_t *)user)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const enum log_store_format formats[] = {LOG_STORE_JSON, LOG_STORE_LOCAL};
	for (size_t f = 0; f < 2; f++) {
		size_t entries = 0, cut = size / 2;
		bool stopped;
		size_t used = log_decode(formats[f], (const char *)data, size, count, &entries,
					 &stopped);
		FUZZ_CHECK(used <= size);
		used = log_decode(formats[f], (const char *)data, cut, count, &entries, &stopped);
		FUZZ_CHECK(used <= cut);
	}
	char *s = fuzz_string(data, size);
	const struct log_context lc = {.id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
				       .name = "web", .image_id = "sha256:ab", .image_name = "img"};
	struct strbuf b = {0};
	log_tag_render(s, &lc, &b, NULL);
	strbuf_free(&b);
	struct log_address a;
	log_address_parse_syslog(s, &a, NULL);
	log_address_parse_gelf(s, &a, NULL);
	log_address_parse_fluentd(s, &a, NULL);
	free(s);
	return 0;
}
