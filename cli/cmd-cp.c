/* cp: files between a container and the host, both ways, as tar streams.
 * The container side runs in the engine (its files reached by fd, paths
 * resolved inside the container); the host side is the user's own files,
 * handled here, with the same walk and an extraction confined to the
 * destination directory. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/core/tar_extract.h"
#include "engine/core/tar_write.h"

static int cmd_cp(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_cp = {"cp", cmd_cp,
				       "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
				       "Copy files/folders between a container and the local filesystem"};

/* "name:/path" names a container path; a local path is never split (it
 * starts with "/" or ".", or has no colon). */
static bool split_container_path(const char *arg, char *container, size_t n, const char **path)
{
	const char *colon = strchr(arg, ':');

	if (!colon || arg[0] == '/' || arg[0] == '.' || colon == arg)
		return false;
	snprintf(container, n, "%.*s", (int)(colon - arg), arg);
	*path = colon + 1;
	return true;
}

static int temp_fd(void)
{
	const char *dir = getenv("TMPDIR");

	return open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
}

/* The entry name a source path gets in the stream. */
static void source_name(const char *path, char *out, size_t n)
{
	char copy[PATH_MAX];
	size_t len = strlen(path);

	if (len >= 2 && strcmp(path + len - 2, "/.") == 0) {
		snprintf(out, n, ".");
		return;
	}
	snprintf(copy, sizeof(copy), "%s", path);
	while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
		copy[strlen(copy) - 1] = '\0';
	snprintf(out, n, "%s", basename(copy));
}

/* How a local tar is unpacked: confined to dest_fd (nothing in the stream
 * leads out of it), owned by the caller, without device nodes or setuid
 * and setgid bits (a container's files must not hand the host a
 * world-writable disk or a setuid-root shell), unless -a keeps all. */
static int local_extract(int dest_fd, const char *dest_name, const char *from, const char *to,
			 bool archive_mode, int in_fd, berr *err)
{
	struct tar_extract_opts opts = {
		.rename_from = from,
		.rename_to = to,
		.flags = TAR_EXTRACT_NO_ESCAPE | TAR_EXTRACT_KEEP_DEST | TAR_EXTRACT_KEEP_KIND |
			 (archive_mode ? 0 : TAR_EXTRACT_CHOWN | TAR_EXTRACT_PLAIN),
		.uid = getuid(),
		.gid = getgid(),
		.shown_root = dest_name,
	};

	return tar_extract_fd(in_fd, dest_fd, &opts, NULL, err);
}

/* Opens a local directory for local_extract. */
static int open_local_dir(struct cli *cli, const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		cli_failf(cli, 1, "destination directory %s does not exist", dir);
	return fd;
}

static int copy_from_container(struct cli *cli, const char *container, const char *src,
			       const char *dest_arg, bool follow, bool archive_mode)
{
	/* a local symlink is written through, as a local cp does */
	char *real = NULL;
	struct stat lst;
	if (strcmp(dest_arg, "-") != 0 && lstat(dest_arg, &lst) == 0 && S_ISLNK(lst.st_mode))
		real = realpath(dest_arg, NULL);
	const char *dest = real ? real : dest_arg;
	char name[PATH_MAX], dir[PATH_MAX], base[PATH_MAX], copy1[PATH_MAX], copy2[PATH_MAX];
	bool to_stdout = strcmp(dest, "-") == 0;
	int fd = to_stdout ? STDOUT_FILENO : temp_fd(), dest_fd = -1;
	json_t *args, *result = NULL;
	struct stat st;
	berr err = {0};
	int status = 0;

	if (fd < 0)
		return cli_failf(cli, 1, "cannot create a temporary file: %m");
	args = json_pack("{s:s, s:s, s:i, s:b}", "id", container, "path", src, "fd", fd, "follow",
			 follow);
	if (cli_call(cli, "container.copy_from", args, &result, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	if (to_stdout)
		goto out;
	bool src_dir = json_is_true(json_object_get(json_object_get(result, "stat"), "dir"));
	source_name(src, name, sizeof(name));
	lseek(fd, 0, SEEK_SET);
	if (stat(dest, &st) == 0 && S_ISDIR(st.st_mode)) {
		if ((dest_fd = open_local_dir(cli, dest)) < 0)
			status = 1;
		else if (local_extract(dest_fd, dest, NULL, NULL, archive_mode, fd, &err) < 0)
			status = cli_fail(cli, &err, 1);
		goto out;
	}
	if (stat(dest, &st) == 0 && src_dir) {
		status = cli_failf(cli, 1, "cannot copy a directory to a file: %s", dest);
		goto out;
	}
	if (dest[strlen(dest) - 1] == '/' && !src_dir) {
		status = cli_failf(cli, 1, "destination directory %s does not exist", dest);
		goto out;
	}
	snprintf(copy1, sizeof(copy1), "%s", dest);
	snprintf(copy2, sizeof(copy2), "%s", dest);
	snprintf(dir, sizeof(dir), "%s", dirname(copy1));
	snprintf(base, sizeof(base), "%s", basename(copy2));
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		status = cli_failf(cli, 1, "destination directory %s does not exist", dir);
		goto out;
	}
	if (strcmp(name, ".") == 0) {
		/* The contents of a directory into a new directory of that name. */
		if (mkdir(dest, 0755) < 0 && errno != EEXIST) {
			status = cli_failf(cli, 1, "creating %s: %m", dest);
			goto out;
		}
		if ((dest_fd = open_local_dir(cli, dest)) < 0)
			status = 1;
		else if (local_extract(dest_fd, dest, NULL, NULL, archive_mode, fd, &err) < 0)
			status = cli_fail(cli, &err, 1);
	} else if ((dest_fd = open_local_dir(cli, dir)) < 0) {
		status = 1;
	} else if (local_extract(dest_fd, dir, name, base, archive_mode, fd, &err) < 0) {
		status = cli_fail(cli, &err, 1);
	}
out:
	if (dest_fd >= 0)
		close(dest_fd);
	if (!to_stdout)
		close(fd);
	json_decref(args);
	json_decref(result);
	free(real);
	return status;
}

/* Writes the local path src as a tar on fd: a symlink as a link unless
 * follow is set or the path ends in "/" or "/." (then what it names). */
static int local_tar(const char *src, bool follow, int fd, berr *err)
{
	char name[PATH_MAX], parent[PATH_MAX], copy[PATH_MAX];
	size_t len = strlen(src);
	struct tar_writer *w;
	const char *base = "";
	int dir, ret;

	source_name(src, name, sizeof(name));
	if (follow || src[len - 1] == '/' || strcmp(name, ".") == 0) {
		dir = open(src, O_PATH | O_CLOEXEC);
	} else {
		snprintf(copy, sizeof(copy), "%s", src);
		snprintf(parent, sizeof(parent), "%s", dirname(copy));
		base = name;
		dir = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	if (dir < 0)
		return berr_sys(err, "lstat %s", src);
	if (tar_writer_open(&w, fd, 0, err) < 0) {
		close(dir);
		return -1;
	}
	ret = tar_writer_add(w, dir, base, name, err);
	close(dir);
	if (ret < 0) {
		tar_writer_free(w);
		return -1;
	}
	return tar_writer_close(w, err);
}

static int copy_to_container(struct cli *cli, const char *src, const char *container,
			     const char *dest, bool follow, bool archive_mode)
{
	bool from_stdin = strcmp(src, "-") == 0;
	char name[PATH_MAX];
	struct stat st;
	berr err = {0};
	int fd, status = 0;
	json_t *args;

	if (from_stdin) {
		fd = STDIN_FILENO;
		args = json_pack("{s:s, s:s, s:i, s:b}", "id", container, "path", dest, "fd", fd,
				 "archive", archive_mode);
	} else {
		if ((follow ? stat(src, &st) : lstat(src, &st)) < 0)
			return cli_failf(cli, 1, "lstat %s: %m", src);
		fd = temp_fd();
		if (fd < 0)
			return cli_failf(cli, 1, "cannot create a temporary file: %m");
		if (local_tar(src, follow, fd, &err) < 0) {
			close(fd);
			return cli_fail(cli, &err, 1);
		}
		lseek(fd, 0, SEEK_SET);
		source_name(src, name, sizeof(name));
		args = json_pack("{s:s, s:s, s:i, s:s, s:b, s:b}", "id", container, "path", dest,
				 "fd", fd, "name", name, "is_dir", S_ISDIR(st.st_mode), "archive",
				 archive_mode);
	}
	if (cli_call(cli, "container.copy_to", args, NULL, &err) < 0)
		status = cli_fail(cli, &err, 1);
	json_decref(args);
	if (!from_stdin)
		close(fd);
	return status;
}

static int cmd_cp(struct cli *cli, int argc, char **argv)
{
	bool archive = false, follow = false, quiet = false, done;
	struct flag_spec specs[] = {
		{"archive", 'a', FLAG_BOOL, &archive, NULL, "Archive mode (copy all uid/gid information)"},
		{"follow-link", 'L', FLAG_BOOL, &follow, NULL, "Always follow symbol link in SRC_PATH"},
		{"quiet", 'q', FLAG_BOOL, &quiet, NULL, "Suppress progress output during copy"},
		{0},
	};
	char src_container[256], dest_container[256];
	const char *src_path, *dest_path;
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_cp, argc, argv, true, &first, &done)) || done)
		return status;
	if ((status = cli_require_args(cli, &cli_cmd_cp, argc - first, 2, 2)))
		return status;
	bool from = split_container_path(argv[first], src_container, sizeof(src_container), &src_path);
	bool to = split_container_path(argv[first + 1], dest_container, sizeof(dest_container),
				       &dest_path);
	if (from && to)
		return cli_failf(cli, 1, "copying between containers is not supported");
	if (!from && !to)
		return cli_failf(cli, 1, "must specify at least one container source");
	if (from)
		return copy_from_container(cli, src_container, *src_path ? src_path : "/",
					   argv[first + 1], follow, archive);
	return copy_to_container(cli, argv[first], dest_container, *dest_path ? dest_path : "/",
				 follow, archive);
}
