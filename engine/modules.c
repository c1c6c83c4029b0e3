/* The composition root: the subsystems a berth engine is made of. It sits
 * above every subsystem so that the core below knows none of them. The
 * order is the start-up order: daemon.json's settings first, staging, volumes and networks settle before
 * containers (whose restarts mount volumes) come back, events are trimmed
 * last. */
#include "engine/modules.h"

#include "engine/build/build.h"
#include "engine/core/daemon_config.h"
#include "engine/logging/log_config.h"
#include "engine/container/container.h"
#include "engine/events/events.h"
#include "engine/image/image.h"
#include "engine/network/network.h"
#include "engine/registry/registry_module.h"
#include "engine/system/system.h"
#include "engine/volume/volume.h"

const struct engine_module *const engine_modules[] = {
	&daemon_settings_module, &registry_module, &image_module, &volume_module, &network_module, &container_module, &build_module, &events_module, &system_module, NULL,
};

int engine_config_validate(json_t **ignored, berr *err)
{
	json_t *config, *log_default;

	*ignored = json_array();
	if (daemon_config_read(&config, err) < 0)
		return -1;
	int rc = daemon_config_check(config, *ignored, err);
	json_decref(config);
	if (rc == 0 && log_config_daemon_default(&log_default, err) == 0)
		json_decref(log_default);
	else
		rc = -1;
	return rc;
}
