/* A journald container's logs, read from the journal as Docker reads them:
 * journalctl (the host's, spawned with posix_spawn, never in a container's
 * namespaces) gives the entries whose CONTAINER_ID_FULL is the container's
 * as JSON; PRIORITY 3 is stderr, MESSAGE the line (a newline added unless
 * CONTAINER_PARTIAL_MESSAGE says it is a piece), the journal's realtime
 * the time, and fields of the container's attributes (not journald's own
 * nor Docker's) its attributes. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/container/logs.h"
#include "engine/core/strbuf.h"

extern char **environ;

static const char *journalctl_path(void)
{
	static const char *const places[] = {"/usr/bin/journalctl", "/bin/journalctl"};
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++)
		if (access(places[i], X_OK) == 0)
			return places[i];
	return NULL;
}

/* Fields that are the journal's or Docker's, not attributes. */
static bool well_known(const char *key)
{
	static const char *const known[] = {
		"MESSAGE", "MESSAGE_ID", "PRIORITY", "CODE_FILE", "CODE_LINE", "CODE_FUNC",
		"ERRNO", "SYSLOG_FACILITY", "SYSLOG_IDENTIFIER", "SYSLOG_PID", "SYSLOG_TIMESTAMP",
		"CONTAINER_NAME", "CONTAINER_ID", "CONTAINER_ID_FULL", "CONTAINER_TAG",
		"IMAGE_NAME", "CONTAINER_LOG_EPOCH", "CONTAINER_LOG_ORDINAL",
		"CONTAINER_PARTIAL_MESSAGE", "CONTAINER_PARTIAL_ID", "CONTAINER_PARTIAL_ORDINAL",
		"CONTAINER_PARTIAL_LAST"};
	if (key[0] == '_')
		return true;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(key, known[i]) == 0)
			return true;
	return false;
}

/* A field's value: journalctl gives text as a string and bytes that are
 * not as an array of numbers. */
static void field_bytes(json_t *v, struct strbuf *out)
{
	size_t i;
	json_t *b;

	if (json_is_string(v)) {
		strbuf_addn(out, json_string_value(v), json_string_length(v));
		return;
	}
	json_array_foreach(v, i, b)
		strbuf_addc(out, (char)json_integer_value(b));
}

/* One line of journalctl's output; returns fn's verdict. */
static int entry(const char *line, size_t len, log_entry_fn fn, void *user)
{
	json_t *o = json_loadb(line, len, 0, NULL), *attrs = json_object(), *v;
	struct strbuf msg = {0};
	const char *key;
	int rc = 0;

	if (!o) {
		json_decref(attrs);
		return 0;
	}
	field_bytes(json_object_get(o, "MESSAGE"), &msg);
	const char *partial = json_string_value(json_object_get(o, "CONTAINER_PARTIAL_MESSAGE"));
	if (!(partial && strcmp(partial, "true") == 0))
		strbuf_addc(&msg, '\n');
	const char *prio = json_string_value(json_object_get(o, "PRIORITY"));
	const char *realtime = json_string_value(json_object_get(o, "__REALTIME_TIMESTAMP"));
	json_object_foreach(o, key, v)
		if (!well_known(key) && json_is_string(v))
			json_object_set(attrs, key, v);
	struct log_entry e = {
		.stream = prio && strcmp(prio, "3") == 0 ? 2 : 1,
		.time_ns = realtime ? strtoll(realtime, NULL, 10) * 1000 : 0,
		.line = msg.s ? msg.s : "",
		.len = msg.len,
		.attrs = attrs,
	};
	rc = fn(user, &e);
	strbuf_free(&msg);
	json_decref(attrs);
	json_decref(o);
	return rc;
}

int container_journal_read(const struct container *c, const struct journal_query *q,
			   log_entry_fn fn, void *user, berr *err)
{
	const char *journalctl = journalctl_path();
	char match[96], since[40], until[40], lines[32];
	const char *argv[16];
	int n = 0, pipefd[2];
	posix_spawn_file_actions_t fa;
	pid_t pid;

	if (!journalctl)
		return 0;
	argv[n++] = journalctl;
	argv[n++] = "--no-pager";
	argv[n++] = "--all";
	argv[n++] = "--output=json";
	if (q->since) {
		snprintf(since, sizeof(since), "--since=@%lld", (long long)(q->since / 1000000000));
		argv[n++] = since;
	}
	if (q->until) {
		snprintf(until, sizeof(until), "--until=@%lld",
			 (long long)((q->until + 999999999) / 1000000000));
		argv[n++] = until;
	}
	if (q->tail >= 0) {
		snprintf(lines, sizeof(lines), "--lines=%ld", q->tail);
		argv[n++] = lines;
	}
	if (q->follow)
		argv[n++] = "--follow";
	snprintf(match, sizeof(match), "CONTAINER_ID_FULL=%s", c->id);
	argv[n++] = match;
	argv[n] = NULL;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return berr_sys(err, "reading the journal");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	int rc = posix_spawn(&pid, journalctl, &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		return 0;
	}
	struct strbuf pending = {0};
	char buf[65536];
	bool stop = false;
	while (!stop) {
		struct pollfd p = {.fd = pipefd[0], .events = POLLIN};
		int r = poll(&p, 1, 250);
		if (r == 0) {
			/* followed: the end of the container, or of the asker */
			if (q->follow && q->stop && q->stop(q->stop_user))
				break;
			continue;
		}
		ssize_t got = read(pipefd[0], buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		strbuf_addn(&pending, buf, (size_t)got);
		size_t used = 0;
		for (char *nl; (nl = memchr(pending.s + used, '\n', pending.len - used));) {
			size_t len = (size_t)(nl - (pending.s + used));
			if (entry(pending.s + used, len, fn, user)) {
				stop = true;
				break;
			}
			used += len + 1;
		}
		memmove(pending.s, pending.s + used, pending.len - used);
		pending.len -= used;
		if (q->cancelled && q->cancelled(q->stop_user))
			break;
	}
	strbuf_free(&pending);
	close(pipefd[0]);
	kill(pid, SIGTERM);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return 1;
}
