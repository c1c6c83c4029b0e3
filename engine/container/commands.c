/* The container commands of the queue. Arguments and results follow the
 * Docker Engine API's JSON so every face can pass them through. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "engine/container/internal.h"
#include "engine/container/health.h"
#include "engine/container/create.h"
#include "engine/container/export.h"
#include "engine/container/logs.h"
#include "engine/container/pause.h"
#include "engine/core/clock.h"
#include "engine/core/filters.h"
#include "engine/core/names.h"
#include "engine/core/signals.h"
#include "engine/core/units.h"
#include "engine/events/events.h"
#include "engine/network/network.h"
#include "engine/image/image.h"
#include "engine/volume/volume.h"

static const char *arg_str(json_t *args, const char *key)
{
	return json_string_value(json_object_get(args, key));
}

/* Finds the container named by args.id. */
static int find_arg(struct cmd_ctx *ctx, json_t *args, struct container *c, berr *err)
{
	const char *ref = arg_str(args, "id");

	if (!ref || !*ref)
		return berr_set(err, BERR_INVALID, "no container given");
	return container_find(cmd_engine(ctx), ref, c, err);
}

static int cmd_create(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct container c;

	json_t *warnings = json_array();

	if (container_create(cmd_engine(ctx), args, &c, warnings, err) < 0) {
		json_decref(warnings);
		return -1;
	}
	*result = json_pack("{s:s, s:o}", "Id", c.id, "Warnings", warnings);
	container_free(&c);
	return 0;
}

/* Connects to the monitor's attach socket of a running container. */
static int connect_attach(struct engine *engine, const struct container *c, int *fd_out,
			  berr *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char run_dir[PATH_MAX];
	int fd, dirfd;

	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	/* Reach the socket through a directory fd: run paths can be longer
	 * than a socket address holds. */
	dirfd = open(run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return berr_sys(err, "attaching: opening %s", run_dir);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/attach.sock", dirfd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		berr_sys(err, "attaching");
		if (fd >= 0)
			close(fd);
		close(dirfd);
		return -1;
	}
	close(dirfd);
	*fd_out = fd;
	return 0;
}

/* Starts a container; with attach, the caller gets one end of a socket
 * pair whose other end the monitor holds from its first instant. A
 * running container is attached to, as `docker start -a` does. */
static int cmd_start(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct container c;
	int pair[2] = {-1, -1}, fd;
	bool attach = json_is_true(json_object_get(args, "attach"));
	int rc;

	if (find_arg(ctx, args, &c, err) < 0)
		return -1;
	if (strcmp(c.state, "paused") == 0) {
		container_free(&c);
		return berr_set(err, BERR_CONFLICT,
				"cannot start a paused container, try unpause instead");
	}
	if (container_is_active(&c)) {
		rc = attach ? connect_attach(cmd_engine(ctx), &c, &fd, err) : 0;
		if (rc == 0 && attach)
			container_emit(cmd_engine(ctx), &c, "attach", NULL);
		container_free(&c);
		if (rc == 0)
			*result = attach ? json_pack("{s:i}", "attach_fd", fd) : json_object();
		return rc;
	}
	if (attach && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
		container_free(&c);
		return berr_sys(err, "creating the attach socket");
	}
	/* Docker's order for an attached run: create, attach, start */
	if (attach)
		container_emit(cmd_engine(ctx), &c, "attach", NULL);
	rc = container_start(cmd_engine(ctx), &c, pair[1], err);
	if (pair[1] >= 0)
		close(pair[1]);
	if (rc < 0) {
		if (pair[0] >= 0)
			close(pair[0]);
		/* --rm: a container that could not start goes, as Docker's does */
		if (json_is_true(json_object_get(c.host_config, "AutoRemove")))
			container_remove(cmd_engine(ctx), &c, true, NULL);
		container_free(&c);
		return -1;
	}
	*result = attach ? json_pack("{s:i}", "attach_fd", pair[0]) : json_object();
	container_free(&c);
	return 0;
}

static int cmd_attach(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct container c;
	int fd, rc;

	if (find_arg(ctx, args, &c, err) < 0)
		return -1;
	if (!container_is_active(&c)) {
		container_free(&c);
		return berr_set(err, BERR_CONFLICT,
				"You cannot attach to a stopped container, start it first");
	}
	rc = connect_attach(cmd_engine(ctx), &c, &fd, err);
	if (rc == 0 && !json_is_false(json_object_get(args, "event")))
		container_emit(cmd_engine(ctx), &c, "attach", NULL);
	container_free(&c);
	if (rc == 0)
		*result = json_pack("{s:i}", "fd", fd);
	return rc;
}

static int stop_timeout(json_t *args, const struct container *c)
{
	json_t *t = json_object_get(args, "timeout");

	if (json_is_integer(t))
		return (int)json_integer_value(t);
	t = json_object_get(c->config, "StopTimeout");
	if (json_is_integer(t))
		return (int)json_integer_value(t);
	return 10;
}

static int cmd_stop(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct container c;
	int rc;

	if (find_arg(ctx, args, &c, err) < 0)
		return -1;
	rc = container_stop(cmd_engine(ctx), &c, stop_timeout(args, &c), err);
	container_free(&c);
	if (rc == 0)
		*result = json_object();
	return rc;
}

static int cmd_restart(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct container c;
	int rc;

	if (find_arg(ctx, args, &c, err) < 0)
		return -1;
	rc = container_stop(cmd_engine(ctx), &c, stop_timeout(args, &c), err);
	if (rc == 0 && !json_is_true(json_object_get(c.host_config, "AutoRemove")))
		rc = container_start(cmd_engine(ctx), &c, -1, err);
	if (rc == 0)
		container_emit(cmd_engine(ctx), &c, "restart", NULL);
	container_free(&c);
	if (rc == 0)
		*result = json_object();
	return rc;
}

static int cmd_kill(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *name = arg_str(args, "signal");
	struct container c;
	int sig = SIGKILL, rc;

	if (name && *name && (sig = signal_from_name(name)) < 0)
		return berr_set(err, BERR_INVALID, "Invalid signal: %s", name);
	if (find_arg(ctx, args, &c, err) < 0)
		return -1;
	if (!container_is_active(&c)) {
		berr_set(err, BERR_CONFLICT, "cannot kill container: %s: container %s is not running",
			 arg_str(args, "id"), c.id);
		container_free(&c);
		return -1;
	}
	rc = container_signal(cmd_engine(ctx), &c, sig, err);
	/* SIGKILL must not wait behind a freezer. */
	if (rc == 0 && sig == SIGKILL && strcmp(c.state, "paused") == 0)
		container_unpause(cmd_engine(ctx), &c, NULL);
	container_free(&c);
	if (rc == 0)
		*result = json_object();
	return rc;
}

static int cmd_remove(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct container c;
	struct store *st;
	json_t *mounts = NULL;
	int rc;

	if (find_arg(ctx, args, &c, err) < 0)
		return -1;
	/* rm -v: the anonymous volumes go too, once the container is gone */
	if (json_is_true(json_object_get(args, "volumes")) &&
	    (st = engine_store(cmd_engine(ctx), NULL)))
		mounts = volume_mounts_load(st, c.id, NULL);
	rc = container_remove(cmd_engine(ctx), &c, json_is_true(json_object_get(args, "force")),
			      err);
	container_free(&c);
	if (rc == 0)
		volume_remove_anonymous(cmd_engine(ctx), mounts);
	json_decref(mounts);
	if (rc == 0)
		*result = json_object();
	return rc;
}

static int cmd_rename(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *name = arg_str(args, "name");
	struct container c;
	struct store *st;
	char old[256];

	if (!name || !*name)
		return berr_set(err, BERR_INVALID, "Neither old nor new names may be empty");
	if (name[0] == '/')
		name++;
	if (!names_valid(name))
		return berr_set(err, BERR_INVALID,
				"Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
				name);
	if (find_arg(ctx, args, &c, err) < 0)
		return -1;
	if (strcmp(c.name, name) == 0) {
		container_free(&c);
		return berr_set(err, BERR_CONFLICT,
				"Renaming a container with the same name as its current name");
	}
	snprintf(old, sizeof(old), "%s", c.name);
	snprintf(c.name, sizeof(c.name), "%s", name);
	st = engine_store(cmd_engine(ctx), err);
	if (!st || store_begin(st, err) < 0) {
		container_free(&c);
		return -1;
	}
	if (container_rename_row(st, c.id, c.name, err) < 0 ||
	    network_container_renamed(st, c.id, c.name, err) < 0) {
		store_rollback(st);
		container_free(&c);
		return -1;
	}
	container_emit(cmd_engine(ctx), &c, "rename", json_pack("{s:s}", "oldName", old));
	container_free(&c);
	if (store_commit(st, err) < 0)
		return -1;
	/* its networks answer to the new name from the next query on */
	network_refresh(cmd_engine(ctx), NETWORK_CHANGED_LEASES);
	*result = json_object();
	return 0;
}

static bool ctx_cancelled(void *user)
{
	return cmd_cancelled(user);
}

/* Sleeps a twentieth of a second; false when the wait was cancelled. */
static bool nap(struct cmd_ctx *ctx)
{
	struct timespec ts = {0, 50 * 1000000L};

	nanosleep(&ts, NULL);
	return !cmd_cancelled(ctx);
}

/* container.wait {id, condition}: Docker's conditions. "not-running"
 * (the default) returns at once for a container that does not run;
 * "next-exit" waits for an exit after the call (a created container's
 * first); "removed" waits until the container is gone. The status is the
 * exit code of the last exit seen. */
static int cmd_wait(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *condition = arg_str(args, "condition");
	bool next_exit = condition && strcmp(condition, "next-exit") == 0;
	bool removed = condition && strcmp(condition, "removed") == 0;
	int64_t asked = clock_now_nanos();
	struct engine *engine = cmd_engine(ctx);
	struct container c;
	char id[65];
	int code = 0, rc;

	if (condition && *condition && !next_exit && !removed && strcmp(condition, "not-running") != 0)
		return berr_set(err, BERR_INVALID, "invalid condition: \"%s\"", condition);
	if (find_arg(ctx, args, &c, err) < 0)
		return -1;
	snprintf(id, sizeof(id), "%s", c.id);
	for (;;) {
		rc = container_wait_exit(engine, &c, -1, ctx_cancelled, ctx, err);
		if (rc < 0)
			break;
		code = c.exit_code;
		bool exited_since = c.finished_at >= asked && !container_is_active(&c);
		if (!next_exit && !removed) {
			/* an --rm container goes as soon as it has ended */
			bool gone;
			container_sync(engine, &c, &gone, NULL);
			break;
		}
		if (next_exit && exited_since)
			break;
		container_free(&c);
		if (!nap(ctx)) {
			return berr_set(err, BERR_SYSTEM, "wait cancelled");
		}
		berr lookup = {0};
		if (find_arg(ctx, args, &c, &lookup) < 0) {
			/* gone: the end of every wait (next-exit too: it will
			 * not run again) */
			if (lookup.kind != BERR_NOT_FOUND) {
				*err = lookup;
				return -1;
			}
			/* gone: what removed waits for; its exit as its last
			 * "die" event tells (the process that removed it may
			 * have seen the exit before this one did) */
			struct store *st = engine_store(engine, NULL);
			int died;
			if (st && events_last_exit_code(st, id, &died) == 1)
				code = died;
			*result = json_pack("{s:i, s:n}", "StatusCode", code, "Error");
			return 0;
		}
	}
	container_free(&c);
	if (rc < 0)
		return -1;
	*result = json_pack("{s:i, s:n}", "StatusCode", code, "Error");
	return 0;
}

static int cmd_logs(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct container c;
	int rc;

	if (find_arg(ctx, args, &c, err) < 0)
		return -1;
	rc = container_logs(ctx, &c, args, err);
	container_free(&c);
	if (rc == 0)
		*result = json_object();
	return rc;
}

static int cmd_inspect(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct container c;

	if (find_arg(ctx, args, &c, err) < 0)
		return -1;
	*result = container_inspect_json(cmd_engine(ctx), &c);
	container_free(&c);
	return 0;
}

static const char *const list_filter_keys[] = {
	"id", "name", "label", "status", "ancestor", "exited", "before", "since", "volume",
	"network", "health", "isolation", "is-task", "publish", "expose", NULL,
};

static const char *const valid_states[] = {
	"created", "restarting", "running", "removing", "paused", "exited", "dead", NULL,
};

static int check_health_filter(json_t *filters, berr *err)
{
	static const char *const valid[] = {"starting", "healthy", "unhealthy", "none", NULL};
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(filters, "health"), i, v) {
		bool ok = false;
		for (const char *const *h = valid; *h; h++)
			ok |= json_string_value(v) && strcmp(*h, json_string_value(v)) == 0;
		if (!ok)
			return berr_set(err, BERR_INVALID,
					"Unrecognised filter value for health: %s",
					json_string_value(v) ? json_string_value(v) : "");
	}
	return 0;
}

static int check_status_filter(json_t *filters, berr *err)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(filters, "status"), i, v) {
		bool ok = false;
		for (const char *const *s = valid_states; *s; s++)
			ok |= json_string_value(v) && strcmp(*s, json_string_value(v)) == 0;
		if (!ok)
			return berr_set(err, BERR_INVALID, "invalid filter 'status=%s'",
					json_string_value(v) ? json_string_value(v) : "");
	}
	return 0;
}

/* Does the container's image match an ancestor filter value? */
static bool ancestor_matches(struct engine *engine, const struct container *c, const char *value)
{
	struct store *st = engine_store(engine, NULL);
	struct image_info image = {0};
	bool match = false;

	if (strcmp(c->image_ref, value) == 0)
		return true;
	if (st && image_resolve(st, value, &image, NULL) == 0) {
		match = strcmp(image.id, c->image_id) == 0;
		image_info_free(&image);
	}
	return match;
}

/* "80", "80/udp", "8000-8010/tcp" against a port and its protocol. */
static bool port_filter_matches(const char *value, long port, const char *proto)
{
	char *end;
	long first = strtol(value, &end, 10), last = first;

	if (*end == '-')
		last = strtol(end + 1, &end, 10);
	if (*end == '/' ? strcmp(end + 1, proto) != 0 : (*end || strcmp(proto, "tcp") != 0))
		return false;
	return port >= first && port <= last;
}

/* The filters read from the ps row: network (name or id), publish (a host
 * port), expose (a container port), volume (a volume's name or a mount's
 * destination), is-task (berth has no swarm tasks yet). */
static bool summary_matches(json_t *row, json_t *filters)
{
	json_t *networks = json_object_get(json_object_get(row, "NetworkSettings"), "Networks");
	json_t *values, *v, *item;
	const char *key;
	size_t i, k;
	bool any;

	if ((values = json_object_get(filters, "network"))) {
		any = false;
		json_array_foreach(values, i, v)
			json_object_foreach(networks, key, item) {
				const char *want = json_string_value(v) ?: "";
				const char *id = json_string_value(json_object_get(item, "NetworkID")) ?: "";
				any |= strcmp(key, want) == 0 ||
				       (*want && strncmp(id, want, strlen(want)) == 0);
			}
		if (!any)
			return false;
	}
	static const char *const port_keys[] = {"publish", "expose"};
	for (int p = 0; p < 2; p++) {
		if (!(values = json_object_get(filters, port_keys[p])))
			continue;
		any = false;
		json_array_foreach(values, i, v)
			json_array_foreach(json_object_get(row, "Ports"), k, item) {
				json_int_t port = json_integer_value(
					json_object_get(item, p == 0 ? "PublicPort" : "PrivatePort"));
				const char *proto = json_string_value(json_object_get(item, "Type")) ?: "tcp";
				any |= port > 0 && port_filter_matches(json_string_value(v) ?: "", (long)port,
								       proto);
			}
		if (!any)
			return false;
	}
	if ((values = json_object_get(filters, "volume"))) {
		any = false;
		json_array_foreach(values, i, v)
			json_array_foreach(json_object_get(row, "Mounts"), k, item) {
				const char *want = json_string_value(v) ?: "";
				const char *name = json_string_value(json_object_get(item, "Name"));
				const char *dest = json_string_value(json_object_get(item, "Destination"));
				any |= (name && strcmp(name, want) == 0) || (dest && strcmp(dest, want) == 0);
			}
		if (!any)
			return false;
	}
	json_array_foreach(json_object_get(filters, "is-task"), i, v)
		if (strcmp(json_string_value(v) ?: "", "true") == 0)
			return false;
	return true;
}

static bool container_matches(struct engine *engine, const struct container *c, json_t *filters)
{
	char exit_code[16];
	json_t *v;
	size_t i;
	bool any;

	if (!filters_match_prefix(filters, "id", c->id) || !filters_match_regex(filters, "name", c->name) ||
	    !filters_match_exact(filters, "status", c->state) ||
	    !filters_match_label(filters, json_object_get(c->config, "Labels")))
		return false;
	snprintf(exit_code, sizeof(exit_code), "%d", c->exit_code);
	if (filters_has(filters, "exited") &&
	    (strcmp(c->state, "exited") != 0 || !filters_match_exact(filters, "exited", exit_code)))
		return false;
	if (filters_has(filters, "health")) {
		char health[32];
		if (!filters_match_exact(filters, "health",
					 container_health_status(engine, c, health, sizeof(health))))
			return false;
	}
	if (filters_has(filters, "ancestor")) {
		any = false;
		json_array_foreach(json_object_get(filters, "ancestor"), i, v)
			any |= json_string_value(v) && ancestor_matches(engine, c, json_string_value(v));
		if (!any)
			return false;
	}
	return true;
}

/* Created time of the container named by a before/since filter, or -1. */
static int64_t filter_anchor(struct engine *engine, json_t *filters, const char *key, berr *err)
{
	json_t *v = json_array_get(json_object_get(filters, key), 0);
	struct container c;
	int64_t created;

	if (!v)
		return -1;
	if (container_find(engine, json_string_value(v), &c, err) < 0)
		return -2;
	created = c.created;
	container_free(&c);
	return created;
}

static int cmd_list(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct engine *engine = cmd_engine(ctx);
	json_t *filters = filters_from_api(json_object_get(args, "filters"));
	bool all = json_is_true(json_object_get(args, "all"));
	bool size = json_is_true(json_object_get(args, "size"));
	long limit = json_is_integer(json_object_get(args, "limit"))
			     ? (long)json_integer_value(json_object_get(args, "limit"))
			     : -1;
	struct container_rows *rows;
	int64_t before, since;
	json_t *out;

	if (!filters || filters_validate(filters, list_filter_keys, err) < 0 ||
	    check_status_filter(filters, err) < 0 || check_health_filter(filters, err) < 0)
		goto fail;
	if ((before = filter_anchor(engine, filters, "before", err)) == -2 ||
	    (since = filter_anchor(engine, filters, "since", err)) == -2)
		goto fail;
	if (limit > 0 || before >= 0 || since >= 0 || filters_has(filters, "status") ||
	    filters_has(filters, "exited"))
		all = true;
	if (container_rows_get(engine, &rows, err) < 0)
		goto fail;
	out = json_array();
	for (size_t i = 0; i < rows->count; i++) {
		const struct container *c = &rows->list[i];
		if (!all && !container_is_active(c))
			continue;
		if (before >= 0 && c->created >= before)
			continue;
		if (since >= 0 && c->created <= since)
			continue;
		if (!container_matches(engine, c, filters))
			continue;
		if (limit > 0 && (long)json_array_size(out) >= limit)
			break;
		json_t *base = container_rows_summary(engine, rows, i);
		json_t *row = container_summary_row(engine, c, base, size);
		if (!summary_matches(row, filters)) {
			json_decref(row);
			continue;
		}
		json_array_append_new(out, row);
	}
	container_rows_put(engine, rows);
	json_decref(filters);
	*result = out;
	return 0;
fail:
	json_decref(filters);
	return -1;
}

/* A prune's "until" filter: containers created before that time go. */
static int prune_until(json_t *filters, int64_t *until, berr *err)
{
	json_t *values = json_object_get(filters, "until");

	*until = -1;
	if (json_array_size(values) > 1)
		return berr_set(err, BERR_INVALID, "more than one until filter specified");
	if (json_array_size(values) == 0)
		return 0;
	return units_parse_timestamp(json_string_value(json_array_get(values, 0)), clock_now_nanos(),
				     until, err);
}

static int cmd_prune(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	static const char *const keys[] = {"label", "label!", "until", NULL};
	struct engine *engine = cmd_engine(ctx);
	json_t *filters = filters_from_api(json_object_get(args, "filters"));
	struct container *list = NULL;
	size_t count = 0;
	json_t *deleted = json_array();
	int64_t until = -1, reclaimed = 0;

	if (!filters || filters_validate(filters, keys, err) < 0 ||
	    prune_until(filters, &until, err) < 0 ||
	    container_load_all(engine, &list, &count, err) < 0) {
		if (!filters)
			berr_set(err, BERR_INVALID, "invalid filters");
		json_decref(filters);
		json_decref(deleted);
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		struct container *c = &list[i];
		int64_t size;

		if (container_is_active(c) || (until >= 0 && c->created >= until) ||
		    !filters_match_label(filters, json_object_get(c->config, "Labels")))
			continue;
		size = container_rw_size(engine, c);
		if (container_remove(engine, c, false, NULL) == 0) {
			json_array_append_new(deleted, json_string(c->id));
			reclaimed += size;
		}
	}
	container_free_all(list, count);
	json_decref(filters);
	*result = json_pack("{s:o, s:I}", "ContainersDeleted", deleted, "SpaceReclaimed",
			    (json_int_t)reclaimed);
	return 0;
}

static int cmd_export(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	json_t *fd = json_object_get(args, "fd");
	struct container c;
	int rc;

	if (!json_is_integer(fd))
		return berr_set(err, BERR_INVALID, "export needs an output");
	if (find_arg(ctx, args, &c, err) < 0)
		return -1;
	rc = container_export(cmd_engine(ctx), &c, (int)json_integer_value(fd), err);
	container_free(&c);
	if (rc == 0)
		*result = json_object();
	return rc;
}

static int cmd_pause(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct container c;
	const char *ref = json_string_value(json_object_get(args, "id"));
	int rc;

	if (!ref || container_find(cmd_engine(ctx), ref, &c, err) < 0)
		return ref ? -1 : berr_set(err, BERR_INVALID, "no container given");
	rc = container_pause(cmd_engine(ctx), &c, err);
	container_free(&c);
	if (rc == 0)
		*result = json_object();
	return rc;
}

static int cmd_unpause(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct container c;
	const char *ref = json_string_value(json_object_get(args, "id"));
	int rc;

	if (!ref || container_find(cmd_engine(ctx), ref, &c, err) < 0)
		return ref ? -1 : berr_set(err, BERR_INVALID, "no container given");
	rc = container_unpause(cmd_engine(ctx), &c, err);
	container_free(&c);
	if (rc == 0)
		*result = json_object();
	return rc;
}

const struct engine_command container_commands[] = {
	{"container.create", cmd_create},   {"container.start", cmd_start},
	{"container.attach", cmd_attach},   {"container.stop", cmd_stop},
	{"container.restart", cmd_restart}, {"container.kill", cmd_kill},
	{"container.remove", cmd_remove},   {"container.rename", cmd_rename},
	{"container.wait", cmd_wait},	    {"container.logs", cmd_logs},
	{"container.inspect", cmd_inspect}, {"container.list", cmd_list},
	{"container.prune", cmd_prune},     {"container.export", cmd_export},
	{"container.pause", cmd_pause},     {"container.unpause", cmd_unpause},
	{NULL, NULL},
};
