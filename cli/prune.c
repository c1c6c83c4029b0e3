/* Pruning as the docker CLI reports it: the confirmation, the "Deleted
 * Containers:" style sections, the total; and system prune, which runs the
 * containers', networks', volumes', images' and build cache's prunes in
 * Docker's order; and builder prune. */
#include "cli/prune.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/core/filters.h"
#include "engine/core/units.h"

bool cli_confirm(const char *warning)
{
	char answer[16] = "";

	printf("%s\nAre you sure you want to continue? [y/N] ", warning);
	fflush(stdout);
	if (!fgets(answer, sizeof(answer), stdin))
		return false;
	return answer[0] == 'y' || answer[0] == 'Y';
}

static const struct {
	const char *command, *deleted_key, *title;
} prune_kinds[] = {
	[CLI_PRUNE_CONTAINERS] = {"container.prune", "ContainersDeleted", "Deleted Containers:"},
	[CLI_PRUNE_NETWORKS] = {"network.prune", "NetworksDeleted", "Deleted Networks:"},
	[CLI_PRUNE_VOLUMES] = {"volume.prune", "VolumesDeleted", "Deleted Volumes:"},
	[CLI_PRUNE_IMAGES] = {"image.prune", "ImagesDeleted", "Deleted Images:"},
	[CLI_PRUNE_BUILD] = {"builder.prune", "CachesDeleted", "Deleted build cache objects:"},
};

/* One deleted item: an id or name, or for images Docker's "untagged: ref"
 * and "deleted: sha256:..." lines. */
static void print_deleted(json_t *item)
{
	const char *key;
	json_t *v;

	if (json_is_string(item)) {
		printf("%s\n", json_string_value(item));
		return;
	}
	json_object_foreach(item, key, v)
		printf("%s: %s\n", strcmp(key, "Untagged") == 0 ? "untagged" : "deleted",
		       json_string_value(v));
}

int cli_prune(struct cli *cli, enum cli_prune_kind kind, json_t *args, uint64_t *reclaimed)
{
	json_t *result = NULL, *deleted, *item;
	berr err = {0};
	size_t i;

	if (cli_call(cli, prune_kinds[kind].command, args, &result, &err) < 0)
		return cli_fail(cli, &err, 1);
	deleted = json_object_get(result, prune_kinds[kind].deleted_key);
	if (json_array_size(deleted)) {
		printf("%s\n", prune_kinds[kind].title);
		json_array_foreach(deleted, i, item)
			print_deleted(item);
		printf("\n");
	}
	*reclaimed += (uint64_t)json_integer_value(json_object_get(result, "SpaceReclaimed"));
	json_decref(result);
	return 0;
}

void cli_prune_print_total(uint64_t reclaimed)
{
	char space[32];

	units_human_size4((double)reclaimed, space, sizeof(space));
	printf("Total reclaimed space: %s\n", space);
}

static int cmd_system_prune(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_system_prune = {"system prune", cmd_system_prune, "[OPTIONS]",
						 "Remove unused data"};

/* Docker's warning: what will go, one line each. */
static bool confirm_system_prune(bool all, bool volumes)
{
	char warning[512];

	snprintf(warning, sizeof(warning),
		 "WARNING! This will remove:\n  - all stopped containers\n"
		 "  - all networks not used by at least one container\n%s%s  - %s build cache\n",
		 volumes ? "  - all anonymous volumes not used by at least one container\n" : "",
		 all ? "  - all images without at least one container associated to them\n"
		     : "  - all dangling images\n",
		 all ? "all" : "unused");
	return cli_confirm(warning);
}

static int cmd_system_prune(struct cli *cli, int argc, char **argv)
{
	bool all = false, force = false, volumes = false, done;
	struct strlist filters = {0};
	struct flag_spec specs[] = {
		{"all", 'a', FLAG_BOOL, &all, NULL, "Remove all unused images not just dangling ones"},
		{"filter", 0, FLAG_LIST, &filters, "filter", "Provide filter values (e.g. \"label=<key>=<value>\")"},
		{"force", 'f', FLAG_BOOL, &force, NULL, "Do not prompt for confirmation"},
		{"volumes", 0, FLAG_BOOL, &volumes, NULL, "Prune anonymous volumes"},
		{0},
	};
	json_t *f = json_object(), *args = NULL;
	uint64_t reclaimed = 0;
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_system_prune, argc, argv, true, &first, &done)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_system_prune, argc - first, 0, 0)))
		goto out;
	if ((status = cli_filters(cli, &filters, f)))
		goto out;
	if (volumes && filters_has(f, "until")) {
		status = cli_failf(cli, 1, "ERROR: The \"until\" filter is not supported with \"--volumes\"");
		goto out;
	}
	if (!force && !confirm_system_prune(all, volumes))
		goto out;
	args = json_pack("{s:O}", "filters", f);
	if ((status = cli_prune(cli, CLI_PRUNE_CONTAINERS, args, &reclaimed)) ||
	    (status = cli_prune(cli, CLI_PRUNE_NETWORKS, args, &reclaimed)))
		goto out;
	if (volumes && (status = cli_prune(cli, CLI_PRUNE_VOLUMES, args, &reclaimed)))
		goto out;
	json_object_set_new(args, "all", json_boolean(all));
	if ((status = cli_prune(cli, CLI_PRUNE_IMAGES, args, &reclaimed)) ||
	    (status = cli_prune(cli, CLI_PRUNE_BUILD, args, &reclaimed)))
		goto out;
	cli_prune_print_total(reclaimed);
out:
	json_decref(f);
	json_decref(args);
	flags_free(specs);
	return status;
}

static int cmd_builder_prune(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_builder_prune = {"builder prune", cmd_builder_prune, "[OPTIONS]",
						  "Remove build cache"};

static int cmd_builder_prune(struct cli *cli, int argc, char **argv)
{
	bool all = false, force = false, done;
	char *keep = NULL;
	struct strlist filters = {0};
	struct flag_spec specs[] = {
		{"all", 'a', FLAG_BOOL, &all, NULL, "Remove all unused build cache, not just dangling ones"},
		{"filter", 0, FLAG_LIST, &filters, "filter", "Provide filter values (e.g. \"until=24h\")"},
		{"force", 'f', FLAG_BOOL, &force, NULL, "Do not prompt for confirmation"},
		{"keep-storage", 0, FLAG_STRING, &keep, "bytes", "Amount of disk space to keep for cache"},
		{0},
	};
	json_t *f = json_object(), *args = NULL;
	uint64_t reclaimed = 0;
	int64_t keep_bytes = 0;
	berr err = {0};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_builder_prune, argc, argv, true, &first, &done)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_builder_prune, argc - first, 0, 0)))
		goto out;
	if ((status = cli_filters(cli, &filters, f)))
		goto out;
	if (keep && units_ram_in_bytes(keep, &keep_bytes, &err) < 0) {
		status = cli_fail(cli, &err, 125);
		goto out;
	}
	if (!force && !cli_confirm(all ? "WARNING! This will remove all build cache."
				       : "WARNING! This will remove all dangling build cache."))
		goto out;
	args = json_pack("{s:O, s:b, s:I}", "filters", f, "all", all, "keep_storage", (json_int_t)keep_bytes);
	if ((status = cli_prune(cli, CLI_PRUNE_BUILD, args, &reclaimed)))
		goto out;
	cli_prune_print_total(reclaimed);
out:
	json_decref(f);
	json_decref(args);
	flags_free(specs);
	return status;
}
