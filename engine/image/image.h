/* Images: content-addressed configs over layers stacked by chain id.
 *
 * On disk, under the data root R:
 *   R/blobs/sha256/<hex>       configs (exact bytes) and uncompressed layer tars
 *   R/layers/<chain-hex>/diff  the unpacked layer, an overlay lowerdir
 *   R/tmp/                     staging, garbage at the next start
 * In the store: tables images, layers, image_layers and tags. */
#ifndef BERTH_IMAGE_IMAGE_H
#define BERTH_IMAGE_IMAGE_H

#include <jansson.h>
#include <stddef.h>

#include "engine/core/engine.h"
#include "engine/core/error.h"

struct store;

/* "sha256:" + 64 hex digits + NUL. */
#define IMAGE_DIGEST_SIZE 72

/* What the image operations run with. engine and cmd may be NULL (no events,
 * no progress), as in tests and internal callers. */
struct image_env {
	struct store *st;
	const char *root;
	struct engine *engine;
	struct cmd_ctx *cmd;
};

/* An image as another subsystem needs it. */
struct image_info {
	char id[IMAGE_DIGEST_SIZE]; /* sha256:<hex> */
	json_t *config;             /* the parsed image config */
	json_t *chain_ids;          /* array of "sha256:<hex>", base layer first */
	char *reference;            /* familiar reference ("busybox:latest"), or NULL */
};

/* Finds an image by full id, "sha256:" id, unique id prefix or reference.
 * BERR_NOT_FOUND "No such image: x"; an ambiguous prefix is BERR_INVALID. */
int image_resolve(struct store *st, const char *name, struct image_info *out, berr *err);
void image_info_free(struct image_info *info);

/* The bytes of an image's layers (its Size), or -1 when it is gone. */
int64_t image_size(struct store *st, const char *image_id);

/* R/layers/<hex>/diff for a chain id ("sha256:<hex>" or bare hex). */
char *image_layer_dir(const char *root, const char *chain_id, char *buf, size_t size);
/* <hex>/diff, relative to R/layers (how the runtime names a lowerdir). */
char *image_layer_rel(const char *chain_id, char *buf, size_t size);
/* R/blobs/sha256/<hex> for a digest. */
char *image_blob_path(const char *root, const char *digest, char *buf, size_t size);

/* A private directory under R/tmp, flock()ed while in use so that
 * image_gc_staging in another process leaves it alone (the start-up of
 * every berth command collects R/tmp). */
struct image_staging {
	char path[4096];
	int fd;
	unsigned counter;
};

int image_staging_open(struct image_staging *sg, const char *root, const char *kind, berr *err);
/* Removes the staging directory and all it still holds. */
void image_staging_close(struct image_staging *sg);

/* Removes what earlier runs left in R/tmp (skipping what a live process holds). */
int image_gc_staging(const char *root, berr *err);

/* Writes the tree under dirfd as a PAX tar to out_fd, names sorted, overlay
 * whiteouts turned back into .wh. entries. */
int image_layer_tar_write(int dirfd, int out_fd, berr *err);

/* The operations behind the image.* commands: the same arguments and
 * results as the commands (see commands.c), usable without an engine. */
int image_import(const struct image_env *env, json_t *args, json_t **result, berr *err);
int image_list(const struct image_env *env, json_t *args, json_t **result, berr *err);
/* Adds LayersSize and Images (with SharedSize) of GET /system/df to usage. */
int image_disk_usage(const struct image_env *env, json_t *usage, berr *err);
int image_inspect(const struct image_env *env, json_t *args, json_t **result, berr *err);
int image_tag(const struct image_env *env, json_t *args, json_t **result, berr *err);
int image_remove(const struct image_env *env, json_t *args, json_t **result, berr *err);
int image_prune(const struct image_env *env, json_t *args, json_t **result, berr *err);
int image_history(const struct image_env *env, json_t *args, json_t **result, berr *err);
int image_save(const struct image_env *env, json_t *args, json_t **result, berr *err);
int image_load(const struct image_env *env, json_t *args, json_t **result, berr *err);
/* image.pull (pull.c) and image.push (push.c). */
int image_pull(const struct image_env *env, json_t *args, json_t **result, berr *err);
int image_push(const struct image_env *env, json_t *args, json_t **result, berr *err);
/* Removes the downloads dead pulls left in R/downloads (kept for the next
 * pull to resume) not touched for older_than seconds, never one a live
 * pull holds; adds their bytes to *reclaimed (may be NULL). Start-up
 * gives up those a week old; image prune takes them all. */
#define IMAGE_DOWNLOAD_KEEP_SECONDS (7 * 24 * 3600)
int image_gc_downloads(const char *root, int64_t older_than, uint64_t *reclaimed, berr *err);
/* A container's changes (a tar on args.fd) as a new image; see commit.c. */
int image_commit(const struct image_env *env, json_t *args, json_t **result, berr *err);
/* The configuration a commit given one (POST /commit's body) writes, as
 * dockerd merges it: the user's, with what it leaves unset (User,
 * WorkingDir, StopSignal, Cmd and Entrypoint, the Healthcheck's parts)
 * and the container's ExposedPorts, Env (by name), Labels and Volumes it
 * lacks taken from the container's. A new object. */
json_t *image_commit_config_merge(json_t *user, json_t *container);

/* The image config's object of build notes: {"<history index>": note}. */
#define BUILD_NOTES_KEY "berth.build.notes"

/* One step of a build: the parent image ("" or NULL: none, as FROM
 * scratch) with at most one more layer (the tar on layer_fd; -1: none, and
 * the history entry says empty_layer) and the container config the step
 * left, recorded with the parent as the image's parent. No tag, no event;
 * a new one is a build's step, hidden from image.list without "all" (and
 * no dangling image) until image_mark_built. */
struct image_step {
	const char *parent_id;
	int layer_fd;
	const char *diff_id;    /* with layer_fd -1: a layer the store has on the parent's chain */
	const char *note;       /* kept in the config's BUILD_NOTES_KEY under the step's history index */
	json_t *config;         /* the image config's "config" object, as is */
	const char *created_by; /* the history entry */
	const char *comment;
};
int image_build_step(const struct image_env *env, const struct image_step *step,
		     char id_out[IMAGE_DIGEST_SIZE], berr *err);

/* The image a build gave: no longer one of its hidden steps. */
int image_mark_built(const struct image_env *env, const char *id, berr *err);
/* An image that is a build's cache (loaded for --cache-from): hidden as a
 * step is, while untagged. */
int image_mark_cache(const struct image_env *env, const char *id, berr *err);

/* The subsystem: image.import, image.list, ...; its start-up clean-up. */
extern const struct engine_module image_module;

#endif
