/* The volume commands of the queue, in the Engine API's shapes:
 * volume.create {Name, Driver, DriverOpts, Labels}, volume.list {filters},
 * volume.inspect {name}, volume.remove {name, force}, volume.prune {filters}. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/fsutil.h"
#include "engine/core/filters.h"
#include "engine/volume/internal.h"

static int cmd_create(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct engine *engine = cmd_engine(ctx);
	struct volume_info v;

	if (volume_create(engine, json_string_value(json_object_get(args, "Name")),
		       json_string_value(json_object_get(args, "Driver")),
		       json_object_get(args, "Labels"), json_object_get(args, "DriverOpts"), &v, NULL,
		       err) < 0)
		return -1;
	*result = volume_inspect_json(engine, &v);
	volume_info_free(&v);
	return 0;
}

static int cmd_inspect(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct engine *engine = cmd_engine(ctx);
	struct store *st = engine_store(engine, err);
	const char *name = json_string_value(json_object_get(args, "name"));
	struct volume_info v;

	if (!st)
		return -1;
	if (!name || !*name)
		return berr_set(err, BERR_INVALID, "volume name required");
	if (volume_get(st, name, &v, err) < 0)
		return -1;
	*result = volume_inspect_json(engine, &v);
	volume_info_free(&v);
	return 0;
}

static int cmd_remove(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *name = json_string_value(json_object_get(args, "name"));
	bool force = json_is_true(json_object_get(args, "force"));

	if (!name)
		return berr_set(err, BERR_INVALID, "volume name required");
	if (volume_remove(cmd_engine(ctx), name, err) < 0) {
		/* --force hides a missing volume, never one in use */
		if (!(force && err && err->kind == BERR_NOT_FOUND))
			return -1;
		berr_clear(err);
	}
	*result = json_object();
	return 0;
}

static void free_all(struct volume_info *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		volume_info_free(&list[i]);
	free(list);
}

/* Is the volume used by any container? */
static bool in_use(struct store *st, const char *name)
{
	json_t *users = volume_users(st, name, NULL);
	bool used = !users || json_array_size(users) > 0;

	json_decref(users);
	return used;
}

static int cmd_list(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	static const char *const keys[] = {"dangling", "driver", "label", "name", NULL};
	struct engine *engine = cmd_engine(ctx);
	struct store *st = engine_store(engine, err);
	json_t *filters = filters_from_api(json_object_get(args, "filters"));
	struct volume_info *list = NULL;
	size_t count = 0;
	int dangling = -1;

	if (!st || !filters || filters_validate(filters, keys, err) < 0 ||
	    filters_bool(filters, "dangling", &dangling, err) < 0 ||
	    volume_load_all(st, &list, &count, err) < 0) {
		if (!filters)
			berr_set(err, BERR_INVALID, "invalid filters");
		json_decref(filters);
		return -1;
	}
	json_t *volumes = json_array();
	for (size_t i = 0; i < count; i++) {
		struct volume_info *v = &list[i];
		if (!filters_match_regex(filters, "name", v->name) ||
		    !filters_match_exact(filters, "driver", v->driver) ||
		    !filters_match_label(filters, v->labels))
			continue;
		if (dangling >= 0 && in_use(st, v->name) == (dangling == 1))
			continue;
		json_array_append_new(volumes, volume_inspect_json(engine, v));
	}
	free_all(list, count);
	json_decref(filters);
	*result = json_pack("{s:o, s:[]}", "Volumes", volumes, "Warnings");
	return 0;
}

static int cmd_prune(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	static const char *const keys[] = {"label", "label!", "all", NULL};
	struct engine *engine = cmd_engine(ctx);
	struct store *st = engine_store(engine, err);
	json_t *filters = filters_from_api(json_object_get(args, "filters"));
	struct volume_info *list = NULL;
	size_t count = 0;
	int all = 0;
	int64_t reclaimed = 0;

	if (!st || !filters || filters_validate(filters, keys, err) < 0 ||
	    filters_bool(filters, "all", &all, err) < 0 || volume_load_all(st, &list, &count, err) < 0) {
		if (!filters)
			berr_set(err, BERR_INVALID, "invalid filters");
		json_decref(filters);
		return -1;
	}
	json_t *deleted = json_array();
	for (size_t i = 0; i < count; i++) {
		struct volume_info *v = &list[i];
		char data[PATH_MAX];
		if (!filters_match_label(filters, v->labels) || in_use(st, v->name))
			continue;
		/* without all=true only anonymous volumes go, as Docker 23 and later */
		if (all != 1 && !json_object_get(v->labels, VOLUME_ANONYMOUS_LABEL))
			continue;
		volume_data_dir(engine, v->name, data, sizeof(data));
		int fd = open(data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int64_t size = fd >= 0 ? fs_tree_bytes(fd) : 0;
		if (volume_remove(engine, v->name, NULL) == 0) {
			json_array_append_new(deleted, json_string(v->name));
			reclaimed += size;
		}
	}
	free_all(list, count);
	json_decref(filters);
	*result = json_pack("{s:o, s:I}", "VolumesDeleted", deleted, "SpaceReclaimed",
			    (json_int_t)reclaimed);
	return 0;
}

static const struct engine_command volume_commands[] = {
	{"volume.create", cmd_create}, {"volume.list", cmd_list},   {"volume.inspect", cmd_inspect},
	{"volume.remove", cmd_remove}, {"volume.prune", cmd_prune}, {NULL, NULL},
};

/* GET /system/df's Volumes: each volume with its UsageData (the bytes under
 * its data directory, and how many containers use it). */
static int volume_disk_usage(struct engine *engine, json_t *usage, berr *err)
{
	struct store *st = engine_store(engine, err);
	struct volume_info *list = NULL;
	size_t count = 0;
	json_t *volumes;

	if (!st || volume_load_all(st, &list, &count, err) < 0)
		return -1;
	volumes = json_array();
	for (size_t i = 0; i < count; i++) {
		char data[PATH_MAX];
		json_t *v = volume_inspect_json(engine, &list[i]);
		json_t *users = volume_users(st, list[i].name, NULL);
		int fd;

		volume_data_dir(engine, list[i].name, data, sizeof(data));
		fd = open(data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		json_object_set_new(v, "UsageData",
				    json_pack("{s:I, s:I}", "Size",
					      (json_int_t)(fd >= 0 ? fs_tree_bytes(fd) : -1),
					      "RefCount", (json_int_t)json_array_size(users)));
		json_decref(users);
		json_array_append_new(volumes, v);
	}
	free_all(list, count);
	json_object_set_new(usage, "Volumes", volumes);
	return 0;
}

static int volume_info(struct engine *engine, json_t *info, berr *err)
{
	(void)engine;
	(void)err;
	json_object_set_new(engine_info_member(info, "Plugins", false), "Volume", json_pack("[s]", "local"));
	return 0;
}

const struct engine_module volume_module = {
	.name = "volume",
	.commands = (const struct engine_command *const[]){volume_commands, NULL},
	.startup = volume_startup,
	.disk_usage = volume_disk_usage,
	.info = volume_info,
};
