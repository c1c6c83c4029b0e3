/* The build subsystem: its commands, and its part of system.df. */
#include <string.h>
#include <time.h>

#include "engine/build/build.h"
#include "engine/build/internal.h"
#include "engine/core/units.h"

static int cmd_build(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	if (!json_is_object(args))
		return berr_set(err, BERR_INVALID, "arguments must be an object");
	if (build_execute(ctx, args, result, err) < 0)
		return -1;
	berr gc_err = {0};
	build_gc(cmd_engine(ctx), &gc_err); /* the cache's size limit; a failure is no build's */
	return 0;
}

static int64_t now_nanos(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmd_prune(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	json_t *keep = json_object_get(args, "keep_storage");
	json_t *until = json_object_get(json_object_get(args, "filters"), "until");
	int64_t until_ns = 0;
	const char *text = json_is_array(until) ? json_string_value(json_array_get(until, 0))
						: json_string_value(until);

	if (text && units_parse_timestamp(text, now_nanos(), &until_ns, err) < 0)
		return -1;
	return build_prune(cmd_engine(ctx), json_is_true(json_object_get(args, "all")),
			   json_is_integer(keep) && json_integer_value(keep) > 0 ? json_integer_value(keep) : -1,
			   until_ns, !until_ns, result, err);
}

/* system.df's BuildCache: one record per cached step (its own bytes), and
 * BuilderSize. */
static int disk_usage(struct engine *engine, json_t *usage, berr *err)
{
	struct store *st = engine_store(engine, err);
	json_t *entries = NULL, *records = json_array(), *by_id = json_object(), *img, *e;
	json_int_t total = 0;
	size_t i;

	if (!st || cache_entries(st, &entries, err) < 0) {
		json_decref(records);
		json_decref(by_id);
		return -1;
	}
	json_array_foreach(json_object_get(usage, "Images"), i, img)
		json_object_set(by_id, json_string_value(json_object_get(img, "Id")) ?: "", img);
	json_array_foreach(entries, i, e) {
		const char *id = json_string_value(json_object_get(e, "image"));
		json_t *im = json_object_get(by_id, id);
		json_t *parent = json_object_get(by_id, json_string_value(json_object_get(im, "ParentId")) ?: "");
		json_int_t size = json_integer_value(json_object_get(im, "Size")) -
				  (parent ? json_integer_value(json_object_get(parent, "Size")) : 0);
		char created[64], used[64];

		if (size < 0)
			size = 0;
		units_rfc3339nano((int64_t)json_integer_value(json_object_get(e, "created")), created,
				     sizeof(created));
		units_rfc3339nano((int64_t)json_integer_value(json_object_get(e, "last_used")), used,
				     sizeof(used));
		total += size;
		json_array_append_new(records,
				      json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:I, s:s, s:s, s:i}", "ID",
						json_string_value(json_object_get(e, "key")), "Parent", "",
						"Type", "regular", "Description",
						json_string_value(json_object_get(e, "instruction")), "InUse", 0,
						"Shared", 0, "Size", size, "CreatedAt", created, "LastUsedAt",
						used, "UsageCount", 1));
	}
	json_object_set_new(usage, "BuildCache", records);
	json_object_set_new(usage, "BuilderSize", json_integer(total));
	json_decref(entries);
	json_decref(by_id);
	return 0;
}

static const struct engine_command build_commands[] = {
	{"image.build", cmd_build},
	{"builder.prune", cmd_prune},
	{NULL, NULL},
};

static const struct engine_command *const build_command_tables[] = {build_commands, NULL};

const struct engine_module build_module = {
	.name = "build",
	.commands = build_command_tables,
	.disk_usage = disk_usage,
};
