/* The streams of a container on a daemon: attached starts, attach, logs,
 * and execs, as the faces read them from this host's engine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/remote/conn.h"
#include "engine/remote/internal.h"
#include "engine/remote/relay.h"

/* The container's inspect object. */
static int inspect(struct cmd_ctx *ctx, const char *id, json_t **out, berr *err)
{
	struct strbuf p = {0};

	remote_path(&p, "/containers/", id, "/json");
	int rc = remote_answer(ctx, "GET", p.s, NULL, out, err);
	strbuf_free(&p);
	return rc;
}

/* The hijacked attach stream of a container (its inspect object given). */
static int attach_conn(struct cmd_ctx *ctx, json_t *c, struct remote_conn **out, berr *err)
{
	struct strbuf p = {0};
	struct remote_request req = {.method = "POST", .body_fd = -1, .upgrade = true};
	struct remote_response *resp;
	bool stdin_open = json_is_true(json_object_get(json_object_get(c, "Config"), "OpenStdin"));

	remote_path(&p, "/containers/", json_string_value(json_object_get(c, "Id")) ?: "",
		    "/attach?stream=1&stdout=1&stderr=1");
	if (stdin_open)
		strbuf_adds(&p, "&stdin=1");
	req.path = p.s;
	int rc = remote_send(remote_of(ctx), &req, &resp, err);
	strbuf_free(&p);
	if (rc < 0)
		return -1;
	if (remote_response_status(resp) != 101) {
		remote_response_free(resp);
		return berr_set(err, BERR_SYSTEM, "the daemon did not hand the stream over");
	}
	*out = remote_response_take_conn(resp);
	return 0;
}

/* A wait whose answer the relay reads at the stream's end. */
static int wait_request(struct cmd_ctx *ctx, const char *id, const char *condition,
			struct remote_response **out, berr *err)
{
	struct strbuf p = {0};
	struct remote_request req = {.method = "POST", .body_fd = -1};

	remote_path(&p, "/containers/", id, "/wait");
	remote_query(&p, "condition", condition);
	req.path = p.s;
	/* a connection of its own: the answer waits for the exit */
	req.upgrade = false;
	int rc = remote_send(remote_of(ctx), &req, out, err);
	strbuf_free(&p);
	return rc;
}

/* The relay for a container's stream: resize by its route, the exit code
 * from a wait placed before. */
static int relay_container(struct cmd_ctx *ctx, json_t *c, struct remote_conn *conn,
			   struct remote_response *wait, int *fd, berr *err)
{
	struct remote_relay_options o = {
		.tty = json_is_true(json_object_get(json_object_get(c, "Config"), "Tty")),
		.wait = wait,
	};
	const char *id = json_string_value(json_object_get(c, "Id")) ?: "";

	snprintf(o.resize_path, sizeof(o.resize_path), "/containers/%s/resize", id);
	return remote_relay_start(remote_of(ctx), conn, &o, fd, err);
}

/* A start's error as the docker CLI reads it: a command that is not
 * there (127) or cannot be run (126), by the daemon's words. */
static void start_error_kind(berr *err)
{
	if (strstr(err->msg, "executable file not found") || strstr(err->msg, "no such file or directory"))
		err->kind = BERR_CMD_NOT_FOUND;
	else if (strstr(err->msg, "permission denied") || strstr(err->msg, "is a directory") ||
		 strstr(err->msg, "cannot execute binary file"))
		err->kind = BERR_CANNOT_EXEC;
}

/* container.start; with "attach", the stream is taken first, as Docker's
 * CLI takes it: nothing the container writes at once is lost. */
static int cmd_start(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *id = remote_arg(args, "id");
	bool attach = json_is_true(json_object_get(args, "attach"));
	struct remote_conn *conn = NULL;
	struct remote_response *wait = NULL;
	json_t *c = NULL;
	struct strbuf p = {0};
	int fd = -1, rc = -1;

	if (!id)
		return berr_set(err, BERR_INVALID, "no container given");
	if (attach && (inspect(ctx, id, &c, err) < 0 || attach_conn(ctx, c, &conn, err) < 0 ||
		       wait_request(ctx, json_string_value(json_object_get(c, "Id")) ?: id,
				    "next-exit", &wait, err) < 0))
		goto out;
	remote_path(&p, "/containers/", id, "/start");
	if (remote_answer(ctx, "POST", p.s, NULL, result, err) < 0) {
		start_error_kind(err);
		goto out;
	}
	if (attach) {
		json_decref(*result);
		*result = NULL;
		rc = relay_container(ctx, c, conn, wait, &fd, err);
		conn = NULL;
		wait = NULL;
		if (rc < 0)
			goto out;
		*result = json_pack("{s:i}", "attach_fd", fd);
	}
	rc = 0;
out:
	if (conn)
		remote_conn_close(conn);
	remote_response_free(wait);
	json_decref(c);
	strbuf_free(&p);
	return rc;
}

/* container.attach: a running container's stream. */
static int cmd_attach(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *id = remote_arg(args, "id");
	struct remote_conn *conn = NULL;
	struct remote_response *wait = NULL;
	json_t *c = NULL;
	int fd, rc = -1;

	if (!id)
		return berr_set(err, BERR_INVALID, "no container given");
	if (inspect(ctx, id, &c, err) < 0)
		return -1;
	const char *full = json_string_value(json_object_get(c, "Id")) ?: id;
	if (attach_conn(ctx, c, &conn, err) < 0 ||
	    wait_request(ctx, full, "not-running", &wait, err) < 0)
		goto out;
	rc = relay_container(ctx, c, conn, wait, &fd, err);
	conn = NULL;
	wait = NULL;
	if (rc == 0)
		*result = json_pack("{s:i}", "fd", fd);
out:
	if (conn)
		remote_conn_close(conn);
	remote_response_free(wait);
	json_decref(c);
	return rc;
}

/* A log entry is sent once it is this long, ended or not, as the engine
 * sends its own: a container that never ends a line costs a reader little. */
#define LOG_PIECE (256u << 10)

struct log_reader {
	struct cmd_ctx *ctx;
	bool tty;
	struct strbuf line;     /* a tty's bytes up to the next newline */
	unsigned char header[8];
	size_t header_len, frame_left;
	const char *stream;
	json_t *batch;          /* entries not yet sent */
};

/* One line as the engine's log entry: the daemon's timestamp split off. */
static void add_entry(struct log_reader *lr, const char *stream, const char *text, size_t len)
{
	const char *space = memchr(text, ' ', len);
	size_t tlen = space ? (size_t)(space - text) : 0;
	json_t *entry;

	if (!space || tlen < 20 || text[4] != '-') {
		entry = json_pack("{s:s, s:s%, s:s}", "stream", stream, "log", text, len, "time", "");
	} else {
		entry = json_pack("{s:s, s:s%, s:s%}", "stream", stream, "log", space + 1,
				  len - tlen - 1, "time", text, tlen);
	}
	if (entry)
		json_array_append_new(lr->batch, entry);
}

static void flush_entries(struct log_reader *lr)
{
	if (!json_array_size(lr->batch))
		return;
	/* the batch goes with the message: a face may read it later, on
	 * another thread (the console's bridge) */
	cmd_progress(lr->ctx, json_pack("{s:o}", "entries", lr->batch));
	lr->batch = json_array();
}

/* Bytes of the logs' body: a tty's raw lines, or frames of one line each. */
static void log_bytes(struct log_reader *lr, const char *p, size_t n)
{
	if (lr->tty) {
		strbuf_addn(&lr->line, p, n);
		size_t start = 0;
		for (size_t i = 0; i < lr->line.len; i++)
			if (lr->line.s[i] == '\n') {
				add_entry(lr, "stdout", lr->line.s + start, i + 1 - start);
				start = i + 1;
			}
		memmove(lr->line.s, lr->line.s + start, lr->line.len - start);
		lr->line.len -= start;
		if (lr->line.len >= LOG_PIECE) {
			add_entry(lr, "stdout", lr->line.s, lr->line.len);
			lr->line.len = 0;
		}
		return;
	}
	while (n > 0) {
		if (lr->frame_left == 0 && lr->header_len < 8) {
			size_t take = 8 - lr->header_len < n ? 8 - lr->header_len : n;
			memcpy(lr->header + lr->header_len, p, take);
			lr->header_len += take;
			p += take;
			n -= take;
			if (lr->header_len == 8) {
				lr->frame_left = (size_t)lr->header[4] << 24 |
						 (size_t)lr->header[5] << 16 |
						 (size_t)lr->header[6] << 8 | lr->header[7];
				lr->stream = lr->header[0] == 2 ? "stderr" : "stdout";
				strbuf_free(&lr->line);
				if (lr->frame_left == 0)
					lr->header_len = 0;
			}
			continue;
		}
		size_t take = lr->frame_left < n ? lr->frame_left : n;
		strbuf_addn(&lr->line, p, take);
		lr->frame_left -= take;
		p += take;
		n -= take;
		if (lr->frame_left == 0 || lr->line.len >= LOG_PIECE) {
			add_entry(lr, lr->stream, lr->line.s ? lr->line.s : "", lr->line.len);
			strbuf_free(&lr->line);
		}
		if (lr->frame_left == 0)
			lr->header_len = 0;
	}
}

static int cmd_logs(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *id = remote_arg(args, "id");
	struct log_reader lr = {.ctx = ctx, .batch = json_array()};
	struct remote_request req = {.method = "GET", .body_fd = -1};
	struct remote_response *resp;
	struct strbuf p = {0};
	json_t *c = NULL, *v;
	char buf[65536], tail[32];
	ssize_t n;
	int rc = -1;

	if (!id || inspect(ctx, id, &c, err) < 0)
		goto out;
	lr.tty = json_is_true(json_object_get(json_object_get(c, "Config"), "Tty"));
	remote_path(&p, "/containers/", id, "/logs?timestamps=1");
	remote_query(&p, "stdout", (v = json_object_get(args, "stdout")) && !json_is_true(v) ? "0" : "1");
	remote_query(&p, "stderr", (v = json_object_get(args, "stderr")) && !json_is_true(v) ? "0" : "1");
	if (json_is_true(json_object_get(args, "follow")))
		remote_query(&p, "follow", "1");
	if (json_is_integer(v = json_object_get(args, "tail"))) {
		snprintf(tail, sizeof(tail), "%lld", (long long)json_integer_value(v));
		remote_query(&p, "tail", tail);
	}
	remote_query_nanos(&p, "since", json_object_get(args, "since"));
	remote_query_nanos(&p, "until", json_object_get(args, "until"));
	req.path = p.s;
	if (remote_send(remote_of(ctx), &req, &resp, err) < 0)
		goto out;
	while ((n = remote_response_read(resp, ctx, buf, sizeof(buf), err)) > 0) {
		log_bytes(&lr, buf, (size_t)n);
		flush_entries(&lr);
	}
	remote_response_free(resp);
	if (n < 0 && !cmd_cancelled(ctx))
		goto out;
	if (lr.line.len && lr.tty)
		add_entry(&lr, "stdout", lr.line.s, lr.line.len);
	flush_entries(&lr);
	*result = json_object();
	rc = 0;
out:
	json_decref(c);
	json_decref(lr.batch);
	strbuf_free(&lr.line);
	strbuf_free(&p);
	return rc;
}

/* container.exec: made, then started; attached, its stream relayed. */
static int cmd_exec(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *id = remote_arg(args, "id");
	bool detach = json_is_true(json_object_get(args, "Detach"));
	bool tty = json_is_true(json_object_get(args, "Tty"));
	json_t *body = json_deep_copy(args), *made = NULL;
	struct strbuf p = {0};
	int rc = -1;

	if (!id) {
		json_decref(body);
		return berr_set(err, BERR_INVALID, "no container given");
	}
	json_object_del(body, "id");
	json_object_del(body, "Detach");
	/* the engine's exec writes to an attached face; the API's only to the streams asked for */
	if (!json_object_get(body, "AttachStdout"))
		json_object_set_new(body, "AttachStdout", json_boolean(!detach));
	if (!json_object_get(body, "AttachStderr"))
		json_object_set_new(body, "AttachStderr", json_boolean(!detach));
	remote_path(&p, "/containers/", id, "/exec");
	if (remote_answer(ctx, "POST", p.s, body, &made, err) < 0)
		goto out;
	const char *exec_id = json_string_value(json_object_get(made, "Id"));
	if (!exec_id) {
		berr_set(err, BERR_SYSTEM, "the daemon made no exec");
		goto out;
	}
	json_t *start = json_pack("{s:b, s:b}", "Detach", detach, "Tty", tty);
	if (json_object_get(args, "ConsoleSize"))
		json_object_set(start, "ConsoleSize", json_object_get(args, "ConsoleSize"));
	strbuf_free(&p);
	remote_path(&p, "/exec/", exec_id, "/start");
	if (detach) {
		json_t *ignored = NULL;
		rc = remote_answer(ctx, "POST", p.s, start, &ignored, err);
		json_decref(ignored);
		json_decref(start);
		if (rc == 0)
			*result = json_pack("{s:s}", "Id", exec_id);
		goto out;
	}
	struct remote_request req = {.method = "POST", .path = p.s, .json = start, .body_fd = -1,
				     .upgrade = true};
	struct remote_response *resp;
	rc = remote_send(remote_of(ctx), &req, &resp, err);
	json_decref(start);
	if (rc < 0)
		goto out;
	if (remote_response_status(resp) != 101) {
		remote_response_free(resp);
		rc = berr_set(err, BERR_SYSTEM, "the daemon did not hand the exec's stream over");
		goto out;
	}
	struct remote_relay_options o = {.tty = tty};
	snprintf(o.resize_path, sizeof(o.resize_path), "/exec/%s/resize", exec_id);
	int fd;
	rc = remote_relay_start(remote_of(ctx), remote_response_take_conn(resp), &o, &fd, err);
	if (rc == 0)
		*result = json_pack("{s:s, s:i}", "Id", exec_id, "attach_fd", fd);
out:
	json_decref(body);
	json_decref(made);
	strbuf_free(&p);
	return rc;
}

/* container.exec_wait: the exec's exit code once it has ended. */
static int cmd_exec_wait(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *exec_id = remote_arg(args, "exec_id");
	struct strbuf p = {0};
	int rc = -1;

	if (!exec_id)
		return berr_set(err, BERR_INVALID, "no exec given");
	remote_path(&p, "/exec/", exec_id, "/json");
	for (int tries = 0; !cmd_cancelled(ctx); tries++) {
		json_t *info = NULL;
		if (remote_answer(ctx, "GET", p.s, NULL, &info, err) < 0)
			break;
		if (!json_is_true(json_object_get(info, "Running"))) {
			*result = json_pack("{s:I}", "ExitCode",
					    (json_int_t)json_integer_value(json_object_get(info, "ExitCode")));
			json_decref(info);
			rc = 0;
			break;
		}
		json_decref(info);
		nanosleep(&(struct timespec){0, (tries < 20 ? 10 : 100) * 1000000L}, NULL);
	}
	strbuf_free(&p);
	return rc;
}

const struct engine_command remote_stream_commands[] = {
	{"container.start", cmd_start},	 {"container.attach", cmd_attach},
	{"container.logs", cmd_logs},	 {"container.exec", cmd_exec},
	{"container.exec_wait", cmd_exec_wait}, {NULL, NULL},
};
