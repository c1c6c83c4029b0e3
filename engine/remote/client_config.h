/* The docker CLI's own config directory and its config.json, of which
 * berth reads and writes only "currentContext": every other key stays as
 * it is, in its place. */
#ifndef BERTH_REMOTE_CLIENT_CONFIG_H
#define BERTH_REMOTE_CLIENT_CONFIG_H

#include <stddef.h>

#include "engine/core/error.h"

/* The config directory: dir when given (--config), else $DOCKER_CONFIG,
 * else $HOME/.docker (the passwd entry's home when HOME is unset). */
const char *client_config_dir(const char *dir, char *buf, size_t size);

/* config.json's currentContext into buf: "" when the file or the key is
 * absent. A file that cannot be read or parsed is an error in docker's
 * words ("parsing config file (PATH): ..."); docker then warns
 * "WARNING: Error <message>" and goes on as without the file. */
int client_config_current_context(const char *config_dir, char *buf, size_t size, berr *err);

/* Sets currentContext to name, or removes it when name is NULL or "",
 * through a new file renamed over config.json (its target when it is a
 * symlink), which keeps the old file's mode and owner; a new one is 0600
 * with {"auths": {}} as docker starts it, in a folder made 0700. Written
 * as docker indents it (tabs). A file that cannot be parsed is left
 * alone, and an error. */
int client_config_set_current_context(const char *config_dir, const char *name, berr *err);

#endif
