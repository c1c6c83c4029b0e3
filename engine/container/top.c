/* container.top: the host's `ps` output, kept to the container's processes,
 * in the Engine API's shape {"Titles": [...], "Processes": [[...], ...]}. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/container/cgroup.h"
#include "engine/container/internal.h"
#include "engine/container/inspect_ops.h"

extern char **environ;

/* Runs ps with the user's options and returns its whole output. */
static int run_ps(json_t *ps_args, char **out, berr *err)
{
	char *argv[64];
	int argc = 0, pipefd[2], status;
	posix_spawn_file_actions_t actions;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	pid_t pid;
	json_t *v;
	size_t i;

	argv[argc++] = "ps";
	json_array_foreach(ps_args, i, v)
		if (json_is_string(v) && argc < 62)
			argv[argc++] = (char *)json_string_value(v);
	if (argc == 1)
		argv[argc++] = "-ef";
	argv[argc] = NULL;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return berr_sys(err, "running ps");
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
	posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
	int rc = posix_spawnp(&pid, "ps", &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		return berr_errno(err, rc, "running ps");
	}
	for (;;) {
		if (len + 4096 > cap) {
			cap = cap ? cap * 2 : 16384;
			char *grown = realloc(buf, cap);
			if (!grown)
				break;
			buf = grown;
		}
		ssize_t n = read(pipefd[0], buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	if (!buf || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(buf);
		return berr_set(err, BERR_INVALID, "ps: the options given to ps are not valid");
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* Splits a ps line into its first `columns` fields; the last keeps the rest. */
static json_t *split_line(char *line, size_t columns)
{
	json_t *row = json_array();
	char *p = line;

	for (size_t col = 0; col < columns && *p; col++) {
		while (*p == ' ')
			p++;
		if (col == columns - 1) {
			json_array_append_new(row, json_string(p));
			break;
		}
		char *end = p + strcspn(p, " ");
		char saved = *end;
		*end = '\0';
		json_array_append_new(row, json_string(p));
		*end = saved;
		p = end;
	}
	return row;
}

int container_top(struct engine *engine, const struct container *c, json_t *ps_args,
		  json_t **result, berr *err)
{
	pid_t *pids = NULL;
	size_t npids = 0, pid_col = (size_t)-1;
	char *text = NULL, *save = NULL, *line;
	json_t *titles, *processes;

	(void)engine;
	if (!container_is_active(c))
		return berr_set(err, BERR_CONFLICT, "container %s is not running", c->id);
	if (container_cgroup_pids(c->id, &pids, &npids, err) < 0 || run_ps(ps_args, &text, err) < 0) {
		free(pids);
		return -1;
	}
	line = strtok_r(text, "\n", &save);
	titles = split_line(line ? line : "", 64);
	for (size_t i = 0; i < json_array_size(titles); i++)
		if (strcmp(json_string_value(json_array_get(titles, i)), "PID") == 0)
			pid_col = i;
	if (pid_col == (size_t)-1) {
		json_decref(titles);
		free(text);
		free(pids);
		return berr_set(err, BERR_INVALID, "Couldn't find PID field in ps output");
	}
	processes = json_array();
	while ((line = strtok_r(NULL, "\n", &save))) {
		json_t *row = split_line(line, json_array_size(titles));
		pid_t pid = (pid_t)atoi(json_string_value(json_array_get(row, pid_col)) ?: "0");
		bool ours = false;
		for (size_t i = 0; i < npids && !ours; i++)
			ours = pids[i] == pid;
		if (ours)
			json_array_append_new(processes, row);
		else
			json_decref(row);
	}
	free(text);
	free(pids);
	*result = json_pack("{s:o, s:o}", "Titles", titles, "Processes", processes);
	return 0;
}
