/* The image.* commands of the engine's queue: each builds the environment
 * from its context and runs the operation of the same name.
 *
 *   image.import  {"fd"|"path"|"url", "reference", "changes", "message"} -> {"id"}
 *   image.list    {"all", "filters"} -> [GET /images/json summaries]
 *   image.inspect {"name"} -> Docker's image inspect object
 *   image.tag     {"source", "target"} -> {}
 *   image.remove  {"name", "force", "noprune"} -> [{"Untagged"}, {"Deleted"}]
 *   image.prune   {"all", "filters"} -> {"ImagesDeleted", "SpaceReclaimed"}
 *   image.history {"name"} -> [{"Id", "Created", "CreatedBy", "Tags", "Size", "Comment"}]
 *   image.save    {"names", "fd"} -> {}
 *   image.load    {"fd"|"path"} -> {"loaded": [...]}, progress {"stream": "Loaded image: ..."}
 *   image.pull    {"reference", "platform", "auth", "all_tags"} -> {"Id", "Digest", "Reference",
 *                 "Status"} (a list of them with all_tags),
 *                 progress: Docker's JSON messages (pull.c)
 *   image.push    {"reference", "auth", "all_tags"} -> {"Tag", "Digest", "Size"} (a list of
 *                 them with all_tags), progress as pull's (push.c) */
#include "engine/image/image.h"
#include "engine/image/internal.h"

typedef int (*image_op)(const struct image_env *env, json_t *args, json_t **result, berr *err);

/* Runs an operation with the command's store, data root and engine. */
static int run_op(image_op op, struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct engine *engine = cmd_engine(ctx);
	struct image_env env = {
		.engine = engine,
		.cmd = ctx,
		.root = engine_root(engine),
	};

	env.st = engine_store(engine, err);
	if (!env.st)
		return -1;
	if (!json_is_object(args))
		return berr_set(err, BERR_INVALID, "arguments must be an object");
	return op(&env, args, result, err);
}

#define IMAGE_COMMAND(name)                                                                    \
	static int cmd_##name(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)  \
	{                                                                                      \
		return run_op(image_##name, ctx, args, result, err);                           \
	}

IMAGE_COMMAND(import)
IMAGE_COMMAND(list)
IMAGE_COMMAND(inspect)
IMAGE_COMMAND(tag)
IMAGE_COMMAND(remove)
IMAGE_COMMAND(prune)
IMAGE_COMMAND(history)
IMAGE_COMMAND(save)
IMAGE_COMMAND(load)
IMAGE_COMMAND(pull)
IMAGE_COMMAND(push)

static const struct engine_command image_commands[] = {
	{"image.import", cmd_import},
	{"image.list", cmd_list},
	{"image.inspect", cmd_inspect},
	{"image.tag", cmd_tag},
	{"image.remove", cmd_remove},
	{"image.prune", cmd_prune},
	{"image.history", cmd_history},
	{"image.save", cmd_save},
	{"image.load", cmd_load},
	{"image.pull", cmd_pull},
	{"image.push", cmd_push},
	{NULL, NULL},
};

/* What a crash left in R/tmp goes before anything else runs. */
static int image_startup(struct engine *engine, berr *err)
{
	return image_gc_staging(engine_root(engine), err) < 0 ? -1
								 : image_gc_downloads(engine_root(engine), IMAGE_DOWNLOAD_KEEP_SECONDS,
										    NULL, err);
}

static int image_info(struct engine *engine, json_t *info, berr *err)
{
	struct store *st = engine_store(engine, err);
	int64_t images = st ? image_store_count(st, err) : -1;

	if (images < 0)
		return -1;
	json_object_set_new(info, "Images", json_integer(images));
	return 0;
}

static int image_module_disk_usage(struct engine *engine, json_t *usage, berr *err)
{
	struct image_env env = {.engine = engine, .root = engine_root(engine)};

	env.st = engine_store(engine, err);
	return env.st ? image_disk_usage(&env, usage, err) : -1;
}

const struct engine_module image_module = {
	.name = "image",
	.commands = (const struct engine_command *const[]){image_commands, NULL},
	.startup = image_startup,
	.info = image_info,
	.disk_usage = image_module_disk_usage,
};
