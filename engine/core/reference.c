/* Image references: parsing with Docker's normalization, and printing. */
#include "engine/core/reference.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_DOMAIN "docker.io"
#define LEGACY_DEFAULT_DOMAIN "index.docker.io"
#define OFFICIAL_PREFIX "library/"
#define NAME_MAX_LEN 255

/* [a-z0-9] */
static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [a-zA-Z0-9] */
static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* \w: [a-zA-Z0-9_] */
static bool is_word(char c)
{
	return is_alnum(c) || c == '_';
}

/* [0-9a-fA-F] */
static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* [0-9a-f] */
static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* True when s[0..n) holds an ASCII uppercase letter. */
static bool has_upper(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			return true;
	return false;
}

/* [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)* over exactly n bytes. */
static bool valid_path_component(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (!is_lower_alnum(s[i]))
			return false;
		while (i < n && is_lower_alnum(s[i]))
			i++;
		if (i == n)
			return true;
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i++;
			if (i < n && s[i] == '_')
				i++;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return false;
		}
		/* A separator must be followed by more alphanumerics. */
		if (i == n)
			return false;
	}
	return n > 0;
}

/* path-component ("/" path-component)* */
static bool valid_path(const char *s, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '/') {
			if (!valid_path_component(s + start, i - start))
				return false;
			start = i + 1;
		}
	}
	return true;
}

/* [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9] */
static bool valid_domain_component(const char *s, size_t n)
{
	if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

/* [0-9]+ over exactly n bytes. */
static bool valid_port(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* host [":" port], host being dotted domain components or "[ipv6]". */
static bool valid_domain(const char *s)
{
	size_t n = strlen(s), host_end;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close == s + 1)
			return false;
		for (const char *p = s + 1; p < close; p++)
			if (!is_hex(*p) && *p != ':')
				return false;
		host_end = (size_t)(close - s) + 1;
	} else {
		size_t start = 0;

		host_end = strcspn(s, ":");
		for (size_t i = 0; i <= host_end; i++) {
			if (i == host_end || s[i] == '.') {
				if (!valid_domain_component(s + start, i - start))
					return false;
				start = i + 1;
			}
		}
	}
	if (host_end == n)
		return true;
	return s[host_end] == ':' && valid_port(s + host_end + 1, n - host_end - 1);
}

/* Checks a tag against [\w][\w.-]{0,127}. */
bool ref_valid_tag(const char *tag)
{
	size_t n = strlen(tag);

	if (n == 0 || n > 128 || !is_word(tag[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_word(tag[i]) && tag[i] != '.' && tag[i] != '-')
			return false;
	return true;
}

/* [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)* ":" [0-9a-fA-F]{32,} */
static bool digest_grammar(const char *s)
{
	const char *colon = strchr(s, ':');
	size_t hexlen;

	if (!colon)
		return false;
	for (const char *p = s; p < colon;) {
		bool letter = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');

		if (!letter)
			return false;
		while (p < colon && is_alnum(*p))
			p++;
		if (p == colon)
			break;
		if (!strchr("-_+.", *p))
			return false;
		p++;
		if (p == colon)
			return false;
	}
	if (colon == s)
		return false;
	hexlen = strlen(colon + 1);
	if (hexlen < 32)
		return false;
	for (size_t i = 0; i < hexlen; i++)
		if (!is_hex(colon[1 + i]))
			return false;
	return true;
}

/* go-digest's checks once the grammar matched: a known algorithm, the right
 * length, lowercase hex. */
static int digest_check(const char *s, berr *err)
{
	const char *hex = strchr(s, ':') + 1;

	if ((size_t)(hex - s) != 7 || memcmp(s, "sha256:", 7) != 0)
		return berr_set(err, BERR_INVALID, "unsupported digest algorithm");
	if (strlen(hex) != 64)
		return berr_set(err, BERR_INVALID, "invalid checksum digest length");
	for (size_t i = 0; i < 64; i++)
		if (!is_lower_hex(hex[i]))
			return berr_set(err, BERR_INVALID, "invalid checksum digest format");
	return 0;
}

/* True when s[0..n) is all lowercase hex. */
static bool is_hex_id(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_lower_hex(s[i]))
			return false;
	return true;
}

/* Docker's choice of domain and remainder (splitDockerDomain). */
static int split_domain(const char *text, struct image_ref *out, char *rest, size_t rest_size)
{
	const char *slash = strchr(text, '/');
	const char *remainder = text;
	size_t first = slash ? (size_t)(slash - text) : 0;
	int len;

	snprintf(out->domain, sizeof(out->domain), "%s", DEFAULT_DOMAIN);
	if (slash) {
		bool domain = (first == 9 && memcmp(text, "localhost", 9) == 0) ||
			      memchr(text, '.', first) || memchr(text, ':', first) ||
			      has_upper(text, first);

		if (domain) {
			if (first >= sizeof(out->domain))
				return -1;
			if (!(first == strlen(LEGACY_DEFAULT_DOMAIN) &&
			      memcmp(text, LEGACY_DEFAULT_DOMAIN, first) == 0))
				snprintf(out->domain, sizeof(out->domain), "%.*s", (int)first, text);
			remainder = slash + 1;
		}
	}
	if (strcmp(out->domain, DEFAULT_DOMAIN) == 0 && !strchr(remainder, '/'))
		len = snprintf(rest, rest_size, "%s%s", OFFICIAL_PREFIX, remainder);
	else
		len = snprintf(rest, rest_size, "%s", remainder);
	return len < 0 || (size_t)len >= rest_size ? -1 : 0;
}

/* Splits "path[:tag][@digest]" and checks each part against the grammar. */
static int parse_remainder(char *rest, struct image_ref *out, berr *err)
{
	char *at = strchr(rest, '@');
	char *colon;
	size_t path_len;

	if (at) {
		*at = '\0';
		if (!digest_grammar(at + 1))
			return berr_set(err, BERR_INVALID, "invalid reference format");
	}
	colon = strchr(rest, ':');
	if (colon) {
		*colon = '\0';
		if (!ref_valid_tag(colon + 1))
			return berr_set(err, BERR_INVALID, "invalid reference format");
	}
	path_len = strlen(rest);
	if (!valid_path(rest, path_len) || !valid_domain(out->domain))
		return berr_set(err, BERR_INVALID, "invalid reference format");
	if (path_len > NAME_MAX_LEN)
		return berr_set(err, BERR_INVALID,
				"repository name must not be more than %d characters", NAME_MAX_LEN);
	/* A digest that passes is "sha256:" and 64 hex digits: it fits. */
	if (at && digest_check(at + 1, err) < 0)
		return -1;
	memcpy(out->path, rest, path_len + 1);
	if (colon)
		snprintf(out->tag, sizeof(out->tag), "%s", colon + 1);
	if (at)
		snprintf(out->digest, sizeof(out->digest), "%s", at + 1);
	return 0;
}

/* Parses a reference the way `docker pull` and `docker run` read it. */
int ref_parse_normalized(const char *text, struct image_ref *out, berr *err)
{
	size_t remote_len, n = strlen(text), rest_size = n + sizeof(OFFICIAL_PREFIX);
	char *rest;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (n == 64 && is_hex_id(text, n))
		return berr_set(err, BERR_INVALID,
				"invalid repository name (%s), cannot specify 64-byte hexadecimal "
				"strings",
				text);
	rest = malloc(rest_size);
	if (!rest)
		return berr_errno(err, ENOMEM, "parsing reference");
	if (split_domain(text, out, rest, rest_size) < 0) {
		berr_set(err, BERR_INVALID, "invalid reference format");
		goto out;
	}
	remote_len = strcspn(rest, ":");
	if (has_upper(rest, remote_len)) {
		berr_set(err, BERR_INVALID,
			 "invalid reference format: repository name (%.*s) must be lowercase",
			 (int)remote_len, rest);
		goto out;
	}
	if (parse_remainder(rest, out, err) < 0)
		goto out;
	if (!out->tag[0] && !out->digest[0])
		snprintf(out->tag, sizeof(out->tag), "latest");
	rc = 0;
out:
	free(rest);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* Appends ":tag" and "@digest" when present. */
static void append_tag_digest(const struct image_ref *r, char *buf, size_t n)
{
	size_t len = strlen(buf);

	if (r->tag[0] && len < n)
		len += (size_t)snprintf(buf + len, n - len, ":%s", r->tag);
	if (r->digest[0] && len < n)
		snprintf(buf + len, n - len, "@%s", r->digest);
}

/* domain/path. */
void ref_name(const struct image_ref *r, char *buf, size_t n)
{
	if (n == 0)
		return;
	snprintf(buf, n, "%s/%s", r->domain, r->path);
}

/* domain/path[:tag][@digest]. */
void ref_string(const struct image_ref *r, char *buf, size_t n)
{
	if (n == 0)
		return;
	ref_name(r, buf, n);
	append_tag_digest(r, buf, n);
}

/* The name without docker.io/ and, for official images, library/. */
void ref_familiar_name(const struct image_ref *r, char *buf, size_t n)
{
	const char *path = r->path;

	if (n == 0)
		return;
	if (strcmp(r->domain, DEFAULT_DOMAIN) != 0) {
		snprintf(buf, n, "%s/%s", r->domain, r->path);
		return;
	}
	/* Official images drop "library/", but only without deeper nesting. */
	if (strncmp(path, OFFICIAL_PREFIX, strlen(OFFICIAL_PREFIX)) == 0 &&
	    !strchr(path + strlen(OFFICIAL_PREFIX), '/'))
		path += strlen(OFFICIAL_PREFIX);
	snprintf(buf, n, "%s", path);
}

/* The familiar name with its tag and digest. */
void ref_familiar(const struct image_ref *r, char *buf, size_t n)
{
	if (n == 0)
		return;
	ref_familiar_name(r, buf, n);
	append_tag_digest(r, buf, n);
}

/* Whether text could be an ID or a prefix of one. */
bool ref_is_hex_id_prefix(const char *text)
{
	size_t n;

	if (strncmp(text, "sha256:", 7) == 0)
		text += 7;
	n = strlen(text);
	return n >= 1 && n <= 64 && is_hex_id(text, n);
}
