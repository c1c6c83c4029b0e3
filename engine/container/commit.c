/* container.commit: the container's upper layer as a tar (written while the
 * container is paused, unless asked not to), committed as a new image. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/container/commit.h"
#include "engine/core/go_types.h"
#include "engine/container/internal.h"
#include "engine/container/pause.h"
#include "engine/core/fsutil.h"
#include "engine/core/intent.h"
#include "engine/image/image.h"

/* The container's command as one line, for the history entry. */
static char *command_line(const struct container *c)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *mem = open_memstream(&text, &len);
	json_t *v;
	bool first = true;

	json_array_foreach(json_object_get(c->config, "Entrypoint"), i, v) {
		fprintf(mem, "%s%s", first ? "" : " ", json_string_value(v) ? json_string_value(v) : "");
		first = false;
	}
	json_array_foreach(json_object_get(c->config, "Cmd"), i, v) {
		fprintf(mem, "%s%s", first ? "" : " ", json_string_value(v) ? json_string_value(v) : "");
		first = false;
	}
	fclose(mem);
	return text;
}

int container_upper_tar(struct engine *engine, const struct container *c, int *out_fd, berr *err)
{
	char bundle[PATH_MAX], upper[PATH_MAX + 8];
	int dirfd, fd;

	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	snprintf(upper, sizeof(upper), "%s/upper", bundle);
	fd = open(engine_root(engine), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return berr_sys(err, "commit: creating a temporary file");
	dirfd = open(upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0) {
		close(fd);
		return berr_sys(err, "commit: opening %s", upper);
	}
	if (image_layer_tar_write(dirfd, fd, err) < 0) {
		close(dirfd);
		close(fd);
		return berr_prefix(err, "commit");
	}
	close(dirfd);
	lseek(fd, 0, SEEK_SET);
	*out_fd = fd;
	return 0;
}

int container_commit(struct cmd_ctx *ctx, const struct container *given, json_t *args,
		     json_t **result, berr *err)
{
	struct engine *engine = cmd_engine(ctx);
	struct container c = *given;
	bool pause = !json_is_false(json_object_get(args, "pause"));
	bool paused_here = false;
	struct image_env env = {.root = engine_root(engine), .engine = engine, .cmd = ctx};
	json_t *commit_args;
	char *created_by, marker[PATH_MAX + 32];
	int fd = -1, rc;

	env.st = engine_store(engine, err);
	if (!env.st)
		return -1;
	/* a configuration given (POST /commit's body) of Docker's types */
	if (json_is_object(json_object_get(args, "config")) &&
	    go_container_config_check(json_object_get(args, "config"), "Config", err) < 0)
		return -1;
	/* The pause is recorded first: if this process dies while the
	 * container is frozen, the next berth thaws it (intent.c). */
	if (pause && strcmp(c.state, "running") == 0) {
		if (intent_begin(engine, "commit", c.id, marker, sizeof(marker), err) < 0)
			return berr_prefix(err, "commit: pausing");
		if (container_pause(engine, &c, err) < 0) {
			intent_end(marker);
			return berr_prefix(err, "commit: pausing");
		}
		paused_here = true;
	}
	rc = container_upper_tar(engine, &c, &fd, err);
	if (paused_here) {
		container_unpause(engine, &c, NULL);
		intent_end(marker);
	}
	if (rc < 0)
		return -1;
	created_by = command_line(&c);
	/* a configuration given (POST /commit's body) over the container's */
	json_t *given_config = json_object_get(args, "config");
	json_t *config = json_is_object(given_config)
				 ? image_commit_config_merge(given_config, c.config)
				 : json_incref(c.config);
	commit_args = json_pack("{s:i, s:O, s:s, s:o, s:O, s:O, s:O, s:O, s:s, s:s}", "fd", fd,
				"layers", c.layers, "parent_image", c.image_id, "config", config,
				"changes", json_object_get(args, "changes") ?: json_null(), "comment",
				json_object_get(args, "comment") ?: json_null(), "author",
				json_object_get(args, "author") ?: json_null(), "reference",
				json_object_get(args, "reference") ?: json_null(), "container_id", c.id,
				"created_by", created_by ? created_by : "");
	free(created_by);
	rc = commit_args ? image_commit(&env, commit_args, result, err)
			 : berr_set(err, BERR_SYSTEM, "commit: out of memory");
	json_decref(commit_args);
	close(fd);
	return rc;
}

static int cmd_commit(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *ref = json_string_value(json_object_get(args, "id"));
	struct container c;
	int rc;

	if (!ref)
		return berr_set(err, BERR_INVALID, "no container given");
	if (container_find(cmd_engine(ctx), ref, &c, err) < 0)
		return -1;
	rc = container_commit(ctx, &c, args, result, err);
	container_free(&c);
	return rc;
}

const struct engine_command container_commit_commands[] = {
	{"container.commit", cmd_commit},
	{NULL, NULL},
};
