/* Docker image references: "busybox", "user/app:1", "localhost:5000/a/b:v1",
 * "a/b@sha256:<64 hex>", parsed and printed the way distribution/reference
 * (ParseNormalizedNamed plus TagNameOnly) does.
 *
 * Grammar:
 *   reference := name [":" tag] ["@" digest]
 *   name      := [domain "/"] path-component ["/" path-component]*
 *   domain    := (domain-component ["." domain-component]* | "[" ipv6 "]") [":" port]
 *   domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
 *   path-component   := [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
 *   tag       := [\w][\w.-]{0,127}
 *   digest    := "sha256:" [a-f0-9]{64}
 * The first component is a domain when it contains '.' or ':', is
 * "localhost", or has an uppercase letter; otherwise the domain is docker.io
 * and one-component names get "library/". index.docker.io means docker.io.
 * The path is at most 255 characters. */
#ifndef BERTH_CORE_REFERENCE_H
#define BERTH_CORE_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/core/error.h"

struct image_ref {
	char domain[256]; /* "docker.io", "localhost:5000" */
	char path[256];   /* "library/busybox", "a/b" */
	char tag[129];    /* "latest"; empty when only a digest was given */
	char digest[80];  /* "sha256:<64 hex>" or empty */
};

/* Room for any reference ref_string prints, NUL included:
 * domain "/" path ":" tag "@" "sha256:" 64 hex. */
#define REF_STRING_SIZE (255 + 1 + 255 + 1 + 128 + 1 + 71 + 1)

/* Parses a familiar or fully qualified reference. The tag defaults to
 * "latest" when neither a tag nor a digest is given. Errors (BERR_INVALID):
 * "invalid reference format", "invalid reference format: repository name
 * (library/Busybox) must be lowercase", "invalid repository name (<64 hex>),
 * cannot specify 64-byte hexadecimal strings", "repository name must not be
 * more than 255 characters", and digest errors ("invalid checksum digest
 * length", "invalid checksum digest format", "unsupported digest
 * algorithm"; only sha256 is supported). */
int ref_parse_normalized(const char *text, struct image_ref *out, berr *err);

/* Fully qualified: "docker.io/library/busybox:latest", with "@digest" when set. */
void ref_string(const struct image_ref *r, char *buf, size_t n);

/* As users write it: "busybox:latest", "user/app:1", "localhost:5000/x:y". */
void ref_familiar(const struct image_ref *r, char *buf, size_t n);

/* The familiar name without tag or digest: "busybox", "user/app". */
void ref_familiar_name(const struct image_ref *r, char *buf, size_t n);

/* Fully qualified name without tag or digest: "docker.io/library/busybox". */
void ref_name(const struct image_ref *r, char *buf, size_t n);

/* True for [a-f0-9]{1,64}, optionally prefixed by "sha256:": something
 * that may be (a prefix of) an image or container ID. */
bool ref_is_hex_id_prefix(const char *text);

/* True for a valid tag: [\w][\w.-]{0,127}. */
bool ref_valid_tag(const char *tag);

#endif
