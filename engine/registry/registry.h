/* A client of the distribution v2 API (any registry: Docker Hub's, Debian's
 * docker-registry, a mirror), and the user's credentials for registries in
 * Docker's config.json. It knows nothing of the image store: engine/image
 * pulls and pushes through it.
 *
 * A session talks to one repository of one registry: it picks the first
 * endpoint that answers (mirrors, then the registry; https, then http for
 * an insecure one), answers the registry's challenge (basic, or a bearer
 * token for the session's scope) and renews it when a token expires. Its
 * calls may run on several threads at once. */
#ifndef BERTH_REGISTRY_REGISTRY_H
#define BERTH_REGISTRY_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "engine/core/error.h"

struct registry_credentials {
	char username[256];
	char password[1024];
	char identity_token[4096]; /* an OAuth refresh token, instead of a password */
	char registry_token[4096]; /* a bearer token to use as it is */
	/* set by a lookup when config.json could not be read (Docker's
	 * "WARNING: Error parsing config file ..."): no credentials then */
	char warning[600];
};

/* --- credentials (credentials.c): $DOCKER_CONFIG/config.json, else
 * ~/.docker/config.json, shared with the docker CLI ------------------------ */

/* The config.json key of a registry: "https://index.docker.io/v1/" for
 * Docker Hub, else the domain ("localhost:5000"). */
void registry_credentials_key(const char *domain, char *out, size_t size);

/* The stored credentials for a registry (from credHelpers, credsStore or
 * auths); all empty when there are none. */
int registry_credentials_lookup(const char *domain, struct registry_credentials *out, berr *err);

/* Stores them (the registry's helper, else auths in config.json, 0600);
 * plaintext receives config.json's path when they went there ("" when a
 * helper keeps them). A config.json that is not valid JSON is left alone:
 * an error. */
int registry_credentials_save(const char *domain, const struct registry_credentials *cred,
			      char plaintext[4200], berr *err);

/* Forgets them; *found tells whether there were any (none when
 * config.json is not valid JSON: it is left alone). */
int registry_credentials_erase(const char *domain, bool *found, berr *err);

/* The Engine API's X-Registry-Auth / the "auth" argument of commands:
 * {"username", "password", "identitytoken", "registrytoken"}. */
void registry_credentials_from_json(json_t *auth, struct registry_credentials *out);

/* A command's credentials: its "auth" object when it has one (the Engine
 * API's X-Registry-Auth), else the user's stored ones. */
int registry_credentials_for(json_t *auth, const char *domain, struct registry_credentials *out,
			     berr *err);

/* --- sessions (session.c) ------------------------------------------------ */

struct registry_session;

/* Opens a session for domain/repo ("docker.io", "library/busybox"), for
 * pulling or, with push, for pushing too. cancel (may be NULL) aborts
 * every call when it becomes nonzero. */
int registry_session_open(const char *domain, const char *repo, bool push,
			  const struct registry_credentials *cred, const volatile int *cancel,
			  struct registry_session **out, berr *err);
void registry_session_close(struct registry_session *s);

/* The registry's error code of the last failed call ("MANIFEST_UNKNOWN",
 * "NAME_UNKNOWN", "DENIED", "UNAUTHORIZED"...), "" when none. */
const char *registry_session_error_code(struct registry_session *s);

/* "https://host:port" of the endpoint in use. */
const char *registry_session_endpoint(struct registry_session *s);

/* The Accept list of every manifest format berth reads. */
extern const char registry_manifest_types[];

/* Fetches a manifest by tag or digest, verified: by digest against it; by
 * tag against the registry's Docker-Content-Digest when it sends one.
 * media_type and digest receive what the manifest is. */
int registry_manifest_get(struct registry_session *s, const char *reference, char **body,
			  size_t *len, char media_type[128], char digest[72], berr *err);

/* Streams a blob from offset to sink (false stops it). *from receives the
 * offset the registry actually sends from (0 when it ignored the range). */
int registry_blob_get(struct registry_session *s, const char *digest, uint64_t offset,
		      bool (*sink)(void *user, const void *data, size_t len), void *user,
		      uint64_t *from, berr *err);

/* A small blob (a config) into memory, verified against its digest. */
int registry_blob_read(struct registry_session *s, const char *digest, size_t max, char **body,
		       size_t *len, berr *err);

/* Every tag of the repository (GET /v2/<repo>/tags/list, all pages). */
int registry_tags_list(struct registry_session *s, json_t **tags, berr *err);
/* An authorized GET of path (from the endpoint's root, "/v1/search?q=x"):
 * its status and body (malloc'd, at most max bytes); -1 only when no
 * answer came. */
int registry_get(struct registry_session *s, const char *path, size_t max, long *status,
		 char **body, size_t *len, berr *err);
/* A repository name a registry may list: lowercase letters, digits and
 * "._-/", no empty path component, under 256 bytes. */
bool registry_valid_repository(const char *name);
/* The repositories the registry lists (GET /v2/_catalog, page after page)
 * whose names hold word (any case; "" for all), at most limit of them, in
 * a session opened without a repository. */
int registry_catalog(struct registry_session *s, const char *word, size_t limit, json_t **names,
		     berr *err);
/* No exchange of the session goes past this many seconds from now. */
void registry_session_deadline(struct registry_session *s, int seconds);

/* --- pushing (session.c) ------------------------------------------------- */

/* Asks for pull access to another repository of the registry too (for
 * mounting its blobs). */
int registry_session_also_pull(struct registry_session *s, const char *repo, berr *err);

/* HEAD of a blob: whether the repository has it, and its size. */
int registry_blob_exists(struct registry_session *s, const char *digest, bool *exists,
			 int64_t *size, berr *err);

/* Mounts a blob of another repository of the registry; *mounted false
 * when the registry declined (then upload it). */
int registry_blob_mount(struct registry_session *s, const char *digest, const char *from,
			bool *mounted, berr *err);

/* Uploads len bytes of fd (from its start) as the blob digest; progress
 * (may be NULL) hears how many bytes went. */
int registry_blob_upload(struct registry_session *s, const char *digest, int fd, uint64_t len,
			 void (*progress)(void *user, uint64_t sent), void *user, berr *err);

/* PUT of a manifest under a tag or digest; digest receives its digest. */
int registry_manifest_put(struct registry_session *s, const char *reference,
			  const char *media_type, const char *body, size_t len, char digest[72],
			  berr *err);

/* --- login (session.c) --------------------------------------------------- */

/* Checks credentials against a registry, as docker login does. */
int registry_login_check(const char *domain, const struct registry_credentials *cred, berr *err);

#endif
