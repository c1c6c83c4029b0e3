/* container.stats: Docker's stats objects for one container, several, or
 * every container, once or as a stream.
 *
 * Arguments: {"id": "web"} for one container (messages and result are one
 * stats object), or {"ids": ["web", "db"]}, or neither for every running
 * container ({"all": true} adds the others); these give arrays. "stream"
 * (default true, as the Engine API) sends a message about every second
 * until cancelled; without it the result is one reading whose CPU figures
 * span a short priming interval, so CPU% means something at once.
 * "one_shot" skips the priming (precpu_stats left empty, as Docker's
 * one-shot). "summary" leaves out of each object what docker/cli's table
 * does not use (see stats_read_rest). With no names, the set follows
 * containers as they start and stop. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/container/cgroup.h"
#include "engine/container/internal.h"
#include "engine/container/stats.h"
#include "engine/core/alloc.h"
#include "engine/core/clock.h"
#include "engine/stats/stats.h"

/* How long a first reading spans between its two CPU samples: short enough
 * for `stats --no-stream` to answer at once with hundreds of containers,
 * long enough for a steady figure (see stats_advance_cpu). Streamed
 * readings come about every second, as Docker's do. */
#define STATS_PRIME_MS 50
#define STATS_INTERVAL_MS 1000

/* The containers one command samples. */
struct stats_set {
	struct stats_target *targets;
	size_t count;
	bool single;        /* args.id: answer objects, not arrays */
	bool all;           /* args.all */
	bool summary;       /* args.summary */
	json_t *names;      /* args.ids or NULL: every container */
};

/* Frees the targets, leaving an empty set. */
static void set_free(struct stats_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		stats_target_free(&set->targets[i]);
	free(set->targets);
	set->targets = NULL;
	set->count = 0;
}

/* The pid to sample: a running or paused container's init, else 0. */
static int live_pid(const char *state, int pid)
{
	return strcmp(state, "running") == 0 || strcmp(state, "paused") == 0 ? pid : 0;
}

/* Adds a target, carrying over what old knew of the same process. */
static void add_target(struct stats_target *list, size_t *n, const char *id, const char *name,
		       int pid, bool summary, struct stats_set *old)
{
	struct stats_target *t = &list[(*n)++];

	for (size_t i = 0; i < old->count; i++) {
		struct stats_target *o = &old->targets[i];
		if (o->id[0] && strcmp(o->id, id) == 0 && o->pid == pid) {
			*t = *o;
			memset(o, 0, sizeof(*o));
			/* renamed meanwhile: the readings say the new name */
			snprintf(t->name, sizeof(t->name), "%s%s", name[0] == '/' ? "" : "/", name);
			return;
		}
	}
	stats_target_init(t, id, name, pid, container_cgroup_parent());
	t->summary = summary;
}

/* Targets for the containers named in set->names, in that order. */
static int refresh_named(struct engine *engine, struct stats_set *set, struct stats_set *old,
			 struct stats_target *list, size_t *n, berr *err)
{
	json_t *v;
	size_t i;

	json_array_foreach(set->names, i, v) {
		struct container c;
		berr find_err = {0};
		const char *ref = json_string_value(v);
		if (!ref)
			return berr_set(err, BERR_INVALID, "container names must be strings");
		if (container_find(engine, ref, &c, &find_err) < 0) {
			/* Gone while streaming: an empty reading, as Docker's timed-out one. */
			if (i < old->count && old->targets[i].id[0]) {
				struct stats_target *gone = &old->targets[i];
				stats_target_init(&list[*n], gone->id, gone->name, 0, container_cgroup_parent());
				list[(*n)++].summary = set->summary;
				continue;
			}
			*err = find_err;
			return -1;
		}
		add_target(list, n, c.id, c.name, live_pid(c.state, c.pid), set->summary, old);
		container_free(&c);
	}
	return 0;
}

/* Whether the store's word on an active container may be stale: its monitor
 * left an exit record or is gone, the two cases container_sync settles (a
 * hint only: the sync itself checks the monitor's start time too). */
static bool needs_sync(struct engine *engine, const char *id, const char *state, int shim_pid)
{
	char path[PATH_MAX];

	if (strcmp(state, "removing") == 0)
		return true;
	if (strcmp(state, "running") != 0 && strcmp(state, "paused") != 0 &&
	    strcmp(state, "restarting") != 0)
		return false;
	if (shim_pid <= 0 || (kill(shim_pid, 0) < 0 && errno == ESRCH))
		return true;
	container_run_dir(engine, id, path, sizeof(path));
	strncat(path, "/exit", sizeof(path) - strlen(path) - 1);
	return access(path, F_OK) == 0;
}

/* Targets for every container (or the live ones), newest first. Reads only
 * the columns it needs: with hundreds of containers, parsing every
 * configuration (container_load_all) would cost more than the sampling.
 * When some row may be stale, the containers are synced first. */
static int refresh_all(struct engine *engine, struct stats_set *set, struct stats_set *old,
		       struct stats_target **list, size_t *n, berr *err)
{
	struct store *st = engine_store(engine, err);
	struct container_brief *rows = NULL;
	size_t count = 0, k;

	if (!st || container_list_brief(st, &rows, &count, err) < 0)
		return -1;
	for (k = 0; k < count; k++)
		if (needs_sync(engine, rows[k].id, rows[k].state, rows[k].shim_pid))
			break;
	if (k < count) {
		free(rows);
		if (container_reconcile_all(engine, err) < 0 ||
		    container_list_brief(st, &rows, &count, err) < 0)
			return -1;
	}
	*list = xreallocarray(*list, count ? count : 1, sizeof(**list));
	for (k = 0; k < count; k++) {
		const struct container_brief *r = &rows[k];
		int pid = live_pid(r->state, r->pid);
		if (strcmp(r->state, "removing") == 0 || (!set->all && !pid))
			continue;
		add_target(*list, n, r->id, r->name, pid, set->summary, old);
	}
	free(rows);
	return 0;
}

/* (Re)builds the targets from the store, keeping earlier samples. */
static int set_refresh(struct engine *engine, struct stats_set *set, berr *err)
{
	struct stats_set old = *set;
	struct stats_target *list = NULL;
	size_t n = 0;
	int rc;

	if (set->names) {
		list = calloc(json_array_size(set->names) + 1, sizeof(*list));
		if (!list)
			return berr_set(err, BERR_SYSTEM, "out of memory");
		rc = refresh_named(engine, set, &old, list, &n, err);
	} else {
		rc = refresh_all(engine, set, &old, &list, &n, err);
	}
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			stats_target_free(&list[i]);
		free(list);
		return -1;
	}
	set_free(&old);
	set->targets = list;
	set->count = n;
	return 0;
}

/* One pass over every target: the host's CPU time, then each container's
 * CPU counters, so that each container's interval matches the host's. */
static int pass_cpu(struct stats_set *set, struct stats_host *host, berr *err)
{
	if (stats_read_host(host, err) < 0)
		return -1;
	for (size_t i = 0; i < set->count; i++)
		stats_read_cpu(&set->targets[i], host);
	return 0;
}

/* The rest of every target's reading: memory, block I/O, PIDs, network. */
static void pass_rest(struct stats_set *set, const struct stats_host *host)
{
	for (size_t i = 0; i < set->count; i++)
		stats_read_rest(&set->targets[i], host);
}

/* Sleeps up to ms, waking early when the command is cancelled; the
 * store's connection goes back to the pool meanwhile (a stream of hours
 * must not hold one: see engine_store_release). */
static void nap(struct cmd_ctx *ctx, int64_t ms)
{
	int64_t end = clock_mono_nanos() + ms * 1000000;

	engine_store_release(cmd_engine(ctx));
	while (!cmd_cancelled(ctx)) {
		int64_t left = end - clock_mono_nanos();
		if (left <= 0)
			break;
		if (left > 50000000)
			left = 50000000;
		nanosleep(&(struct timespec){0, (long)left}, NULL);
	}
}

/* The readings as the submitter sees them; feeds the history when asked. */
static json_t *set_json(struct stats_set *set, bool record)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < set->count; i++) {
		struct stats_target *t = &set->targets[i];
		struct stats_point p;
		if (record && stats_point_from_target(t, &p))
			stats_history_record(t->id, &p);
		json_array_append_new(arr, stats_docker_json(t));
	}
	if (set->single) {
		json_t *one = json_incref(json_array_get(arr, 0));
		json_decref(arr);
		return one ? one : json_object();
	}
	return arr;
}

/* A first reading: the CPU counters, everything else, then (unless
 * one_shot) the CPU counters again once the priming interval is over, so
 * the reading of everything else fills the wait. */
static int first_reading(struct cmd_ctx *ctx, struct stats_set *set, bool one_shot, berr *err)
{
	int64_t started = clock_mono_nanos();
	struct stats_host host;

	if (pass_cpu(set, &host, err) < 0)
		return -1;
	/* Nothing before the first sample. */
	for (size_t i = 0; i < set->count; i++)
		stats_sample_clear(&set->targets[i].pre);
	pass_rest(set, &host);
	if (one_shot)
		return 0;
	nap(ctx, STATS_PRIME_MS - (clock_mono_nanos() - started) / 1000000);
	if (stats_read_host(&host, err) < 0)
		return -1;
	for (size_t i = 0; i < set->count; i++)
		stats_advance_cpu(&set->targets[i], &host);
	return 0;
}

/* Sends a reading about every second until cancelled, following the set
 * of containers as they come and go. */
static int stream(struct cmd_ctx *ctx, struct stats_set *set, berr *err)
{
	struct engine *engine = cmd_engine(ctx);
	struct stats_host host;

	if (first_reading(ctx, set, false, err) < 0)
		return -1;
	cmd_progress(ctx, set_json(set, true));
	for (;;) {
		nap(ctx, STATS_INTERVAL_MS);
		if (cmd_cancelled(ctx))
			return 0;
		if (set_refresh(engine, set, err) < 0)
			return -1;
		if (pass_cpu(set, &host, err) < 0)
			return -1;
		pass_rest(set, &host);
		cmd_progress(ctx, set_json(set, true));
	}
}

/* container.stats (arguments above). */
static int cmd_stats(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	json_t *id = json_object_get(args, "id"), *ids = json_object_get(args, "ids");
	json_t *stream_arg = json_object_get(args, "stream");
	bool streaming = stream_arg ? json_is_true(stream_arg) : true;
	bool one_shot = json_is_true(json_object_get(args, "one_shot"));
	struct stats_set set = {0};
	int rc = -1;

	if (streaming && one_shot)
		return berr_set(err, BERR_INVALID, "cannot have stream=true and one-shot=true");
	if (id && (!json_is_string(id) || !json_string_length(id)))
		return berr_set(err, BERR_INVALID, "no container given");
	if (ids && !json_is_array(ids))
		return berr_set(err, BERR_INVALID, "ids must be an array of container names");
	set.single = id != NULL;
	set.all = json_is_true(json_object_get(args, "all"));
	set.summary = json_is_true(json_object_get(args, "summary"));
	set.names = id ? json_pack("[O]", id) : ids ? json_incref(ids) : NULL;
	if (set_refresh(cmd_engine(ctx), &set, err) < 0)
		goto out;
	if (streaming) {
		rc = stream(ctx, &set, err);
		if (rc == 0)
			*result = json_null();
		goto out;
	}
	if (first_reading(ctx, &set, one_shot, err) < 0)
		goto out;
	*result = set_json(&set, false);
	rc = 0;
out:
	set_free(&set);
	json_decref(set.names);
	return rc;
}

const struct engine_command container_stats_commands[] = {
	{"container.stats", cmd_stats},
	{NULL, NULL},
};
