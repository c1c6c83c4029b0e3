/* /containers/{id}/exec and /exec/...: an exec is made, started (its
 * stream hijacked, or detached), resized and inspected. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/relay.h"
#include "api/routes.h"
#include "api/server.h"
#include "engine/runtime/shim_protocol.h"

static int create(struct api_req *r)
{
	json_t *body, *c = NULL, *args, *cmd;
	char id[65];

	if (api_body_json(r, false, &body) < 0)
		return r->conn->broken ? -1 : 0;
	cmd = json_object_get(body, "Cmd");
	if (!json_is_array(cmd) || json_array_size(cmd) == 0) {
		json_decref(body);
		return api_reply_errorf(r, 400, "No exec command specified");
	}
	args = json_pack("{s:s}", "id", r->params[0]);
	int rc = api_call(r, "container.inspect", args, &c);
	json_decref(args);
	if (rc < 0) {
		json_decref(body);
		return 0;
	}
	const char *cid = json_string_value(json_object_get(c, "Id")) ?: "";
	json_t *state = json_object_get(c, "State");
	if (!json_is_true(json_object_get(state, "Running"))) {
		rc = api_reply_errorf(r, 409, "container %s is not running", cid);
		goto out;
	}
	if (json_is_true(json_object_get(state, "Paused"))) {
		/* named as the client named it, as Docker does */
		rc = api_reply_errorf(r, 409, "Container %s is paused, unpause the container before exec",
				      r->params[0]);
		goto out;
	}
	/* what an exec needs of its body, nothing more kept */
	static const char *const keep[] = {"Cmd", "Env", "User", "WorkingDir", "Tty", "AttachStdin",
					   "AttachStdout", "AttachStderr", "Privileged",
					   "DetachKeys", "ConsoleSize"};
	json_t *settings = json_object();
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (json_object_get(body, keep[i]))
			json_object_set(settings, keep[i], json_object_get(body, keep[i]));
	json_decref(body);
	body = settings;
	if (api_exec_add(&r->server->execs, cid, body, id) < 0) {
		rc = api_reply_errorf(r, 500, "cannot make an exec id");
		goto out;
	}
	rc = api_reply_json(r, 201, json_pack("{s:s}", "Id", id));
out:
	json_decref(c);
	json_decref(body);
	return rc;
}

/* The exec's exit, once its monitor reports it. */
static int wait_exit(struct api_req *r, const char *container, const char *engine_id)
{
	json_t *args = json_pack("{s:s, s:s}", "id", container, "exec_id", engine_id), *result = NULL;
	berr err = {0};
	int code = -1;

	if (engine_call(r->engine, "container.exec_wait", args, &result, NULL, NULL, &err) == 0)
		code = (int)json_integer_value(json_object_get(result, "ExitCode"));
	json_decref(args);
	json_decref(result);
	return code;
}

struct detached_exec {
	struct api_exec_table *execs;
	char id[65];
};

static void detached_ended(void *user, int status, json_t *result, const berr *err)
{
	struct detached_exec *d = user;

	(void)err;
	api_exec_end(d->execs, d->id,
		     status == 0 ? (int)json_integer_value(json_object_get(result, "ExitCode")) : -1);
	free(d);
}

/* The exec's end recorded when it comes, on no connection's thread. */
static void record_end_later(struct api_req *r, const char *exec_id, const char *container,
			     const char *engine_id)
{
	struct detached_exec *d = calloc(1, sizeof(*d));
	json_t *args = json_pack("{s:s, s:s}", "id", container, "exec_id", engine_id);

	d->execs = &r->server->execs;
	snprintf(d->id, sizeof(d->id), "%s", exec_id);
	engine_submit(r->engine, "container.exec_wait", args, NULL, detached_ended, d);
	json_decref(args);
}

/* A start that failed once the stream was hijacked: the error goes into
 * the stream (framed as stderr without a tty), as Docker writes it, and the
 * exit code Docker's runtime would give is recorded. */
static void fail_in_stream(struct api_req *r, const char *exec_id, bool tty, const berr *err)
{
	size_t len = strlen(err->msg);
	unsigned char h[SHIM_FRAME_HEADER] = {SHIM_STREAM_STDERR, 0, 0, 0, (unsigned char)((len + 2) >> 24),
					      (unsigned char)((len + 2) >> 16), (unsigned char)((len + 2) >> 8),
					      (unsigned char)(len + 2)};

	if (!tty)
		http_write_all(r->conn, h, sizeof(h));
	http_write_all(r->conn, err->msg, len);
	http_write_all(r->conn, "\r\n", 2);
	api_exec_end(&r->server->execs, exec_id,
		     err->kind == BERR_CMD_NOT_FOUND ? 127 : 126);
}

static int start(struct api_req *r)
{
	struct api_exec_table *execs = &r->server->execs;
	const char *exec_id = r->params[0];
	json_t *body, *e = api_exec_get(execs, exec_id), *result = NULL;
	berr err = {0};
	int rc = -1;

	if (!e)
		return api_reply_errorf(r, 404, "No such exec instance: %s", exec_id);
	if (api_body_json(r, true, &body) < 0) {
		json_decref(e);
		return r->conn->broken ? -1 : 0;
	}
	json_t *config = json_object_get(e, "Config");
	const char *container = json_string_value(json_object_get(e, "ContainerID"));
	bool detach = json_is_true(json_object_get(body, "Detach"));
	bool tty = json_is_true(json_object_get(config, "Tty"));
	/* taken now, so that a second start is refused whatever happens next */
	if (!api_exec_begin(execs, exec_id, -1)) {
		json_decref(e);
		json_decref(body);
		return api_reply_errorf(r, 409, "Error: Exec command %s has already run", exec_id);
	}
	json_t *args = json_deep_copy(config);
	json_object_set_new(args, "id", json_string(container));
	json_object_set_new(args, "Detach", json_boolean(detach));
	if (json_object_get(body, "ConsoleSize"))
		json_object_set(args, "ConsoleSize", json_object_get(body, "ConsoleSize"));
	json_decref(body);
	/* The stream is the client's before the command runs: what it prints
	 * first must not arrive with the 101 (docker-py reads the headers
	 * through a buffer and would lose it). */
	const char *type = tty || r->version < 142 ? "application/vnd.docker.raw-stream"
						 : "application/vnd.docker.multiplexed-stream";
	if (!detach) {
		if (http_hijack(r->conn, api_common_headers(), type) < 0) {
			api_exec_end(execs, exec_id, -1);
			goto out;
		}
		r->answered = true;
		http_wait_taken(r->conn);
	}
	if (engine_call(r->engine, "container.exec", args, &result, NULL, NULL, &err) < 0) {
		if (detach) {
			api_exec_end(execs, exec_id, err.kind == BERR_CMD_NOT_FOUND ? 127 : 126);
			rc = api_reply_error(r, &err);
		} else {
			fail_in_stream(r, exec_id, tty, &err);
		}
		goto out;
	}
	char engine_id[65];
	snprintf(engine_id, sizeof(engine_id), "%s",
		 json_string_value(json_object_get(result, "Id")) ?: "");
	if (detach) {
		record_end_later(r, exec_id, container, engine_id);
		rc = api_reply_status(r, 200);
		goto out;
	}
	int fd = (int)json_integer_value(json_object_get(result, "attach_fd"));
	pthread_mutex_lock(&execs->lock);
	json_t *live = json_object_get(execs->execs, exec_id);
	if (live)
		json_object_set_new(live, "fd", json_integer(fd));
	pthread_mutex_unlock(&execs->lock);
	struct relay_options o = {
		.shim_fd = fd,
		.tty = tty,
		.attach_stdin = json_is_true(json_object_get(config, "AttachStdin")),
		.want_stdout = json_is_true(json_object_get(config, "AttachStdout")),
		.want_stderr = json_is_true(json_object_get(config, "AttachStderr")),
		.detach_keys = json_string_value(json_object_get(config, "DetachKeys")),
		.write_lock = &execs->lock,
	};
	int code = -1;
	api_relay(r->conn, &o, &code);
	/* the stream is closed under the lock the resizes take */
	pthread_mutex_lock(&execs->lock);
	if ((live = json_object_get(execs->execs, exec_id)))
		json_object_set_new(live, "fd", json_integer(-1));
	close(fd);
	pthread_mutex_unlock(&execs->lock);
	if (code < 0) {
		/* the client left before the exit: the exec runs on, and its
		 * end is recorded when it comes, not on this connection */
		record_end_later(r, exec_id, container, engine_id);
		goto out;
	}
	int waited = wait_exit(r, container, engine_id);
	api_exec_end(execs, exec_id, waited >= 0 ? waited : code);
out:
	json_decref(args);
	json_decref(result);
	json_decref(e);
	return rc;
}

static int resize(struct api_req *r)
{
	long long h, w;
	char text[48];
	unsigned char frame[SHIM_FRAME_HEADER + 48];

	if (api_query_int(r, "h", 0, &h) < 0 || api_query_int(r, "w", 0, &w) < 0)
		return 0;
	json_t *e = api_exec_get(&r->server->execs, r->params[0]);
	if (!e)
		return api_reply_errorf(r, 404, "No such exec instance: %s", r->params[0]);
	json_decref(e);
	int n = snprintf(text, sizeof(text), "%lld %lld", h, w);
	memset(frame, 0, SHIM_FRAME_HEADER);
	frame[0] = SHIM_STREAM_RESIZE;
	frame[7] = (unsigned char)n;
	memcpy(frame + SHIM_FRAME_HEADER, text, (size_t)n);
	if (api_exec_send(&r->server->execs, r->params[0], frame, SHIM_FRAME_HEADER + (size_t)n) < 0)
		return api_reply_errorf(r, 409, "Exec %s is not running", r->params[0]);
	return api_reply_status(r, 200);
}

static int inspect(struct api_req *r)
{
	json_t *e = api_exec_get(&r->server->execs, r->params[0]);

	if (!e)
		return api_reply_errorf(r, 404, "No such exec instance: %s", r->params[0]);
	json_t *config = json_object_get(e, "Config");
	json_t *cmd = json_object_get(config, "Cmd");
	json_t *arguments = json_array();
	for (size_t i = 1; i < json_array_size(cmd); i++)
		json_array_append(arguments, json_array_get(cmd, i));
	json_t *process = json_pack("{s:b, s:s, s:s, s:o, s:b}", "tty",
				    json_is_true(json_object_get(config, "Tty")), "entrypoint",
				    json_string_value(json_array_get(cmd, 0)) ?: "", "user",
				    json_string_value(json_object_get(config, "User")) ?: "",
				    "arguments", arguments, "privileged",
				    json_is_true(json_object_get(config, "Privileged")));
	json_t *out = json_object();
	json_object_set_new(out, "ID", json_string(r->params[0]));
	json_object_set(out, "Running", json_object_get(e, "Running"));
	json_object_set(out, "ExitCode", json_object_get(e, "ExitCode"));
	json_object_set_new(out, "ProcessConfig", process);
	json_object_set_new(out, "OpenStdin", json_boolean(json_is_true(json_object_get(config, "AttachStdin"))));
	json_object_set_new(out, "OpenStderr", json_boolean(json_is_true(json_object_get(config, "AttachStderr"))));
	json_object_set_new(out, "OpenStdout", json_boolean(json_is_true(json_object_get(config, "AttachStdout"))));
	json_object_set_new(out, "CanRemove", json_false());
	json_object_set(out, "ContainerID", json_object_get(e, "ContainerID"));
	json_object_set_new(out, "DetachKeys", json_string(json_string_value(json_object_get(config, "DetachKeys")) ?: ""));
	json_object_set_new(out, "Pid", json_integer(0));
	json_decref(e);
	return api_reply_json(r, 200, out);
}

const struct api_route api_exec_routes[] = {
	{"POST", "/containers/{}/exec", create, API_ROUTE_WRITE},
	{"POST", "/exec/{}/start", start, API_ROUTE_WRITE},
	{"POST", "/exec/{}/resize", resize, API_ROUTE_WRITE},
	{"GET", "/exec/{}/json", inspect, 0},
	{NULL, NULL, NULL, 0},
};
