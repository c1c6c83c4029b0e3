/* A build: the Dockerfile's stages, the ones the target needs, each
 * instruction as a step whose image is found in the cache or made, and
 * the result tagged. Steps that change files run in berth containers
 * (run_step.c, copy_step.c); the rest change only the config
 * (instructions.c). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/build/build.h"
#include "engine/build/internal.h"
#include "engine/build/shell_words.h"
#include "engine/core/alloc.h"
#include "engine/core/fsutil.h"
#include "engine/core/reference.h"
#include "engine/core/strbuf.h"
#include "engine/core/tar_extract.h"

#define BUILD_MAX_INSTRUCTIONS 1000
#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* --- the Dockerfile's stages -------------------------------------------------- */

static bool valid_stage_name(const char *name)
{
	if (!islower((unsigned char)name[0]))
		return false;
	for (const char *p = name; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && !strchr("-_.", *p))
			return false;
	return true;
}

/* The meta args (ARGs before the first FROM), with the platform's own. */
static int meta_args(struct build *b, size_t upto, berr *err)
{
	static const char *const platform[][2] = {
		{"TARGETPLATFORM", "linux/amd64"}, {"TARGETOS", "linux"}, {"TARGETARCH", "amd64"},
		{"TARGETVARIANT", ""}, {"BUILDPLATFORM", "linux/amd64"}, {"BUILDOS", "linux"},
		{"BUILDARCH", "amd64"}, {"BUILDVARIANT", ""},
	};
	struct stage_state scope = {.config = json_object(), .args = json_object()};
	int rc = 0;

	b->meta_args = json_object();
	for (size_t i = 0; i < sizeof(platform) / sizeof(platform[0]); i++)
		json_object_set_new(b->meta_args, platform[i][0], json_string(platform[i][1]));
	for (size_t i = 0; i < upto && rc == 0; i++) {
		struct df_instruction *in = &b->df.ins[i];
		if (strcmp(in->keyword, "ARG") != 0) {
			rc = build_fail_at(b, in, (berr_set(err, BERR_INVALID,
				"no build stage in current context"), err));
			break;
		}
		rc = build_metadata_step(b, NULL, &scope, in, err);
		if (rc < 0)
			build_fail_at(b, in, err);
	}
	const char *name;
	json_t *v;
	json_object_foreach(scope.args, name, v)
		json_object_set(b->meta_args, name, v);
	json_decref(scope.config);
	json_decref(scope.args);
	json_decref(scope.used);
	return rc;
}

static int stage_index(const struct build *b, const char *name, size_t before)
{
	for (size_t i = 0; i < before && i < b->nstages; i++)
		if (b->stages[i].name && strcasecmp(b->stages[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int split_stages(struct build *b, berr *err)
{
	size_t first_from = b->df.n;
	struct shell_env env = {b->meta_args, b->df.escape, NULL};

	for (size_t i = 0; i < b->df.n; i++)
		if (strcmp(b->df.ins[i].keyword, "FROM") == 0) {
			first_from = i;
			break;
		}
	if (first_from == b->df.n)
		return berr_set(err, BERR_INVALID, "%s: no build stage in current context",
				b->dockerfile_name);
	if (meta_args(b, first_from, err) < 0)
		return -1;
	env.vars = b->meta_args;
	for (size_t i = first_from; i < b->df.n; i++) {
		struct df_instruction *in = &b->df.ins[i];
		char **w = NULL;
		size_t n = 0;

		if (strcmp(in->keyword, "FROM") != 0) {
			if (b->nstages && build_changes_files(in))
				b->stages[b->nstages - 1].steps++;
			continue;
		}
		if (b->nstages)
			b->stages[b->nstages - 1].end = i;
		b->stages = xrealloc(b->stages, (b->nstages + 1) * sizeof(*b->stages));
		struct build_stage *st = &b->stages[b->nstages];
		*st = (struct build_stage){.first = i, .end = b->df.n, .base_stage = -1, .steps = 1};
		b->nstages++;
		for (size_t f = 0; f < in->nflags; f++)
			if (strcmp(in->flags[f].name, "platform") != 0)
				return build_fail_at(b, in, (berr_set(err, BERR_INVALID, "unknown flag: %s",
								      in->flags[f].name), err));
		if (shell_words(&env, in->nargs ? in->args[0] : "", &w, &n, err) < 0)
			return build_fail_at(b, in, err);
		if (n != 1 && !(n == 3 && strcasecmp(w[1], "AS") == 0)) {
			shell_words_free(w, n);
			berr_set(err, BERR_INVALID, "FROM requires either one or three arguments");
			return build_fail_at(b, in, err);
		}
		if (!*w[0]) {
			shell_words_free(w, n);
			berr_set(err, BERR_INVALID, "base name (%s) should not be blank",
				 in->nargs ? in->args[0] : "");
			return build_fail_at(b, in, err);
		}
		st->base = xstrdup(w[0]);
		if (n == 3) {
			for (char *p = w[2]; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			if (!valid_stage_name(w[2])) {
				berr_set(err, BERR_INVALID,
					 "invalid name for build stage: \"%s\", name can't start with a number or contain symbols",
					 w[2]);
				shell_words_free(w, n);
				return build_fail_at(b, in, err);
			}
			if (stage_index(b, w[2], b->nstages - 1) >= 0) {
				berr_set(err, BERR_INVALID, "duplicate stage name \"%s\"", w[2]);
				shell_words_free(w, n);
				return build_fail_at(b, in, err);
			}
			st->name = xstrdup(w[2]);
		}
		st->base_stage = stage_index(b, st->base, b->nstages - 1);
		/* a --build-context of that name: an image in its place */
		json_t *named = json_object_get(b->contexts, st->base);
		if (named) {
			const char *image = json_string_value(json_object_get(named, "image"));
			if (!image) {
				berr_set(err, BERR_UNSUPPORTED,
					 "FROM %s: a directory build context cannot be a stage's base", st->base);
				return build_fail_at(b, in, err);
			}
			free(st->base);
			st->base = xstrdup(image);
			st->base_stage = -1;
		}
		shell_words_free(w, n);
		const char *platform = df_flag_value(in, "platform");
		if (platform) {
			char *p = NULL;
			if (shell_word(&env, platform, &p, err) < 0)
				return build_fail_at(b, in, err);
			bool ok = strcmp(p, "linux/amd64") == 0 || strcmp(p, "linux/x86_64") == 0;
			if (!ok)
				berr_set(err, BERR_UNSUPPORTED,
					 "platform %s: this engine builds for linux/amd64 only", p);
			free(p);
			if (!ok)
				return build_fail_at(b, in, err);
		}
	}
	return 0;
}

/* Marks the target and the stages it needs (its base, COPY --from). */
static void add_dep(struct build_stage *st, int j)
{
	for (size_t k = 0; k < st->ndeps; k++)
		if (st->deps[k] == j)
			return;
	st->deps = xrealloc(st->deps, (st->ndeps + 1) * sizeof(*st->deps));
	st->deps[st->ndeps++] = j;
}

static void mark_needed(struct build *b, size_t i)
{
	struct build_stage *st = &b->stages[i];

	if (st->needed)
		return;
	st->needed = true;
	if (st->base_stage >= 0) {
		add_dep(st, st->base_stage);
		mark_needed(b, (size_t)st->base_stage);
	}
	for (size_t k = st->first + 1; k < st->end; k++) {
		const char *from = df_flag_value(&b->df.ins[k], "from");
		char *end;
		long index;
		int j;

		if (!from || strcmp(b->df.ins[k].keyword, "COPY") != 0 ||
		    json_object_get(b->contexts, from))
			continue;
		j = stage_index(b, from, i);
		index = strtol(from, &end, 10);
		if (j < 0 && *from && !*end && index >= 0 && (size_t)index < i)
			j = (int)index;
		if (j >= 0) {
			add_dep(st, j);
			mark_needed(b, (size_t)j);
		}
	}
}

/* --- running a stage -------------------------------------------------------------- */

static int dispatch(struct build *b, struct build_stage *stage, struct stage_state *s,
		    struct df_instruction *in, berr *err)
{
	int rc;

	build_legacy(b, "Step %zu/%zu : %s\n", (size_t)(in - b->df.ins) + 1, b->df.n, in->original);
	s->last_hit = false;
	if (strcmp(in->keyword, "RUN") == 0)
		rc = build_run_step(b, stage, s, in, err);
	else if (strcmp(in->keyword, "COPY") == 0 || strcmp(in->keyword, "ADD") == 0)
		rc = build_copy_step(b, stage, s, in, err);
	else
		rc = build_metadata_step(b, stage, s, in, err);
	if (rc == 0 && strcmp(in->keyword, "ARG") != 0)
		build_legacy(b, "%s ---> %.12s\n", s->last_hit ? " ---> Using cache\n" : "",
			     s->image_id + (strncmp(s->image_id, "sha256:", 7) == 0 ? 7 : 0));
	return rc < 0 ? build_fail_at(b, in, err) : 0;
}

/* The base image: in the store, or pulled (always with --pull). */
static int base_image(struct build *b, struct build_stage *stage, char id[IMAGE_DIGEST_SIZE],
		      char *shown, size_t shown_size, bool *pulled, berr *err)
{
	struct image_ref ref;
	struct image_info info;

	*pulled = false;
	if (ref_parse_normalized(stage->base, &ref, err) < 0)
		return -1;
	ref_string(&ref, shown, shown_size);
	struct store *st = build_store(b, err);

	if (!st)
		return -1;
	if (!b->pull && image_resolve(st, stage->base, &info, NULL) == 0) {
		snprintf(id, IMAGE_DIGEST_SIZE, "%s", info.id);
		image_info_free(&info);
		return 0;
	}
	json_t *args = json_pack("{s:s}", "reference", shown);
	int rc = engine_call(b->engine, "image.pull", args, NULL, NULL, NULL, err);
	json_decref(args);
	if (rc < 0)
		return -1;
	*pulled = true;
	if (image_resolve(st, shown, &info, err) < 0)
		return -1;
	snprintf(id, IMAGE_DIGEST_SIZE, "%s", info.id);
	image_info_free(&info);
	return 0;
}


/* ONBUILD triggers of the base, run before the stage's own steps. */
static int run_triggers(struct build *b, struct build_stage *stage, struct stage_state *s,
			json_t *triggers, berr *err)
{
	size_t i;
	json_t *t;

	json_array_foreach(triggers, i, t) {
		struct dockerfile df;
		const char *text = json_string_value(t);

		if (!text || dockerfile_parse(text, strlen(text), &df, err) < 0)
			return berr_prefix(err, "ONBUILD trigger");
		for (size_t k = 0; k < df.n; k++) {
			int rc = strcmp(df.ins[k].keyword, "RUN") == 0 ? build_run_step(b, stage, s, &df.ins[k], err)
				 : (strcmp(df.ins[k].keyword, "COPY") == 0 || strcmp(df.ins[k].keyword, "ADD") == 0)
					 ? build_copy_step(b, stage, s, &df.ins[k], err)
					 : build_metadata_step(b, stage, s, &df.ins[k], err);
			if (rc < 0) {
				dockerfile_free(&df);
				return berr_prefix(err, "ONBUILD %s", text);
			}
		}
		dockerfile_free(&df);
	}
	return 0;
}

static int build_stage_run(struct build *b, size_t index, berr *err)
{
	struct build_stage *stage = &b->stages[index];
	struct df_instruction *from = &b->df.ins[stage->first];
	struct stage_state s = {.args = json_object()};
	char base_id[IMAGE_DIGEST_SIZE] = "", shown[REF_STRING_SIZE], *name;
	json_t *triggers = NULL;
	bool pulled = false;
	int64_t started = build_now();
	int vertex, rc = -1;

	json_t *nf;
	size_t k;
	json_array_foreach(b->no_cache_filter, k, nf)
		if (stage->name && json_string_value(nf) && strcasecmp(json_string_value(nf), stage->name) == 0)
			s.no_cache = true;
	/* proxy args need no ARG */
	for (size_t i = 0; build_proxy_args[i]; i++)
		if (json_is_string(json_object_get(b->build_args, build_proxy_args[i])))
			json_object_set(s.args, build_proxy_args[i], json_object_get(b->build_args, build_proxy_args[i]));
	if (stage->base_stage >= 0) {
		snprintf(base_id, sizeof(base_id), "%s", b->stages[stage->base_stage].image_id);
		snprintf(shown, sizeof(shown), "%s", b->stages[stage->base_stage].name);
	} else if (strcasecmp(stage->base, "scratch") == 0) {
		snprintf(shown, sizeof(shown), "scratch");
	}
	if (stage->base_stage < 0 && strcasecmp(stage->base, "scratch") != 0) {
		struct image_ref ref;
		if (ref_parse_normalized(stage->base, &ref, NULL) == 0)
			ref_string(&ref, shown, sizeof(shown));
		else
			snprintf(shown, sizeof(shown), "%s", stage->base);
	}
	name = xasprintf("[%s%s1/%d] FROM %s", stage->label ? stage->label : "", stage->label ? " " : "",
			 stage->steps, shown);
	vertex = build_vertex_start(b, name);
	free(name);
	if (stage->base_stage < 0 && strcasecmp(stage->base, "scratch") != 0 &&
	    base_image(b, stage, base_id, shown, sizeof(shown), &pulled, err) < 0) {
		build_vertex_error(b, vertex, started, err->msg);
		build_fail_at(b, from, err);
		goto out;
	}
	s.step = 1;
	if (base_id[0]) {
		if (build_state_load(b, &s, base_id, err) < 0)
			goto out;
	} else {
		s.config = json_object();
	}
	if (pulled)
		build_vertex_done(b, vertex, started);
	else
		build_vertex_cached(b, vertex);
	build_legacy(b, "Step %zu/%zu : %s\n%s%.12s%s", stage->first + 1, b->df.n, from->original,
		     base_id[0] ? " ---> " : "", base_id[0] ? base_id + 7 : "", base_id[0] ? "\n" : "");
	triggers = json_incref(json_object_get(s.config, "OnBuild"));
	json_object_del(s.config, "OnBuild");
	if (!build_env_has(json_object_get(s.config, "Env"), "PATH")) {
		json_t *env = json_object_get(s.config, "Env");
		if (!json_is_array(env)) {
			env = json_array();
			json_object_set_new(s.config, "Env", env);
		}
		json_array_insert_new(env, 0, json_string(DEFAULT_PATH));
	}
	if (json_array_size(triggers) && run_triggers(b, stage, &s, triggers, err) < 0)
		goto out;
	for (size_t i = stage->first + 1; i < stage->end; i++) {
		if (build_should_stop(b)) {
			berr_set(err, BERR_CONFLICT, b->failed ? "stopped: another stage failed"
							       : "build cancelled");
			goto out;
		}
		if (dispatch(b, stage, &s, &b->df.ins[i], err) < 0)
			goto out;
	}
	/* FROM scratch with no step that made an image: one of its own, with
	 * the config it has (PATH) */
	if (!s.image_id[0]) {
		struct cache_key key = {"", "FROM scratch", "", "", b->origin, 0, NULL, false};
		if (build_commit_step(b, &s, &key, -1, "FROM scratch", err) < 0)
			goto out;
	}
	pthread_mutex_lock(&b->lock);
	snprintf(stage->image_id, sizeof(stage->image_id), "%s", s.image_id);
	stage->built = true;
	pthread_mutex_unlock(&b->lock);
	rc = 0;
out:
	json_decref(triggers);
	json_decref(s.config);
	json_decref(s.args);
	json_decref(s.used);
	free(s.miss_reason);
	return rc;
}

/* --- stages in parallel: a thread each, running once what it needs is built --- */

struct stage_job {
	struct build *b;
	size_t index;
	pthread_t thread;
	bool started;
};

static void *stage_thread(void *arg)
{
	struct stage_job *job = arg;
	struct build *b = job->b;
	struct build_stage *stage = &b->stages[job->index];
	berr err = {0};
	bool ready = false;
	int rc = -1;

	pthread_mutex_lock(&b->lock);
	while (!b->failed && !ready) {
		ready = true;
		for (size_t k = 0; k < stage->ndeps; k++)
			ready &= b->stages[stage->deps[k]].built;
		if (!ready)
			pthread_cond_wait(&b->changed, &b->lock);
	}
	pthread_mutex_unlock(&b->lock);
	if (ready && !build_should_stop(b))
		rc = build_stage_run(b, job->index, &err);
	engine_store_release(b->engine);
	pthread_mutex_lock(&b->lock);
	if (rc < 0 && ready && !b->failed) {
		b->first_err = err;
		__atomic_store_n(&b->failed, true, __ATOMIC_SEQ_CST);
	}
	stage->done = true;
	pthread_cond_broadcast(&b->changed);
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

/* Builds the needed stages, each as soon as its dependencies are built,
 * independent ones at the same time; the first failure stops the others
 * at their next step. */
static int build_stages(struct build *b, size_t target, berr *err)
{
	struct stage_job *jobs = xcalloc(target + 1, sizeof(*jobs));
	size_t needed = 0, last = 0;
	int rc = 0;

	for (size_t i = 0; i <= target; i++)
		if (b->stages[i].needed) {
			needed++;
			last = i;
		}
	if (needed == 1 || b->legacy) { /* one stage, or the classic stream: on this thread, in order */
		if (needed > 1) {
			for (size_t i = 0; i <= target; i++)
				if (b->stages[i].needed && build_stage_run(b, i, err) < 0) {
					free(jobs);
					return -1;
				}
			free(jobs);
			return 0;
		}
		free(jobs);
		return build_stage_run(b, last, err);
	}
	for (size_t i = 0; i <= target; i++) {
		if (!b->stages[i].needed)
			continue;
		jobs[i] = (struct stage_job){.b = b, .index = i};
		jobs[i].started = pthread_create(&jobs[i].thread, NULL, stage_thread, &jobs[i]) == 0;
		if (!jobs[i].started) {
			pthread_mutex_lock(&b->lock);
			if (!b->failed) {
				berr_set(&b->first_err, BERR_SYSTEM, "build: cannot start a thread");
				b->failed = true;
			}
			pthread_cond_broadcast(&b->changed);
			pthread_mutex_unlock(&b->lock);
		}
	}
	for (size_t i = 0; i <= target; i++)
		if (jobs[i].started)
			pthread_join(jobs[i].thread, NULL);
	if (b->failed) {
		*err = b->first_err;
		rc = -1;
	}
	free(jobs);
	return rc;
}

/* --- inputs -------------------------------------------------------------------------- */

/* Reads a file of the context (or an absolute path) into memory. */
static int read_input(struct build *b, const char *path, char **out, size_t *len, berr *err)
{
	/* a regular file only, never opened otherwise: a fifo or a device
	 * named Dockerfile in a context neither blocks nor is opened */
	struct stat st;
	int fd;
	if (path[0] == '/') { /* -f outside the context: the user's own path */
		int path_fd = open(path, O_PATH | O_CLOEXEC);
		fd = -1;
		if (path_fd >= 0 && fstat(path_fd, &st) == 0) {
			if (S_ISREG(st.st_mode))
				fd = fs_reopen(path_fd, O_RDONLY | O_NONBLOCK);
			else
				errno = EINVAL;
		}
		if (path_fd >= 0) {
			int saved = errno;
			close(path_fd);
			errno = saved;
		}
	} else {
		fd = fs_open_regular_in_root(b->context_fd, path, &st);
	}
	struct strbuf buf = {0};
	char chunk[65536];
	ssize_t n;

	if (fd < 0 && errno == EINVAL)
		return berr_set(err, BERR_INVALID, "%s is not a regular file", path);
	if (fd < 0) {
		/* Go's words, as Docker prints them */
		char word[128];
		snprintf(word, sizeof(word), "%s", strerror(errno));
		word[0] = (char)tolower((unsigned char)word[0]);
		return berr_set(err, errno == ENOENT ? BERR_NOT_FOUND : BERR_SYSTEM, "open %s: %s", path, word);
	}

	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		strbuf_addn(&buf, chunk, (size_t)n);
		if (buf.len > 16u << 20) {
			close(fd);
			strbuf_free(&buf);
			return berr_set(err, BERR_INVALID, "%s is larger than 16 MiB", path);
		}
	}
	close(fd);
	if (n < 0) {
		strbuf_free(&buf);
		return berr_sys(err, "read %s", path);
	}
	*len = buf.len;
	*out = buf.s ? strbuf_steal(&buf) : xstrdup("");
	return 0;
}

static void free_build(struct build *b)
{
	dockerfile_free(&b->df);
	dockerignore_free(&b->ignore);
	for (size_t i = 0; i < b->nstages; i++) {
		free(b->stages[i].name);
		free(b->stages[i].label);
		free(b->stages[i].base);
		free(b->stages[i].deps);
	}
	free(b->stages);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->changed);
	json_decref(b->meta_args);
	json_decref(b->cache_from);
	free(b->dockerfile_name);
	free(b->origin);
	if (b->context_fd >= 0)
		close(b->context_fd);
}

/* The final image: --label, tags, the export vertex. */
static int finish(struct build *b, struct build_stage *target, json_t *tags, json_t **result,
		  berr *err)
{
	int64_t started = build_now();
	int vertex = build_vertex_start(b, "exporting to image");
	char id[IMAGE_DIGEST_SIZE], *line;
	size_t i;
	json_t *tag;

	snprintf(id, sizeof(id), "%s", target->image_id);
	if (json_object_size(b->labels)) {
		struct stage_state s = {.args = json_object()};
		struct strbuf shown = {0};
		const char *k;
		json_t *v;

		if (build_state_load(b, &s, id, err) < 0) {
			json_decref(s.args);
			return -1;
		}
		json_t *labels = json_object_get(s.config, "Labels");
		if (!json_is_object(labels)) {
			labels = json_object();
			json_object_set_new(s.config, "Labels", labels);
		}
		strbuf_adds(&shown, "LABEL");
		json_object_foreach(b->labels, k, v) {
			json_object_set(labels, k, v);
			strbuf_addf(&shown, " %s=%s", k, json_string_value(v));
		}
		struct cache_key key = {s.image_id, shown.s, "", "", b->origin, 0, NULL, false};
		int rc = build_commit_step(b, &s, &key, -1, shown.s, err);
		snprintf(id, sizeof(id), "%s", s.image_id);
		strbuf_free(&shown);
		json_decref(s.config);
		json_decref(s.args);
		json_decref(s.used);
		free(s.miss_reason);
		if (rc < 0)
			return -1;
	}
	struct image_env env = b->env;
	env.st = build_store(b, err);
	if (!env.st || image_mark_built(&env, id, err) < 0) {
		build_vertex_error(b, vertex, started, err->msg);
		return -1;
	}
	build_vertex_status(b, vertex, "exporting layers done");
	line = xasprintf("writing image %s done", id);
	build_vertex_status(b, vertex, line);
	free(line);
	json_array_foreach(tags, i, tag) {
		json_t *args = json_pack("{s:s, s:O}", "source", id, "target", tag);
		int rc = engine_call(b->engine, "image.tag", args, NULL, NULL, NULL, err);
		json_decref(args);
		if (rc < 0) {
			build_vertex_error(b, vertex, started, err->msg);
			return -1;
		}
		struct image_ref ref;
		char full[REF_STRING_SIZE];
		if (ref_parse_normalized(json_string_value(tag), &ref, NULL) == 0) {
			ref_string(&ref, full, sizeof(full));
			line = xasprintf("naming to %s done", full);
			build_vertex_status(b, vertex, line);
			free(line);
		}
	}
	json_t *output;
	size_t oi;
	json_array_foreach(b->outputs, oi, output) {
		const char *dest = json_string_value(json_object_get(output, "dest"));
		line = xasprintf("exporting to %s %s", json_string_value(json_object_get(output, "type")) ?: "?",
				 dest ? dest : "(stdout)");
		build_vertex_status(b, vertex, line);
		free(line);
		if (build_export(b, id, output, err) < 0) {
			build_vertex_error(b, vertex, started, err->msg);
			return -1;
		}
	}
	const char *cache_dir = json_string_value(json_object_get(b->cache_to, "dest"));
	if (cache_dir) {
		/* mode=max: every stage built; else the image alone */
		json_t *ids = json_pack("[s]", id);
		if (json_is_true(json_object_get(b->cache_to, "max")))
			for (size_t k = 0; k < b->nstages; k++)
				if (b->stages[k].built && b->stages[k].image_id[0] && &b->stages[k] != target)
					json_array_append_new(ids, json_string(b->stages[k].image_id));
		line = xasprintf("exporting cache to %s", cache_dir);
		build_vertex_status(b, vertex, line);
		free(line);
		int rc = build_cache_to_local(b, cache_dir, ids, err);
		json_decref(ids);
		if (rc < 0) {
			build_vertex_error(b, vertex, started, err->msg);
			return -1;
		}
	}
	build_vertex_done(b, vertex, started);
	/* the classic stream names the image for the docker CLI (-q,
	 * --iidfile) in an aux message, then in words */
	if (b->legacy && b->ctx)
		cmd_progress(b->ctx, json_pack("{s:{s:s}}", "aux", "ID", id));
	build_legacy(b, "Successfully built %.12s\n", id + 7);
	json_array_foreach(tags, i, tag) {
		struct image_ref ref;
		char familiar[REF_STRING_SIZE];
		if (ref_parse_normalized(json_string_value(tag), &ref, NULL) == 0)
			ref_familiar(&ref, familiar, sizeof(familiar));
		else
			snprintf(familiar, sizeof(familiar), "%s", json_string_value(tag));
		build_legacy(b, "Successfully tagged %s\n", familiar);
	}
	engine_emit(b->engine, "image", "build", id, NULL);
	*result = json_pack("{s:s}", "Id", id);
	return 0;
}

int build_execute(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct build b = {.ctx = ctx, .context_fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER,
			  .changed = PTHREAD_COND_INITIALIZER};
	const char *context = json_string_value(json_object_get(args, "context"));
	const char *dockerfile = json_string_value(json_object_get(args, "dockerfile"));
	const char *given_text = json_string_value(json_object_get(args, "dockerfile_text"));
	json_t *context_fd = json_object_get(args, "context_fd"), *tags = json_object_get(args, "tags");
	const char *remote = json_string_value(json_object_get(args, "remote"));
	struct image_staging context_sg = {.fd = -1};
	char *text = NULL, *ignore_text = NULL;
	size_t text_len = 0, ignore_len = 0;
	int64_t started;
	int rc = -1, vertex;

	b.engine = cmd_engine(ctx);
	b.env = (struct image_env){.root = engine_root(b.engine), .engine = b.engine, .cmd = ctx};
	b.env.st = engine_store(b.engine, err);
	if (!b.env.st)
		return -1;
	b.started = build_now();
	b.build_args = json_object_get(args, "build_args");
	b.target = json_string_value(json_object_get(args, "target"));
	b.no_cache = json_is_true(json_object_get(args, "no_cache"));
	b.pull = json_is_true(json_object_get(args, "pull"));
	b.network = json_string_value(json_object_get(args, "network"));
	b.add_hosts = json_object_get(args, "add_hosts");
	b.labels = json_object_get(args, "labels");
	b.secrets = json_object_get(args, "secrets");
	b.outputs = json_object_get(args, "outputs");
	b.contexts = json_object_get(args, "build_contexts");
	b.no_cache_filter = json_object_get(args, "no_cache_filter");
	b.cache_to = json_object_get(args, "cache_to");
	b.legacy = json_is_true(json_object_get(args, "legacy_stream"));
	b.ssh = json_object_get(args, "ssh");
	if (!dockerfile || !*dockerfile)
		dockerfile = "Dockerfile";
	if (b.network && strcmp(b.network, "default") != 0 && strcmp(b.network, "none") != 0 &&
	    strcmp(b.network, "host") != 0)
		return berr_set(err, BERR_INVALID, "network mode \"%s\" not supported by the builder (default, none, host)",
				b.network);
	json_t *tag;
	size_t ti;
	json_array_foreach(tags, ti, tag) {
		struct image_ref ref;
		if (ref_parse_normalized(json_string_value(tag) ? json_string_value(tag) : "", &ref, err) < 0 ||
		    ref.digest[0])
			return berr_set(err, BERR_INVALID, "invalid tag \"%s\": invalid reference format",
					json_string_value(tag) ? json_string_value(tag) : "");
	}
	build_remove_dead_containers(&b);
	/* the context */
	if (json_is_integer(context_fd)) {
		if (build_context_from_stream(&b, (int)json_integer_value(context_fd), &context_sg,
					      &text, &text_len, err) < 0)
			goto out;
	} else if (remote) {
		if (build_context_remote(&b, remote, &context_sg, &text, &text_len, err) < 0)
			goto out;
	} else if (context) {
		b.context_fd = open(context, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (b.context_fd < 0) {
			berr_errno(err, errno, "unable to prepare context: path \"%s\" not found", context);
			if (errno != ENOENT)
				berr_prefix(err, "unable to prepare context");
			goto out;
		}
	} else {
		berr_set(err, BERR_INVALID, "no build context given");
		goto out;
	}
	/* the Dockerfile */
	started = build_now();
	const char *slash = strrchr(dockerfile, '/');
	b.dockerfile_name = xstrdup(given_text || text ? "Dockerfile" : slash ? slash + 1 : dockerfile);
	b.origin = xasprintf("%s:%s", remote ? remote : context && !json_is_integer(context_fd) ? context : "-",
			     given_text ? "-" : dockerfile);
	char *loading = xasprintf("[internal] load build definition from %s", b.dockerfile_name);
	vertex = build_vertex_start(&b, loading);
	free(loading);
	if (given_text) {
		text = xstrdup(given_text);
		text_len = strlen(text);
	} else if (!text && read_input(&b, dockerfile, &text, &text_len, err) < 0) {
		berr_prefix(err, "failed to read dockerfile");
		build_vertex_error(&b, vertex, started, err->msg);
		goto out;
	}
	char *line = xasprintf("transferring dockerfile: %zuB done", text_len);
	build_vertex_status(&b, vertex, line);
	free(line);
	if (dockerfile_parse(text, text_len, &b.df, err) < 0) {
		build_vertex_error(&b, vertex, started, err->msg);
		goto out;
	}
	if (b.df.n > BUILD_MAX_INSTRUCTIONS) {
		/* each instruction makes an image with the whole history: past
		 * this, a Dockerfile is a way to fill the disk */
		berr_set(err, BERR_INVALID, "%s has %zu instructions; at most %d are built", b.dockerfile_name,
			 b.df.n, BUILD_MAX_INSTRUCTIONS);
		build_vertex_error(&b, vertex, started, err->msg);
		goto out;
	}
	if (b.df.n == 0) {
		berr_set(err, BERR_INVALID, "the Dockerfile (%s) cannot be empty", b.dockerfile_name);
		build_vertex_error(&b, vertex, started, err->msg);
		goto out;
	}
	build_vertex_done(&b, vertex, started);
	/* .dockerignore: <Dockerfile>.dockerignore first */
	started = build_now();
	vertex = build_vertex_start(&b, "[internal] load .dockerignore");
	char *specific = xasprintf("%s.dockerignore", dockerfile);
	berr ignore_err = {0};
	if (given_text || read_input(&b, specific, &ignore_text, &ignore_len, &ignore_err) < 0) {
		berr_clear(&ignore_err);
		if (read_input(&b, ".dockerignore", &ignore_text, &ignore_len, &ignore_err) < 0)
			berr_clear(&ignore_err);
	}
	free(specific);
	dockerignore_parse(ignore_text ? ignore_text : "", ignore_len, &b.ignore, err);
	line = xasprintf("transferring context: %zuB done", ignore_len);
	build_vertex_status(&b, vertex, line);
	free(line);
	build_vertex_done(&b, vertex, started);
	/* --cache-from's images */
	json_t *cache_from = json_object_get(args, "cache_from");
	if (json_array_size(cache_from)) {
		started = build_now();
		vertex = build_vertex_start(&b, "importing cache from images");
		if (build_cache_from_load(&b, cache_from, vertex, err) < 0) {
			build_vertex_error(&b, vertex, started, err->msg);
			goto out;
		}
		build_vertex_done(&b, vertex, started);
	}
	/* the stages */
	if (split_stages(&b, err) < 0)
		goto out;
	for (size_t i = 0; i < b.nstages; i++) /* BuildKit's names in the output */
		b.stages[i].label = b.stages[i].name ? xstrdup(b.stages[i].name)
				    : b.nstages > 1 ? xasprintf("stage-%zu", i) : NULL;
	size_t target = b.nstages - 1;
	if (b.target && *b.target) {
		int t = stage_index(&b, b.target, b.nstages);
		if (t < 0) {
			berr_set(err, BERR_NOT_FOUND, "target stage \"%s\" could not be found", b.target);
			goto out;
		}
		target = (size_t)t;
	}
	mark_needed(&b, target);
	if (build_stages(&b, target, err) < 0)
		goto out;
	rc = finish(&b, &b.stages[target], tags, result, err);
out:
	free(text);
	free(ignore_text);
	free_build(&b);
	if (context_sg.path[0])
		image_staging_close(&context_sg);
	return rc;
}
