/* volume create, ls, inspect, rm, prune; and the volume flags of run and
 * create (-v, --mount, --tmpfs, --volumes-from). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/prune.h"
#include "cli/template.h"
#include "engine/core/filters.h"
#include "engine/core/units.h"
#include "engine/volume/parse.h"

int cli_print_each(struct cli *cli, json_t *objects, const char *format);
int cli_volume_flags(struct cli *cli, json_t *body, json_t *hc, const struct strlist *volumes,
		     const struct strlist *mounts, const struct strlist *tmpfs,
		     const struct strlist *volumes_from);

/* -v "/path" is an anonymous volume (Config.Volumes); anything with a
 * source goes to HostConfig.Binds, a "./rel" host path made absolute as
 * the docker CLI does. */
static void add_volume_flag(json_t *volumes, json_t *binds, const char *spec)
{
	const char *colon = strchr(spec, ':');
	char cwd[PATH_MAX], bind[PATH_MAX * 2 + 8];

	if (!colon) {
		json_object_set_new(volumes, spec, json_object());
		return;
	}
	if (spec[0] == '.' && getcwd(cwd, sizeof(cwd))) {
		snprintf(bind, sizeof(bind), "%s/%.*s%s", cwd, (int)(colon - spec), spec, colon);
		json_array_append_new(binds, json_string(bind));
		return;
	}
	json_array_append_new(binds, json_string(spec));
}

/* Fills the create body from the mount flags; returns 0 or the exit status
 * after printing the error. */
int cli_volume_flags(struct cli *cli, json_t *body, json_t *hc, const struct strlist *volumes,
		     const struct strlist *mounts, const struct strlist *tmpfs,
		     const struct strlist *volumes_from)
{
	json_t *vols = json_object(), *binds = json_array(), *api_mounts = json_array();
	json_t *tmpfs_map = json_object(), *from = json_array();
	berr err = {0};
	int status = 0;

	for (size_t i = 0; i < volumes->len; i++)
		add_volume_flag(vols, binds, volumes->items[i]);
	for (size_t i = 0; i < mounts->len && !status; i++) {
		json_t *m;
		if (volume_parse_mount_flag(mounts->items[i], &m, &err) < 0)
			status = cli_failf(cli, 125, "invalid argument \"%s\" for \"--mount\" flag: %s",
					   mounts->items[i], err.msg);
		else
			json_array_append_new(api_mounts, m);
	}
	for (size_t i = 0; i < tmpfs->len; i++) {
		const char *t = tmpfs->items[i], *colon = strchr(t, ':');
		char dest[PATH_MAX];
		snprintf(dest, sizeof(dest), "%.*s", colon ? (int)(colon - t) : (int)strlen(t), t);
		json_object_set_new(tmpfs_map, dest, json_string(colon ? colon + 1 : ""));
	}
	for (size_t i = 0; i < volumes_from->len; i++)
		json_array_append_new(from, json_string(volumes_from->items[i]));
	if (json_object_size(vols))
		json_object_set(body, "Volumes", vols);
	if (json_array_size(binds))
		json_object_set(hc, "Binds", binds);
	if (json_array_size(api_mounts))
		json_object_set(hc, "Mounts", api_mounts);
	if (json_object_size(tmpfs_map))
		json_object_set(hc, "Tmpfs", tmpfs_map);
	if (json_array_size(from))
		json_object_set(hc, "VolumesFrom", from);
	json_decref(vols);
	json_decref(binds);
	json_decref(api_mounts);
	json_decref(tmpfs_map);
	json_decref(from);
	return status;
}

static int cmd_create(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_volume_create = {"volume create", cmd_create, "[OPTIONS] [VOLUME]",
						  "Create a volume"};

static int cmd_create(struct cli *cli, int argc, char **argv)
{
	char *driver = NULL, *name = NULL;
	struct strlist labels = {0}, opts = {0};
	bool done;
	struct flag_spec specs[] = {
		{"driver", 'd', FLAG_STRING, &driver, "string", "Specify volume driver name (default \"local\")"},
		{"label", 0, FLAG_LIST, &labels, "list", "Set metadata for a volume"},
		{"opt", 'o', FLAG_LIST, &opts, "map", "Set driver specific options"},
		{"name", 0, FLAG_STRING, &name, "string", "Specify volume name"},
		{0},
	};
	json_t *args = NULL, *result = NULL;
	berr err = {0};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_volume_create, argc, argv, true, &first, &done)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_volume_create, argc - first, 0, 1)))
		goto out;
	if (name && argc - first == 1 && strcmp(name, argv[first]) != 0) {
		status = cli_failf(cli, 1, "conflicting options: cannot specify a volume-name through both --name and as a positional arg");
		goto out;
	}
	args = json_pack("{s:s, s:s, s:o, s:o}", "Name",
			 argc - first == 1 ? argv[first] : (name ? name : ""), "Driver",
			 driver ? driver : VOLUME_DRIVER_LOCAL, "Labels", cli_key_values(&labels),
			 "DriverOpts", cli_key_values(&opts));
	if (cli_call(cli, "volume.create", args, &result, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	printf("%s\n", json_string_value(json_object_get(result, "Name")));
out:
	json_decref(args);
	json_decref(result);
	flags_free(specs);
	return status;
}

/* The ls row: Docker's volume formatter fields. */
static json_t *volume_row(json_t *v)
{
	json_t *row = json_pack("{s:O, s:O, s:O, s:O, s:o, s:s, s:s, s:s, s:s, s:s}", "Driver",
				json_object_get(v, "Driver"), "Name", json_object_get(v, "Name"),
				"Scope", json_object_get(v, "Scope"), "Mountpoint",
				json_object_get(v, "Mountpoint"), "Labels",
				cli_labels_text(json_object_get(v, "Labels")), "Links",
				"N/A", "Size", "N/A", "Availability", "N/A", "Group", "N/A",
				"Status", "N/A");

	return row;
}

static int by_name(const void *a, const void *b)
{
	json_t *const *x = a, *const *y = b;

	return strcmp(json_string_value(json_object_get(*x, "Name")),
		      json_string_value(json_object_get(*y, "Name")));
}

/* What Docker's volume ls formats: its volume context, with a Label method. */
static const struct tmpl_type volume_row_type = {
	.name = "*formatter.volumeContext",
	.has_label_method = true,
	.error_prefix = "template parsing error",
};

static int cmd_ls(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_volume_ls = {"volume ls", cmd_ls, "[OPTIONS]", "List volumes"};

static int cmd_ls(struct cli *cli, int argc, char **argv)
{
	bool quiet = false, done;
	char *format = NULL;
	struct strlist filters = {0};
	struct flag_spec specs[] = {
		{"quiet", 'q', FLAG_BOOL, &quiet, NULL, "Only display volume names"},
		{"filter", 'f', FLAG_LIST, &filters, "filter", "Provide filter values (e.g. \"dangling=true\")"},
		{"format", 0, FLAG_STRING, &format, "string", "Format output using a custom template"},
		{0},
	};
	json_t *f = json_object(), *args = NULL, *result = NULL, *rows = json_array(), *headers = NULL;
	json_t *labels = json_array();
	berr err = {0};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_volume_ls, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_volume_ls, argc - first, 0, 0)))
		goto out;
	if ((status = cli_filters(cli, &filters, f)))
		goto out;
	args = json_pack("{s:O}", "filters", f);
	if (cli_call(cli, "volume.list", args, &result, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	json_t *volumes = json_object_get(result, "Volumes"), *v;
	size_t n = json_array_size(volumes), i;
	json_t **sorted = calloc(n ? n : 1, sizeof(*sorted));
	for (i = 0; sorted && i < n; i++)
		sorted[i] = json_array_get(volumes, i);
	if (sorted)
		qsort(sorted, n, sizeof(*sorted), by_name);
	for (i = 0; sorted && i < n; i++) {
		json_array_append_new(rows, volume_row(sorted[i]));
		json_array_append(labels, json_object_get(sorted[i], "Labels"));
	}
	free(sorted);
	if (quiet && !format) {
		json_array_foreach(rows, i, v)
			printf("%s\n", json_string_value(json_object_get(v, "Name")));
		goto out;
	}
	headers = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Driver", "DRIVER",
			    "Name", "VOLUME NAME", "Scope", "SCOPE", "Mountpoint", "MOUNTPOINT",
			    "Labels", "LABELS", "Links", "LINKS", "Size", "SIZE", "Availability",
			    "AVAILABILITY", "Group", "GROUP", "Status", "STATUS");
	struct cli_list list = {
		.type = &volume_row_type,
		.rows = rows,
		.labels = labels,
		.headers = headers,
		.default_format = "table {{.Driver}}\t{{.Name}}",
	};
	status = cli_print_list(cli, &list, format);
out:
	json_decref(f);
	json_decref(args);
	json_decref(result);
	json_decref(rows);
	json_decref(labels);
	json_decref(headers);
	flags_free(specs);
	return status;
}

static int cmd_inspect(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_volume_inspect = {"volume inspect", cmd_inspect,
						   "[OPTIONS] VOLUME [VOLUME...]",
						   "Display detailed information on one or more volumes"};

static int cmd_inspect(struct cli *cli, int argc, char **argv)
{
	char *format = NULL;
	bool done;
	struct flag_spec specs[] = {
		{"format", 'f', FLAG_STRING, &format, "string", "Format output using a custom template"},
		{0},
	};
	json_t *objects = json_array();
	int first, status, failed = 0;

	if ((status = cli_parse(cli, specs, &cli_cmd_volume_inspect, argc, argv, true, &first, &done)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_volume_inspect, argc - first, 1, -1)))
		goto out;
	for (int i = first; i < argc; i++) {
		json_t *args = json_pack("{s:s}", "name", argv[i]), *result = NULL;
		berr err = {0};
		if (cli_call(cli, "volume.inspect", args, &result, &err) == 0) {
			json_array_append_new(objects, result);
		} else {
			if (err.kind == BERR_NOT_FOUND)
				berr_set(&err, BERR_NOT_FOUND, "No such volume: %s", argv[i]);
			cli_fail(cli, &err, 1);
			failed = 1;
		}
		json_decref(args);
	}
	status = format ? cli_print_each(cli, objects, format) : cli_print_json_array(objects);
	if (failed)
		status = 1;
out:
	json_decref(objects);
	flags_free(specs);
	return status;
}

static int cmd_rm(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_volume_rm = {"volume rm", cmd_rm, "[OPTIONS] VOLUME [VOLUME...]",
					      "Remove one or more volumes"};

static int cmd_rm(struct cli *cli, int argc, char **argv)
{
	bool force = false, done;
	struct flag_spec specs[] = {
		{"force", 'f', FLAG_BOOL, &force, NULL, "Force the removal of one or more volumes"},
		{0},
	};
	int first, status, failed = 0;

	if ((status = cli_parse(cli, specs, &cli_cmd_volume_rm, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_volume_rm, argc - first, 1, -1)))
		goto out;
	for (int i = first; i < argc; i++) {
		json_t *args = json_pack("{s:s, s:b}", "name", argv[i], "force", force);
		berr err = {0};
		if (cli_call(cli, "volume.remove", args, NULL, &err) == 0) {
			printf("%s\n", argv[i]);
		} else {
			cli_fail(cli, &err, 1);
			failed = 1;
		}
		json_decref(args);
	}
	status = failed;
out:
	flags_free(specs);
	return status;
}

static int cmd_prune(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_volume_prune = {"volume prune", cmd_prune, "[OPTIONS]",
						 "Remove unused local volumes"};

static int cmd_prune(struct cli *cli, int argc, char **argv)
{
	bool force = false, all = false, done;
	struct strlist filters = {0};
	struct flag_spec specs[] = {
		{"all", 'a', FLAG_BOOL, &all, NULL, "Remove all unused volumes, not just anonymous ones"},
		{"filter", 0, FLAG_LIST, &filters, "filter", "Provide filter values (e.g. \"label=<label>\")"},
		{"force", 'f', FLAG_BOOL, &force, NULL, "Do not prompt for confirmation"},
		{0},
	};
	json_t *f = json_object(), *args = NULL;
	uint64_t reclaimed = 0;
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_volume_prune, argc, argv, true, &first, &done)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_volume_prune, argc - first, 0, 0)))
		goto out;
	if ((status = cli_filters(cli, &filters, f)))
		goto out;
	if (all)
		filters_add(f, "all=true", NULL);
	if (!force && !cli_confirm(all || filters_has(f, "all")
					   ? "WARNING! This will remove all local volumes not used by at least one container."
					   : "WARNING! This will remove anonymous local volumes not used by at least one container."))
		goto out;
	args = json_pack("{s:O}", "filters", f);
	if ((status = cli_prune(cli, CLI_PRUNE_VOLUMES, args, &reclaimed)) == 0)
		cli_prune_print_total(reclaimed);
out:
	json_decref(f);
	json_decref(args);
	flags_free(specs);
	return status;
}
