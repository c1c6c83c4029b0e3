/* cp: files between a container and the host, both ways, as tar streams.
 * The container side runs in the engine (inside the container's own
 * filesystem view); the host side is the user's own files, handled here. */
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
#include "engine/core/tarstream.h"

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

static int copy_from_container(struct cli *cli, const char *container, const char *src,
			       const char *dest)
{
	char name[PATH_MAX], dir[PATH_MAX], base[PATH_MAX], copy1[PATH_MAX], copy2[PATH_MAX];
	bool to_stdout = strcmp(dest, "-") == 0;
	int fd = to_stdout ? STDOUT_FILENO : temp_fd();
	json_t *args, *result = NULL;
	struct stat st;
	berr err = {0};
	int status = 0;

	if (fd < 0)
		return cli_failf(cli, 1, "cannot create a temporary file: %m");
	args = json_pack("{s:s, s:s, s:i}", "id", container, "path", src, "fd", fd);
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
		if (tarstream_extract(dest, NULL, NULL, fd, &err) < 0)
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
		if (tarstream_extract(dest, NULL, NULL, fd, &err) < 0)
			status = cli_fail(cli, &err, 1);
	} else if (tarstream_extract(dir, name, base, fd, &err) < 0) {
		status = cli_fail(cli, &err, 1);
	}
out:
	if (!to_stdout)
		close(fd);
	json_decref(args);
	json_decref(result);
	return status;
}

static int copy_to_container(struct cli *cli, const char *src, const char *container,
			     const char *dest)
{
	bool from_stdin = strcmp(src, "-") == 0;
	char name[PATH_MAX];
	struct stat st;
	berr err = {0};
	int fd, status = 0;
	json_t *args;

	if (from_stdin) {
		fd = STDIN_FILENO;
		args = json_pack("{s:s, s:s, s:i}", "id", container, "path", dest, "fd", fd);
	} else {
		if (lstat(src, &st) < 0)
			return cli_failf(cli, 1, "lstat %s: %m", src);
		fd = temp_fd();
		if (fd < 0)
			return cli_failf(cli, 1, "cannot create a temporary file: %m");
		if (tarstream_write(src, fd, &err) < 0) {
			close(fd);
			return cli_fail(cli, &err, 1);
		}
		lseek(fd, 0, SEEK_SET);
		source_name(src, name, sizeof(name));
		args = json_pack("{s:s, s:s, s:i, s:s, s:b}", "id", container, "path", dest, "fd", fd,
				 "name", name, "is_dir", S_ISDIR(st.st_mode));
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
					   argv[first + 1]);
	return copy_to_container(cli, argv[first], dest_container, *dest_path ? dest_path : "/");
}
