/* Image references against the distribution/reference grammar and Docker's
 * normalization rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/reference.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define DIGEST "sha256:" HEX64

/* Parses text and checks the parts and all three printed forms. */
static void expect_ref(const char *text, const char *domain, const char *path, const char *tag,
		       const char *digest, const char *full, const char *familiar,
		       const char *familiar_name)
{
	struct image_ref r;
	berr err = {0};
	char buf[600];

	if (ref_parse_normalized(text, &r, &err) != 0)
		fail_msg("%s: %s", text, err.msg);
	assert_string_equal(r.domain, domain);
	assert_string_equal(r.path, path);
	assert_string_equal(r.tag, tag);
	assert_string_equal(r.digest, digest);
	ref_string(&r, buf, sizeof(buf));
	assert_string_equal(buf, full);
	ref_familiar(&r, buf, sizeof(buf));
	assert_string_equal(buf, familiar);
	ref_familiar_name(&r, buf, sizeof(buf));
	assert_string_equal(buf, familiar_name);
}

static void expect_invalid(const char *text, const char *msg)
{
	struct image_ref r;
	berr err = {0};

	memset(&r, 'x', sizeof(r));
	if (ref_parse_normalized(text, &r, &err) != -1)
		fail_msg("accepted %s", text);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_string_equal(err.msg, msg);
	/* Nothing half-parsed is left behind. */
	assert_string_equal(r.domain, "");
	assert_string_equal(r.path, "");
	assert_string_equal(r.tag, "");
}

static void test_official_images(void **state)
{
	(void)state;
	expect_ref("busybox", "docker.io", "library/busybox", "latest", "",
		   "docker.io/library/busybox:latest", "busybox:latest", "busybox");
	expect_ref("busybox:1.36", "docker.io", "library/busybox", "1.36", "",
		   "docker.io/library/busybox:1.36", "busybox:1.36", "busybox");
	expect_ref("docker.io/busybox", "docker.io", "library/busybox", "latest", "",
		   "docker.io/library/busybox:latest", "busybox:latest", "busybox");
	expect_ref("docker.io/library/busybox:musl", "docker.io", "library/busybox", "musl", "",
		   "docker.io/library/busybox:musl", "busybox:musl", "busybox");
	expect_ref("index.docker.io/busybox", "docker.io", "library/busybox", "latest", "",
		   "docker.io/library/busybox:latest", "busybox:latest", "busybox");
	expect_ref("library/busybox", "docker.io", "library/busybox", "latest", "",
		   "docker.io/library/busybox:latest", "busybox:latest", "busybox");
	/* Upper case is fine in a tag. */
	expect_ref("busybox:Latest_1", "docker.io", "library/busybox", "Latest_1", "",
		   "docker.io/library/busybox:Latest_1", "busybox:Latest_1", "busybox");
}

static void test_user_images(void **state)
{
	(void)state;
	expect_ref("user/app:1", "docker.io", "user/app", "1", "", "docker.io/user/app:1",
		   "user/app:1", "user/app");
	expect_ref("index.docker.io/user/app", "docker.io", "user/app", "latest", "",
		   "docker.io/user/app:latest", "user/app:latest", "user/app");
	/* "library/" is only dropped for a single component after it. */
	expect_ref("library/a/b", "docker.io", "library/a/b", "latest", "",
		   "docker.io/library/a/b:latest", "library/a/b:latest", "library/a/b");
	expect_ref("a/b/c/d", "docker.io", "a/b/c/d", "latest", "", "docker.io/a/b/c/d:latest",
		   "a/b/c/d:latest", "a/b/c/d");
}

static void test_registries(void **state)
{
	(void)state;
	expect_ref("localhost:5000/a/b:v1", "localhost:5000", "a/b", "v1", "",
		   "localhost:5000/a/b:v1", "localhost:5000/a/b:v1", "localhost:5000/a/b");
	expect_ref("localhost/foo", "localhost", "foo", "latest", "", "localhost/foo:latest",
		   "localhost/foo:latest", "localhost/foo");
	expect_ref("example.com/team/app", "example.com", "team/app", "latest", "",
		   "example.com/team/app:latest", "example.com/team/app:latest",
		   "example.com/team/app");
	expect_ref("registry:5000/app", "registry:5000", "app", "latest", "",
		   "registry:5000/app:latest", "registry:5000/app:latest", "registry:5000/app");
	expect_ref("127.0.0.1:5000/library/debian", "127.0.0.1:5000", "library/debian", "latest",
		   "", "127.0.0.1:5000/library/debian:latest",
		   "127.0.0.1:5000/library/debian:latest", "127.0.0.1:5000/library/debian");
	expect_ref("[fc00::1]:5000/docker", "[fc00::1]:5000", "docker", "latest", "",
		   "[fc00::1]:5000/docker:latest", "[fc00::1]:5000/docker:latest",
		   "[fc00::1]:5000/docker");
	/* Upper case in the first component makes it a domain. */
	expect_ref("Docker/docker", "Docker", "docker", "latest", "", "Docker/docker:latest",
		   "Docker/docker:latest", "Docker/docker");
	expect_ref("LOCALDOMAIN/library/debian", "LOCALDOMAIN", "library/debian", "latest", "",
		   "LOCALDOMAIN/library/debian:latest", "LOCALDOMAIN/library/debian:latest",
		   "LOCALDOMAIN/library/debian");
	/* A 64-hex path is fine once a domain makes it a name. */
	expect_ref("docker.io/" HEX64, "docker.io", "library/" HEX64, "latest", "",
		   "docker.io/library/" HEX64 ":latest", HEX64 ":latest", HEX64);
}

static void test_single_component_lookalikes(void **state)
{
	(void)state;
	/* Without a '/', the first component is never a domain. */
	expect_ref("localhost", "docker.io", "library/localhost", "latest", "",
		   "docker.io/library/localhost:latest", "localhost:latest", "localhost");
	expect_ref("localhost:5000", "docker.io", "library/localhost", "5000", "",
		   "docker.io/library/localhost:5000", "localhost:5000", "localhost");
	expect_ref("192.168.0.1", "docker.io", "library/192.168.0.1", "latest", "",
		   "docker.io/library/192.168.0.1:latest", "192.168.0.1:latest", "192.168.0.1");
	expect_ref("192.168.0.1:80", "docker.io", "library/192.168.0.1", "80", "",
		   "docker.io/library/192.168.0.1:80", "192.168.0.1:80", "192.168.0.1");
}

static void test_digests(void **state)
{
	(void)state;
	expect_ref("a/b@" DIGEST, "docker.io", "a/b", "", DIGEST, "docker.io/a/b@" DIGEST,
		   "a/b@" DIGEST, "a/b");
	expect_ref("busybox:1@" DIGEST, "docker.io", "library/busybox", "1", DIGEST,
		   "docker.io/library/busybox:1@" DIGEST, "busybox:1@" DIGEST, "busybox");
	expect_ref("localhost:5000/x@" DIGEST, "localhost:5000", "x", "", DIGEST,
		   "localhost:5000/x@" DIGEST, "localhost:5000/x@" DIGEST, "localhost:5000/x");
}

static void test_path_components(void **state)
{
	(void)state;
	expect_ref("g/a.b_c__d-e---f0", "docker.io", "g/a.b_c__d-e---f0", "latest", "",
		   "docker.io/g/a.b_c__d-e---f0:latest", "g/a.b_c__d-e---f0:latest",
		   "g/a.b_c__d-e---f0");
	expect_ref("a_b-c/d", "docker.io", "a_b-c/d", "latest", "", "docker.io/a_b-c/d:latest",
		   "a_b-c/d:latest", "a_b-c/d");
	expect_ref("d/docker", "docker.io", "d/docker", "latest", "",
		   "docker.io/d/docker:latest", "d/docker:latest", "d/docker");
	expect_ref("dock__er/docker", "docker.io", "dock__er/docker", "latest", "",
		   "docker.io/dock__er/docker:latest", "dock__er/docker:latest",
		   "dock__er/docker");
	/* 64 characters that are not all hex are an ordinary name. */
	expect_ref("thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
		   "docker.io",
		   "library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
		   "latest", "",
		   "docker.io/library/"
		   "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev:latest",
		   "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev:latest",
		   "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev");
}

static void test_invalid_formats(void **state)
{
	static const char *const bad[] = {
		"",
		":tag",
		"/a",
		"a/",
		"a//b",
		"a/b/",
		"docker///docker",
		"-docker",
		"-docker/docker",
		"docker-/docker",
		"-docker-/docker",
		"____/____",
		"_docker/_docker",
		"dock..er/docker",
		"dock_.er/docker",
		"dock-.er/docker",
		"dock___er/docker",
		"a.",
		"a:",
		"a@",
		"a:b:c",
		"a:-tag",
		"a:.tag",
		"a b",
		"a/b c",
		"https://github.com/docker/docker",
		"-docker.io/docker/docker",
		"[fc00::1]",
		"[fc00::1]:5000",
		"fc00::1:5000/debian",
		"[fe80::1%eth0]:5000/debian",
		"[2001:db8:3:4::192.0.2.33]:5000/debian",
		"[]:5000/x",
		"example.com:/x",
		"example.com:50a/x",
		"-example.com/x",
		"example-.com/x",
		"a@sha256:xyz",
		"a@sha256:0123",
		"a@:" HEX64,
		"a@1sha:" HEX64,
		"a@sha256+:" HEX64,
		"a@" HEX64,
		/* Go's regexp would read this as a path with no registry at all;
		 * berth requires the chosen first component to be a valid domain. */
		"exa_mple.com/x",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_invalid(bad[i], "invalid reference format");
}

static void test_uppercase_paths(void **state)
{
	(void)state;
	expect_invalid("Busybox",
		       "invalid reference format: repository name (library/Busybox) must be lowercase");
	expect_invalid("Busybox:latest",
		       "invalid reference format: repository name (library/Busybox) must be lowercase");
	expect_invalid("docker/Docker",
		       "invalid reference format: repository name (docker/Docker) must be lowercase");
	expect_invalid("docker.io/docker/Docker", "invalid reference format: repository name "
						  "(docker/Docker) must be lowercase");
	expect_invalid("localhost:5000/App",
		       "invalid reference format: repository name (App) must be lowercase");
}

static void test_hex_names_rejected(void **state)
{
	(void)state;
	expect_invalid(HEX64, "invalid repository name (" HEX64
			      "), cannot specify 64-byte hexadecimal strings");
	/* With a tag the text is no longer a bare identifier. */
	expect_ref(HEX64 ":v1", "docker.io", "library/" HEX64, "v1", "",
		   "docker.io/library/" HEX64 ":v1", HEX64 ":v1", HEX64);
}

static void test_digest_errors(void **state)
{
	(void)state;
	expect_invalid("a@sha256:" HEX64 "0", "invalid checksum digest length");
	expect_invalid("a@sha256:0123456789abcdef0123456789abcdef", "invalid checksum digest length");
	expect_invalid("a@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
		       "invalid checksum digest format");
	expect_invalid("a@sha512:" HEX64 HEX64, "unsupported digest algorithm");
	expect_invalid("a@md5:0123456789abcdef0123456789abcdef", "unsupported digest algorithm");
}

static void test_name_length(void **state)
{
	char text[300], msg[64];
	struct image_ref r;
	berr err = {0};

	(void)state;
	/* The path may have 255 characters, not 256. */
	memset(text, 'b', sizeof(text));
	memcpy(text, "a/", 2);
	text[255] = '\0';
	assert_int_equal(ref_parse_normalized(text, &r, &err), 0);
	assert_int_equal(strlen(r.path), 255);
	text[255] = 'b';
	text[256] = '\0';
	snprintf(msg, sizeof(msg), "repository name must not be more than 255 characters");
	expect_invalid(text, msg);
	/* "library/" counts: 247 characters become a 255-character path. */
	memset(text, 'c', 247);
	text[247] = '\0';
	assert_int_equal(ref_parse_normalized(text, &r, &err), 0);
	text[247] = 'c';
	text[248] = '\0';
	expect_invalid(text, msg);
}

static void test_huge_text(void **state)
{
	size_t n = 100000;
	char *huge = malloc(n + 1);

	(void)state;
	assert_non_null(huge);
	memset(huge, 'a', n);
	huge[n] = '\0';
	expect_invalid(huge, "repository name must not be more than 255 characters");
	/* A domain longer than the struct holds. */
	huge[n - 2] = '/';
	memcpy(huge, "a.", 2);
	expect_invalid(huge, "invalid reference format");
	free(huge);
}

static void test_tag_length(void **state)
{
	char text[200];
	struct image_ref r;
	berr err = {0};

	(void)state;
	memcpy(text, "busybox:", 8);
	memset(text + 8, 't', 128);
	text[8 + 128] = '\0';
	assert_int_equal(ref_parse_normalized(text, &r, &err), 0);
	assert_int_equal(strlen(r.tag), 128);
	text[8 + 128] = 't';
	text[8 + 129] = '\0';
	expect_invalid(text, "invalid reference format");
}

static void test_print_truncates_safely(void **state)
{
	struct image_ref r;
	berr err = {0};
	char buf[8];

	(void)state;
	assert_int_equal(ref_parse_normalized("localhost:5000/a/b:v1@" DIGEST, &r, &err), 0);
	ref_string(&r, buf, sizeof(buf));
	assert_string_equal(buf, "localho");
	ref_familiar(&r, buf, sizeof(buf));
	assert_string_equal(buf, "localho");
	ref_familiar_name(&r, buf, 1);
	assert_string_equal(buf, "");
	memset(buf, 'z', sizeof(buf));
	ref_string(&r, buf, 0);
	assert_int_equal(buf[0], 'z');
	ref_name(&r, buf, sizeof(buf));
	assert_string_equal(buf, "localho");
}

static void test_ref_name(void **state)
{
	struct image_ref r;
	berr err = {0};
	char buf[300];

	(void)state;
	assert_int_equal(ref_parse_normalized("busybox:1@" DIGEST, &r, &err), 0);
	ref_name(&r, buf, sizeof(buf));
	assert_string_equal(buf, "docker.io/library/busybox");
}

static void test_hex_id_prefix(void **state)
{
	(void)state;
	assert_true(ref_is_hex_id_prefix("a"));
	assert_true(ref_is_hex_id_prefix("0"));
	assert_true(ref_is_hex_id_prefix("abc123"));
	assert_true(ref_is_hex_id_prefix(HEX64));
	assert_true(ref_is_hex_id_prefix("sha256:abc"));
	assert_true(ref_is_hex_id_prefix(DIGEST));
	assert_false(ref_is_hex_id_prefix(""));
	assert_false(ref_is_hex_id_prefix("sha256:"));
	assert_false(ref_is_hex_id_prefix(HEX64 "0"));
	assert_false(ref_is_hex_id_prefix("ABC"));
	assert_false(ref_is_hex_id_prefix("abg"));
	assert_false(ref_is_hex_id_prefix("busybox"));
	assert_false(ref_is_hex_id_prefix("sha256:sha256:a"));
	assert_false(ref_is_hex_id_prefix("sha512:abc"));
	assert_false(ref_is_hex_id_prefix(" abc"));
}

static void test_valid_tag(void **state)
{
	char tag[140];

	(void)state;
	assert_true(ref_valid_tag("latest"));
	assert_true(ref_valid_tag("v1.0.2-rc1"));
	assert_true(ref_valid_tag("_private"));
	assert_true(ref_valid_tag("1"));
	assert_true(ref_valid_tag("UPPER_case.9-x"));
	assert_false(ref_valid_tag(""));
	assert_false(ref_valid_tag(".x"));
	assert_false(ref_valid_tag("-x"));
	assert_false(ref_valid_tag("a/b"));
	assert_false(ref_valid_tag("a:b"));
	assert_false(ref_valid_tag("a@b"));
	assert_false(ref_valid_tag("a b"));
	assert_false(ref_valid_tag("caf\xc3\xa9"));
	memset(tag, 'x', sizeof(tag));
	tag[128] = '\0';
	assert_true(ref_valid_tag(tag));
	tag[128] = 'x';
	tag[129] = '\0';
	assert_false(ref_valid_tag(tag));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_official_images),
		cmocka_unit_test(test_user_images),
		cmocka_unit_test(test_registries),
		cmocka_unit_test(test_single_component_lookalikes),
		cmocka_unit_test(test_digests),
		cmocka_unit_test(test_path_components),
		cmocka_unit_test(test_invalid_formats),
		cmocka_unit_test(test_uppercase_paths),
		cmocka_unit_test(test_hex_names_rejected),
		cmocka_unit_test(test_digest_errors),
		cmocka_unit_test(test_name_length),
		cmocka_unit_test(test_huge_text),
		cmocka_unit_test(test_tag_length),
		cmocka_unit_test(test_print_truncates_safely),
		cmocka_unit_test(test_ref_name),
		cmocka_unit_test(test_hex_id_prefix),
		cmocka_unit_test(test_valid_tag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
