/* A container's health check: its parameters as the monitor runs it and
 * the state the monitor last recorded. */
#ifndef BERTH_CONTAINER_HEALTH_H
#define BERTH_CONTAINER_HEALTH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "engine/container/internal.h"

/* A container's health check as the monitor runs it (Docker's defaults
 * filled in: 30 s interval and timeout, no start period, 3 retries). */
struct health_params {
	long long interval_ns, timeout_ns, start_period_ns;
	int retries;
};

/* Whether config.Healthcheck asks for a check (not NONE, not empty); fills hp. */
bool container_health_params(json_t *config, struct health_params *hp);

/* State.Health as the monitor last wrote it (<run>/health); NULL when the
 * container has no health check or never ran. */
json_t *container_health_json(struct engine *engine, const struct container *c);
/* "starting", "healthy", "unhealthy" or "none", into buf. */
const char *container_health_status(struct engine *engine, const struct container *c, char *buf,
                                    size_t n);

#endif
