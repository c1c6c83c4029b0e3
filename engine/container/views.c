/* The Docker-shaped JSON views of a container: inspect and list rows. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/network/network.h"
#include "engine/container/internal.h"
#include "engine/logging/log_config.h"
#include "engine/container/health.h"
#include "engine/container/exec.h"
#include "engine/core/fsutil.h"
#include "engine/core/clock.h"
#include "engine/core/units.h"
#include "engine/image/image.h"
#include "engine/volume/volume.h"

static json_t *time_json(int64_t nanos)
{
	char buf[64];

	if (nanos <= 0)
		return json_string("0001-01-01T00:00:00Z");
	units_rfc3339nano(nanos, buf, sizeof(buf));
	return json_string(buf);
}

/* The container's command as argv: entrypoint then cmd. */
static json_t *command_argv(const struct container *c)
{
	json_t *argv = json_array(), *v;
	size_t i;

	json_array_foreach(json_object_get(c->config, "Entrypoint"), i, v)
		json_array_append(argv, v);
	json_array_foreach(json_object_get(c->config, "Cmd"), i, v)
		json_array_append(argv, v);
	return argv;
}

static json_t *state_json(const struct container *c)
{
	bool running = container_is_active(c);

	return json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:i, s:i, s:s, s:o, s:o}", "Status",
			 c->state, "Running", running, "Paused", strcmp(c->state, "paused") == 0,
			 "Restarting", strcmp(c->state, "restarting") == 0, "OOMKilled",
			 c->oom_killed, "Dead", strcmp(c->state, "dead") == 0, "Removing",
			 strcmp(c->state, "removing") == 0, "Pid", running ? c->pid : 0, "ExitCode",
			 c->exit_code, "Error", c->error ? c->error : "", "StartedAt",
			 time_json(c->started_at), "FinishedAt", time_json(c->finished_at));
}

static json_t *network_settings_json(struct engine *engine, const struct container *c)
{
	return network_container_settings(engine, c->id, c->config, c->host_config, c->pid,
					  container_is_active(c));
}

json_t *container_inspect_json(struct engine *engine, const struct container *c)
{
	char bundle[PATH_MAX], path[PATH_MAX + 96], lower[8192] = "", name[260];
	json_t *argv = command_argv(c), *out, *args;
	size_t off = 0;

	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	for (size_t i = json_array_size(c->layers); i-- > 0;) {
		const char *chain = json_string_value(json_array_get(c->layers, i));
		if (chain && strncmp(chain, "sha256:", 7) == 0)
			chain += 7;
		off += (size_t)snprintf(lower + off, sizeof(lower) - off, "%s%s/layers/%s/diff",
					off ? ":" : "", engine_root(engine), chain ? chain : "");
		if (off >= sizeof(lower))
			break;
	}
	snprintf(name, sizeof(name), "/%s", c->name);
	args = json_array();
	for (size_t i = 1; i < json_array_size(argv); i++)
		json_array_append(args, json_array_get(argv, i));
	out = json_object();
	json_object_set_new(out, "Id", json_string(c->id));
	json_object_set_new(out, "Created", time_json(c->created));
	json_object_set(out, "Path", json_array_size(argv) ? json_array_get(argv, 0) : json_string(""));
	json_object_set_new(out, "Args", args);
	json_t *state = state_json(c), *health = container_health_json(engine, c);
	if (health)
		json_object_set_new(state, "Health", health);
	/* berth's own: log lines a receiver never got (non-blocking mode, or
	 * given up); always 0 for json-file and local, written by the monitor */
	json_object_set_new(state, "LogDropped", json_integer(container_log_dropped(engine, c)));
	json_object_set_new(out, "State", state);
	json_object_set_new(out, "Image", json_string(c->image_id));
	snprintf(path, sizeof(path), "%s/resolv.conf", bundle);
	json_object_set_new(out, "ResolvConfPath", json_string(path));
	snprintf(path, sizeof(path), "%s/hostname", bundle);
	json_object_set_new(out, "HostnamePath", json_string(path));
	snprintf(path, sizeof(path), "%s/hosts", bundle);
	json_object_set_new(out, "HostsPath", json_string(path));
	/* Docker shows json-file's path only (local's and the cache's are its own) */
	json_t *log_config = json_object_get(c->host_config, "LogConfig");
	const char *driver = json_string_value(json_object_get(log_config, "Type"));
	if (log_config_store(driver, json_object_get(log_config, "Config")) != LOG_STORE_JSON ||
	    !log_config_path(bundle, c->id, driver, NULL, path, sizeof(path)))
		path[0] = '\0';
	json_object_set_new(out, "LogPath", json_string(path));
	json_object_set_new(out, "Name", json_string(name));
	json_object_set_new(out, "RestartCount", json_integer(c->restart_count));
	json_object_set_new(out, "Driver", json_string("overlay2"));
	json_object_set_new(out, "Platform", json_string("linux"));
	json_object_set_new(out, "MountLabel", json_string(""));
	json_object_set_new(out, "ProcessLabel", json_string(""));
	json_object_set_new(out, "AppArmorProfile", json_string(""));
	json_object_set_new(out, "ExecIDs", json_null());
	json_object_set(out, "HostConfig", c->host_config);
	json_t *graph = json_object();
	json_object_set_new(graph, "LowerDir", json_string(lower));
	snprintf(path, sizeof(path), "%s/rootfs", bundle);
	json_object_set_new(graph, "MergedDir", json_string(path));
	snprintf(path, sizeof(path), "%s/upper", bundle);
	json_object_set_new(graph, "UpperDir", json_string(path));
	snprintf(path, sizeof(path), "%s/work", bundle);
	json_object_set_new(graph, "WorkDir", json_string(path));
	json_object_set_new(out, "GraphDriver",
			    json_pack("{s:o, s:s}", "Data", graph, "Name", "overlay2"));
	json_object_set_new(out, "Mounts", volume_mounts_inspect(engine, c->id));
	json_object_set(out, "Config", c->config);
	json_object_set_new(out, "NetworkSettings", network_settings_json(engine, c));
	json_decref(argv);
	return out;
}

/* Docker's status column: "Up 5 minutes", "Exited (0) 2 hours ago", "Created". */
static void status_text(const struct container *c, char *buf, size_t n)
{
	char human[64];
	int64_t now = clock_now_nanos();

	if (strcmp(c->state, "running") == 0 || strcmp(c->state, "paused") == 0) {
		units_human_duration(now - c->started_at, human, sizeof(human));
		snprintf(buf, n, "Up %s%s", human,
			 strcmp(c->state, "paused") == 0 ? " (Paused)" : "");
	} else if (strcmp(c->state, "restarting") == 0) {
		units_human_duration(now - c->finished_at, human, sizeof(human));
		snprintf(buf, n, "Restarting (%d) %s ago", c->exit_code, human);
	} else if (strcmp(c->state, "removing") == 0) {
		snprintf(buf, n, "Removal In Progress");
	} else if (strcmp(c->state, "dead") == 0) {
		snprintf(buf, n, "Dead");
	} else if (strcmp(c->state, "created") == 0) {
		snprintf(buf, n, "Created");
	} else if (c->finished_at > 0) {
		units_human_duration(now - c->finished_at, human, sizeof(human));
		snprintf(buf, n, "Exited (%d) %s ago", c->exit_code, human);
	} else {
		buf[0] = '\0';
	}
}

int64_t container_rw_size(struct engine *engine, const struct container *c)
{
	char bundle[PATH_MAX], upper[PATH_MAX + 8];
	int fd;

	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	snprintf(upper, sizeof(upper), "%s/upper", bundle);
	fd = open(upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd >= 0 ? fs_tree_bytes(fd) : 0;
}

json_t *container_summary_base(struct engine *engine, const struct container *c)
{
	char name[260];
	json_t *argv = command_argv(c), *v, *out;
	char *command = NULL;
	size_t len = 0, i;
	FILE *mem = open_memstream(&command, &len);

	/* Docker's list quotes an argument holding a space: sh -c 'a b'. */
	json_array_foreach(argv, i, v) {
		const char *arg = json_string_value(v) ? json_string_value(v) : "";
		bool quote = i > 0 && strchr(arg, ' ');

		fprintf(mem, "%s%s%s%s", i ? " " : "", quote ? "'" : "", arg, quote ? "'" : "");
	}
	fclose(mem);
	snprintf(name, sizeof(name), "/%s", c->name);
	out = json_object();
	json_object_set_new(out, "Id", json_string(c->id));
	json_object_set_new(out, "Names", json_pack("[s]", name));
	json_object_set_new(out, "Image", json_string(c->image_ref));
	json_object_set_new(out, "ImageID", json_string(c->image_id));
	json_object_set_new(out, "Command", json_string(command ? command : ""));
	json_object_set_new(out, "Created", json_integer(c->created / 1000000000));
	json_object_set_new(out, "Ports", network_container_ports(engine, c->id, c->config,
								   container_is_active(c)));
	json_t *labels = json_object_get(c->config, "Labels");
	json_object_set_new(out, "Labels", json_is_object(labels) ? json_incref(labels) : json_object());
	json_object_set_new(out, "State", json_string(c->state));
	/* in Docker's place; container_summary_row writes it */
	json_object_set_new(out, "Status", json_string(""));
	json_object_set_new(out, "HostConfig",
			    json_pack("{s:O}", "NetworkMode",
				      json_object_get(c->host_config, "NetworkMode")));
	json_t *ns = network_settings_json(engine, c);
	json_object_set_new(out, "NetworkSettings",
			    json_pack("{s:O}", "Networks", json_object_get(ns, "Networks")));
	json_decref(ns);
	json_object_set_new(out, "Mounts", volume_mounts_inspect(engine, c->id));
	free(command);
	json_decref(argv);
	return out;
}

json_t *container_summary_row(struct engine *engine, const struct container *c, json_t *base,
			      bool size)
{
	char status[128];
	json_t *out = json_copy(base);

	status_text(c, status, sizeof(status));
	if (strcmp(c->state, "running") == 0) {
		/* Docker's suffix: " (healthy)", " (unhealthy)", " (health: starting)" */
		char health[32];
		size_t used = strlen(status);
		container_health_status(engine, c, health, sizeof(health));
		if (strcmp(health, "none") != 0)
			snprintf(status + used, sizeof(status) - used, " (%s%s)",
				 strcmp(health, "starting") == 0 ? "health: " : "", health);
	}
	json_object_set_new(out, "Status", json_string(status));
	if (size) {
		struct store *st = engine_store(engine, NULL);
		int64_t rw = container_rw_size(engine, c), image = st ? image_size(st, c->image_id) : -1;

		json_object_set_new(out, "SizeRw", json_integer(rw));
		json_object_set_new(out, "SizeRootFs", json_integer(rw + (image > 0 ? image : 0)));
	}
	return out;
}

json_t *container_summary_json(struct engine *engine, const struct container *c, bool size)
{
	json_t *base = container_summary_base(engine, c);
	json_t *out = container_summary_row(engine, c, base, size);

	json_decref(base);
	return out;
}
