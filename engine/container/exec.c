/* Running a command in a running container. container.exec writes an exec
 * spec (exec-<id>.spec in the container's run directory) from the
 * container's own spec and the exec's options, spawns `berth-shim --exec`
 * the way container.start spawns the shim, and waits for its word that the
 * command runs. The exec monitor writes exec-<id>.exit when the command is
 * gone; whoever takes that record first emits exec_die (protocol:
 * engine/runtime/shim_protocol.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/container/exec.h"
#include "engine/container/health.h"
#include "engine/runtime/spec_text.h"
#include "engine/core/fsutil.h"
#include "engine/events/events.h"
#include "engine/runtime/caps.h"
#include "engine/runtime/shim_client.h"

/* The status reported when a monitor vanished without recording one. */
#define EXIT_CODE_LOST 255

/* The keys of the container's spec an exec keeps (privileges and identity). */
static const char *const inherited_keys[] = {
	"id", "cap", "seccomp", "no-new-privileges", "group-add", "rlimit",
};


/* Copies the container's identity and privileges from its spec; a
 * privileged exec gets every capability (the seccomp filter stays, as
 * Docker keeps the container's profile for `exec --privileged`). */
static int put_inherited(struct engine *engine, const struct container *c, bool privileged,
			 struct strbuf *b, berr *err)
{
	char bundle[PATH_MAX], path[PATH_MAX + 8], *text = NULL, *save = NULL;

	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	snprintf(path, sizeof(path), "%s/spec", bundle);
	if (fs_read_file(path, &text, NULL, err) < 0)
		return berr_prefix(err, "reading the spec of container %s", c->id);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t klen = strcspn(line, " ");
		for (size_t i = 0; i < sizeof(inherited_keys) / sizeof(inherited_keys[0]); i++) {
			const char *k = inherited_keys[i];
			if (strlen(k) != klen || strncmp(line, k, klen) != 0)
				continue;
			if (!(privileged && strcmp(k, "cap") == 0))
				strbuf_addf(b, "%s\n", line); /* already escaped */
		}
	}
	free(text);
	if (privileged) {
		uint64_t all = caps_all();
		for (int cap = 0; cap < 64; cap++)
			if (all & (1ULL << cap))
				spec_putf(b, "cap", "%d", cap);
	}
	return 0;
}

/* The exec's options, checked: Docker's words for what it refuses. */
static int check_args(json_t *args, berr *err)
{
	json_t *cmd = json_object_get(args, "Cmd"), *v;
	const char *wd = json_string_value(json_object_get(args, "WorkingDir"));
	size_t i;

	if (!json_is_array(cmd) || json_array_size(cmd) == 0)
		return berr_set(err, BERR_INVALID, "No exec command specified");
	json_array_foreach(cmd, i, v)
		if (!json_is_string(v))
			return berr_set(err, BERR_INVALID, "Cmd must be a list of strings");
	json_array_foreach(json_object_get(args, "Env"), i, v)
		if (!json_is_string(v))
			return berr_set(err, BERR_INVALID, "Env must be a list of strings");
	/* Docker's runtime refuses it when the exec starts: status 126 */
	if (wd && *wd && wd[0] != '/')
		return berr_set(err, BERR_CANNOT_EXEC,
				"the working directory '%s' is invalid, "
				"it needs to be an absolute path",
				wd);
	return 0;
}

/* Writes <run>/exec-<id>.spec for this exec. */
static int write_exec_spec(struct engine *engine, const struct container *c, json_t *args,
			   const char *path, berr *err)
{
	const char *wd = json_string_value(json_object_get(args, "WorkingDir"));
	const char *user = json_string_value(json_object_get(args, "User"));
	bool detach = json_is_true(json_object_get(args, "Detach"));
	struct strbuf b = {0};
	json_t *env, *v;
	size_t i;
	int rc;

	if (put_inherited(engine, c, json_is_true(json_object_get(args, "Privileged")), &b, err) < 0) {
		strbuf_free(&b);
		return -1;
	}
	json_array_foreach(json_object_get(args, "Cmd"), i, v)
		spec_put(&b, "arg", json_string_value(v));
	env = container_env(c, json_is_true(json_object_get(args, "Tty")),
			    json_object_get(args, "Env"));
	json_array_foreach(env, i, v)
		spec_put(&b, "env", json_string_value(v));
	json_decref(env);
	if (!wd || !*wd)
		wd = json_string_value(json_object_get(c->config, "WorkingDir"));
	spec_put(&b, "cwd", wd && *wd ? wd : "/");
	if (!user || !*user)
		user = json_string_value(json_object_get(c->config, "User"));
	if (user && *user)
		spec_put(&b, "user", user);
	spec_put(&b, "tty", json_is_true(json_object_get(args, "Tty")) ? "1" : "0");
	if (json_is_true(json_object_get(args, "Tty")))
		spec_put_console_size(&b, json_object_get(args, "ConsoleSize"));
	spec_put(&b, "open-stdin",
		 !detach && json_is_true(json_object_get(args, "AttachStdin")) ? "1" : "0");
	spec_put(&b, "attach-fd", detach ? "0" : "1");
	rc = fs_write_atomic(path, b.s, b.len, err);
	strbuf_free(&b);
	return rc;
}

int container_health_spec_write(struct engine *engine, const struct container *c, berr *err)
{
	char run_dir[PATH_MAX], path[PATH_MAX + 16];
	struct health_params hp;
	json_t *test = json_object_get(json_object_get(c->config, "Healthcheck"), "Test");
	json_t *cmd, *args;
	size_t i;
	int rc;

	if (!container_health_params(c->config, &hp))
		return 0;
	if (!strcmp(json_string_value(json_array_get(test, 0)), "CMD-SHELL")) {
		cmd = json_pack("[s, s, O]", "/bin/sh", "-c", json_array_get(test, 1));
	} else {
		cmd = json_array();
		for (i = 1; i < json_array_size(test); i++)
			json_array_append(cmd, json_array_get(test, i));
	}
	args = json_pack("{s:o, s:b}", "Cmd", cmd, "Detach", 0);
	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	snprintf(path, sizeof(path), "%s/health.spec", run_dir);
	rc = check_args(args, err) < 0 ? -1 : write_exec_spec(engine, c, args, path, err);
	json_decref(args);
	return rc < 0 ? berr_prefix(err, "writing the health check") : 0;
}

/* Emits an exec event with Docker's attributes (execID, exitCode). */
static void emit_exec(struct engine *engine, const struct container *c, const char *action,
		      const char *exec_id, const int *exit_code)
{
	json_t *extra = json_pack("{s:s}", "execID", exec_id);
	char code[16];

	if (exit_code) {
		snprintf(code, sizeof(code), "%d", *exit_code);
		json_object_set_new(extra, "exitCode", json_string(code));
	}
	container_emit(engine, c, action, extra);
}

/* Docker's action text: "exec_create: <entrypoint> <args joined by spaces>". */
static void emit_exec_cmd(struct engine *engine, const struct container *c, const char *what,
			  json_t *cmd, const char *exec_id)
{
	char *action = NULL;
	size_t len = 0, i;
	json_t *v;
	FILE *f = open_memstream(&action, &len);

	if (!f)
		return;
	fprintf(f, "%s: %s ", what, json_string_value(json_array_get(cmd, 0)));
	json_array_foreach(cmd, i, v)
		if (i > 0)
			fprintf(f, "%s%s", i > 1 ? " " : "", json_string_value(v));
	if (fclose(f) == 0)
		emit_exec(engine, c, action, exec_id, NULL);
	free(action);
}

/* The refusals Docker gives before an exec is created. */
static int check_state(const struct container *c, const char *ref, berr *err)
{
	if (!container_is_active(c))
		return berr_set(err, BERR_CONFLICT, "container %s is not running", c->id);
	if (strcmp(c->state, "paused") == 0)
		return berr_set(err, BERR_CONFLICT,
				"Container %s is paused, unpause the container before exec", ref);
	if (strcmp(c->state, "restarting") == 0)
		return berr_set(err, BERR_CONFLICT,
				"Container %s is restarting, wait until the container is running",
				c->id);
	return 0;
}

/* Spawns the monitor for a written spec and waits for its start line. */
static int start_exec(struct engine *engine, const struct container *c, const char *spec_path,
		      int attach_fd, berr *err)
{
	char bundle[PATH_MAX], run_dir[PATH_MAX];
	const char *args[] = {"--exec", bundle, run_dir, spec_path, NULL};
	struct shim_started started;
	bool reported;

	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	struct shim_fds fds = SHIM_FDS_NONE;

	fds.attach = attach_fd;
	if (runtime_shim_start(args, &fds, &started, &reported, err) < 0) {
		/* an exec that cannot start (an unknown user...) is Docker's
		 * status 126, as its daemon records it; a missing command 127 */
		if (err->kind != BERR_CMD_NOT_FOUND)
			err->kind = BERR_CANNOT_EXEC;
		return -1;
	}
	return 0;
}

static int cmd_exec(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct engine *engine = cmd_engine(ctx);
	const char *ref = json_string_value(json_object_get(args, "id"));
	bool detach = json_is_true(json_object_get(args, "Detach"));
	char run_dir[PATH_MAX], spec_path[PATH_MAX + 96], exec_id[65];
	int pair[2] = {-1, -1}, rc = -1;
	struct container c;

	if (!ref || !*ref)
		return berr_set(err, BERR_INVALID, "no container given");
	if (container_find(engine, ref, &c, err) < 0)
		return -1;
	if (check_state(&c, ref, err) < 0 || check_args(args, err) < 0 ||
	    random_hex_id(exec_id, err) < 0)
		goto out;
	container_exec_collect(engine, &c, NULL);
	container_run_dir(engine, c.id, run_dir, sizeof(run_dir));
	snprintf(spec_path, sizeof(spec_path), "%s/exec-%s.spec", run_dir, exec_id);
	if (write_exec_spec(engine, &c, args, spec_path, err) < 0)
		goto out;
	json_t *cmd = json_object_get(args, "Cmd");
	emit_exec_cmd(engine, &c, "exec_create", cmd, exec_id);
	if (!detach && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
		berr_sys(err, "creating the attach socket");
		unlink(spec_path);
		goto out;
	}
	emit_exec_cmd(engine, &c, "exec_start", cmd, exec_id);
	rc = start_exec(engine, &c, spec_path, pair[1], err);
	unlink(spec_path); /* the monitor read it before it said anything */
	if (pair[1] >= 0)
		close(pair[1]);
	if (rc < 0) {
		if (pair[0] >= 0)
			close(pair[0]);
		goto out;
	}
	*result = detach ? json_pack("{s:s}", "Id", exec_id)
			 : json_pack("{s:s, s:i}", "Id", exec_id, "attach_fd", pair[0]);
out:
	container_free(&c);
	return rc;
}

/* Reads and removes an exec's exit record; true when this caller took it
 * (so exactly one process reports it). */
static bool take_exit_record(const char *run_dir, const char *exec_id, int *code)
{
	char path[PATH_MAX + 96], *text = NULL;
	bool taken;

	snprintf(path, sizeof(path), "%s/exec-%s.exit", run_dir, exec_id);
	if (fs_read_file(path, &text, NULL, NULL) < 0)
		return false;
	taken = sscanf(text, "%d", code) == 1 && unlink(path) == 0;
	free(text);
	return taken;
}

/* An exec whose monitor is gone: its record, or the status of a lost one.
 * Returns false when someone else reported it. */
static bool take_ended_exec(const char *run_dir, const char *exec_id, int *code)
{
	char pidfile[PATH_MAX + 96];

	snprintf(pidfile, sizeof(pidfile), "%s/exec-%s.pid", run_dir, exec_id);
	if (take_exit_record(run_dir, exec_id, code)) {
		unlink(pidfile);
		return true;
	}
	*code = EXIT_CODE_LOST;
	return unlink(pidfile) == 0;
}

/* Whether name is "exec-<64 hex><suffix>"; copies the id. */
static bool exec_record_name(const char *name, const char *suffix, char id[65])
{
	size_t sl = strlen(suffix);

	if (strncmp(name, "exec-", 5) != 0 || strlen(name) != 5 + 64 + sl ||
	    strcmp(name + 5 + 64, suffix) != 0 || strspn(name + 5, "0123456789abcdef") < 64)
		return false;
	memcpy(id, name + 5, 64);
	id[64] = '\0';
	return true;
}

/* A spec lives from its writing until its monitor has read it, a moment
 * later; one older than EXEC_SPEC_STALE_S was left by a berth killed in
 * between, and goes. */
#define EXEC_SPEC_STALE_S 300

static void remove_stale_spec(int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    time(NULL) - st.st_mtime > EXEC_SPEC_STALE_S)
		unlinkat(dirfd, name, 0);
}

int container_exec_collect(struct engine *engine, const struct container *c, berr *err)
{
	char run_dir[PATH_MAX], path[PATH_MAX + 96], id[65];
	struct dirent *e;
	pid_t pid;
	int code;

	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	DIR *d = opendir(run_dir);
	if (!d)
		return errno == ENOENT ? 0 : berr_sys(err, "reading %s", run_dir);
	while ((e = readdir(d))) {
		bool ended = false;
		if (exec_record_name(e->d_name, ".exit", id)) {
			snprintf(path, sizeof(path), "%s/exec-%s.pid", run_dir, id);
			ended = take_exit_record(run_dir, id, &code);
		} else if (exec_record_name(e->d_name, ".pid", id)) {
			snprintf(path, sizeof(path), "%s/%s", run_dir, e->d_name);
			ended = !proc_pidfile_alive(path, &pid) &&
				take_ended_exec(run_dir, id, &code);
		} else if (exec_record_name(e->d_name, ".spec", id)) {
			remove_stale_spec(dirfd(d), e->d_name);
		}
		if (ended)
			emit_exec(engine, c, "exec_die", id, &code);
	}
	closedir(d);
	return 0;
}

/* Waits until the process of a pid file is gone (or the caller cancels). */
static int wait_pidfile(struct cmd_ctx *ctx, const char *pidfile, berr *err)
{
	pid_t pid;

	if (!proc_pidfile_alive(pidfile, &pid))
		return 0;
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return 0;
	/* the pid may have been reused between the check and the open */
	while (proc_pidfile_alive(pidfile, &pid)) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, 200);
		if (r > 0)
			break;
		if (r < 0 && errno != EINTR) {
			close(fd);
			return berr_sys(err, "waiting for an exec");
		}
		if (cmd_cancelled(ctx)) {
			close(fd);
			return berr_set(err, BERR_SYSTEM, "wait cancelled");
		}
	}
	close(fd);
	return 0;
}

static int cmd_exec_wait(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct engine *engine = cmd_engine(ctx);
	const char *ref = json_string_value(json_object_get(args, "id"));
	const char *exec_id = json_string_value(json_object_get(args, "exec_id"));
	char run_dir[PATH_MAX], pidfile[PATH_MAX + 96], name[80], id[65];
	struct container c;
	int code = EXIT_CODE_LOST;

	snprintf(name, sizeof(name), "exec-%s.pid", exec_id ? exec_id : "");
	if (!exec_record_name(name, ".pid", id))
		return berr_set(err, BERR_NOT_FOUND, "No such exec instance: %s",
				exec_id ? exec_id : "");
	if (!ref || container_find(engine, ref, &c, err) < 0)
		return ref ? -1 : berr_set(err, BERR_INVALID, "no container given");
	container_run_dir(engine, c.id, run_dir, sizeof(run_dir));
	snprintf(pidfile, sizeof(pidfile), "%s/%s", run_dir, name);
	/* the record is written before the exit frame: usually it is there already */
	bool ended = take_exit_record(run_dir, id, &code);
	int rc = ended ? 0 : wait_pidfile(ctx, pidfile, err);
	if (rc == 0 && !ended)
		ended = take_ended_exec(run_dir, id, &code);
	if (ended)
		emit_exec(engine, &c, "exec_die", id, &code);
	container_free(&c);
	if (rc < 0)
		return -1;
	*result = json_pack("{s:i}", "ExitCode", code);
	return 0;
}

const struct engine_command container_exec_commands[] = {
	{"container.exec", cmd_exec},
	{"container.exec_wait", cmd_exec_wait},
	{NULL, NULL},
};
