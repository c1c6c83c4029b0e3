/* Layer extraction and layer tar writing, with tars crafted here by
 * libarchive: ordinary content, escapes that must stay inside the layer,
 * whiteouts, compression, damaged input and limits. Runs as root (devices,
 * ownership and trusted.* xattrs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "engine/core/sha256.h"
#include "engine/image/internal.h"

struct fixture {
	char base[256];    /* private temp directory */
	char root[300];    /* the layer root being filled */
	char outside[300]; /* a host directory that must stay untouched */
	char tar[300];     /* the tar being built */
	int root_fd;
};

/* A tar under construction. */
struct tb {
	struct archive *a;
	struct archive_entry *e;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->base, sizeof(f->base), "/tmp/berth-layer-test-XXXXXX");
	assert_non_null(mkdtemp(f->base));
	snprintf(f->root, sizeof(f->root), "%s/root", f->base);
	snprintf(f->outside, sizeof(f->outside), "%s/outside", f->base);
	snprintf(f->tar, sizeof(f->tar), "%s/layer.tar", f->base);
	assert_int_equal(mkdir(f->root, 0755), 0);
	assert_int_equal(mkdir(f->outside, 0755), 0);
	f->root_fd = open(f->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(f->root_fd >= 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	berr err;

	close(f->root_fd);
	fs_remove_tree(f->base, &err);
	free(f);
	return 0;
}

/* Starts a tar at path with an optional compression filter. */
static void tb_open(struct tb *t, const char *path, int filter)
{
	t->a = archive_write_new();
	t->e = archive_entry_new();
	archive_write_set_format_pax_restricted(t->a);
	if (filter != ARCHIVE_FILTER_NONE)
		assert_int_equal(archive_write_add_filter(t->a, filter), ARCHIVE_OK);
	archive_write_set_bytes_in_last_block(t->a, 1);
	assert_int_equal(archive_write_open_filename(t->a, path), ARCHIVE_OK);
}

/* Adds an entry; data only for regular files. */
static void tb_add(struct tb *t, const char *name, mode_t type, mode_t perm, const char *data,
		   const char *link, const char *hardlink, dev_t rdev)
{
	archive_entry_clear(t->e);
	archive_entry_set_pathname(t->e, name);
	archive_entry_set_filetype(t->e, type);
	archive_entry_set_perm(t->e, perm);
	archive_entry_set_uid(t->e, 1000);
	archive_entry_set_gid(t->e, 1001);
	archive_entry_set_mtime(t->e, 1500000000, 0);
	if (link)
		archive_entry_set_symlink(t->e, link);
	if (hardlink)
		archive_entry_set_hardlink(t->e, hardlink);
	if (rdev)
		archive_entry_set_rdev(t->e, rdev);
	archive_entry_set_size(t->e, data ? (la_int64_t)strlen(data) : 0);
	assert_true(archive_write_header(t->a, t->e) >= ARCHIVE_WARN);
	if (data && *data)
		assert_int_equal(archive_write_data(t->a, data, strlen(data)), (la_ssize_t)strlen(data));
}

static void tb_file(struct tb *t, const char *name, const char *data)
{
	tb_add(t, name, AE_IFREG, 0644, data, NULL, NULL, 0);
}

static void tb_close(struct tb *t)
{
	assert_int_equal(archive_write_close(t->a), ARCHIVE_OK);
	archive_write_free(t->a);
	archive_entry_free(t->e);
}

/* Applies the tar at path into the fixture root; returns layer_apply's result. */
static int apply_path(struct fixture *f, const char *path, int blob_fd,
		      const struct layer_limits *limits, struct layer_apply_result *res, berr *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	assert_true(fd >= 0);
	berr_clear(err);
	ret = layer_apply(fd, f->root_fd, blob_fd, limits, res, err);
	close(fd);
	return ret;
}

/* sha256:<hex> of a file. */
static void file_digest(const char *path, char out[IMAGE_DIGEST_SIZE])
{
	char *data;
	size_t len;
	char hex[SHA256_HEX_SIZE];
	berr err;

	assert_int_equal(image_read_file(path, 1 << 30, &data, &len, &err), 0);
	sha256_data_hex(data, len, hex);
	snprintf(out, IMAGE_DIGEST_SIZE, "sha256:%s", hex);
	free(data);
}

static void rooted(struct fixture *f, const char *rel, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", f->root, rel);
}

static void read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, size - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
}

/* Writes the ordinary test layer to path. */
static void build_normal(const char *path, int filter)
{
	struct tb t;

	tb_open(&t, path, filter);
	tb_add(&t, "./", AE_IFDIR, 0755, NULL, NULL, NULL, 0);
	tb_add(&t, "bin/", AE_IFDIR, 0755, NULL, NULL, NULL, 0);
	tb_add(&t, "bin/busybox", AE_IFREG, 04755, "#!busybox\n", NULL, NULL, 0);
	tb_add(&t, "bin/sh", AE_IFLNK, 0777, NULL, "busybox", NULL, 0);
	tb_add(&t, "bin/ls", AE_IFREG, 04755, NULL, NULL, "bin/busybox", 0);
	tb_add(&t, "etc/deep/nested/file", AE_IFREG, 0600, "nested", NULL, NULL, 0);
	tb_add(&t, "dev/null", AE_IFCHR, 0666, NULL, NULL, NULL, makedev(1, 3));
	tb_add(&t, "fifo", AE_IFIFO, 0644, NULL, NULL, NULL, 0);
	tb_close(&t);
}

static void test_normal_layer(void **state)
{
	struct fixture *f = *state;
	struct layer_apply_result res;
	char path[512], buf[64], blob[512], digest[IMAGE_DIGEST_SIZE], blob_digest[IMAGE_DIGEST_SIZE];
	struct stat st, st2;
	berr err;
	int blob_fd;

	build_normal(f->tar, ARCHIVE_FILTER_NONE);
	snprintf(blob, sizeof(blob), "%s/blob", f->base);
	blob_fd = open(blob, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_int_equal(apply_path(f, f->tar, blob_fd, NULL, &res, &err), 0);
	close(blob_fd);

	file_digest(f->tar, digest);
	assert_string_equal(res.diff_id, digest);
	file_digest(blob, blob_digest);
	assert_string_equal(blob_digest, digest);
	assert_int_equal(res.entries, 8);

	rooted(f, "bin/busybox", path, sizeof(path));
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 04755);
	assert_int_equal(st.st_uid, 1000);
	assert_int_equal(st.st_gid, 1001);
	assert_int_equal(st.st_mtim.tv_sec, 1500000000);
	assert_int_equal(st.st_nlink, 2);
	read_text(path, buf, sizeof(buf));
	assert_string_equal(buf, "#!busybox\n");

	rooted(f, "bin/ls", path, sizeof(path));
	assert_int_equal(lstat(path, &st2), 0);
	assert_int_equal(st2.st_ino, st.st_ino);

	rooted(f, "bin/sh", path, sizeof(path));
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(readlink(path, buf, sizeof(buf)), 7);
	assert_int_equal(st.st_uid, 1000);

	rooted(f, "etc/deep/nested/file", path, sizeof(path));
	read_text(path, buf, sizeof(buf));
	assert_string_equal(buf, "nested");
	rooted(f, "etc/deep", path, sizeof(path));
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);

	rooted(f, "bin", path, sizeof(path));
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mtim.tv_sec, 1500000000);
	assert_int_equal(st.st_uid, 1000);

	rooted(f, "dev/null", path, sizeof(path));
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(major(st.st_rdev), 1);
	assert_int_equal(minor(st.st_rdev), 3);

	rooted(f, "fifo", path, sizeof(path));
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_true(res.size >= 16);
}

static void test_dotdot_stays_inside(void **state)
{
	struct fixture *f = *state;
	struct layer_apply_result res;
	char name[1024], path[1024];
	struct tb t;
	berr err;

	/* root is <base>/root: two levels up is /tmp, and more ".." than that. */
	snprintf(name, sizeof(name), "../../../../../..%s/escaped", f->outside);
	tb_open(&t, f->tar, ARCHIVE_FILTER_NONE);
	tb_file(&t, name, "x");
	tb_file(&t, "a/../../b", "y");
	tb_close(&t);
	assert_int_equal(apply_path(f, f->tar, -1, NULL, &res, &err), 0);

	snprintf(path, sizeof(path), "%s/escaped", f->outside);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s%s/escaped", f->root, f->outside);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/b", f->root);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/b", f->base);
	assert_int_equal(access(path, F_OK), -1);
}

static void test_absolute_names(void **state)
{
	struct fixture *f = *state;
	struct layer_apply_result res;
	char name[400], path[1024];
	struct tb t;
	berr err;

	snprintf(name, sizeof(name), "%s/absolute", f->outside);
	tb_open(&t, f->tar, ARCHIVE_FILTER_NONE);
	tb_file(&t, name, "abs");
	tb_close(&t);
	assert_int_equal(apply_path(f, f->tar, -1, NULL, &res, &err), 0);
	assert_int_equal(access(name, F_OK), -1);
	snprintf(path, sizeof(path), "%s%s", f->root, name);
	assert_int_equal(access(path, F_OK), 0);
}

/* A symlink to a host directory, then files under it: nothing may land in
 * the host directory, whatever the outcome. */
static void test_symlink_parent_never_followed_out(void **state)
{
	struct fixture *f = *state;
	struct layer_apply_result res;
	char rel_target[512], path[512];
	struct tb t;
	berr err;

	snprintf(rel_target, sizeof(rel_target), "../../../../../../..%s", f->outside);
	tb_open(&t, f->tar, ARCHIVE_FILTER_NONE);
	tb_add(&t, "evil", AE_IFLNK, 0777, NULL, f->outside, NULL, 0);
	tb_file(&t, "evil/pwned", "gotcha");
	tb_add(&t, "evil2", AE_IFLNK, 0777, NULL, rel_target, NULL, 0);
	tb_file(&t, "evil2/pwned2", "gotcha");
	tb_add(&t, "rootlink", AE_IFLNK, 0777, NULL, "/", NULL, 0);
	tb_file(&t, "rootlink/inside", "ok");
	tb_close(&t);
	apply_path(f, f->tar, -1, NULL, &res, &err);

	snprintf(path, sizeof(path), "%s/pwned", f->outside);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/pwned2", f->outside);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(access("/inside", F_OK), -1);

	/* The same files one at a time, so each outcome is seen. */
	tb_open(&t, f->tar, ARCHIVE_FILTER_NONE);
	tb_add(&t, "rootlink2", AE_IFLNK, 0777, NULL, "/", NULL, 0);
	tb_file(&t, "rootlink2/inside2", "ok");
	tb_close(&t);
	assert_int_equal(apply_path(f, f->tar, -1, NULL, &res, &err), 0);
	assert_int_equal(access("/inside2", F_OK), -1);
	snprintf(path, sizeof(path), "%s/inside2", f->root);
	assert_int_equal(access(path, F_OK), 0);
	/* The link itself is kept as a link. */
	snprintf(path, sizeof(path), "%s/evil", f->root);
	{
		struct stat st;

		assert_int_equal(lstat(path, &st), 0);
		assert_true(S_ISLNK(st.st_mode));
	}
}

/* A hardlink to a host file is resolved inside the layer, where it does not
 * exist: refused, and the host file gains no link. */
static void test_hardlink_outside_rejected(void **state)
{
	struct fixture *f = *state;
	struct layer_apply_result res;
	char host_file[512];
	struct stat before, after;
	struct tb t;
	berr err;
	int fd;

	snprintf(host_file, sizeof(host_file), "%s/secret", f->outside);
	fd = open(host_file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(stat(host_file, &before), 0);

	tb_open(&t, f->tar, ARCHIVE_FILTER_NONE);
	tb_add(&t, "link", AE_IFREG, 0644, NULL, NULL, host_file, 0);
	tb_close(&t);
	assert_int_equal(apply_path(f, f->tar, -1, NULL, &res, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_non_null(strstr(err.msg, "invalid tar"));

	tb_open(&t, f->tar, ARCHIVE_FILTER_NONE);
	tb_add(&t, "hostdir", AE_IFLNK, 0777, NULL, f->outside, NULL, 0);
	tb_add(&t, "link2", AE_IFREG, 0644, NULL, NULL, "hostdir/secret", 0);
	tb_close(&t);
	assert_int_equal(apply_path(f, f->tar, -1, NULL, &res, &err), -1);

	tb_open(&t, f->tar, ARCHIVE_FILTER_NONE);
	tb_add(&t, "link3", AE_IFREG, 0644, NULL, NULL, "/etc/passwd", 0);
	tb_close(&t);
	assert_int_equal(apply_path(f, f->tar, -1, NULL, &res, &err), -1);

	assert_int_equal(stat(host_file, &after), 0);
	assert_int_equal(after.st_nlink, before.st_nlink);
	assert_int_equal(stat("/etc/passwd", &after), 0);
	assert_int_equal(after.st_nlink, 1);
}

static void test_whiteouts(void **state)
{
	struct fixture *f = *state;
	struct layer_apply_result res;
	char path[512], value[8];
	struct stat st;
	struct tb t;
	berr err;

	tb_open(&t, f->tar, ARCHIVE_FILTER_NONE);
	tb_add(&t, "dir/", AE_IFDIR, 0755, NULL, NULL, NULL, 0);
	tb_file(&t, "dir/.wh.gone", "");
	tb_add(&t, "opq/", AE_IFDIR, 0755, NULL, NULL, NULL, 0);
	tb_file(&t, "opq/.wh..wh..opq", "");
	tb_file(&t, "opq/kept", "k");
	tb_file(&t, ".wh..wh.plnk", "");
	tb_file(&t, ".wh.toplevel", "");
	tb_add(&t, "rawwhiteout", AE_IFCHR, 0, NULL, NULL, NULL, makedev(0, 0));
	tb_close(&t);
	assert_int_equal(apply_path(f, f->tar, -1, NULL, &res, &err), 0);

	rooted(f, "dir/gone", path, sizeof(path));
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_rdev, makedev(0, 0));
	rooted(f, "dir/.wh.gone", path, sizeof(path));
	assert_int_equal(access(path, F_OK), -1);

	rooted(f, "toplevel", path, sizeof(path));
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISCHR(st.st_mode));

	rooted(f, "opq", path, sizeof(path));
	assert_int_equal(lgetxattr(path, "trusted.overlay.opaque", value, sizeof(value)), 1);
	assert_int_equal(value[0], 'y');
	rooted(f, "opq/.wh..wh..opq", path, sizeof(path));
	assert_int_equal(access(path, F_OK), -1);
	rooted(f, "opq/kept", path, sizeof(path));
	assert_int_equal(access(path, F_OK), 0);
	rooted(f, ".wh..wh.plnk", path, sizeof(path));
	assert_int_equal(access(path, F_OK), -1);
	rooted(f, "plnk", path, sizeof(path));
	assert_int_equal(access(path, F_OK), -1);

	rooted(f, "rawwhiteout", path, sizeof(path));
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
}

/* xattrs from the tar are kept, except trusted.overlay.* ones. */
static void test_xattrs(void **state)
{
	struct fixture *f = *state;
	struct layer_apply_result res;
	char path[512], value[16];
	struct tb t;
	berr err;

	tb_open(&t, f->tar, ARCHIVE_FILTER_NONE);
	archive_entry_clear(t.e);
	archive_entry_set_pathname(t.e, "withattr");
	archive_entry_set_filetype(t.e, AE_IFREG);
	archive_entry_set_perm(t.e, 0644);
	archive_entry_set_size(t.e, 0);
	archive_entry_xattr_add_entry(t.e, "user.color", "blue", 4);
	archive_entry_xattr_add_entry(t.e, "trusted.overlay.redirect", "/x", 2);
	assert_true(archive_write_header(t.a, t.e) >= ARCHIVE_WARN);
	tb_close(&t);
	assert_int_equal(apply_path(f, f->tar, -1, NULL, &res, &err), 0);
	rooted(f, "withattr", path, sizeof(path));
	assert_int_equal(lgetxattr(path, "user.color", value, sizeof(value)), 4);
	assert_memory_equal(value, "blue", 4);
	assert_int_equal(lgetxattr(path, "trusted.overlay.redirect", value, sizeof(value)), -1);
}

/* The diff id is the digest of the uncompressed tar, for every compression. */
static void test_compressed_inputs(void **state)
{
	struct fixture *f = *state;
	const int filters[] = {ARCHIVE_FILTER_GZIP, ARCHIVE_FILTER_BZIP2, ARCHIVE_FILTER_XZ,
			       ARCHIVE_FILTER_ZSTD};
	char plain[512], packed[512], blob[512];
	char want[IMAGE_DIGEST_SIZE], got_blob[IMAGE_DIGEST_SIZE];
	struct layer_apply_result res;
	berr err;

	snprintf(plain, sizeof(plain), "%s/plain.tar", f->base);
	snprintf(blob, sizeof(blob), "%s/blob", f->base);
	build_normal(plain, ARCHIVE_FILTER_NONE);
	file_digest(plain, want);
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		int blob_fd;

		snprintf(packed, sizeof(packed), "%s/packed-%zu", f->base, i);
		build_normal(packed, filters[i]);
		fs_remove_tree(f->root, &err);
		assert_int_equal(mkdir(f->root, 0755), 0);
		close(f->root_fd);
		f->root_fd = open(f->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		blob_fd = open(blob, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		assert_int_equal(apply_path(f, packed, blob_fd, NULL, &res, &err), 0);
		close(blob_fd);
		assert_string_equal(res.diff_id, want);
		file_digest(blob, got_blob);
		assert_string_equal(got_blob, want);
	}
}

/* Bytes after the end-of-archive blocks still count in the diff id. */
static void test_trailing_bytes_hashed(void **state)
{
	struct fixture *f = *state;
	struct layer_apply_result res;
	char want[IMAGE_DIGEST_SIZE];
	struct tb t;
	berr err;
	int fd;

	tb_open(&t, f->tar, ARCHIVE_FILTER_NONE);
	tb_file(&t, "a", "a");
	tb_close(&t);
	fd = open(f->tar, O_WRONLY | O_APPEND | O_CLOEXEC);
	assert_int_equal(write(fd, "trailing garbage", 16), 16);
	close(fd);
	file_digest(f->tar, want);
	assert_int_equal(apply_path(f, f->tar, -1, NULL, &res, &err), 0);
	assert_string_equal(res.diff_id, want);
}

static void test_damaged_input(void **state)
{
	struct fixture *f = *state;
	struct layer_apply_result res;
	char big[8192];
	struct stat st;
	struct tb t;
	berr err;
	int fd;

	/* Garbage. */
	fd = open(f->tar, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	memset(big, 'z', sizeof(big));
	assert_int_equal(write(fd, big, 1500), 1500);
	close(fd);
	assert_int_equal(apply_path(f, f->tar, -1, NULL, &res, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_non_null(strstr(err.msg, "invalid tar"));

	/* A tar cut in the middle of a file's data. */
	memset(big, 'q', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	tb_open(&t, f->tar, ARCHIVE_FILTER_NONE);
	tb_file(&t, "big", big);
	tb_close(&t);
	assert_int_equal(stat(f->tar, &st), 0);
	assert_int_equal(truncate(f->tar, 512 + 3000), 0);
	assert_int_equal(apply_path(f, f->tar, -1, NULL, &res, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_non_null(strstr(err.msg, "invalid tar"));

	/* A gzip stream cut short. */
	tb_open(&t, f->tar, ARCHIVE_FILTER_GZIP);
	tb_file(&t, "big", big);
	tb_close(&t);
	assert_int_equal(stat(f->tar, &st), 0);
	assert_int_equal(truncate(f->tar, st.st_size / 2), 0);
	assert_int_equal(apply_path(f, f->tar, -1, NULL, &res, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_non_null(strstr(err.msg, "invalid tar"));
}

/* An empty input is an empty layer, as with Docker. */
static void test_empty_input(void **state)
{
	struct fixture *f = *state;
	struct layer_apply_result res;
	berr err;
	int fd = open(f->tar, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	close(fd);
	assert_int_equal(apply_path(f, f->tar, -1, NULL, &res, &err), 0);
	assert_string_equal(res.diff_id,
			    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_limits(void **state)
{
	struct fixture *f = *state;
	struct layer_limits few = {.max_bytes = 1 << 20, .max_entries = 3};
	struct layer_limits small = {.max_bytes = 4096, .max_entries = 100};
	struct layer_apply_result res;
	char big[6000];
	struct tb t;
	berr err;

	tb_open(&t, f->tar, ARCHIVE_FILTER_NONE);
	for (int i = 0; i < 5; i++) {
		char name[16];

		snprintf(name, sizeof(name), "f%d", i);
		tb_file(&t, name, "x");
	}
	tb_close(&t);
	assert_int_equal(apply_path(f, f->tar, -1, &few, &res, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_non_null(strstr(err.msg, "entries"));

	memset(big, 'b', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	tb_open(&t, f->tar, ARCHIVE_FILTER_GZIP);
	tb_file(&t, "big", big);
	tb_close(&t);
	assert_int_equal(apply_path(f, f->tar, -1, &small, &res, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
}

/* Names of the entries of a tar file, in order, joined by spaces. */
static void tar_names(const char *path, char *out, size_t size)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	size_t len = 0;

	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_filename(a, path, 10240), ARCHIVE_OK);
	out[0] = '\0';
	while (archive_read_next_header(a, &e) == ARCHIVE_OK)
		len += (size_t)snprintf(out + len, size - len, "%s%s", len ? " " : "",
					archive_entry_pathname(e));
	archive_read_free(a);
}

/* Layer dir -> tar -> layer dir gives back the same tree, whiteouts and
 * opaque markers translated both ways; the same tree gives the same bytes. */
static void test_tar_round_trip(void **state)
{
	struct fixture *f = *state;
	struct layer_apply_result res;
	char out1[512], out2[512], d1[IMAGE_DIGEST_SIZE], d2[IMAGE_DIGEST_SIZE];
	char names[2048], path[512], value[4];
	struct stat st, st2;
	struct tb t;
	berr err;
	int fd;

	tb_open(&t, f->tar, ARCHIVE_FILTER_NONE);
	tb_add(&t, "b/", AE_IFDIR, 0750, NULL, NULL, NULL, 0);
	tb_add(&t, "b/file", AE_IFREG, 04711, "data", NULL, NULL, 0);
	tb_add(&t, "b/hard", AE_IFREG, 04711, NULL, NULL, "b/file", 0);
	tb_add(&t, "a/", AE_IFDIR, 0755, NULL, NULL, NULL, 0);
	tb_file(&t, "a/.wh..wh..opq", "");
	tb_file(&t, "a/.wh.removed", "");
	tb_add(&t, "a/link", AE_IFLNK, 0777, NULL, "../b/file", NULL, 0);
	tb_close(&t);
	assert_int_equal(apply_path(f, f->tar, -1, NULL, &res, &err), 0);

	snprintf(out1, sizeof(out1), "%s/out1.tar", f->base);
	snprintf(out2, sizeof(out2), "%s/out2.tar", f->base);
	fd = open(out1, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_int_equal(image_layer_tar_write(f->root_fd, fd, &err), 0);
	close(fd);
	fd = open(out2, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_int_equal(image_layer_tar_write(f->root_fd, fd, &err), 0);
	close(fd);
	file_digest(out1, d1);
	file_digest(out2, d2);
	assert_string_equal(d1, d2);

	tar_names(out1, names, sizeof(names));
	assert_string_equal(names, "a/ a/.wh..wh..opq a/link a/.wh.removed b/ b/file b/hard");

	/* Apply the written tar into a fresh root and compare. */
	fs_remove_tree(f->root, &err);
	assert_int_equal(mkdir(f->root, 0755), 0);
	close(f->root_fd);
	f->root_fd = open(f->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(apply_path(f, out1, -1, NULL, &res, &err), 0);
	assert_string_equal(res.diff_id, d1);

	rooted(f, "a/removed", path, sizeof(path));
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISCHR(st.st_mode) && st.st_rdev == 0);
	rooted(f, "a", path, sizeof(path));
	assert_int_equal(lgetxattr(path, "trusted.overlay.opaque", value, sizeof(value)), 1);
	rooted(f, "b/file", path, sizeof(path));
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 04711);
	assert_int_equal(st.st_uid, 1000);
	rooted(f, "b/hard", path, sizeof(path));
	assert_int_equal(lstat(path, &st2), 0);
	assert_int_equal(st.st_ino, st2.st_ino);
	rooted(f, "b", path, sizeof(path));
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	assert_int_equal(st.st_mtim.tv_sec, 1500000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_normal_layer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dotdot_stays_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absolute_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_parent_never_followed_out, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hardlink_outside_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whiteouts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xattrs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compressed_inputs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trailing_bytes_hashed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tar_round_trip, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
