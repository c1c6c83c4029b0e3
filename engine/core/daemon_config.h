/* berth's daemon.json (BERTH_CONFIG, else /etc/berth/daemon.json): the file
 * Docker's dockerd --config-file reads, with the same keys. Each subsystem
 * reads the keys it owns (network/config.c, registry/registry_config.c);
 * this file only finds, reads and parses it. */
#ifndef BERTH_CORE_DAEMON_CONFIG_H
#define BERTH_CORE_DAEMON_CONFIG_H

#include <jansson.h>

#include "engine/core/error.h"

/* The path in use. */
const char *daemon_config_path(void);

/* The file as a JSON object: an empty one when there is no file at the
 * default path; a file the user named must exist. */
int daemon_config_read(json_t **out, berr *err);

/* Docker's words for a bad key: "unable to configure the berth engine
 * with file <path>: <detail>" (detail formatted from fmt and arg).
 * Returns -1. */
int daemon_config_bad(berr *err, const char *fmt, const char *arg);

#endif
