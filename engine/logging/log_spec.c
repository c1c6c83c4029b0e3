/* What the monitor is told about a container's logging: the spec's log-*
 * records (shim_protocol.h), made from HostConfig.LogConfig. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/units.h"
#include "engine/logging/log_address.h"
#include "engine/logging/log_config.h"
#include "engine/logging/log_options.h"
#include "engine/logging/log_tag.h"
#include "engine/runtime/shim_path.h"
#include "engine/runtime/spec_text.h"

/* An option's value, or NULL. */
static const char *opt(json_t *opts, const char *key)
{
	const char *v = json_string_value(json_object_get(opts, key));
	return v && *v ? v : NULL;
}

/* Adds the values of the comma-separated names found in map (an object of
 * label values, or an env array turned into one). */
static void attrs_by_names(json_t *attrs, json_t *map, const char *names)
{
	char *copy = strdup(names ? names : ""), *save = NULL;

	if (!copy)
		return;
	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save))
		if (json_is_string(json_object_get(map, name)))
			json_object_set(attrs, name, json_object_get(map, name));
	free(copy);
}

/* Adds every entry of map whose key the expression matches. */
static int attrs_by_regex(json_t *attrs, json_t *map, const char *option, const char *expr,
			  berr *err)
{
	regex_t re;
	const char *key;
	json_t *v;

	if (!expr)
		return 0;
	if (regcomp(&re, expr, REG_EXTENDED | REG_NOSUB) != 0)
		return berr_set(err, BERR_INVALID, "error parsing regexp for %s: %s", option, expr);
	json_object_foreach(map, key, v)
		if (json_is_string(v) && regexec(&re, key, 0, NULL, 0) == 0)
			json_object_set(attrs, key, v);
	regfree(&re);
	return 0;
}

/* Docker's ExtraAttributes: labels, labels-regex, env, env-regex. */
static int extra_attributes(const struct log_context *lc, json_t *opts, json_t *attrs, berr *err)
{
	json_t *env = json_object(), *v;
	size_t i;
	int rc;

	json_array_foreach(lc->env, i, v) {
		const char *e = json_string_value(v), *eq = e ? strchr(e, '=') : NULL;
		if (eq) {
			char *k = strndup(e, (size_t)(eq - e));
			if (k)
				json_object_set_new(env, k, json_string(eq + 1));
			free(k);
		}
	}
	if (opt(opts, "labels") && json_is_object(lc->labels))
		attrs_by_names(attrs, lc->labels, opt(opts, "labels"));
	rc = attrs_by_regex(attrs, json_is_object(lc->labels) ? lc->labels : NULL, "labels-regex",
			    opt(opts, "labels-regex"), err);
	if (rc == 0 && opt(opts, "env"))
		attrs_by_names(attrs, env, opt(opts, "env"));
	if (rc == 0)
		rc = attrs_by_regex(attrs, env, "env-regex", opt(opts, "env-regex"), err);
	json_decref(env);
	return rc;
}

/* A size option in bytes (decimal units, as max-size), or its default. */
static long long size_opt(json_t *opts, const char *key, long long def)
{
	int64_t n;
	const char *v = opt(opts, key);
	if (!v || units_from_human_size(v, &n, NULL) < 0)
		return def;
	return (long long)n;
}

static long long int_opt(json_t *opts, const char *key, long long def)
{
	const char *v = opt(opts, key);
	return v ? strtoll(v, NULL, 10) : def;
}

static bool bool_opt(json_t *opts, const char *key, bool def)
{
	const char *v = opt(opts, key);
	if (!v)
		return def;
	return strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "t") == 0 ||
	       strcmp(v, "T") == 0 || strcmp(v, "TRUE") == 0 || strcmp(v, "True") == 0;
}

/* Attributes kept with every entry: at most this much of them (a local
 * entry past 1 MB is one no reader takes). */
#define ATTRS_MAX (64 * 1024)

/* One "<key>\t<value>" record per attribute, sorted by key; a key holding
 * a tab or a newline cannot be one (it is left out), nor what passes
 * ATTRS_MAX. */
static int put_sorted(struct strbuf *b, const char *record, json_t *attrs, berr *err)
{
	size_t n = json_object_size(attrs), k = 0;
	const char **keys, *key;
	json_t *v;

	if (!n)
		return 0;
	if (!(keys = calloc(n, sizeof(*keys))))
		return berr_set(err, BERR_SYSTEM, "out of memory");
	json_object_foreach(attrs, key, v)
		keys[k++] = key;
	qsort(keys, n, sizeof(*keys), log_strcmp_ptr);
	size_t total = 0;
	for (k = 0; k < n; k++) {
		const char *value = json_string_value(json_object_get(attrs, keys[k]));
		total += strlen(keys[k]) + strlen(value) + 2;
		if (strpbrk(keys[k], "\t\n") || total > ATTRS_MAX)
			continue;
		spec_putf(b, record, "%s\t%s", keys[k], value);
	}
	free(keys);
	return 0;
}

int log_config_spec(struct strbuf *b, const char *bundle, const struct log_context *lc,
		    json_t *log_config, berr *err)
{
	const char *driver = json_string_value(json_object_get(log_config, "Type"));
	json_t *opts = json_object_get(log_config, "Config");
	const struct log_driver *d;
	char path[4096];
	bool remote, need_helper = false;
	const char *key;
	json_t *v;

	if (!driver || !*driver)
		driver = "json-file";
	d = log_driver_find(driver);
	if (!d)
		return log_config_validate(driver, opts, err);
	remote = d->remote;
	spec_put(b, "log-driver", driver);
	if (log_config_path(bundle, lc->id, driver, opts, path, sizeof(path))) {
		spec_put(b, "log-path", path);
		bool json = log_config_store(driver, opts) == LOG_STORE_JSON;
		spec_put(b, "log-format", json ? "json" : "local");
		/* rotation: json-file's own options (none by default), local's
		 * (20 MB, 5 files, compressed), the cache's for the others */
		const char *prefix = remote ? "cache-" : "";
		char k_size[32], k_file[32], k_compress[32];
		snprintf(k_size, sizeof(k_size), "%smax-size", prefix);
		snprintf(k_file, sizeof(k_file), "%smax-file", prefix);
		snprintf(k_compress, sizeof(k_compress), "%scompress", prefix);
		long long max_size = size_opt(opts, k_size, json ? -1 : 20LL * 1024 * 1024);
		long long max_file = int_opt(opts, k_file, json ? 1 : 5);
		bool compress = bool_opt(opts, k_compress, !json);
		if (max_size > 0) {
			spec_putf(b, "log-max-size", "%lld", max_size);
			spec_putf(b, "log-max-file", "%lld", max_file);
			spec_put(b, "log-compress", compress && max_file > 1 ? "1" : "0");
			need_helper = compress && max_file > 1;
		}
	}
	bool nonblock = opt(opts, "mode") && strcmp(opt(opts, "mode"), "non-blocking") == 0;
	spec_put(b, "log-mode", nonblock ? "non-blocking" : "blocking");
	int64_t max_buffer = 1000000; /* Docker's ring: 1e6 bytes */
	if (opt(opts, "max-buffer-size"))
		units_ram_in_bytes(opt(opts, "max-buffer-size"), &max_buffer, NULL);
	spec_putf(b, "log-max-buffer", "%lld", (long long)max_buffer);
	if (strcmp(driver, "none") == 0)
		return 0;

	/* the tag (rendered for receivers; kept with each entry only when the
	 * user asked for one, as json-file and local keep it) and the extra
	 * attributes */
	json_t *attrs = json_object();
	struct strbuf tag = {0};
	int rc = extra_attributes(lc, opts, attrs, err);
	if (rc == 0 && (remote || opt(opts, "tag")))
		rc = log_tag_render(opt(opts, "tag") ? opt(opts, "tag") : d->default_tag, lc, &tag,
				    err);
	if (rc == 0 && remote) {
		spec_put(b, "log-tag", tag.s ? tag.s : "");
		rc = put_sorted(b, "log-attr", attrs, err);
	}
	if (rc == 0 && opt(opts, "tag"))
		json_object_set_new(attrs, "tag", json_string(tag.s ? tag.s : ""));
	if (rc == 0)
		rc = put_sorted(b, "log-store-attr", attrs, err);
	strbuf_free(&tag);
	json_decref(attrs);
	if (rc == 0 && (remote || need_helper)) {
		char helper[4096];
		if (runtime_logger_path(helper, sizeof(helper), err) < 0)
			return -1;
		spec_put(b, "log-helper", helper);
	}
	if (rc < 0 || !remote)
		return rc;

	/* what berth-logger needs: the receiver, its options, the container */
	struct log_address a;
	char where[512];
	if (strcmp(driver, "syslog") == 0)
		rc = log_address_parse_syslog(opt(opts, "syslog-address"), &a, err);
	else if (strcmp(driver, "gelf") == 0)
		rc = log_address_parse_gelf(opt(opts, "gelf-address"), &a, err);
	else if (strcmp(driver, "fluentd") == 0)
		rc = log_address_parse_fluentd(opt(opts, "fluentd-address"), &a, err);
	else {
		a = (struct log_address){.transport = LOG_UNIXGRAM};
		snprintf(a.path, sizeof(a.path), "/run/systemd/journal/socket");
	}
	if (rc < 0)
		return -1;
	log_address_format(&a, where, sizeof(where));
	spec_put(b, "log-address", where);
	json_object_foreach(opts, key, v)
		if (log_option_is_receivers(d, key))
			spec_putf(b, "log-opt", "%s\t%s", key, json_string_value(v));
	spec_putf(b, "log-id", "%s", lc->id);
	spec_putf(b, "log-name", "%s", lc->name);
	spec_putf(b, "log-image-id", "%s", lc->image_id ? lc->image_id : "");
	spec_putf(b, "log-image-name", "%s", lc->image_name ? lc->image_name : "");
	spec_putf(b, "log-command", "%s", lc->command ? lc->command : "");
	spec_putf(b, "log-created", "%lld", (long long)lc->created);
	return 0;
}
