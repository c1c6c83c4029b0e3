/* What the steps of a build share: their variables, their containers,
 * the state moving from image to image, and the cache's verdicts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/build/internal.h"
#include "engine/build/shell_words.h"
#include "engine/core/alloc.h"
#include "engine/core/fsutil.h"
#include "engine/core/strbuf.h"

/* The label marking a step's container: "<pid> <start time>" of the
 * berth process building, so that a later build removes what a dead one
 * left. */
#define BUILD_LABEL "berth.build"

const char *const build_proxy_args[] = {
	"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
	"ftp_proxy",  "NO_PROXY",   "no_proxy",    "ALL_PROXY",   "all_proxy", NULL,
};

bool build_is_proxy_arg(const char *name)
{
	for (size_t i = 0; build_proxy_args[i]; i++)
		if (strcmp(build_proxy_args[i], name) == 0)
			return true;
	return false;
}

/* The automatic platform args (TARGETARCH...): the same on every build of
 * this engine, so they key nothing and are kept out of history too. */
static bool is_platform_arg(const char *name)
{
	return strncmp(name, "TARGET", 6) == 0 || strncmp(name, "BUILD", 5) == 0
		       ? strcmp(name + (name[0] == 'T' ? 6 : 5), "PLATFORM") == 0 ||
				 strcmp(name + (name[0] == 'T' ? 6 : 5), "OS") == 0 ||
				 strcmp(name + (name[0] == 'T' ? 6 : 5), "ARCH") == 0 ||
				 strcmp(name + (name[0] == 'T' ? 6 : 5), "VARIANT") == 0
		       : false;
}

/* --- helpers the steps share ------------------------------------------------ */

void build_shell_env(struct build *b, struct stage_state *s, struct shell_env *env, json_t **owned)
{
	json_t *vars = json_object(), *v;
	const char *name;
	size_t i;

	json_object_foreach(s->args, name, v)
		if (json_is_string(v))
			json_object_set(vars, name, v);
	json_array_foreach(json_object_get(s->config, "Env"), i, v) {
		const char *kv = json_string_value(v), *eq = kv ? strchr(kv, '=') : NULL;
		if (!eq)
			continue;
		char *key = xstrndup(kv, (size_t)(eq - kv));
		json_object_set_new(vars, key, json_string(eq + 1));
		free(key);
	}
	*env = (struct shell_env){vars, b->df.escape, s->used};
	*owned = vars;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *build_args_text(struct stage_state *s, bool for_key)
{
	const char *names[512], *name;
	size_t n = 0;
	json_t *v;
	struct strbuf out = {0};

	json_object_foreach(s->args, name, v)
		if (json_is_string(v) && n < 512 &&
		    !(for_key && (build_is_proxy_arg(name) || is_platform_arg(name))))
			names[n++] = name;
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&out, "%s=%s\n", names[i], json_string_value(json_object_get(s->args, names[i])));
	return out.s ? strbuf_steal(&out) : xstrdup("");
}

char *build_used_args_text(struct stage_state *s)
{
	const char *names[512], *name;
	size_t n = 0;
	json_t *v;
	struct strbuf out = {0};

	json_object_foreach(s->used, name, v)
		if (json_is_string(json_object_get(s->args, name)) && n < 512 &&
		    !build_env_has(json_object_get(s->config, "Env"), name))
			names[n++] = name;
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&out, "%s=%s\n", names[i], json_string_value(json_object_get(s->args, names[i])));
	return out.s ? strbuf_steal(&out) : xstrdup("");
}

json_t *build_args_env(struct stage_state *s)
{
	json_t *out = json_array(), *v;
	const char *name;

	json_object_foreach(s->args, name, v)
		if (json_is_string(v)) {
			char *kv = xasprintf("%s=%s", name, json_string_value(v));
			json_array_append_new(out, json_string(kv));
			free(kv);
		}
	return out;
}

int build_container_create(struct build *b, const char *image_id, json_t *body, char id[65],
			   berr *err)
{
	char owner[64];
	json_t *result = NULL;

	snprintf(owner, sizeof(owner), "%d %llu", (int)getpid(),
		 (unsigned long long)proc_start_time(getpid()));
	json_object_set_new(body, "Image", json_string(image_id));
	json_object_set_new(body, "Labels", json_pack("{s:s}", BUILD_LABEL, owner));
	if (engine_call(b->engine, "container.create", body, &result, NULL, NULL, err) < 0)
		return -1;
	snprintf(id, 65, "%s", json_string_value(json_object_get(result, "Id")));
	json_decref(result);
	return 0;
}

void build_container_remove(struct build *b, const char *id)
{
	/* with its anonymous volumes (an image's VOLUMEs) */
	json_t *args = json_pack("{s:s, s:b, s:b}", "id", id, "force", 1, "volumes", 1);

	engine_call(b->engine, "container.remove", args, NULL, NULL, NULL, NULL);
	json_decref(args);
}

/* Removes the step containers of builds whose berth process is gone. */
void build_remove_dead_containers(struct build *b)
{
	json_t *args = json_pack("{s:b, s:{s:[s]}}", "all", 1, "filters", "label", BUILD_LABEL);
	json_t *list = NULL, *c;
	size_t i;

	if (engine_call(b->engine, "container.list", args, &list, NULL, NULL, NULL) == 0) {
		json_array_foreach(list, i, c) {
			const char *owner = json_string_value(
				json_object_get(json_object_get(c, "Labels"), BUILD_LABEL));
			int pid = 0;
			unsigned long long start = 0;

			if (!owner || sscanf(owner, "%d %llu", &pid, &start) != 2 ||
			    (pid > 0 && proc_start_time(pid) != start))
				build_container_remove(b, json_string_value(json_object_get(c, "Id")));
		}
	}
	json_decref(list);
	json_decref(args);
}

struct store *build_store(struct build *b, berr *err)
{
	return engine_store(b->engine, err);
}

bool build_should_stop(struct build *b)
{
	return (b->ctx && cmd_cancelled(b->ctx)) || __atomic_load_n(&b->failed, __ATOMIC_SEQ_CST);
}

int build_fail_at(struct build *b, const struct df_instruction *in, berr *err)
{
	return berr_prefix(err, "%s:%d: %s", b->dockerfile_name, in->line, in->keyword);
}

/* The state moves to image_id: its config read back. */
int build_state_load(struct build *b, struct stage_state *s, const char *image_id, berr *err)
{
	struct image_info info;
	struct store *st = build_store(b, err);

	if (!st || image_resolve(st, image_id, &info, err) < 0)
		return -1;
	json_decref(s->config);
	s->config = json_deep_copy(json_object_get(info.config, "config"));
	if (!json_is_object(s->config)) {
		json_decref(s->config);
		s->config = json_object();
	}
	snprintf(s->image_id, sizeof(s->image_id), "%s", info.id);
	image_info_free(&info);
	return 0;
}

int build_cache_find(struct build *b, struct stage_state *s, const struct cache_key *key,
		     int vertex, bool *hit, berr *err)
{
	char found[IMAGE_DIGEST_SIZE];
	char *reason;

	*hit = false;
	s->last_hit = false;
	if (b->no_cache || s->no_cache)
		return 0;
	struct store *st = build_store(b, err);
	if (!st || cache_lookup(st, key, found, hit, err) < 0)
		return -1;
	if (*hit) {
		struct image_info info;
		/* an entry whose image went is a miss */
		if (image_resolve(st, found, &info, NULL) < 0) {
			*hit = false;
		} else {
			image_info_free(&info);
			s->last_hit = true;
			return build_state_load(b, s, found, err);
		}
	}
	/* --cache-from: the same step in another image's history */
	if (key->layered && json_array_size(b->cache_from)) {
		if (build_cache_from_find(b, s, key, hit, err) < 0)
			return -1;
		if (*hit) {
			s->last_hit = true;
			return 0;
		}
	}
	if (!s->cache_broken) {
		reason = cache_miss_reason(st, key, NULL);
		if (reason && vertex == 0) {
			/* a config step: said on the next step that shows */
			free(s->miss_reason);
			s->miss_reason = xasprintf("%.60s%s: %s", key->instruction,
						   strlen(key->instruction) > 60 ? "..." : "", reason);
		} else if (reason) {
			char *line = xasprintf("cache miss: %s", reason);
			build_vertex_status(b, vertex, line);
			free(line);
		}
		free(reason);
	} else if (vertex > 0 && s->miss_reason) {
		char *line = xasprintf("cache miss: %s", s->miss_reason);
		build_vertex_status(b, vertex, line);
		free(line);
		free(s->miss_reason);
		s->miss_reason = NULL;
	}
	s->cache_broken = true;
	return 0;
}

/* A JSON object with its keys sorted, as Go marshals a map. */
static json_t *sorted_object(json_t *obj)
{
	const char *keys[4096], *key;
	size_t n = 0;
	json_t *v, *out = json_object();

	json_object_foreach(obj, key, v)
		if (n < 4096)
			keys[n++] = key;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (size_t i = 0; i < n; i++)
		json_object_set(out, keys[i], json_object_get(obj, keys[i]));
	return out;
}

/* The config as Go marshals Docker's container.Config: its fields in the
 * struct's order, its maps' keys sorted, so that the same steps give the
 * same bytes as Docker writes (and inspect shows them in Docker's order). */
static void sort_config_maps(json_t *config)
{
	static const char *const maps[] = {"ExposedPorts", "Volumes", "Labels"};
	static const char *const fields[] = {
		"Hostname", "Domainname", "User", "AttachStdin", "AttachStdout", "AttachStderr",
		"ExposedPorts", "Tty", "OpenStdin", "StdinOnce", "Env", "Cmd", "Healthcheck",
		"ArgsEscaped", "Image", "Volumes", "WorkingDir", "Entrypoint", "NetworkDisabled",
		"MacAddress", "OnBuild", "Labels", "StopSignal", "StopTimeout", "Shell",
	};
	json_t *ordered = json_object(), *v;
	const char *key;

	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		json_t *m = json_object_get(config, maps[i]);
		if (json_is_object(m))
			json_object_set_new(config, maps[i], sorted_object(m));
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if ((v = json_object_get(config, fields[i])))
			json_object_set(ordered, fields[i], v);
	json_object_foreach(config, key, v)
		if (!json_object_get(ordered, key))
			json_object_set(ordered, key, v);
	json_object_clear(config);
	json_object_update(config, ordered);
	json_decref(ordered);
}

int build_commit_step(struct build *b, struct stage_state *s, const struct cache_key *key,
		      int layer_fd, const char *created_by, berr *err)
{
	struct image_step step = {.parent_id = s->image_id, .layer_fd = layer_fd, .config = s->config,
				  .created_by = created_by, .comment = BUILD_HISTORY_COMMENT,
				  .note = key->files && *key->files ? key->files : NULL};
	char id[IMAGE_DIGEST_SIZE];
	bool hit;

	if (layer_fd < 0) {
		if (build_cache_find(b, s, key, 0, &hit, err) < 0)
			return -1;
		if (hit)
			return 0;
	}
	struct image_env env = b->env;
	sort_config_maps(s->config);
	env.st = build_store(b, err);
	if (!env.st || image_build_step(&env, &step, id, err) < 0)
		return -1;
	int64_t size = image_size(env.st, id), parent_size = s->image_id[0] ? image_size(env.st, s->image_id) : 0;
	if (cache_record(env.st, key, id, size > parent_size && parent_size >= 0 ? size - parent_size : 0,
			 err) < 0)
		return -1;
	snprintf(s->image_id, sizeof(s->image_id), "%s", id);
	return 0;
}

bool build_env_has(json_t *env, const char *name)
{
	size_t i, len = strlen(name);
	json_t *v;

	json_array_foreach(env, i, v) {
		const char *kv = json_string_value(v);
		if (kv && strncmp(kv, name, len) == 0 && kv[len] == '=')
			return true;
	}
	return false;
}
