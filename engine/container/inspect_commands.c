/* container.top and container.diff on the queue. */
#include "engine/container/inspect_ops.h"

static int cmd_top(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *ref = json_string_value(json_object_get(args, "id"));
	struct container c;
	int rc;

	if (!ref)
		return berr_set(err, BERR_INVALID, "no container given");
	if (container_find(cmd_engine(ctx), ref, &c, err) < 0)
		return -1;
	rc = container_top(cmd_engine(ctx), &c, json_object_get(args, "ps_args"), result, err);
	container_free(&c);
	return rc;
}

static int cmd_diff(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *ref = json_string_value(json_object_get(args, "id"));
	struct container c;
	int rc;

	if (!ref)
		return berr_set(err, BERR_INVALID, "no container given");
	if (container_find(cmd_engine(ctx), ref, &c, err) < 0)
		return -1;
	rc = container_diff(cmd_engine(ctx), &c, result, err);
	container_free(&c);
	return rc;
}

const struct engine_command container_inspect_commands[] = {
	{"container.top", cmd_top},
	{"container.diff", cmd_diff},
	{NULL, NULL},
};
