/* The docker CLI's context store: meta.json per context and its TLS
 * files, under directories named by the sha256 of the context's name. */
#include "engine/remote/context_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/fsutil.h"
#include "engine/core/json_kind.h"
#include "engine/core/sha256.h"
#include "engine/remote/files.h"

#define META_FILE "meta.json"
#define FILE_MAX (10u << 20) /* docker's limit on a context file it imports */
#define LIST_DEPTH 16        /* how deep the store's meta folder is walked */

static const char *const tls_files[] = {"ca.pem", "cert.pem", "key.pem"};

void context_tls_free(struct context_tls *tls)
{
	free(tls->ca);
	free(tls->cert);
	free(tls->key);
	memset(tls, 0, sizeof(*tls));
}

bool context_tls_any(const struct context_tls *tls)
{
	return tls && (tls->ca || tls->cert || tls->key);
}

/* The slot of tls for one of docker's file names (and its length's in
 * *len), or NULL for any other name. */
static char **tls_slot(struct context_tls *tls, const char *file, size_t **len)
{
	if (strcmp(file, "ca.pem") == 0) {
		*len = &tls->ca_len;
		return &tls->ca;
	}
	if (strcmp(file, "cert.pem") == 0) {
		*len = &tls->cert_len;
		return &tls->cert;
	}
	if (strcmp(file, "key.pem") == 0) {
		*len = &tls->key_len;
		return &tls->key;
	}
	return NULL;
}

int context_name_check(const char *name, berr *err)
{
	static const char pattern[] = "^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$";
	char quoted[600], quoted_pattern[64];
	bool ok = name[0] && name[1];

	if (!name[0])
		return berr_set(err, BERR_INVALID, "context name cannot be empty");
	if (strcmp(name, CONTEXT_DEFAULT) == 0)
		return berr_set(err, BERR_INVALID, "\"default\" is a reserved context name");
	for (const char *p = name; ok && *p; p++) {
		unsigned char c = (unsigned char)*p;
		bool alnum = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
		alnum = alnum || (c >= '0' && c <= '9');
		ok = alnum || (p > name && strchr("_.+-", c));
	}
	if (ok)
		return 0;
	return berr_set(err, BERR_INVALID,
			"context name %s is invalid, names are validated against regexp %s",
			remote_go_quote(name, quoted, sizeof(quoted)),
			remote_go_quote(pattern, quoted_pattern, sizeof(quoted_pattern)));
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int context_name_cmp(const char *a, const char *b)
{
	size_t i = 0, j = 0, la = strlen(a), lb = strlen(b);

	while (i < la && j < lb) {
		bool da = is_digit(a[i]), db = is_digit(b[j]);
		if (da != db)
			return da ? -1 : 1; /* digits before anything else */
		if (!da) {
			if (a[i] != b[j])
				return (unsigned char)a[i] < (unsigned char)b[j] ? -1 : 1;
			i++;
			j++;
			continue;
		}
		/* two numbers: without their leading zeros, the shorter is less,
		 * then the smaller; equal ones, the one with fewer zeros */
		while (i < la && a[i] == '0')
			i++;
		while (j < lb && b[j] == '0')
			j++;
		size_t na = i, nb = j;
		while (i < la && is_digit(a[i]))
			i++;
		while (j < lb && is_digit(b[j]))
			j++;
		if (i - na != j - nb)
			return i - na < j - nb ? -1 : 1;
		int c = memcmp(a + na, b + nb, i - na);
		if (c)
			return c < 0 ? -1 : 1;
		if (na != nb)
			return na < nb ? -1 : 1;
	}
	if (la - i == lb - j)
		return 0;
	return la < lb ? -1 : 1;
}

/* The folder a context's files are kept under: sha256 of its name. */
static void context_id(const char *name, char id[SHA256_HEX_SIZE])
{
	sha256_data_hex(name, strlen(name), id);
}

void context_store_paths(const char *config_dir, const char *name, char meta_dir[PATH_MAX],
			 char tls_dir[PATH_MAX])
{
	char id[SHA256_HEX_SIZE];

	context_id(name, id);
	if (meta_dir)
		snprintf(meta_dir, PATH_MAX, "%s/contexts/meta/%s", config_dir, id);
	if (tls_dir)
		snprintf(tls_dir, PATH_MAX, "%s/contexts/tls/%s", config_dir, id);
}

void context_store_tls_path(const char *config_dir, const char *name, const char *endpoint,
			    const char *file, char path[PATH_MAX])
{
	char tls_dir[PATH_MAX];

	context_store_paths(config_dir, name, NULL, tls_dir);
	snprintf(path, PATH_MAX, "%s/%s/%s", tls_dir, endpoint, file);
}

/* A Go decoding error of meta.json at path. */
static int parse_error(berr *err, const char *path, const char *what, json_t *v, const char *type)
{
	return berr_set(err, BERR_INVALID,
			"parsing %s: json: cannot unmarshal %s into Go %s of type %s", path,
			json_kind_name(v), what, type);
}

/* Checks that a meta.json object has the types docker's decoder wants. */
static int check_meta(json_t *meta, const char *path, berr *err)
{
	json_t *name = remote_json_get(meta, "Name"), *md = remote_json_get(meta, "Metadata");
	json_t *eps = remote_json_get(meta, "Endpoints"), *docker, *v;

	if (!json_is_object(meta))
		return parse_error(err, path, "value", meta, "store.untypedContextMetadata");
	if (name && !json_is_string(name) && !json_is_null(name))
		return parse_error(err, path, "struct field untypedContextMetadata.name", name,
				   "string");
	if (md && !json_is_object(md) && !json_is_null(md))
		return parse_error(err, path, "value", md, "map[string]interface {}");
	v = remote_json_get(md, "Description");
	if (v && !json_is_string(v))
		return parse_error(err, path, "value", v, "string");
	if (eps && !json_is_object(eps) && !json_is_null(eps))
		return parse_error(err, path, "struct field untypedContextMetadata.endpoints", eps,
				   "map[string]json.RawMessage");
	docker = remote_json_get(eps, CONTEXT_DOCKER_ENDPOINT);
	if (docker && !json_is_object(docker) && !json_is_null(docker))
		return parse_error(err, path, "value", docker, "context.EndpointMetaBase");
	v = remote_json_get(docker, "Host");
	if (v && !json_is_string(v) && !json_is_null(v))
		return parse_error(err, path, "struct field EndpointMetaBase.Host", v, "string");
	v = remote_json_get(docker, "SkipTLSVerify");
	if (v && !json_is_boolean(v) && !json_is_null(v))
		return parse_error(err, path, "struct field EndpointMetaBase.SkipTLSVerify", v, "bool");
	return 0;
}

/* Reads and checks the meta.json in dir (docker's getByID). */
static int read_meta(const char *dir, json_t **meta, berr *err)
{
	char path[PATH_MAX], *text;
	json_error_t jerr;
	size_t len;

	snprintf(path, sizeof(path), "%s/" META_FILE, dir);
	if (remote_file_read(path, FILE_MAX, &text, &len, err) < 0) {
		if (err->kind == BERR_NOT_FOUND)
			berr_prefix(err, "context not found");
		return -1;
	}
	*meta = json_loadb(text, len, JSON_DECODE_ANY, &jerr);
	free(text);
	if (!*meta)
		return berr_set(err, BERR_INVALID, "parsing %s: %s", path, jerr.text);
	if (check_meta(*meta, path, err) < 0) {
		json_decref(*meta);
		*meta = NULL;
		return -1;
	}
	return 0;
}

int context_store_get(const char *config_dir, const char *name, json_t **meta, berr *err)
{
	char dir[PATH_MAX], quoted[600];

	context_store_paths(config_dir, name, dir, NULL);
	if (read_meta(dir, meta, err) < 0)
		return berr_prefix(err, "context %s", remote_go_quote(name, quoted, sizeof(quoted)));
	return 0;
}

/* The name a meta.json object gives. */
static const char *meta_name(json_t *meta)
{
	const char *name = json_string_value(remote_json_get(meta, "Name"));

	return name ? name : "";
}

static int by_meta_name(const void *a, const void *b)
{
	json_t *const *x = a, *const *y = b;

	return context_name_cmp(meta_name(*x), meta_name(*y));
}

/* Adds the contexts found under dir (docker walks every level: a folder
 * holding a meta.json file is a context, and its subfolders are walked
 * too). Symlinks are not followed into. */
static int list_dir(const char *dir, int depth, json_t *out, berr *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char text[128];
	int rc = 0;

	if (!d) {
		if (errno == ENOENT && depth == 0)
			return 0;
		return berr_set(err, BERR_SYSTEM, "open %s: %s", dir,
				remote_errno_text(errno, text, sizeof(text)));
	}
	while (rc == 0 && (e = readdir(d))) {
		char sub[PATH_MAX], meta_path[PATH_MAX];
		struct stat st;
		json_t *meta;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if (lstat(sub, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		snprintf(meta_path, sizeof(meta_path), "%s/" META_FILE, sub);
		if (stat(meta_path, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (read_meta(sub, &meta, err) == 0)
				json_array_append_new(out, meta);
			else if (err->kind != BERR_NOT_FOUND)
				rc = berr_prefix(err, "failed to read metadata");
			else
				berr_clear(err); /* gone meanwhile: docker skips it */
		}
		if (rc == 0 && depth < LIST_DEPTH)
			rc = list_dir(sub, depth + 1, out, err);
	}
	closedir(d);
	return rc;
}

int context_store_list(const char *config_dir, json_t **metas, berr *err)
{
	char root[PATH_MAX];
	json_t *found = json_array(), **items;
	size_t n, i;

	snprintf(root, sizeof(root), "%s/contexts/meta", config_dir);
	if (list_dir(root, 0, found, err) < 0) {
		json_decref(found);
		return -1;
	}
	n = json_array_size(found);
	items = calloc(n ? n : 1, sizeof(*items));
	if (!items) {
		json_decref(found);
		return berr_errno(err, ENOMEM, "listing contexts");
	}
	for (i = 0; i < n; i++)
		items[i] = json_array_get(found, i);
	qsort(items, n, sizeof(*items), by_meta_name);
	*metas = json_array();
	for (i = 0; i < n; i++)
		json_array_append(*metas, items[i]);
	free(items);
	json_decref(found);
	return 0;
}

/* A copy of v with every object's keys sorted, as Go marshals a map. */
static json_t *sorted_copy(json_t *v)
{
	const char *key, **keys;
	json_t *copy, *item;
	size_t n = json_object_size(v), i = 0;

	if (json_is_array(v)) {
		copy = json_array();
		json_array_foreach(v, i, item)
			json_array_append_new(copy, sorted_copy(item));
		return copy;
	}
	if (!json_is_object(v) || !(keys = calloc(n ? n : 1, sizeof(*keys))))
		return json_deep_copy(v);
	json_object_foreach(v, key, item)
		keys[i++] = key;
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
			const char *t = keys[b];
			keys[b] = keys[b - 1];
			keys[b - 1] = t;
		}
	copy = json_object();
	for (i = 0; i < n; i++)
		json_object_set_new(copy, keys[i], sorted_copy(json_object_get(v, keys[i])));
	free(keys);
	return copy;
}

/* The docker endpoint as docker's typed EndpointMeta marshals it. */
static json_t *docker_endpoint_json(json_t *ep)
{
	const char *host = json_string_value(remote_json_get(ep, "Host"));
	json_t *out = json_object();

	if (host && *host)
		json_object_set_new(out, "Host", json_string(host));
	json_object_set_new(out, "SkipTLSVerify",
			    json_boolean(json_is_true(remote_json_get(ep, "SkipTLSVerify"))));
	return out;
}

json_t *context_meta_json(json_t *meta)
{
	json_t *out = json_object(), *md = remote_json_get(meta, "Metadata");
	json_t *eps = remote_json_get(meta, "Endpoints"), *v;
	const char *name = meta_name(meta), *key;

	if (*name)
		json_object_set_new(out, "Name", json_string(name));
	if (json_is_object(md)) {
		json_t *copy = sorted_copy(md);
		const char *desc = json_string_value(json_object_get(copy, "Description"));
		if (desc && !*desc)
			json_object_del(copy, "Description");
		json_object_set_new(out, "Metadata", copy);
	}
	if (json_object_size(eps)) {
		json_t *sorted = sorted_copy(eps);
		json_object_foreach(sorted, key, v)
			if (strcmp(key, CONTEXT_DOCKER_ENDPOINT) == 0 && json_is_object(v))
				json_object_set_new(sorted, key, docker_endpoint_json(v));
		json_object_set_new(out, "Endpoints", sorted);
	}
	return out;
}

int context_store_put(const char *config_dir, json_t *meta, berr *err)
{
	char dir[PATH_MAX], path[PATH_MAX], *text;
	json_t *out = context_meta_json(meta);
	int rc;

	context_store_paths(config_dir, meta_name(meta), dir, NULL);
	snprintf(path, sizeof(path), "%s/" META_FILE, dir);
	text = remote_json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(out);
	if (!text)
		return berr_errno(err, ENOMEM, "writing %s", path);
	rc = remote_mkdir_all(dir, 0755, err);
	if (rc == 0)
		rc = remote_file_write(path, text, strlen(text), 0644, NULL, err);
	free(text);
	return rc;
}

int context_store_remove(const char *config_dir, const char *name, berr *err)
{
	char meta_dir[PATH_MAX], tls_dir[PATH_MAX];

	context_store_paths(config_dir, name, meta_dir, tls_dir);
	if (fs_remove_tree(meta_dir, err) < 0)
		return berr_prefix(err, "failed to remove context %s: failed to remove metadata",
				   name);
	if (fs_remove_tree(tls_dir, err) < 0)
		return berr_prefix(err, "failed to remove context %s: failed to remove TLS data",
				   name);
	return 0;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir, sorted (os.ReadDir's order): folders when dirs, the
 * rest otherwise. NULL-terminated and malloc'd; *missing when dir is not
 * there. */
static char **dir_names(const char *dir, bool dirs, bool *missing, berr *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, text[128];
	size_t n = 0;

	*missing = false;
	if (!d) {
		if (errno == ENOENT) {
			*missing = true;
			return calloc(1, sizeof(char *));
		}
		berr_set(err, BERR_SYSTEM, "open %s: %s", dir,
			 remote_errno_text(errno, text, sizeof(text)));
		return NULL;
	}
	names = calloc(1, sizeof(char *));
	while (names && (e = readdir(d))) {
		char sub[PATH_MAX];
		struct stat st;
		char **grown;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if (lstat(sub, &st) < 0 || S_ISDIR(st.st_mode) != dirs)
			continue;
		grown = realloc(names, (n + 2) * sizeof(char *));
		if (!grown)
			break;
		names = grown;
		names[n++] = strdup(e->d_name);
		names[n] = NULL;
	}
	closedir(d);
	if (names)
		qsort(names, n, sizeof(char *), by_string);
	else
		berr_errno(err, ENOMEM, "listing %s", dir);
	return names;
}

static void names_free(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

int context_store_tls_list(const char *config_dir, const char *name, json_t **listing, berr *err)
{
	char tls_dir[PATH_MAX], **endpoints;
	bool missing;

	context_store_paths(config_dir, name, NULL, tls_dir);
	if (!(endpoints = dir_names(tls_dir, true, &missing, err)))
		return berr_prefix(err, "failed to list TLS files for context %s", name);
	*listing = json_object();
	for (size_t i = 0; endpoints[i]; i++) {
		char dir[PATH_MAX], **files;
		json_t *list = json_array();

		snprintf(dir, sizeof(dir), "%s/%s", tls_dir, endpoints[i]);
		if (!(files = dir_names(dir, false, &missing, err))) {
			berr_prefix(err, "failed to list TLS files for endpoint %s", endpoints[i]);
			json_decref(list);
			json_decref(*listing);
			names_free(endpoints);
			return -1;
		}
		for (size_t j = 0; files[j]; j++)
			json_array_append_new(list, json_string(files[j]));
		/* Go's nil list of an empty folder marshals as null */
		if (json_array_size(list)) {
			json_object_set_new(*listing, endpoints[i], list);
		} else {
			json_object_set_new(*listing, endpoints[i], json_null());
			json_decref(list);
		}
		names_free(files);
	}
	names_free(endpoints);
	return 0;
}

int context_store_tls_get(const char *config_dir, const char *name, const char *endpoint,
			  struct context_tls *tls, bool *found, berr *err)
{
	char tls_dir[PATH_MAX], dir[PATH_MAX], **files;
	bool missing;

	memset(tls, 0, sizeof(*tls));
	context_store_paths(config_dir, name, NULL, tls_dir);
	snprintf(dir, sizeof(dir), "%s/%s", tls_dir, endpoint);
	if (!(files = dir_names(dir, false, &missing, err)))
		return berr_prefix(err, "failed to retrieve TLS files for context \"%s\"", name);
	*found = !missing;
	for (size_t i = 0; files[i]; i++) {
		char path[PATH_MAX], **slot;
		size_t *len;

		if (!(slot = tls_slot(tls, files[i], &len)))
			continue; /* docker warns of, and skips, any other file */
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (remote_file_read(path, FILE_MAX, slot, len, err) < 0) {
			berr_prefix(err, "failed to retrieve TLS data (%s) for context \"%s\": "
					 "failed to read TLS data for endpoint %s",
				    files[i], name, endpoint);
			names_free(files);
			context_tls_free(tls);
			return -1;
		}
	}
	names_free(files);
	return 0;
}

/* Writes one TLS file of an endpoint (docker's tlsStore.createOrUpdate). */
static int tls_write(const char *config_dir, const char *name, const char *endpoint,
		     const char *file, const char *data, size_t len, berr *err)
{
	char contexts[PATH_MAX], dir[PATH_MAX], path[PATH_MAX];

	snprintf(contexts, sizeof(contexts), "%s/contexts", config_dir);
	context_store_tls_path(config_dir, name, endpoint, file, path);
	snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(path, '/') - path), path);
	if (remote_mkdir_all(contexts, 0755, err) < 0 || remote_mkdir_all(dir, 0700, err) < 0)
		return -1;
	return remote_file_write(path, data, len, 0600, NULL, err);
}

int context_store_tls_set(const char *config_dir, const char *name, const char *endpoint,
			  const struct context_tls *tls, berr *err)
{
	char tls_dir[PATH_MAX], dir[PATH_MAX];
	const char *data[3];
	size_t lens[3];

	context_store_paths(config_dir, name, NULL, tls_dir);
	snprintf(dir, sizeof(dir), "%s/%s", tls_dir, endpoint);
	if (fs_remove_tree(dir, err) < 0)
		return berr_prefix(err, "failed to remove TLS data for endpoint %s", endpoint);
	if (!context_tls_any(tls))
		return 0;
	data[0] = tls->ca, data[1] = tls->cert, data[2] = tls->key;
	lens[0] = tls->ca_len, lens[1] = tls->cert_len, lens[2] = tls->key_len;
	for (int i = 0; i < 3; i++)
		if (data[i] &&
		    tls_write(config_dir, name, endpoint, tls_files[i], data[i], lens[i], err) < 0)
			return -1;
	return 0;
}

int context_store_tls_clear(const char *config_dir, const char *name, berr *err)
{
	char tls_dir[PATH_MAX];

	context_store_paths(config_dir, name, NULL, tls_dir);
	if (fs_remove_tree(tls_dir, err) < 0)
		return berr_prefix(err, "failed to remove TLS data");
	return 0;
}

int context_store_tls_copy(const char *config_dir, const char *from, const char *to, berr *err)
{
	char tls_dir[PATH_MAX], **endpoints;
	bool missing;
	int rc = 0;

	if (context_store_tls_clear(config_dir, to, err) < 0)
		return -1;
	context_store_paths(config_dir, from, NULL, tls_dir);
	if (!(endpoints = dir_names(tls_dir, true, &missing, err)))
		return -1;
	for (size_t i = 0; rc == 0 && endpoints[i]; i++) {
		char dir[PATH_MAX], **files;

		snprintf(dir, sizeof(dir), "%s/%s", tls_dir, endpoints[i]);
		if (!(files = dir_names(dir, false, &missing, err))) {
			rc = -1;
			break;
		}
		for (size_t j = 0; rc == 0 && files[j]; j++) {
			char path[PATH_MAX], *data;
			size_t len;

			snprintf(path, sizeof(path), "%s/%s", dir, files[j]);
			rc = remote_file_read(path, FILE_MAX, &data, &len, err);
			if (rc == 0) {
				rc = tls_write(config_dir, to, endpoints[i], files[j], data, len, err);
				free(data);
			}
		}
		names_free(files);
	}
	names_free(endpoints);
	return rc;
}
