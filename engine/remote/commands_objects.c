/* network.* and volume.* on a daemon, by the Engine API's routes. */
#include <string.h>

#include "engine/remote/internal.h"

/* A request on a named object: <before><name><after>. */
static int on_named(struct cmd_ctx *ctx, const char *method, const char *before, json_t *args,
		    const char *key, const char *after, json_t *body, json_t **result, berr *err)
{
	struct strbuf p = {0};
	const char *name = remote_arg(args, key);

	if (!name)
		return berr_set(err, BERR_INVALID, "no name given");
	remote_path(&p, before, name, after);
	if (json_is_true(json_object_get(args, "force")) && strcmp(method, "DELETE") == 0)
		remote_query(&p, "force", "1");
	int rc = remote_answer(ctx, method, p.s, body, result, err);
	strbuf_free(&p);
	return rc;
}

/* A request whose only arguments are the filters. */
static int with_filters(struct cmd_ctx *ctx, const char *method, const char *path, json_t *args,
			json_t **result, berr *err)
{
	struct strbuf p = {0};

	strbuf_adds(&p, path);
	remote_query_filters(&p, args);
	int rc = remote_answer(ctx, method, p.s, NULL, result, err);
	strbuf_free(&p);
	return rc;
}

static int network_list(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return with_filters(ctx, "GET", "/networks", args, result, err);
}

static int network_inspect(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return on_named(ctx, "GET", "/networks/", args, "name", "", NULL, result, err);
}

static int network_create(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return remote_answer(ctx, "POST", "/networks/create", args, result, err);
}

static int network_remove(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return on_named(ctx, "DELETE", "/networks/", args, "name", "", NULL, result, err);
}

static int network_prune(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return with_filters(ctx, "POST", "/networks/prune", args, result, err);
}

/* connect and disconnect: Docker's body, the network in the path. */
static int membership(struct cmd_ctx *ctx, json_t *args, const char *verb, json_t **result,
		      berr *err)
{
	json_t *body = json_deep_copy(args);

	json_object_del(body, "network");
	int rc = on_named(ctx, "POST", "/networks/", args, "network", verb, body, result, err);
	json_decref(body);
	return rc;
}

static int network_connect(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return membership(ctx, args, "/connect", result, err);
}

static int network_disconnect(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return membership(ctx, args, "/disconnect", result, err);
}

static int volume_list(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return with_filters(ctx, "GET", "/volumes", args, result, err);
}

static int volume_inspect(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return on_named(ctx, "GET", "/volumes/", args, "name", "", NULL, result, err);
}

static int volume_create(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return remote_answer(ctx, "POST", "/volumes/create", args, result, err);
}

static int volume_remove(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return on_named(ctx, "DELETE", "/volumes/", args, "name", "", NULL, result, err);
}

static int volume_prune(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return with_filters(ctx, "POST", "/volumes/prune", args, result, err);
}

const struct engine_command remote_object_commands[] = {
	{"network.list", network_list},
	{"network.inspect", network_inspect},
	{"network.create", network_create},
	{"network.remove", network_remove},
	{"network.prune", network_prune},
	{"network.connect", network_connect},
	{"network.disconnect", network_disconnect},
	{"volume.list", volume_list},
	{"volume.inspect", volume_inspect},
	{"volume.create", volume_create},
	{"volume.remove", volume_remove},
	{"volume.prune", volume_prune},
	{NULL, NULL},
};
