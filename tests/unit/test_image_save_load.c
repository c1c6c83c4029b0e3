/* docker save and docker load: the archive's layout, a round trip into a
 * second data root with identical ids, legacy and OCI-only archives made
 * by hand, tags moving on load, and damaged archives rejected without a
 * trace. Runs as root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/engine.h"
#include "engine/modules.h"
#include "engine/core/sha256.h"
#include "engine/image/image.h"
#include "engine/image/internal.h"
#include "engine/store/store.h"

struct root {
	char path[256];
	struct store *st;
	struct image_env env;
};

struct fixture {
	char base[256];
	struct root a, b;
	char file[400]; /* scratch archive */
};

static void root_open(struct root *r, const char *base, const char *name)
{
	berr err;

	snprintf(r->path, sizeof(r->path), "%s/%s", base, name);
	assert_int_equal(mkdir(r->path, 0700), 0);
	assert_int_equal(store_open(&r->st, r->path, &err), 0);
	r->env = (struct image_env){.st = r->st, .root = r->path};
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->base, sizeof(f->base), "/tmp/berth-saveload-XXXXXX");
	assert_non_null(mkdtemp(f->base));
	root_open(&f->a, f->base, "a");
	root_open(&f->b, f->base, "b");
	snprintf(f->file, sizeof(f->file), "%s/archive.tar", f->base);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	berr err;

	store_close(f->a.st);
	store_close(f->b.st);
	fs_remove_tree(f->base, &err);
	free(f);
	return 0;
}

/* A tar writer on a file, with an optional filter. */
static struct archive *tar_open(const char *path, int filter)
{
	struct archive *a = archive_write_new();

	archive_write_set_format_pax_restricted(a);
	if (filter != ARCHIVE_FILTER_NONE)
		archive_write_add_filter(a, filter);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	return a;
}

static void tar_add(struct archive *a, const char *name, const void *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, 1600000000, 0);
	archive_entry_set_size(e, (la_int64_t)len);
	assert_true(archive_write_header(a, e) >= ARCHIVE_WARN);
	if (len)
		assert_int_equal(archive_write_data(a, data, len), (la_ssize_t)len);
	archive_entry_free(e);
}

static void tar_close(struct archive *a)
{
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/* Reads a whole file. */
static char *slurp(const char *path, size_t *len)
{
	char *data;
	berr err;

	assert_int_equal(image_read_file(path, 1 << 26, &data, len, &err), 0);
	return data;
}

/* A layer tar made in memory: one file. */
static char *make_layer(const char *base, const char *name, const char *content, size_t *len)
{
	char path[400];
	struct archive *a;

	snprintf(path, sizeof(path), "%s/layer-%s.tar", base, name);
	a = tar_open(path, ARCHIVE_FILTER_NONE);
	tar_add(a, name, content, strlen(content));
	tar_close(a);
	return slurp(path, len);
}

static void digest_of(const char *data, size_t len, char out[IMAGE_DIGEST_SIZE])
{
	char hex[SHA256_HEX_SIZE];

	sha256_data_hex(data, len, hex);
	snprintf(out, IMAGE_DIGEST_SIZE, "sha256:%s", hex);
}

/* Imports a layer file into a root. */
static void import_into(struct root *r, const char *base, const char *name, const char *ref,
			char id[IMAGE_DIGEST_SIZE])
{
	char path[400];
	size_t len;
	char *layer = make_layer(base, name, name, &len);
	json_t *args, *res = NULL;
	berr err;

	free(layer);
	snprintf(path, sizeof(path), "%s/layer-%s.tar", base, name);
	args = json_pack("{s:s, s:s?}", "path", path, "reference", ref);
	assert_int_equal(image_import(&r->env, args, &res, &err), 0);
	snprintf(id, IMAGE_DIGEST_SIZE, "%s", json_string_value(json_object_get(res, "id")));
	json_decref(args);
	json_decref(res);
}

static int save_to(struct root *r, const char *path, json_t *names, berr *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	json_t *args = json_pack("{s:o, s:i}", "names", names, "fd", fd);
	json_t *res = NULL;
	int ret = image_save(&r->env, args, &res, err);

	close(fd);
	json_decref(args);
	json_decref(res);
	return ret;
}

static json_t *load_from(struct root *r, const char *path, berr *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	json_t *args = json_pack("{s:i}", "fd", fd);
	json_t *res = NULL;

	berr_clear(err);
	if (image_load(&r->env, args, &res, err) < 0)
		res = NULL;
	close(fd);
	json_decref(args);
	return res;
}

/* The members of a tar file: name -> content. */
static json_t *tar_members(const char *path)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	json_t *out = json_object();

	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_filename(a, path, 10240), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		la_int64_t size = archive_entry_size(e);
		char *buf = malloc((size_t)size + 1);
		char hex[SHA256_HEX_SIZE];

		assert_int_equal(archive_read_data(a, buf, (size_t)size), size);
		sha256_data_hex(buf, (size_t)size, hex);
		json_object_set_new(out, archive_entry_pathname(e),
				    json_pack("{s:s%, s:s}", "text", buf, (size_t)size, "sha256", hex));
		free(buf);
	}
	archive_read_free(a);
	return out;
}

static json_t *member_json(json_t *members, const char *name)
{
	json_t *m = json_object_get(members, name);

	assert_non_null(m);
	return json_loads(json_string_value(json_object_get(m, "text")), 0, NULL);
}

static int count_rows(struct root *r, const char *table)
{
	char sql[128];
	sqlite3_stmt *stmt;
	int n;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	assert_int_equal(sqlite3_prepare_v2(store_handle(r->st), sql, -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* The saved archive has Docker 25's layout and content-addressed blobs. */
static void test_save_layout(void **state)
{
	struct fixture *f = *state;
	char id[IMAGE_DIGEST_SIZE], name[100], diff[IMAGE_DIGEST_SIZE];
	json_t *members, *manifest, *item, *index, *repos, *oci, *desc;
	const char *key;
	json_t *m;
	berr err;

	import_into(&f->a, f->base, "one", "busybox:latest", id);
	assert_int_equal(save_to(&f->a, f->file, json_pack("[s]", "busybox"), &err), 0);
	members = tar_members(f->file);

	/* Every blob is named by its digest. */
	json_object_foreach(members, key, m)
		if (strncmp(key, "blobs/sha256/", 13) == 0 && key[13])
			assert_string_equal(key + 13, json_string_value(json_object_get(m, "sha256")));

	manifest = member_json(members, "manifest.json");
	assert_int_equal(json_array_size(manifest), 1);
	item = json_array_get(manifest, 0);
	snprintf(name, sizeof(name), "blobs/sha256/%s", id + 7);
	assert_string_equal(json_string_value(json_object_get(item, "Config")), name);
	assert_string_equal(json_string_value(json_array_get(json_object_get(item, "RepoTags"), 0)),
			    "busybox:latest");
	assert_int_equal(json_array_size(json_object_get(item, "Layers")), 1);
	{
		struct image_info info;

		assert_int_equal(image_resolve(f->a.st, id, &info, &err), 0);
		snprintf(diff, sizeof(diff), "%s",
			 json_string_value(json_array_get(json_object_get(json_object_get(info.config, "rootfs"), "diff_ids"), 0)));
		image_info_free(&info);
	}
	snprintf(name, sizeof(name), "blobs/sha256/%s", diff + 7);
	assert_string_equal(json_string_value(json_array_get(json_object_get(item, "Layers"), 0)), name);
	assert_non_null(json_object_get(members, name));

	oci = json_object_get(members, "oci-layout");
	assert_string_equal(json_string_value(json_object_get(oci, "text")),
			    "{\"imageLayoutVersion\": \"1.0.0\"}");

	index = member_json(members, "index.json");
	assert_int_equal(json_integer_value(json_object_get(index, "schemaVersion")), 2);
	assert_string_equal(json_string_value(json_object_get(index, "mediaType")),
			    "application/vnd.oci.image.index.v1+json");
	desc = json_array_get(json_object_get(index, "manifests"), 0);
	assert_string_equal(json_string_value(json_object_get(desc, "mediaType")),
			    "application/vnd.oci.image.manifest.v1+json");
	assert_string_equal(json_string_value(json_object_get(json_object_get(desc, "annotations"),
							      "io.containerd.image.name")),
			    "docker.io/library/busybox:latest");
	assert_string_equal(json_string_value(json_object_get(json_object_get(desc, "annotations"),
							      "org.opencontainers.image.ref.name")),
			    "latest");
	{
		/* The OCI manifest points at the config and the layer. */
		json_t *om;

		snprintf(name, sizeof(name), "blobs/sha256/%s",
			 json_string_value(json_object_get(desc, "digest")) + 7);
		om = member_json(members, name);
		assert_string_equal(json_string_value(json_object_get(json_object_get(om, "config"), "digest")), id);
		assert_string_equal(json_string_value(json_object_get(json_object_get(om, "config"), "mediaType")),
				    "application/vnd.oci.image.config.v1+json");
		assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(om, "layers"), 0), "digest")), diff);
		assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(om, "layers"), 0), "mediaType")),
				    "application/vnd.oci.image.layer.v1.tar");
		json_decref(om);
	}

	repos = member_json(members, "repositories");
	assert_string_equal(json_string_value(json_object_get(json_object_get(repos, "busybox"), "latest")),
			    diff + 7);
	json_decref(repos);
	json_decref(index);
	json_decref(manifest);
	json_decref(members);

	assert_int_equal(save_to(&f->a, f->file, json_pack("[s]", "nosuch"), &err), -1);
	assert_int_equal(err.kind, BERR_NOT_FOUND);
}

/* Save from one root, load into a fresh one: same ids, tags and layers. */
static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	char one[IMAGE_DIGEST_SIZE], two[IMAGE_DIGEST_SIZE], other[IMAGE_DIGEST_SIZE];
	struct image_info a, b;
	json_t *res, *list, *args;
	char path[600];
	berr err;

	import_into(&f->a, f->base, "one", "busybox:latest", one);
	import_into(&f->a, f->base, "two", NULL, two);
	assert_int_equal(save_to(&f->a, f->file, json_pack("[s, s]", "busybox", two), &err), 0);

	res = load_from(&f->b, f->file, &err);
	assert_non_null(res);
	assert_int_equal(json_array_size(json_object_get(res, "loaded")), 2);
	json_decref(res);

	assert_int_equal(image_resolve(f->b.st, "busybox:latest", &b, &err), 0);
	assert_string_equal(b.id, one);
	assert_int_equal(image_resolve(f->a.st, one, &a, &err), 0);
	assert_true(json_equal(a.chain_ids, b.chain_ids));
	assert_true(json_equal(a.config, b.config));
	image_layer_dir(f->b.path, json_string_value(json_array_get(b.chain_ids, 0)), path, sizeof(path));
	strncat(path, "/one", sizeof(path) - strlen(path) - 1);
	assert_int_equal(access(path, F_OK), 0);
	image_info_free(&a);
	image_info_free(&b);
	assert_int_equal(image_resolve(f->b.st, two, &b, &err), 0);
	assert_null(b.reference);
	image_info_free(&b);

	/* Loading again changes nothing. */
	res = load_from(&f->b, f->file, &err);
	assert_non_null(res);
	json_decref(res);
	assert_int_equal(count_rows(&f->b, "images"), 2);
	assert_int_equal(count_rows(&f->b, "layers"), 2);

	/* A tag that pointed elsewhere moves; the other image is left dangling. */
	import_into(&f->b, f->base, "three", "busybox:latest", other);
	res = load_from(&f->b, f->file, &err);
	assert_non_null(res);
	json_decref(res);
	assert_int_equal(image_resolve(f->b.st, "busybox", &b, &err), 0);
	assert_string_equal(b.id, one);
	image_info_free(&b);
	list = NULL;
	args = json_pack("{s:{s:[s]}}", "filters", "dangling", "true");
	assert_int_equal(image_list(&f->b.env, args, &list, &err), 0);
	json_decref(args);
	assert_int_equal(json_array_size(list), 2);
	json_decref(list);
	snprintf(path, sizeof(path), "%s/tmp", f->b.path);
	assert_int_equal(count_entries(path), 0);
}

/* With the blob gone, save writes the layer directory out again; our tar
 * writer is deterministic, so a layer first made by it loads back. */
static void test_save_regenerates_missing_blob(void **state)
{
	struct fixture *f = *state;
	char dir[400], tarpath[400], path[600], id[IMAGE_DIGEST_SIZE];
	struct image_info info;
	json_t *args, *res = NULL;
	int dfd, fd;
	berr err;

	snprintf(dir, sizeof(dir), "%s/tree", f->base);
	snprintf(path, sizeof(path), "%s/tree/sub", f->base);
	assert_int_equal(image_mkdir_p(path, 0755, &err), 0);
	snprintf(path, sizeof(path), "%s/tree/sub/file", f->base);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
	assert_int_equal(write(fd, "content", 7), 7);
	close(fd);
	snprintf(path, sizeof(path), "%s/tree/link", f->base);
	assert_int_equal(symlink("sub/file", path), 0);
	snprintf(tarpath, sizeof(tarpath), "%s/tree.tar", f->base);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = open(tarpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_int_equal(image_layer_tar_write(dfd, fd, &err), 0);
	close(fd);
	close(dfd);

	args = json_pack("{s:s, s:s}", "path", tarpath, "reference", "regen");
	assert_int_equal(image_import(&f->a.env, args, &res, &err), 0);
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(res, "id")));
	json_decref(args);
	json_decref(res);

	assert_int_equal(image_resolve(f->a.st, id, &info, &err), 0);
	image_blob_path(f->a.path,
			json_string_value(json_array_get(json_object_get(json_object_get(info.config, "rootfs"), "diff_ids"), 0)),
			path, sizeof(path));
	image_info_free(&info);
	assert_int_equal(unlink(path), 0);

	assert_int_equal(save_to(&f->a, f->file, json_pack("[s]", "regen"), &err), 0);
	res = load_from(&f->b, f->file, &err);
	if (!res)
		fail_msg("load failed: %s", err.msg);
	json_decref(res);
	assert_int_equal(image_resolve(f->b.st, "regen", &info, &err), 0);
	assert_string_equal(info.id, id);
	image_info_free(&info);
}

/* A config for one layer, as bytes. */
static char *config_for(const char *diff_id, const char *os)
{
	json_t *cfg = json_pack("{s:s, s:{s:[s]}, s:s, s:[{s:s, s:s}], s:s, s:{s:s, s:[s]}}",
				"architecture", "amd64", "config", "Cmd", "sh", "created",
				"2024-05-01T10:00:00.123456789Z", "history", "created",
				"2024-05-01T10:00:00.123456789Z", "created_by", "/bin/sh -c #(nop) ADD file",
				"os", os, "rootfs", "type", "layers", "diff_ids", diff_id);
	char *text = json_dumps(cfg, JSON_COMPACT);

	json_decref(cfg);
	return text;
}

/* The legacy layout (docker before 25): <id>.json, <dir>/layer.tar. */
static void test_load_legacy(void **state)
{
	struct fixture *f = *state;
	char diff[IMAGE_DIGEST_SIZE], id[IMAGE_DIGEST_SIZE], cfgname[100];
	size_t layer_len;
	char *layer = make_layer(f->base, "legacyfile", "old school", &layer_len);
	char *config, *manifest;
	struct image_info info;
	struct archive *a;
	json_t *res;
	berr err;

	digest_of(layer, layer_len, diff);
	config = config_for(diff, "linux");
	digest_of(config, strlen(config), id);
	snprintf(cfgname, sizeof(cfgname), "%s.json", id + 7);
	assert_true(asprintf(&manifest,
			     "[{\"Config\":\"%s\",\"RepoTags\":[\"legacy:1\"],\"Layers\":[\"0123abcd/layer.tar\"]}]",
			     cfgname) > 0);
	a = tar_open(f->file, ARCHIVE_FILTER_NONE);
	tar_add(a, "0123abcd/VERSION", "1.0", 3);
	tar_add(a, "0123abcd/json", "{}", 2);
	tar_add(a, "0123abcd/layer.tar", layer, layer_len);
	tar_add(a, cfgname, config, strlen(config));
	tar_add(a, "manifest.json", manifest, strlen(manifest));
	tar_add(a, "repositories", "{\"legacy\":{\"1\":\"0123abcd\"}}", 27);
	tar_close(a);

	res = load_from(&f->b, f->file, &err);
	if (!res)
		fail_msg("load failed: %s", err.msg);
	assert_string_equal(json_string_value(json_array_get(json_object_get(res, "loaded"), 0)), "legacy:1");
	json_decref(res);
	assert_int_equal(image_resolve(f->b.st, "legacy:1", &info, &err), 0);
	assert_string_equal(info.id, id);
	image_info_free(&info);

	/* History of a loaded image: the row owns the image id, created_by kept. */
	res = json_pack("{s:s}", "name", "legacy:1");
	{
		json_t *args = res;

		res = NULL;
		assert_int_equal(image_history(&f->b.env, args, &res, &err), 0);
		json_decref(args);
	}
	assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "CreatedBy")),
			    "/bin/sh -c #(nop) ADD file");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(res, 0), "Created")), 1714557600);
	json_decref(res);
	free(layer);
	free(config);
	free(manifest);
}

/* An OCI layout without manifest.json, with a gzip-compressed layer. */
static void test_load_oci_only(void **state)
{
	struct fixture *f = *state;
	char diff[IMAGE_DIGEST_SIZE], id[IMAGE_DIGEST_SIZE], gz_digest[IMAGE_DIGEST_SIZE];
	char mdigest[IMAGE_DIGEST_SIZE], name[100], gzpath[400];
	size_t layer_len, gz_len;
	char *layer = make_layer(f->base, "ocifile", "oci", &layer_len);
	char *gz, *config, *manifest, *index;
	struct image_info info;
	struct archive *a;
	json_t *res;
	berr err;

	digest_of(layer, layer_len, diff);
	snprintf(gzpath, sizeof(gzpath), "%s/layer.tar.gz", f->base);
	a = tar_open(gzpath, ARCHIVE_FILTER_GZIP);
	tar_add(a, "ocifile", "oci", 3);
	tar_close(a);
	gz = slurp(gzpath, &gz_len);
	/* The same entries written again must give the same uncompressed bytes. */
	digest_of(gz, gz_len, gz_digest);
	config = config_for(diff, "linux");
	digest_of(config, strlen(config), id);
	assert_true(asprintf(&manifest,
			     "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
			     "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":%zu},"
			     "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"%s\",\"size\":%zu}]}",
			     id, strlen(config), gz_digest, gz_len) > 0);
	digest_of(manifest, strlen(manifest), mdigest);
	assert_true(asprintf(&index,
			     "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
			     "\"digest\":\"%s\",\"size\":%zu,\"annotations\":{\"io.containerd.image.name\":\"docker.io/library/oci:v1\"}}]}",
			     mdigest, strlen(manifest)) > 0);
	a = tar_open(f->file, ARCHIVE_FILTER_NONE);
	tar_add(a, "oci-layout", "{\"imageLayoutVersion\": \"1.0.0\"}", 30);
	tar_add(a, "index.json", index, strlen(index));
	snprintf(name, sizeof(name), "blobs/sha256/%s", id + 7);
	tar_add(a, name, config, strlen(config));
	snprintf(name, sizeof(name), "blobs/sha256/%s", mdigest + 7);
	tar_add(a, name, manifest, strlen(manifest));
	snprintf(name, sizeof(name), "blobs/sha256/%s", gz_digest + 7);
	tar_add(a, name, gz, gz_len);
	tar_close(a);

	res = load_from(&f->b, f->file, &err);
	if (!res)
		fail_msg("load failed: %s", err.msg);
	json_decref(res);
	assert_int_equal(image_resolve(f->b.st, "oci:v1", &info, &err), 0);
	assert_string_equal(info.id, id);
	assert_string_equal(json_string_value(json_array_get(info.chain_ids, 0)), diff);
	image_info_free(&info);
	free(layer);
	free(gz);
	free(config);
	free(manifest);
	free(index);
}

/* A layer that does not match the config's diff id, a non-Linux image and
 * archives that are not image archives: errors, and nothing is left. */
static void test_load_rejects(void **state)
{
	struct fixture *f = *state;
	char diff[IMAGE_DIGEST_SIZE], id[IMAGE_DIGEST_SIZE], cfgname[100], tmp[400];
	size_t layer_len;
	char *layer = make_layer(f->base, "real", "real", &layer_len);
	char *config, *manifest;
	struct archive *a;
	json_t *res;
	berr err;

	digest_of("something else", 14, diff);
	config = config_for(diff, "linux");
	digest_of(config, strlen(config), id);
	snprintf(cfgname, sizeof(cfgname), "%s.json", id + 7);
	assert_true(asprintf(&manifest, "[{\"Config\":\"%s\",\"RepoTags\":[\"bad:1\"],\"Layers\":[\"l/layer.tar\"]}]",
			     cfgname) > 0);
	a = tar_open(f->file, ARCHIVE_FILTER_NONE);
	tar_add(a, "l/layer.tar", layer, layer_len);
	tar_add(a, cfgname, config, strlen(config));
	tar_add(a, "manifest.json", manifest, strlen(manifest));
	tar_close(a);
	res = load_from(&f->b, f->file, &err);
	assert_null(res);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_non_null(strstr(err.msg, "invalid diffID"));
	free(config);
	free(manifest);

	digest_of(layer, layer_len, diff);
	config = config_for(diff, "windows");
	digest_of(config, strlen(config), id);
	snprintf(cfgname, sizeof(cfgname), "%s.json", id + 7);
	assert_true(asprintf(&manifest, "[{\"Config\":\"%s\",\"RepoTags\":[\"win:1\"],\"Layers\":[\"l/layer.tar\"]}]",
			     cfgname) > 0);
	a = tar_open(f->file, ARCHIVE_FILTER_NONE);
	tar_add(a, "l/layer.tar", layer, layer_len);
	tar_add(a, cfgname, config, strlen(config));
	tar_add(a, "manifest.json", manifest, strlen(manifest));
	tar_close(a);
	res = load_from(&f->b, f->file, &err);
	assert_null(res);
	assert_string_equal(err.msg, "cannot load windows image on linux");

	a = tar_open(f->file, ARCHIVE_FILTER_NONE);
	tar_add(a, "hello.txt", "hi", 2);
	tar_close(a);
	res = load_from(&f->b, f->file, &err);
	assert_null(res);
	assert_string_equal(err.msg, "invalid archive: does not contain a manifest.json");

	assert_int_equal(count_rows(&f->b, "images"), 0);
	assert_int_equal(count_rows(&f->b, "layers"), 0);
	snprintf(tmp, sizeof(tmp), "%s/tmp", f->b.path);
	assert_int_equal(count_entries(tmp), 0);
	snprintf(tmp, sizeof(tmp), "%s/layers", f->b.path);
	assert_true(count_entries(tmp) <= 0);
	free(layer);
	free(config);
	free(manifest);
}

/* Collects the "stream" progress messages of a command (message is borrowed). */
static void collect_stream(void *user, json_t *message)
{
	json_t *lines = user;
	const char *text = json_string_value(json_object_get(message, "stream"));

	if (text)
		json_array_append_new(lines, json_string(text));
}

/* The same operations through the engine's command queue, with events and
 * progress, as the faces use them. */
static void test_engine_commands(void **state)
{
	struct fixture *f = *state;
	char run[400], eroot[400], layer_path[400];
	struct engine_options opts = {0};
	struct engine *engine;
	json_t *res = NULL, *args, *lines = json_array();
	size_t len;
	char *layer = make_layer(f->base, "enginefile", "via engine", &len);
	int fd;
	berr err;

	free(layer);
	snprintf(layer_path, sizeof(layer_path), "%s/layer-enginefile.tar", f->base);
	snprintf(eroot, sizeof(eroot), "%s/engine-root", f->base);
	snprintf(run, sizeof(run), "%s/engine-run", f->base);
	opts.root = eroot;
	opts.run_root = run;
	opts.modules = engine_modules;
	if (engine_open(&engine, &opts, &err) < 0)
		fail_msg("engine_open: %s", err.msg);

	args = json_pack("{s:s, s:s, s:[s]}", "path", layer_path, "reference", "viaengine:1",
			 "changes", "CMD [\"true\"]");
	assert_int_equal(engine_call(engine, "image.import", args, &res, NULL, NULL, &err), 0);
	json_decref(args);
	assert_non_null(strstr(json_string_value(json_object_get(res, "id")), "sha256:"));
	json_decref(res);

	args = json_object();
	assert_int_equal(engine_call(engine, "image.list", args, &res, NULL, NULL, &err), 0);
	json_decref(args);
	assert_int_equal(json_array_size(res), 1);
	json_decref(res);

	fd = open(f->file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	args = json_pack("{s:[s], s:i}", "names", "viaengine:1", "fd", fd);
	assert_int_equal(engine_call(engine, "image.save", args, &res, NULL, NULL, &err), 0);
	json_decref(args);
	json_decref(res);
	close(fd);

	args = json_pack("{s:s}", "name", "viaengine:1");
	assert_int_equal(engine_call(engine, "image.remove", args, &res, NULL, NULL, &err), 0);
	json_decref(args);
	json_decref(res);

	fd = open(f->file, O_RDONLY | O_CLOEXEC);
	args = json_pack("{s:i}", "fd", fd);
	assert_int_equal(engine_call(engine, "image.load", args, &res, collect_stream, lines, &err), 0);
	json_decref(args);
	close(fd);
	assert_string_equal(json_string_value(json_array_get(json_object_get(res, "loaded"), 0)),
			    "viaengine:1");
	json_decref(res);
	assert_string_equal(json_string_value(json_array_get(lines, json_array_size(lines) - 1)),
			    "Loaded image: viaengine:1\n");

	args = json_pack("{s:s}", "name", "nosuch");
	assert_int_equal(engine_call(engine, "image.inspect", args, &res, NULL, NULL, &err), -1);
	json_decref(args);
	assert_int_equal(err.kind, BERR_NOT_FOUND);
	assert_string_equal(err.msg, "No such image: nosuch:latest");
	engine_close(engine);
	json_decref(lines);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_save_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_regenerates_missing_blob, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_legacy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_oci_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_engine_commands, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
