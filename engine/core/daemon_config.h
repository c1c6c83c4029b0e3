/* berth's daemon.json (BERTH_CONFIG, else /etc/berth/daemon.json): the file
 * Docker's dockerd --config-file reads, with the same keys. Each subsystem
 * reads the keys it owns (network/config.c, registry/hosts.c,
 * logging/log_config.c); daemon_config.c finds, reads and parses it,
 * daemon_keys.c knows every key Docker has. */
#ifndef BERTH_CORE_DAEMON_CONFIG_H
#define BERTH_CORE_DAEMON_CONFIG_H

#include <stdbool.h>

#include <jansson.h>

#include "engine/core/error.h"

/* The path in use. */
const char *daemon_config_path(void);

/* The file as a JSON object: an empty one when there is no file at the
 * default path; a file the user named must exist. */
int daemon_config_read(json_t **out, berr *err);

/* dockerd's checks of the file as a whole: every key is one of Docker's
 * (else "the following directives don't match any configuration option"),
 * of the JSON type Docker reads it as, and the values no subsystem owns
 * are good (log-level, labels, exec-opts, the counts...). The Docker keys
 * berth does not apply are appended to ignored as {"key", "why"}. */
int daemon_config_check(json_t *root, json_t *ignored, berr *err);

/* Whether the file differs from the one last seen by an engine on this
 * data root (what it ignores is said once per version of the file). */
bool daemon_config_first_sight(const char *data_root);

/* daemon.json's seccomp-profile, a file: its JSON, compact (malloc'd). */
int daemon_config_seccomp_profile(const char *path, char **out, berr *err);

/* Docker's words for a bad key: "unable to configure the berth engine
 * with file <path>: <detail>" (detail formatted from fmt and arg).
 * Returns -1. */
int daemon_config_bad(berr *err, const char *fmt, const char *arg);

#endif
