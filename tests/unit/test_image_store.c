/* The image store against a real SQLite store in a temporary data root:
 * import, list, inspect, tag, remove, prune, history and name resolution,
 * and that failures leave nothing behind. Runs as root. */
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
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/core/sha256.h"
#include "engine/image/image.h"
#include "engine/image/internal.h"
#include "engine/store/store.h"

struct fixture {
	char root[256];
	char tar[300];
	struct store *st;
	struct image_env env;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	berr err;

	snprintf(f->root, sizeof(f->root), "/tmp/berth-image-test-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->tar, sizeof(f->tar), "%s/input.tar", f->root);
	assert_int_equal(store_open(&f->st, f->root, &err), 0);
	f->env = (struct image_env){.st = f->st, .root = f->root};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	berr err;

	store_close(f->st);
	fs_remove_tree(f->root, &err);
	free(f);
	return 0;
}

/* Writes a layer tar with the given files ("name=content" strings). */
static void write_layer(const char *path, const char *const *files)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();

	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (; *files; files++) {
		const char *eq = strchr(*files, '=');
		char name[256];

		snprintf(name, sizeof(name), "%.*s", (int)(eq - *files), *files);
		archive_entry_clear(e);
		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_mtime(e, 1600000000, 0);
		archive_entry_set_size(e, (la_int64_t)strlen(eq + 1));
		assert_true(archive_write_header(a, e) >= ARCHIVE_WARN);
		archive_write_data(a, eq + 1, strlen(eq + 1));
	}
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(e);
}

/* Imports the fixture tar; returns the image id (static buffer per call site). */
static int do_import(struct fixture *f, const char *reference, json_t *changes, char *id,
		     berr *err)
{
	json_t *args = json_pack("{s:s, s:O?}", "path", f->tar, "changes", changes);
	json_t *result = NULL;
	int ret;

	if (reference)
		json_object_set_new(args, "reference", json_string(reference));
	berr_clear(err);
	ret = image_import(&f->env, args, &result, err);
	if (ret == 0)
		snprintf(id, IMAGE_DIGEST_SIZE, "%s", json_string_value(json_object_get(result, "id")));
	json_decref(result);
	json_decref(args);
	return ret;
}

/* Imports a one-file layer whose content makes it unique. */
static void import_unique(struct fixture *f, const char *content, const char *reference, char *id)
{
	char entry[128];
	const char *files[] = {entry, NULL};
	berr err;

	snprintf(entry, sizeof(entry), "file=%s", content);
	write_layer(f->tar, files);
	assert_int_equal(do_import(f, reference, NULL, id, &err), 0);
}

/* Number of entries in a directory under the root (-1 when missing). */
static int count_entries(struct fixture *f, const char *sub)
{
	char path[512];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", f->root, sub);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static int count_rows(struct fixture *f, const char *table)
{
	char sql[128];
	sqlite3_stmt *stmt;
	int n;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	assert_int_equal(sqlite3_prepare_v2(store_handle(f->st), sql, -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

/* Runs an operation that must succeed and returns its result. */
static json_t *ok(int (*op)(const struct image_env *, json_t *, json_t **, berr *),
		  struct fixture *f, json_t *args)
{
	json_t *result = NULL;
	berr err = {0};
	int ret = op(&f->env, args, &result, &err);

	if (ret != 0)
		fail_msg("operation failed: %s", err.msg);
	json_decref(args);
	return result;
}

/* Runs an operation that must fail; returns the error. */
static berr fails(int (*op)(const struct image_env *, json_t *, json_t **, berr *),
		  struct fixture *f, json_t *args)
{
	json_t *result = NULL;
	berr err = {0};

	assert_int_equal(op(&f->env, args, &result, &err), -1);
	assert_null(result);
	json_decref(args);
	return err;
}

static void add_container(struct fixture *f, const char *cid, const char *name,
			  const char *image_id, const char *state)
{
	struct image_info info;
	sqlite3_stmt *stmt;
	char *layers;
	berr err;

	assert_int_equal(image_resolve(f->st, image_id, &info, &err), 0);
	layers = json_dumps(info.chain_ids, JSON_COMPACT);
	assert_int_equal(sqlite3_prepare_v2(store_handle(f->st),
					    "INSERT INTO containers(id, name, image_id, image_ref, layers,"
					    " created, state, config, host_config)"
					    " VALUES(?, ?, ?, 'busybox', ?, 1, ?, '{}', '{}')",
					    -1, &stmt, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(stmt, 1, cid, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, image_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, layers, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, state, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
	sqlite3_finalize(stmt);
	free(layers);
	image_info_free(&info);
}

static void test_import_and_inspect(void **state)
{
	struct fixture *f = *state;
	const char *files[] = {"bin/sh=#!", "etc/hostname=box", NULL};
	char id[IMAGE_DIGEST_SIZE], path[512], hex[SHA256_HEX_SIZE], diff[IMAGE_DIGEST_SIZE];
	json_t *changes = json_pack("[s, s, s, s, s, s, s, s, s]", "CMD [\"sh\"]", "ENV A=b",
				    "WORKDIR /x", "EXPOSE 80", "LABEL a=b", "USER nobody",
				    "VOLUME /d", "STOPSIGNAL SIGTERM", "ENV C d e");
	json_t *inspect, *cfg;
	char *blob;
	size_t len;
	berr err;

	write_layer(f->tar, files);
	assert_int_equal(do_import(f, "busybox:latest", changes, id, &err), 0);
	json_decref(changes);

	/* The id is the digest of the config blob, kept byte for byte. */
	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", f->root, id + 7);
	assert_int_equal(image_read_file(path, 1 << 20, &blob, &len, &err), 0);
	sha256_data_hex(blob, len, hex);
	assert_string_equal(hex, id + 7);
	free(blob);

	/* The uncompressed tar is the layer blob; the diff id is its digest. */
	{
		char *tar;
		size_t tlen;

		assert_int_equal(image_read_file(f->tar, 1 << 20, &tar, &tlen, &err), 0);
		sha256_data_hex(tar, tlen, hex);
		free(tar);
		snprintf(diff, sizeof(diff), "sha256:%s", hex);
	}
	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", f->root, hex);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/layers/%s/diff/etc/hostname", f->root, hex);
	assert_int_equal(access(path, F_OK), 0);

	inspect = ok(image_inspect, f, json_pack("{s:s}", "name", "busybox"));
	assert_string_equal(json_string_value(json_object_get(inspect, "Id")), id);
	assert_string_equal(json_string_value(json_array_get(json_object_get(inspect, "RepoTags"), 0)),
			    "busybox:latest");
	assert_string_equal(json_string_value(json_object_get(inspect, "Os")), "linux");
	assert_string_equal(json_string_value(json_object_get(inspect, "Comment")),
			    "Imported from -");
	assert_string_equal(
		json_string_value(json_array_get(
			json_object_get(json_object_get(inspect, "RootFS"), "Layers"), 0)),
		diff);
	assert_int_equal(json_integer_value(json_object_get(inspect, "Size")), 5);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(inspect, "GraphDriver"), "Name")),
		"overlay2");
	snprintf(path, sizeof(path), "%s/layers/%s/diff", f->root, hex);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_object_get(inspect, "GraphDriver"), "Data"),
				    "UpperDir")),
			    path);
	assert_string_not_equal(json_string_value(json_object_get(
					json_object_get(inspect, "Metadata"), "LastTagTime")),
				"0001-01-01T00:00:00Z");
	cfg = json_object_get(inspect, "Config");
	assert_string_equal(json_string_value(json_array_get(json_object_get(cfg, "Cmd"), 0)), "sh");
	assert_string_equal(json_string_value(json_array_get(json_object_get(cfg, "Env"), 0)), "A=b");
	assert_string_equal(json_string_value(json_array_get(json_object_get(cfg, "Env"), 1)),
			    "C=d e");
	assert_string_equal(json_string_value(json_object_get(cfg, "WorkingDir")), "/x");
	assert_string_equal(json_string_value(json_object_get(cfg, "User")), "nobody");
	assert_string_equal(json_string_value(json_object_get(cfg, "StopSignal")), "SIGTERM");
	assert_non_null(json_object_get(json_object_get(cfg, "ExposedPorts"), "80/tcp"));
	assert_non_null(json_object_get(json_object_get(cfg, "Volumes"), "/d"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(cfg, "Labels"), "a")),
			    "b");
	json_decref(inspect);

	/* Without changes Env and Cmd stay null, as with docker import. */
	{
		const char *other[] = {"x=1", NULL};

		write_layer(f->tar, other);
		assert_int_equal(do_import(f, NULL, NULL, id, &err), 0);
		inspect = ok(image_inspect, f, json_pack("{s:s}", "name", id));
		assert_true(json_is_null(json_object_get(json_object_get(inspect, "Config"), "Env")));
		assert_true(json_is_null(json_object_get(json_object_get(inspect, "Config"), "Cmd")));
		assert_int_equal(json_array_size(json_object_get(inspect, "RepoTags")), 0);
		assert_string_equal(json_string_value(json_object_get(
					    json_object_get(inspect, "Metadata"), "LastTagTime")),
				    "0001-01-01T00:00:00Z");
		json_decref(inspect);
	}
}

/* ENTRYPOINT in shell form, and with CMD in the same list. */
static void test_import_entrypoint(void **state)
{
	struct fixture *f = *state;
	const char *files[] = {"a=1", NULL};
	char id[IMAGE_DIGEST_SIZE];
	json_t *changes = json_pack("[s, s]", "ENTRYPOINT top -b", "CMD [\"-d\", \"1\"]");
	json_t *inspect, *cfg;
	berr err;

	write_layer(f->tar, files);
	assert_int_equal(do_import(f, "tool:1", changes, id, &err), 0);
	json_decref(changes);
	inspect = ok(image_inspect, f, json_pack("{s:s}", "name", "tool:1"));
	cfg = json_object_get(inspect, "Config");
	assert_string_equal(json_string_value(json_array_get(json_object_get(cfg, "Entrypoint"), 2)),
			    "top -b");
	assert_string_equal(json_string_value(json_array_get(json_object_get(cfg, "Cmd"), 0)), "-d");
	json_decref(inspect);
}

/* A bad --change or a damaged tar leaves no row, layer, blob or staging. */
static void test_failed_import_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	const char *files[] = {"a=1", NULL};
	char id[IMAGE_DIGEST_SIZE];
	json_t *changes = json_pack("[s]", "RUN rm -rf /");
	berr err;
	int fd;

	write_layer(f->tar, files);
	assert_int_equal(do_import(f, "x", changes, id, &err), -1);
	json_decref(changes);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_non_null(strstr(err.msg, "invalid change"));

	changes = json_pack("[s]", "EXPOSE notaport");
	assert_int_equal(do_import(f, "x", changes, id, &err), -1);
	json_decref(changes);
	assert_int_equal(err.kind, BERR_INVALID);

	fd = open(f->tar, O_WRONLY | O_TRUNC | O_CLOEXEC);
	assert_int_equal(write(fd, "this is not a tar archive at all, not even close........", 56), 56);
	close(fd);
	assert_int_equal(do_import(f, "x", NULL, id, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_non_null(strstr(err.msg, "invalid tar"));

	assert_int_equal(do_import(f, "Bad:Ref", NULL, id, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);

	assert_int_equal(count_rows(f, "images"), 0);
	assert_int_equal(count_rows(f, "layers"), 0);
	assert_int_equal(count_rows(f, "tags"), 0);
	assert_true(count_entries(f, "layers") <= 0);
	assert_true(count_entries(f, "blobs/sha256") <= 0);
	assert_int_equal(count_entries(f, "tmp"), 0);
}

static void test_resolve(void **state)
{
	struct fixture *f = *state;
	char a[IMAGE_DIGEST_SIZE], b[IMAGE_DIGEST_SIZE], prefix[16];
	struct image_info info;
	berr err;

	import_unique(f, "one", "busybox", a);
	import_unique(f, "two", NULL, b);

	assert_int_equal(image_resolve(f->st, a, &info, &err), 0);
	assert_string_equal(info.id, a);
	assert_string_equal(info.reference, "busybox:latest");
	assert_int_equal(json_array_size(info.chain_ids), 1);
	assert_non_null(json_object_get(info.config, "rootfs"));
	image_info_free(&info);

	assert_int_equal(image_resolve(f->st, a + 7, &info, &err), 0);
	assert_string_equal(info.id, a);
	image_info_free(&info);

	assert_int_equal(image_resolve(f->st, "docker.io/library/busybox:latest", &info, &err), 0);
	assert_string_equal(info.id, a);
	image_info_free(&info);

	/* The shortest prefix that tells the two apart. */
	for (size_t n = 1; n < 64; n++)
		if (strncmp(a + 7, b + 7, n) != 0) {
			snprintf(prefix, sizeof(prefix), "%.*s", (int)n, b + 7);
			break;
		}
	assert_int_equal(image_resolve(f->st, prefix, &info, &err), 0);
	assert_string_equal(info.id, b);
	assert_null(info.reference);
	image_info_free(&info);

	/* A common prefix of both (possibly empty, then one hex digit both lack). */
	if (a[7] == b[7]) {
		snprintf(prefix, sizeof(prefix), "%c", a[7]);
		assert_int_equal(image_resolve(f->st, prefix, &info, &err), -1);
		assert_non_null(strstr(err.msg, "multiple"));
	}

	assert_int_equal(image_resolve(f->st, "nosuch", &info, &err), -1);
	assert_int_equal(err.kind, BERR_NOT_FOUND);
	assert_string_equal(err.msg, "No such image: nosuch:latest");
	assert_int_equal(image_resolve(f->st, "sha256:0000000000000000000000000000000000000000000000000000000000000000", &info, &err), -1);
	assert_int_equal(err.kind, BERR_NOT_FOUND);
}

/* Finds the summary of an image in a list result. */
static json_t *find_summary(json_t *list, const char *id)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v)
		if (strcmp(json_string_value(json_object_get(v, "Id")), id) == 0)
			return v;
	return NULL;
}

static void test_list(void **state)
{
	struct fixture *f = *state;
	char tagged[IMAGE_DIGEST_SIZE], dangling[IMAGE_DIGEST_SIZE], labeled[IMAGE_DIGEST_SIZE];
	char parent[IMAGE_DIGEST_SIZE], child[IMAGE_DIGEST_SIZE];
	json_t *list, *s, *changes;
	const char *files[] = {"l=1", NULL};
	char sql[400];
	berr err;

	import_unique(f, "tagged", "busybox:latest", tagged);
	import_unique(f, "dangling", NULL, dangling);
	write_layer(f->tar, files);
	changes = json_pack("[s]", "LABEL tier=web");
	assert_int_equal(do_import(f, "web:1", changes, labeled, &err), 0);
	json_decref(changes);
	add_container(f, "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1", "one",
		      tagged, "exited");

	list = ok(image_list, f, json_object());
	assert_int_equal(json_array_size(list), 3);
	s = find_summary(list, tagged);
	assert_non_null(s);
	assert_string_equal(json_string_value(json_array_get(json_object_get(s, "RepoTags"), 0)),
			    "busybox:latest");
	assert_int_equal(json_integer_value(json_object_get(s, "Containers")), 1);
	assert_int_equal(json_integer_value(json_object_get(s, "SharedSize")), -1);
	assert_true(json_integer_value(json_object_get(s, "Created")) > 1600000000);
	assert_true(json_integer_value(json_object_get(s, "Size")) > 0);
	s = find_summary(list, dangling);
	assert_int_equal(json_array_size(json_object_get(s, "RepoTags")), 0);
	assert_int_equal(json_integer_value(json_object_get(s, "Containers")), 0);
	json_decref(list);

	list = ok(image_list, f, json_pack("{s:{s:[s]}}", "filters", "dangling", "true"));
	assert_int_equal(json_array_size(list), 1);
	assert_non_null(find_summary(list, dangling));
	json_decref(list);

	list = ok(image_list, f, json_pack("{s:{s:[s]}}", "filters", "reference", "busy*"));
	assert_int_equal(json_array_size(list), 1);
	assert_non_null(find_summary(list, tagged));
	json_decref(list);

	list = ok(image_list, f, json_pack("{s:{s:{s:b}}}", "filters", "label", "tier=web", 1));
	assert_int_equal(json_array_size(list), 1);
	assert_non_null(find_summary(list, labeled));
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_array_get(list, 0), "Labels"), "tier")),
			    "web");
	json_decref(list);

	list = ok(image_list, f, json_pack("{s:{s:[s]}}", "filters", "before", "web:1"));
	assert_null(find_summary(list, labeled));
	assert_non_null(find_summary(list, tagged));
	json_decref(list);

	list = ok(image_list, f, json_pack("{s:{s:[s]}}", "filters", "since", "busybox"));
	assert_null(find_summary(list, tagged));
	assert_non_null(find_summary(list, labeled));
	json_decref(list);

	err = fails(image_list, f, json_pack("{s:{s:[s]}}", "filters", "colour", "red"));
	assert_int_equal(err.kind, BERR_INVALID);

	/* An untagged parent of another image is an intermediate image: hidden
	 * unless all is set, and not dangling. */
	import_unique(f, "parent", NULL, parent);
	import_unique(f, "child", "child:1", child);
	snprintf(sql, sizeof(sql), "UPDATE images SET parent = '%s' WHERE id = '%s'", parent, child);
	assert_int_equal(store_exec(f->st, sql, &err), 0);
	list = ok(image_list, f, json_object());
	assert_null(find_summary(list, parent));
	assert_string_equal(json_string_value(json_object_get(find_summary(list, child), "ParentId")),
			    parent);
	json_decref(list);
	list = ok(image_list, f, json_pack("{s:b}", "all", 1));
	assert_non_null(find_summary(list, parent));
	json_decref(list);
	list = ok(image_list, f, json_pack("{s:{s:[s]}}", "filters", "dangling", "true"));
	assert_null(find_summary(list, parent));
	json_decref(list);
}

static void test_tag_and_untag(void **state)
{
	struct fixture *f = *state;
	char id[IMAGE_DIGEST_SIZE], short_id[13], msg[300], hex[72];
	json_t *res, *inspect;
	berr err;

	import_unique(f, "tagme", "busybox", id);
	res = ok(image_tag, f, json_pack("{s:s, s:s}", "source", "busybox", "target", "mybox:1"));
	json_decref(res);
	inspect = ok(image_inspect, f, json_pack("{s:s}", "name", "mybox:1"));
	assert_int_equal(json_array_size(json_object_get(inspect, "RepoTags")), 2);
	json_decref(inspect);

	err = fails(image_tag, f, json_pack("{s:s, s:s}", "source", "nosuch", "target", "x"));
	assert_int_equal(err.kind, BERR_NOT_FOUND);
	err = fails(image_tag, f, json_pack("{s:s, s:s}", "source", "busybox", "target", "UPPER"));
	assert_int_equal(err.kind, BERR_INVALID);

	/* By reference with other tags left: only untagged. */
	res = ok(image_remove, f, json_pack("{s:s}", "name", "mybox:1"));
	assert_int_equal(json_array_size(res), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "Untagged")),
			    "mybox:1");
	json_decref(res);

	/* By id with several tags: must be forced. */
	res = ok(image_tag, f, json_pack("{s:s, s:s}", "source", id, "target", "other/repo:2"));
	json_decref(res);
	image_short_id(id, short_id);
	err = fails(image_remove, f, json_pack("{s:s}", "name", short_id));
	assert_int_equal(err.kind, BERR_CONFLICT);
	snprintf(msg, sizeof(msg),
		 "conflict: unable to delete %s (must be forced) - image is referenced in multiple repositories",
		 short_id);
	assert_string_equal(err.msg, msg);

	res = ok(image_remove, f, json_pack("{s:s, s:b}", "name", short_id, "force", 1));
	assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "Untagged")),
			    "busybox:latest");
	assert_string_equal(json_string_value(json_object_get(json_array_get(res, 1), "Untagged")),
			    "other/repo:2");
	assert_string_equal(json_string_value(json_object_get(json_array_get(res, 2), "Deleted")), id);
	/* Then the layer, by chain id (a single layer: its diff id). */
	assert_int_equal(json_array_size(res), 4);
	snprintf(hex, sizeof(hex), "%s", json_string_value(json_object_get(json_array_get(res, 3), "Deleted")) + 7);
	json_decref(res);
	assert_int_equal(count_rows(f, "images"), 0);
	assert_int_equal(count_rows(f, "layers"), 0);
	assert_int_equal(count_rows(f, "tags"), 0);
	assert_int_equal(count_entries(f, "layers"), 0);
	assert_int_equal(count_entries(f, "blobs/sha256"), 0);

	err = fails(image_remove, f, json_pack("{s:s}", "name", "busybox"));
	assert_int_equal(err.kind, BERR_NOT_FOUND);
	assert_string_equal(err.msg, "No such image: busybox:latest");
}

static void test_remove_with_containers(void **state)
{
	struct fixture *f = *state;
	char id[IMAGE_DIGEST_SIZE], run_id[IMAGE_DIGEST_SIZE], short_id[13], msg[400];
	const char *stopped = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";
	const char *running = "7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a";
	json_t *res;
	berr err;

	import_unique(f, "stopped", "busybox", id);
	add_container(f, stopped, "stopped", id, "exited");
	image_short_id(id, short_id);
	err = fails(image_remove, f, json_pack("{s:s}", "name", "busybox"));
	assert_int_equal(err.kind, BERR_CONFLICT);
	snprintf(msg, sizeof(msg),
		 "conflict: unable to remove repository reference \"busybox\" (must force) - container 5e5e5e5e5e5e is using its referenced image %s",
		 short_id);
	assert_string_equal(err.msg, msg);
	err = fails(image_remove, f, json_pack("{s:s}", "name", id));
	assert_int_equal(err.kind, BERR_CONFLICT);
	assert_non_null(strstr(err.msg, "image is being used by stopped container 5e5e5e5e5e5e"));

	/* Forced: untagged and deleted, but the layer stays for the container. */
	res = ok(image_remove, f, json_pack("{s:s, s:b}", "name", "busybox", "force", 1));
	assert_int_equal(json_array_size(res), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(res, 1), "Deleted")), id);
	json_decref(res);
	assert_int_equal(count_rows(f, "images"), 0);
	assert_int_equal(count_rows(f, "layers"), 1);
	assert_int_equal(count_entries(f, "layers"), 1);

	/* A running container: untagging by force leaves the image. */
	import_unique(f, "running", "web", run_id);
	add_container(f, running, "running", run_id, "running");
	err = fails(image_remove, f, json_pack("{s:s}", "name", "web"));
	assert_int_equal(err.kind, BERR_CONFLICT);
	assert_non_null(strstr(err.msg, "(must force) - container 7a7a7a7a7a7a is using"));
	image_short_id(run_id, short_id);
	err = fails(image_remove, f, json_pack("{s:s, s:b}", "name", run_id, "force", 1));
	snprintf(msg, sizeof(msg),
		 "conflict: unable to delete %s (cannot be forced) - image is being used by running container 7a7a7a7a7a7a",
		 short_id);
	assert_string_equal(err.msg, msg);
	res = ok(image_remove, f, json_pack("{s:s, s:b}", "name", "web", "force", 1));
	assert_int_equal(json_array_size(res), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "Untagged")),
			    "web:latest");
	json_decref(res);
	assert_int_equal(count_rows(f, "images"), 1);
}

/* Two images on the same layer share one directory until both are gone. */
static void test_shared_layers(void **state)
{
	struct fixture *f = *state;
	const char *files[] = {"shared=yes", NULL};
	char a[IMAGE_DIGEST_SIZE], b[IMAGE_DIGEST_SIZE];
	json_t *changes = json_pack("[s]", "ENV X=1");
	json_t *res;
	berr err;

	write_layer(f->tar, files);
	assert_int_equal(do_import(f, "a", NULL, a, &err), 0);
	assert_int_equal(do_import(f, "b", changes, b, &err), 0);
	json_decref(changes);
	assert_string_not_equal(a, b);
	assert_int_equal(count_rows(f, "layers"), 1);
	assert_int_equal(count_entries(f, "layers"), 1);

	res = ok(image_remove, f, json_pack("{s:s}", "name", "a"));
	assert_int_equal(json_array_size(res), 2);
	json_decref(res);
	assert_int_equal(count_entries(f, "layers"), 1);
	res = ok(image_remove, f, json_pack("{s:s}", "name", "b"));
	assert_int_equal(json_array_size(res), 3);
	json_decref(res);
	assert_int_equal(count_entries(f, "layers"), 0);
	assert_int_equal(count_entries(f, "blobs/sha256"), 0);
}

static void test_prune(void **state)
{
	struct fixture *f = *state;
	char tagged[IMAGE_DIGEST_SIZE], dangling[IMAGE_DIGEST_SIZE], used[IMAGE_DIGEST_SIZE];
	char labeled[IMAGE_DIGEST_SIZE];
	json_t *res, *changes;
	const char *files[] = {"keep=1", NULL};
	berr err;

	import_unique(f, "tagged", "busybox", tagged);
	import_unique(f, "dangling", NULL, dangling);
	import_unique(f, "used", "used", used);
	add_container(f, "9090909090909090909090909090909090909090909090909090909090909090", "u",
		      used, "exited");
	write_layer(f->tar, files);
	changes = json_pack("[s]", "LABEL keep=yes");
	assert_int_equal(do_import(f, NULL, changes, labeled, &err), 0);
	json_decref(changes);

	/* Dangling only, except those labelled keep. */
	res = ok(image_prune, f, json_pack("{s:{s:[s]}}", "filters", "label!", "keep"));
	assert_int_equal(json_array_size(json_object_get(res, "ImagesDeleted")), 2);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(res, "ImagesDeleted"), 0), "Deleted")),
			    dangling);
	assert_true(json_integer_value(json_object_get(res, "SpaceReclaimed")) > 0);
	json_decref(res);
	assert_int_equal(count_rows(f, "images"), 3);

	/* All unused: the tagged one goes, the one a container uses stays. */
	res = ok(image_prune, f, json_pack("{s:b, s:{s:[s]}}", "all", 1, "filters", "until", "0"));
	assert_int_equal(json_array_size(json_object_get(res, "ImagesDeleted")), 0);
	json_decref(res);
	res = ok(image_prune, f, json_pack("{s:b}", "all", 1));
	json_decref(res);
	assert_int_equal(count_rows(f, "images"), 1);
	{
		struct image_info info;

		assert_int_equal(image_resolve(f->st, "used", &info, &err), 0);
		image_info_free(&info);
	}

	err = fails(image_prune, f, json_pack("{s:{s:[s]}}", "filters", "before", "x"));
	assert_int_equal(err.kind, BERR_INVALID);
}

static void test_history(void **state)
{
	struct fixture *f = *state;
	char id[IMAGE_DIGEST_SIZE];
	json_t *res, *row, *changes = json_pack("[s]", "CMD [\"sh\"]");
	const char *files[] = {"bin/sh=0123456789", NULL};
	json_t *args;
	berr err;

	write_layer(f->tar, files);
	args = json_pack("{s:s, s:s, s:s, s:o}", "path", f->tar, "reference", "hist:1", "message",
			 "my message", "changes", changes);
	res = ok(image_import, f, args);
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(res, "id")));
	json_decref(res);

	res = ok(image_history, f, json_pack("{s:s}", "name", "hist:1"));
	assert_int_equal(json_array_size(res), 1);
	row = json_array_get(res, 0);
	assert_string_equal(json_string_value(json_object_get(row, "Id")), id);
	assert_string_equal(json_string_value(json_object_get(row, "Comment")), "my message");
	assert_string_equal(json_string_value(json_array_get(json_object_get(row, "Tags"), 0)),
			    "hist:1");
	assert_int_equal(json_integer_value(json_object_get(row, "Size")), 10);
	assert_true(json_integer_value(json_object_get(row, "Created")) > 1600000000);
	json_decref(res);

	err = fails(image_history, f, json_pack("{s:s}", "name", "nosuch"));
	assert_int_equal(err.kind, BERR_NOT_FOUND);
}

/* Staging left by dead processes is collected; a held one is not. */
static void test_gc_staging(void **state)
{
	struct fixture *f = *state;
	struct image_staging live;
	char junk[400];
	berr err;

	snprintf(junk, sizeof(junk), "%s/tmp/import-dead/layer-0/diff", f->root);
	assert_int_equal(image_mkdir_p(junk, 0700, &err), 0);
	snprintf(junk, sizeof(junk), "%s/tmp/blob-dead", f->root);
	close(open(junk, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	assert_int_equal(image_staging_open(&live, f->root, "live", &err), 0);
	assert_int_equal(count_entries(f, "tmp"), 3);
	assert_int_equal(image_gc_staging(f->root, &err), 0);
	assert_int_equal(count_entries(f, "tmp"), 1);
	assert_int_equal(access(live.path, F_OK), 0);
	image_staging_close(&live);
	assert_int_equal(count_entries(f, "tmp"), 0);
}

/* Two processes importing the same layer at once: both succeed, the layer
 * is stored once, and nothing is left in staging. */
static void test_concurrent_imports(void **state)
{
	struct fixture *f = *state;
	const char *files[] = {"race=same layer", NULL};
	pid_t pids[2];

	write_layer(f->tar, files);
	for (int p = 0; p < 2; p++) {
		pids[p] = fork();
		assert_true(pids[p] >= 0);
		if (pids[p] == 0) {
			struct store *st;
			berr err;
			int status = 0;

			if (store_open(&st, f->root, &err) < 0)
				_exit(2);
			for (int i = 0; i < 5 && status == 0; i++) {
				struct image_env env = {.st = st, .root = f->root};
				char ref[64];
				json_t *args, *res = NULL;

				snprintf(ref, sizeof(ref), "race:p%d-%d", p, i);
				args = json_pack("{s:s, s:s}", "path", f->tar, "reference", ref);
				status = image_import(&env, args, &res, &err);
				json_decref(args);
				json_decref(res);
			}
			store_close(st);
			_exit(status == 0 ? 0 : 1);
		}
	}
	for (int p = 0; p < 2; p++) {
		int status;

		assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(count_rows(f, "layers"), 1);
	assert_int_equal(count_rows(f, "tags"), 10);
	assert_int_equal(count_entries(f, "layers"), 1);
	assert_int_equal(count_entries(f, "tmp"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import_and_inspect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_entrypoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_import_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tag_and_untag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_with_containers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_layers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gc_staging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_imports, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
