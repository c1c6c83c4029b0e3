/* Docker's mount syntaxes: -v (HostConfig.Binds), --mount (the Engine API's
 * Mount object), --tmpfs options and --volumes-from. Pure functions: no
 * store, no kernel (but for the bind-source check of --mount). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/strlist.h"
#include "engine/core/units.h"
#include "engine/volume/parse.h"

static const char *const propagation_modes[] = {
	"private", "rprivate", "shared", "rshared", "slave", "rslave", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/* Docker's ValidMountMode: comma-separated, at most one of each kind. */
static bool valid_mode(const char *mode)
{
	static const char *const rw[] = {"rw", "ro", NULL}, *const label[] = {"z", "Z", NULL},
			    *const copy[] = {"nocopy", NULL},
			    *const consistency[] = {"consistent", "cached", "delegated", NULL};
	int counts[5] = {0};
	char buf[256], *save = NULL;

	if (!*mode)
		return true;
	if (strlen(mode) >= sizeof(buf))
		return false;
	strcpy(buf, mode);
	for (char *o = strtok_r(buf, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (in_list(rw, o))
			counts[0]++;
		else if (in_list(label, o))
			counts[1]++;
		else if (in_list(propagation_modes, o))
			counts[2]++;
		else if (in_list(copy, o))
			counts[3]++;
		else if (in_list(consistency, o))
			counts[4]++;
		else
			return false;
	}
	for (int i = 0; i < 5; i++)
		if (counts[i] > 1)
			return false;
	return mode[strlen(mode) - 1] != ',' && mode[0] != ',' && !strstr(mode, ",,");
}


/* The propagation element of a mode, or NULL. */
static const char *mode_propagation(const char *mode)
{
	for (const char *const *m = propagation_modes; *m; m++)
		if (strlist_has(mode, *m))
			return *m;
	return NULL;
}

/* Go's path.Clean for the paths of mounts. */
static void clean_path(const char *in, char *out, size_t n)
{
	char buf[PATH_MAX];
	size_t len = 0;
	bool abs = in[0] == '/';

	buf[0] = '\0';
	for (const char *p = in; *p;) {
		size_t seg = strcspn(p, "/");
		if (seg == 0 || (seg == 1 && p[0] == '.')) {
			/* empty or "." */
		} else if (seg == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(buf, '/');
			if (len > 0 && strcmp(slash ? slash + 1 : buf, "..") != 0) {
				len = slash ? (size_t)(slash - buf) : 0;
				buf[len] = '\0';
			} else if (!abs) {
				len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s..", len ? "/" : "");
			}
		} else if (len + seg + 2 < sizeof(buf)) {
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%.*s", len ? "/" : "",
						(int)seg, p);
		}
		p += seg;
		if (*p == '/')
			p++;
	}
	if (abs)
		snprintf(out, n, "/%s", buf);
	else
		snprintf(out, n, "%s", len ? buf : ".");
}

void volume_clean_path(const char *in, char *out, size_t n)
{
	clean_path(in, out, n);
}

/* Docker's checks on a mount's target. */
static int check_target(const char *target, char *why, size_t n)
{
	if (!*target) {
		snprintf(why, n, "field Target must not be empty");
		return -1;
	}
	if (strcmp(target, "/") == 0) {
		snprintf(why, n, "invalid specification: destination can't be '/'");
		return -1;
	}
	if (target[0] != '/') {
		snprintf(why, n, "invalid mount path: '%s' mount path must be absolute", target);
		return -1;
	}
	return 0;
}

int volume_parse_bind(const char *spec, json_t **out, berr *err)
{
	char *copy = strdup(spec), *parts[4] = {0}, why[PATH_MAX + 128], clean[PATH_MAX];
	const char *source = "", *target = "", *mode = "";
	int n = 0;
	json_t *mp;

	*out = NULL;
	if (!copy)
		return berr_errno(err, ENOMEM, "parsing a volume");
	/* strings.SplitN(spec, ":", 4) */
	for (char *p = copy;;) {
		parts[n++] = p;
		char *colon = n < 4 ? strchr(p, ':') : NULL;
		if (!colon)
			break;
		*colon = '\0';
		p = colon + 1;
	}
	if (n > 3 || !*parts[0] || (n == 2 && valid_mode(parts[1]))) {
		free(copy);
		return berr_set(err, BERR_INVALID, "invalid volume specification: '%s'", spec);
	}
	if (n == 1) {
		target = parts[0];
	} else {
		source = parts[0];
		target = parts[1];
		if (n == 3)
			mode = parts[2];
	}
	if (!valid_mode(mode)) {
		berr_set(err, BERR_INVALID, "invalid mode: %s", mode);
		free(copy);
		return -1;
	}
	bool bind = source[0] == '/';
	const char *type = bind ? "bind" : "volume";
	const char *propagation = mode_propagation(mode);
	why[0] = '\0';
	if (check_target(target, why, sizeof(why)) == 0 && !bind && propagation)
		snprintf(why, sizeof(why), "field BindOptions must not be specified");
	if (why[0]) {
		berr_set(err, BERR_INVALID,
			 "invalid volume specification: '%s': invalid mount config for type \"%s\": %s",
			 spec, type, why);
		free(copy);
		return -1;
	}
	clean_path(target, clean, sizeof(clean));
	mp = json_pack("{s:s, s:s, s:s, s:b, s:s}", "Type", type, "Destination", clean, "Mode", mode,
		       "RW", !strlist_has(mode, "ro"), "Propagation",
		       bind ? (propagation ? propagation : "rprivate") : "");
	if (!mp) {
		free(copy);
		return berr_set(err, BERR_INVALID, "invalid volume specification: '%s'", spec);
	}
	if (bind) {
		clean_path(source, clean, sizeof(clean));
		json_object_set_new(mp, "Source", json_string(clean));
		json_object_set_new(mp, "CreateSource", json_true());
	} else {
		json_object_set_new(mp, "Name", json_string(source));
		json_object_set_new(mp, "Anonymous", json_boolean(!*source));
		json_object_set_new(mp, "CopyData", json_boolean(!strlist_has(mode, "nocopy")));
	}
	free(copy);
	*out = mp;
	return 0;
}

/* Go's strconv.ParseBool. */
static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "t", "T", "true", "TRUE", "True", NULL};
	static const char *const no[] = {"0", "f", "F", "false", "FALSE", "False", NULL};

	if (in_list(yes, s))
		*out = true;
	else if (in_list(no, s))
		*out = false;
	else
		return -1;
	return 0;
}

/* Splits a CSV record (double quotes group commas, "" is a quote). */
static int csv_fields(const char *value, char ***out, size_t *count)
{
	size_t len = strlen(value), n = 0;
	char **fields = calloc(len + 2, sizeof(char *));
	char *cur = malloc(len + 1);
	size_t c = 0;
	bool quoted = false;

	if (!fields || !cur) {
		free(fields);
		free(cur);
		return -1;
	}
	for (const char *p = value;; p++) {
		if (quoted) {
			if (*p == '"' && p[1] == '"') {
				cur[c++] = '"';
				p++;
			} else if (*p == '"') {
				quoted = false;
			} else if (*p) {
				cur[c++] = *p;
			} else {
				break;
			}
			continue;
		}
		if (*p == '"') {
			quoted = true;
		} else if (*p == ',' || !*p) {
			cur[c] = '\0';
			fields[n++] = strdup(cur);
			c = 0;
			if (!*p)
				break;
		} else {
			cur[c++] = *p;
		}
	}
	free(cur);
	if (quoted) {
		for (size_t i = 0; i < n; i++)
			free(fields[i]);
		free(fields);
		return -2;
	}
	*out = fields;
	*count = n;
	return 0;
}

static json_t *sub_object(json_t *parent, const char *key)
{
	json_t *o = json_object_get(parent, key);

	if (!o) {
		o = json_object();
		json_object_set_new(parent, key, o);
	}
	return o;
}

static json_t *volume_options(json_t *m)
{
	json_t *vo = sub_object(m, "VolumeOptions");

	sub_object(vo, "Labels");
	sub_object(sub_object(vo, "DriverConfig"), "Options");
	return vo;
}

/* "k=v" into an object (a value-less key maps to ""). */
static void set_on_map(json_t *map, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char key[512];

	snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - kv) : (int)strlen(kv), kv);
	json_object_set_new(map, key, json_string(eq ? eq + 1 : ""));
}

/* One key=value field of --mount. */
static int mount_field(json_t *m, const char *field, berr *err)
{
	const char *eq = strchr(field, '=');
	char key[64];
	const char *val = eq ? eq + 1 : NULL;
	bool b;

	snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - field) : (int)strlen(field), field);
	for (char *k = key; *k; k++)
		*k = (char)(*k >= 'A' && *k <= 'Z' ? *k + 32 : *k);
	if (!val) {
		if (!strcmp(key, "readonly") || !strcmp(key, "ro"))
			json_object_set_new(m, "ReadOnly", json_true());
		else if (!strcmp(key, "volume-nocopy"))
			json_object_set_new(volume_options(m), "NoCopy", json_true());
		else if (!strcmp(key, "bind-nonrecursive"))
			json_object_set_new(sub_object(m, "BindOptions"), "NonRecursive", json_true());
		else
			return berr_set(err, BERR_INVALID, "invalid field '%s' must be a key=value pair",
					field);
		return 0;
	}
	if (!strcmp(key, "type")) {
		char type[64];
		snprintf(type, sizeof(type), "%s", val);
		for (char *t = type; *t; t++)
			*t = (char)(*t >= 'A' && *t <= 'Z' ? *t + 32 : *t);
		json_object_set_new(m, "Type", json_string(type));
	} else if (!strcmp(key, "source") || !strcmp(key, "src")) {
		char cwd[PATH_MAX], abs[PATH_MAX * 2];
		if (val[0] == '.' && getcwd(cwd, sizeof(cwd))) {
			snprintf(abs, sizeof(abs), "%s/%s", cwd, val);
			clean_path(abs, cwd, sizeof(cwd));
			json_object_set_new(m, "Source", json_string(cwd));
		} else {
			json_object_set_new(m, "Source", json_string(val));
		}
	} else if (!strcmp(key, "target") || !strcmp(key, "dst") || !strcmp(key, "destination")) {
		json_object_set_new(m, "Target", json_string(val));
	} else if (!strcmp(key, "readonly") || !strcmp(key, "ro")) {
		if (parse_bool(val, &b) < 0)
			return berr_set(err, BERR_INVALID, "invalid value for %s: %s", key, val);
		json_object_set_new(m, "ReadOnly", json_boolean(b));
	} else if (!strcmp(key, "consistency")) {
		json_object_set_new(m, "Consistency", json_string(val));
	} else if (!strcmp(key, "bind-propagation")) {
		json_object_set_new(sub_object(m, "BindOptions"), "Propagation", json_string(val));
	} else if (!strcmp(key, "bind-nonrecursive")) {
		if (parse_bool(val, &b) < 0)
			return berr_set(err, BERR_INVALID, "invalid value for %s: %s", key, val);
		json_object_set_new(sub_object(m, "BindOptions"), "NonRecursive", json_boolean(b));
	} else if (!strcmp(key, "volume-nocopy")) {
		if (parse_bool(val, &b) < 0)
			return berr_set(err, BERR_INVALID, "invalid value for volume-nocopy: %s", val);
		json_object_set_new(volume_options(m), "NoCopy", json_boolean(b));
	} else if (!strcmp(key, "volume-label")) {
		set_on_map(json_object_get(volume_options(m), "Labels"), val);
	} else if (!strcmp(key, "volume-driver")) {
		json_object_set_new(json_object_get(volume_options(m), "DriverConfig"), "Name",
				    json_string(val));
	} else if (!strcmp(key, "volume-opt")) {
		set_on_map(json_object_get(json_object_get(volume_options(m), "DriverConfig"), "Options"),
			   val);
	} else if (!strcmp(key, "tmpfs-size")) {
		int64_t size;
		if (units_ram_in_bytes(val, &size, NULL) < 0)
			return berr_set(err, BERR_INVALID, "invalid value for %s: %s", key, val);
		json_object_set_new(sub_object(m, "TmpfsOptions"), "SizeBytes", json_integer(size));
	} else if (!strcmp(key, "tmpfs-mode")) {
		char *end;
		errno = 0;
		unsigned long mode = strtoul(val, &end, 8);
		if (!*val || *end || errno || mode > 0xffffffffUL || val[0] == '-' || val[0] == '+')
			return berr_set(err, BERR_INVALID, "invalid value for %s: %s", key, val);
		json_object_set_new(sub_object(m, "TmpfsOptions"), "Mode", json_integer((json_int_t)mode));
	} else {
		return berr_set(err, BERR_INVALID, "unexpected key '%s' in '%s'", key, field);
	}
	return 0;
}

int volume_parse_mount_flag(const char *value, json_t **out, berr *err)
{
	char **fields = NULL;
	size_t count = 0;
	json_t *m;
	int rc = csv_fields(value, &fields, &count);

	*out = NULL;
	if (rc == -1)
		return berr_errno(err, ENOMEM, "parsing --mount");
	if (rc == -2)
		return berr_set(err, BERR_INVALID, "parse error on line 1, column %zu: extraneous or missing \" in quoted-field",
				strlen(value) + 1);
	m = json_pack("{s:s}", "Type", "volume");
	for (size_t i = 0; i < count; i++) {
		if (rc == 0 && !fields[i])
			rc = berr_errno(err, ENOMEM, "parsing --mount");
		else if (rc == 0 && mount_field(m, fields[i], err) < 0)
			rc = -1;
		free(fields[i]);
	}
	free(fields);
	if (rc == 0 && !json_string_length(json_object_get(m, "Type")))
		rc = berr_set(err, BERR_INVALID, "type is required");
	if (rc == 0 && !json_string_length(json_object_get(m, "Target")))
		rc = berr_set(err, BERR_INVALID, "target is required");
	const char *type = json_string_value(json_object_get(m, "Type"));
	if (rc == 0 && json_object_get(m, "VolumeOptions") && strcmp(type, "volume") != 0)
		rc = berr_set(err, BERR_INVALID, "cannot mix 'volume-*' options with mount type '%s'", type);
	if (rc == 0 && json_object_get(m, "BindOptions") && strcmp(type, "bind") != 0)
		rc = berr_set(err, BERR_INVALID, "cannot mix 'bind-*' options with mount type '%s'", type);
	if (rc == 0 && json_object_get(m, "TmpfsOptions") && strcmp(type, "tmpfs") != 0)
		rc = berr_set(err, BERR_INVALID, "cannot mix 'tmpfs-*' options with mount type '%s'", type);
	if (rc < 0) {
		json_decref(m);
		return -1;
	}
	*out = m;
	return 0;
}

/* Docker's ConvertTmpfsOptions: "ro,mode=755,size=64m". */
static void tmpfs_data(json_t *opts, bool readonly, char *out, size_t n)
{
	int64_t size = json_integer_value(json_object_get(opts, "SizeBytes"));
	int64_t mode = json_integer_value(json_object_get(opts, "Mode"));
	size_t len = 0;

	out[0] = '\0';
	if (readonly)
		len += (size_t)snprintf(out + len, n - len, "ro");
	if (mode)
		len += (size_t)snprintf(out + len, n - len, "%smode=%llo", len ? "," : "",
					(unsigned long long)mode);
	if (size) {
		const char *suffix = "";
		if (size % (1LL << 30) == 0) {
			size >>= 30;
			suffix = "g";
		} else if (size % (1LL << 20) == 0) {
			size >>= 20;
			suffix = "m";
		} else if (size % 1024 == 0) {
			size >>= 10;
			suffix = "k";
		}
		snprintf(out + len, n - len, "%ssize=%lld%s", len ? "," : "", (long long)size, suffix);
	}
}

static int mount_config_error(berr *err, const char *type, const char *fmt, const char *arg)
{
	char why[PATH_MAX + 128];

	snprintf(why, sizeof(why), fmt, arg);
	return berr_set(err, BERR_INVALID, "invalid mount config for type \"%s\": %s", type, why);
}

/* validateMountConfig for one type's forbidden option blocks. */
static int extra_fields(json_t *m, const char *type, const char *const *forbidden, berr *err)
{
	for (; *forbidden; forbidden++)
		if (json_is_object(json_object_get(m, *forbidden)))
			return mount_config_error(err, type, "field %s must not be specified", *forbidden);
	return 0;
}

static int bind_from_api(json_t *m, const char *source, bool ro, json_t *mp, berr *err)
{
	static const char *const forbidden[] = {"VolumeOptions", "TmpfsOptions", NULL};
	json_t *bo = json_object_get(m, "BindOptions");
	const char *prop = json_string_value(json_object_get(bo, "Propagation"));
	char clean[PATH_MAX];
	struct stat st;

	if (!*source)
		return mount_config_error(err, "bind", "field %s must not be empty", "Source");
	if (prop && *prop && !in_list(propagation_modes, prop))
		return mount_config_error(err, "bind", "invalid propagation mode: %s", prop);
	if (extra_fields(m, "bind", forbidden, err) < 0)
		return -1;
	if (source[0] != '/')
		return mount_config_error(err, "bind", "invalid mount path: '%s' mount path must be absolute",
					  source);
	if (stat(source, &st) < 0)
		return mount_config_error(err, "bind", "bind source path does not exist: %s", source);
	clean_path(source, clean, sizeof(clean));
	json_object_set_new(mp, "Source", json_string(clean));
	json_object_set_new(mp, "Propagation", json_string(prop && *prop ? prop : "rprivate"));
	json_object_set_new(mp, "RW", json_boolean(!ro));
	if (json_is_true(json_object_get(bo, "NonRecursive")))
		json_object_set_new(mp, "NonRecursive", json_true());
	return 0;
}

static int volume_from_api(json_t *m, const char *source, bool ro, json_t *mp, berr *err)
{
	static const char *const forbidden[] = {"BindOptions", "TmpfsOptions", NULL};
	json_t *vo = json_object_get(m, "VolumeOptions");
	json_t *dc = json_object_get(vo, "DriverConfig");
	const char *driver = json_string_value(json_object_get(dc, "Name"));

	if (extra_fields(m, "volume", forbidden, err) < 0)
		return -1;
	if (ro && !*source)
		return mount_config_error(err, "volume", "%s",
					  "must not set ReadOnly mode when using anonymous volumes");
	json_object_set_new(mp, "Name", json_string(source));
	json_object_set_new(mp, "Anonymous", json_boolean(!*source));
	json_object_set_new(mp, "Driver", json_string(driver && *driver ? driver : VOLUME_DRIVER_LOCAL));
	json_object_set_new(mp, "RW", json_boolean(!ro));
	json_object_set_new(mp, "Propagation", json_string(""));
	json_object_set_new(mp, "CopyData", json_boolean(!json_is_true(json_object_get(vo, "NoCopy"))));
	if (json_object_size(json_object_get(vo, "Labels")))
		json_object_set(mp, "VolumeLabels", json_object_get(vo, "Labels"));
	if (json_object_size(json_object_get(dc, "Options")))
		json_object_set(mp, "VolumeOptions", json_object_get(dc, "Options"));
	return 0;
}

static int tmpfs_from_api(json_t *m, const char *source, bool ro, json_t *mp, berr *err)
{
	static const char *const forbidden[] = {"BindOptions", "VolumeOptions", NULL};
	char data[256], merged[512];

	if (extra_fields(m, "tmpfs", forbidden, err) < 0)
		return -1;
	if (*source)
		return mount_config_error(err, "tmpfs", "field %s must not be specified", "Source");
	tmpfs_data(json_object_get(m, "TmpfsOptions"), ro, data, sizeof(data));
	if (volume_tmpfs_options(data, merged, sizeof(merged), err) < 0)
		return berr_prefix(err, "invalid mount config for type \"tmpfs\"");
	json_object_set_new(mp, "Source", json_string(""));
	json_object_set_new(mp, "Data", json_string(data));
	json_object_set_new(mp, "RW", json_boolean(!ro));
	json_object_set_new(mp, "Propagation", json_string(""));
	return 0;
}

int volume_mount_from_api(json_t *m, json_t **out, berr *err)
{
	const char *type = json_string_value(json_object_get(m, "Type"));
	const char *target = json_string_value(json_object_get(m, "Target"));
	const char *source = json_string_value(json_object_get(m, "Source"));
	bool ro = json_is_true(json_object_get(m, "ReadOnly"));
	char why[PATH_MAX + 128], clean[PATH_MAX];
	json_t *mp;
	int rc;

	*out = NULL;
	if (!type)
		type = "";
	if (!source)
		source = "";
	if (check_target(target ? target : "", why, sizeof(why)) < 0)
		return mount_config_error(err, type, "%s", why);
	clean_path(target, clean, sizeof(clean));
	mp = json_pack("{s:s, s:s, s:s}", "Type", type, "Destination", clean, "Mode", "");
	if (!mp)
		return mount_config_error(err, type, "invalid mount path: '%s'", target);
	if (strcmp(type, "bind") == 0)
		rc = bind_from_api(m, source, ro, mp, err);
	else if (strcmp(type, "volume") == 0)
		rc = volume_from_api(m, source, ro, mp, err);
	else if (strcmp(type, "tmpfs") == 0)
		rc = tmpfs_from_api(m, source, ro, mp, err);
	else
		rc = mount_config_error(err, type, "%s", "mount type unknown");
	if (rc < 0) {
		json_decref(mp);
		return -1;
	}
	*out = mp;
	return 0;
}

/* Mount flags that cancel each other: the last of a group wins. */
static int flag_group(const char *o)
{
	static const char *const groups[][2] = {
		{"ro", "rw"},	      {"nosuid", "suid"},	{"nodev", "dev"},
		{"noexec", "exec"},     {"sync", "async"},	{"dirsync", NULL},
		{"noatime", "atime"},   {"nodiratime", "diratime"}, {"relatime", "norelatime"},
		{"strictatime", "nostrictatime"},
	};

	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (!strcmp(o, groups[i][0]) || (groups[i][1] && !strcmp(o, groups[i][1])))
			return (int)i;
	if (in_list(propagation_modes, o))
		return 100;
	return -1;
}

int volume_tmpfs_options(const char *user, char *out, size_t n, berr *err)
{
	static const char *const data_keys[] = {"size", "mode", "uid", "gid", "nr_inodes",
						"nr_blocks", "mpol", NULL};
	/* clear flags that are the kernel's defaults need not reach the shim */
	static const char *const dropped[] = {"atime", "diratime", "norelatime", "nostrictatime", NULL};
	char all[1024], *opts[64], *save = NULL;
	bool seen_group[101] = {0};
	char seen_keys[64][32];
	size_t count = 0, nkeys = 0, len = 0;
	const char *keep[64];
	size_t nkeep = 0;

	if (snprintf(all, sizeof(all), "noexec,nosuid,nodev%s%s", *user ? "," : "", user) >=
	    (int)sizeof(all))
		return berr_set(err, BERR_INVALID, "tmpfs options too long");
	for (char *o = strtok_r(all, ",", &save); o && count < 64; o = strtok_r(NULL, ",", &save))
		opts[count++] = o;
	for (size_t i = count; i-- > 0;) {
		const char *o = opts[i];
		int g = flag_group(o);
		if (!strcmp(o, "defaults"))
			continue;
		if (g >= 0) {
			if (!seen_group[g])
				keep[nkeep++] = o;
			seen_group[g] = true;
			continue;
		}
		const char *eq = strchr(o, '=');
		char key[32];
		snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - o) : (int)strlen(o), o);
		if (!eq || !in_list(data_keys, key)) {
			if (eq)
				return berr_set(err, BERR_INVALID, "invalid tmpfs option [\"%s\" \"%s\"]",
						key, eq + 1);
			return berr_set(err, BERR_INVALID, "invalid tmpfs option [\"%s\"]", o);
		}
		bool dup = false;
		for (size_t k = 0; k < nkeys; k++)
			dup |= strcmp(seen_keys[k], key) == 0;
		if (dup)
			continue;
		snprintf(seen_keys[nkeys++], sizeof(seen_keys[0]), "%s", key);
		keep[nkeep++] = o;
	}
	out[0] = '\0';
	for (size_t i = nkeep; i-- > 0;) {
		if (in_list(dropped, keep[i]))
			continue;
		len += (size_t)snprintf(out + len, len < n ? n - len : 0, "%s%s", len ? "," : "", keep[i]);
	}
	if (len >= n)
		return berr_set(err, BERR_INVALID, "tmpfs options too long");
	return 0;
}

int volume_parse_volumes_from(const char *spec, char *container, size_t n, bool *readonly,
			   berr *err)
{
	const char *colon = strchr(spec, ':');
	const char *mode = colon ? colon + 1 : "";

	if (!*spec)
		return berr_set(err, BERR_INVALID, "volumes-from specification cannot be an empty string");
	snprintf(container, n, "%.*s", colon ? (int)(colon - spec) : (int)strlen(spec), spec);
	if (!valid_mode(mode) || mode_propagation(mode) || strlist_has(mode, "nocopy"))
		return berr_set(err, BERR_INVALID, "invalid mode: %s", mode);
	*readonly = strlist_has(mode, "ro");
	return 0;
}
