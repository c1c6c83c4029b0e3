/* Private declarations of engine/build: a build's state, the steps and the
 * cache. Other folders see only build.h. */
#ifndef BERTH_BUILD_INTERNAL_H
#define BERTH_BUILD_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/build/dockerfile.h"
#include "engine/core/dockerignore.h"
#include "engine/core/engine.h"
#include "engine/core/error.h"
#include "engine/image/image.h"

struct store;

/* One stage: the instructions from its FROM to the next. */
struct build_stage {
	char *name;           /* the AS name (lower case), or NULL */
	char *label;          /* how the output names it: its name, "stage-N" among several, or NULL */
	size_t first, end;    /* instruction indexes: [first, end), first is the FROM */
	char *base;           /* the FROM image, expanded */
	int base_stage;       /* the stage it is FROM, or -1 */
	bool needed;
	bool built;
	int steps;            /* FROM and the steps that change files: the [i/n] of the output */
	int *deps;            /* the stages it needs built first (its base, COPY --from) */
	size_t ndeps;
	bool done;            /* built, or given up (b->failed) */
	char image_id[IMAGE_DIGEST_SIZE]; /* once built */
};

/* The state a stage's instructions change. */
struct stage_state {
	char image_id[IMAGE_DIGEST_SIZE]; /* the image so far ("" for scratch) */
	json_t *config;                   /* its "config" object (Env, Cmd, ...) */
	json_t *args;                     /* ARGs in scope: name -> value (null: declared, unset) */
	bool cmd_set;                     /* CMD given in this stage (ENTRYPOINT keeps it) */
	int step;                         /* the [i/n] counter */
	bool cache_broken;                /* a step before missed: the next ones miss with it */
	bool no_cache;                    /* --no-cache-filter names this stage */
	json_t *used;                     /* names the current instruction expanded */
	bool last_hit;                    /* the last step came from the cache */
	char *miss_reason;                /* why a step with no vertex of its own missed (ENV...),
					     told on the next vertex */
};

struct build {
	struct cmd_ctx *ctx;
	pthread_mutex_t lock;  /* the stages' state, between their threads */
	pthread_cond_t changed; /* a stage was built or failed */
	bool failed;           /* a stage failed: the others stop at their next step */
	berr first_err;        /* the first stage's error that stopped the build */
	struct engine *engine;
	struct image_env env;
	/* what the user asked */
	json_t *build_args;   /* name -> value or null (take it from the environment) */
	const char *target;
	bool no_cache;
	bool pull;
	const char *network;  /* RUN's network mode, NULL: the default bridge */
	json_t *add_hosts;
	json_t *labels;
	json_t *secrets;      /* --secret: id -> {"src": path} or {"value": text} */
	json_t *ssh;          /* --ssh: id -> agent socket path */
	json_t *outputs;      /* -o: [{"type", "dest" | "fd"}] */
	json_t *contexts;     /* --build-context: name -> {"dir"} | {"image"} */
	json_t *no_cache_filter; /* --no-cache-filter: stage names */
	json_t *cache_from;   /* [{"id", "history", "diff_ids"}] of --cache-from's images */
	json_t *cache_to;     /* --cache-to type=local: {"dest", "max"}, or NULL */
	/* the inputs */
	char *dockerfile_name; /* as messages name it: "Dockerfile" */
	char *origin;          /* "<context>:<Dockerfile path>": cache entries say where they came from */
	struct dockerfile df;
	int context_fd;        /* the context's root, a directory */
	struct dockerignore ignore;
	json_t *meta_args;     /* ARGs before the first FROM: name -> value or null */
	struct build_stage *stages;
	size_t nstages;
	/* progress */
	bool legacy;           /* the classic builder's stream ({"stream": "Step 1/3 : ..."}) */
	int vertex;            /* the last #n given (atomic: stages run in parallel) */
	int64_t started;       /* monotonic ns */
};

/* The calling thread's store connection (each stage runs on a thread of
 * its own); NULL with err when it cannot open. */
struct store *build_store(struct build *b, berr *err);
/* Should the build stop now (cancelled, or another stage failed)? */
bool build_should_stop(struct build *b);

/* --- progress (progress.c) ------------------------------------------------ */

/* A line of the classic builder's stream (the Engine API's /build without
 * BuildKit, and the CLI with DOCKER_BUILDKIT=0); nothing unless b->legacy,
 * which also stops the vertices. */
void build_legacy(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Starts a vertex: "#n name"; returns n. */
int build_vertex_start(struct build *b, const char *name);
/* A log line of the vertex (stream 1 or 2), timed from its start. */
void build_vertex_log(struct build *b, int vertex, int stream, const char *text, size_t len);
/* A status line of the vertex ("transferring context: 2B done"). */
void build_vertex_status(struct build *b, int vertex, const char *text);
void build_vertex_cached(struct build *b, int vertex);
void build_vertex_done(struct build *b, int vertex, int64_t started_ns);
void build_vertex_error(struct build *b, int vertex, int64_t started_ns, const char *message);
int64_t build_now(void);

/* --- the cache (cache.c) --------------------------------------------------- */

struct cache_key {
	const char *parent;      /* image id, "" for scratch */
	const char *instruction; /* as keyed: expanded, flags included */
	const char *args;        /* the build args it uses, "k=v\n" sorted; "" for none */
	const char *files;       /* checksum of the files it copies; "" for none */
	/* not keyed: where the step comes from, to say why it missed */
	const char *origin;      /* "<context>:<Dockerfile>" (b->origin), or NULL */
	int line;
	/* for --cache-from: the step's history entry and whether it has a layer */
	const char *created_by;
	bool layered;
};

/* The comment of a build step's history entry (BuildKit's). */
#define BUILD_HISTORY_COMMENT "buildkit.dockerfile.v0"

/* --cache-from (cache_from.c): the images given, read (pulled when
 * missing; one that cannot be had is skipped with a warning, as Docker
 * skips it) into b->cache_from; and a step found in their histories: the
 * same history before it, the same entry for it, the same layers below
 * it. The step's image is then made from the parent and that layer (no
 * work done) and recorded in the cache. */
int build_cache_from_load(struct build *b, json_t *refs, int vertex, berr *err);
/* --cache-to type=local,dest=dir: the images (ids) saved into
 * dir/BUILD_LOCAL_CACHE_FILE (Docker's archive; replaced whole), which a
 * --cache-from type=local,src=dir loads (refs {"local": dir}). */
#define BUILD_LOCAL_CACHE_FILE "berth-build-cache.tar"
int build_cache_to_local(struct build *b, const char *dir, json_t *ids, berr *err);
int build_cache_from_find(struct build *b, struct stage_state *s, const struct cache_key *key,
			  bool *hit, berr *err);

/* The image a step made before, or *found false. Refreshes its last use. */
int cache_lookup(struct store *st, const struct cache_key *key, char image_id[IMAGE_DIGEST_SIZE],
		 bool *found, berr *err);
/* size: the step's own bytes (its layer's). */
int cache_record(struct store *st, const struct cache_key *key, const char *image_id,
		 int64_t size, berr *err);
/* The bytes of every cached step's own layer. */
int cache_total_size(struct store *st, int64_t *total, berr *err);
/* Why a step found nothing: the closest earlier build of the same parent
 * and instruction kind, in words ("the files it copies changed"); NULL
 * when that parent was never built on (then the step before it missed). */
char *cache_miss_reason(struct store *st, const struct cache_key *key, berr *err);

/* Every entry, most recently used first: [{"key", "image", "last_used",
 * "created", "instruction"}]. */
int cache_entries(struct store *st, json_t **out, berr *err);
int cache_forget(struct store *st, const char *key, berr *err);
/* Does an entry still name the image? */
int cache_image_cached(struct store *st, const char *image_id, bool *cached, berr *err);

/* --- steps ------------------------------------------------------------------ */

/* The instruction at index i applied to the stage's state: metadata
 * instructions (instructions.c), RUN (run_step.c), COPY and ADD
 * (copy_step.c). Each records its image in the cache. */
int build_metadata_step(struct build *b, struct build_stage *stage, struct stage_state *s,
			const struct df_instruction *in, berr *err);
int build_run_step(struct build *b, struct build_stage *stage, struct stage_state *s,
		   const struct df_instruction *in, berr *err);
int build_copy_step(struct build *b, struct build_stage *stage, struct stage_state *s,
		    const struct df_instruction *in, berr *err);

/* RUN --mount (run_mounts.c): the step container's HostConfig.Mounts,
 * environment the mounts add (secrets as variables, SSH_AUTH_SOCK), the
 * cache mounts held with sharing=locked, the secrets' private directory,
 * and what the mounts add to the step's cache key (never a secret). */
struct run_mounts {
	json_t *mounts;
	json_t *env;
	int *lock_fds;
	size_t nlocks;
	struct image_staging secrets; /* path "" until a secret is written */
	char *key;
	json_t *stubs; /* mount points the image lacks: [first missing, target] */
};
int build_run_mounts(struct build *b, struct stage_state *s, const struct df_instruction *in,
		     struct run_mounts *out, berr *err);
void build_run_mounts_free(struct run_mounts *m);
/* The mount points the runtime will make in the step container (before it
 * starts), and their removal from its upper directory (after it ran), so
 * that no stub of a mount lands in the layer. */
int build_mount_stubs_find(struct build *b, const char *container_id, struct run_mounts *m,
			   berr *err);
void build_mount_stubs_remove(struct build *b, const char *container_id, struct run_mounts *m);

/* Does the instruction change files (and so count as a step "[i/n]")? */
bool build_changes_files(const struct df_instruction *in);

/* Looks the step up (unless --no-cache): on a hit the state moves to the
 * image found; on a miss the first one of a stage says why on the vertex
 * (when vertex > 0) and the steps after it miss too. */
int build_cache_find(struct build *b, struct stage_state *s, const struct cache_key *key,
		     int vertex, bool *hit, berr *err);

/* A step's result: its image made from the state with the layer on
 * layer_fd, recorded in the cache; s->image_id moves to it. With no layer
 * (-1: a step that changes only the config) the cache is asked first. */
int build_commit_step(struct build *b, struct stage_state *s, const struct cache_key *key,
		      int layer_fd, const char *created_by, berr *err);

/* Expansion of an instruction's words with the stage's variables (ENV over
 * ARG). */
struct shell_env;
void build_shell_env(struct build *b, struct stage_state *s, struct shell_env *env, json_t **owned);

/* The build args in scope with values, "k=v\n" sorted (RUN's cache key and
 * history); proxy and platform args are left out of the text when keyed. */
char *build_args_text(struct stage_state *s, bool for_key);
/* The build args the current instruction expanded (s->used) that the
 * config's Env does not shadow, "k=v\n" sorted: with the instruction as
 * written, they key its cache entry. */
char *build_used_args_text(struct stage_state *s);

/* The same as "K=V" strings for a RUN's environment. */
json_t *build_args_env(struct stage_state *s);

/* A container made for a step from an image (Cmd never run unless started);
 * removed with build_container_remove. */
int build_container_create(struct build *b, const char *image_id, json_t *body, char id[65],
			   berr *err);
void build_container_remove(struct build *b, const char *id);

/* The predefined proxy args (usable in RUN without ARG, kept out of
 * history and of cache keys); NULL-terminated. */
extern const char *const build_proxy_args[];
bool build_is_proxy_arg(const char *name);
/* Is name set in an Env array ("NAME=...")? */
bool build_env_has(json_t *env, const char *name);
/* The state moves to image_id: its config read back. */
int build_state_load(struct build *b, struct stage_state *s, const char *image_id, berr *err);
/* Removes the step containers of builds whose berth process is gone. */
void build_remove_dead_containers(struct build *b);

/* ADD <url> (fetch_url.c): the file a URL names, downloaded as name into
 * the directory dir_fd (0600), checked against checksum ("sha256:<hex>",
 * or NULL); digest receives its own. */
int build_fetch_url(struct build *b, const char *url, int dir_fd, const char *name,
		    const char *checksum, char digest[IMAGE_DIGEST_SIZE], berr *err);
/* The file name a URL gives: its path's last part ("__unnamed__" for none). */
const char *build_url_file_name(const char *url, char *buf, size_t size);

/* build -o (export.c): the image's files to {"type": "tar", "dest" | "fd"}
 * or {"type": "local", "dest"}. */
int build_export(struct build *b, const char *image_id, json_t *output, berr *err);

/* Contexts (context.c): a staging directory under R/tmp for one; a tar or
 * a Dockerfile alone in the file tmp (unpacked into staging, which then is
 * b->context_fd; or *dockerfile_text); the same read from a stream. */
int build_context_staging(struct build *b, struct image_staging *sg, berr *err);
int build_context_from_file(struct build *b, int tmp, const char *staging, char **dockerfile_text,
			    size_t *text_len, berr *err);
int build_context_from_stream(struct build *b, int in_fd, struct image_staging *sg,
			      char **dockerfile_text, size_t *text_len, berr *err);
/* A remote context (remote.c): a git repository (git://, git@,
 * github.com/, an http(s) URL ending in .git; #ref:subdir) cloned with the
 * host's git, or an
 * http(s) URL of a tar or a Dockerfile. staging receives the directory to
 * remove afterwards. */
int build_context_remote(struct build *b, const char *url, struct image_staging *sg,
			 char **dockerfile_text, size_t *text_len, berr *err);

/* Prefixes err with "Dockerfile:N: ". */
int build_fail_at(struct build *b, const struct df_instruction *in, berr *err);

/* uid and gid for a --chown value, names looked up in the tree's
 * /etc/passwd and /etc/group (read by fd, inside the root). */
int build_lookup_owner(int root_fd, const char *spec, uid_t *uid, gid_t *gid, berr *err);

#endif
