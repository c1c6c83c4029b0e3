/* What a registry sends that berth parses itself: the WWW-Authenticate
 * challenge of a 401 (first line), an error body, a manifest list's
 * platform choice (the rest, as JSON), and base64 (config.json's auth, the
 * API's X-Registry-Auth). A challenge that parses has a scheme and, for a
 * bearer, a realm; base64 gives back what it encoded. */
#include <string.h>

#include "engine/core/base64.h"
#include "engine/image/internal.h"
#include "engine/registry/auth.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *cursor = text;
	char *header = fuzz_next_line(&cursor);
	const char *rest = cursor ? cursor : "";
	struct auth_challenge ch;
	struct image_platform want;
	char message[256], code[64];
	char *encoded, *decoded;
	size_t len;
	json_t *doc;
	berr err = {0};

	if (header && auth_parse_challenge(header, &ch) == 0) {
		FUZZ_CHECK(ch.scheme == AUTH_BASIC || ch.scheme == AUTH_BEARER);
		FUZZ_CHECK(ch.scheme != AUTH_BEARER || ch.realm[0]);
		FUZZ_CHECK(strlen(ch.realm) < sizeof(ch.realm) && strlen(ch.service) < sizeof(ch.service));
	}
	auth_error_text(size % 600, rest, strlen(rest), message, sizeof(message), code, sizeof(code));
	FUZZ_CHECK(message[0] && strlen(code) < sizeof(code));
	doc = json_loads(rest, 0, NULL);
	if (doc && image_platform_parse(header && *header ? header : NULL, &want, &err) == 0) {
		json_t *chosen = image_platform_pick(&want, json_object_get(doc, "manifests"));
		FUZZ_CHECK(!chosen || image_platform_matches(&want, json_object_get(chosen, "platform")));
	}
	json_decref(doc);
	decoded = base64_decode(rest, &len);
	free(decoded);
	encoded = base64_encode(data, size);
	FUZZ_CHECK(encoded);
	decoded = base64_decode(encoded, &len);
	FUZZ_CHECK(decoded && len == size && memcmp(decoded, data, size) == 0);
	free(decoded);
	free(encoded);
	free(text);
	return 0;
}
