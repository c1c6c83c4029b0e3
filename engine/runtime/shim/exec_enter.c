/* Joining a running container: the exec monitor opens the namespaces and
 * cgroups of the container's init through a /proc/<pid> directory that
 * pins that very process, and the exec'd process moves into them, takes
 * its stdio, working directory, user and privileges as the init did, and
 * execs. Failures travel back over the CLOEXEC error pipe. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec_monitor.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#define CG_MOUNT_MAX 32

static const struct {
	const char *name;
	int flag;
} ns_table[EXEC_NS_COUNT] = {
	[EXEC_NS_MNT] = {"mnt", CLONE_NEWNS},	  [EXEC_NS_IPC] = {"ipc", CLONE_NEWIPC},
	[EXEC_NS_UTS] = {"uts", CLONE_NEWUTS},	  [EXEC_NS_NET] = {"net", CLONE_NEWNET},
	[EXEC_NS_CGROUP] = {"cgroup", CLONE_NEWCGROUP},
};

/* A cgroup mount of the host, from /proc/self/mountinfo. */
struct cg_mount {
	char *dir, *root, *super;
	int v2;
};

/* Reads a small file relative to dirfd into buf (NUL-terminated). */
static int read_at(int dirfd, const char *name, char *buf, size_t size)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t got = 0;
	ssize_t r;
	if (fd < 0)
		return -1;
	while (got < size - 1 && ((r = read(fd, buf + got, size - 1 - got)) > 0 ||
				  (r < 0 && errno == EINTR)))
		got += r > 0 ? (size_t)r : 0;
	close(fd);
	buf[got] = '\0';
	return 0;
}

/* Field 22 of <procdir>/stat: the process's start time. */
static unsigned long long start_time_at(int procfd)
{
	char buf[1024];
	if (read_at(procfd, "stat", buf, sizeof(buf)) < 0)
		return 0;
	char *p = strrchr(buf, ')');
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

/* Opens one namespace of the init; -1 (and no error) when the monitor is
 * in it already or the kernel has no such namespace. */
static int ns_open(int procfd, const char *name, int *out, struct shim_err *err)
{
	char path[64], self[64];
	struct stat a, b;
	*out = -1;
	snprintf(path, sizeof(path), "ns/%s", name);
	snprintf(self, sizeof(self), "/proc/self/ns/%s", name);
	int fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && stat(self, &b) < 0)
		return 0;
	if (fd < 0 || fstat(fd, &a) < 0) {
		shim_sys(err, "open the container's %s namespace", name);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (stat(self, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		close(fd);
	else
		*out = fd;
	return 0;
}

/* Decodes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape_octal(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] && r[3]) {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* Collects the host's cgroup and cgroup2 mounts. */
static size_t cg_mounts(struct cg_mount *m, size_t max)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0, n = 0;
	if (!f)
		return 0;
	while (n < max && getline(&line, &cap, f) > 0) {
		/* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
		char *fld[5], *save, *sep = strstr(line, " - ");
		int k = 0;
		if (!sep)
			continue;
		*sep = '\0';
		for (char *t = strtok_r(line, " ", &save); t && k < 5;
		     t = strtok_r(NULL, " ", &save))
			fld[k++] = t;
		char *type = strtok_r(sep + 3, " ", &save);
		strtok_r(NULL, " ", &save);
		char *super = strtok_r(NULL, " \n", &save);
		if (k < 5 || !type || !super || (strcmp(type, "cgroup") && strcmp(type, "cgroup2")))
			continue;
		unescape_octal(fld[3]);
		unescape_octal(fld[4]);
		m[n] = (struct cg_mount){strdup(fld[4]), strdup(fld[3]), strdup(super),
					 !strcmp(type, "cgroup2")};
		if (m[n].dir && m[n].root && m[n].super)
			n++;
	}
	free(line);
	fclose(f);
	return n;
}

/* Whether every comma-separated word of want is among the words of have. */
static int has_all(const char *want, const char *have)
{
	char w[256];
	snprintf(w, sizeof(w), "%s", want);
	for (char *save, *t = strtok_r(w, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t len = strlen(t);
		const char *p = have;
		int found = 0;
		while (p && *p && !found) {
			found = !strncmp(p, t, len) && (p[len] == ',' || p[len] == '\0');
			p = strchr(p, ',');
			p = p ? p + 1 : NULL;
		}
		if (!found)
			return 0;
	}
	return 1;
}

/* Opens cgroup.procs for one line of /proc/<init>/cgroup
 * ("<id>:<controllers>:<path>"); skips hierarchies not mounted here. */
static int cg_open_line(struct exec_target *t, char *line, const struct cg_mount *m, size_t nm,
			struct shim_err *err)
{
	char path[PATH_MAX];
	char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2 || c2[1] != '/')
		return 0;
	*c2 = '\0';
	const char *ctrls = c1 + 1, *cg = c2 + 1;
	int v2 = !*ctrls;
	for (size_t i = 0; i < nm; i++) {
		if (m[i].v2 != v2 || (!v2 && !has_all(ctrls, m[i].super)))
			continue;
		/* the path is relative to our cgroup namespace; the mount may show a subtree */
		size_t rl = strcmp(m[i].root, "/") ? strlen(m[i].root) : 0;
		if (rl && (strncmp(cg, m[i].root, rl) || (cg[rl] != '/' && cg[rl] != '\0')))
			continue;
		if (t->n_cg == EXEC_CGROUP_MAX)
			return shim_fail(err, "system", "too many cgroup hierarchies");
		if ((size_t)snprintf(path, sizeof(path), "%s%s/cgroup.procs", m[i].dir, cg + rl) >=
		    sizeof(path))
			return shim_fail(err, "system", "cgroup path too long");
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return shim_sys(err, "open %s", path);
		t->cg_procs[t->n_cg++] = fd;
		return 0;
	}
	return 0;
}

/* Opens cgroup.procs in every hierarchy the init is in. */
static int cg_open_all(struct exec_target *t, int procfd, struct shim_err *err)
{
	struct cg_mount m[CG_MOUNT_MAX];
	char buf[8192];
	int rc = 0;
	if (read_at(procfd, "cgroup", buf, sizeof(buf)) < 0)
		return shim_sys(err, "read the container's cgroups");
	size_t nm = cg_mounts(m, CG_MOUNT_MAX);
	for (char *save, *l = strtok_r(buf, "\n", &save); l && rc == 0;
	     l = strtok_r(NULL, "\n", &save))
		rc = cg_open_line(t, l, m, nm, err);
	for (size_t i = 0; i < nm; i++) {
		free(m[i].dir);
		free(m[i].root);
		free(m[i].super);
	}
	return rc;
}

/* Reads <run>/init.pid: "<pid> <starttime>". */
static int read_init_pid(const char *run_dir, int *pid, unsigned long long *start,
			 struct shim_err *err)
{
	char buf[64];
	int dirfd = open(run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return shim_sys(err, "open %s", run_dir);
	int r = read_at(dirfd, "init.pid", buf, sizeof(buf));
	close(dirfd);
	if (r < 0 || sscanf(buf, "%d %llu", pid, start) != 2 || *pid <= 0)
		return shim_fail(err, "system", "the container is not running");
	return 0;
}

int exec_target_open(struct exec_target *t, const struct spec *s, const char *run_dir,
		     struct shim_err *err)
{
	char path[64];
	int pid, rc = -1;
	unsigned long long start;

	*t = (struct exec_target){.pid_ns = -1};
	for (int i = 0; i < EXEC_NS_COUNT; i++)
		t->ns[i] = -1;
	if (read_init_pid(run_dir, &pid, &start, err) < 0)
		return -1;
	/* the directory pins the process: nothing below reaches a reused pid */
	snprintf(path, sizeof(path), "/proc/%d", pid);
	int procfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0 || start_time_at(procfd) != start) {
		shim_fail(err, "system", "the container is not running");
		goto out;
	}
	if (ns_open(procfd, "pid", &t->pid_ns, err) < 0)
		goto out;
	for (int i = 0; i < EXEC_NS_COUNT; i++)
		if (ns_open(procfd, ns_table[i].name, &t->ns[i], err) < 0)
			goto out;
	if (cg_open_all(t, procfd, err) < 0)
		goto out;
	if (start_time_at(procfd) != start) {
		shim_fail(err, "system", "the container is not running");
		goto out;
	}
	/* a host path: read before anything joins the container's mounts */
	if (s->seccomp && seccomp_read(s->seccomp, &t->filter, &t->filter_len, err) < 0)
		goto out;
	rc = 0;
out:
	if (procfd >= 0)
		close(procfd);
	if (rc < 0)
		exec_target_close(t);
	return rc;
}

void exec_target_close(struct exec_target *t)
{
	if (t->pid_ns >= 0)
		close(t->pid_ns);
	t->pid_ns = -1;
	for (int i = 0; i < EXEC_NS_COUNT; i++) {
		if (t->ns[i] >= 0)
			close(t->ns[i]);
		t->ns[i] = -1;
	}
	for (size_t i = 0; i < t->n_cg; i++)
		close(t->cg_procs[i]);
	t->n_cg = 0;
}

/* Reports the failure to the monitor and dies with the code berth expects. */
static _Noreturn void child_fail(int errpipe, int code, const struct shim_err *err)
{
	char line[600];
	int n = snprintf(line, sizeof(line), "%s %s", err->kind ? err->kind : "system", err->msg);
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	write_all(errpipe, line, (size_t)n);
	_exit(code);
}

/* Whether the monitor is gone (its end of the alive pipe hung up). */
static int monitor_gone(int alive_r)
{
	struct pollfd p = {.fd = alive_r, .events = POLLIN};
	return poll(&p, 1, 0) != 0;
}

/* Moves the process into the init's cgroups, then into its namespaces:
 * after the mount namespace, / and the working directory are the
 * container's root. */
static int child_join(struct exec_target *t, struct shim_err *err)
{
	for (size_t i = 0; i < t->n_cg; i++)
		if (write(t->cg_procs[i], "0", 1) != 1)
			return shim_sys(err, "join the container's cgroups");
	for (int i = 0; i < EXEC_NS_COUNT; i++)
		if (t->ns[i] >= 0 && setns(t->ns[i], ns_table[i].flag) < 0)
			return shim_sys(err, "join the container's %s namespace", ns_table[i].name);
	exec_target_close(t);
	return 0;
}

/* Opens the container's /dev/null onto each fd of [from, to]. */
static int child_null(int from, int to, struct shim_err *err)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return shim_sys(err, "open /dev/null");
	for (int i = from; i <= to; i++)
		if (dup2(fd, i) < 0) {
			close(fd);
			return shim_sys(err, "set up stdio");
		}
	close(fd);
	return 0;
}

/* 0, 1 and 2: a pty of the container's devpts, the monitor's pipes, or
 * /dev/null. */
static int child_stdio(const struct spec *s, const struct exec_fds *f, struct shim_err *err)
{
	if (s->tty) {
		int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0)
			return shim_sys(err, "open /");
		int ptyno = pty_setup_child(root, f->pty_sock, err);
		close(root);
		if (ptyno < 0)
			return -1;
		/* sized before the command runs: the client's first resize may come later */
		if (s->console_rows && s->console_cols)
			pty_resize(0, s->console_rows, s->console_cols);
		return 0;
	}
	if (f->stdout_w < 0)
		return child_null(0, 2, err);
	if (dup2(f->stdout_w, 1) < 0 || dup2(f->stderr_w, 2) < 0)
		return shim_sys(err, "set up stdio");
	if (f->stdin_r >= 0)
		return dup2(f->stdin_r, 0) < 0 ? shim_sys(err, "set up stdio") : 0;
	return child_null(0, 0, err);
}

/* The working directory, which must exist (Docker's words and statuses). */
static int child_cwd(const char *cwd, int *code, struct shim_err *err)
{
	char now[PATH_MAX], text[128];
	if (chdir(cwd) < 0) {
		int e = errno;
		/* Go's wording: glibc's text with a lower-case first letter */
		snprintf(text, sizeof(text), "%s", strerror(e));
		text[0] = (char)(text[0] >= 'A' && text[0] <= 'Z' ? text[0] - 'A' + 'a' : text[0]);
		/* Docker's statuses for runc's message: 127 for a missing path, 126 for EACCES */
		*code = e == ENOENT || e == ENOTDIR ? 127 : e == EACCES ? 126 : 128;
		return shim_fail(err,
				 *code == 127   ? "cmd_not_found"
				 : *code == 126 ? "cannot_exec"
						: "system",
				 "chdir to cwd (\"%s\") set in config.json failed: %s", cwd, text);
	}
	if (!getcwd(now, sizeof(now)) || now[0] != '/')
		return shim_fail(err, "system", "working directory %s is outside the container",
				 cwd);
	return 0;
}

/* The exec's environment, with HOME from passwd when unset. */
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

/* User, capabilities and seccomp in the init's order (container.c), each
 * step while it is still allowed. */
static int child_privileges(const struct spec *s, const struct user_ids *ids,
			    const struct exec_target *t, struct shim_err *err)
{
	if (t->filter && !s->no_new_privs && seccomp_load(t->filter, t->filter_len, err) < 0)
		return -1;
	if (caps_drop_bounding(s->caps, err) < 0 || user_switch(ids, err) < 0 ||
	    caps_apply(s->caps, err) < 0)
		return -1;
	if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return shim_sys(err, "set no_new_privs");
	if (t->filter && s->no_new_privs && seccomp_load(t->filter, t->filter_len, err) < 0)
		return -1;
	return 0;
}

_Noreturn void exec_child(const struct spec *s, struct exec_target *t, const struct exec_fds *f)
{
	struct shim_err err = {0};
	struct user_ids ids;
	sigset_t none;
	int code = 128;

	close(f->alive_w);
	/* a killed monitor takes the command with it; nothing in the container
	 * may reach this (host) binary through /proc/<pid>/exe */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || monitor_gone(f->alive_r))
		_exit(code);
	if (child_join(t, &err) < 0)
		goto fail;
	if (setsid() < 0) {
		shim_sys(&err, "setsid");
		goto fail;
	}
	if (child_stdio(s, f, &err) < 0 || child_cwd(s->cwd ? s->cwd : "/", &code, &err) < 0)
		goto fail;
	/* the container's rlimits, while CAP_SYS_RESOURCE may still raise them */
	if (user_resolve(s, &ids, &err) < 0 || rlimits_apply(s, &err) < 0)
		goto fail;
	char **envp = child_env(s, &ids);
	if (!envp) {
		shim_sys(&err, "environment");
		goto fail;
	}
	/* nothing of the monitor's may reach the command: the error pipe goes at exec too */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		shim_sys(&err, "close_range");
		goto fail;
	}
	if (child_privileges(s, &ids, t, &err) < 0)
		goto fail;
	/* a change of user clears the parent-death signal: set it again, then
	 * make sure the monitor did not die in between */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || monitor_gone(f->alive_r))
		_exit(code);
	umask(022);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	exec_command(s, envp, &code, &err);
fail:
	child_fail(f->errpipe, code, &err);
}
