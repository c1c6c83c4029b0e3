/* Starting a monitor and reading its start line (see shim_client.h). */
#include "engine/runtime/shim_client.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/runtime/shim_path.h"
#include "engine/runtime/shim_protocol.h"

/* Descriptors handed to the monitor are first moved at or above this, so
 * that neither dup2 onto 3 and 4 can overwrite the other's source. */
#define SPAWN_FD_FLOOR (SHIM_PROXY_FD + SHIM_PROXY_MAX)
#define ARGS_MAX 8

extern char **environ;

/* Spawns the shim; its first process exits once the monitor is detached. */
static int spawn(const char *const args[], int attach_fd, int netns_fd, int dns_fd,
		 const int *proxy_fds, size_t nproxy, int start_w, berr *err)
{
	char shim[PATH_MAX], *argv[ARGS_MAX + 2];
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	int hi_start, hi_attach = -1, hi_netns = -1, hi_dns = -1, status, rc = -1;
	int hi_proxy[SHIM_PROXY_MAX];
	size_t nhi = 0;
	sigset_t all, none;
	size_t n = 0;
	pid_t pid;

	if (runtime_shim_path(shim, sizeof(shim), err) < 0)
		return -1;
	argv[n++] = shim;
	while (args[n - 1] && n <= ARGS_MAX) {
		argv[n] = (char *)args[n - 1];
		n++;
	}
	argv[n] = NULL;
	hi_start = fcntl(start_w, F_DUPFD_CLOEXEC, SPAWN_FD_FLOOR);
	if (attach_fd >= 0)
		hi_attach = fcntl(attach_fd, F_DUPFD_CLOEXEC, SPAWN_FD_FLOOR);
	if (netns_fd >= 0)
		hi_netns = fcntl(netns_fd, F_DUPFD_CLOEXEC, SPAWN_FD_FLOOR);
	if (dns_fd >= 0)
		hi_dns = fcntl(dns_fd, F_DUPFD_CLOEXEC, SPAWN_FD_FLOOR);
	if (nproxy > SHIM_PROXY_MAX) {
		berr_set(err, BERR_INVALID, "at most %d ports on [::1]", SHIM_PROXY_MAX);
		goto out;
	}
	for (; nhi < nproxy; nhi++)
		if ((hi_proxy[nhi] = fcntl(proxy_fds[nhi], F_DUPFD_CLOEXEC, SPAWN_FD_FLOOR)) < 0)
			break;
	if (hi_start < 0 || (attach_fd >= 0 && hi_attach < 0) || (netns_fd >= 0 && hi_netns < 0) ||
	    (dns_fd >= 0 && hi_dns < 0) || nhi < nproxy) {
		berr_sys(err, "preparing the monitor's descriptors");
		goto out;
	}
	posix_spawn_file_actions_init(&actions);
	for (int fd = 0; fd < 3; fd++)
		posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_RDWR, 0);
	posix_spawn_file_actions_adddup2(&actions, hi_start, SHIM_START_FD);
	if (hi_attach >= 0)
		posix_spawn_file_actions_adddup2(&actions, hi_attach, SHIM_ATTACH_FD);
	if (hi_netns >= 0)
		posix_spawn_file_actions_adddup2(&actions, hi_netns, SHIM_NETNS_FD);
	if (hi_dns >= 0)
		posix_spawn_file_actions_adddup2(&actions, hi_dns, SHIM_DNS_FD);
	/* the listeners of [::1] at 7, 8...; a slot below the last one given
	 * that has nothing of berth's is closed, whatever the caller had there */
	for (size_t i = 0; i < nproxy; i++)
		posix_spawn_file_actions_adddup2(&actions, hi_proxy[i], SHIM_PROXY_FD + (int)i);
	int last = nproxy ? SHIM_PROXY_FD : hi_dns >= 0 ? SHIM_DNS_FD : hi_netns >= 0 ? SHIM_NETNS_FD
							: SHIM_ATTACH_FD;
	if (hi_attach < 0 && SHIM_ATTACH_FD < last)
		posix_spawn_file_actions_addclose(&actions, SHIM_ATTACH_FD);
	if (hi_netns < 0 && SHIM_NETNS_FD < last)
		posix_spawn_file_actions_addclose(&actions, SHIM_NETNS_FD);
	if (hi_dns < 0 && SHIM_DNS_FD < last)
		posix_spawn_file_actions_addclose(&actions, SHIM_DNS_FD);
	posix_spawn_file_actions_addclosefrom_np(&actions, nproxy	     ? SHIM_PROXY_FD + (int)nproxy
							   : hi_dns >= 0    ? SHIM_DNS_FD + 1
							   : hi_netns >= 0  ? SHIM_NETNS_FD + 1
							   : hi_attach >= 0 ? SHIM_ATTACH_FD + 1
									    : SHIM_START_FD + 1);
	/* The monitor, and so what it starts, begins with every signal at its
	 * default and none blocked, whatever the caller ignored or blocked. */
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	int r = posix_spawn(&pid, shim, &actions, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&actions);
	if (r != 0) {
		berr_errno(err, r, "starting %s", shim);
		goto out;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	rc = 0;
out:
	if (hi_start >= 0)
		close(hi_start);
	if (hi_attach >= 0)
		close(hi_attach);
	if (hi_netns >= 0)
		close(hi_netns);
	if (hi_dns >= 0)
		close(hi_dns);
	for (size_t i = 0; i < nhi; i++)
		close(hi_proxy[i]);
	return rc;
}

/* Reads the monitor's one start line (until EOF). */
static int read_start_line(int fd, char *buf, size_t n, const char *what, berr *err)
{
	size_t len = 0;

	for (;;) {
		ssize_t r = read(fd, buf + len, n - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return berr_sys(err, "reading from the %s", what);
		if (r == 0 || (len += (size_t)r) == n - 1)
			break;
	}
	buf[len] = '\0';
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return 0;
}

/* "ok <pid> <monitor>" or "error <kind> <words>". */
static int parse_start_line(const char *line, const char *what, struct shim_started *out,
			    berr *err)
{
	char kind[32];

	if (sscanf(line, "ok %ld %ld", &out->pid, &out->monitor) == 2)
		return 0;
	if (sscanf(line, "error %31s", kind) == 1) {
		const char *msg = line + 6 + strlen(kind);
		while (*msg == ' ')
			msg++;
		return berr_set(err, berr_kind_from_name(kind), "%s", msg);
	}
	return berr_set(err, BERR_SYSTEM, "%s failed to start%s%s", what, line[0] ? ": " : "", line);
}

int runtime_shim_start(const char *const args[], const struct shim_fds *fds,
		       struct shim_started *out, bool *reported, berr *err)
{
	const char *what = args[0] && strcmp(args[0], "--exec") == 0 ? "exec monitor"
									: "container monitor";
	char line[1024];
	int pipefd[2], rc;

	*reported = false;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return berr_sys(err, "creating the start pipe");
	if (spawn(args, fds->attach, fds->netns, fds->dns, fds->proxy, fds->nproxy, pipefd[1],
		  err) < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	close(pipefd[1]);
	rc = read_start_line(pipefd[0], line, sizeof(line), what, err);
	close(pipefd[0]);
	if (rc < 0)
		return -1;
	*reported = true;
	if (parse_start_line(line, what, out, err) < 0)
		return -1;
	*reported = false;
	return 0;
}
