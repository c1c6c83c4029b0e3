/* image.* on a daemon: listing, inspecting, tagging, removing, pruning and
 * pulling images by the Engine API's routes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/remote/internal.h"

static int cmd_list(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};

	strbuf_adds(&p, "/images/json");
	if (json_is_true(json_object_get(args, "all")))
		remote_query(&p, "all", "1");
	remote_query_filters(&p, args);
	int rc = remote_answer(ctx, "GET", p.s, NULL, result, err);
	strbuf_free(&p);
	return rc;
}

/* GET /images/<name><after>. */
static int image_get(struct cmd_ctx *ctx, json_t *args, const char *after, json_t **result,
		     berr *err)
{
	struct strbuf p = {0};
	const char *name = remote_arg(args, "name");

	if (!name)
		return berr_set(err, BERR_INVALID, "no image given");
	remote_path(&p, "/images/", name, after);
	int rc = remote_answer(ctx, "GET", p.s, NULL, result, err);
	strbuf_free(&p);
	return rc;
}

static int cmd_inspect(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return image_get(ctx, args, "/json", result, err);
}

static int cmd_history(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return image_get(ctx, args, "/history", result, err);
}

/* "repo:tag" split where the daemon's tag route wants it: the tag is
 * after the last ':' that follows the last '/'. */
static void split_reference(const char *ref, struct strbuf *repo, struct strbuf *tag)
{
	const char *slash = strrchr(ref, '/');
	const char *colon = strrchr(slash ? slash : ref, ':');
	const char *at = strchr(ref, '@');

	if (at) {
		strbuf_adds(repo, ref);
		return;
	}
	strbuf_addn(repo, ref, colon ? (size_t)(colon - ref) : strlen(ref));
	if (colon)
		strbuf_adds(tag, colon + 1);
}

static int cmd_tag(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0}, repo = {0}, tag = {0};
	const char *source = remote_arg(args, "source"), *target = remote_arg(args, "target");

	if (!source || !target)
		return berr_set(err, BERR_INVALID, "tag needs a source and a target");
	split_reference(target, &repo, &tag);
	remote_path(&p, "/images/", source, "/tag");
	remote_query(&p, "repo", repo.s ? repo.s : "");
	if (tag.len)
		remote_query(&p, "tag", tag.s);
	int rc = remote_answer(ctx, "POST", p.s, NULL, result, err);
	strbuf_free(&p);
	strbuf_free(&repo);
	strbuf_free(&tag);
	return rc;
}

static int cmd_remove(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};
	const char *name = remote_arg(args, "name");

	if (!name)
		return berr_set(err, BERR_INVALID, "no image given");
	remote_path(&p, "/images/", name, "");
	if (json_is_true(json_object_get(args, "force")))
		remote_query(&p, "force", "1");
	if (json_is_true(json_object_get(args, "noprune")))
		remote_query(&p, "noprune", "1");
	int rc = remote_answer(ctx, "DELETE", p.s, NULL, result, err);
	strbuf_free(&p);
	return rc;
}

static int cmd_prune(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};

	strbuf_adds(&p, "/images/prune");
	remote_query_filters(&p, args);
	int rc = remote_answer(ctx, "POST", p.s, NULL, result, err);
	strbuf_free(&p);
	return rc;
}

/* image.pull: the daemon pulls; its progress is the face's. */
static int cmd_pull(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0}, repo = {0}, tag = {0};
	const char *reference = remote_arg(args, "reference"), *platform = remote_arg(args, "platform");
	struct remote_request req = {.method = "POST", .body_fd = -1};

	if (!reference)
		return berr_set(err, BERR_INVALID, "no image given");
	split_reference(reference, &repo, &tag);
	strbuf_adds(&p, "/images/create");
	remote_query(&p, "fromImage", repo.s ? repo.s : "");
	if (tag.len && !json_is_true(json_object_get(args, "all_tags")))
		remote_query(&p, "tag", tag.s);
	else if (!tag.len && !json_is_true(json_object_get(args, "all_tags")))
		remote_query(&p, "tag", "latest");
	if (platform && *platform)
		remote_query(&p, "platform", platform);
	req.path = p.s;
	char *auth = remote_registry_auth(args, reference);
	req.registry_auth = auth;
	int rc = remote_json_stream(ctx, &req, remote_pass_progress, ctx, err);
	free(auth);
	if (rc == 0)
		*result = json_object();
	strbuf_free(&p);
	strbuf_free(&repo);
	strbuf_free(&tag);
	return rc;
}

const struct engine_command remote_image_commands[] = {
	{"image.list", cmd_list},   {"image.inspect", cmd_inspect}, {"image.history", cmd_history},
	{"image.tag", cmd_tag},	    {"image.remove", cmd_remove},   {"image.prune", cmd_prune},
	{"image.pull", cmd_pull},   {NULL, NULL},
};
