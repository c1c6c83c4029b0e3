/* image.build on a daemon: the context sent as the docker CLI sends it to
 * the classic builder's POST /build (a tar of the directory less what
 * .dockerignore leaves out, entries owned by root; a Dockerfile from
 * elsewhere added under a name of its own; stdin's tar as it comes, or
 * its Dockerfile put in a tar), and the daemon's stream read back: as it
 * is for DOCKER_BUILDKIT=0's output, else turned into the steps BuildKit's
 * view shows ("Step 2/3 : RUN make" is "[2/3] RUN make", its output the
 * step's log, " ---> Using cache" makes it CACHED).
 *
 * The archive is written by a thread of this command into a pipe the
 * request's body is read from; the thread blocks SIGPIPE, so a daemon
 * that stops reading ends it with EPIPE, never the process. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/core/dockerignore.h"
#include "engine/core/alloc.h"
#include "engine/core/fd_io.h"
#include "engine/core/fsutil.h"
#include "engine/core/tar_write.h"
#include "engine/remote/internal.h"

/* A Dockerfile read from a file or stdin: at most this. */
#define DOCKERFILE_MAX (16u << 20)

/* What the writer thread sends. */
struct context_writer {
	int out;                 /* the pipe's write end, closed by the thread */
	int dir;                 /* the context directory, or -1 */
	int in;                  /* otherwise stdin's descriptor, or -1 */
	char prefix[512];        /* what was read of it to tell a tar from a Dockerfile */
	size_t prefix_len;
	bool archive;
	struct dockerignore ignore;
	const char *dockerfile;  /* its name in the context (kept whatever .dockerignore says) */
	char *extra_name;        /* a Dockerfile added to the context, or NULL */
	char *extra;             /* its text */
	size_t extra_len;
	berr err;
};

/* .dockerignore's choice, less the Dockerfile and .dockerignore, which the
 * daemon needs whatever it says (the docker CLI keeps them too). */
static enum tar_choice choose_entry(void *user, const char *name, bool is_dir)
{
	struct context_writer *cw = user;
	size_t len = strlen(name);

	if (strcmp(name, ".dockerignore") == 0 || strcmp(name, cw->dockerfile) == 0)
		return TAR_TAKE;
	if (!dockerignore_excludes(&cw->ignore, name))
		return TAR_TAKE;
	if (!is_dir)
		return TAR_LEAVE_OUT;
	if (strncmp(cw->dockerfile, name, len) == 0 && cw->dockerfile[len] == '/')
		return TAR_ONLY_BELOW;
	return dockerignore_may_include_below(&cw->ignore, name) ? TAR_ONLY_BELOW : TAR_LEAVE_OUT;
}

/* Is what starts a stream an archive (a tar, plain or compressed)? */
static bool looks_like_archive(const unsigned char *b, size_t n)
{
	static const struct {
		const char *magic;
		size_t len;
	} magics[] = {
	    {"\x1f\x8b", 2},                   /* gzip */
	    {"BZh", 3},                        /* bzip2 */
	    {"\xfd" "7zXZ\x00", 6},            /* xz */
	    {"\x28\xb5\x2f\xfd", 4},           /* zstd */
	};

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (n >= magics[i].len && memcmp(b, magics[i].magic, magics[i].len) == 0)
			return true;
	return n >= 262 && memcmp(b + 257, "ustar", 5) == 0;
}

/* Up to len bytes, fewer only at the end of the stream. */
static ssize_t read_upto(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* stdin: a tar passed on as it comes, or a Dockerfile put in one (the
 * prefix already read tells which). */
static int write_from_input(struct context_writer *cw, struct tar_writer **tw)
{
	size_t cap = 65536, len = cw->prefix_len;
	char *buf = xmalloc(cap);
	ssize_t n;
	int rc = -1;

	memcpy(buf, cw->prefix, len);
	if (cw->archive) {
		if (fd_write_all(cw->out, buf, len) < 0) {
			berr_sys(&cw->err, "sending the build context");
			goto out;
		}
		while ((n = read(cw->in, buf, cap)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				berr_sys(&cw->err, "reading the build context from stdin");
				goto out;
			}
			if (fd_write_all(cw->out, buf, (size_t)n) < 0) {
				berr_sys(&cw->err, "sending the build context");
				goto out;
			}
		}
		rc = 0;
		goto out;
	}
	/* a Dockerfile alone: the context is that file */
	while ((n = read(cw->in, buf + len, cap - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			berr_sys(&cw->err, "reading the Dockerfile from stdin");
			goto out;
		}
		len += (size_t)n;
		if (len > DOCKERFILE_MAX) {
			berr_set(&cw->err, BERR_INVALID, "the Dockerfile on stdin is larger than %u bytes",
				 DOCKERFILE_MAX);
			goto out;
		}
		if (len == cap)
			buf = xrealloc(buf, cap *= 2);
	}
	if (tar_writer_open(tw, cw->out, TAR_WRITE_ROOT_OWNED, &cw->err) < 0 ||
	    tar_writer_add_bytes(*tw, cw->dockerfile, buf, len, &cw->err) < 0)
		goto out;
	rc = 0;
out:
	free(buf);
	return rc;
}

static void *write_context(void *arg)
{
	struct context_writer *cw = arg;
	struct tar_writer *tw = NULL;
	sigset_t pipe_signal;
	int rc;

	/* a daemon that stops reading: EPIPE here, not SIGPIPE for the process */
	sigemptyset(&pipe_signal);
	sigaddset(&pipe_signal, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_signal, NULL);
	if (cw->dir < 0) {
		rc = write_from_input(cw, &tw);
	} else {
		rc = tar_writer_open(&tw, cw->out, TAR_WRITE_ROOT_OWNED, &cw->err);
		if (rc == 0) {
			tar_writer_set_filter(tw, choose_entry, cw);
			rc = tar_writer_add_contents(tw, cw->dir, &cw->err);
		}
		if (rc == 0 && cw->extra_name)
			rc = tar_writer_add_bytes(tw, cw->extra_name, cw->extra, cw->extra_len,
						  &cw->err);
	}
	if (tw && rc == 0)
		rc = tar_writer_close(tw, &cw->err);
	else if (tw)
		tar_writer_free(tw);
	/* the reader sees the end (or, after a failure, a short archive the
	 * daemon refuses; cw->err says why) */
	close(cw->out);
	cw->out = -1;
	return NULL;
}

/* Reads a file of the client's (a Dockerfile outside the context). */
static int read_small_file(const char *path, char **text, size_t *len, berr *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		return berr_sys(err, "unable to prepare context: the Dockerfile (%s) cannot be read",
				path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > DOCKERFILE_MAX) {
		close(fd);
		return berr_set(err, BERR_INVALID, "the Dockerfile (%s) is not a regular file of at most %u bytes",
				path, DOCKERFILE_MAX);
	}
	*text = xmalloc((size_t)st.st_size + 1);
	int rc = fd_read_full(fd, *text, (size_t)st.st_size);
	close(fd);
	if (rc < 0) {
		free(*text);
		return berr_sys(err, "reading %s", path);
	}
	(*text)[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	return 0;
}

/* The context's .dockerignore, parsed (none: nothing left out). */
static int read_dockerignore(int dir, struct dockerignore *out, berr *err)
{
	/* the user's own file, a symlink followed as the docker CLI does */
	int fd = openat(dir, ".dockerignore", O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	char *text = NULL;
	size_t n = 0;

	if (fd < 0 && errno != ENOENT)
		return berr_sys(err, "reading .dockerignore");
	if (fd >= 0) {
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > DOCKERFILE_MAX) {
			close(fd);
			return berr_set(err, BERR_INVALID, ".dockerignore is not a regular file of at most %u bytes",
					DOCKERFILE_MAX);
		}
		text = xmalloc((size_t)st.st_size + 1);
		n = (size_t)st.st_size;
		int rc = fd_read_full(fd, text, n);
		close(fd);
		if (rc < 0) {
			free(text);
			return berr_sys(err, "reading .dockerignore");
		}
		text[n] = '\0';
	}
	int rc = dockerignore_parse(text ? text : "", n, out, err);
	free(text);
	return rc < 0 ? berr_prefix(err, "parsing .dockerignore") : 0;
}

/* The query of POST /build from the engine's arguments. Returns -1 with
 * err for what the classic builder has no word for. */
static int build_query(struct strbuf *p, json_t *args, const char *dockerfile, berr *err)
{
	static const char *const needs_buildkit[][2] = {
	    {"secrets", "--secret"},	      {"ssh", "--ssh"},
	    {"outputs", "--output"},	      {"build_contexts", "--build-context"},
	    {"no_cache_filter", "--no-cache-filter"}, {"cache_to", "--cache-to"},
	};
	json_t *v;
	size_t i;

	for (i = 0; i < sizeof(needs_buildkit) / sizeof(needs_buildkit[0]); i++) {
		v = json_object_get(args, needs_buildkit[i][0]);
		if ((json_is_object(v) && json_object_size(v)) || (json_is_array(v) && json_array_size(v)))
			return berr_set(err, BERR_UNSUPPORTED,
					"the %s option requires BuildKit, which berth does not speak to a "
					"daemon elsewhere: build on that host, or without the option",
					needs_buildkit[i][1]);
	}
	strbuf_adds(p, "/build?rm=1");
	json_array_foreach(json_object_get(args, "tags"), i, v)
		remote_query(p, "t", json_string_value(v));
	if (dockerfile)
		remote_query(p, "dockerfile", dockerfile);
	if (remote_arg(args, "target"))
		remote_query(p, "target", remote_arg(args, "target"));
	if (remote_arg(args, "network"))
		remote_query(p, "networkmode", remote_arg(args, "network"));
	if (remote_arg(args, "remote"))
		remote_query(p, "remote", remote_arg(args, "remote"));
	if (json_is_true(json_object_get(args, "no_cache")))
		remote_query(p, "nocache", "1");
	if (json_is_true(json_object_get(args, "pull")))
		remote_query(p, "pull", "1");
	json_array_foreach(json_object_get(args, "add_hosts"), i, v)
		remote_query(p, "extrahosts", json_string_value(v));
	static const char *const as_json[][2] = {
	    {"build_args", "buildargs"}, {"labels", "labels"}, {"cache_from", "cachefrom"}};
	for (i = 0; i < sizeof(as_json) / sizeof(as_json[0]); i++) {
		v = json_object_get(args, as_json[i][0]);
		if ((json_is_object(v) && !json_object_size(v)) || (json_is_array(v) && !json_array_size(v)))
			continue;
		if (json_is_array(v)) {
			json_t *item;
			size_t j;
			json_array_foreach(v, j, item)
				if (!json_is_string(item))
					return berr_set(err, BERR_UNSUPPORTED,
							"--cache-from with a local directory requires BuildKit, "
							"which berth does not speak to a daemon elsewhere");
		}
		char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
		if (text)
			remote_query(p, as_json[i][1], text);
		free(text);
	}
	return 0;
}

/* The daemon's classic stream, read back for the face. */
struct stream_view {
	struct cmd_ctx *ctx;
	bool legacy;        /* DOCKER_BUILDKIT=0: passed on as it is */
	int vertex;         /* the last step begun (0: none yet) */
	bool open, cached;  /* it has not ended; it was found in the cache */
	int64_t started;    /* the build's start, and the step's (monotonic ns) */
	int64_t step_started;
	struct strbuf line; /* a line not yet ended */
	char *id;           /* the image, from {"aux": {"ID"}} */
	/* the name a Dockerfile from elsewhere has in the context, and the
	 * user's name for it, which the daemon's words say instead */
	const char *hidden, *shown;
	int exporting;      /* the vertex of "exporting to image", or 0 */
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void vertex_event(struct stream_view *v, json_t *body)
{
	cmd_progress(v->ctx, json_pack("{s:o}", "build", body));
}

static int vertex_start(struct stream_view *v, const char *name)
{
	v->step_started = now_ns();
	vertex_event(v, json_pack("{s:i, s:s, s:s, s:f}", "vertex", ++v->vertex, "event", "start",
				  "name", name, "t", (double)(v->step_started - v->started) / 1e9));
	v->open = true;
	v->cached = false;
	return v->vertex;
}

static void vertex_end(struct stream_view *v)
{
	if (!v->open)
		return;
	v->open = false;
	if (v->cached)
		vertex_event(v, json_pack("{s:i, s:s}", "vertex", v->vertex, "event", "cached"));
	else
		vertex_event(v, json_pack("{s:i, s:s, s:f}", "vertex", v->vertex, "event", "done",
					  "duration", (double)(now_ns() - v->step_started) / 1e9));
}

/* One line of the classic stream, as BuildKit's view tells it. */
static void view_line(struct stream_view *v, const char *text, size_t len)
{
	char *line = xstrndup(text, len);
	unsigned step, steps;
	int at;

	if (sscanf(line, "Step %u/%u : %n", &step, &steps, &at) == 2 && at > 0) {
		vertex_end(v);
		char *name = xasprintf("[%u/%u] %s", step, steps, line + at);
		vertex_start(v, name);
		free(name);
	} else if (strcmp(line, " ---> Using cache") == 0) {
		v->cached = true;
	} else if (strncmp(line, " ---> ", 6) == 0 || strncmp(line, "Removing intermediate container ", 32) == 0 ||
		   strncmp(line, "Successfully built ", 19) == 0 || len == 0) {
		/* the classic builder's own bookkeeping */
	} else if (strncmp(line, "Successfully tagged ", 20) == 0) {
		if (!v->exporting) {
			vertex_end(v);
			v->exporting = vertex_start(v, "exporting to image");
		}
		char *naming = xasprintf("naming to %s", line + 20);
		vertex_event(v, json_pack("{s:i, s:s, s:i, s:s, s:f}", "vertex", v->vertex, "event", "log",
					  "stream", 1, "text", naming, "t",
					  (double)(now_ns() - v->started) / 1e9));
		free(naming);
	} else if (v->open) {
		vertex_event(v, json_pack("{s:i, s:s, s:i, s:s, s:f}", "vertex", v->vertex, "event", "log",
					  "stream", 1, "text", line, "t",
					  (double)(now_ns() - v->started) / 1e9));
	}
	free(line);
}

/* text with the context's name for the Dockerfile put back to the user's. */
static char *unhide(const struct stream_view *v, const char *text)
{
	struct strbuf out = {0};
	const char *at;

	if (!v->hidden)
		return xstrdup(text);
	while ((at = strstr(text, v->hidden))) {
		strbuf_addn(&out, text, (size_t)(at - text));
		strbuf_adds(&out, v->shown);
		text = at + strlen(v->hidden);
	}
	strbuf_adds(&out, text);
	return strbuf_steal(&out);
}

static int on_message(void *user, json_t *message, berr *err)
{
	struct stream_view *v = user;
	const char *error = json_string_value(json_object_get(message, "error"));
	const char *stream = json_string_value(json_object_get(message, "stream"));
	const char *status = json_string_value(json_object_get(message, "status"));
	const char *id = json_string_value(json_object_get(json_object_get(message, "aux"), "ID"));

	if (id) {
		free(v->id);
		v->id = xstrdup(id);
		return 0;
	}
	if (error) {
		char *said = unhide(v, error);
		if (v->open && !v->legacy)
			vertex_event(v, json_pack("{s:i, s:s, s:f, s:s}", "vertex", v->vertex, "event",
						  "error", "duration",
						  (double)(now_ns() - v->step_started) / 1e9, "error", said));
		v->open = false;
		json_t *unhidden = json_pack("{s:s}", "error", said);
		free(said);
		int rc = remote_pass_progress(v->ctx, unhidden, err);
		json_decref(unhidden);
		return rc;
	}
	if (v->legacy)
		return remote_pass_progress(v->ctx, message, err);
	if (status && v->open) { /* a pull for FROM */
		const char *progress = json_string_value(json_object_get(message, "progress"));
		char *text = xasprintf("%s%s%s", status, progress ? " " : "", progress ? progress : "");
		vertex_event(v, json_pack("{s:i, s:s, s:s}", "vertex", v->vertex, "event", "status",
					  "text", text));
		free(text);
		return 0;
	}
	if (!stream)
		return 0;
	strbuf_adds(&v->line, stream);
	char *start = v->line.s, *nl;
	while ((nl = memchr(start, '\n', v->line.len - (size_t)(start - v->line.s)))) {
		view_line(v, start, (size_t)(nl - start));
		start = nl + 1;
	}
	size_t rest = v->line.len - (size_t)(start - v->line.s);
	memmove(v->line.s, start, rest);
	v->line.len = rest;
	v->line.s[rest] = '\0';
	return 0;
}

/* Where the Dockerfile goes in the context, and the text to add when it is
 * not in the context directory. */
static int place_dockerfile(json_t *args, struct context_writer *cw, const char **name, berr *err)
{
	const char *text = remote_arg(args, "dockerfile_text");
	const char *file = remote_arg(args, "dockerfile");
	char rnd[65];

	*name = file ? file : "Dockerfile";
	if (!text && (!file || file[0] != '/'))
		return 0; /* in the context, where the daemon finds it */
	if (text) {
		cw->extra = xstrdup(text);
		cw->extra_len = strlen(text);
	} else if (read_small_file(file, &cw->extra, &cw->extra_len, err) < 0) {
		return -1;
	}
	/* a name of its own, as the docker CLI gives it */
	if (random_hex_id(rnd, err) < 0)
		return -1;
	cw->extra_name = xasprintf(".dockerfile.%.20s", rnd);
	*name = cw->extra_name;
	return 0;
}

/* The body's end: the writer is done; a context it could not write whole
 * is not sent as if it were (the request fails, its last chunk unsent). */
struct body_writer {
	struct context_writer *cw;
	pthread_t thread;
	bool running;
};

static int end_of_context(void *user, berr *err)
{
	struct body_writer *bw = user;

	if (bw->running) {
		pthread_join(bw->thread, NULL);
		bw->running = false;
	}
	if (bw->cw->err.kind != BERR_NONE) {
		*err = bw->cw->err;
		return berr_prefix(err, "sending the build context");
	}
	return 0;
}

static int cmd_build(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct context_writer cw = {.out = -1, .dir = -1, .in = -1};
	struct stream_view v = {.ctx = ctx, .legacy = json_is_true(json_object_get(args, "legacy_stream")),
				.started = now_ns()};
	struct strbuf p = {0};
	const char *context = remote_arg(args, "context"), *remote = remote_arg(args, "remote");
	const char *dockerfile = NULL;
	struct body_writer bw = {.cw = &cw};
	int pipefd[2] = {-1, -1}, rc = -1;

	if (remote && remote[0] == '/') {
		berr_set(err, BERR_UNSUPPORTED, "a git repository of this host cannot be the context of "
						"a build on a daemon elsewhere: give its URL");
		goto out;
	}
	if (remote && remote_arg(args, "dockerfile_text")) {
		berr_set(err, BERR_UNSUPPORTED, "a Dockerfile from stdin with a URL as the context "
						"is not supported on a daemon elsewhere");
		goto out;
	}
	if (remote) {
		dockerfile = remote_arg(args, "dockerfile");
	} else if (context) {
		cw.dir = open(context, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cw.dir < 0) {
			berr_sys(err, "unable to prepare context: %s", context);
			goto out;
		}
		if (read_dockerignore(cw.dir, &cw.ignore, err) < 0 ||
		    place_dockerfile(args, &cw, &dockerfile, err) < 0)
			goto out;
	} else if (json_is_integer(json_object_get(args, "context_fd"))) {
		cw.in = (int)json_integer_value(json_object_get(args, "context_fd"));
		ssize_t got = read_upto(cw.in, cw.prefix, sizeof(cw.prefix));
		if (got < 0) {
			berr_sys(err, "reading the build context from stdin");
			goto out;
		}
		cw.prefix_len = (size_t)got;
		cw.archive = looks_like_archive((unsigned char *)cw.prefix, cw.prefix_len);
		/* a Dockerfile alone is the context's "Dockerfile", whatever -f
		 * says (as the docker CLI names it) */
		dockerfile = cw.archive ? remote_arg(args, "dockerfile") : "Dockerfile";
	} else {
		berr_set(err, BERR_INVALID, "no build context");
		goto out;
	}
	cw.dockerfile = dockerfile ? dockerfile : "Dockerfile";
	if (cw.extra_name) {
		v.hidden = cw.extra_name;
		v.shown = remote_arg(args, "dockerfile_text") ? "Dockerfile" : remote_arg(args, "dockerfile");
	}
	if (build_query(&p, args, dockerfile, err) < 0)
		goto out;
	if (!v.legacy)
		vertex_start(&v, "[internal] load build context");
	if (!remote) {
		if (pipe2(pipefd, O_CLOEXEC) < 0) {
			berr_sys(err, "build");
			goto out;
		}
		cw.out = pipefd[1];
		pipefd[1] = -1;
		if (pthread_create(&bw.thread, NULL, write_context, &cw) != 0) {
			close(cw.out);
			berr_set(err, BERR_SYSTEM, "build: cannot start a thread");
			goto out;
		}
		bw.running = true;
	}
	struct remote_request req = {.method = "POST", .path = p.s, .body_fd = pipefd[0],
				     .content_type = "application/x-tar",
				     .body_end = bw.running ? end_of_context : NULL, .body_user = &bw};
	struct remote_response *resp;
	rc = remote_send(remote_of(ctx), &req, &resp, err);
	if (rc < 0)
		goto out;
	if (!v.legacy)
		vertex_end(&v);
	rc = remote_response_json_lines(resp, ctx, on_message, &v, err);
	remote_response_free(resp);
	if (cmd_cancelled(ctx)) {
		rc = berr_set(err, BERR_CONFLICT, "build cancelled");
		goto out;
	}
	if (rc < 0)
		goto out;
	if (v.line.len)
		view_line(&v, v.line.s, v.line.len);
	if (!v.legacy)
		vertex_end(&v);
	if (!v.id) {
		rc = berr_set(err, BERR_SYSTEM, "the daemon's build ended without naming an image");
		goto out;
	}
	*result = json_pack("{s:s}", "Id", v.id);
out:
	/* a step left begun (the context refused, the daemon gone) ends as failed */
	if (rc < 0 && v.open && !v.legacy) {
		vertex_event(&v, json_pack("{s:i, s:s, s:f, s:s}", "vertex", v.vertex, "event", "error",
					   "duration", (double)(now_ns() - v.step_started) / 1e9,
					   "error", err && err->msg[0] ? err->msg : "failed"));
		v.open = false;
	}
	/* a daemon that stopped reading: the writer ends at its next write */
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (bw.running)
		pthread_join(bw.thread, NULL);
	if (cw.dir >= 0)
		close(cw.dir);
	dockerignore_free(&cw.ignore);
	free(cw.extra_name);
	free(cw.extra);
	free(v.id);
	strbuf_free(&v.line);
	strbuf_free(&p);
	return rc < 0 ? -1 : 0;
}

const struct engine_command remote_build_commands[] = {
	{"image.build", cmd_build},
	{NULL, NULL},
};
