/* The remote module: the engine's commands served by a daemon's Engine
 * API, so that every face drives another host (or a real dockerd) the way
 * it drives this one. */
#include "engine/remote/remote.h"

#include "engine/registry/registry_module.h"
#include "engine/remote/internal.h"

static const struct engine_command *const remote_commands[] = {
	remote_container_commands, remote_stream_commands, remote_stats_commands,
	remote_image_commands,	   remote_object_commands, remote_system_commands,
	remote_transfer_commands,  remote_build_commands,   NULL,
};

static const struct engine_module remote_module = {
	.name = "remote",
	.commands = remote_commands,
};

/* The registry's commands (login, logout, manifest inspect) are the
 * client's, as the docker CLI's are: credentials in the user's
 * config.json, the registry reached from here. */
const struct engine_module *const remote_modules[] = {&remote_module, &registry_module, NULL};
