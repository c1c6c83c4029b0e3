/* Starting a container: write its spec, spawn its monitor, wait for the
 * monitor's word that the command runs, record it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/container/internal.h"
#include "engine/container/exec.h"
#include "engine/container/spec.h"
#include "engine/core/clock.h"
#include "engine/events/events.h"
#include "engine/core/fsutil.h"
#include "engine/core/intent.h"
#include "engine/container/etc_hosts.h"
#include "engine/container/links.h"
#include "engine/container/netns.h"
#include "engine/network/network.h"
#include "engine/runtime/shim_client.h"

static void record_start_failure(struct engine *engine, struct container *c, const berr *failure)
{
	struct store *st = engine_store(engine, NULL);
	char run_dir[PATH_MAX], path[PATH_MAX + 16];

	/* nothing runs: nothing for a later sync to adopt */
	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	snprintf(path, sizeof(path), "%s/started", run_dir);
	unlink(path);

	if (failure->kind == BERR_CMD_NOT_FOUND)
		c->exit_code = 127;
	else if (failure->kind == BERR_CANNOT_EXEC)
		c->exit_code = 126;
	else
		c->exit_code = 128;
	free(c->error);
	c->error = strdup(failure->msg);
	if (st)
		container_save(st, c, NULL);
}

/* --network container:<id>: that container's namespace, while it runs. */
static int join_container_network(struct engine *engine, const char *ref,
				  struct network_sandbox *out, berr *err)
{
	struct container other;

	if (container_find(engine, ref, &other, err) < 0)
		return -1;
	if (strcmp(other.state, "running") != 0) {
		berr_set(err, BERR_CONFLICT, "cannot join network of a non running container: %s",
			 other.id);
		container_free(&other);
		return -1;
	}
	/* by descriptor from its monitor, never by a pid that may be reused */
	out->netns_fd = container_netns_open(engine, &other, NULL);
	if (out->netns_fd < 0)
		berr_set(err, BERR_CONFLICT, "cannot join network of a non running container: %s",
			 other.id);
	container_free(&other);
	return out->netns_fd < 0 ? -1 : 0;
}

/* The container's networks: its namespace to join (none for host and
 * none: the monitor makes an empty one for none) and its /etc/hosts. */
static int open_network(struct engine *engine, struct container *c, const char *bundle,
			struct network_sandbox *net, json_t *link_env, berr *err)
{
	const char *mode = json_string_value(json_object_get(c->host_config, "NetworkMode"));

	memset(net, 0, sizeof(*net));
	net->netns_fd = net->dns_fd = -1;
	if (mode && strncmp(mode, "container:", 10) == 0) {
		if (join_container_network(engine, mode + 10, net, err) < 0)
			return -1;
	} else if (network_mode_is_network(mode) &&
		   network_container_start(engine, c->id, c->config, c->host_config, net, err) < 0) {
		return -1;
	}
	struct strbuf hosts = {0};
	strbuf_adds(&hosts, net->hosts ? net->hosts : "");
	int rc = container_links_start(engine, c, &hosts, link_env, err);
	if (rc == 0)
		rc = etc_hosts_write(bundle, c->host_config, hosts.s ? hosts.s : "", net->gateway, err);
	strbuf_free(&hosts);
	if (rc < 0) {
		network_sandbox_close(net);
		network_container_stopped(engine, c->id);
		return -1;
	}
	return 0;
}

/* Spawns the monitor, waits for its word and records the start. */
static int spawn_and_record(struct engine *engine, struct container *c, int attach_fd,
			    int64_t started, berr *err)
{
	char bundle[PATH_MAX], run_dir[PATH_MAX];
	const char *args[] = {bundle, run_dir, NULL};
	struct shim_started started_as;
	struct network_sandbox net;
	bool reported;
	struct store *st;
	int rc;

	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	json_t *link_env = json_array();
	if (open_network(engine, c, bundle, &net, link_env, err) < 0) {
		json_decref(link_env);
		return -1;
	}
	rc = spec_write(engine, c, attach_fd >= 0, &net, link_env, err);
	json_decref(link_env);
	if (rc < 0 || container_health_spec_write(engine, c, err) < 0) {
		network_sandbox_close(&net);
		network_container_stopped(engine, c->id);
		return -1;
	}
	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	/* a local error: the failure is recorded even for a caller that
	 * asks for none (a restart at boot) */
	berr failure = {0};
	struct shim_fds fds = {.attach = attach_fd, .netns = net.netns_fd, .dns = net.dns_fd,
			       .proxy = net.proxy_fds, .nproxy = net.nproxy};
	rc = runtime_shim_start(args, &fds, &started_as, &reported, &failure);
	/* the monitor holds the namespace now; ours goes */
	network_sandbox_close(&net);
	if (rc < 0) {
		/* a monitor that reported a failure has exited, its namespace with it */
		network_container_stopped(engine, c->id);
		if (reported)
			record_start_failure(engine, c, &failure);
		if (err)
			*err = failure;
		return -1;
	}
	st = engine_store(engine, err);
	if (!st)
		return -1;
	snprintf(c->state, sizeof(c->state), "running");
	c->pid = (int)started_as.pid;
	c->shim_pid = (int)started_as.monitor;
	c->exit_code = 0;
	c->started_at = started;
	c->finished_at = 0;
	c->oom_killed = false;
	free(c->error);
	c->error = strdup("");
	if (store_begin(st, err) < 0)
		return -1;
	if (container_save(st, c, err) < 0) {
		store_rollback(st);
		return -1;
	}
	json_t *attrs = container_event_attributes(c, NULL);
	engine_emit(engine, "container", "start", c->id, attrs);
	return store_commit(st, err);
}

/* The start itself, under the container's lock. Intent first: the run
 * directory gets "started" (this start's time) and the run root an intent
 * record naming this process, before the monitor is spawned. If this
 * process dies before it records the start, the next berth finds the
 * intent of a dead process, and a monitor whose start the row does not
 * know, and adopts it (sync.c). */
static int start_locked(struct engine *engine, struct container *c, int attach_fd, berr *err)
{
	char run_dir[PATH_MAX], path[PATH_MAX + 16], intent[PATH_MAX], stamp[32];
	int64_t started = clock_now_nanos();
	int rc;

	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	if (fs_remove_tree(run_dir, err) < 0 || fs_mkdir_p(run_dir, 0700, err) < 0)
		return berr_prefix(err, "preparing the run directory");
	snprintf(path, sizeof(path), "%s/started", run_dir);
	snprintf(stamp, sizeof(stamp), "%lld", (long long)started);
	if (fs_write_atomic(path, stamp, strlen(stamp), err) < 0)
		return berr_prefix(err, "preparing the run directory");
	if (intent_begin(engine, "start", c->id, intent, sizeof(intent), err) < 0)
		return berr_prefix(err, "preparing the start");
	rc = spawn_and_record(engine, c, attach_fd, started, err);
	intent_end(intent);
	return rc;
}

int container_start(struct engine *engine, struct container *c, int attach_fd, berr *err)
{
	struct container now;
	int lock, rc = 0;

	if (container_is_active(c))
		return 0;
	lock = container_lock(engine, c->id, true, err);
	if (lock < 0)
		return -1;
	/* Another process may have started it meanwhile, or died starting it
	 * and left its monitor running: what the row and the run directory
	 * say now, under the lock, decides. */
	if (container_find(engine, c->id, &now, err) < 0) {
		container_unlock(lock);
		return -1;
	}
	container_free(c);
	*c = now;
	if (!container_is_active(c))
		rc = start_locked(engine, c, attach_fd, err);
	container_unlock(lock);
	return rc;
}
