/* A container's health check: Config.Healthcheck with Docker's defaults,
 * and State.Health as the monitor writes it to <run>/health. */
#include "engine/container/health.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Docker's defaults for what a health check leaves unset. */
#define HEALTH_DEFAULT_NS 30000000000LL
#define HEALTH_DEFAULT_RETRIES 3

bool container_health_params(json_t *config, struct health_params *hp)
{
	json_t *hc = json_object_get(config, "Healthcheck");
	json_t *test = json_object_get(hc, "Test");
	const char *kind = json_string_value(json_array_get(test, 0));
	json_int_t v;

	if (!kind || !strcmp(kind, "NONE") || json_array_size(test) < 2)
		return false;
	if (strcmp(kind, "CMD") && strcmp(kind, "CMD-SHELL"))
		return false;
	v = json_integer_value(json_object_get(hc, "Interval"));
	hp->interval_ns = v > 0 ? v : HEALTH_DEFAULT_NS;
	v = json_integer_value(json_object_get(hc, "Timeout"));
	hp->timeout_ns = v > 0 ? v : HEALTH_DEFAULT_NS;
	v = json_integer_value(json_object_get(hc, "StartPeriod"));
	hp->start_period_ns = v > 0 ? v : 0;
	v = json_integer_value(json_object_get(hc, "Retries"));
	hp->retries = v > 0 && v < 1000000 ? (int)v : HEALTH_DEFAULT_RETRIES;
	return true;
}

json_t *container_health_json(struct engine *engine, const struct container *c)
{
	char run_dir[PATH_MAX], path[PATH_MAX + 16];
	struct health_params hp;

	if (!container_health_params(c->config, &hp) || strcmp(c->state, "created") == 0)
		return NULL;
	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	snprintf(path, sizeof(path), "%s/health", run_dir);
	json_t *h = json_load_file(path, 0, NULL);
	if (!json_is_object(h)) {
		json_decref(h);
		/* the monitor has not written its first record yet */
		h = json_pack("{s:s, s:i, s:[]}", "Status", "starting", "FailingStreak", 0, "Log");
	}
	return h;
}

const char *container_health_status(struct engine *engine, const struct container *c, char *buf,
                                    size_t n)
{
	json_t *h = container_health_json(engine, c);
	const char *st = json_string_value(json_object_get(h, "Status"));

	snprintf(buf, n, "%s", st ? st : "none");
	json_decref(h);
	return buf;
}
