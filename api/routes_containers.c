/* /containers/...: the life of a container, its logs, stats and streams. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/relay.h"
#include "api/routes.h"
#include "api/server.h"
#include "api/stream.h"
#include "engine/core/host_arch.h"
#include "engine/core/log_prefix.h"
#include "engine/core/strbuf.h"
#include "engine/runtime/shim_protocol.h"

/* The container's inspect object, or NULL after answering its error. */
static json_t *inspect(struct api_req *r, const char *ref)
{
	json_t *args = json_pack("{s:s}", "id", ref), *result;
	int rc = api_call(r, "container.inspect", args, &result);

	json_decref(args);
	return rc < 0 ? NULL : result;
}

static bool is_running(json_t *c)
{
	return json_is_true(json_object_get(json_object_get(c, "State"), "Running"));
}

static const char *state_of(json_t *c)
{
	return json_string_value(json_object_get(json_object_get(c, "State"), "Status")) ?: "";
}

static bool has_tty(json_t *c)
{
	return json_is_true(json_object_get(json_object_get(c, "Config"), "Tty"));
}

/* A command on one container whose answer is 204 No Content. */
static int simple(struct api_req *r, const char *type, json_t *args)
{
	json_t *result;

	json_object_set_new(args, "id", json_string(r->params[0]));
	int rc = api_call(r, type, args, &result);
	json_decref(args);
	json_decref(result);
	return rc < 0 ? 0 : api_reply_status(r, 204);
}

static int list(struct api_req *r)
{
	json_t *filters, *result;
	long long limit;

	if (api_query_filters(r, &filters) < 0 || api_query_int(r, "limit", -1, &limit) < 0)
		return 0;
	json_t *args = json_pack("{s:b, s:b, s:I}", "all", api_query_bool(r, "all"), "size",
				 api_query_bool(r, "size"), "limit", (json_int_t)limit);
	if (filters)
		json_object_set_new(args, "filters", filters);
	int rc = api_call(r, "container.list", args, &result);
	json_decref(args);
	return rc < 0 ? 0 : api_reply_json(r, 200, result);
}

static int create(struct api_req *r)
{
	const char *name = api_query(r, "name");
	json_t *body, *result;

	const char *platform = api_query(r, "platform");
	if (api_body_json(r, false, &body) < 0)
		return r->conn->broken ? -1 : 0;
	/* containers run on this machine's platform only */
	if (platform && *platform) {
		char want[64];
		snprintf(want, sizeof(want), "linux/%s", host_go_arch());
		if (strcmp(platform, want) != 0 && strcmp(platform, "linux") != 0) {
			json_decref(body);
			return api_reply_errorf(r, 400,
						"berth runs %s containers only: platform %s is not "
						"supported",
						want, platform);
		}
	}
	if (name && *name)
		json_object_set_new(body, "name", json_string(name));
	berr err = {0};
	int rc = engine_call(r->engine, "container.create", body, &result, NULL, NULL, &err);
	json_decref(body);
	if (rc == 0)
		return api_reply_json(r, 201, result);
	/* A 404 from create makes the docker CLI pull the image: only a
	 * missing image is one (a missing network, volume or container to
	 * join is bad input for the request). */
	if (err.kind == BERR_NOT_FOUND && strncmp(err.msg, "No such image", 13) != 0)
		err.kind = BERR_INVALID;
	return api_reply_error(r, &err);
}

static int inspect_route(struct api_req *r)
{
	json_t *args = json_pack("{s:s, s:b}", "id", r->params[0], "size", api_query_bool(r, "size"));
	json_t *result;
	int rc = api_call(r, "container.inspect", args, &result);

	json_decref(args);
	return rc < 0 ? 0 : api_reply_json(r, 200, result);
}

static int start(struct api_req *r)
{
	struct api_server *srv = r->server;
	json_t *c = inspect(r, r->params[0]), *result;
	char id[65];

	if (!c)
		return 0;
	bool running = is_running(c);
	bool paused = json_is_true(json_object_get(json_object_get(c, "State"), "Paused"));
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(c, "Id")) ?: "");
	json_decref(c);
	/* a paused container is running, but starting it is Docker's conflict */
	if (paused)
		return api_reply_errorf(r, 409, "cannot start a paused container, try unpause instead");
	if (running)
		return api_reply_status(r, 304);
	/* an attach waits: the start holds its stream from the first instant */
	bool attach = attach_start_begin(&srv->attach, id);
	json_t *args = json_pack("{s:s, s:b}", "id", id, "attach", attach);
	int rc = api_call(r, "container.start", args, &result);
	json_decref(args);
	attach_hand_over(&srv->attach, id,
			 rc == 0 && attach ? (int)json_integer_value(json_object_get(result, "attach_fd"))
					   : -1);
	json_decref(result);
	return rc < 0 ? 0 : api_reply_status(r, 204);
}

static int stop(struct api_req *r)
{
	json_t *c = inspect(r, r->params[0]);
	long long t;

	if (!c)
		return 0;
	bool running = is_running(c);
	json_decref(c);
	if (api_query_int(r, "t", -1, &t) < 0)
		return 0;
	if (!running)
		return api_reply_status(r, 304);
	json_t *args = json_object();
	if (t >= 0)
		json_object_set_new(args, "timeout", json_integer(t));
	return simple(r, "container.stop", args);
}

static int restart(struct api_req *r)
{
	long long t;

	if (api_query_int(r, "t", -1, &t) < 0)
		return 0;
	json_t *args = json_object();
	if (t >= 0)
		json_object_set_new(args, "timeout", json_integer(t));
	return simple(r, "container.restart", args);
}

static int kill_route(struct api_req *r)
{
	const char *sig = api_query(r, "signal");

	return simple(r, "container.kill", json_pack("{s:s}", "signal", sig && *sig ? sig : "KILL"));
}

static int pause_route(struct api_req *r)
{
	return simple(r, "container.pause", json_object());
}

static int unpause_route(struct api_req *r)
{
	return simple(r, "container.unpause", json_object());
}

static int rename_route(struct api_req *r)
{
	const char *name = api_query(r, "name");

	return simple(r, "container.rename", json_pack("{s:s}", "name", name ? name : ""));
}

static int remove_route(struct api_req *r)
{
	return simple(r, "container.remove",
		      json_pack("{s:b, s:b}", "force", api_query_bool(r, "force"), "volumes",
				api_query_bool(r, "v")));
}

static int update(struct api_req *r)
{
	json_t *body, *result;

	if (api_body_json(r, false, &body) < 0)
		return r->conn->broken ? -1 : 0;
	json_object_set_new(body, "id", json_string(r->params[0]));
	int rc = api_call(r, "container.update", body, &result);
	json_decref(body);
	json_decref(result);
	return rc < 0 ? 0 : api_reply_json(r, 200, json_pack("{s:[]}", "Warnings"));
}

static void ignore_message(struct api_stream *s, json_t *message)
{
	(void)s;
	(void)message;
}

/* The answer comes at the exit; the headers at once, so that the client
 * knows the wait is in place before it starts the container. */
static int wait_route(struct api_req *r)
{
	const char *condition = api_query(r, "condition");
	struct api_stream_options o = {
		.content_type = "application/json",
		.begin_now = true,
		.on_message = ignore_message,
	};
	json_t *result;

	if (condition && *condition && strcmp(condition, "not-running") != 0 &&
	    strcmp(condition, "next-exit") != 0 && strcmp(condition, "removed") != 0)
		return api_reply_errorf(r, 400, "invalid condition: \"%s\"", condition);
	json_t *c = inspect(r, r->params[0]);
	if (!c)
		return 0;
	json_decref(c);
	json_t *args = json_pack("{s:s, s:s}", "id", r->params[0], "condition",
				 condition && *condition ? condition : "not-running");
	int rc = api_stream_run(r, "container.wait", args, &o, &result);
	json_decref(args);
	if (rc < 0)
		return r->conn->broken ? -1 : 0;
	if (json_is_null(json_object_get(result, "Error")))
		json_object_del(result, "Error");
	char *text = json_dumps(result, JSON_COMPACT);
	json_decref(result);
	struct strbuf b = {0};
	strbuf_adds(&b, text ? text : "{}");
	strbuf_addc(&b, '\n');
	free(text);
	rc = api_stream_send_after(r, b.s, b.len);
	strbuf_free(&b);
	if (rc < 0 || api_stream_end(r, o.content_type) < 0)
		return -1;
	return 0;
}

struct logs_view {
	bool tty, timestamps, details;
};

/* One batch of entries: each line with its prefixes, framed unless a tty. */
static void send_log_entries(struct api_stream *s, json_t *message)
{
	struct logs_view *v = api_stream_user(s);
	json_t *entry;
	size_t i;

	json_array_foreach(json_object_get(message, "entries"), i, entry) {
		const char *stream = json_string_value(json_object_get(entry, "stream"));
		json_t *log = json_object_get(entry, "log");
		struct strbuf b = {0};
		if (!v->tty)
			strbuf_addn(&b, "\0\0\0\0\0\0\0\0", SHIM_FRAME_HEADER);
		if (v->timestamps)
			log_prefix_time(&b, json_string_value(json_object_get(entry, "time")) ?: "");
		if (v->details)
			log_prefix_details(&b, json_object_get(entry, "attrs"));
		strbuf_addn(&b, json_string_value(log) ?: "", json_string_length(log));
		if (!v->tty) {
			size_t len = b.len - SHIM_FRAME_HEADER;
			b.s[0] = (char)(stream && strcmp(stream, "stderr") == 0 ? SHIM_STREAM_STDERR
										: SHIM_STREAM_STDOUT);
			b.s[4] = (char)(len >> 24);
			b.s[5] = (char)(len >> 16);
			b.s[6] = (char)(len >> 8);
			b.s[7] = (char)len;
		}
		int rc = api_stream_send(s, b.s, b.len);
		strbuf_free(&b);
		if (rc < 0)
			return;
	}
}

/* "1700000000.5" (seconds, a fraction) as unix nanoseconds. */
static int seconds_to_nanos(const char *text, long long *out)
{
	char *end;
	double v = strtod(text, &end);

	/* within what nanoseconds in 64 bits hold (years 1678 to 2262) */
	if (end == text || *end || !(v > -9.2e9 && v < 9.2e9))
		return -1;
	*out = (long long)(v * 1e9);
	return 0;
}

static const char *stream_type(struct api_req *r, bool tty)
{
	if (tty || r->version < 142)
		return "application/vnd.docker.raw-stream";
	return "application/vnd.docker.multiplexed-stream";
}

static int logs(struct api_req *r)
{
	struct logs_view v = {
		.timestamps = api_query_bool(r, "timestamps"),
		.details = api_query_bool(r, "details"),
	};
	struct api_stream_options o = {.on_message = send_log_entries, .user = &v};
	bool out = api_query_bool(r, "stdout"), err = api_query_bool(r, "stderr");
	const char *tail = api_query(r, "tail"), *since = api_query(r, "since"),
		   *until = api_query(r, "until");
	long long t;
	json_t *result;

	if (!out && !err)
		return api_reply_errorf(r, 400, "Bad parameters: you must choose at least one stream");
	json_t *c = inspect(r, r->params[0]);
	if (!c)
		return 0;
	v.tty = has_tty(c);
	json_decref(c);
	o.content_type = stream_type(r, v.tty);
	json_t *args = json_pack("{s:s, s:b, s:b, s:b}", "id", r->params[0], "follow",
				 api_query_bool(r, "follow"), "stdout", out, "stderr", err);
	if (tail && *tail && strcmp(tail, "all") != 0) {
		char *end;
		long n = strtol(tail, &end, 10);
		if (*end == '\0' && n >= 0)
			json_object_set_new(args, "tail", json_integer(n));
	}
	if (since && *since && strcmp(since, "0") != 0) {
		if (seconds_to_nanos(since, &t) < 0) {
			json_decref(args);
			return api_reply_errorf(r, 400, "invalid value for \"since\": %s", since);
		}
		json_object_set_new(args, "since", json_integer(t));
	}
	if (until && *until && strcmp(until, "0") != 0) {
		if (seconds_to_nanos(until, &t) < 0) {
			json_decref(args);
			return api_reply_errorf(r, 400, "invalid value for \"until\": %s", until);
		}
		json_object_set_new(args, "until", json_integer(t));
	}
	int rc = api_stream_run(r, "container.logs", args, &o, &result);
	json_decref(args);
	json_decref(result);
	if (rc < 0)
		return r->conn->broken ? -1 : 0;
	return api_stream_end(r, o.content_type) < 0 ? -1 : 0;
}

/* The monitor's stream for a running container, or -1 after answering;
 * event: whether it is an attach Docker would announce (a resize's own
 * stream is not). */
static int attach_stream(struct api_req *r, const char *id, bool event)
{
	json_t *args = json_pack("{s:s, s:b}", "id", id, "event", event), *result;
	int rc = api_call(r, "container.attach", args, &result);
	int fd = rc < 0 ? -1 : (int)json_integer_value(json_object_get(result, "fd"));

	json_decref(args);
	json_decref(result);
	return fd;
}

struct replay {
	struct http_conn *conn;
	bool tty, out, err;
};

/* attach?logs=1: what the container wrote before, framed as the stream. */
static void replay_entries(void *user, json_t *message)
{
	struct replay *rp = user;
	json_t *entry;
	size_t i;

	json_array_foreach(json_object_get(message, "entries"), i, entry) {
		const char *stream = json_string_value(json_object_get(entry, "stream"));
		bool is_err = stream && strcmp(stream, "stderr") == 0;
		json_t *log = json_object_get(entry, "log");
		size_t len = json_string_length(log);
		if ((is_err && !rp->err) || (!is_err && !rp->out) || rp->conn->broken)
			continue;
		unsigned char h[SHIM_FRAME_HEADER] = {is_err ? SHIM_STREAM_STDERR : SHIM_STREAM_STDOUT,
						      0, 0, 0, (unsigned char)(len >> 24),
						      (unsigned char)(len >> 16), (unsigned char)(len >> 8),
						      (unsigned char)len};
		if (!rp->tty)
			http_write_all(rp->conn, h, sizeof(h));
		http_write_all(rp->conn, json_string_value(log), len);
	}
}

struct running_check {
	struct engine *engine;
	const char *id;
};

/* Whether the container runs now (started by any face): 1 yes, 0 not
 * yet, -1 it is gone. */
static int runs_now(void *user)
{
	struct running_check *rc = user;
	json_t *args = json_pack("{s:s}", "id", rc->id), *c = NULL;
	berr err = {0};
	int found = engine_call(rc->engine, "container.inspect", args, &c, NULL, NULL, &err);
	int state = found == 0 ? is_running(c) : err.kind == BERR_NOT_FOUND ? -1 : 0;

	json_decref(args);
	json_decref(c);
	return state;
}

/* A stream to the monitor once the connection is hijacked (errors can
 * only end it then): -1 when there is none. */
static int attach_after_hijack(struct api_req *r, const char *id)
{
	json_t *args = json_pack("{s:s}", "id", id), *result = NULL;
	berr err = {0};
	int fd = -1;

	if (engine_call(r->engine, "container.attach", args, &result, NULL, NULL, &err) == 0)
		fd = (int)json_integer_value(json_object_get(result, "fd"));
	json_decref(args);
	json_decref(result);
	return fd;
}

static int attach(struct api_req *r)
{
	json_t *c = inspect(r, r->params[0]);
	struct relay_options o = {.shim_fd = -1};
	bool logs = api_query_bool(r, "logs"), stream = api_query_bool(r, "stream");
	char id[65];
	int code;

	if (!c)
		return 0;
	const char *state = state_of(c);
	o.tty = has_tty(c);
	o.attach_stdin = api_query_bool(r, "stdin") &&
			 json_is_true(json_object_get(json_object_get(c, "Config"), "OpenStdin"));
	o.want_stdout = api_query_bool(r, "stdout");
	o.want_stderr = api_query_bool(r, "stderr");
	o.detach_keys = api_query(r, "detachKeys");
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(c, "Id")) ?: "");
	bool running = is_running(c) || strcmp(state, "restarting") == 0;
	bool paused = strcmp(state, "paused") == 0;
	json_decref(c);
	/* Docker's daemon lets any container but a paused one be attached to:
	 * one that does not run is waited for (`docker start -a` attaches
	 * first, then starts) */
	if (paused)
		return api_reply_errorf(r, 409,
					"container %s is paused, unpause the container before attach",
					r->params[0]);
	/* without a replay, the stream is taken first: its error is still an answer */
	if (running && stream && !logs && (o.shim_fd = attach_stream(r, id, true)) < 0)
		return 0;
	if (http_hijack(r->conn, api_common_headers(), stream_type(r, o.tty)) < 0) {
		if (o.shim_fd >= 0)
			close(o.shim_fd);
		return -1;
	}
	r->answered = true;
	/* what flows at once (a replay, a running container's stream) waits
	 * for the client to take the headers; a container not started yet
	 * is started by a client that has read them, and its attach must be
	 * waiting by then */
	if (logs || o.shim_fd >= 0)
		http_wait_taken(r->conn);
	if (logs) {
		struct replay rp = {.conn = r->conn, .tty = o.tty, .out = o.want_stdout,
				    .err = o.want_stderr};
		json_t *args = json_pack("{s:s, s:b}", "id", id, "follow", 0);
		berr err = {0};
		engine_call(r->engine, "container.logs", args, NULL, replay_entries, &rp, &err);
		json_decref(args);
	}
	if (!stream)
		return -1;
	if (o.shim_fd < 0 && running && (o.shim_fd = attach_after_hijack(r, id)) < 0)
		return -1;
	if (o.shim_fd < 0) {
		struct running_check check = {.engine = r->engine, .id = id};
		int got = attach_wait(&r->server->attach, id, r->conn->fd, runs_now, &check,
				      &o.shim_fd);
		if (got < 0)
			return -1;
		if (got == 0 && (o.shim_fd = attach_after_hijack(r, id)) < 0)
			return -1;
	}
	api_relay(r->conn, &o, &code);
	close(o.shim_fd);
	return -1; /* a hijacked connection ends with its stream */
}

/* A resize goes to the monitor on a stream of its own. */
static int resize(struct api_req *r)
{
	long long h, w;

	if (api_query_int(r, "h", 0, &h) < 0 || api_query_int(r, "w", 0, &w) < 0)
		return 0;
	json_t *c = inspect(r, r->params[0]);
	if (!c)
		return 0;
	bool running = is_running(c);
	char id[65];
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(c, "Id")) ?: "");
	json_decref(c);
	if (!running)
		return api_reply_errorf(r, 409, "Container %s is not running", id);
	int fd = attach_stream(r, id, false);
	if (fd < 0)
		return 0;
	char text[48];
	int n = snprintf(text, sizeof(text), "%lld %lld", h, w);
	unsigned char frame[SHIM_FRAME_HEADER + 48] = {SHIM_STREAM_RESIZE, 0, 0, 0, 0, 0, 0,
							(unsigned char)n};
	memcpy(frame + SHIM_FRAME_HEADER, text, (size_t)n);
	ssize_t sent = write(fd, frame, SHIM_FRAME_HEADER + (size_t)n);
	close(fd);
	if (sent < 0)
		return api_reply_errorf(r, 500, "cannot resize container %s", id);
	return api_reply_status(r, 200);
}

static int top(struct api_req *r)
{
	const char *ps_args = api_query(r, "ps_args");
	json_t *args = json_pack("{s:s}", "id", r->params[0]), *result;

	if (ps_args && *ps_args) {
		/* ps's options, as the words `docker top c aux` gives */
		json_t *words = json_array();
		char *copy = strdup(ps_args), *save = NULL;
		for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
			json_array_append_new(words, json_string(w));
		free(copy);
		json_object_set_new(args, "ps_args", words);
	}
	int rc = api_call(r, "container.top", args, &result);
	json_decref(args);
	return rc < 0 ? 0 : api_reply_json(r, 200, result);
}

static int changes(struct api_req *r)
{
	json_t *args = json_pack("{s:s}", "id", r->params[0]), *result;
	int rc = api_call(r, "container.diff", args, &result);

	json_decref(args);
	return rc < 0 ? 0 : api_reply_json(r, 200, result);
}

static void send_reading(struct api_stream *s, json_t *message)
{
	api_stream_send_json(s, message);
}

static int stats(struct api_req *r)
{
	const char *stream_arg = api_query(r, "stream");
	bool streaming = !stream_arg || api_query_bool(r, "stream");
	bool one_shot = api_query_bool(r, "one-shot");
	struct api_stream_options o = {
		.content_type = "application/json",
		.on_message = send_reading,
	};
	json_t *result;

	json_t *args = json_pack("{s:s, s:b, s:b}", "id", r->params[0], "stream", streaming,
				 "one_shot", one_shot && !streaming);
	if (!streaming) {
		int rc = api_call(r, "container.stats", args, &result);
		json_decref(args);
		return rc < 0 ? 0 : api_reply_json(r, 200, result);
	}
	int rc = api_stream_run(r, "container.stats", args, &o, &result);
	json_decref(args);
	json_decref(result);
	if (rc < 0)
		return r->conn->broken ? -1 : 0;
	return api_stream_end(r, o.content_type) < 0 ? -1 : 0;
}

static int prune(struct api_req *r)
{
	json_t *args = api_filters_args(r);

	return args ? api_answer(r, "container.prune", args, 200) : 0;
}

const struct api_route api_container_routes[] = {
	{"GET", "/containers/json", list, 0},
	{"POST", "/containers/create", create, API_ROUTE_WRITE},
	{"POST", "/containers/prune", prune, API_ROUTE_WRITE},
	{"GET", "/containers/{}/json", inspect_route, 0},
	{"POST", "/containers/{}/start", start, API_ROUTE_WRITE},
	{"POST", "/containers/{}/stop", stop, API_ROUTE_WRITE},
	{"POST", "/containers/{}/restart", restart, API_ROUTE_WRITE},
	{"POST", "/containers/{}/kill", kill_route, API_ROUTE_WRITE},
	{"POST", "/containers/{}/pause", pause_route, API_ROUTE_WRITE},
	{"POST", "/containers/{}/unpause", unpause_route, API_ROUTE_WRITE},
	{"POST", "/containers/{}/rename", rename_route, API_ROUTE_WRITE},
	{"POST", "/containers/{}/update", update, API_ROUTE_WRITE},
	{"POST", "/containers/{}/wait", wait_route, 0},
	{"DELETE", "/containers/{}", remove_route, API_ROUTE_WRITE},
	{"GET", "/containers/{}/logs", logs, 0},
	{"POST", "/containers/{}/attach", attach, API_ROUTE_WRITE},
	{"POST", "/containers/{}/resize", resize, API_ROUTE_WRITE},
	{"GET", "/containers/{}/top", top, 0},
	{"GET", "/containers/{}/changes", changes, 0},
	{"GET", "/containers/{}/stats", stats, 0},
	{NULL, NULL, NULL, 0},
};
