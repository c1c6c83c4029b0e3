/* The create body checked before anything is made: each field of the
 * Engine API's Config and HostConfig has the JSON type Go's decoder takes
 * (with encoding/json's words when not), and settings berth does not
 * apply yet are refused rather than stored and ignored. */
#include <stdio.h>
#include <string.h>

#include "engine/container/create.h"
#include "engine/core/go_types.h"

static const struct go_field host_fields[] = {
	{"Binds", GO_STRINGS, "[]string"},          {"ContainerIDFile", GO_STRING, "string"},
	{"LogConfig", GO_MAP, "container.LogConfig"}, {"NetworkMode", GO_STRING, "container.NetworkMode"},
	{"PortBindings", GO_MAP, "nat.PortMap"},     {"RestartPolicy", GO_MAP, "container.RestartPolicy"},
	{"AutoRemove", GO_BOOL, "bool"},             {"VolumeDriver", GO_STRING, "string"},
	{"VolumesFrom", GO_STRINGS, "[]string"},     {"ConsoleSize", GO_ARRAY, "[2]uint"},
	{"Annotations", GO_MAP, "map[string]string"},
	{"CapAdd", GO_STRSLICE, "strslice.StrSlice"}, {"CapDrop", GO_STRSLICE, "strslice.StrSlice"},
	{"CgroupnsMode", GO_STRING, "container.CgroupnsMode"},
	{"Dns", GO_STRINGS, "[]string"},             {"DnsOptions", GO_STRINGS, "[]string"},
	{"DnsSearch", GO_STRINGS, "[]string"},       {"ExtraHosts", GO_STRINGS, "[]string"},
	{"GroupAdd", GO_STRINGS, "[]string"},        {"IpcMode", GO_STRING, "container.IpcMode"},
	{"Cgroup", GO_STRING, "container.CgroupSpec"}, {"Links", GO_STRINGS, "[]string"},
	{"OomScoreAdj", GO_INT, "int"},              {"PidMode", GO_STRING, "container.PidMode"},
	{"Privileged", GO_BOOL, "bool"},             {"PublishAllPorts", GO_BOOL, "bool"},
	{"ReadonlyRootfs", GO_BOOL, "bool"},         {"SecurityOpt", GO_STRINGS, "[]string"},
	{"StorageOpt", GO_MAP, "map[string]string"}, {"Tmpfs", GO_MAP, "map[string]string"},
	{"UTSMode", GO_STRING, "container.UTSMode"}, {"UsernsMode", GO_STRING, "container.UsernsMode"},
	{"ShmSize", GO_INT, "int64"},                {"Sysctls", GO_MAP, "map[string]string"},
	{"Runtime", GO_STRING, "string"},            {"Isolation", GO_STRING, "container.Isolation"},
	{"CpuShares", GO_INT, "int64"},              {"Memory", GO_INT, "int64"},
	{"NanoCpus", GO_INT, "int64"},               {"CgroupParent", GO_STRING, "string"},
	{"BlkioWeight", GO_INT, "uint16"},           {"BlkioWeightDevice", GO_ARRAY, "[]*blkiodev.WeightDevice"},
	{"BlkioDeviceReadBps", GO_ARRAY, "[]*blkiodev.ThrottleDevice"},
	{"BlkioDeviceWriteBps", GO_ARRAY, "[]*blkiodev.ThrottleDevice"},
	{"BlkioDeviceReadIOps", GO_ARRAY, "[]*blkiodev.ThrottleDevice"},
	{"BlkioDeviceWriteIOps", GO_ARRAY, "[]*blkiodev.ThrottleDevice"},
	{"CpuPeriod", GO_INT, "int64"},              {"CpuQuota", GO_INT, "int64"},
	{"CpuRealtimePeriod", GO_INT, "int64"},      {"CpuRealtimeRuntime", GO_INT, "int64"},
	{"CpusetCpus", GO_STRING, "string"},         {"CpusetMems", GO_STRING, "string"},
	{"Devices", GO_ARRAY, "[]container.DeviceMapping"},
	{"DeviceCgroupRules", GO_STRINGS, "[]string"},
	{"KernelMemory", GO_INT, "int64"},           {"MemoryReservation", GO_INT, "int64"},
	{"MemorySwap", GO_INT, "int64"},             {"MemorySwappiness", GO_INT, "int64"},
	{"OomKillDisable", GO_BOOL, "bool"},         {"PidsLimit", GO_INT, "int64"},
	{"Ulimits", GO_ARRAY, "[]*units.Ulimit"},    {"Init", GO_BOOL, "bool"},
	{"Mounts", GO_ARRAY, "[]mount.Mount"},       {"MaskedPaths", GO_STRINGS, "[]string"},
	{"ReadonlyPaths", GO_STRINGS, "[]string"},
	{NULL, 0, NULL},
};

/* A string slice given as one string is that string alone, as Go's
 * strslice reads it. */
static void string_to_slice(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_string(v))
		json_object_set_new(obj, key, json_pack("[O]", v));
}

static const char *str(json_t *host, const char *key)
{
	return json_string_value(json_object_get(host, key)) ?: "";
}

static bool nonzero_int(json_t *host, const char *key)
{
	return json_integer_value(json_object_get(host, key)) != 0;
}

static bool nonempty(json_t *host, const char *key)
{
	json_t *v = json_object_get(host, key);

	return (json_is_array(v) && json_array_size(v)) || (json_is_object(v) && json_object_size(v));
}

/* What berth does not do yet, refused with what it is. */
static int check_unsupported(json_t *body, json_t *host, berr *err)
{
	const char *what = NULL;
	json_t *swappiness = json_object_get(host, "MemorySwappiness");

	if (*str(host, "PidMode"))
		what = "--pid";
	else if (*str(host, "IpcMode") && strcmp(str(host, "IpcMode"), "private") != 0 &&
		 strcmp(str(host, "IpcMode"), "shareable") != 0)
		what = "--ipc";
	else if (*str(host, "UTSMode"))
		what = "--uts";
	else if (*str(host, "UsernsMode"))
		what = "--userns";
	else if (*str(host, "CgroupnsMode") && strcmp(str(host, "CgroupnsMode"), "private") != 0)
		what = "--cgroupns";
	else if (json_is_true(json_object_get(host, "Init")))
		what = "--init";
	else if (nonzero_int(host, "OomScoreAdj"))
		what = "--oom-score-adj";
	else if (*str(host, "Runtime") && strcmp(str(host, "Runtime"), "runc") != 0 &&
		 strcmp(str(host, "Runtime"), "berth") != 0)
		what = "--runtime";
	else if (*str(host, "Isolation") && strcmp(str(host, "Isolation"), "default") != 0)
		what = "--isolation";
	else if (nonempty(host, "StorageOpt"))
		what = "--storage-opt";
	else if (*str(host, "CgroupParent"))
		what = "--cgroup-parent";
	else if (nonzero_int(host, "CpuRealtimePeriod") || nonzero_int(host, "CpuRealtimeRuntime"))
		what = "--cpu-rt-period and --cpu-rt-runtime";
	else if (nonempty(host, "DeviceCgroupRules"))
		what = "--device-cgroup-rule";
	else if (nonempty(host, "BlkioWeightDevice") || nonempty(host, "BlkioDeviceReadBps") ||
		 nonempty(host, "BlkioDeviceWriteBps") || nonempty(host, "BlkioDeviceReadIOps") ||
		 nonempty(host, "BlkioDeviceWriteIOps"))
		what = "per-device block I/O limits";
	else if (json_is_integer(swappiness) && json_integer_value(swappiness) != -1)
		what = "--memory-swappiness";
	else if (*str(body, "Domainname"))
		what = "--domainname";
	if (what)
		return berr_set(err, BERR_INVALID, "berth does not support %s yet", what);
	return 0;
}

int container_create_check(json_t *body, berr *err)
{
	json_t *host = json_object_get(body, "HostConfig");

	if (go_container_config_check(body, "CreateRequest", err) < 0)
		return -1;
	if (json_is_object(host) && go_fields_check(host, host_fields, "CreateRequest.HostConfig", err) < 0)
		return -1;
	string_to_slice(body, "Cmd");
	string_to_slice(body, "Entrypoint");
	string_to_slice(body, "Shell");
	return check_unsupported(body, json_is_object(host) ? host : NULL, err);
}
