/* The container's init: cloned into its namespaces by the shim, it builds
 * its root, drops what it must not keep, and execs the command. Any failure
 * travels back over the CLOEXEC error pipe as "<kind> <message>". */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"
#include "../shim_protocol.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Reports the error to the shim and dies with the code berth expects. */
static _Noreturn void child_fail(int errpipe, int code, const struct shim_err *err)
{
	char line[600];
	int n = snprintf(line, sizeof(line), "%s %s", err->kind ? err->kind : "system", err->msg);
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	write_all(errpipe, line, (size_t)n);
	_exit(code);
}

/* Points 0, 1 and 2 at the shim's pipes (stdin may wait for /dev/null). */
static int child_stdio_pipes(const struct init_fds *f, struct shim_err *err)
{
	if ((f->stdin_r >= 0 && dup2(f->stdin_r, 0) < 0) || dup2(f->stdout_w, 1) < 0 ||
	    dup2(f->stderr_w, 2) < 0)
		return shim_sys(err, "set up stdio");
	return 0;
}

/* stdin without open-stdin: the container's own /dev/null. */
static int child_stdin_null(struct shim_err *err)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || dup2(fd, 0) < 0)
		return shim_sys(err, "open /dev/null for stdin");
	close(fd);
	return 0;
}

/* The container's environment, with HOME from passwd when unset. */
static char **child_env(const struct spec *s, const struct user_ids *ids)
{
	char **env = calloc(s->env.n + 2, sizeof(*env));
	size_t n = 0;
	int has_home = 0;
	if (!env)
		return NULL;
	for (size_t i = 0; i < s->env.n; i++) {
		has_home |= !strncmp(s->env.v[i], "HOME=", 5);
		env[n++] = s->env.v[i];
	}
	if (!has_home && asprintf(&env[n++], "HOME=%s", ids->home) < 0) {
		free(env);
		return NULL;
	}
	return env;
}

/* Working directory: created when missing, then checked to be inside the root. */
static int child_cwd(const char *cwd, struct shim_err *err)
{
	char now[PATH_MAX];
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return shim_sys(err, "open /");
	int fd = root_path_open(root, cwd, 1, 0, err);
	close(root);
	if (fd < 0)
		return -1;
	close(fd);
	if (chdir(cwd) < 0)
		return shim_sys(err, "chdir %s", cwd);
	if (!getcwd(now, sizeof(now)) || now[0] != '/')
		return shim_fail(err, "system", "working directory %s is outside the container",
				 cwd);
	return 0;
}

/* Mounts everything under rootfs while the host is still in view. */
static int child_build_root(const struct spec *s, const struct init_fds *f, struct shim_err *err)
{
	int rc = -1, rootfd = open(s->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return shim_sys(err, "open %s", s->rootfs);
	if (mnt_standard(s, rootfd, err) < 0)
		goto out;
	if (s->tty) {
		int ptyno = pty_setup_child(rootfd, f->pty_sock, err);
		if (ptyno < 0 || mnt_console(rootfd, ptyno, err) < 0)
			goto out;
		/* sized before the command runs: the client's first resize may come later */
		if (s->console_rows && s->console_cols)
			pty_resize(0, s->console_rows, s->console_cols);
	} else if (child_stdio_pipes(f, err) < 0) {
		goto out;
	}
	rc = mnt_user(s, rootfd, err);
out:
	close(rootfd);
	return rc;
}

/* Everything up to the filesystem being the container's. */
static int child_filesystem(const struct spec *s, const struct init_fds *f, struct shim_err *err)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return shim_sys(err, "make / a recursive slave");
	if (mnt_rootfs(s, err) < 0 || child_build_root(s, f, err) < 0 ||
	    mnt_pivot(s->rootfs, err) < 0)
		return -1;
	if (!s->tty && f->stdin_r < 0 && child_stdin_null(err) < 0)
		return -1;
	if (sysctl_apply(s, err) < 0)
		return -1;
	return mnt_masked_readonly(s, err);
}

/* Switches user, drops capabilities and installs seccomp, in the order that
 * lets each step still be allowed. */
static int child_privileges(const struct spec *s, const struct user_ids *ids, void *filter,
			    size_t filter_len, struct shim_err *err)
{
	/* without no-new-privileges the filter needs CAP_SYS_ADMIN: load it first */
	if (filter && !s->no_new_privs && seccomp_load(filter, filter_len, err) < 0)
		return -1;
	if (caps_drop_bounding(s->caps, err) < 0 || user_switch(ids, err) < 0 ||
	    caps_apply(s->caps, err) < 0)
		return -1;
	/* Changing user clears the parent-death signal: set it again, so a
	 * killed shim still takes the container with it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return shim_sys(err, "set the parent-death signal");
	if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return shim_sys(err, "set no_new_privs");
	if (filter && s->no_new_privs && seccomp_load(filter, filter_len, err) < 0)
		return -1;
	return 0;
}

/* Set by container_start: the init was cloned straight into its v2 cgroup. */
static bool born_in_v2;

/* Blocks until the shim says the init is in its cgroups. */
static bool wait_for_cgroups(const struct init_fds *f)
{
	char go;
	bool ok = read(f->sync, &go, 1) == 1;

	close(f->sync);
	return ok;
}

/* The init, from clone to exec. */
static _Noreturn void child_main(const struct spec *s, const struct init_fds *f)
{
	struct shim_err err = {0};
	struct user_ids ids;
	void *filter = NULL;
	size_t filter_len = 0;
	sigset_t none;
	int code = 128;

	/* a killed shim must take the container with it */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		_exit(code);
	/* With a cgroup namespace the init must sit in its cgroups before it
	 * unshares one; without, it builds its root while the shim moves it
	 * there (a v1 move can wait a whole RCU grace period) and waits for
	 * the word only before exec. EOF means the shim died. */
	bool early = (s->namespaces & CLONE_NEWCGROUP) != 0;
	/* Into the cgroups first, by the init's own hand (see cgroup.c). */
	if (cgroup_join_self(born_in_v2, &err) < 0)
		goto fail;
	if (early && !wait_for_cgroups(f))
		_exit(code);
	umask(0);
	if (setsid() < 0) {
		shim_sys(&err, "setsid");
		goto fail;
	}
	if (s->net_join && setns(SHIM_NETNS_FD, CLONE_NEWNET) < 0) {
		shim_sys(&err, "join the container's network namespace");
		goto fail;
	}
	if ((s->namespaces & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0) {
		shim_sys(&err, "unshare the cgroup namespace");
		goto fail;
	}
	if (s->seccomp && seccomp_read(s->seccomp, &filter, &filter_len, &err) < 0)
		goto fail;
	if (child_filesystem(s, f, &err) < 0)
		goto fail;
	if ((s->namespaces & CLONE_NEWUTS) && s->hostname && s->hostname[0] &&
	    sethostname(s->hostname, strlen(s->hostname)) < 0) {
		shim_sys(&err, "sethostname");
		goto fail;
	}
	if (child_cwd(s->cwd ? s->cwd : "/", &err) < 0)
		goto fail;
	if (s->readonly_rootfs && mnt_readonly_root(&err) < 0)
		goto fail;
	if (user_resolve(s, &ids, &err) < 0 || rlimits_apply(s, &err) < 0)
		goto fail;
	char **envp = child_env(s, &ids);
	if (!envp) {
		shim_sys(&err, "environment");
		goto fail;
	}
	if (!early && !wait_for_cgroups(f))
		_exit(code);
	/* nothing of the shim's may reach the command: the error pipe goes at exec too */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		shim_sys(&err, "close_range");
		goto fail;
	}
	if (child_privileges(s, &ids, filter, filter_len, &err) < 0)
		goto fail;
	umask(022);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Every signal at its default: an ignored one would stay ignored
	 * across exec, and a shell could not even trap it. */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	exec_command(s, envp, &code, &err);
fail:
	child_fail(f->errpipe, code, &err);
}

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

struct clone3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
		set_tid, set_tid_size, cgroup;
};


pid_t container_start(const struct spec *s, const struct init_fds *fds, struct shim_err *err)
{
	/* the cgroup namespace is entered by the init itself, once it sits in its cgroups */
	uint64_t ns = (uint64_t)(s->namespaces & ~CLONE_NEWCGROUP);
	int v2 = cgroup_join_v2_fd();
	long pid = -1;

	if (v2 >= 0) {
		/* Born in its v2 cgroup; no stack given: the child runs on a copy of ours. */
		struct clone3_args a = {.flags = ns | CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
					.cgroup = (uint64_t)v2};
		pid = syscall(SYS_clone3, &a, sizeof(a));
		born_in_v2 = pid >= 0;
	}
	if (pid < 0) {
		born_in_v2 = false;
		pid = syscall(SYS_clone, (unsigned long)ns | SIGCHLD, NULL, NULL, NULL, NULL);
	}
	if (pid < 0)
		return shim_sys(err, "clone the container's init");
	if (pid == 0)
		child_main(s, fds);
	cgroup_join_done();
	return (pid_t)pid;
}
