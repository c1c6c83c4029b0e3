/* Private declarations shared by the files of engine/image. Not for other
 * folders: their face is image.h. */
#ifndef BERTH_IMAGE_INTERNAL_H
#define BERTH_IMAGE_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/core/error.h"
#include "engine/core/fsutil.h"
#include "engine/image/image.h"

struct store;

/* --- files (fsutil.c) ---------------------------------------------------- */

/* mkdir -p of an absolute host path. */
int image_mkdir_p(const char *path, mode_t mode, berr *err);

/* Writes all of buf to fd, retrying short writes. */
int image_write_all(int fd, const void *buf, size_t len, berr *err);

/* Reads a whole (small) file into a new buffer; *len receives its size. */
int image_read_file(const char *path, size_t max, char **out, size_t *len, berr *err);

/* Copies the rest of in_fd to out_fd. */
int image_copy_fd(int in_fd, int out_fd, berr *err);

/* Nanoseconds since the epoch, now. */
int64_t image_now_nano(void);

/* RFC 3339 with nanoseconds, trailing zeros trimmed, UTC: Docker's "created". */
void image_format_time(int64_t nanos, char *buf, size_t size);

/* Parses that format (any precision, Z or an offset); -1 when malformed. */
int image_parse_time(const char *s, int64_t *nanos);

/* An "until" filter value as Docker reads it: unix seconds (with fraction),
 * an RFC 3339 time or date, or a duration ("24h", "90m") before now. */
int image_parse_until(const char *s, int64_t *nanos, berr *err);

/* --- staging and file transactions (staging.c) --------------------------- */

/* A fresh unused name inside the staging directory (full path into buf). */
void image_staging_name(struct image_staging *sg, const char *what, char *buf, size_t size);

/* Files placed into, or moved out of, the data root during one store
 * transaction: undone on rollback, finished after commit. */
struct image_fs_txn {
	struct image_staging *sg;
	struct image_fs_change {
		char *dest;  /* path under layers/ or blobs/ */
		char *aside; /* NULL: dest was placed by us; else where it was moved */
	} *changes;
	size_t count, cap;
};

void image_fs_txn_init(struct image_fs_txn *t, struct image_staging *sg);
/* Renames staged into dest unless dest exists (then another writer won:
 * staged is dropped and *placed is false). */
int image_fs_txn_place(struct image_fs_txn *t, const char *staged, const char *dest, bool *placed,
		       berr *err);
/* Moves dest out of the data root (into staging); a missing dest is fine. */
int image_fs_txn_remove(struct image_fs_txn *t, const char *dest, berr *err);
/* After COMMIT: deletes what was moved aside, forgets what was placed. */
void image_fs_txn_commit(struct image_fs_txn *t);
/* After ROLLBACK: removes what was placed, moves back what was moved aside. */
void image_fs_txn_rollback(struct image_fs_txn *t);

/* --- layers (layer_apply.c, layer_store.c) ------------------------------- */

struct layer_limits {
	uint64_t max_bytes;   /* uncompressed tar bytes and file bytes */
	uint64_t max_entries; /* tar entries */
};

extern const struct layer_limits layer_default_limits;

struct layer_apply_result {
	char diff_id[IMAGE_DIGEST_SIZE]; /* sha256:<hex> of the uncompressed tar */
	uint64_t tar_size;               /* bytes of the uncompressed tar */
	uint64_t size;                   /* bytes of regular file data */
	uint64_t entries;
};

/* Unpacks the (possibly compressed) layer tar read from in_fd into the
 * directory root_fd, translating whiteouts to overlay form, and copies the
 * uncompressed tar to blob_fd unless it is -1. */
int layer_apply(int in_fd, int root_fd, int blob_fd, const struct layer_limits *limits,
		struct layer_apply_result *out, berr *err);

/* ChainID of parent_chain ("" for none) plus diff_id. */
void layer_chain_id(const char *parent_chain, const char *diff_id, char out[IMAGE_DIGEST_SIZE]);

/* A layer unpacked into staging, not yet in the store. */
struct layer_staged {
	char chain_id[IMAGE_DIGEST_SIZE];
	char diff_id[IMAGE_DIGEST_SIZE];
	char parent[IMAGE_DIGEST_SIZE];
	uint64_t size;
	char dir[4096];  /* staged R/tmp/.../<n>, holding diff/ */
	char blob[4096]; /* staged uncompressed tar */
	bool present;    /* already in the store: nothing staged */
};

/* Unpacks the tar on fd into staging on top of parent ("" for a base layer).
 * expected_diff_id, when not NULL, must match. */
int layer_stage(struct image_staging *sg, struct store *st, const char *root, int fd,
		const char *parent, const char *expected_diff_id, const struct layer_limits *limits,
		struct layer_staged *out, berr *err);

/* Inside a store transaction: places the staged files and records the layer
 * row (unless it exists). */
int layer_commit_staged(struct image_fs_txn *t, struct store *st, const char *root,
			const struct layer_staged *ls, berr *err);

/* Diff ids of a layer chain, base first, read from the layers table. */
int image_chain_diff_ids(struct store *st, const char *top_chain, json_t **out, berr *err);

/* The bytes of every layer stored once (Docker's LayersSize); -1 on error. */
int64_t layer_store_total_size(struct store *st, berr *err);

/* True when the layer row exists. */
int layer_exists(struct store *st, const char *chain_id, bool *exists, berr *err);
/* A layer row: its diff id, parent chain id and size; *found false when
 * there is none. diff_id and parent hold IMAGE_DIGEST_SIZE bytes. */
int layer_get(struct store *st, const char *chain_id, char *diff_id, char *parent,
	      uint64_t *size, bool *found, berr *err);

/* Inside a transaction: deletes layer rows (and moves their files aside) no
 * image or container uses any more, starting from the given chain ids and
 * going down their parents. Appends {"Deleted": chain} records to deleted
 * when not NULL and adds the freed bytes to *reclaimed. */
int layer_release_unused(struct image_fs_txn *t, struct store *st, const char *root,
			 json_t *chain_ids, json_t *deleted, uint64_t *reclaimed, berr *err);

/* Gzips the layer's uncompressed tar into out_fd: its digest and size. */
int layer_compress(const char *root, const char *diff_id, int out_fd, const volatile int *cancel,
		   char digest[IMAGE_DIGEST_SIZE], uint64_t *size, berr *err);

/* --- where layers' blobs are (layer_sources.c) ---------------------------- */

/* A layer's compressed blob, known to be in a repository of a registry. */
struct layer_source {
	char diff_id[IMAGE_DIGEST_SIZE];
	char digest[IMAGE_DIGEST_SIZE]; /* of the compressed blob */
	int64_t size;
	char media_type[128];
	char registry[256];   /* "docker.io", "localhost:5000" */
	char repository[256]; /* "library/busybox" */
};

/* Records (or refreshes) one. */
int layer_source_add(struct store *st, const struct layer_source *src, berr *err);
/* Every one known for a diff id, the given registry's first, newest first. */
int layer_sources_of(struct store *st, const char *diff_id, const char *registry,
		     struct layer_source **out, size_t *count, berr *err);

/* --- images in the store (image_store.c) --------------------------------- */

/* Inside a transaction: inserts the image row and its image_layers (layers
 * must exist) and places the config blob. *created is false when the image
 * was already there. */
int image_store_put(struct image_fs_txn *t, struct store *st, const char *root,
		    const char *config, size_t config_len, const char *parent, bool *created,
		    char id_out[IMAGE_DIGEST_SIZE], berr *err);

/* Points a normalized reference at an image (moving it if it pointed elsewhere). */
int image_store_set_tag(struct store *st, const char *full_ref, const char *image_id, berr *err);

/* Array of normalized references (tags and digests) of an image. */
int image_store_refs(struct store *st, const char *image_id, json_t **out, berr *err);

/* Chain ids of an image, base first. */
int image_store_chain_ids(struct store *st, const char *image_id, json_t **out, berr *err);

/* Number of containers using an image; running ones counted separately.
 * first_* receive the id of one such container (may be NULL). */
int image_store_containers(struct store *st, const char *image_id, int *stopped, int *running,
			   char *first_stopped, char *first_running, size_t idsize, berr *err);

/* One image row (image_store_rows). */
struct image_store_row {
	char id[IMAGE_DIGEST_SIZE];
	char parent[IMAGE_DIGEST_SIZE];
	int64_t created;
	int64_t size;
	json_t *config;
	json_t *labels; /* config.config.Labels, borrowed from config */
	bool intermediate; /* a build's step */
};
/* Every image row, oldest first. */
int image_store_rows(struct store *st, struct image_store_row **out, size_t *count, berr *err);
void image_store_rows_free(struct image_store_row *rows, size_t n);
/* Marks an image as a build's step (or not). */
int image_store_set_intermediate(struct store *st, const char *id, bool intermediate, berr *err);
/* An image's parent id ("" when none). */
int image_store_parent(struct store *st, const char *id, char parent[IMAGE_DIGEST_SIZE], berr *err);
int image_store_set_parent(struct store *st, const char *id, const char *parent, berr *err);
/* Parent, created time and size of an image row (each may be NULL). */
int image_store_meta(struct store *st, const char *id, char parent[IMAGE_DIGEST_SIZE],
		     int64_t *created, int64_t *size, berr *err);
/* When a tag was last set on the image (unix ns), -1 when never. */
int64_t image_store_last_tagged(struct store *st, const char *id);
/* Deletes one tag row. */
int image_store_untag(struct store *st, const char *reference, berr *err);
/* Every "repo:tag" of a repository as [reference, image id] pairs. */
int image_store_repo_tags(struct store *st, const char *repo, json_t **out, berr *err);

/* How many images the store holds. */
int64_t image_store_count(struct store *st, berr *err);
/* Number of images whose parent is image_id. */
/* Per image id, the bytes of its layers other images use too (Docker's
 * SharedSize); images sharing nothing are left out of sizes. */
int image_store_shared_sizes(struct store *st, json_t *sizes, berr *err);

int image_store_children(struct store *st, const char *image_id, int *count, berr *err);

/* Inside a transaction: deletes the image row, its layers rows and tags, moves
 * its config blob aside and releases its layers. */
int image_store_delete(struct image_fs_txn *t, struct store *st, const char *root,
		       const char *image_id, json_t *records, uint64_t *reclaimed, berr *err);

/* Finds the image a name means (full id, reference, id prefix); matched_ref
 * receives the stored reference when a tag matched (may be NULL). */
int image_lookup(struct store *st, const char *name, char id[IMAGE_DIGEST_SIZE],
		 char *matched_ref, size_t refsize, berr *err);

/* Loads the exact config bytes of an image. */
int image_store_config(struct store *st, const char *image_id, char **config, size_t *len,
		       berr *err);

/* --- references (refs.c) ------------------------------------------------- */

/* Normalizes a user reference for the tags table ("busybox" ->
 * "docker.io/library/busybox:latest"). */
int image_ref_normalize(const char *name, char *out, size_t size, berr *err);
/* The familiar form of a stored reference ("busybox:latest"). */
void image_ref_familiar(const char *full, char *out, size_t size);
/* True for a digest reference (repo@sha256:...). */
bool image_ref_is_digest(const char *full);
/* The fully qualified name without tag or digest. */
void image_ref_name(const char *full, char *out, size_t size);

/* --- configs (image_config.c) -------------------------------------------- */

/* Docker's container.Config with every field at its zero value. */
json_t *image_config_empty(void);
/* Applies --change lines (["ENV A=b", "CMD [\"sh\"]"]) to a container
 * config, replacing *config with the result in Docker's key order. */
int image_config_apply_changes(json_t **config, json_t *changes, berr *err);
/* "amd64", "arm64"... for this machine. */
const char *image_config_arch(void);
/* An image config's container configurations ("config", and the older
 * "container_config") of the Go types Docker decodes them into, with
 * encoding/json's words when not. */
int image_config_types_check(json_t *image_config, berr *err);

/* --- the worker threads of a pull or a push (crew.c) ---------------------- */

struct image_crew {
	pthread_mutex_t lock;  /* guards the job list and progress of the user */
	pthread_cond_t changed;
	int running;           /* workers still taking jobs */
	volatile int cancel;   /* set when the command is cancelled or a job failed */
};

void image_crew_init(struct image_crew *c);
void image_crew_destroy(struct image_crew *c);
/* With the lock held: wakes the reporter (a state changed). */
void image_crew_changed(struct image_crew *c);
/* With the lock held: a worker found no job left and ends. */
void image_crew_leave(struct image_crew *c);
/* Runs n threads of work(arg) (each takes jobs until none is left, then
 * calls image_crew_leave); on this thread calls report(arg) every 100 ms,
 * whenever something changed, and once more at the end. */
int image_crew_run(struct image_crew *c, const struct image_env *env, int n,
		   void *(*work)(void *arg), void (*report)(void *arg), void *arg, berr *err);

/* --- platforms (platform.c) --------------------------------------------- */

struct image_platform {
	char os[64];
	char architecture[64];
	char variant[64];
};

/* --platform's "os[/arch[/variant]]"; empty or NULL: this machine's. */
int image_platform_parse(const char *text, struct image_platform *out, berr *err);
/* "linux/amd64", "linux/arm/v7". */
void image_platform_format(const struct image_platform *p, char *buf, size_t size);
/* Whether a descriptor's "platform" object is the one wanted. */
bool image_platform_matches(const struct image_platform *want, json_t *platform);
/* The descriptor of a list's or index's "manifests" for the platform
 * (borrowed), NULL when none is. */
json_t *image_platform_pick(const struct image_platform *want, json_t *manifests);

/* --- removal (image_remove.c) ------------------------------------------- */

/* docker rmi of one name in one transaction: appends Docker's records and
 * adds the bytes of deleted layers to *reclaimed (may be NULL). */
int image_remove_one(const struct image_env *env, const char *name, bool force, bool prune,
		     json_t *records, uint64_t *reclaimed, berr *err);

/* --- helpers shared by the commands -------------------------------------- */

/* Emits an image event when env has an engine. */
void image_emit(const struct image_env *env, const char *action, const char *id,
		const char *name);
/* Sends {"stream": text} progress when env has a command. */
void image_progress(const struct image_env *env, const char *text);

/* The short id (12 hex digits, no "sha256:"). */
void image_short_id(const char *id, char out[13]);

/* BEGIN a store transaction with a file transaction staged in sg. */
int image_txn_begin(const struct image_env *env, struct image_fs_txn *t, struct image_staging *sg,
		    berr *err);
/* COMMIT when status is 0 (then finishes the files), else undoes both.
 * Returns 0 only when everything was committed. */
int image_txn_end(const struct image_env *env, struct image_fs_txn *t, int status, berr *err);

/* An "fd" argument (borrowed) or a "path" argument opened read-only;
 * *owned tells whether the caller must close the result. */
int image_arg_input_fd(json_t *args, bool *owned, berr *err);

#endif
