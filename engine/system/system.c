/* system.info, system.version and system.df: what `berth info`, `berth
 * version` and `berth system df` show, in the Engine API's shapes. */
#include "engine/system/system.h"
#include "engine/core/host_arch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/magic.h>


static const char *cgroup_version(void)
{
	struct statfs sfs;

	if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
		return "2";
	return "1";
}

/* Docker's name for the filesystem under the data root ("extfs", "xfs"...). */
static const char *backing_filesystem(const char *root)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} names[] = {
		{0xEF53, "extfs"},    {0x58465342, "xfs"},  {0x9123683E, "btrfs"},
		{0x01021994, "tmpfs"}, {0x2FC12FC1, "zfs"}, {0x794C7630, "overlayfs"},
		{0x6969, "nfs"},       {0x858458F6, "ramfs"}, {0xF2F52010, "f2fs"},
		{0x73717368, "squashfs"},
	};
	struct statfs sfs;

	if (statfs(root, &sfs) < 0)
		return "<unknown>";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((unsigned long)sfs.f_type == names[i].magic)
			return names[i].name;
	return "<unknown>";
}

/* The security options in force by default, as Docker lists them: the
 * seccomp profile when the kernel filters, a cgroup namespace on v2. */
static json_t *security_options(void)
{
	json_t *opts = json_array();

	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 || errno != EINVAL)
		json_array_append_new(opts, json_string("name=seccomp,profile=builtin"));
	if (strcmp(cgroup_version(), "2") == 0)
		json_array_append_new(opts, json_string("name=cgroupns"));
	return opts;
}

static char *os_name(void)
{
	char line[256];
	FILE *f = fopen("/etc/os-release", "re");
	char *name = NULL;

	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "PRETTY_NAME=", 12) == 0) {
			char *v = line + 12;
			v[strcspn(v, "\n")] = '\0';
			if (*v == '"') {
				v++;
				v[strcspn(v, "\"")] = '\0';
			}
			name = strdup(v);
			break;
		}
	}
	if (f)
		fclose(f);
	return name ? name : strdup("Linux");
}

static int cmd_info(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct engine *engine = cmd_engine(ctx);
	struct utsname uts;
	struct sysinfo si;
	char hostname[256] = "";
	char *os;

	(void)args;
	uname(&uts);
	sysinfo(&si);
	gethostname(hostname, sizeof(hostname) - 1);
	os = os_name();
	*result = json_pack(
		"{s:s, s:i, s:i, s:i, s:i, s:i, s:s, s:[[s,s]], s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
		" s:i, s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:{s:s}}}",
		"ID", "", "Containers", 0, "ContainersRunning", 0, "ContainersPaused", 0,
		"ContainersStopped", 0, "Images", 0, "Driver", "overlay2",
		"DriverStatus", "Backing Filesystem", backing_filesystem(engine_root(engine)),
		"LoggingDriver", "json-file",
		"CgroupDriver", "cgroupfs", "CgroupVersion", cgroup_version(), "KernelVersion",
		uts.release, "OperatingSystem", os, "OSType", "linux", "Architecture", uts.machine,
		"NCPU", (int)sysconf(_SC_NPROCESSORS_ONLN), "MemTotal",
		(json_int_t)si.totalram * si.mem_unit, "DockerRootDir", engine_root(engine), "Name",
		hostname, "ServerVersion", BERTH_VERSION, "DefaultRuntime", "berth", "InitBinary", "",
		"SecurityOptions", security_options(),
		"Runtimes", "berth", "path", "berth-shim");
	free(os);
	if (!*result)
		return berr_set(err, BERR_SYSTEM, "building info");
	json_object_set_new(*result, "RunRoot", json_string(engine_run_root(engine)));
	/* in no swarm, as Docker says it (docker info prints "Swarm: inactive") */
	json_object_set_new(*result, "Swarm",
			    json_pack("{s:s, s:s, s:s, s:b, s:s, s:n}", "NodeID", "", "NodeAddr", "",
				      "LocalNodeState", "inactive", "ControlAvailable", 0, "Error", "",
				      "RemoteManagers"));
	/* the counts: each subsystem fills in its own */
	if (engine_modules_info(engine, *result, err) < 0) {
		json_decref(*result);
		*result = NULL;
		return -1;
	}
	return 0;
}

static int cmd_version(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct utsname uts;

	(void)ctx;
	(void)args;
	uname(&uts);
	*result = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Version", BERTH_VERSION,
			    "ApiVersion", BERTH_API_VERSION, "MinAPIVersion", "1.24", "GitCommit", "",
			    "GoVersion", "", "Os", "linux", "Arch", host_go_arch(), "KernelVersion",
			    uts.release);
	if (!*result)
		return berr_set(err, BERR_SYSTEM, "building version");
	/* the name a client prints after "Server:" */
	json_object_set_new(*result, "Platform", json_pack("{s:s}", "Name", "berth"));
	json_object_set_new(
		*result, "Components",
		json_pack("[{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}}]", "Name", "Engine",
			  "Version", BERTH_VERSION, "Details", "ApiVersion", BERTH_API_VERSION,
			  "Arch", host_go_arch(), "BuildTime", "", "Experimental", "false", "GitCommit",
			  "", "KernelVersion", uts.release, "MinAPIVersion", "1.24", "Os", "linux"));
	return 0;
}

/* system.df: GET /system/df, each subsystem adding its part. berth has no
 * build cache yet: that part is empty. */
static int cmd_df(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	(void)args;
	*result = json_pack("{s:I, s:[], s:[], s:[], s:[], s:I}", "LayersSize", (json_int_t)0,
			    "Images", "Containers", "Volumes", "BuildCache", "BuilderSize",
			    (json_int_t)0);
	if (!*result)
		return berr_set(err, BERR_SYSTEM, "building disk usage");
	if (engine_modules_disk_usage(cmd_engine(ctx), *result, err) < 0) {
		json_decref(*result);
		*result = NULL;
		return -1;
	}
	return 0;
}

static const struct engine_command system_commands[] = {
	{"system.info", cmd_info},
	{"system.df", cmd_df},
	{"system.version", cmd_version},
	{NULL, NULL},
};

const struct engine_module system_module = {
	.name = "system",
	.commands = (const struct engine_command *const[]){system_commands, NULL},
};
