/* docker import: one layer from a tar (any compression) and a fresh config
 * built from --change instructions. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/reference.h"
#include "engine/image/internal.h"
#include "engine/registry/http.h"
#include "engine/store/store.h"

/* At most this much from a URL: it is not a way to fill the disk. */
#define IMPORT_MAX_BYTES (64ull << 30)

/* The input of import and load: a borrowed "fd" or an opened "path". */
int image_arg_input_fd(json_t *args, bool *owned, berr *err)
{
	json_t *fd = json_object_get(args, "fd");
	const char *path = json_string_value(json_object_get(args, "path"));
	int f;

	*owned = false;
	if (json_is_integer(fd) && json_integer_value(fd) >= 0)
		return (int)json_integer_value(fd);
	if (!path || !*path)
		return berr_set(err, BERR_INVALID, "an input fd or path is required");
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return berr_sys(err, "open %s", path);
	*owned = true;
	return f;
}

/* The config bytes of an imported image (Docker's field set and order). */
static char *import_config(json_t *container_config, const char *diff_id, const char *message)
{
	char created[64];
	json_t *cfg, *history;
	char *text;

	image_format_time(image_now_nano(), created, sizeof(created));
	history = json_pack("{s:s}", "created", created);
	if (message && *message)
		json_object_set_new(history, "comment", json_string(message));
	cfg = json_pack("{s:s}", "architecture", image_config_arch());
	if (message && *message)
		json_object_set_new(cfg, "comment", json_string(message));
	json_object_set(cfg, "config", container_config);
	json_object_set_new(cfg, "created", json_string(created));
	json_object_set_new(cfg, "history", json_pack("[o]", history));
	json_object_set_new(cfg, "os", json_string("linux"));
	json_object_set_new(cfg, "rootfs",
			    json_pack("{s:s, s:[s]}", "type", "layers", "diff_ids", diff_id));
	text = json_dumps(cfg, JSON_COMPACT);
	json_decref(cfg);
	return text;
}

static bool import_cancelled(void *user)
{
	return user && cmd_cancelled(user);
}

/* The tar a URL serves, downloaded into the staging directory (as
 * dockerd downloads it, the daemon's network, not the client's); an fd
 * at its start, or -1. */
static int download(const struct image_env *env, struct image_staging *sg, const char *url,
		    berr *err)
{
	int fd = openat(sg->fd, "import.download", O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			0600);

	if (fd < 0)
		return berr_sys(err, "importing from %s", url);
	if (env->cmd)
		cmd_progress(env->cmd, json_pack("{s:s+}", "status", "Downloading from ", url));
	if (http_download(url, fd, IMPORT_MAX_BYTES, import_cancelled, env->cmd, NULL, err) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return berr_prefix(err, "importing from %s", url);
	}
	return fd;
}

/* image.import: docker import of one layer tar. */
int image_import(const struct image_env *env, json_t *args, json_t **result, berr *err)
{
	const char *reference = json_string_value(json_object_get(args, "reference"));
	const char *message = json_string_value(json_object_get(args, "message"));
	const char *url = json_string_value(json_object_get(args, "url"));
	char full_ref[REF_STRING_SIZE] = "", id[IMAGE_DIGEST_SIZE];
	struct image_staging sg;
	struct image_fs_txn t;
	struct layer_staged ls;
	json_t *config = image_config_empty();
	char *config_text = NULL;
	bool owned = false, created;
	int fd = -1, ret = -1, status;

	if (reference && *reference) {
		if (image_ref_normalize(reference, full_ref, sizeof(full_ref), err) < 0)
			goto out;
		if (image_ref_is_digest(full_ref)) {
			berr_set(err, BERR_INVALID, "refusing to create a tag with a digest reference");
			goto out;
		}
	}
	if (image_config_apply_changes(&config, json_object_get(args, "changes"), err) < 0)
		goto out;
	if (url && strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
		berr_set(err, BERR_INVALID, "unsupported URL %s: http and https only", url);
		goto out;
	}
	if (image_staging_open(&sg, env->root, "import", err) < 0)
		goto out;
	fd = url ? download(env, &sg, url, err) : image_arg_input_fd(args, &owned, err);
	if (fd < 0)
		goto staged;
	owned = owned || url;
	if (layer_stage(&sg, env->st, env->root, fd, "", NULL, NULL, &ls, err) < 0)
		goto staged;
	char from[2100];
	snprintf(from, sizeof(from), "Imported from %s", url ? url : "-");
	config_text = import_config(config, ls.diff_id, message && *message ? message : from);
	if (!config_text) {
		berr_set(err, BERR_SYSTEM, "import: cannot write the image config");
		goto staged;
	}
	if (image_txn_begin(env, &t, &sg, err) < 0)
		goto staged;
	status = layer_commit_staged(&t, env->st, env->root, &ls, err);
	if (status == 0)
		status = image_store_put(&t, env->st, env->root, config_text, strlen(config_text), "",
					 &created, id, err);
	if (status == 0 && full_ref[0])
		status = image_store_set_tag(env->st, full_ref, id, err);
	if (image_txn_end(env, &t, status, err) < 0)
		goto staged;
	image_emit(env, "import", id, id);
	if (full_ref[0]) {
		char familiar[REF_STRING_SIZE];

		image_ref_familiar(full_ref, familiar, sizeof(familiar));
		image_emit(env, "tag", id, familiar);
	}
	*result = json_pack("{s:s}", "id", id);
	ret = 0;
staged:
	image_staging_close(&sg);
out:
	if (owned)
		close(fd);
	free(config_text);
	json_decref(config);
	return ret;
}
