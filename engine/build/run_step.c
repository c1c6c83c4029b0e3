/* RUN: the command in a berth container made from the step's parent image,
 * its output streamed to the vertex, its changes committed as the step's
 * layer. The container is an ordinary one (seen by ps -a while it runs),
 * confined like any other; it is removed whatever happens. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/build/internal.h"
#include "engine/container/container.h"
#include "engine/core/alloc.h"
#include "engine/core/fsutil.h"
#include "engine/core/strbuf.h"
#include "engine/runtime/shim_protocol.h"

static const char *const run_flags[] = {"network", "mount", "security", NULL};

/* Reads exactly len bytes, or fails at the end of the stream. */
static int read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* Lines of one stream, the last one kept until its newline comes. */
struct line_buffer {
	struct strbuf pending;
};

static void feed_lines(struct build *b, int vertex, int stream, struct line_buffer *lb,
		       const char *data, size_t len)
{
	strbuf_addn(&lb->pending, data, len);
	for (;;) {
		char *nl = lb->pending.s ? memchr(lb->pending.s, '\n', lb->pending.len) : NULL;
		size_t line;

		if (!nl)
			break;
		line = (size_t)(nl - lb->pending.s);
		build_vertex_log(b, vertex, stream, lb->pending.s, line);
		memmove(lb->pending.s, nl + 1, lb->pending.len - line - 1);
		lb->pending.len -= line + 1;
		lb->pending.s[lb->pending.len] = '\0';
	}
}

static void flush_lines(struct build *b, int vertex, int stream, struct line_buffer *lb)
{
	if (lb->pending.len)
		build_vertex_log(b, vertex, stream, lb->pending.s, lb->pending.len);
	strbuf_free(&lb->pending);
}

/* Streams the container's output until it exits: its exit code, or -1
 * when cancelled or the stream broke (err says which). */
static int follow_output(struct build *b, int vertex, const char *id, int fd, int *code, berr *err)
{
	struct line_buffer out = {0}, errs = {0};
	unsigned char header[SHIM_FRAME_HEADER];
	char *payload = NULL;
	int rc = -1;

	*code = -1;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, 200);

		if (build_should_stop(b)) {
			json_t *args = json_pack("{s:s}", "id", id);
			engine_call(b->engine, "container.kill", args, NULL, NULL, NULL, NULL);
			json_decref(args);
			berr_set(err, BERR_CONFLICT, "build cancelled");
			break;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		if (read_full(fd, header, sizeof(header)) < 0) {
			rc = 0; /* the end without an exit frame: asked below */
			break;
		}
		size_t len = (size_t)header[4] << 24 | (size_t)header[5] << 16 |
			     (size_t)header[6] << 8 | header[7];
		payload = xrealloc(payload, len + 1);
		if (read_full(fd, payload, len) < 0) {
			rc = 0;
			break;
		}
		payload[len] = '\0';
		if (header[0] == SHIM_STREAM_EXIT) {
			*code = atoi(payload);
			rc = 0;
			break;
		}
		feed_lines(b, vertex, header[0] == SHIM_STREAM_STDERR ? 2 : 1,
			   header[0] == SHIM_STREAM_STDERR ? &errs : &out, payload, len);
	}
	flush_lines(b, vertex, 1, &out);
	flush_lines(b, vertex, 2, &errs);
	free(payload);
	if (rc == 0 && *code < 0) {
		/* the monitor lets go of a reader that cannot keep up: say so */
		static const char clipped[] = "[output clipped: the step wrote faster than it could be shown]";
		build_vertex_log(b, vertex, 2, clipped, sizeof(clipped) - 1);
		json_t *args = json_pack("{s:s}", "id", id), *waited = NULL;
		if (engine_call(b->engine, "container.wait", args, &waited, NULL, NULL, err) == 0)
			*code = (int)json_integer_value(json_object_get(waited, "StatusCode"));
		else
			rc = -1;
		json_decref(waited);
		json_decref(args);
	}
	return rc;
}

/* The command as BuildKit shows it: the words joined by spaces. */
static char *joined(json_t *cmd)
{
	struct strbuf b = {0};
	size_t i;
	json_t *v;

	json_array_foreach(cmd, i, v)
		strbuf_addf(&b, "%s%s", i ? " " : "", json_string_value(v));
	return b.s ? strbuf_steal(&b) : xstrdup("");
}

static int run_container(struct build *b, struct stage_state *s, int vertex, json_t *cmd,
			 const char *shown_cmd, const char *network, json_t *binds,
			 struct run_mounts *mounts, berr *err)
{
	json_t *env = json_deep_copy(json_object_get(s->config, "Env")), *args, *result = NULL;
	json_t *host = json_object(), *body, *arg_env = build_args_env(s), *v;
	char id[65];
	size_t i;
	int fd, code, rc = -1, layer_fd = -1;
	struct container c;
	bool found = false;

	if (!json_is_array(env)) {
		json_decref(env);
		env = json_array();
	}
	/* build args the ENVs do not set */
	json_array_foreach(arg_env, i, v) {
		const char *kv = json_string_value(v), *eq = strchr(kv, '=');
		size_t klen = (size_t)(eq - kv), j;
		json_t *e;
		bool set = false;

		json_array_foreach(env, j, e)
			set |= strncmp(json_string_value(e), kv, klen) == 0 &&
			       json_string_value(e)[klen] == '=';
		if (!set)
			json_array_append(env, v);
	}
	json_decref(arg_env);
	json_object_set_new(host, "NetworkMode", json_string(network ? network : "default"));
	if (b->add_hosts)
		json_object_set(host, "ExtraHosts", b->add_hosts);
	if (binds)
		json_object_set(host, "Binds", binds);
	if (json_array_size(mounts->mounts))
		json_object_set(host, "Mounts", mounts->mounts);
	json_array_extend(env, mounts->env);
	body = json_pack("{s:O, s:[s], s:o, s:o}", "Cmd", cmd, "Entrypoint", "", "Env", env,
			 "HostConfig", host);
	const char *wd = json_string_value(json_object_get(s->config, "WorkingDir"));
	const char *user = json_string_value(json_object_get(s->config, "User"));
	if (wd && *wd)
		json_object_set_new(body, "WorkingDir", json_string(wd));
	if (user && *user)
		json_object_set_new(body, "User", json_string(user));
	if (build_container_create(b, s->image_id, body, id, err) < 0) {
		json_decref(body);
		return -1;
	}
	json_decref(body);
	if (build_mount_stubs_find(b, id, mounts, err) < 0)
		goto out;
	build_legacy(b, " ---> Running in %.12s\n", id);
	args = json_pack("{s:s, s:b}", "id", id, "attach", 1);
	if (engine_call(b->engine, "container.start", args, &result, NULL, NULL, err) < 0) {
		json_decref(args);
		goto out;
	}
	json_decref(args);
	fd = (int)json_integer_value(json_object_get(result, "attach_fd"));
	json_decref(result);
	rc = follow_output(b, vertex, id, fd, &code, err);
	close(fd);
	if (rc < 0)
		goto out;
	rc = -1;
	if (code != 0) {
		struct strbuf one_line = {0};
		for (const char *p = shown_cmd; *p; p++)
			if (*p == '\n')
				strbuf_adds(&one_line, "\\n");
			else
				strbuf_addc(&one_line, *p);
		berr_set(err, BERR_INVALID, "process \"%s\" did not complete successfully: exit code: %d",
			 one_line.s ? one_line.s : "", code);
		strbuf_free(&one_line);
		goto out;
	}
	build_mount_stubs_remove(b, id, mounts);
	if (container_find(b->engine, id, &c, err) < 0)
		goto out;
	found = true;
	if (container_upper_tar(b->engine, &c, &layer_fd, err) < 0)
		goto out;
	rc = 0;
out:
	if (found)
		container_free(&c);
	if (rc == 0) {
		/* committed by the caller through the fd; the container goes now */
		build_container_remove(b, id);
		build_legacy(b, "Removing intermediate container %.12s\n", id);
		return layer_fd;
	}
	build_container_remove(b, id);
	return -1;
}

/* Is the text only the heredoc's marker ("<<EOF", "<<-'EOF'")? */
static bool only_marker(const char *text, const struct df_heredoc *doc)
{
	while (*text == ' ' || *text == '\t')
		text++;
	if (strncmp(text, "<<", 2) != 0)
		return false;
	text += 2;
	if (*text == '-')
		text++;
	if (*text == '\'' || *text == '"')
		text++;
	size_t n = strlen(doc->name);
	if (strncmp(text, doc->name, n) != 0)
		return false;
	text += n;
	if (*text == '\'' || *text == '"')
		text++;
	while (*text == ' ' || *text == '\t')
		text++;
	return *text == '\0';
}

/* What the shell runs: the line, and then each heredoc's body and end, as
 * a shell reads a here-document; a RUN that is one heredoc alone runs its
 * body as the script (BuildKit's RUN <<EOF). */
static char *heredoc_script(const struct df_instruction *in)
{
	struct strbuf b = {0};
	const char *line = in->nargs ? in->args[0] : "";

	if (in->nheredocs == 0)
		return xstrdup(line);
	if (in->nheredocs == 1 && only_marker(line, &in->heredocs[0]))
		return xstrdup(in->heredocs[0].content);
	strbuf_adds(&b, line);
	strbuf_addc(&b, '\n');
	for (size_t i = 0; i < in->nheredocs; i++)
		strbuf_addf(&b, "%s%s\n", in->heredocs[i].content, in->heredocs[i].name);
	return strbuf_steal(&b);
}

/* The heredoc's body as an executable file in a directory under R/tmp;
 * *bind is the -v entry that puts it at /dev/pipes/<name>, read-only. */
static int script_file(struct build *b, const struct df_heredoc *doc, struct image_staging *dir,
		       char **bind, berr *err)
{
	const char *slash = strrchr(doc->name, '/');
	const char *name = slash ? slash + 1 : doc->name;
	char path[8192];

	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strpbrk(name, ":,"))
		name = "__heredoc__";
	size_t len = strlen(doc->content);
	int fd;

	if (image_staging_open(dir, engine_root(b->engine), "build-script", err) < 0) {
		dir->path[0] = '\0';
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir->path, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0755);
	if (fd < 0)
		return berr_sys(err, "writing the heredoc %s", doc->name);
	if (write(fd, doc->content, len) != (ssize_t)len || fchmod(fd, 0755) < 0) {
		close(fd);
		return berr_sys(err, "writing the heredoc %s", doc->name);
	}
	close(fd);
	*bind = xasprintf("%s:/dev/pipes/%s:ro", path, name);
	return 0;
}

int build_run_step(struct build *b, struct build_stage *stage, struct stage_state *s,
		   const struct df_instruction *in, berr *err)
{
	json_t *cmd;
	char *shown_cmd = NULL, *args_text = NULL, *name;
	struct strbuf created = {0}, keyed = {0};
	const char *network = df_flag_value(in, "network");
	int vertex, rc = -1, layer_fd;
	int64_t started = build_now();
	bool hit = false;
	struct run_mounts mounts = {0};
	const char *security = df_flag_value(in, "security");

	for (size_t i = 0; i < in->nflags; i++) {
		bool ok = false;
		for (size_t j = 0; run_flags[j]; j++)
			ok |= strcmp(in->flags[i].name, run_flags[j]) == 0;
		if (!ok)
			return berr_set(err, BERR_UNSUPPORTED, "RUN --%s is not supported yet",
					in->flags[i].name);
	}
	if (security && strcmp(security, "sandbox") != 0)
		return berr_set(err, BERR_INVALID,
				"granting entitlement security.%s is not allowed by build daemon configuration",
				security);
	if (network && strcmp(network, "default") != 0 && strcmp(network, "none") != 0 &&
	    strcmp(network, "host") != 0)
		return berr_set(err, BERR_INVALID, "unsupported network mode %s", network);
	if (!s->image_id[0])
		return berr_set(err, BERR_INVALID,
				"RUN needs files to run in, and the stage is FROM scratch");
	if (in->exec_form) {
		cmd = json_array();
		for (size_t i = 0; i < in->nargs; i++)
			json_array_append_new(cmd, json_string(in->args[i]));
	} else {
		json_t *shell = json_object_get(s->config, "Shell");
		char *script = heredoc_script(in);
		cmd = json_array_size(shell) ? json_deep_copy(shell)
					     : json_pack("[s, s]", "/bin/sh", "-c");
		json_array_append_new(cmd, json_string(script));
		free(script);
	}
	shown_cmd = joined(cmd);
	args_text = build_args_text(s, true);
	/* history: RUN |2 A=1 B=2 /bin/sh -c make # buildkit */
	strbuf_adds(&created, "RUN ");
	size_t nargs = 0;
	for (const char *p = args_text; *p; p++)
		nargs += *p == '\n';
	if (nargs) {
		strbuf_addf(&created, "|%zu", nargs);
		for (const char *p = args_text; *p;) {
			const char *nl = strchr(p, '\n');
			strbuf_addf(&created, " %.*s", (int)(nl - p), p);
			p = nl + 1;
		}
		strbuf_addc(&created, ' ');
	}
	strbuf_addf(&created, "%s # buildkit", shown_cmd);
	strbuf_addf(&keyed, "RUN %s", shown_cmd);
	if (network)
		strbuf_addf(&keyed, " --network=%s", network);
	name = xasprintf("[%s%s%d/%d] %s", stage->label ? stage->label : "", stage->label ? " " : "",
			 ++s->step, stage->steps, in->original);
	vertex = build_vertex_start(b, name);
	free(name);
	if (build_run_mounts(b, s, in, &mounts, err) < 0)
		goto out;
	if (mounts.key)
		strbuf_adds(&keyed, mounts.key);
	struct cache_key key = {s->image_id, keyed.s, args_text, "", b->origin, in->line, created.s, true};
	if (build_cache_find(b, s, &key, vertex, &hit, err) < 0)
		goto out;
	if (hit) {
		build_vertex_cached(b, vertex);
		rc = 0;
		goto out;
	}
	/* a heredoc script with a #! line runs as a file, as BuildKit runs it
	 * (at /dev/pipes/<name>, outside the layer) */
	json_t *binds = NULL;
	struct image_staging script_dir = {.fd = -1};
	if (!in->exec_form && in->nheredocs == 1 && only_marker(in->nargs ? in->args[0] : "", &in->heredocs[0]) &&
	    strncmp(in->heredocs[0].content, "#!", 2) == 0) {
		char *bind = NULL;
		if (script_file(b, &in->heredocs[0], &script_dir, &bind, err) < 0) {
			goto out;
		}
		binds = json_pack("[s]", bind);
		free(bind);
		json_decref(cmd);
		const char *slash = strrchr(in->heredocs[0].name, '/');
		const char *base = slash ? slash + 1 : in->heredocs[0].name;
		if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strpbrk(base, ":,"))
			base = "__heredoc__";
		char *target = xasprintf("/dev/pipes/%s", base);
		cmd = json_pack("[s]", target);
		free(target);
	}
	layer_fd = run_container(b, s, vertex, cmd, shown_cmd, network ? network : b->network, binds,
				 &mounts, err);
	json_decref(binds);
	if (script_dir.path[0])
		image_staging_close(&script_dir);
	if (layer_fd < 0)
		goto out;
	rc = build_commit_step(b, s, &key, layer_fd, created.s, err);
	close(layer_fd);
out:
	if (rc < 0)
		build_vertex_error(b, vertex, started, err->msg);
	else if (!hit)
		build_vertex_done(b, vertex, started);
	build_run_mounts_free(&mounts);
	json_decref(cmd);
	free(shown_cmd);
	free(args_text);
	strbuf_free(&created);
	strbuf_free(&keyed);
	return rc;
}
