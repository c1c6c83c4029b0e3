/* The composition root: the subsystems a berth engine is made of. It sits
 * above every subsystem so that the core below knows none of them. The
 * order is the start-up order: staging, volumes and networks settle before
 * containers (whose restarts mount volumes) come back, events are trimmed
 * last. */
#include "engine/modules.h"

#include "engine/build/build.h"
#include "engine/container/container.h"
#include "engine/events/events.h"
#include "engine/image/image.h"
#include "engine/network/network.h"
#include "engine/registry/registry_module.h"
#include "engine/system/system.h"
#include "engine/volume/volume.h"

const struct engine_module *const engine_modules[] = {
	&registry_module, &image_module, &volume_module, &network_module, &container_module, &build_module, &events_module, &system_module, NULL,
};
