/* The drivers' options and their checks (see log_options.h). */
#include "engine/logging/log_options.h"

#include <arpa/inet.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/core/units.h"
#include "engine/logging/log_address.h"
#include "engine/logging/log_tag.h"

int log_strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *opt(json_t *opts, const char *key)
{
	return json_string_value(json_object_get(opts, key));
}

/* Go's strconv.ParseBool. */
static bool parse_go_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
	for (size_t i = 0; i < 6; i++) {
		if (strcmp(v, yes[i]) == 0)
			return *out = true, true;
		if (strcmp(v, no[i]) == 0)
			return *out = false, true;
	}
	return false;
}

/* Go's strconv.Atoi, within [min, max]. */
static bool parse_int(const char *v, long long min, long long max, long long *out)
{
	char *end;
	if (!v || !*v)
		return false;
	long long n = strtoll(v, &end, 10);
	if (*end || n < min || n > max)
		return false;
	*out = n;
	return true;
}

static int check_regex(json_t *opts, const char *key, berr *err)
{
	regex_t re;
	const char *v = opt(opts, key);
	if (!v || !*v)
		return 0;
	if (regcomp(&re, v, REG_EXTENDED | REG_NOSUB) != 0)
		return berr_set(err, BERR_INVALID, "error parsing regexp for %s: %s", key, v);
	regfree(&re);
	return 0;
}

/* json-file's max-size, max-file and compress (jsonfilelog.New's words). */
static int check_json_file(json_t *opts, berr *err)
{
	const char *v;
	int64_t size = -1;
	long long files = 1;
	bool compress = false;

	if ((v = opt(opts, "max-size"))) {
		if (units_from_human_size(v, &size, err) < 0)
			return -1;
		if (size <= 0)
			return berr_set(err, BERR_INVALID, "max-size must be a positive number");
	}
	if ((v = opt(opts, "max-file"))) {
		if (!parse_int(v, -(1LL << 62), 1LL << 62, &files))
			return berr_set(err, BERR_INVALID, "strconv.Atoi: parsing \"%s\": invalid syntax",
					v);
		if (files < 1)
			return berr_set(err, BERR_INVALID, "max-file cannot be less than 1");
	}
	if ((v = opt(opts, "compress")) && !parse_go_bool(v, &compress))
		return berr_set(err, BERR_INVALID, "strconv.ParseBool: parsing \"%s\": invalid syntax",
				v);
	if (compress && (files < 2 || size <= 0))
		return berr_set(err, BERR_INVALID,
				"compress cannot be true when max-file is less than 2 or max-size is not set");
	return check_regex(opts, "labels-regex", err) < 0 ? -1 : check_regex(opts, "env-regex", err);
}

/* The local format's max-size, max-file and compress (local.New's words),
 * under a prefix: "" for the local driver, "cache-" for the cache kept
 * beside a receiver. */
static int check_local_rotation(json_t *opts, const char *prefix, berr *err)
{
	char key[32];
	const char *v;
	int64_t size;
	long long files = 5;
	bool compress = true;

	snprintf(key, sizeof(key), "%smax-size", prefix);
	if ((v = opt(opts, key))) {
		berr inner = {0};
		if (units_from_human_size(v, &size, &inner) < 0)
			return berr_set(err, BERR_INVALID, "invalid value for %s: %s: %s", key, v,
					inner.msg);
		if (size < 0)
			return berr_set(err, BERR_INVALID, "%s must not be negative", key);
	}
	snprintf(key, sizeof(key), "%smax-file", prefix);
	if ((v = opt(opts, key))) {
		if (!parse_int(v, -(1LL << 62), 1LL << 62, &files))
			return berr_set(err, BERR_INVALID,
					"invalid value for %s: %s: strconv.Atoi: parsing \"%s\": invalid syntax",
					key, v, v);
		if (files < 0)
			return berr_set(err, BERR_INVALID, "%s must not be negative", key);
	}
	snprintf(key, sizeof(key), "%scompress", prefix);
	if ((v = opt(opts, key)) && !parse_go_bool(v, &compress))
		return berr_set(err, BERR_INVALID,
				"invalid boolean value for %s: strconv.ParseBool: parsing \"%s\": invalid syntax",
				key, v);
	if (compress && files <= 1)
		return berr_set(err, BERR_INVALID,
				"compression cannot be enabled when max file count is 1");
	return 0;
}

static int check_local(json_t *opts, berr *err)
{
	if (check_local_rotation(opts, "", err) < 0)
		return -1;
	return check_regex(opts, "labels-regex", err) < 0 ? -1 : check_regex(opts, "env-regex", err);
}

static int check_common_attrs(json_t *opts, berr *err)
{
	return check_regex(opts, "labels-regex", err) < 0 ? -1 : check_regex(opts, "env-regex", err);
}

static int check_syslog(json_t *opts, berr *err)
{
	struct log_address a;
	const char *v;

	if (log_address_parse_syslog(opt(opts, "syslog-address"), &a, err) < 0)
		return -1;
	if ((v = opt(opts, "syslog-facility")) && log_syslog_facility(v) < 0)
		return berr_set(err, BERR_INVALID, "invalid syslog facility");
	if ((v = opt(opts, "syslog-format")) && *v && strcmp(v, "rfc3164") != 0 &&
	    strcmp(v, "rfc5424") != 0 && strcmp(v, "rfc5424micro") != 0)
		return berr_set(err, BERR_INVALID, "Invalid syslog format");
	bool skip;
	if ((v = opt(opts, "syslog-tls-skip-verify")) && *v && !parse_go_bool(v, &skip))
		return berr_set(err, BERR_INVALID,
				"strconv.ParseBool: parsing \"%s\": invalid syntax", v);
	static const char *const files[] = {"syslog-tls-ca-cert", "syslog-tls-cert",
					    "syslog-tls-key"};
	for (size_t i = 0; i < 3; i++) {
		struct stat st;
		if ((v = opt(opts, files[i])) && *v && stat(v, &st) < 0)
			return berr_set(err, BERR_INVALID, "open %s: no such file or directory", v);
	}
	return check_common_attrs(opts, err);
}

static int check_gelf(json_t *opts, berr *err)
{
	struct log_address a;
	const char *v;
	long long n;

	if (log_address_parse_gelf(opt(opts, "gelf-address"), &a, err) < 0)
		return -1;
	if (a.transport != LOG_UDP &&
	    (opt(opts, "gelf-compression-level") || opt(opts, "gelf-compression-type")))
		return berr_set(err, BERR_INVALID, "compression is only supported on UDP");
	if ((v = opt(opts, "gelf-compression-level")) && !parse_int(v, -1, 9, &n))
		return berr_set(err, BERR_INVALID,
				"unknown value \"%s\" for log opt \"gelf-compression-level\" for gelf log driver",
				v);
	if ((v = opt(opts, "gelf-compression-type")) && strcmp(v, "gzip") != 0 &&
	    strcmp(v, "zlib") != 0 && strcmp(v, "none") != 0)
		return berr_set(err, BERR_INVALID,
				"unknown value \"%s\" for log opt \"gelf-compression-type\" for gelf log driver",
				v);
	static const char *const tcp_only[] = {"gelf-tcp-max-reconnect", "gelf-tcp-reconnect-delay"};
	for (size_t i = 0; i < 2; i++) {
		if (!(v = opt(opts, tcp_only[i])))
			continue;
		if (a.transport != LOG_TCP)
			return berr_set(err, BERR_INVALID, "\"%s\" is only valid for TCP", tcp_only[i]);
		if (!parse_int(v, 0, 1LL << 30, &n))
			return berr_set(err, BERR_INVALID, "\"%s\" must be a positive integer",
					tcp_only[i]);
	}
	return check_common_attrs(opts, err);
}

/* A Go duration option of fluentd's, non-negative. */
static int check_duration(json_t *opts, const char *key, berr *err)
{
	const char *v = opt(opts, key);
	int64_t ns;
	berr inner = {0};

	if (!v)
		return 0;
	if (units_parse_duration(v, &ns, &inner) < 0)
		return berr_set(err, BERR_INVALID, "invalid value for %s: value must be a duration: %s",
				key, inner.msg);
	if (ns < 0)
		return berr_set(err, BERR_INVALID,
				"invalid value for %s: value must be a duration that is non-negative", key);
	return 0;
}

static int check_fluentd(json_t *opts, berr *err)
{
	struct log_address a;
	const char *v;
	long long n;
	int64_t ns;
	bool b;

	if (log_address_parse_fluentd(opt(opts, "fluentd-address"), &a, err) < 0)
		return -1;
	if ((v = opt(opts, "fluentd-buffer-limit"))) {
		int64_t bytes;
		if (units_ram_in_bytes(v, &bytes, err) < 0)
			return -1;
	}
	if ((v = opt(opts, "fluentd-retry-wait")) && units_parse_duration(v, &ns, err) < 0)
		return -1;
	if ((v = opt(opts, "fluentd-max-retries"))) {
		if (!parse_int(v, 0, 1LL << 40, &n))
			return berr_set(err, BERR_INVALID,
					"strconv.ParseUint: parsing \"%s\": invalid syntax", v);
		if (n > 2147483647)
			return berr_set(err, BERR_INVALID,
					"invalid fluentd-max-retries: value out of range");
	}
	if ((v = opt(opts, "fluentd-async-reconnect-interval"))) {
		berr inner = {0};
		if (units_parse_duration(v, &ns, &inner) < 0)
			return berr_set(err, BERR_INVALID,
					"invalid value for fluentd-async-reconnect-interval: %s",
					inner.msg);
		if (ns != 0 && (ns < 100000000LL || ns > 10000000000LL))
			return berr_set(err, BERR_INVALID,
					"invalid value for fluentd-async-reconnect-interval: value (\"%s\") must be between 100ms and 10s",
					v);
	}
	if (check_duration(opts, "fluentd-write-timeout", err) < 0 ||
	    check_duration(opts, "fluentd-read-timeout", err) < 0)
		return -1;
	/* fluentd-async-connect: Docker's older name of fluentd-async */
	static const char *const bools[] = {"fluentd-async", "fluentd-sub-second-precision",
					    "fluentd-request-ack", "fluentd-async-connect"};
	for (size_t i = 0; i < 4; i++)
		if ((v = opt(opts, bools[i])) && !parse_go_bool(v, &b))
			return berr_set(err, BERR_INVALID,
					"strconv.ParseBool: parsing \"%s\": invalid syntax", v);
	return check_common_attrs(opts, err);
}

#define ATTR_OPTS "labels", "labels-regex", "env", "env-regex", "tag"

static const char *const json_file_opts[] = {"max-file", "max-size", "compress", ATTR_OPTS, NULL};
static const char *const local_opts[] = {"max-file", "max-size", "compress", ATTR_OPTS, NULL};
static const char *const syslog_opts[] = {"syslog-address", "syslog-facility",
					  "syslog-tls-ca-cert", "syslog-tls-cert",
					  "syslog-tls-key", "syslog-tls-skip-verify",
					  "syslog-format", ATTR_OPTS, NULL};
static const char *const journald_opts[] = {ATTR_OPTS, NULL};
static const char *const gelf_opts[] = {"gelf-address", "gelf-compression-level",
					"gelf-compression-type", "gelf-tcp-max-reconnect",
					"gelf-tcp-reconnect-delay", ATTR_OPTS, NULL};
static const char *const fluentd_opts[] = {
	"fluentd-address",	       "fluentd-async",	      "fluentd-async-reconnect-interval",
	"fluentd-buffer-limit",	       "fluentd-retry-wait",  "fluentd-max-retries",
	"fluentd-sub-second-precision", "fluentd-request-ack", "fluentd-write-timeout",
	"fluentd-read-timeout",	       "fluentd-async-connect", ATTR_OPTS,	      NULL};
static const char *const no_opts[] = {NULL};

static const struct log_driver drivers[] = {
	{"json-file", json_file_opts, false, "", check_json_file},
	{"local", local_opts, false, "", check_local},
	{"syslog", syslog_opts, true, "{{.ID}}", check_syslog},
	{"journald", journald_opts, true, "{{.ID}}", check_common_attrs},
	{"gelf", gelf_opts, true, "{{.ID}}", check_gelf},
	{"fluentd", fluentd_opts, true, "{{.ID}}", check_fluentd},
	{"none", no_opts, false, "", NULL},
};

const struct log_driver *log_driver_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (strcmp(drivers[i].name, name) == 0)
			return &drivers[i];
	return NULL;
}

json_t *log_driver_names(void)
{
	json_t *names = json_array();
	const char *sorted[sizeof(drivers) / sizeof(drivers[0])];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (strcmp(drivers[i].name, "none") != 0)
			sorted[n++] = drivers[i].name;
	qsort(sorted, n, sizeof(sorted[0]), log_strcmp_ptr);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(names, json_string(sorted[i]));
	return names;
}

static bool is_cache_option(const char *key)
{
	return strcmp(key, "cache-disabled") == 0 || strcmp(key, "cache-max-size") == 0 ||
	       strcmp(key, "cache-max-file") == 0 || strcmp(key, "cache-compress") == 0;
}

int log_options_check_generic(const struct log_driver *d, json_t *opts, berr *err)
{
	const char *mode = opt(opts, "mode"), *v;
	bool b;

	if (mode && *mode && strcmp(mode, "blocking") != 0 && strcmp(mode, "non-blocking") != 0)
		return berr_set(err, BERR_INVALID, "logger: logging mode not supported: %s", mode);
	if ((v = opt(opts, "max-buffer-size"))) {
		int64_t n;
		berr inner = {0};
		if (!mode || strcmp(mode, "non-blocking") != 0)
			return berr_set(err, BERR_INVALID,
					"logger: max-buffer-size option is only supported with 'mode=non-blocking'");
		if (units_ram_in_bytes(v, &n, &inner) < 0)
			return berr_set(err, BERR_INVALID, "error parsing option max-buffer-size: %s",
					inner.msg);
	}
	if ((v = opt(opts, "cache-disabled")) && !parse_go_bool(v, &b))
		return berr_set(err, BERR_INVALID,
				"invalid value for option cache-disabled: strconv.ParseBool: parsing \"%s\": invalid syntax",
				v);
	/* berth honours the cache's rotation options (Docker accepts them) */
	if (d && d->remote)
		return check_local_rotation(opts, "cache-", err);
	return 0;
}

int log_options_check(const struct log_driver *d, json_t *opts, berr *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(opts, key, v) {
		bool known = strcmp(key, "mode") == 0 || strcmp(key, "max-buffer-size") == 0 ||
			     is_cache_option(key);
		for (size_t i = 0; !known && d->options[i]; i++)
			known = strcmp(key, d->options[i]) == 0;
		if (known)
			continue;
		if (strcmp(d->name, "local") == 0)
			return berr_set(err, BERR_INVALID, "unknown log opt '%s' for log driver local",
					key);
		if (strcmp(d->name, "gelf") == 0)
			return berr_set(err, BERR_INVALID, "unknown log opt \"%s\" for gelf log driver",
					key);
		return berr_set(err, BERR_INVALID, "unknown log opt '%s' for %s log driver", key,
				d->name);
	}
	if (d->check && d->check(opts, err) < 0)
		return -1;
	/* the tag's template, checked at create (Docker only at start) */
	const char *tag = opt(opts, "tag");
	if (tag && *tag) {
		const struct log_context sample = {.id = "0000000000000000000000000000000000000000000000000000000000000000",
						   .name = "name", .image_id = "sha256:0",
						   .image_name = "image", .command = "true"};
		struct strbuf out = {0};
		int rc = log_tag_render(tag, &sample, &out, err);
		strbuf_free(&out);
		return rc;
	}
	return 0;
}

bool log_option_is_receivers(const struct log_driver *d, const char *key)
{
	for (size_t i = 0; d->options[i]; i++)
		if (strcmp(key, d->options[i]) == 0)
			return strcmp(key, "tag") != 0 && strncmp(key, "labels", 6) != 0 &&
			       strncmp(key, "env", 3) != 0;
	return false;
}
