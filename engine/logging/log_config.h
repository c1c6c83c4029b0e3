/* A container's logging: which driver, its options checked as Docker
 * checks them (moby daemon/logger), the daemon's defaults merged in, and what
 * the monitor is told (the spec's log-* records, shim_protocol.h). */
#ifndef BERTH_LOGGING_LOG_CONFIG_H
#define BERTH_LOGGING_LOG_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "engine/core/error.h"
#include "engine/core/strbuf.h"

/* How a driver's lines are kept on the host. */
enum log_store_format {
	LOG_STORE_NONE,	 /* nothing kept: `logs` refuses */
	LOG_STORE_JSON,	 /* json-file lines */
	LOG_STORE_LOCAL, /* the local driver's framed entries */
};

/* The daemon's default log configuration (daemon.json log-driver and
 * log-opts), checked; *out is {"Type", "Config"}. */
int log_config_daemon_default(json_t **out, berr *err);

/* Checks a driver name and its options (a JSON object of strings) as
 * Docker does at create; the generic options (mode, max-buffer-size and,
 * for drivers that cannot be read, the cache-* options) included. */
int log_config_validate(const char *driver, json_t *opts, berr *err);

/* HostConfig.LogConfig as stored at create: an empty Type takes the
 * daemon's driver; the daemon's options fill those not given when the
 * driver is the daemon's. Validated. Returns a new object. */
int log_config_resolve(json_t *user, json_t **out, berr *err);

/* Whether a driver has its own reader (json-file, local) or is read from
 * its cache, and the format kept on the host for `logs`. */
enum log_store_format log_config_store(const char *driver, json_t *opts);
/* Whether the driver sends lines to a receiver (through berth-logger). */
bool log_config_is_remote(const char *driver);

/* The file `logs` reads, under the container's bundle directory:
 * <id>-json.log, local-logs/container.log or container-cached.log.
 * Returns false when the driver keeps nothing. */
bool log_config_path(const char *bundle, const char *id, const char *driver, json_t *opts,
		     char *out, size_t size);

/* What the tag and the attributes are made from. */
struct log_context {
	const char *id, *name;	       /* full id; name without the leading "/" */
	const char *image_id, *image_name; /* "sha256:..." and the name as given */
	const char *command;	       /* argv joined by spaces (gelf's _command) */
	int64_t created;	       /* ns */
	json_t *labels, *env;	       /* Config.Labels object, Config.Env array */
};

/* Writes the monitor's log records for the container to b: log-driver,
 * log-path, the rotation, the mode, the tag and the attributes, and the
 * receiver's settings for berth-logger. */
int log_config_spec(struct strbuf *b, const char *bundle, const struct log_context *lc,
		    json_t *log_config, berr *err);

#endif
