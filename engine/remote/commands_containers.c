/* container.* on a daemon: the life of a container, by the Engine API's
 * routes (the streams are streams.c's, stats stats.c's). */
#include <stdio.h>
#include <string.h>

#include "engine/remote/internal.h"

/* A POST on one container whose answer is empty. */
static int post_simple(struct cmd_ctx *ctx, json_t *args, const char *verb, struct strbuf *query,
		       json_t **result, berr *err)
{
	struct strbuf p = {0};
	const char *id = remote_arg(args, "id");

	if (!id)
		return berr_set(err, BERR_INVALID, "no container given");
	remote_path(&p, "/containers/", id, verb);
	if (query && query->len)
		strbuf_addn(&p, query->s, query->len);
	int rc = remote_answer(ctx, "POST", p.s, NULL, result, err);
	strbuf_free(&p);
	return rc;
}

static int cmd_list(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};
	char limit[32];

	strbuf_adds(&p, "/containers/json");
	if (json_is_true(json_object_get(args, "all")))
		remote_query(&p, "all", "1");
	if (json_is_true(json_object_get(args, "size")))
		remote_query(&p, "size", "1");
	if (json_integer_value(json_object_get(args, "limit")) > 0) {
		snprintf(limit, sizeof(limit), "%lld",
			 (long long)json_integer_value(json_object_get(args, "limit")));
		remote_query(&p, "limit", limit);
	}
	remote_query_filters(&p, args);
	int rc = remote_answer(ctx, "GET", p.s, NULL, result, err);
	strbuf_free(&p);
	return rc;
}

static int cmd_inspect(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};
	const char *id = remote_arg(args, "id");

	if (!id)
		return berr_set(err, BERR_INVALID, "no container given");
	remote_path(&p, "/containers/", id, "/json");
	if (json_is_true(json_object_get(args, "size")))
		remote_query(&p, "size", "1");
	int rc = remote_answer(ctx, "GET", p.s, NULL, result, err);
	strbuf_free(&p);
	return rc;
}

static int cmd_create(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};
	json_t *body = json_deep_copy(args);
	const char *name = remote_arg(args, "name");

	strbuf_adds(&p, "/containers/create");
	if (name && *name)
		remote_query(&p, "name", name);
	json_object_del(body, "name");
	int rc = remote_answer(ctx, "POST", p.s, body, result, err);
	json_decref(body);
	strbuf_free(&p);
	return rc;
}

static int cmd_stop_or_restart(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err,
			       const char *verb)
{
	struct strbuf q = {0};
	char t[32];

	if (json_is_integer(json_object_get(args, "timeout"))) {
		snprintf(t, sizeof(t), "%lld",
			 (long long)json_integer_value(json_object_get(args, "timeout")));
		remote_query(&q, "t", t);
	}
	int rc = post_simple(ctx, args, verb, &q, result, err);
	strbuf_free(&q);
	return rc;
}

static int cmd_stop(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return cmd_stop_or_restart(ctx, args, result, err, "/stop");
}

static int cmd_restart(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return cmd_stop_or_restart(ctx, args, result, err, "/restart");
}

static int cmd_kill(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf q = {0};
	const char *sig = remote_arg(args, "signal");

	if (sig && *sig)
		remote_query(&q, "signal", sig);
	int rc = post_simple(ctx, args, "/kill", &q, result, err);
	strbuf_free(&q);
	return rc;
}

static int cmd_pause(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return post_simple(ctx, args, "/pause", NULL, result, err);
}

static int cmd_unpause(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return post_simple(ctx, args, "/unpause", NULL, result, err);
}

static int cmd_rename(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf q = {0};

	remote_query(&q, "name", remote_arg(args, "name"));
	int rc = post_simple(ctx, args, "/rename", &q, result, err);
	strbuf_free(&q);
	return rc;
}

static int cmd_remove(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};
	const char *id = remote_arg(args, "id");

	if (!id)
		return berr_set(err, BERR_INVALID, "no container given");
	remote_path(&p, "/containers/", id, "");
	if (json_is_true(json_object_get(args, "force")))
		remote_query(&p, "force", "1");
	if (json_is_true(json_object_get(args, "volumes")))
		remote_query(&p, "v", "1");
	int rc = remote_answer(ctx, "DELETE", p.s, NULL, result, err);
	strbuf_free(&p);
	return rc;
}

static int cmd_update(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};
	const char *id = remote_arg(args, "id");
	json_t *body = json_deep_copy(args);

	json_object_del(body, "id");
	remote_path(&p, "/containers/", id ? id : "", "/update");
	int rc = remote_answer(ctx, "POST", p.s, body, result, err);
	json_decref(body);
	strbuf_free(&p);
	return rc;
}

static int cmd_top(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0}, words = {0};
	json_t *w;
	size_t i;

	remote_path(&p, "/containers/", remote_arg(args, "id") ?: "", "/top");
	json_array_foreach(json_object_get(args, "ps_args"), i, w) {
		if (words.len)
			strbuf_addc(&words, ' ');
		strbuf_adds(&words, json_string_value(w) ?: "");
	}
	if (words.len)
		remote_query(&p, "ps_args", words.s);
	int rc = remote_answer(ctx, "GET", p.s, NULL, result, err);
	strbuf_free(&p);
	strbuf_free(&words);
	return rc;
}

static int cmd_diff(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};

	remote_path(&p, "/containers/", remote_arg(args, "id") ?: "", "/changes");
	int rc = remote_answer(ctx, "GET", p.s, NULL, result, err);
	strbuf_free(&p);
	if (rc == 0 && json_is_null(*result)) {
		json_decref(*result);
		*result = json_array();
	}
	return rc;
}

static int cmd_prune(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};

	strbuf_adds(&p, "/containers/prune");
	remote_query_filters(&p, args);
	int rc = remote_answer(ctx, "POST", p.s, NULL, result, err);
	strbuf_free(&p);
	return rc;
}

/* container.wait: the answer comes when the condition is met. */
static int cmd_wait(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0}, body = {0};
	const char *condition = remote_arg(args, "condition");
	struct remote_request req = {.method = "POST", .body_fd = -1};
	struct remote_response *resp;
	char buf[4096];
	ssize_t n;

	remote_path(&p, "/containers/", remote_arg(args, "id") ?: "", "/wait");
	if (condition && *condition)
		remote_query(&p, "condition", condition);
	req.path = p.s;
	int rc = remote_send(remote_of(ctx), &req, &resp, err);
	strbuf_free(&p);
	if (rc < 0)
		return -1;
	while ((n = remote_response_read(resp, ctx, buf, sizeof(buf), err)) > 0)
		strbuf_addn(&body, buf, (size_t)n);
	remote_response_free(resp);
	if (n == 0) {
		*result = body.len ? json_loadb(body.s, body.len, 0, NULL) : NULL;
		if (!*result)
			rc = berr_set(err, BERR_SYSTEM, "the daemon's answer to a wait is not JSON");
		/* a failed wait's error rides in the answer */
		const char *msg =
			json_string_value(json_object_get(json_object_get(*result, "Error"), "Message"));
		if (rc == 0 && msg && *msg) {
			rc = berr_set(err, BERR_SYSTEM, "%s", msg);
			json_decref(*result);
			*result = NULL;
		}
	} else {
		rc = -1;
	}
	strbuf_free(&body);
	return rc;
}

const struct engine_command remote_container_commands[] = {
	{"container.list", cmd_list},	    {"container.inspect", cmd_inspect},
	{"container.create", cmd_create},   {"container.stop", cmd_stop},
	{"container.restart", cmd_restart}, {"container.kill", cmd_kill},
	{"container.pause", cmd_pause},	    {"container.unpause", cmd_unpause},
	{"container.rename", cmd_rename},   {"container.remove", cmd_remove},
	{"container.update", cmd_update},   {"container.top", cmd_top},
	{"container.diff", cmd_diff},	    {"container.prune", cmd_prune},
	{"container.wait", cmd_wait},	    {NULL, NULL},
};
