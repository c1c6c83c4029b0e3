/* docker load: images from a tar written by docker save, any version
 * (manifest.json, with Layers either "blobs/sha256/<hex>" or the legacy
 * "<dir>/layer.tar"), or from a plain OCI layout (index.json). The archive
 * may be compressed. Its regular files are copied into staging under
 * numbered names, so nothing in it is ever extracted by its own path; every
 * layer is checked against the config's diff ids, and the whole load is one
 * store transaction. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/reference.h"
#include "engine/core/sha256.h"
#include "engine/core/tar_extract.h"
#include "engine/image/internal.h"
#include "engine/store/store.h"

#define MAX_JSON_SIZE (64u << 20)

/* One image to load. */
struct load_item {
	char *config;
	size_t config_len;
	json_t *layer_files; /* staged paths of its layers, base first */
	json_t *tags;        /* full references */
	char parent[IMAGE_DIGEST_SIZE];
	char id[IMAGE_DIGEST_SIZE];
};

struct load_session {
	const struct image_env *env;
	struct image_staging sg;
	json_t *files; /* archive name -> staged path */
	json_t *links; /* archive name -> archive name it links to */
	struct load_item *items;
	size_t nitems;
	struct layer_staged *layers;
	size_t nlayers;
};

/* Cleans an archive name: no leading "./" or "/", no "." parts. */
static void clean_member(const char *in, char *out, size_t size)
{
	size_t len = 0;

	while (*in) {
		while (*in == '/')
			in++;
		if (in[0] == '.' && (in[1] == '/' || in[1] == '\0')) {
			in++;
			continue;
		}
		while (*in && *in != '/' && len + 1 < size)
			out[len++] = *in++;
		if (*in == '/' && len + 1 < size && len > 0)
			out[len++] = '/';
	}
	while (len > 0 && out[len - 1] == '/')
		len--;
	out[len] = '\0';
}

/* A symlink target relative to the link's directory, as an archive name. */
static void link_target(const char *member, const char *target, char *out, size_t size)
{
	char joined[8192];
	const char *slash = strrchr(member, '/');
	char *parts[512];
	size_t n = 0, len = 0;

	if (target[0] == '/' || !slash)
		snprintf(joined, sizeof(joined), "%s", target);
	else
		snprintf(joined, sizeof(joined), "%.*s/%s", (int)(slash - member), member, target);
	for (char *tok = strtok(joined, "/"); tok && n < 512; tok = strtok(NULL, "/")) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (n > 0)
				n--;
			continue;
		}
		parts[n++] = tok;
	}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, len < size ? size - len : 0, "%s%s",
					i ? "/" : "", parts[i]);
}

/* Copies the archive's regular files into staging, remembering links. */
static int read_archive(struct load_session *s, int fd, berr *err)
{
	struct archive *a;
	struct archive_entry *e;
	uint64_t total = 0;
	int r, ret = -1;

	if (tar_reader_new(&a, false, err) < 0)
		return -1;
	if (archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK) {
		berr_set(err, BERR_INVALID, "invalid archive: %s", archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		char name[4096], path[4200];
		const char *hard = archive_entry_hardlink(e);
		const void *buf;
		size_t len;
		la_int64_t offset;
		int out;

		if (r < ARCHIVE_WARN) {
			berr_set(err, BERR_INVALID, "invalid archive: %s", archive_error_string(a));
			goto out;
		}
		clean_member(archive_entry_pathname(e) ? archive_entry_pathname(e) : "", name,
			     sizeof(name));
		if (hard || archive_entry_filetype(e) == AE_IFLNK) {
			char target[4096];

			if (hard)
				clean_member(hard, target, sizeof(target));
			else
				link_target(name, archive_entry_symlink(e) ? archive_entry_symlink(e) : "",
					    target, sizeof(target));
			json_object_set_new(s->links, name, json_string(target));
			continue;
		}
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		image_staging_name(&s->sg, "file", path, sizeof(path));
		out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (out < 0) {
			berr_sys(err, "create %s", path);
			goto out;
		}
		while ((r = archive_read_data_block(a, &buf, &len, &offset)) == ARCHIVE_OK) {
			total += len;
			if (total > layer_default_limits.max_bytes) {
				close(out);
				berr_set(err, BERR_INVALID, "invalid archive: larger than %llu bytes",
					 (unsigned long long)layer_default_limits.max_bytes);
				goto out;
			}
			if (pwrite(out, buf, len, offset) != (ssize_t)len) {
				berr_sys(err, "write %s", path);
				close(out);
				goto out;
			}
		}
		if (r != ARCHIVE_EOF ||
		    ftruncate(out, archive_entry_size(e) > 0 ? archive_entry_size(e) : 0) < 0) {
			berr_set(err, BERR_INVALID, "invalid archive: %s",
				 archive_error_string(a) ? archive_error_string(a) : "bad data");
			close(out);
			goto out;
		}
		close(out);
		json_object_set_new(s->files, name, json_string(path));
	}
	ret = 0;
out:
	archive_read_free(a);
	return ret;
}

/* The staged file for an archive name, following links a few times. */
static const char *member_path(struct load_session *s, const char *name)
{
	char clean[4096], next[4096];

	clean_member(name, clean, sizeof(clean));
	for (int hops = 0; hops < 16; hops++) {
		const char *path = json_string_value(json_object_get(s->files, clean));
		const char *target;

		if (path)
			return path;
		target = json_string_value(json_object_get(s->links, clean));
		if (!target)
			return NULL;
		snprintf(next, sizeof(next), "%s", target);
		memcpy(clean, next, sizeof(clean));
	}
	return NULL;
}

/* Reads a small archive member. */
static int member_read(struct load_session *s, const char *name, char **data, size_t *len,
		       berr *err)
{
	const char *path = member_path(s, name);

	if (!path)
		return berr_set(err, BERR_INVALID, "invalid archive: missing %s", name);
	return image_read_file(path, MAX_JSON_SIZE, data, len, err);
}

/* Parses a small archive member as JSON. */
static json_t *member_json(struct load_session *s, const char *name, berr *err)
{
	char *data;
	size_t len;
	json_error_t jerr;
	json_t *v;

	if (member_read(s, name, &data, &len, err) < 0)
		return NULL;
	v = json_loadb(data, len, 0, &jerr);
	free(data);
	if (!v)
		berr_set(err, BERR_INVALID, "invalid archive: failed to decode %s: %s", name,
			 jerr.text);
	return v;
}

/* Adds an image to load. */
static struct load_item *add_item(struct load_session *s)
{
	struct load_item *bigger = realloc(s->items, (s->nitems + 1) * sizeof(*bigger));

	if (!bigger)
		return NULL;
	s->items = bigger;
	memset(&s->items[s->nitems], 0, sizeof(s->items[0]));
	s->items[s->nitems].layer_files = json_array();
	s->items[s->nitems].tags = json_array();
	return &s->items[s->nitems++];
}

/* Adds a tag given as written in the archive (familiar or full). */
static int item_tag(struct load_item *item, const char *text, berr *err)
{
	char full[REF_STRING_SIZE];

	if (image_ref_normalize(text, full, sizeof(full), err) < 0)
		return -1;
	if (image_ref_is_digest(full))
		return berr_set(err, BERR_INVALID, "invalid tag %s", text);
	json_array_append_new(item->tags, json_string(full));
	return 0;
}

/* Docker's manifest.json: [{"Config", "RepoTags", "Layers", "Parent"}]. */
static int from_manifest(struct load_session *s, json_t *manifest, berr *err)
{
	size_t i;
	json_t *m;

	if (!json_is_array(manifest))
		return berr_set(err, BERR_INVALID, "invalid manifest, manifest cannot be null (but can be [])");
	json_array_foreach(manifest, i, m) {
		const char *config = json_string_value(json_object_get(m, "Config"));
		const char *parent = json_string_value(json_object_get(m, "Parent"));
		struct load_item *item;
		size_t j;
		json_t *v;

		if (!config)
			return berr_set(err, BERR_INVALID, "invalid manifest: no Config");
		item = add_item(s);
		if (!item)
			return berr_errno(err, ENOMEM, "load");
		if (member_read(s, config, &item->config, &item->config_len, err) < 0)
			return -1;
		json_array_foreach(json_object_get(m, "Layers"), j, v) {
			const char *path = member_path(s, json_string_value(v) ? json_string_value(v) : "");

			if (!path)
				return berr_set(err, BERR_INVALID, "invalid archive: missing layer %s",
						json_string_value(v) ? json_string_value(v) : "?");
			json_array_append_new(item->layer_files, json_string(path));
		}
		json_array_foreach(json_object_get(m, "RepoTags"), j, v)
			if (item_tag(item, json_string_value(v) ? json_string_value(v) : "", err) < 0)
				return -1;
		if (parent)
			snprintf(item->parent, sizeof(item->parent), "%s", parent);
	}
	return 0;
}

/* "blobs/sha256/<hex>" for a descriptor's digest. */
static const char *blob_member(json_t *desc, char *buf, size_t size)
{
	const char *digest = json_string_value(json_object_get(desc, "digest"));

	if (!digest || strncmp(digest, "sha256:", 7) != 0 || !sha256_is_hex(digest + 7))
		return NULL;
	snprintf(buf, size, "blobs/sha256/%s", digest + 7);
	return buf;
}

/* Reads the images of an OCI index. */
static int from_index(struct load_session *s, json_t *index, const char *name, int depth,
		      berr *err);

/* One OCI manifest (or nested index) from index.json. */
static int from_descriptor(struct load_session *s, json_t *desc, int depth, berr *err)
{
	const char *media = json_string_value(json_object_get(desc, "mediaType"));
	const char *name = json_string_value(
		json_object_get(json_object_get(desc, "annotations"), "io.containerd.image.name"));
	char member[100];
	json_t *doc, *platform = json_object_get(desc, "platform");
	struct load_item *item;
	size_t i;
	json_t *l;
	int ret = -1;

	if (platform && json_string_value(json_object_get(platform, "os")) &&
	    strcmp(json_string_value(json_object_get(platform, "os")), "linux") != 0)
		return 0;
	if (platform && json_string_value(json_object_get(platform, "architecture")) &&
	    strcmp(json_string_value(json_object_get(platform, "architecture")), image_config_arch()) != 0)
		return 0;
	if (!blob_member(desc, member, sizeof(member)))
		return berr_set(err, BERR_INVALID, "invalid archive: bad descriptor in index.json");
	doc = member_json(s, member, err);
	if (!doc)
		return -1;
	if ((media && strstr(media, "index")) || (media && strstr(media, "manifest.list")) ||
	    json_object_get(doc, "manifests")) {
		ret = from_index(s, doc, name, depth + 1, err);
		json_decref(doc);
		return ret;
	}
	item = add_item(s);
	if (!item || !blob_member(json_object_get(doc, "config"), member, sizeof(member)) ||
	    member_read(s, member, &item->config, &item->config_len, err) < 0)
		goto out;
	json_array_foreach(json_object_get(doc, "layers"), i, l) {
		const char *path = blob_member(l, member, sizeof(member)) ? member_path(s, member) : NULL;

		if (!path) {
			berr_set(err, BERR_INVALID, "invalid archive: missing layer blob");
			goto out;
		}
		json_array_append_new(item->layer_files, json_string(path));
	}
	if (name && item_tag(item, name, err) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0 && err->kind == BERR_NONE)
		berr_set(err, BERR_INVALID, "invalid archive: bad image manifest");
	json_decref(doc);
	return ret;
}

/* An OCI index: every manifest in it for this platform. */
static int from_index(struct load_session *s, json_t *index, const char *name, int depth,
		      berr *err)
{
	size_t i;
	json_t *d;

	(void)name;
	if (depth > 4)
		return berr_set(err, BERR_INVALID, "invalid archive: indexes nested too deep");
	json_array_foreach(json_object_get(index, "manifests"), i, d)
		if (from_descriptor(s, d, depth, err) < 0)
			return -1;
	return 0;
}

/* The staged layer for a chain id already handled in this load, if any. */
static bool layer_seen(struct load_session *s, const char *chain_id)
{
	for (size_t i = 0; i < s->nlayers; i++)
		if (strcmp(s->layers[i].chain_id, chain_id) == 0)
			return true;
	return false;
}

/* Checks an image's config and stages the layers the store lacks. */
static int stage_item(struct load_session *s, struct load_item *item, berr *err)
{
	json_t *config = json_loadb(item->config, item->config_len, 0, NULL);
	json_t *diff_ids = json_object_get(json_object_get(config, "rootfs"), "diff_ids");
	const char *os = json_string_value(json_object_get(config, "os"));
	char chain[IMAGE_DIGEST_SIZE] = "";
	int ret = -1;

	if (!config) {
		berr_set(err, BERR_INVALID, "invalid archive: bad image config");
		goto out;
	}
	if (os && *os && strcmp(os, "linux") != 0) {
		berr_set(err, BERR_INVALID, "cannot load %s image on linux", os);
		goto out;
	}
	/* a config of the wrong types would break every client that lists it */
	if (image_config_types_check(config, err) < 0)
		goto out;
	if (json_array_size(item->layer_files) != json_array_size(diff_ids)) {
		berr_set(err, BERR_INVALID,
			 "invalid manifest, layers length mismatch: expected %zu, got %zu",
			 json_array_size(item->layer_files), json_array_size(diff_ids));
		goto out;
	}
	for (size_t i = 0; i < json_array_size(diff_ids); i++) {
		const char *diff_id = json_string_value(json_array_get(diff_ids, i));
		char next[IMAGE_DIGEST_SIZE];
		struct layer_staged *ls, *bigger;
		bool exists;
		int fd;

		if (!diff_id || strncmp(diff_id, "sha256:", 7) != 0 || !sha256_is_hex(diff_id + 7)) {
			berr_set(err, BERR_INVALID, "invalid archive: bad diff id in config");
			goto out;
		}
		layer_chain_id(chain, diff_id, next);
		if (layer_seen(s, next)) {
			memcpy(chain, next, sizeof(chain));
			continue;
		}
		bigger = realloc(s->layers, (s->nlayers + 1) * sizeof(*bigger));
		if (!bigger) {
			berr_errno(err, ENOMEM, "load");
			goto out;
		}
		s->layers = bigger;
		ls = &s->layers[s->nlayers];
		if (layer_exists(s->env->st, next, &exists, err) < 0)
			goto out;
		if (exists) {
			memset(ls, 0, sizeof(*ls));
			ls->present = true;
			memcpy(ls->chain_id, next, sizeof(ls->chain_id));
		} else {
			char progress[200];

			fd = open(json_string_value(json_array_get(item->layer_files, i)),
				  O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				berr_sys(err, "open layer");
				goto out;
			}
			snprintf(progress, sizeof(progress), "Loading layer %.12s\n", diff_id + 7);
			image_progress(s->env, progress);
			if (layer_stage(&s->sg, s->env->st, s->env->root, fd, chain, diff_id, NULL, ls,
					err) < 0) {
				close(fd);
				berr_prefix(err, "load layer %zu", i);
				goto out;
			}
			close(fd);
		}
		s->nlayers++;
		memcpy(chain, next, sizeof(chain));
	}
	ret = 0;
out:
	json_decref(config);
	return ret;
}

/* True when parent's layers are a prefix of the image's. */
static bool valid_parent(struct store *st, const char *id, const char *parent)
{
	json_t *a = NULL, *b = NULL;
	bool ok = false;

	if (image_store_chain_ids(st, id, &a, NULL) == 0 &&
	    image_store_chain_ids(st, parent, &b, NULL) == 0 &&
	    json_array_size(b) <= json_array_size(a)) {
		ok = true;
		for (size_t i = 0; i < json_array_size(b); i++)
			ok = ok && json_equal(json_array_get(a, i), json_array_get(b, i));
	}
	json_decref(a);
	json_decref(b);
	return ok;
}

/* The store side, in one transaction: layers, images, tags and parents. */
static int commit_load(struct load_session *s, json_t *messages, berr *err)
{
	struct image_fs_txn t;
	int status = 0;

	if (image_txn_begin(s->env, &t, &s->sg, err) < 0)
		return -1;
	for (size_t i = 0; i < s->nlayers && status == 0; i++)
		status = layer_commit_staged(&t, s->env->st, s->env->root, &s->layers[i], err);
	for (size_t i = 0; i < s->nitems && status == 0; i++) {
		struct load_item *item = &s->items[i];
		bool created;

		status = image_store_put(&t, s->env->st, s->env->root, item->config,
					 item->config_len, "", &created, item->id, err);
		for (size_t j = 0; j < json_array_size(item->tags) && status == 0; j++) {
			const char *full = json_string_value(json_array_get(item->tags, j));
			char old[IMAGE_DIGEST_SIZE], familiar[REF_STRING_SIZE], line[1000];

			image_ref_familiar(full, familiar, sizeof(familiar));
			if (image_lookup(s->env->st, full, old, NULL, 0, NULL) == 0 &&
			    strcmp(old, item->id) != 0) {
				snprintf(line, sizeof(line),
					 "The image %s already exists, renaming the old one with ID %s to empty string\n",
					 familiar, old);
				json_array_append_new(messages, json_string(line));
			}
			status = image_store_set_tag(s->env->st, full, item->id, err);
		}
	}
	for (size_t i = 0; i < s->nitems && status == 0; i++) {
		struct load_item *item = &s->items[i];

		if (!item->parent[0] || !valid_parent(s->env->st, item->id, item->parent))
			continue;
		status = image_store_set_parent(s->env->st, item->id, item->parent, err);
	}
	return image_txn_end(s->env, &t, status, err);
}

/* Progress lines, events and the result after a successful load. */
static json_t *report(struct load_session *s, json_t *messages)
{
	json_t *loaded = json_array();
	size_t i;
	json_t *v;

	json_array_foreach(messages, i, v)
		image_progress(s->env, json_string_value(v));
	for (i = 0; i < s->nitems; i++) {
		struct load_item *item = &s->items[i];
		char line[1000];

		image_emit(s->env, "load", item->id, item->id);
		if (json_array_size(item->tags) == 0) {
			snprintf(line, sizeof(line), "Loaded image ID: %s\n", item->id);
			image_progress(s->env, line);
			json_array_append_new(loaded, json_string(item->id));
		}
		for (size_t j = 0; j < json_array_size(item->tags); j++) {
			char familiar[REF_STRING_SIZE];

			image_ref_familiar(json_string_value(json_array_get(item->tags, j)), familiar,
					   sizeof(familiar));
			image_emit(s->env, "tag", item->id, familiar);
			snprintf(line, sizeof(line), "Loaded image: %s\n", familiar);
			image_progress(s->env, line);
			json_array_append_new(loaded, json_string(familiar));
		}
	}
	return json_pack("{s:o}", "loaded", loaded);
}

/* image.load: docker load of a save archive. */
int image_load(const struct image_env *env, json_t *args, json_t **result, berr *err)
{
	struct load_session s = {.env = env};
	json_t *doc = NULL, *messages = json_array();
	bool owned = false;
	int fd, ret = -1;

	fd = image_arg_input_fd(args, &owned, err);
	if (fd < 0) {
		json_decref(messages);
		return -1;
	}
	s.files = json_object();
	s.links = json_object();
	if (image_staging_open(&s.sg, env->root, "load", err) < 0)
		goto out;
	if (read_archive(&s, fd, err) < 0)
		goto staged;
	if (member_path(&s, "manifest.json")) {
		doc = member_json(&s, "manifest.json", err);
		if (!doc || from_manifest(&s, doc, err) < 0)
			goto staged;
	} else if (member_path(&s, "index.json")) {
		doc = member_json(&s, "index.json", err);
		if (!doc || from_index(&s, doc, NULL, 0, err) < 0)
			goto staged;
	} else {
		berr_set(err, BERR_INVALID, "invalid archive: does not contain a manifest.json");
		goto staged;
	}
	for (size_t i = 0; i < s.nitems; i++)
		if (stage_item(&s, &s.items[i], err) < 0)
			goto staged;
	if (commit_load(&s, messages, err) < 0)
		goto staged;
	*result = report(&s, messages);
	ret = 0;
staged:
	image_staging_close(&s.sg);
out:
	if (owned)
		close(fd);
	for (size_t i = 0; i < s.nitems; i++) {
		free(s.items[i].config);
		json_decref(s.items[i].layer_files);
		json_decref(s.items[i].tags);
	}
	free(s.items);
	free(s.layers);
	json_decref(doc);
	json_decref(messages);
	json_decref(s.files);
	json_decref(s.links);
	return ret;
}
