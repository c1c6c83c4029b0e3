/* Log drivers and their options (see log_config.h). */
#include "engine/logging/log_config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/daemon_config.h"
#include "engine/core/units.h"
#include "engine/logging/log_options.h"

int log_config_validate(const char *driver, json_t *opts, berr *err)
{
	const struct log_driver *d = log_driver_find(driver);
	const char *key;
	json_t *v;

	if (!driver)
		driver = "";
	/* none takes anything, as Docker's none does */
	if (strcmp(driver, "none") == 0)
		return 0;
	if (opts && !json_is_object(opts))
		return berr_set(err, BERR_INVALID, "log options must be an object of strings");
	json_object_foreach(opts, key, v)
		if (!json_is_string(v))
			return berr_set(err, BERR_INVALID,
					"log option %s: the value must be a string", key);
	if (log_options_check_generic(d, opts, err) < 0)
		return -1;
	/* awslogs, splunk, gcplogs... and plugins: berth has none of them */
	if (!d)
		return berr_set(err, BERR_INVALID,
				"error looking up logging plugin %s: plugin \"%s\" not found", driver,
				driver);
	return log_options_check(d, opts, err);
}

int log_config_daemon_default(json_t **out, berr *err)
{
	json_t *config, *opts;
	const char *driver;

	*out = NULL;
	if (daemon_config_read(&config, err) < 0)
		return -1;
	driver = json_string_value(json_object_get(config, "log-driver"));
	if (json_object_get(config, "log-driver") && !driver) {
		json_decref(config);
		return daemon_config_bad(err, "%s", "log-driver must be a string");
	}
	opts = json_object_get(config, "log-opts");
	if (opts && !json_is_object(opts)) {
		json_decref(config);
		return daemon_config_bad(err, "%s", "log-opts must be an object of strings");
	}
	if (!driver || !*driver)
		driver = "json-file";
	if (log_config_validate(driver, opts, err) < 0) {
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		json_decref(config);
		return daemon_config_bad(err, "%s", msg);
	}
	*out = json_pack("{s:s, s:o}", "Type", driver, "Config",
			 opts ? json_deep_copy(opts) : json_object());
	json_decref(config);
	if (!*out)
		return berr_set(err, BERR_SYSTEM, "out of memory");
	return 0;
}

int log_config_resolve(json_t *user, json_t **out, berr *err)
{
	const char *driver = json_string_value(json_object_get(user, "Type"));
	json_t *given = json_object_get(user, "Config"), *def = NULL, *opts;

	*out = NULL;
	if (given && !json_is_null(given) && !json_is_object(given))
		return berr_set(err, BERR_INVALID, "log options must be an object of strings");
	if (log_config_daemon_default(&def, err) < 0)
		return -1;
	const char *daemon_driver = json_string_value(json_object_get(def, "Type"));
	if (!driver || !*driver)
		driver = daemon_driver;
	opts = json_is_object(given) ? json_deep_copy(given) : json_object();
	if (strcmp(driver, daemon_driver) == 0) {
		json_object_update_missing(opts, json_object_get(def, "Config"));
	} else {
		/* the cache's options go to every driver (dockerd's
		 * MergeDefaultLogConfig): how dual logging is turned off host-wide */
		const char *key;
		json_t *v;
		json_object_foreach(json_object_get(def, "Config"), key, v)
			if (strncmp(key, "cache-", 6) == 0 && !json_object_get(opts, key))
				json_object_set(opts, key, v);
	}
	*out = json_pack("{s:s, s:o}", "Type", driver, "Config", opts);
	json_decref(def);
	if (!*out)
		return berr_set(err, BERR_SYSTEM, "out of memory");
	driver = json_string_value(json_object_get(*out, "Type"));
	if (log_config_validate(driver, opts, err) < 0) {
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

bool log_config_is_remote(const char *driver)
{
	const struct log_driver *d = log_driver_find(driver);
	return d && d->remote;
}

enum log_store_format log_config_store(const char *driver, json_t *opts)
{
	const struct log_driver *d = log_driver_find(driver);

	if (!driver || strcmp(driver, "json-file") == 0)
		return LOG_STORE_JSON;
	if (!d || strcmp(driver, "none") == 0)
		return LOG_STORE_NONE;
	if (strcmp(driver, "local") == 0)
		return LOG_STORE_LOCAL;
	/* the others: Docker's "dual logging" cache, unless turned off */
	const char *off = json_string_value(json_object_get(opts, "cache-disabled"));
	return off && strcmp(off, "true") == 0 ? LOG_STORE_NONE : LOG_STORE_LOCAL;
}

bool log_config_path(const char *bundle, const char *id, const char *driver, json_t *opts,
		     char *out, size_t size)
{
	int n;

	switch (log_config_store(driver, opts)) {
	case LOG_STORE_NONE:
		return false;
	case LOG_STORE_JSON:
		n = snprintf(out, size, "%s/%s-json.log", bundle, id);
		break;
	case LOG_STORE_LOCAL:
	default:
		n = snprintf(out, size, "%s/%s", bundle,
			     driver && strcmp(driver, "local") == 0 ? "local-logs/container.log"
								    : "container-cached.log");
		break;
	}
	return n > 0 && (size_t)n < size;
}
