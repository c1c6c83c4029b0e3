/* The build subsystem's commands. */
#include "engine/build/build.h"
#include "engine/build/internal.h"

static int cmd_build(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	if (!json_is_object(args))
		return berr_set(err, BERR_INVALID, "arguments must be an object");
	return build_execute(ctx, args, result, err);
}

static const struct engine_command build_commands[] = {
	{"image.build", cmd_build},
	{NULL, NULL},
};

static const struct engine_command *const build_command_tables[] = {build_commands, NULL};

const struct engine_module build_module = {
	.name = "build",
	.commands = build_command_tables,
};
