/* The registry's side of authentication: the WWW-Authenticate challenge
 * of a 401, and the bearer token a token server hands out for a scope
 * ("repository:library/busybox:pull"). */
#ifndef BERTH_REGISTRY_AUTH_H
#define BERTH_REGISTRY_AUTH_H

#include <stddef.h>

#include "engine/core/error.h"
#include "engine/registry/http.h"
#include "engine/registry/registry.h"

enum auth_scheme { AUTH_NONE, AUTH_BASIC, AUTH_BEARER };

struct auth_challenge {
	enum auth_scheme scheme;
	char realm[1024];
	char service[512];
};

/* Parses a WWW-Authenticate value (`Bearer realm="...",service="..."`,
 * `Basic realm="..."`); -1 when no scheme berth speaks is in it. */
int auth_parse_challenge(const char *header, struct auth_challenge *out);

/* "Basic <base64 user:password>" into out; -1 without a username. */
int auth_basic_header(const struct registry_credentials *cred, char *out, size_t size);

/* Fetches a token for the scopes (space separated) from the challenge's
 * realm, with the credentials (basic, or an identity token as an OAuth
 * refresh token); "Bearer <token>" into out. */
int auth_fetch_token(CURL *curl, const struct registry_transport *transport,
		     const struct auth_challenge *ch, const char *scopes,
		     const struct registry_credentials *cred, const volatile int *cancel, char *out,
		     size_t size, berr *err);

/* Docker's text for a registry's error body: "manifest unknown: manifest
 * unknown" from {"errors":[{"code":"MANIFEST_UNKNOWN","message":...}]};
 * code receives the first error's code ("" when the body has none). With
 * no body, the status ("unauthorized: authentication required" for 401,
 * "404 Not Found"...). */
void auth_error_text(long status, const char *body, size_t len, char *text, size_t size,
		     char *code, size_t code_size);

#endif
