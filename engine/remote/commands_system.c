/* system.* on a daemon: its info, version, disk usage and events. */
#include <stdio.h>

#include "engine/remote/internal.h"

static int cmd_info(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	(void)args;
	return remote_answer(ctx, "GET", "/info", NULL, result, err);
}

static int cmd_version(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	(void)args;
	return remote_answer(ctx, "GET", "/version", NULL, result, err);
}

static int cmd_df(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	(void)args;
	return remote_answer(ctx, "GET", "/system/df", NULL, result, err);
}

static int send_event(void *user, json_t *event, berr *err)
{
	(void)err;
	cmd_progress(user, json_incref(event));
	return 0;
}

/* system.events: the daemon's stream, each event as the face's progress;
 * it ends at "until", or when the face cancels. */
static int cmd_events(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};
	struct remote_request req = {.method = "GET", .body_fd = -1};
	strbuf_adds(&p, "/events");
	remote_query_nanos(&p, "since", json_object_get(args, "since"));
	remote_query_nanos(&p, "until", json_object_get(args, "until"));
	remote_query_filters(&p, args);
	req.path = p.s;
	int rc = remote_json_stream(ctx, &req, send_event, ctx, err);
	strbuf_free(&p);
	if (rc == 0)
		*result = json_object();
	return rc;
}

/* builder.prune: the daemon's build cache. */
static int cmd_builder_prune(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct strbuf p = {0};
	char keep[32];

	strbuf_adds(&p, "/build/prune");
	if (json_is_true(json_object_get(args, "all")))
		remote_query(&p, "all", "1");
	if (json_integer_value(json_object_get(args, "keep_storage")) > 0) {
		snprintf(keep, sizeof(keep), "%lld",
			 (long long)json_integer_value(json_object_get(args, "keep_storage")));
		remote_query(&p, "keep-storage", keep);
	}
	remote_query_filters(&p, args);
	int rc = remote_answer(ctx, "POST", p.s, NULL, result, err);
	strbuf_free(&p);
	return rc;
}

const struct engine_command remote_system_commands[] = {
	{"builder.prune", cmd_builder_prune},
	{"system.info", cmd_info},     {"system.version", cmd_version},
	{"system.df", cmd_df},	       {"system.events", cmd_events},
	{NULL, NULL},
};
