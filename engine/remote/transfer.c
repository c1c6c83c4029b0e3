/* Archives to and from a daemon: export, save, load, import, and commit
 * and push, whose results are images there. */
#include <errno.h>
#include <limits.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/base64.h"
#include "engine/core/tar_rename.h"
#include "engine/remote/internal.h"

/* Go's os.ModeDir and os.ModeSymlink in the stat header's mode. */
#define GO_MODE_DIR 0x80000000u
#define GO_MODE_SYMLINK 0x08000000u

/* The X-Docker-Container-Path-Stat header as the engine's stat object. */
static json_t *stat_from_header(const char *value)
{
	size_t len;
	char *text = value ? base64_decode(value, &len) : NULL;
	json_t *j = text ? json_loadb(text, len, 0, NULL) : NULL;
	json_t *stat = NULL;

	free(text);
	if (j) {
		unsigned mode = (unsigned)json_integer_value(json_object_get(j, "mode"));
		stat = json_pack("{s:O?, s:O?, s:b, s:b, s:O?}", "name", json_object_get(j, "name"),
				 "size", json_object_get(j, "size"), "dir", (mode & GO_MODE_DIR) != 0,
				 "symlink", (mode & GO_MODE_SYMLINK) != 0, "linkTarget",
				 json_object_get(j, "linkTarget"));
	}
	json_decref(j);
	return stat;
}

int remote_to_fd(struct cmd_ctx *ctx, const char *path, json_t *args, berr *err)
{
	return remote_to_fd_stat(ctx, path, args, NULL, err);
}

int remote_to_fd_stat(struct cmd_ctx *ctx, const char *path, json_t *args, json_t **stat,
		      berr *err)
{
	struct remote_request req = {.method = "GET", .path = path, .body_fd = -1};
	struct remote_response *resp;
	int fd = (int)json_integer_value(json_object_get(args, "fd"));
	char buf[65536];
	ssize_t n;

	if (!json_is_integer(json_object_get(args, "fd")))
		return berr_set(err, BERR_INVALID, "no descriptor to write to");
	if (remote_send(remote_of(ctx), &req, &resp, err) < 0)
		return -1;
	if (stat)
		*stat = stat_from_header(remote_response_header(resp, "X-Docker-Container-Path-Stat"));
	while ((n = remote_response_read(resp, ctx, buf, sizeof(buf), err)) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				remote_response_free(resp);
				return berr_errno(err, errno, "writing the archive");
			}
			off += w;
		}
	}
	remote_response_free(resp);
	return n < 0 ? -1 : 0;
}

/* Keeps the last message, and passes each on. */
struct from_fd {
	struct cmd_ctx *ctx;
	json_t *last;
};

static int keep_and_pass(void *user, json_t *message, berr *err)
{
	struct from_fd *f = user;

	json_decref(f->last);
	f->last = json_incref(message);
	return remote_pass_progress(f->ctx, message, err);
}

/* import's messages: its progress passed on, the image's ID (its last
 * status) kept for the result alone */
static int keep_id_pass_rest(void *user, json_t *message, berr *err)
{
	struct from_fd *f = user;
	const char *status = json_string_value(json_object_get(message, "status"));

	json_decref(f->last);
	f->last = json_incref(message);
	if (status && strncmp(status, "sha256:", 7) == 0 && strlen(status) == 71)
		return 0;
	return remote_pass_progress(f->ctx, message, err);
}

int remote_from_fd(struct cmd_ctx *ctx, const char *path, json_t *args, json_t **last,
		   berr *err)
{
	return remote_from_fd_method(ctx, "POST", path, args, last, err);
}

int remote_from_fd_method(struct cmd_ctx *ctx, const char *method, const char *path, json_t *args,
			  json_t **last, berr *err)
{
	struct remote_request req = {.method = method, .path = path,
				     .body_fd = (int)json_integer_value(json_object_get(args, "fd"))};
	struct from_fd f = {.ctx = ctx};

	if (!json_is_integer(json_object_get(args, "fd")))
		return berr_set(err, BERR_INVALID, "no descriptor to read from");
	int rc = remote_json_stream(ctx, &req, keep_and_pass, &f, err);
	if (last)
		*last = f.last;
	else
		json_decref(f.last);
	return rc;
}

static int cmd_export(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};

	remote_path(&p, "/containers/", remote_arg(args, "id") ?: "", "/export");
	int rc = remote_to_fd(ctx, p.s, args, err);
	strbuf_free(&p);
	if (rc == 0)
		*result = json_object();
	return rc;
}

static int cmd_save(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};
	json_t *name;
	size_t i;

	strbuf_adds(&p, "/images/get");
	json_array_foreach(json_object_get(args, "names"), i, name)
		remote_query(&p, "names", json_string_value(name));
	int rc = remote_to_fd(ctx, p.s, args, err);
	strbuf_free(&p);
	if (rc == 0)
		*result = json_object();
	return rc;
}

static int cmd_load(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	int rc = remote_from_fd(ctx, "/images/load", args, NULL, err);

	if (rc == 0)
		*result = json_object();
	return rc;
}

/* "repo:tag" into the repo and tag queries the import and commit routes take. */
static void query_reference(struct strbuf *p, const char *reference)
{
	const char *slash = strrchr(reference, '/');
	const char *colon = strrchr(slash ? slash : reference, ':');
	struct strbuf repo = {0};

	strbuf_addn(&repo, reference, colon ? (size_t)(colon - reference) : strlen(reference));
	remote_query(p, "repo", repo.s ? repo.s : "");
	if (colon)
		remote_query(p, "tag", colon + 1);
	strbuf_free(&repo);
}

static void query_changes(struct strbuf *p, json_t *args)
{
	json_t *change;
	size_t i;

	json_array_foreach(json_object_get(args, "changes"), i, change)
		remote_query(p, "changes", json_string_value(change));
}

static int cmd_import(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};
	const char *reference = remote_arg(args, "reference"), *message = remote_arg(args, "message");
	const char *url = remote_arg(args, "url");
	json_t *last = NULL;

	/* a URL is the daemon's to download, as the docker CLI asks it */
	strbuf_adds(&p, "/images/create");
	remote_query(&p, "fromSrc", url ? url : "-");
	if (reference && *reference)
		query_reference(&p, reference);
	if (message && *message)
		remote_query(&p, "message", message);
	query_changes(&p, args);
	struct remote_request req = {.method = "POST", .path = p.s, .body_fd = -1};
	struct from_fd f = {.ctx = ctx};
	if (!url && !json_is_integer(json_object_get(args, "fd"))) {
		strbuf_free(&p);
		return berr_set(err, BERR_INVALID, "no descriptor to read from");
	}
	if (!url)
		req.body_fd = (int)json_integer_value(json_object_get(args, "fd"));
	int rc = remote_json_stream(ctx, &req, keep_id_pass_rest, &f, err);
	last = f.last;
	if (rc == 0)
		*result = json_pack("{s:s}", "id",
				    json_string_value(json_object_get(last, "status")) ?: "");
	json_decref(last);
	strbuf_free(&p);
	return rc;
}

static int cmd_commit(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};
	const char *reference = remote_arg(args, "reference");
	const char *author = remote_arg(args, "author"), *comment = remote_arg(args, "comment");
	json_t *pause = json_object_get(args, "pause");

	strbuf_adds(&p, "/commit");
	remote_query(&p, "container", remote_arg(args, "id"));
	if (reference && *reference)
		query_reference(&p, reference);
	if (author && *author)
		remote_query(&p, "author", author);
	if (comment && *comment)
		remote_query(&p, "comment", comment);
	remote_query(&p, "pause", !pause || json_is_true(pause) ? "1" : "0");
	query_changes(&p, args);
	json_t *body = json_object();
	int rc = remote_answer(ctx, "POST", p.s, body, result, err);
	json_decref(body);
	strbuf_free(&p);
	return rc;
}

/* image.push: the daemon pushes, with the user's credentials for the
 * registry as the docker CLI sends them; its progress is the face's. */
static int cmd_push(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *reference = remote_arg(args, "reference");
	struct remote_request req = {.method = "POST", .body_fd = -1};
	struct strbuf p = {0};

	if (!reference)
		return berr_set(err, BERR_INVALID, "no image given");
	const char *slash = strrchr(reference, '/');
	const char *colon = strrchr(slash ? slash : reference, ':');
	struct strbuf name = {0};
	strbuf_addn(&name, reference, colon ? (size_t)(colon - reference) : strlen(reference));
	remote_path(&p, "/images/", name.s, "/push");
	if (colon && !json_is_true(json_object_get(args, "all_tags")))
		remote_query(&p, "tag", colon + 1);
	strbuf_free(&name);
	req.path = p.s;
	char *auth = remote_registry_auth(args, reference);
	req.registry_auth = auth;
	int rc = remote_json_stream(ctx, &req, remote_pass_progress, ctx, err);
	free(auth);
	strbuf_free(&p);
	if (rc == 0)
		*result = json_object();
	return rc;
}

/* container.copy_from: the archive of a path, and its stat. */
static int cmd_copy_from(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};
	json_t *stat = NULL;
	int rc;

	remote_path(&p, "/containers/", remote_arg(args, "id") ?: "", "/archive");
	remote_query(&p, "path", remote_arg(args, "path"));
	if (json_is_true(json_object_get(args, "stat_only"))) {
		struct remote_request req = {.method = "HEAD", .path = p.s, .body_fd = -1};
		struct remote_response *resp;
		rc = remote_send(remote_of(ctx), &req, &resp, err);
		if (rc == 0) {
			stat = stat_from_header(remote_response_header(resp, "X-Docker-Container-Path-Stat"));
			remote_response_free(resp);
		}
	} else {
		rc = remote_to_fd_stat(ctx, p.s, args, &stat, err);
	}
	strbuf_free(&p);
	if (rc == 0)
		*result = json_pack("{s:o}", "stat", stat ? stat : json_object());
	else
		json_decref(stat);
	return rc;
}

/* The stat of a path in a container (HEAD of the archive route): 1 with
 * *stat when it is there, 0 when not, -1 with err. */
static int path_stat(struct cmd_ctx *ctx, const char *id, const char *path, json_t **stat,
		     berr *err)
{
	struct strbuf p = {0};
	struct remote_request req = {.method = "HEAD", .body_fd = -1};
	struct remote_response *resp;
	berr why = {0};

	remote_path(&p, "/containers/", id, "/archive");
	remote_query(&p, "path", path);
	req.path = p.s;
	int rc = remote_send(remote_of(ctx), &req, &resp, &why);
	strbuf_free(&p);
	if (rc < 0 && why.kind == BERR_NOT_FOUND) {
		/* a HEAD's 404 has no words: the container, or only the path? */
		json_t *c = NULL;
		strbuf_free(&p);
		remote_path(&p, "/containers/", id, "/json");
		rc = remote_answer(ctx, "GET", p.s, NULL, &c, err);
		strbuf_free(&p);
		json_decref(c);
		return rc < 0 ? -1 : 0;
	}
	if (rc < 0) {
		*err = why;
		return -1;
	}
	*stat = stat_from_header(remote_response_header(resp, "X-Docker-Container-Path-Stat"));
	remote_response_free(resp);
	return 1;
}

/* PUT of an archive (args' fd, or the given one) into a directory. */
static int put_archive(struct cmd_ctx *ctx, const char *id, const char *dir, int fd, berr *err)
{
	struct strbuf p = {0};
	json_t *args = json_pack("{s:i}", "fd", fd);

	remote_path(&p, "/containers/", id, "/archive");
	remote_query(&p, "path", dir);
	int rc = remote_from_fd_method(ctx, "PUT", p.s, args, NULL, err);
	json_decref(args);
	strbuf_free(&p);
	return rc;
}

/* container.copy_to as the docker CLI does it with a daemon, which only
 * unpacks archives into directories: the destination's stat first; a
 * directory takes the archive as it is, any other path names the copy
 * anew in its parent (the archive's top entry renamed here). A bare
 * stream (cp -) must go into an existing directory. */
static int cmd_copy_to(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *id = remote_arg(args, "id") ?: "", *path = remote_arg(args, "path") ?: "";
	const char *name = remote_arg(args, "name");
	int in_fd = (int)json_integer_value(json_object_get(args, "fd"));
	json_t *stat = NULL;
	int rc = -1;

	int found = path_stat(ctx, id, path, &stat, err);
	if (found < 0)
		return -1;
	bool dir = json_is_true(json_object_get(stat, "dir"));
	json_decref(stat);
	size_t len = strlen(path);
	if (found && dir) {
		rc = put_archive(ctx, id, path, in_fd, err);
	} else if (!name) {
		rc = berr_set(err, BERR_INVALID, "destination \"%s:%s\" must be a directory", id, path);
	} else if (found && json_is_true(json_object_get(args, "is_dir"))) {
		rc = berr_set(err, BERR_INVALID, "cannot copy a directory to a file: %s", path);
	} else if (len && path[len - 1] == '/') {
		rc = berr_set(err, BERR_NOT_FOUND, "Could not find the file %s in container %s", path,
			      id);
	} else {
		/* into the parent, under the destination's own name */
		const char *slash = strrchr(path, '/');
		char parent[PATH_MAX];
		snprintf(parent, sizeof(parent), "%.*s",
			 slash ? (int)(slash == path ? 1 : slash - path) : 1, slash ? path : ".");
		json_t *parent_stat = NULL;
		int parent_found = path_stat(ctx, id, parent, &parent_stat, err);
		json_decref(parent_stat);
		if (parent_found <= 0)
			return parent_found < 0 ? -1
						: berr_set(err, BERR_NOT_FOUND,
							   "Could not find the file %s in container %s",
							   parent, id);
		int tmp = memfd_create("berth-cp", MFD_CLOEXEC);
		if (tmp < 0)
			return berr_errno(err, errno, "an archive to send");
		rc = tar_rename_top(in_fd, tmp, name, slash ? slash + 1 : path, err);
		if (rc == 0 && lseek(tmp, 0, SEEK_SET) < 0)
			rc = berr_errno(err, errno, "an archive to send");
		if (rc == 0)
			rc = put_archive(ctx, id, parent, tmp, err);
		close(tmp);
	}
	if (rc == 0)
		*result = json_object();
	return rc;
}

const struct engine_command remote_transfer_commands[] = {
	{"container.copy_from", cmd_copy_from}, {"container.copy_to", cmd_copy_to},
	{"container.export", cmd_export}, {"image.save", cmd_save},	{"image.load", cmd_load},
	{"image.import", cmd_import},	  {"container.commit", cmd_commit}, {"image.push", cmd_push},
	{NULL, NULL},
};
