/* docker save: images as a tar in the layout Docker 25+ writes, which is
 * an OCI image layout (oci-layout, index.json, blobs/sha256/...) plus
 * Docker's manifest.json and legacy repositories file. Layers are the
 * uncompressed blobs kept at import time, so diff ids come out identical. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/reference.h"
#include "engine/core/sha256.h"
#include "engine/image/internal.h"
#include "engine/store/store.h"

#define MEDIA_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_CONFIG "application/vnd.oci.image.config.v1+json"
#define MEDIA_LAYER "application/vnd.oci.image.layer.v1.tar"
#define MEDIA_INDEX "application/vnd.oci.image.index.v1+json"

/* One image being saved and the references it is saved under. */
struct saved_image {
	char id[IMAGE_DIGEST_SIZE];
	json_t *refs; /* full tagged references */
};

struct save_session {
	const struct image_env *env;
	struct image_staging sg;
	struct saved_image *images;
	size_t nimages;
	json_t *blobs; /* {hex: {"path": file, "data": bytes, "mtime": n}} */
	json_t *manifest;
	json_t *index;
	json_t *repositories;
};

/* The image for an id, adding it once; returns its slot. */
static struct saved_image *add_image(struct save_session *s, const char *id)
{
	struct saved_image *bigger;

	for (size_t i = 0; i < s->nimages; i++)
		if (strcmp(s->images[i].id, id) == 0)
			return &s->images[i];
	bigger = realloc(s->images, (s->nimages + 1) * sizeof(*bigger));
	if (!bigger)
		return NULL;
	s->images = bigger;
	snprintf(s->images[s->nimages].id, IMAGE_DIGEST_SIZE, "%s", id);
	s->images[s->nimages].refs = json_array();
	return &s->images[s->nimages++];
}

/* Adds a reference to an image unless it is already there. */
static void add_ref(struct saved_image *img, const char *full)
{
	size_t i;
	json_t *v;

	json_array_foreach(img->refs, i, v)
		if (strcmp(json_string_value(v), full) == 0)
			return;
	json_array_append_new(img->refs, json_string(full));
}

/* True when the user named a tag or digest, not just a repository. */
static bool names_tag(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *colon = strrchr(name, ':');

	return strchr(name, '@') || (colon && (!slash || colon > slash));
}

/* Docker's parseNames: ids, tagged references, and bare repositories (all
 * of their tags). */
static int parse_names(struct save_session *s, json_t *names, berr *err)
{
	size_t i;
	json_t *v;

	if (!json_is_array(names) || json_array_size(names) == 0)
		return berr_set(err, BERR_INVALID, "at least one image name is required");
	json_array_foreach(names, i, v) {
		const char *name = json_string_value(v);
		char id[IMAGE_DIGEST_SIZE], matched[REF_STRING_SIZE], repo[REF_STRING_SIZE];
		struct saved_image *img;
		json_t *tags = NULL;

		if (!name)
			return berr_set(err, BERR_INVALID, "image names must be strings");
		if (!names_tag(name) && image_ref_normalize(name, matched, sizeof(matched), NULL) == 0 &&
		    !sha256_is_hex(name)) {
			image_ref_name(matched, repo, sizeof(repo));
			if (image_store_repo_tags(s->env->st, repo, &tags, err) < 0)
				return -1;
			for (size_t t = 0; t < json_array_size(tags); t++) {
				json_t *pair = json_array_get(tags, t);

				img = add_image(s, json_string_value(json_array_get(pair, 1)));
				if (img)
					add_ref(img, json_string_value(json_array_get(pair, 0)));
			}
			if (json_array_size(tags) > 0) {
				json_decref(tags);
				continue;
			}
			json_decref(tags);
		}
		if (image_lookup(s->env->st, name, id, matched, sizeof(matched), err) < 0)
			return -1;
		img = add_image(s, id);
		if (!img)
			return berr_errno(err, ENOMEM, "save");
		if (matched[0] && !image_ref_is_digest(matched))
			add_ref(img, matched);
	}
	return 0;
}

/* Records a blob held in memory. */
static void blob_data(struct save_session *s, const char *digest, const char *data, size_t len,
		      int64_t mtime)
{
	json_object_set_new(s->blobs, digest + 7,
			    json_pack("{s:s%, s:I}", "data", data, len, "mtime", (json_int_t)mtime));
}

/* sha256 and size of a file. */
static int file_digest(const char *path, char digest[IMAGE_DIGEST_SIZE], int64_t *size,
		       berr *err)
{
	char buf[65536], hex[SHA256_HEX_SIZE];
	struct sha256_ctx ctx;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return berr_sys(err, "open %s", path);
	sha256_init(&ctx);
	*size = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return berr_sys(err, "read %s", path);
		}
		if (n == 0)
			break;
		sha256_update(&ctx, buf, (size_t)n);
		*size += n;
	}
	close(fd);
	sha256_final_hex(&ctx, hex);
	snprintf(digest, IMAGE_DIGEST_SIZE, "sha256:%s", hex);
	return 0;
}

/* The layer's uncompressed tar: the stored blob, or the layer directory
 * written out again when the blob is gone. Fills its digest and size. */
static int layer_blob(struct save_session *s, const char *chain_id, const char *diff_id,
		      char digest[IMAGE_DIGEST_SIZE], int64_t *size, int64_t mtime, berr *err)
{
	char path[4200];
	struct stat st;

	if (!image_blob_path(s->env->root, diff_id, path, sizeof(path)))
		return berr_set(err, BERR_INVALID, "data root path too long");
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		snprintf(digest, IMAGE_DIGEST_SIZE, "%s", diff_id);
		*size = st.st_size;
	} else {
		char dir[4200];
		int dirfd, out;

		image_layer_dir(s->env->root, chain_id, dir, sizeof(dir));
		image_staging_name(&s->sg, "layer", path, sizeof(path));
		dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			return berr_sys(err, "open layer %s", chain_id);
		out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (out < 0) {
			close(dirfd);
			return berr_sys(err, "create %s", path);
		}
		if (image_layer_tar_write(dirfd, out, err) < 0) {
			close(dirfd);
			close(out);
			return -1;
		}
		close(dirfd);
		close(out);
		if (file_digest(path, digest, size, err) < 0)
			return -1;
	}
	if (!json_object_get(s->blobs, digest + 7))
		json_object_set_new(s->blobs, digest + 7,
				    json_pack("{s:s, s:I}", "path", path, "mtime", (json_int_t)mtime));
	return 0;
}

/* Adds one image: its config, layers and OCI manifest blobs, its
 * manifest.json item, index.json descriptors and repositories entries. */
static int save_image(struct save_session *s, struct saved_image *img, berr *err)
{
	char *config = NULL, digest[IMAGE_DIGEST_SIZE], hex[SHA256_HEX_SIZE], path[200];
	size_t len;
	json_t *parsed = NULL, *chain_ids = NULL, *diff_ids, *layers, *paths, *item, *tags;
	int64_t created = 0;
	char *mtext = NULL;
	int ret = -1;
	size_t i;
	json_t *v;

	if (image_store_config(s->env->st, img->id, &config, &len, err) < 0)
		return -1;
	parsed = json_loadb(config, len, 0, NULL);
	if (!parsed || image_store_chain_ids(s->env->st, img->id, &chain_ids, err) < 0)
		goto out;
	image_parse_time(json_string_value(json_object_get(parsed, "created")), &created);
	created /= 1000000000LL;
	diff_ids = json_object_get(json_object_get(parsed, "rootfs"), "diff_ids");
	if (json_array_size(diff_ids) != json_array_size(chain_ids)) {
		berr_set(err, BERR_SYSTEM, "image %s: layers do not match its config", img->id);
		goto out;
	}
	blob_data(s, img->id, config, len, created);
	layers = json_array();
	paths = json_array();
	json_array_foreach(diff_ids, i, v) {
		int64_t size;

		if (layer_blob(s, json_string_value(json_array_get(chain_ids, i)),
			       json_string_value(v), digest, &size, created, err) < 0) {
			json_decref(layers);
			json_decref(paths);
			goto out;
		}
		json_array_append_new(layers, json_pack("{s:s, s:s, s:I}", "mediaType", MEDIA_LAYER,
							"digest", digest, "size", (json_int_t)size));
		snprintf(path, sizeof(path), "blobs/sha256/%s", digest + 7);
		json_array_append_new(paths, json_string(path));
	}
	{
		json_t *oci = json_pack("{s:i, s:s, s:{s:s, s:s, s:I}, s:o}", "schemaVersion", 2,
					"mediaType", MEDIA_MANIFEST, "config", "mediaType",
					MEDIA_CONFIG, "digest", img->id, "size", (json_int_t)len,
					"layers", layers);

		mtext = oci ? json_dumps(oci, JSON_COMPACT) : NULL;
		json_decref(oci);
	}
	if (!mtext) {
		json_decref(paths);
		goto out;
	}
	sha256_data_hex(mtext, strlen(mtext), hex);
	snprintf(digest, sizeof(digest), "sha256:%s", hex);
	blob_data(s, digest, mtext, strlen(mtext), 0);

	tags = json_array();
	json_array_foreach(img->refs, i, v) {
		struct image_ref ref;
		char familiar[REF_STRING_SIZE], familiar_name[REF_STRING_SIZE];
		json_t *repo;

		if (ref_parse_normalized(json_string_value(v), &ref, NULL) < 0)
			continue;
		ref_familiar(&ref, familiar, sizeof(familiar));
		ref_familiar_name(&ref, familiar_name, sizeof(familiar_name));
		json_array_append_new(tags, json_string(familiar));
		repo = json_object_get(s->repositories, familiar_name);
		if (!repo) {
			repo = json_object();
			json_object_set_new(s->repositories, familiar_name, repo);
		}
		json_object_set_new(repo, ref.tag,
				    json_string(json_string_value(json_array_get(diff_ids,
							json_array_size(diff_ids) - 1)) + 7));
		json_array_append_new(s->index,
				      json_pack("{s:s, s:s, s:I, s:{s:s, s:s}}", "mediaType",
						MEDIA_MANIFEST, "digest", digest, "size",
						(json_int_t)strlen(mtext), "annotations",
						"io.containerd.image.name", json_string_value(v),
						"org.opencontainers.image.ref.name", ref.tag));
	}
	if (json_array_size(img->refs) == 0)
		json_array_append_new(s->index, json_pack("{s:s, s:s, s:I}", "mediaType",
							  MEDIA_MANIFEST, "digest", digest, "size",
							  (json_int_t)strlen(mtext)));
	snprintf(path, sizeof(path), "blobs/sha256/%s", img->id + 7);
	item = json_pack("{s:s, s:o, s:o}", "Config", path, "RepoTags",
			 json_array_size(tags) ? tags : json_null(), "Layers", paths);
	if (!json_array_size(tags))
		json_decref(tags);
	json_array_append_new(s->manifest, item);
	ret = 0;
out:
	if (ret < 0 && err->kind == BERR_NONE)
		berr_set(err, BERR_SYSTEM, "image %s has a damaged config", img->id);
	free(mtext);
	free(config);
	json_decref(parsed);
	json_decref(chain_ids);
	return ret;
}

/* Sets "Parent" on manifest items whose local parent is saved too. */
static void link_parents(struct save_session *s)
{
	for (size_t i = 0; i < s->nimages; i++) {
		char parent[IMAGE_DIGEST_SIZE];

		image_store_parent(s->env->st, s->images[i].id, parent, NULL);
		for (size_t j = 0; parent[0] && j < s->nimages; j++)
			if (strcmp(s->images[j].id, parent) == 0)
				json_object_set_new(json_array_get(s->manifest, i), "Parent",
						    json_string(parent));
	}
}

/* Writes one tar header (and the bytes of an in-memory file). */
static int tar_put(struct archive *a, struct archive_entry *e, const char *name, mode_t type,
		   const char *data, int64_t size, int64_t mtime, berr *err)
{
	archive_entry_clear(e);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
	archive_entry_set_mtime(e, mtime, 0);
	archive_entry_set_size(e, type == AE_IFDIR ? 0 : size);
	if (archive_write_header(a, e) < ARCHIVE_WARN)
		return berr_set(err, BERR_SYSTEM, "write tar: %s", archive_error_string(a));
	if (data && size > 0 && archive_write_data(a, data, (size_t)size) < 0)
		return berr_set(err, BERR_SYSTEM, "write tar: %s", archive_error_string(a));
	return 0;
}

/* Copies a blob file into the tar. */
static int tar_put_file(struct archive *a, struct archive_entry *e, const char *name,
			const char *path, int64_t mtime, berr *err)
{
	char buf[65536];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return berr_sys(err, "open %s", path);
	}
	if (tar_put(a, e, name, AE_IFREG, NULL, st.st_size, mtime, err) < 0) {
		close(fd);
		return -1;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return n < 0 ? berr_sys(err, "read %s", path) : 0;
		}
		if (archive_write_data(a, buf, (size_t)n) < 0) {
			close(fd);
			return berr_set(err, BERR_SYSTEM, "write tar: %s", archive_error_string(a));
		}
	}
}

/* qsort order for blob names: byte order. */
static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Writes a JSON document and a newline, as Go's json.Encoder does; maps
 * (sorted keys) sorted, structs (field order) not. */
static int tar_put_json(struct archive *a, struct archive_entry *e, const char *name, json_t *doc,
			bool sort_keys, berr *err)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY | (sort_keys ? JSON_SORT_KEYS : 0));
	char *line;
	int ret;

	if (!text)
		return berr_set(err, BERR_SYSTEM, "write %s", name);
	if (asprintf(&line, "%s\n", text) < 0) {
		free(text);
		return berr_errno(err, ENOMEM, "write %s", name);
	}
	ret = tar_put(a, e, name, AE_IFREG, line, (int64_t)strlen(line), 0, err);
	free(line);
	free(text);
	return ret;
}

/* The tar itself, in the order Docker's directory walk produces. */
static int write_archive(struct save_session *s, int fd, berr *err)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	const char **keys = NULL;
	const char *key;
	json_t *blob;
	size_t n = 0;
	int ret = -1;

	keys = calloc(json_object_size(s->blobs) + 1, sizeof(*keys));
	if (!a || !e || !keys) {
		berr_errno(err, ENOMEM, "save");
		goto out;
	}
	json_object_foreach(s->blobs, key, blob)
		keys[n++] = key;
	qsort(keys, n, sizeof(*keys), cmp_keys);
	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		berr_set(err, BERR_SYSTEM, "write tar: %s", archive_error_string(a));
		goto out;
	}
	if (tar_put(a, e, "blobs/", AE_IFDIR, NULL, 0, 0, err) < 0 ||
	    tar_put(a, e, "blobs/sha256/", AE_IFDIR, NULL, 0, 0, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		char name[100];
		json_t *data;
		int64_t mtime;

		blob = json_object_get(s->blobs, keys[i]);
		data = json_object_get(blob, "data");
		mtime = json_integer_value(json_object_get(blob, "mtime"));
		snprintf(name, sizeof(name), "blobs/sha256/%s", keys[i]);
		if (data ? tar_put(a, e, name, AE_IFREG, json_string_value(data),
				   (int64_t)json_string_length(data), mtime, err)
			 : tar_put_file(a, e, name,
					json_string_value(json_object_get(blob, "path")), mtime, err))
			goto out;
	}
	{
		json_t *index = json_pack("{s:i, s:s, s:O}", "schemaVersion", 2, "mediaType",
					  MEDIA_INDEX, "manifests", s->index);
		char *text = json_dumps(index, JSON_COMPACT);
		int r = tar_put(a, e, "index.json", AE_IFREG, text, (int64_t)strlen(text), 0, err);

		free(text);
		json_decref(index);
		if (r < 0)
			goto out;
	}
	if (tar_put_json(a, e, "manifest.json", s->manifest, false, err) < 0)
		goto out;
	{
		static const char layout[] = "{\"imageLayoutVersion\": \"1.0.0\"}";

		if (tar_put(a, e, "oci-layout", AE_IFREG, layout, (int64_t)strlen(layout), 0, err) < 0)
			goto out;
	}
	if (json_object_size(s->repositories) > 0 &&
	    tar_put_json(a, e, "repositories", s->repositories, true, err) < 0)
		goto out;
	if (archive_write_close(a) != ARCHIVE_OK) {
		berr_set(err, BERR_SYSTEM, "write tar: %s", archive_error_string(a));
		goto out;
	}
	ret = 0;
out:
	free(keys);
	if (e)
		archive_entry_free(e);
	if (a)
		archive_write_free(a);
	return ret;
}

/* image.save: docker save of one or more images. */
int image_save(const struct image_env *env, json_t *args, json_t **result, berr *err)
{
	struct save_session s = {.env = env};
	json_t *fdv = json_object_get(args, "fd");
	int ret = -1;

	if (!json_is_integer(fdv) || json_integer_value(fdv) < 0)
		return berr_set(err, BERR_INVALID, "an output fd is required");
	s.blobs = json_object();
	s.manifest = json_array();
	s.index = json_array();
	s.repositories = json_object();
	if (parse_names(&s, json_object_get(args, "names"), err) < 0)
		goto out;
	if (image_staging_open(&s.sg, env->root, "save", err) < 0)
		goto out;
	for (size_t i = 0; i < s.nimages; i++)
		if (save_image(&s, &s.images[i], err) < 0)
			goto staged;
	link_parents(&s);
	if (write_archive(&s, (int)json_integer_value(fdv), err) < 0)
		goto staged;
	for (size_t i = 0; i < s.nimages; i++)
		image_emit(env, "save", s.images[i].id, s.images[i].id);
	*result = json_object();
	ret = 0;
staged:
	image_staging_close(&s.sg);
out:
	for (size_t i = 0; i < s.nimages; i++)
		json_decref(s.images[i].refs);
	free(s.images);
	json_decref(s.blobs);
	json_decref(s.manifest);
	json_decref(s.index);
	json_decref(s.repositories);
	return ret;
}
