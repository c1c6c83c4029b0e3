/* The per-container init layer (mount points above the image). */
#ifndef BERTH_CONTAINER_INIT_LAYER_H
#define BERTH_CONTAINER_INIT_LAYER_H

#include "engine/core/error.h"

/* Creates <bundle>/init with the runtime's mount points. */
int container_make_init_layer(const char *bundle, berr *err);

#endif
