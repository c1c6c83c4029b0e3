/* container.update: dockerd's update of a container's resources, on the
 * HostConfig and, when it runs, straight into its cgroups. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/container/internal.h"
#include "engine/container/resources.h"
#include "engine/container/update.h"
#include "engine/core/intent.h"
#include "engine/events/events.h"

static int64_t arg_int(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

int container_restart_policy_check(json_t *policy, berr *err)
{
	const char *name = json_string_value(json_object_get(policy, "Name"));
	int64_t count = arg_int(policy, "MaximumRetryCount");

	if (!name || !*name)
		return 0;
	if (strcmp(name, "always") == 0 || strcmp(name, "unless-stopped") == 0 ||
	    strcmp(name, "no") == 0) {
		if (count != 0)
			return berr_set(err, BERR_INVALID,
			                "invalid restart policy: maximum retry count can only be "
			                "used with 'on-failure'%s",
			                count < 0 ? " and cannot be negative" : "");
		return 0;
	}
	if (strcmp(name, "on-failure") == 0) {
		if (count < 0)
			return berr_set(
			    err, BERR_INVALID,
			    "invalid restart policy: maximum retry count cannot be negative");
		return 0;
	}
	return berr_set(err, BERR_INVALID,
	                "invalid restart policy: unknown policy '%s'; use one of 'no', 'always', "
	                "'on-failure', or 'unless-stopped'",
	                name);
}

static void set_int(json_t *hc, const char *key, int64_t v)
{
	json_object_set_new(hc, key, json_integer(v));
}

/* dockerd's UpdateContainer: the update's non-zero fields over hc, with
 * its conflicts; *groups says which cgroup settings changed. */
static int merge_update(json_t *hc, json_t *u, unsigned *groups, berr *err)
{
	int64_t nano = arg_int(u, "NanoCpus"), period = arg_int(u, "CpuPeriod");
	int64_t quota = arg_int(u, "CpuQuota"), memory = arg_int(u, "Memory");
	int64_t swap = arg_int(u, "MemorySwap"), reservation = arg_int(u, "MemoryReservation");
	const char *cpus = json_string_value(json_object_get(u, "CpusetCpus"));
	const char *mems = json_string_value(json_object_get(u, "CpusetMems"));
	json_t *pids = json_object_get(u, "PidsLimit"),
	       *policy = json_object_get(u, "RestartPolicy");

	if (nano > 0 && arg_int(hc, "CpuPeriod") > 0)
		return berr_set(err, BERR_CONFLICT,
		                "Conflicting options: Nano CPUs cannot be updated as CPU Period "
		                "has already been set");
	if (nano > 0 && arg_int(hc, "CpuQuota") > 0)
		return berr_set(err, BERR_CONFLICT,
		                "Conflicting options: Nano CPUs cannot be updated as CPU Quota has "
		                "already been set");
	if (period > 0 && arg_int(hc, "NanoCpus") > 0)
		return berr_set(err, BERR_CONFLICT,
		                "Conflicting options: CPU Period cannot be updated as NanoCPUs has "
		                "already been set");
	if (quota > 0 && arg_int(hc, "NanoCpus") > 0)
		return berr_set(err, BERR_CONFLICT,
		                "Conflicting options: CPU Quota cannot be updated as NanoCPUs has "
		                "already been set");
	if ((memory == -1 || memory > 0) && memory > arg_int(hc, "MemorySwap") && swap == 0)
		return berr_set(err, BERR_CONFLICT,
		                "Memory limit should be smaller than already set memoryswap limit, "
		                "update the memoryswap at the same time");
	if (json_string_length(json_object_get(policy, "Name")) &&
	    json_is_true(json_object_get(hc, "AutoRemove")) &&
	    strcmp(json_string_value(json_object_get(policy, "Name")), "no") != 0)
		return berr_set(err, BERR_CONFLICT,
		                "Restart policy cannot be updated because AutoRemove is enabled "
		                "for the container");
	*groups = 0;
	static const char *const cpu_keys[] = {"BlkioWeight", "CpuShares", "NanoCpus", "CpuPeriod",
	                                       "CpuQuota"};
	for (size_t i = 0; i < sizeof(cpu_keys) / sizeof(cpu_keys[0]); i++)
		if (arg_int(u, cpu_keys[i]) != 0) {
			set_int(hc, cpu_keys[i], arg_int(u, cpu_keys[i]));
			*groups |= i == 0 ? RESOURCES_BLKIO : RESOURCES_CPU;
		}
	if (cpus && *cpus)
		json_object_set_new(hc, "CpusetCpus", json_string(cpus));
	if (mems && *mems)
		json_object_set_new(hc, "CpusetMems", json_string(mems));
	if ((cpus && *cpus) || (mems && *mems))
		*groups |= RESOURCES_CPUSET;
	if (memory == -1 || memory > 0)
		set_int(hc, "Memory", memory > 0 ? memory : 0);
	if (swap != 0)
		set_int(hc, "MemorySwap", swap);
	if (reservation != 0)
		set_int(hc, "MemoryReservation", reservation);
	if (memory != 0 || swap != 0 || reservation != 0)
		*groups |= RESOURCES_MEMORY;
	if (json_is_integer(pids)) {
		set_int(hc, "PidsLimit",
		        json_integer_value(pids) > 0 ? json_integer_value(pids) : 0);
		*groups |= RESOURCES_PIDS;
	}
	if (json_string_length(json_object_get(policy, "Name")))
		json_object_set_new(hc, "RestartPolicy",
		                    json_pack("{s:s, s:I}", "Name",
		                              json_string_value(json_object_get(policy, "Name")),
		                              "MaximumRetryCount",
		                              (json_int_t)arg_int(policy, "MaximumRetryCount")));
	return 0;
}

/* Rewrites the cgroup files of a running container; on failure puts the
 * old values back as well as it can. */
static int apply_running(const char *id, json_t *old_hc, json_t *hc, unsigned groups,
                         const struct cgroup_features *f, berr *err)
{
	json_t *settings = json_array();
	int rc;

	resources_cgroup_settings(hc, f, groups, true, settings);
	rc = resources_write_cgroups(id, settings, f, err);
	json_decref(settings);
	if (rc < 0) {
		settings = json_array();
		resources_cgroup_settings(old_hc, f, groups, true, settings);
		resources_write_cgroups(id, settings, f, NULL);
		json_decref(settings);
	}
	return rc;
}

/* The update inside one transaction, against the row as stored now. */
static int update_locked(struct engine *engine, struct store *st, struct container *c, json_t *u,
                         const struct cgroup_features *f, berr *err)
{
	char state[16];
	json_t *stored = NULL, *hc = NULL;
	unsigned groups = 0;
	int rc = -1;

	if (container_host_config_row(st, c->id, state, sizeof(state), &stored, err) < 0)
		return -1;
	if (strcmp(state, "removing") == 0 || strcmp(state, "dead") == 0) {
		berr_set(err, BERR_CONFLICT,
		         "Cannot update container %s: container is marked for removal and cannot "
		         "be \"update\"",
		         c->id);
		goto out;
	}
	hc = json_deep_copy(stored);
	if (!hc || merge_update(hc, u, &groups, err) < 0) {
		if (!hc)
			berr_errno(err, ENOMEM, "updating container %s", c->id);
		berr_prefix(err, "Cannot update container %s", c->id);
		goto out;
	}
	/* a paused container is updated too; a restarting one gets its limits at start */
	if ((strcmp(state, "running") == 0 || strcmp(state, "paused") == 0) && groups &&
	    apply_running(c->id, stored, hc, groups, f, err) < 0) {
		err->kind = BERR_SYSTEM;
		berr_prefix(err, "Cannot update container %s", c->id);
		goto out;
	}
	if (container_host_config_save(st, c->id, hc, err) < 0)
		goto out;
	container_emit(engine, c, "update", NULL);
	rc = 0;
out:
	json_decref(stored);
	json_decref(hc);
	return rc;
}

static int cmd_update(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct engine *engine = cmd_engine(ctx);
	const char *ref = json_string_value(json_object_get(args, "id"));
	struct cgroup_features f;
	struct container c;
	struct store *st;
	json_t *u = NULL, *warnings = json_array();
	char intent[PATH_MAX] = "";
	int rc = -1;

	if (!ref || !*ref) {
		json_decref(warnings);
		return berr_set(err, BERR_INVALID, "no container given");
	}
	if (container_find(engine, ref, &c, err) < 0) {
		json_decref(warnings);
		return -1;
	}
	resources_probe(&f);
	u = json_deep_copy(args);
	if (json_is_integer(json_object_get(u, "PidsLimit")) &&
	    json_integer_value(json_object_get(u, "PidsLimit")) < 0)
		set_int(u, "PidsLimit", 0);
	if (!u || resources_check(u, true, &f, warnings, err) < 0 ||
	    container_restart_policy_check(json_object_get(u, "RestartPolicy"), err) < 0)
		goto out;
	st = engine_store(engine, err);
	/* The cgroups are written before the row commits: recorded first, a
	 * berth killed in between leaves the kernel with limits the store
	 * does not have, and the next berth writes the stored ones again. */
	if (!st || intent_begin(engine, "update", c.id, intent, sizeof(intent), err) < 0)
		goto out;
	if (store_begin(st, err) < 0)
		goto out;
	if (update_locked(engine, st, &c, u, &f, err) < 0) {
		store_rollback(st);
		goto out;
	}
	if (store_commit(st, err) < 0)
		goto out;
	*result = json_pack("{s:O}", "Warnings", warnings);
	rc = 0;
out:
	intent_end(intent);
	json_decref(u);
	json_decref(warnings);
	container_free(&c);
	return rc;
}

int container_reapply_limits(const struct container *c, berr *err)
{
	struct cgroup_features f;
	json_t *settings = json_array();
	int rc;

	resources_probe(&f);
	resources_cgroup_settings(c->host_config, &f, RESOURCES_ALL, true, settings);
	rc = resources_write_cgroups(c->id, settings, &f, err);
	json_decref(settings);
	return rc;
}

const struct engine_command container_update_commands[] = {
    {"container.update", cmd_update},
    {NULL, NULL},
};
