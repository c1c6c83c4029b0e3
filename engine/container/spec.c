/* Writing the spec file that berth-shim reads to build the container
 * (format: engine/runtime/shim_protocol.h). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <seccomp.h>
#include <unistd.h>
#include <linux/magic.h>

#include "engine/network/network.h"
#include "engine/container/cgroup.h"
#include "engine/container/internal.h"
#include "engine/container/health.h"
#include "engine/container/exec.h"
#include "engine/container/resources.h"
#include "engine/container/rootfs.h"
#include "engine/container/security.h"
#include "engine/container/spec.h"
#include "engine/logging/log_config.h"
#include "engine/runtime/spec_text.h"
#include "engine/core/fsutil.h"
#include "engine/runtime/seccomp.h"
#include "engine/volume/volume.h"

static const char *const masked_paths[] = {
	"/proc/acpi",	    "/proc/asound",	"/proc/interrupts", "/proc/kcore",
	"/proc/keys",	    "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi",
	"/proc/timer_list", "/proc/timer_stats", "/sys/devices/virtual/powercap",
	"/sys/firmware",
};

static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

struct default_device {
	const char *path;
	int major, minor;
};

static const struct default_device default_devices[] = {
	{"/dev/null", 1, 3},    {"/dev/zero", 1, 5}, {"/dev/full", 1, 7},
	{"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

static bool host_is_cgroup2_only(void)
{
	struct statfs sfs;

	return statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

/* The compiled default seccomp program for this capability set, cached
 * under the data root and built on first use. */
static int seccomp_program_path(struct engine *engine, uint64_t caps, char *path, size_t n,
				berr *err)
{
	char dir[PATH_MAX];

	struct utsname uts;
	const struct scmp_version *lib = seccomp_version();

	/* The program depends on the kernel and on libseccomp: both name the file. */
	uname(&uts);
	snprintf(dir, sizeof(dir), "%s/seccomp", engine_root(engine));
	if (snprintf(path, n, "%s/seccomp/default-%016llx-%s-%u.%u.%u.bpf", engine_root(engine),
		     (unsigned long long)caps, uts.release, lib ? lib->major : 0,
		     lib ? lib->minor : 0, lib ? lib->micro : 0) >= (int)n)
		return berr_set(err, BERR_INVALID, "data root path too long");
	if (access(path, R_OK) == 0)
		return 0;
	if (fs_mkdir_p(dir, 0700, err) < 0)
		return -1;
	return seccomp_write_default(caps, path, err);
}

static void spec_put_args(struct strbuf *b, json_t *config)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(config, "Entrypoint"), i, v)
		spec_put(b, "arg", json_string_value(v) ? json_string_value(v) : "");
	json_array_foreach(json_object_get(config, "Cmd"), i, v)
		spec_put(b, "arg", json_string_value(v) ? json_string_value(v) : "");
}

/* The seccomp record: none when unconfined, the container's own compiled
 * profile, or the cached default program for these capabilities. */
static int spec_put_seccomp(struct engine *engine, const struct security_opts *sec, uint64_t caps,
			    const char *bundle, struct strbuf *b, berr *err)
{
	char path[PATH_MAX];
	int rc = 0;

	if (sec->seccomp == SECURITY_SECCOMP_UNCONFINED)
		return 0;
	if (sec->seccomp == SECURITY_SECCOMP_PROFILE)
		rc = security_seccomp_compile(sec, caps, bundle, path, sizeof(path), err);
	else if (seccomp_program_path(engine, caps, path, sizeof(path), err) < 0)
		return berr_prefix(err, "preparing the seccomp profile");
	if (rc == 0)
		spec_put(b, "seccomp", path);
	return rc < 0 ? -1 : 0;
}

/* Resource limits (cgroup-set, rlimit, shm-size), extra groups, devices
 * and sysctls from the HostConfig. */
static int spec_put_limits(const struct container *c, struct strbuf *b, berr *err)
{
	struct cgroup_features f;
	json_t *records = json_array(), *r;
	size_t i;

	resources_probe(&f);
	resources_spec_records(c->host_config, &f, records);
	if (security_spec_records(c->host_config, records, err) < 0) {
		json_decref(records);
		return -1;
	}
	json_array_foreach(records, i, r)
		spec_put(b, json_string_value(json_array_get(r, 0)),
			 json_string_value(json_array_get(r, 1)));
	json_decref(records);
	return 0;
}

/* The container and its engine, for opening its view during copy-up. */
struct view_ctx {
	struct engine *engine;
	const struct container *c;
};

/* The container's layer over the image's, read-only, for copy-up. */
static int open_view(void *ctx, int *fd, berr *err)
{
	struct view_ctx *v = ctx;

	return container_rootfs_mount(v->engine, v->c, ROOTFS_INIT, fd, err);
}

/* The container's volumes, binds and tmpfs mounts as `mount` records,
 * after the volume subsystem has made bind sources and copied the image's
 * content into empty volumes. */
static int spec_put_mounts(struct engine *engine, const struct container *c, struct strbuf *b,
			   berr *err)
{
	struct view_ctx view = {engine, c};
	struct volume_rootfs root = {open_view, &view};
	json_t *records = NULL, *r;
	size_t i;
	int rc = -1;

	if (volume_prepare(engine, c->id, c->host_config, &root, &records, err) < 0)
		goto out;
	json_array_foreach(records, i, r) {
		char *line = NULL;
		if (asprintf(&line, "%s\t%s\t%s\t%s", json_string_value(json_array_get(r, 0)),
			     json_string_value(json_array_get(r, 1)),
			     json_string_value(json_array_get(r, 2)),
			     json_string_value(json_array_get(r, 3))) < 0) {
			berr_errno(err, ENOMEM, "preparing mounts");
			goto out;
		}
		spec_put(b, "mount", line);
		free(line);
	}
	rc = 0;
out:
	json_decref(records);
	return rc;
}

/* The log-* records: the driver, where lines are kept, the tag and the
 * attributes, from the container's identity. */
static int spec_put_logging(struct strbuf *b, const struct container *c, const char *bundle,
			    berr *err)
{
	json_t *config = c->config, *v;
	struct strbuf command = {0};
	size_t i;

	json_array_foreach(json_object_get(config, "Entrypoint"), i, v) {
		if (command.len)
			strbuf_addc(&command, ' ');
		strbuf_adds(&command, json_string_value(v) ? json_string_value(v) : "");
	}
	json_array_foreach(json_object_get(config, "Cmd"), i, v) {
		if (command.len)
			strbuf_addc(&command, ' ');
		strbuf_adds(&command, json_string_value(v) ? json_string_value(v) : "");
	}
	const struct log_context lc = {
		.id = c->id,
		.name = c->name,
		.image_id = c->image_id,
		.image_name = c->image_ref ? c->image_ref
					   : json_string_value(json_object_get(config, "Image")),
		.command = command.len ? command.s : "",
		.created = c->created,
		.labels = json_object_get(config, "Labels"),
		.env = json_object_get(config, "Env"),
	};
	int rc = log_config_spec(b, bundle, &lc, json_object_get(c->host_config, "LogConfig"), err);
	strbuf_free(&command);
	return rc;
}

int spec_write(struct engine *engine, const struct container *c, bool attach,
	       const struct network_sandbox *net, json_t *extra_env, berr *err)
{
	char bundle[PATH_MAX], path[PATH_MAX + 32];
	struct strbuf b = {0};
	json_t *config = c->config, *hc = c->host_config, *v;
	const char *network = json_string_value(json_object_get(hc, "NetworkMode"));
	bool privileged = json_is_true(json_object_get(hc, "Privileged"));
	struct security_opts sec;
	uint64_t caps;
	size_t i;
	int rc;

	if (security_caps(hc, &caps, err) < 0 || security_parse_opts(hc, &sec, err) < 0)
		return -1;
	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	spec_put(&b, "id", c->id);
	spec_putf(&b, "layers-dir", "%s/layers", engine_root(engine));
	/* The init layer (mount points) sits above the image, when it exists:
	 * containers made before it was introduced have none. */
	char init_dir[PATH_MAX + 8];
	snprintf(init_dir, sizeof(init_dir), "%s/init", bundle);
	if (access(init_dir, F_OK) == 0)
		spec_put(&b, "lower", init_dir);
	for (i = json_array_size(c->layers); i-- > 0;) {
		const char *chain = json_string_value(json_array_get(c->layers, i));
		const char *hex = chain && strncmp(chain, "sha256:", 7) == 0 ? chain + 7 : chain;
		spec_putf(&b, "lower", "%s/diff", hex ? hex : "");
	}
	spec_putf(&b, "upper", "%s/upper", bundle);
	spec_putf(&b, "work", "%s/work", bundle);
	spec_putf(&b, "rootfs", "%s/rootfs", bundle);
	spec_put(&b, "readonly-rootfs",
		 json_is_true(json_object_get(hc, "ReadonlyRootfs")) ? "1" : "0");
	spec_put_args(&b, config);
	json_t *env = container_env(c, json_is_true(json_object_get(config, "Tty")), extra_env);
	json_array_foreach(env, i, v)
		spec_put(&b, "env", json_string_value(v));
	json_decref(env);
	v = json_object_get(config, "WorkingDir");
	spec_put(&b, "cwd", json_string_length(v) ? json_string_value(v) : "/");
	v = json_object_get(config, "User");
	if (json_string_length(v))
		spec_put(&b, "user", json_string_value(v));
	spec_put(&b, "hostname", json_string_value(json_object_get(config, "Hostname")));
	spec_putf(&b, "etc-hostname", "%s/hostname", bundle);
	spec_putf(&b, "etc-hosts", "%s/hosts", bundle);
	spec_putf(&b, "etc-resolv", "%s/resolv.conf", bundle);
	spec_put(&b, "tty", json_is_true(json_object_get(config, "Tty")) ? "1" : "0");
	if (json_is_true(json_object_get(config, "Tty")))
		spec_put_console_size(&b, json_object_get(hc, "ConsoleSize"));
	spec_put(&b, "open-stdin", json_is_true(json_object_get(config, "OpenStdin")) ? "1" : "0");
	spec_put(&b, "stdin-once", json_is_true(json_object_get(config, "StdinOnce")) ? "1" : "0");
	spec_put(&b, "attach-fd", attach ? "1" : "0");
	spec_put(&b, "namespace", "mount");
	spec_put(&b, "namespace", "uts");
	spec_put(&b, "namespace", "ipc");
	spec_put(&b, "namespace", "pid");
	if (net->netns_fd >= 0)
		spec_put(&b, "net-join", "1");
	else if (!network || strcmp(network, "host") != 0)
		spec_put(&b, "namespace", "net");
	if (net->dns_fd >= 0) {
		json_t *t;
		size_t k;
		spec_put(&b, "dns-fd", "1");
		spec_put(&b, "dns-dir", net->dns_dir);
		spec_put(&b, "dns-container", c->id);
		json_array_foreach(net->dns_upstreams, k, t)
			spec_put(&b, "dns-upstream", json_string_value(t));
	}
	for (size_t k = 0; k < net->nproxy; k++)
		spec_put(&b, "proxy", net->proxy_targets[k]);
	if (host_is_cgroup2_only())
		spec_put(&b, "namespace", "cgroup");
	spec_put(&b, "cgroup-parent", container_cgroup_parent());
	for (int cap = 0; cap < 64; cap++)
		if (caps & (1ULL << cap))
			spec_putf(&b, "cap", "%d", cap);
	if (!privileged) {
		if (spec_put_seccomp(engine, &sec, caps, bundle, &b, err) < 0) {
			strbuf_free(&b);
			return -1;
		}
		for (i = 0; i < sizeof(masked_paths) / sizeof(masked_paths[0]); i++)
			spec_put(&b, "masked", masked_paths[i]);
		for (i = 0; i < sizeof(readonly_paths) / sizeof(readonly_paths[0]); i++)
			spec_put(&b, "readonly", readonly_paths[i]);
	}
	spec_put(&b, "no-new-privileges", sec.no_new_privileges ? "1" : "0");
	json_t *rp = json_object_get(hc, "RestartPolicy");
	const char *policy = json_string_value(json_object_get(rp, "Name"));
	spec_putf(&b, "restart", "%s %lld", policy && *policy ? policy : "no",
		  (long long)json_integer_value(json_object_get(rp, "MaximumRetryCount")));
	struct health_params health;
	if (container_health_params(config, &health))
		spec_putf(&b, "health", "%lld %lld %lld %d", health.interval_ns, health.timeout_ns,
			  health.start_period_ns, health.retries);
	for (i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++)
		spec_putf(&b, "device", "%s c %d %d 0666", default_devices[i].path,
			  default_devices[i].major, default_devices[i].minor);
	if (spec_put_limits(c, &b, err) < 0 || spec_put_mounts(engine, c, &b, err) < 0) {
		strbuf_free(&b);
		return -1;
	}
	if (spec_put_logging(&b, c, bundle, err) < 0) {
		strbuf_free(&b);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/spec", bundle);
	rc = fs_write_atomic(path, b.s, b.len, err);
	strbuf_free(&b);
	return rc;
}
