/* The registry client's pure parts: challenges, error bodies, base64,
 * server addresses, platforms and the progress text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/base64.h"
#include "engine/core/progress.h"
#include "engine/image/internal.h"
#include "engine/registry/auth.h"
#include "engine/registry/registry_module.h"

static void test_challenges(void **state)
{
	struct auth_challenge ch;

	(void)state;
	assert_int_equal(auth_parse_challenge("Bearer realm=\"https://auth.docker.io/token\","
					      "service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"",
					      &ch), 0);
	assert_int_equal(ch.scheme, AUTH_BEARER);
	assert_string_equal(ch.realm, "https://auth.docker.io/token");
	assert_string_equal(ch.service, "registry.docker.io");
	/* case, spaces, a token value and an escaped quote */
	assert_int_equal(auth_parse_challenge("bearer  realm = http://a/t , service=\"s\\\"x\"", &ch), 0);
	assert_string_equal(ch.realm, "http://a/t");
	assert_string_equal(ch.service, "s\"x");
	assert_int_equal(auth_parse_challenge("Basic realm=\"berth-test\"", &ch), 0);
	assert_int_equal(ch.scheme, AUTH_BASIC);
	assert_string_equal(ch.realm, "berth-test");
	/* no realm for a bearer, an unknown scheme, nothing */
	assert_int_equal(auth_parse_challenge("Bearer service=\"x\"", &ch), -1);
	assert_int_equal(auth_parse_challenge("Negotiate abc", &ch), -1);
	assert_int_equal(auth_parse_challenge("", &ch), -1);
	assert_int_equal(auth_parse_challenge("Bearerrealm=x", &ch), -1);
}

static void test_error_text(void **state)
{
	const char *body = "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\","
			   "\"detail\":{\"Tag\":\"x\"}}]}";
	char text[200], code[64];

	(void)state;
	auth_error_text(404, body, strlen(body), text, sizeof(text), code, sizeof(code));
	assert_string_equal(text, "manifest unknown: manifest unknown");
	assert_string_equal(code, "MANIFEST_UNKNOWN");
	auth_error_text(401, "", 0, text, sizeof(text), code, sizeof(code));
	assert_string_equal(text, "unauthorized: authentication required");
	assert_string_equal(code, "UNAUTHORIZED");
	auth_error_text(500, "<html>", 6, text, sizeof(text), code, sizeof(code));
	assert_string_equal(text, "received unexpected HTTP status: 500 Internal Server Error");
	assert_string_equal(code, "");
}

static void test_base64(void **state)
{
	static const char *const plain[] = {"", "a", "ab", "abc", "alice:s3cret", "\xff\xfe\x00", NULL};
	char *enc, *dec;
	size_t len;

	(void)state;
	for (int i = 0; plain[i]; i++) {
		enc = base64_encode(plain[i], strlen(plain[i]));
		dec = base64_decode(enc, &len);
		assert_non_null(dec);
		assert_int_equal(len, strlen(plain[i]));
		assert_memory_equal(dec, plain[i], len);
		free(enc);
		free(dec);
	}
	enc = base64_encode("alice:s3cret", 12);
	assert_string_equal(enc, "YWxpY2U6czNjcmV0");
	free(enc);
	/* URL-safe and unpadded (X-Registry-Auth) */
	dec = base64_decode("-_8", &len);
	assert_non_null(dec);
	assert_int_equal(len, 2);
	assert_int_equal((unsigned char)dec[0], 0xfb);
	assert_int_equal((unsigned char)dec[1], 0xff);
	free(dec);
	assert_null(base64_decode("a", NULL));
	assert_null(base64_decode("ab$d", NULL));
}

static void test_server_domain(void **state)
{
	char d[300];

	(void)state;
	registry_server_domain("", d, sizeof(d));
	assert_string_equal(d, "docker.io");
	registry_server_domain("https://index.docker.io/v1/", d, sizeof(d));
	assert_string_equal(d, "docker.io");
	registry_server_domain("http://localhost:5000/v2/", d, sizeof(d));
	assert_string_equal(d, "localhost:5000");
	registry_server_domain("127.0.0.1:5000", d, sizeof(d));
	assert_string_equal(d, "127.0.0.1:5000");
}

static void test_platforms(void **state)
{
	struct image_platform p;
	char text[200];
	berr err = {0};
	json_t *list = json_loads(
		"[{\"digest\":\"a\",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}},"
		" {\"digest\":\"b\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}},"
		" {\"digest\":\"c\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\",\"variant\":\"v3\"}},"
		" {\"digest\":\"d\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]",
		0, NULL);

	(void)state;
	assert_int_equal(image_platform_parse("linux/amd64", &p, &err), 0);
	assert_string_equal(json_string_value(json_object_get(image_platform_pick(&p, list), "digest")), "d");
	assert_int_equal(image_platform_parse("linux/amd64/v3", &p, &err), 0);
	assert_string_equal(json_string_value(json_object_get(image_platform_pick(&p, list), "digest")), "c");
	assert_int_equal(image_platform_parse("linux/arm/v7", &p, &err), 0);
	image_platform_format(&p, text, sizeof(text));
	assert_string_equal(text, "linux/arm/v7");
	assert_string_equal(json_string_value(json_object_get(image_platform_pick(&p, list), "digest")), "b");
	assert_int_equal(image_platform_parse("linux/aarch64", &p, &err), 0);
	assert_string_equal(p.architecture, "arm64");
	assert_null(image_platform_pick(&p, list));
	assert_int_equal(image_platform_parse("windows/amd64", &p, &err), -1);
	assert_int_equal(image_platform_parse("linux/amd64/v3/x", &p, &err), -1);
	json_decref(list);
}

static void test_progress(void **state)
{
	char text[200];

	(void)state;
	/* Docker's: a 50-column bar past 110 columns, the time left past 50 */
	progress_text(1083000, 20970000, 0, 0, 200, text, sizeof(text));
	assert_string_equal(text, "[==>                                                ]  1.083MB/20.97MB");
	progress_text(1083000, 20970000, 0, 0, 80, text, sizeof(text));
	assert_string_equal(text, " 1.083MB/20.97MB");
	progress_text(10000000, 20000000, 100, 110, 80, text, sizeof(text));
	assert_string_equal(text, "    10MB/20MB 10s");
	progress_text(0, 0, 0, 0, 80, text, sizeof(text));
	assert_string_equal(text, "");
	progress_text(5000, 0, 0, 0, 80, text, sizeof(text));
	assert_string_equal(text, "     5kB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_challenges),   cmocka_unit_test(test_error_text),
		cmocka_unit_test(test_base64),	     cmocka_unit_test(test_server_domain),
		cmocka_unit_test(test_platforms),    cmocka_unit_test(test_progress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
