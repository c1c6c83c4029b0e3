/* Running the container's command: argv[0] looked up in the container's
 * PATH, errors told apart the way Docker tells them (127 for a command that
 * is not there, 126 for one that cannot run). Runs after pivot_root. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Go's wording of the errors users see (glibc capitalises them). */
static const char *errno_text(int e)
{
	switch (e) {
	case ENOENT:
		return "no such file or directory";
	case EACCES:
	case EPERM:
		return "permission denied";
	case EISDIR:
		return "is a directory";
	case ENOEXEC:
		return "exec format error";
	case ENOTDIR:
		return "not a directory";
	default:
		return strerror(e);
	}
}

/* Turns an execve failure into the kind and code berth reports. */
static int exec_failed(const char *name, int e, int *code, struct shim_err *err)
{
	*code = e == ENOENT ? 127 : 126;
	return shim_fail(err, e == ENOENT ? "cmd_not_found" : "cannot_exec", "exec: \"%s\": %s",
			 name, errno_text(e));
}

/* A candidate must be a file with some execute bit, as Go's LookPath wants. */
static int check_executable(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -1;
	if (S_ISDIR(st.st_mode))
		return errno = EISDIR, -1;
	if (!(st.st_mode & 0111))
		return errno = EACCES, -1;
	return 0;
}

/* The PATH entry of envp, or the default. */
static const char *env_path(char **envp)
{
	for (char **e = envp; *e; e++)
		if (!strncmp(*e, "PATH=", 5))
			return *e + 5;
	return DEFAULT_PATH;
}

int exec_command(const struct spec *s, char **envp, int *code, struct shim_err *err)
{
	const char *name = s->args.v[0];
	char cand[PATH_MAX];

	if (strchr(name, '/')) {
		if (check_executable(name) < 0) {
			if (errno == ENOENT) {
				*code = 127;
				return shim_fail(err, "cmd_not_found", "exec: \"%s\": stat %s: %s",
						 name, name, errno_text(ENOENT));
			}
			return exec_failed(name, errno, code, err);
		}
		execve(name, s->args.v, envp);
		return exec_failed(name, errno, code, err);
	}
	for (const char *p = env_path(envp); name[0];) {
		size_t dl = strcspn(p, ":");
		/* an empty PATH element means the working directory */
		int n = dl ? snprintf(cand, sizeof(cand), "%.*s/%s", (int)dl, p, name)
			   : snprintf(cand, sizeof(cand), "./%s", name);
		if (n > 0 && (size_t)n < sizeof(cand) && check_executable(cand) == 0) {
			execve(cand, s->args.v, envp);
			return exec_failed(name, errno, code, err);
		}
		if (!p[dl])
			break;
		p += dl + 1;
	}
	*code = 127;
	return shim_fail(err, "cmd_not_found", "exec: \"%s\": executable file not found in $PATH",
			 name);
}
