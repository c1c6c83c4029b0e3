/* The docker CLI's context store, byte for byte as docker 28 keeps it:
 *   <config>/contexts/meta/<sha256 of name>/meta.json   0644, dirs 0755
 *     {"Name":"x","Metadata":{"Description":"..."},
 *      "Endpoints":{"docker":{"Host":"tcp://...","SkipTLSVerify":false}}}
 *   <config>/contexts/tls/<sha256 of name>/<endpoint>/{ca,cert,key}.pem
 *                                                        0600, dirs 0700
 * A context is handled as its meta.json object, so that what another
 * program stored beside the fields berth knows is kept. Errors carry the
 * docker CLI's words. */
#ifndef BERTH_REMOTE_CONTEXT_STORE_H
#define BERTH_REMOTE_CONTEXT_STORE_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "engine/core/error.h"

#define CONTEXT_DEFAULT "default"
#define CONTEXT_DOCKER_ENDPOINT "docker"

/* TLS material of one endpoint: each file's bytes, NULL when absent. */
struct context_tls {
	char *ca, *cert, *key;
	size_t ca_len, cert_len, key_len;
};

/* Frees the files and empties tls. */
void context_tls_free(struct context_tls *tls);

/* Whether any file is there. */
bool context_tls_any(const struct context_tls *tls);

/* Docker's rule for a new context's name: not empty, not "default",
 * ^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$. BERR_INVALID with docker's words. */
int context_name_check(const char *name, berr *err);

/* Go's sortorder.NaturalLess as a comparison: digit runs compare as
 * numbers ("c2" before "c10"), as docker orders its contexts. */
int context_name_cmp(const char *a, const char *b);

/* Where a context's files are (docker's StorageInfo). */
void context_store_paths(const char *config_dir, const char *name, char meta_dir[PATH_MAX],
			 char tls_dir[PATH_MAX]);

/* A context's meta.json object. A missing one is BERR_NOT_FOUND:
 * `context "x": context not found: open PATH: no such file or directory`. */
int context_store_get(const char *config_dir, const char *name, json_t **meta, berr *err);

/* Every stored context's meta.json object, in docker's order of names. A
 * store not made yet is empty. */
int context_store_list(const char *config_dir, json_t **metas, berr *err);

/* A context's meta as docker marshals it: Name, Metadata and Endpoints in
 * that order, empty ones left out, maps' keys sorted, the docker
 * endpoint's Host (left out when empty) and SkipTLSVerify. A new object. */
json_t *context_meta_json(json_t *meta);

/* Writes a context's meta.json ("Name" says which) as docker does:
 * context_meta_json's object, compact, with Go's escapes. */
int context_store_put(const char *config_dir, json_t *meta, berr *err);

/* Removes a context's meta and TLS directories; missing is fine. */
int context_store_remove(const char *config_dir, const char *name, berr *err);

/* The TLS files a context has, as docker lists them in inspect's
 * TLSMaterial: {"docker": ["ca.pem", "cert.pem", "key.pem"]}. */
int context_store_tls_list(const char *config_dir, const char *name, json_t **listing, berr *err);

/* An endpoint's ca.pem, cert.pem and key.pem read from the store; *found
 * says whether the endpoint has a TLS directory at all (docker then uses
 * TLS even if it is empty). */
int context_store_tls_get(const char *config_dir, const char *name, const char *endpoint,
			  struct context_tls *tls, bool *found, berr *err);

/* The path of one of an endpoint's TLS files ("ca.pem"...). */
void context_store_tls_path(const char *config_dir, const char *name, const char *endpoint,
			    const char *file, char path[PATH_MAX]);

/* Replaces an endpoint's TLS files with tls's (NULL: none are left). */
int context_store_tls_set(const char *config_dir, const char *name, const char *endpoint,
			  const struct context_tls *tls, berr *err);

/* Removes every TLS file of a context. */
int context_store_tls_clear(const char *config_dir, const char *name, berr *err);

/* Gives context to a copy of every TLS file of context from, endpoint by
 * endpoint, as docker's export and import do (to's own go first). */
int context_store_tls_copy(const char *config_dir, const char *from, const char *to, berr *err);

#endif
