/* The resource and security flags of run, create and update. */
#include "cli/limits.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/container/resources.h"
#include "engine/container/security.h"
#include "engine/core/units.h"

/* pflag's words for a value a flag refused, and the exit status 125. */
static int flag_error(struct cli *cli, const char *flag, const char *value, const char *cause)
{
	return cli_failf(cli, 125,
	                 "invalid argument \"%s\" for \"%s\" flag: %s\nSee 'berth %s --help'.",
	                 value, flag, cause, cli->name);
}

/* A plain error of the flags' meaning, as docker run reports one. */
static int usage_error(struct cli *cli, const char *msg)
{
	return cli_failf(cli, 125, "%s\nSee 'berth %s --help'.", msg, cli->name);
}

/* Go's strconv.ParseInt/ParseUint(s, 0, bits): 10, 0x1f, 0o17, 0b1, 017. */
static int parse_go_int(const char *s, bool is_signed, int bits, long long *out, char *cause,
                        size_t n)
{
	const char *p = s, *fn = is_signed ? "ParseInt" : "ParseUint";
	bool neg = false;
	int base = 10;
	unsigned __int128 v = 0, limit;

	if (is_signed && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
		base = 8, p += 2;
	else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
		base = 2, p += 2;
	else if (p[0] == '0' && p[1])
		base = 8, p += 1;
	bool any = false, big = false;
	for (; *p; p++) {
		int d = isdigit((unsigned char)*p)   ? *p - '0'
		        : isalpha((unsigned char)*p) ? tolower((unsigned char)*p) - 'a' + 10
		                                     : 99;
		if (*p == '_' && base != 10 && any)
			continue;
		if (d >= base)
			break;
		any = true;
		v = v * (unsigned)base + (unsigned)d;
		if (v > ((unsigned __int128)1 << 64))
			big = true;
	}
	if (!any || *p) {
		snprintf(cause, n, "strconv.%s: parsing \"%s\": invalid syntax", fn, s);
		return -1;
	}
	limit = is_signed ? ((unsigned __int128)1 << (bits - 1)) - (neg ? 0 : 1)
	                  : ((unsigned __int128)1 << bits) - 1;
	if (big || v > limit) {
		snprintf(cause, n, "strconv.%s: parsing \"%s\": value out of range", fn, s);
		return -1;
	}
	*out = neg ? -(long long)(v - 1) - 1 : (long long)v;
	return 0;
}

int cli_parse_cpus(const char *s, long long *nano, berr *err)
{
	const char *p = s, *slash = strchr(s, '/');
	__int128 mant = 0;
	int digits = 0, frac = 0, exp = 0;
	bool neg = false;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (slash) {
		/* big.Rat's "a/b": integers, b not zero */
		char *end;
		errno = 0;
		long long num = strtoll(s, &end, 10), den;
		if (end != slash || end == s || errno)
			goto bad;
		den = strtoll(slash + 1, &end, 10);
		if (*end || end == slash + 1 || errno || den <= 0 || slash[1] == '+' ||
		    slash[1] == '-')
			goto bad;
		__int128 scaled = (__int128)num * 1000000000;
		if (scaled % den)
			return berr_set(err, BERR_INVALID, "value is too precise");
		*nano = (long long)(scaled / den);
		return 0;
	}
	for (; isdigit((unsigned char)*p); p++, digits++)
		if (mant < ((__int128)1 << 100))
			mant = mant * 10 + (*p - '0');
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++, digits++, frac++)
			if (mant < ((__int128)1 << 100))
				mant = mant * 10 + (*p - '0');
	if (!digits)
		goto bad;
	if (*p == 'e' || *p == 'E') {
		char *end;
		errno = 0;
		long e = strtol(p + 1, &end, 10);
		if (end == p + 1 || !isdigit((unsigned char)end[-1]) || errno || e > 400 ||
		    e < -400)
			goto bad;
		exp = (int)e;
		p = end;
	}
	if (*p)
		goto bad;
	for (int shift = exp - frac + 9; shift != 0;) {
		if (shift > 0) {
			if (mant < ((__int128)1 << 100))
				mant *= 10;
			shift--;
		} else {
			if (mant % 10)
				return berr_set(err, BERR_INVALID, "value is too precise");
			mant /= 10;
			shift++;
		}
	}
	*nano = (long long)(neg ? -mant : mant);
	return 0;
bad:
	return berr_set(err, BERR_INVALID, "failed to parse %s as a rational number", s);
}

/* A go-units size flag (MemBytes); memory-swap also takes "-1". */
static int size_flag(struct cli *cli, json_t *hc, const char *key, const char *flag,
                     const char *value, bool swap)
{
	int64_t bytes;
	berr err = {0};

	if (!value)
		return 0;
	if (swap && strcmp(value, "-1") == 0)
		bytes = -1;
	else if (units_ram_in_bytes(value, &bytes, &err) < 0)
		return flag_error(cli, flag, value, err.msg);
	json_object_set_new(hc, key, json_integer(bytes));
	return 0;
}

/* The resource flags update shares with run and create. */
static int resource_flags(struct cli *cli, json_t *hc, const struct limit_opts *o, bool update)
{
	char cause[256];
	long long v;
	berr err = {0};
	int status;

	if ((status = size_flag(cli, hc, "Memory", "-m, --memory", o->memory, false)) ||
	    (status = size_flag(cli, hc, "MemorySwap", "--memory-swap", o->memory_swap, true)) ||
	    (status = size_flag(cli, hc, "MemoryReservation", "--memory-reservation",
	                        o->memory_reservation, false)))
		return status;
	if (o->cpus) {
		if (cli_parse_cpus(o->cpus, &v, &err) < 0)
			return flag_error(cli, "--cpus", o->cpus, err.msg);
		json_object_set_new(hc, "NanoCpus", json_integer(v));
	}
	if (o->pids_limit) {
		if (parse_go_int(o->pids_limit, true, 64, &v, cause, sizeof(cause)) < 0)
			return flag_error(cli, "--pids-limit", o->pids_limit, cause);
		json_object_set_new(hc, "PidsLimit", json_integer(v));
	}
	if (o->blkio_weight) {
		if (parse_go_int(o->blkio_weight, false, 16, &v, cause, sizeof(cause)) < 0)
			return flag_error(cli, "--blkio-weight", o->blkio_weight, cause);
		json_object_set_new(hc, "BlkioWeight", json_integer(v));
	}
	if (!update || o->cpu_shares)
		json_object_set_new(hc, "CpuShares", json_integer(o->cpu_shares));
	if (!update || o->cpu_period)
		json_object_set_new(hc, "CpuPeriod", json_integer(o->cpu_period));
	if (!update || o->cpu_quota)
		json_object_set_new(hc, "CpuQuota", json_integer(o->cpu_quota));
	if (o->cpuset_cpus)
		json_object_set_new(hc, "CpusetCpus", json_string(o->cpuset_cpus));
	if (o->cpuset_mems)
		json_object_set_new(hc, "CpusetMems", json_string(o->cpuset_mems));
	return 0;
}

/* --ulimit name=soft[:hard], repeated; a later one for a name replaces it. */
static int ulimit_flags(struct cli *cli, json_t *hc, const struct strlist *list)
{
	json_t *out = json_array();

	for (size_t i = 0; i < list->len; i++) {
		char *name = NULL;
		int64_t soft, hard;
		berr err = {0};
		if (resources_parse_ulimit(list->items[i], &name, &soft, &hard, &err) < 0) {
			json_decref(out);
			return flag_error(cli, "--ulimit", list->items[i], err.msg);
		}
		json_t *u, *entry = json_pack("{s:s, s:I, s:I}", "Name", name, "Hard",
		                              (json_int_t)hard, "Soft", (json_int_t)soft);
		size_t j;
		json_array_foreach(
		    out, j,
		    u) if (strcmp(json_string_value(json_object_get(u, "Name")), name) == 0) break;
		if (j < json_array_size(out))
			json_array_set_new(out, j, entry);
		else
			json_array_append_new(out, entry);
		free(name);
	}
	if (json_array_size(out))
		json_object_set(hc, "Ulimits", out);
	json_decref(out);
	return 0;
}

/* --sysctl key=value: docker's ValidateSysctl, into the Sysctls map. */
static int sysctl_flags(struct cli *cli, json_t *hc, const struct strlist *list)
{
	json_t *map = json_object();

	for (size_t i = 0; i < list->len; i++) {
		const char *kv = list->items[i], *eq = strchr(kv, '=');
		char key[256], cause[600];
		snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - kv) : 0, kv);
		if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof(key) ||
		    !security_sysctl_allowed(key)) {
			json_decref(map);
			snprintf(cause, sizeof(cause), "sysctl '%s' is not allowed", kv);
			return flag_error(cli, "--sysctl", kv, cause);
		}
		json_object_set_new(map, key, json_string(eq + 1));
	}
	if (json_object_size(map))
		json_object_set(hc, "Sysctls", map);
	json_decref(map);
	return 0;
}

/* path.Clean for the simple cases: doubled and trailing slashes. */
static void clean_path(const char *in, char *out, size_t n)
{
	size_t k = 0;

	for (const char *p = in; *p && k + 1 < n; p++)
		if (!(*p == '/' && k > 0 && out[k - 1] == '/'))
			out[k++] = *p;
	while (k > 1 && out[k - 1] == '/')
		k--;
	out[k] = '\0';
}

/* --device /dev/x[:/dev/y][:rwm]: docker's validateLinuxPath and parseLinuxDevice. */
static int device_flag(struct cli *cli, json_t *devices, const char *val)
{
	char copy[4096], src[4096], dst[4096], msg[4200];
	const char *perms = "rwm", *parts[3];
	int n = 0;

	snprintf(copy, sizeof(copy), "%s", val);
	for (char *p = copy, *c; n < 3; p = c + 1) {
		parts[n++] = p;
		if (!(c = strchr(p, ':')))
			break;
		*c = '\0';
		if (n == 3) {
			snprintf(msg, sizeof(msg), "bad format for path: %s", val);
			return usage_error(cli, msg);
		}
	}
	if (!*parts[0]) {
		snprintf(msg, sizeof(msg), "bad format for path: %s", val);
		return usage_error(cli, msg);
	}
	clean_path(parts[0], src, sizeof(src));
	dst[0] = '\0';
	if (n == 2 && security_device_mode_valid(parts[1]))
		perms = parts[1];
	else if (n >= 2)
		clean_path(parts[1], dst, sizeof(dst));
	if (n == 3) {
		if (!security_device_mode_valid(parts[2])) {
			snprintf(msg, sizeof(msg), "bad mode specified: %s", parts[2]);
			return usage_error(cli, msg);
		}
		perms = parts[2];
	}
	const char *inside = dst[0] ? dst : src;
	if (inside[0] != '/') {
		snprintf(msg, sizeof(msg), "%s is not an absolute path",
		         n >= 2 && dst[0] ? parts[1] : parts[0]);
		return usage_error(cli, msg);
	}
	json_array_append_new(devices,
	                      json_pack("{s:s, s:s, s:s}", "PathOnHost", src, "PathInContainer",
	                                inside, "CgroupPermissions", perms));
	return 0;
}

/* docker's parseSecurityOpts: a seccomp profile file is sent as its compacted JSON. */
static int security_opt_flag(struct cli *cli, json_t *opts, const char *opt)
{
	const char *eq = strchr(opt, '='), *colon = strchr(opt, ':'), *sep = eq;
	char msg[4200];

	if (!sep && strcmp(opt, "no-new-privileges") != 0)
		sep = colon;
	if (strcmp(opt, "no-new-privileges") != 0 && (!sep || !sep[1])) {
		snprintf(msg, sizeof(msg), "invalid --security-opt: \"%s\"", opt);
		return usage_error(cli, msg);
	}
	if (!sep || (size_t)(sep - opt) != 7 || strncmp(opt, "seccomp", 7) != 0 ||
	    strcmp(sep + 1, "unconfined") == 0 || strcmp(sep + 1, "builtin") == 0) {
		json_array_append_new(opts, json_string(opt));
		return 0;
	}
	const char *file = sep + 1;
	json_error_t jerr;
	FILE *f = fopen(file, "re");
	if (!f) {
		/* Go's os.PathError: "open <file>: no such file or directory" */
		char reason[128];
		snprintf(reason, sizeof(reason), "%s", strerror(errno));
		reason[0] = (char)tolower((unsigned char)reason[0]);
		snprintf(msg, sizeof(msg), "opening seccomp profile (%s) failed: open %s: %s", file,
		         file, reason);
		return usage_error(cli, msg);
	}
	json_t *profile = json_loadf(f, 0, &jerr);
	fclose(f);
	char *compact = profile ? json_dumps(profile, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	json_decref(profile);
	if (!compact) {
		snprintf(msg, sizeof(msg), "compacting json for seccomp profile (%s) failed: %s",
		         file, profile ? "out of memory" : jerr.text);
		return usage_error(cli, msg);
	}
	char *value = NULL;
	int rc = asprintf(&value, "seccomp=%s", compact);
	free(compact);
	if (rc < 0)
		return usage_error(cli, "out of memory");
	json_array_append_new(opts, json_string(value));
	free(value);
	return 0;
}

/* "net_admin" -> "CAP_NET_ADMIN"; "all" -> "ALL". */
static void normalize_cap(const char *in, char *out, size_t n)
{
	bool prefix = strncasecmp(in, "CAP_", 4) != 0 && strcasecmp(in, "ALL") != 0;

	snprintf(out, n, "%s%s", prefix ? "CAP_" : "", in);
	for (char *p = out; *p; p++)
		*p = (char)toupper((unsigned char)*p);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* A list's names normalized, without repeats, sorted; "ALL" alone when present. */
static size_t cap_set(const struct strlist *list, char (*out)[64], size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < list->len && n < max; i++) {
		char name[64];
		size_t j;
		normalize_cap(list->items[i], name, sizeof(name));
		if (strcmp(name, "ALL") == 0) {
			snprintf(out[0], 64, "ALL");
			return 1;
		}
		for (j = 0; j < n && strcmp(out[j], name); j++)
			;
		if (j == n)
			snprintf(out[n++], 64, "%s", name);
	}
	qsort(out, n, sizeof(out[0]), compare_names);
	return n;
}

/* docker's EffectiveCapAddCapDrop: normalized names; one both added and
 * dropped is neither. */
static void cap_flags(json_t *hc, const struct limit_opts *o)
{
	char add[64][64], drop[64][64];
	size_t nadd = cap_set(&o->cap_add, add, 64), ndrop = cap_set(&o->cap_drop, drop, 64);
	json_t *a = json_array(), *d = json_array();

	for (size_t i = 0; i < ndrop; i++) {
		bool both = false;
		for (size_t j = 0; j < nadd; j++)
			if (strcmp(add[j], drop[i]) == 0) {
				both = true;
				add[j][0] = '\0';
			}
		if (!both)
			json_array_append_new(d, json_string(drop[i]));
	}
	for (size_t j = 0; j < nadd; j++)
		if (add[j][0])
			json_array_append_new(a, json_string(add[j]));
	if (json_array_size(a))
		json_object_set(hc, "CapAdd", a);
	if (json_array_size(d))
		json_object_set(hc, "CapDrop", d);
	json_decref(a);
	json_decref(d);
}

/* The flags only run and create take. */
static int create_flags(struct cli *cli, json_t *hc, const struct limit_opts *o)
{
	json_t *opts = json_array(), *devices = json_array(), *groups = json_array();
	int status;

	if ((status = size_flag(cli, hc, "ShmSize", "--shm-size", o->shm_size, false)) ||
	    (status = ulimit_flags(cli, hc, &o->ulimits)) ||
	    (status = sysctl_flags(cli, hc, &o->sysctls)))
		goto out;
	for (size_t i = 0; i < o->devices.len && !status; i++)
		status = device_flag(cli, devices, o->devices.items[i]);
	for (size_t i = 0; i < o->security_opt.len && !status; i++)
		status = security_opt_flag(cli, opts, o->security_opt.items[i]);
	if (status)
		goto out;
	for (size_t i = 0; i < o->group_add.len; i++)
		json_array_append_new(groups, json_string(o->group_add.items[i]));
	cap_flags(hc, o);
	if (json_array_size(devices))
		json_object_set(hc, "Devices", devices);
	if (json_array_size(opts))
		json_object_set(hc, "SecurityOpt", opts);
	if (json_array_size(groups))
		json_object_set(hc, "GroupAdd", groups);
	json_object_set_new(hc, "OomKillDisable", json_boolean(o->oom_kill_disable));
out:
	json_decref(opts);
	json_decref(devices);
	json_decref(groups);
	return status;
}

int cli_limit_flags(struct cli *cli, json_t *hc, const struct limit_opts *o, bool update)
{
	int status = resource_flags(cli, hc, o, update);

	if (status || update)
		return status;
	return create_flags(cli, hc, o);
}
