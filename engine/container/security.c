/* Capabilities, security options, sysctls, devices and extra groups. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "engine/container/security.h"
#include "engine/core/fsutil.h"
#include "engine/runtime/caps.h"
#include "engine/runtime/seccomp.h"

/* Go's strconv.ParseBool. */
static int parse_go_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};

	for (size_t i = 0; i < 6; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

int security_parse_opts(json_t *hc, struct security_opts *out, berr *err)
{
	json_t *v;
	size_t i;

	memset(out, 0, sizeof(*out));
	json_array_foreach(json_object_get(hc, "SecurityOpt"), i, v)
	{
		const char *opt = json_string_value(v), *sep;
		if (!opt)
			return berr_set(err, BERR_INVALID, "invalid --security-opt 1: %s",
			                "non-string");
		if (strcmp(opt, "no-new-privileges") == 0) {
			out->no_new_privileges = true;
			continue;
		}
		if (strcmp(opt, "disable") == 0)
			continue;
		sep = strchr(opt, '=');
		if (!sep)
			sep = strchr(opt, ':');
		if (!sep)
			return berr_set(err, BERR_INVALID, "invalid --security-opt 1: \"%s\"", opt);
		size_t klen = (size_t)(sep - opt);
		const char *value = sep + 1;
		if (klen == 5 && (strncmp(opt, "label", 5) == 0))
			continue;
		if (klen == 8 && strncmp(opt, "apparmor", 8) == 0)
			continue;
		if (klen == 7 && strncmp(opt, "seccomp", 7) == 0) {
			if (strcmp(value, "unconfined") == 0) {
				out->seccomp = SECURITY_SECCOMP_UNCONFINED;
			} else if (strcmp(value, "builtin") == 0 || !*value) {
				out->seccomp = SECURITY_SECCOMP_DEFAULT;
			} else {
				out->seccomp = SECURITY_SECCOMP_PROFILE;
				out->profile = value;
			}
			continue;
		}
		if (klen == 17 && strncmp(opt, "no-new-privileges", 17) == 0 &&
		    parse_go_bool(value, &out->no_new_privileges) == 0)
			continue;
		return berr_set(err, BERR_INVALID, "invalid --security-opt 2: \"%s\"", opt);
	}
	return 0;
}

/* A JSON array of strings as a C array (borrowed strings); NULL when empty. */
static const char **string_array(json_t *arr, size_t *n)
{
	const char **out;
	json_t *v;
	size_t i;

	*n = 0;
	if (!json_array_size(arr))
		return NULL;
	out = calloc(json_array_size(arr), sizeof(*out));
	if (!out)
		return NULL;
	json_array_foreach(arr, i, v) out[(*n)++] =
	    json_string_value(v) ? json_string_value(v) : "";
	return out;
}

/* Applies one list (add or drop) to mask, prefixing errors as dockerd does. */
static int caps_list(uint64_t *mask, json_t *arr, bool add, berr *err)
{
	size_t n;
	const char **names = string_array(arr, &n);
	int rc;

	if (json_array_size(arr) && !names)
		return berr_errno(err, ENOMEM, "capabilities");
	rc = add ? caps_apply_changes(mask, names, n, NULL, 0, err)
	         : caps_apply_changes(mask, NULL, 0, names, n, err);
	free(names);
	if (rc < 0)
		return berr_prefix(err, add ? "invalid CapAdd" : "invalid CapDrop");
	return 0;
}

int security_caps(json_t *hc, uint64_t *caps, berr *err)
{
	json_t *add = json_object_get(hc, "CapAdd"), *drop = json_object_get(hc, "CapDrop");
	uint64_t mask = caps_docker_default(), probe = mask;

	/* names are checked each list on its own, for dockerd's prefix */
	if (caps_list(&probe, add, true, err) < 0 || caps_list(&probe, drop, false, err) < 0)
		return -1;
	if (json_is_true(json_object_get(hc, "Privileged"))) {
		*caps = caps_all();
		return 0;
	}
	size_t nadd, ndrop;
	const char **a = string_array(add, &nadd), **d = string_array(drop, &ndrop);
	int rc = caps_apply_changes(&mask, a, nadd, d, ndrop, err);
	free(a);
	free(d);
	if (rc < 0)
		return -1;
	*caps = mask;
	return 0;
}

bool security_sysctl_allowed(const char *key)
{
	static const char *const exact[] = {
	    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	};

	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strcmp(key, exact[i]) == 0)
			return true;
	return (strncmp(key, "net.", 4) == 0 && key[4]) ||
	       (strncmp(key, "fs.mqueue.", 10) == 0 && key[10]);
}

bool security_device_mode_valid(const char *mode)
{
	bool seen[3] = {false, false, false};

	if (!*mode)
		return false;
	for (const char *p = mode; *p; p++) {
		const char *at = strchr("rwm", *p);
		if (!at || seen[at - "rwm"])
			return false;
		seen[at - "rwm"] = true;
	}
	return true;
}

/* Sysctls: Docker's namespaced list, no net.* in the host's network
 * namespace, and keys that stay a path under /proc/sys. */
static int check_sysctls(json_t *hc, berr *err)
{
	const char *mode = json_string_value(json_object_get(hc, "NetworkMode"));
	const char *key;
	json_t *v;

	json_object_foreach(json_object_get(hc, "Sysctls"), key, v)
	{
		const char *value = json_string_value(v);
		if (!value || !security_sysctl_allowed(key) || strchr(key, '/') ||
		    strstr(key, "..") || strchr(key, ' ') || strchr(value, '\n'))
			return berr_set(err, BERR_INVALID, "sysctl '%s=%s' is not allowed", key,
			                value ? value : "");
		if (strncmp(key, "net.", 4) == 0 && mode && strcmp(mode, "host") == 0)
			return berr_set(err, BERR_INVALID,
			                "sysctl \"%s\" not allowed in host network namespace", key);
	}
	return 0;
}

/* Devices: absolute paths and a valid cgroup mode. */
static int check_devices(json_t *hc, berr *err)
{
	json_t *d;
	size_t i;

	json_array_foreach(json_object_get(hc, "Devices"), i, d)
	{
		const char *host = json_string_value(json_object_get(d, "PathOnHost"));
		const char *inside = json_string_value(json_object_get(d, "PathInContainer"));
		const char *perms = json_string_value(json_object_get(d, "CgroupPermissions"));
		if (!host || host[0] != '/')
			return berr_set(err, BERR_INVALID, "%s is not an absolute path",
			                host ? host : "");
		if (inside && *inside && inside[0] != '/')
			return berr_set(err, BERR_INVALID, "%s is not an absolute path", inside);
		if (perms && *perms && !security_device_mode_valid(perms))
			return berr_set(err, BERR_INVALID, "bad mode specified: %s", perms);
	}
	return 0;
}

/* Compiles a profile once in the data root's tmp/ to see that it can be
 * used. The directory is flocked while in use, as image staging is, so a
 * berth process starting meanwhile does not collect it. */
static int check_profile(struct engine *engine, const struct security_opts *opts, uint64_t caps,
                         berr *err)
{
	char tmp[PATH_MAX], path[PATH_MAX + 32];
	struct stat st;
	int rc, fd;

	snprintf(tmp, sizeof(tmp), "%s/tmp", engine_root(engine));
	if (fs_mkdir_p(tmp, 0700, err) < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s/tmp/seccomp-XXXXXX", engine_root(engine));
	if (!mkdtemp(tmp))
		return berr_sys(err, "checking the seccomp profile: mkdtemp");
	fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0 || st.st_nlink == 0) {
		rc = berr_sys(err, "checking the seccomp profile: %s", tmp);
		goto out;
	}
	rc = security_seccomp_compile(opts, caps, tmp, path, sizeof(path), err) < 0 ? -1 : 0;
out:
	fs_remove_tree(tmp, NULL);
	if (fd >= 0)
		close(fd);
	return rc;
}

int security_check(struct engine *engine, json_t *hc, berr *err)
{
	struct security_opts opts;
	uint64_t caps;
	json_t *v;
	size_t i;

	if (security_caps(hc, &caps, err) < 0 || security_parse_opts(hc, &opts, err) < 0)
		return -1;
	if (opts.seccomp == SECURITY_SECCOMP_PROFILE &&
	    !json_is_true(json_object_get(hc, "Privileged")) &&
	    check_profile(engine, &opts, caps, err) < 0)
		return -1;
	json_array_foreach(
	    json_object_get(hc, "GroupAdd"), i,
	    v) if (!json_string_length(v) ||
	           strchr(json_string_value(v),
	                  '\n')) return berr_set(err, BERR_INVALID, "invalid group: \"%s\"",
	                                         json_string_value(v) ? json_string_value(v) : "");
	return check_sysctls(hc, err) < 0 ? -1 : check_devices(hc, err);
}

int security_seccomp_compile(const struct security_opts *opts, uint64_t caps, const char *bundle,
                             char *path, size_t n, berr *err)
{
	char json[PATH_MAX + 16];

	snprintf(json, sizeof(json), "%s/seccomp.json", bundle);
	if (snprintf(path, n, "%s/seccomp.bpf", bundle) >= (int)n)
		return berr_set(err, BERR_INVALID, "bundle path too long");
	if (fs_write_atomic(json, opts->profile, strlen(opts->profile), err) < 0)
		return -1;
	int rc = seccomp_write_profile(json, caps, path, err);
	if (rc < 0 && err) {
		/* the file is berth's own copy: name none in the message */
		char *at = strstr(err->msg, json);
		if (at && at > err->msg && at[-1] == ' ')
			memmove(at - 1, at + strlen(json), strlen(at + strlen(json)) + 1);
		err->kind = BERR_INVALID;
	}
	return rc;
}

static void record(json_t *records, const char *key, const char *value)
{
	json_array_append_new(records, json_pack("[s, s]", key, value));
}

/* Go's spelling of an errno: strerror with a lower-case first letter. */
static void go_errno(int e, char *buf, size_t n)
{
	snprintf(buf, n, "%s", strerror(e));
	buf[0] = (char)tolower((unsigned char)buf[0]);
}

/* One device node as a `device` record; 1 when path is not a device. */
static int device_record(const char *host, const char *inside, const char *perms, json_t *records,
                         int *errnum)
{
	struct stat st;
	char text[PATH_MAX + 96];

	if (stat(host, &st) < 0) {
		*errnum = errno;
		return -1;
	}
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return 1;
	snprintf(text, sizeof(text), "%s %c %u %u %o %s", inside, S_ISBLK(st.st_mode) ? 'b' : 'c',
	         major(st.st_rdev), minor(st.st_rdev), (unsigned)(st.st_mode & 0777), perms);
	record(records, "device", text);
	return 0;
}

/* Every device under a host directory, at the same place under inside. */
static int device_dir(const char *host, const char *inside, const char *perms, json_t *records,
                      int depth)
{
	DIR *d = depth < 8 ? opendir(host) : NULL;
	struct dirent *de;
	int found = 0, errnum;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char h[PATH_MAX], in[PATH_MAX];
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(h, sizeof(h), "%s/%s", host, de->d_name);
		snprintf(in, sizeof(in), "%s/%s", inside, de->d_name);
		if (lstat(h, &st) < 0 || S_ISLNK(st.st_mode))
			continue;
		if (S_ISDIR(st.st_mode))
			found += device_dir(h, in, perms, records, depth + 1);
		else if (device_record(h, in, perms, records, &errnum) == 0)
			found++;
	}
	closedir(d);
	return found;
}

/* One HostConfig.Devices entry, as dockerd's DevicesFromPath reads it. */
static int device_entry(json_t *d, json_t *records, berr *err)
{
	const char *host = json_string_value(json_object_get(d, "PathOnHost"));
	const char *inside = json_string_value(json_object_get(d, "PathInContainer"));
	const char *perms = json_string_value(json_object_get(d, "CgroupPermissions"));
	struct stat st;
	char reason[128];
	int errnum = 0, rc;

	if (!host)
		return berr_set(err, BERR_INVALID, "a device needs PathOnHost");
	if (!inside || !*inside)
		inside = host;
	if (!perms || !*perms)
		perms = "rwm";
	rc = device_record(host, inside, perms, records, &errnum);
	if (rc == 0)
		return 0;
	if (rc > 0 && stat(host, &st) == 0 && S_ISDIR(st.st_mode) &&
	    device_dir(host, inside, perms, records, 0) > 0)
		return 0;
	if (rc < 0)
		go_errno(errnum, reason, sizeof(reason));
	else
		snprintf(reason, sizeof(reason), "not a device node");
	return berr_set(err, BERR_INVALID,
	                "error gathering device information while adding custom device \"%s\": %s",
	                host, reason);
}

int security_spec_records(json_t *hc, json_t *records, berr *err)
{
	const char *key;
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(hc, "GroupAdd"), i, v) if (json_string_length(v))
	    record(records, "group-add", json_string_value(v));
	json_array_foreach(json_object_get(hc, "Devices"), i,
	                   v) if (device_entry(v, records, err) < 0) return -1;
	json_object_foreach(json_object_get(hc, "Sysctls"), key, v)
	{
		char *text = NULL;
		if (asprintf(&text, "%s %s", key,
		             json_string_value(v) ? json_string_value(v) : "") < 0)
			return berr_errno(err, ENOMEM, "sysctls");
		record(records, "sysctl", text);
		free(text);
	}
	return 0;
}
