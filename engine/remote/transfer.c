/* Archives to and from a daemon: export, save, load, import, and commit
 * and push, whose results are images there. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/base64.h"
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
	struct remote_response *resp;
	struct from_fd f = {.ctx = ctx};

	if (!json_is_integer(json_object_get(args, "fd")))
		return berr_set(err, BERR_INVALID, "no descriptor to read from");
	if (remote_send(remote_of(ctx), &req, &resp, err) < 0)
		return -1;
	int rc = remote_response_json_lines(resp, ctx, keep_and_pass, &f, err);
	remote_response_free(resp);
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
	json_t *last = NULL;

	strbuf_adds(&p, "/images/create?fromSrc=-");
	if (reference && *reference)
		query_reference(&p, reference);
	if (message && *message)
		remote_query(&p, "message", message);
	query_changes(&p, args);
	int rc = remote_from_fd(ctx, p.s, args, &last, err);
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
	struct remote_response *resp;
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
	int rc = remote_send(remote_of(ctx), &req, &resp, err);
	free(auth);
	if (rc == 0) {
		rc = remote_response_json_lines(resp, ctx, remote_pass_progress, ctx, err);
		remote_response_free(resp);
	}
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

/* container.copy_to: an archive given as it is (`cp - c:/dir`) unpacks
 * into the directory; a local file or directory, which the engine names
 * at the destination by cp's rules, is not translated yet. */
static int cmd_copy_to(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};

	if (remote_arg(args, "name"))
		return remote_unsupported(ctx, args, result, err);
	remote_path(&p, "/containers/", remote_arg(args, "id") ?: "", "/archive");
	remote_query(&p, "path", remote_arg(args, "path"));
	int rc = remote_from_fd_method(ctx, "PUT", p.s, args, NULL, err);
	strbuf_free(&p);
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
