/* The name Go's encoding/json gives a JSON value's kind in its errors
 * ("cannot unmarshal string into ..."): for the faces' and the engine's
 * checks of what clients and daemon.json send. */
#ifndef BERTH_CORE_JSON_KIND_H
#define BERTH_CORE_JSON_KIND_H

#include <jansson.h>

const char *json_kind_name(json_t *v);

#endif
