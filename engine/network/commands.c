/* The network.* commands of the engine's queue, and the subsystem as the
 * engine sees it.
 *
 *   network.create  Docker's create body -> {"Id", "Warning"}
 *   network.list    {"filters"} -> [network inspect objects], by name
 *   network.inspect {"name"} -> Docker's network inspect object
 *   network.remove  {"name"} -> {}
 *   network.prune   {"filters"} -> {"NetworksDeleted": [names]} */
#include <stdlib.h>
#include <string.h>

#include "engine/core/clock.h"
#include "engine/core/filters.h"
#include "engine/core/units.h"
#include "engine/network/internal.h"

static bool builtin(const struct network *n)
{
	return strcmp(n->name, "bridge") == 0 || strcmp(n->name, "host") == 0 ||
	       strcmp(n->name, "none") == 0;
}

static int cmd_create(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct network n;

	if (network_create(cmd_engine(ctx), args, &n, err) < 0)
		return -1;
	*result = json_pack("{s:s, s:s}", "Id", n.id, "Warning", "");
	network_free(&n);
	return 0;
}

/* Docker's network filters: dangling, driver, id, label, name, scope, type. */
static int matches(struct store *st, const struct network *n, json_t *filters, bool *match,
		   berr *err)
{
	json_t *types = json_object_get(filters, "type"), *t;
	size_t i;

	*match = filters_match_exact(filters, "driver", n->driver) &&
		 filters_match_regex(filters, "id", n->id) &&
		 filters_match_regex(filters, "name", n->name) &&
		 filters_match_exact(filters, "scope", "local") &&
		 filters_match_label(filters, n->labels);
	json_array_foreach(types, i, t) {
		const char *type = json_string_value(t);

		if (!type || (strcmp(type, "custom") != 0 && strcmp(type, "builtin") != 0))
			return berr_set(err, BERR_INVALID, "invalid filter: 'type'='%s'",
					type ? type : "");
	}
	if (json_array_size(types) && *match) {
		bool any = false;

		json_array_foreach(types, i, t)
			any |= strcmp(json_string_value(t), builtin(n) ? "builtin" : "custom") == 0;
		*match = any;
	}
	/* dangling: a network of the user's no container is on */
	json_array_foreach(json_object_get(filters, "dangling"), i, t) {
		const char *v = json_string_value(t);
		bool want = v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);

		if (!v || (!want && strcmp(v, "false") != 0 && strcmp(v, "0") != 0))
			return berr_set(err, BERR_INVALID, "invalid filter 'dangling=%s'", v ? v : "");
		if (*match) {
			struct endpoint *eps = NULL;
			size_t neps = 0;
			if (endpoint_load_network(st, n->id, &eps, &neps, err) < 0)
				return -1;
			endpoint_free_all(eps, neps);
			*match = (!builtin(n) && neps == 0) == want;
		}
	}
	return 0;
}

static int cmd_list(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	static const char *const keys[] = {"driver", "id", "label", "name", "scope", "type",
					   "dangling", NULL};
	struct engine *engine = cmd_engine(ctx);
	struct store *st = engine_store(engine, err);
	json_t *filters = filters_from_api(json_object_get(args, "filters"));
	struct network *all = NULL;
	size_t n = 0;
	int rc = -1;

	if (!filters)
		return berr_set(err, BERR_INVALID, "invalid filters");
	if (!st || filters_validate(filters, keys, err) < 0 ||
	    network_load_all(st, &all, &n, err) < 0)
		goto out;
	*result = json_array();
	for (size_t i = 0; i < n; i++) {
		bool match;

		if (matches(st, &all[i], filters, &match, err) < 0) {
			json_decref(*result);
			*result = NULL;
			goto out;
		}
		if (match)
			json_array_append_new(*result, network_inspect_json(engine, &all[i]));
	}
	rc = 0;
out:
	network_free_all(all, n);
	json_decref(filters);
	return rc;
}

static int cmd_inspect(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct engine *engine = cmd_engine(ctx);
	struct store *st = engine_store(engine, err);
	const char *name = json_string_value(json_object_get(args, "name"));
	struct network n;

	if (!st)
		return -1;
	if (!name || !*name)
		return berr_set(err, BERR_INVALID, "network name required");
	if (network_lookup(st, name, &n, err) < 0)
		return -1;
	*result = network_inspect_json(engine, &n);
	network_free(&n);
	return 0;
}

static int cmd_remove(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *name = json_string_value(json_object_get(args, "name"));

	if (!name || !*name)
		return berr_set(err, BERR_INVALID, "network name required");
	if (network_remove(cmd_engine(ctx), name, err) < 0)
		return -1;
	*result = json_object();
	return 0;
}

/* network prune: every custom network no container uses. */
static int cmd_prune(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	static const char *const keys[] = {"label", "label!", "until", NULL};
	struct engine *engine = cmd_engine(ctx);
	struct store *st = engine_store(engine, err);
	json_t *filters = filters_from_api(json_object_get(args, "filters"));
	json_t *until = json_object_get(filters, "until");
	json_t *deleted = json_array();
	struct network *all = NULL;
	size_t n = 0;
	int64_t before = -1;
	int rc = -1;

	if (!filters) {
		json_decref(deleted);
		return berr_set(err, BERR_INVALID, "invalid filters");
	}
	if (!st || filters_validate(filters, keys, err) < 0)
		goto out;
	if (json_array_size(until) &&
	    units_parse_timestamp(json_string_value(json_array_get(until, 0)), clock_now_nanos(),
				  &before, err) < 0)
		goto out;
	if (network_load_all(st, &all, &n, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (builtin(&all[i]) || (before >= 0 && all[i].created >= before) ||
		    !filters_match_label(filters, all[i].labels))
			continue;
		/* in use, or gone meanwhile: left alone, as Docker does */
		if (network_remove(engine, all[i].id, NULL) == 0)
			json_array_append_new(deleted, json_string(all[i].name));
	}
	*result = json_pack("{s:O}", "NetworksDeleted", deleted);
	rc = 0;
out:
	network_free_all(all, n);
	json_decref(filters);
	json_decref(deleted);
	return rc;
}

static const struct engine_command network_commands[] = {
	{"network.create", cmd_create}, {"network.list", cmd_list},   {"network.inspect", cmd_inspect},
	{"network.remove", cmd_remove}, {"network.prune", cmd_prune}, {NULL, NULL},
};

static int network_info(struct engine *engine, json_t *info, berr *err)
{
	(void)engine;
	(void)err;
	json_t *plugins = engine_info_member(info, "Plugins", false);

	json_object_set_new(plugins, "Network",
			    json_pack("[s,s,s,s,s]", "bridge", "host", "ipvlan", "macvlan", "null"));
	json_object_set_new(plugins, "Authorization", json_null());
	return 0;
}

const struct engine_module network_module = {
	.name = "network",
	.commands = (const struct engine_command *const[]){network_commands, NULL},
	.startup = network_startup,
	.info = network_info,
};
