/* Remote contexts, as `docker build URL` takes them: a git repository
 * (git://..., git@host:..., github.com/..., https://...something.git,
 * or a repository of this host given as path#ref[:subdir];
 * "#ref:subdir" picks a branch, tag or commit and a
 * directory of it) cloned by the host's git into a staging directory
 * (no hooks run on a clone; the repository's .git is left out of the
 * context, as BuildKit leaves it), or an http(s) URL of a tar (plain or
 * compressed) or of a Dockerfile alone.
 *
 * git runs as a child of berth on the host, with host privileges, on the
 * repository the user named; nothing of a container is involved, and its
 * output is read only for error messages. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/build/internal.h"
#include "engine/core/alloc.h"
#include "engine/core/fsutil.h"
#include "engine/core/strbuf.h"

extern char **environ;

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* Is it a git repository's URL (the part before '#')? An absolute path
 * is one when it holds a repository (a work tree's .git, or a bare
 * repository's HEAD). */
static bool is_git(const char *url)
{
	size_t len = strcspn(url, "#");
	bool web = strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;

	if (url[0] == '/') {
		char probe[PATH_MAX];
		snprintf(probe, sizeof(probe), "%.*s/.git", (int)len, url);
		if (access(probe, F_OK) == 0)
			return true;
		snprintf(probe, sizeof(probe), "%.*s/HEAD", (int)len, url);
		return access(probe, F_OK) == 0;
	}
	return strncmp(url, "git://", 6) == 0 || strncmp(url, "git@", 4) == 0 ||
	       strncmp(url, "github.com/", 11) == 0 ||
	       (web && (ends_with(url, len, ".git") || ends_with(url, len, ".git/")));
}

/* Runs git with args; its stderr's last line goes into err on failure. */
static int run_git(char *const argv[], const char *what, berr *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none;
	int pipefd[2], status;
	pid_t pid;
	char out[4096];
	size_t len = 0;
	ssize_t n;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return berr_sys(err, "%s", what);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	int rc = posix_spawnp(&pid, "git", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		return berr_errno(err, rc, "%s: running git", what);
	}
	while ((n = read(pipefd[0], out + len, sizeof(out) - 1 - len)) > 0) {
		len += (size_t)n;
		if (len == sizeof(out) - 1) { /* keep the end */
			memmove(out, out + len / 2, len - len / 2);
			len -= len / 2;
		}
	}
	close(pipefd[0]);
	out[len] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	while (len && (out[len - 1] == '\n' || out[len - 1] == ' '))
		out[--len] = '\0';
	const char *last = strrchr(out, '\n');
	return berr_set(err, BERR_INVALID, "%s: %s", what, last ? last + 1 : out[0] ? out : "git failed");
}

static int clone_git(struct build *b, const char *url, const char *staging, berr *err)
{
	char repo[PATH_MAX], *copy = xstrdup(url), *fragment = strchr(copy, '#');
	char *ref = NULL, *subdir = NULL;
	int rc = -1;

	if (fragment) {
		*fragment++ = '\0';
		char *colon = strchr(fragment, ':');
		if (colon) {
			*colon = '\0';
			subdir = colon + 1;
		}
		ref = *fragment ? fragment : NULL;
	}
	snprintf(repo, sizeof(repo), "%s/repo", staging);
	if (copy[0] == '-' || (ref && ref[0] == '-')) {
		berr_set(err, BERR_INVALID, "unable to prepare context: invalid git reference %s", url);
		goto out;
	}
	/* git's own rule for submodules stays: none from a path of this host
	 * (a repository could otherwise pull the host's into the context) */
	char *clone[] = {"git", "clone", "--quiet", "--recurse-submodules", "--", copy, repo, NULL};
	if (run_git(clone, "unable to prepare context: git clone", err) < 0)
		goto out;
	if (ref) {
		char *checkout[] = {"git", "-C", repo, "checkout", "--quiet", ref, "--", NULL};
		if (run_git(checkout, "unable to prepare context: git checkout", err) < 0)
			goto out;
	}
	char dotgit[PATH_MAX + 8];
	snprintf(dotgit, sizeof(dotgit), "%s/.git", repo);
	fs_remove_tree(dotgit, NULL);
	int root = open(repo, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0) {
		berr_sys(err, "opening the clone");
		goto out;
	}
	if (subdir && *subdir) {
		/* inside the clone, whatever its symlinks say */
		b->context_fd = fs_openat_in_root(root, subdir, O_RDONLY | O_DIRECTORY, 0, 0);
		close(root);
		if (b->context_fd < 0) {
			berr_set(err, BERR_NOT_FOUND, "unable to prepare context: the directory %s is not in %s",
				 subdir, copy);
			goto out;
		}
	} else {
		b->context_fd = root;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

int build_context_remote(struct build *b, const char *url, struct image_staging *sg,
			 char **dockerfile_text, size_t *text_len, berr *err)
{
	const char *staging;

	if (build_context_staging(b, sg, err) < 0)
		return -1;
	staging = sg->path;
	if (is_git(url))
		return clone_git(b, url, staging, err);
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return berr_set(err, BERR_INVALID, "unable to prepare context: unsupported URL %s", url);
	/* a tar or a Dockerfile, downloaded beside the staging directory */
	char digest[IMAGE_DIGEST_SIZE];
	int dir = open(staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return berr_sys(err, "opening %s", staging);
	int rc = build_fetch_url(b, url, dir, ".download", NULL, digest, err);
	int fd = rc == 0 ? openat(dir, ".download", O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
	unlinkat(dir, ".download", 0);
	close(dir);
	if (rc < 0)
		return berr_prefix(err, "unable to prepare context: unable to download remote context %s", url);
	if (fd < 0)
		return berr_sys(err, "reading the download");
	rc = build_context_from_file(b, fd, staging, dockerfile_text, text_len, err);
	close(fd);
	return rc;
}
