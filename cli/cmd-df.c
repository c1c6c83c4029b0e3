/* system df: the space images, containers, volumes and the build cache
 * take, in Docker's summary table, or one table each with -v. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/template.h"
#include "engine/core/clock.h"
#include "engine/core/units.h"

static const struct tmpl_type df_row_type = {
	.name = "*formatter.diskUsageImagesContext",
	.error_prefix = "template parsing error",
};

static const char df_default_format[] =
	"table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";

static json_int_t num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* "3.965MB (66%)" as Docker prints a reclaimable size; no share of nothing. */
static json_t *reclaimable_text(int64_t reclaimable, int64_t total)
{
	char size[32], text[64];

	units_human_size4((double)reclaimable, size, sizeof(size));
	if (total <= 0)
		return json_string(size);
	snprintf(text, sizeof(text), "%s (%lld%%)", size, (long long)(reclaimable * 100 / total));
	return json_string(text);
}

static json_t *summary_row(const char *type, size_t total, size_t active, int64_t size,
			   json_t *reclaimable)
{
	char count[24], in_use[24], bytes[32];

	snprintf(count, sizeof(count), "%zu", total);
	snprintf(in_use, sizeof(in_use), "%zu", active);
	units_human_size4((double)size, bytes, sizeof(bytes));
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "Type", type, "TotalCount", count, "Active",
			 in_use, "Size", bytes, "Reclaimable", reclaimable);
}

/* A container that counts as active: Docker's running, paused, restarting. */
static bool container_active(json_t *c)
{
	const char *state = json_string_value(json_object_get(c, "State"));

	return state && (strcmp(state, "running") == 0 || strcmp(state, "paused") == 0 ||
			 strcmp(state, "restarting") == 0);
}

/* The four summary rows, computed as Docker's CLI computes them. */
static json_t *summary_rows(json_t *usage)
{
	json_t *rows = json_array(), *v;
	int64_t layers = num(usage, "LayersSize"), used = 0, size = 0, reclaim = 0;
	size_t active = 0, i;

	json_array_foreach(json_object_get(usage, "Images"), i, v) {
		if (num(v, "Containers") == 0)
			continue;
		active++;
		if (num(v, "Size") >= 0 && num(v, "SharedSize") >= 0)
			used += num(v, "Size") - num(v, "SharedSize");
	}
	json_array_append_new(rows, summary_row("Images", json_array_size(json_object_get(usage, "Images")),
						active, layers, reclaimable_text(layers - used, layers)));
	active = 0;
	json_array_foreach(json_object_get(usage, "Containers"), i, v) {
		size += num(v, "SizeRw");
		if (container_active(v))
			active++;
		else
			reclaim += num(v, "SizeRw");
	}
	json_array_append_new(rows, summary_row("Containers",
						json_array_size(json_object_get(usage, "Containers")),
						active, size, reclaimable_text(reclaim, size)));
	active = 0;
	size = reclaim = 0;
	json_array_foreach(json_object_get(usage, "Volumes"), i, v) {
		json_t *u = json_object_get(v, "UsageData");
		int64_t bytes = num(u, "Size");

		if (bytes > 0)
			size += bytes;
		if (num(u, "RefCount") > 0)
			active++;
		else if (bytes > 0)
			reclaim += bytes;
	}
	json_array_append_new(rows, summary_row("Local Volumes",
						json_array_size(json_object_get(usage, "Volumes")),
						active, size, reclaimable_text(reclaim, size)));
	size = reclaim = 0;
	active = 0;
	json_array_foreach(json_object_get(usage, "BuildCache"), i, v) {
		size += num(v, "Size");
		if (json_is_true(json_object_get(v, "InUse")))
			active++;
		else if (!json_is_true(json_object_get(v, "Shared")))
			reclaim += num(v, "Size");
	}
	json_array_append_new(rows, summary_row("Build Cache",
						json_array_size(json_object_get(usage, "BuildCache")),
						active, size, reclaimable_text(reclaim, size)));
	return rows;
}

/* -v's image rows: one per tag (or <none>), Docker's columns. */
static void add_image_rows(json_t *rows, json_t *image)
{
	char id[13], since[64], size[32], shared[32], unique[32], containers[24];
	json_t *tags = json_object_get(image, "RepoTags");
	size_t i, n = json_array_size(tags);

	cli_short_id(json_string_value(json_object_get(image, "Id")), id);
	units_human_duration(clock_now_nanos() - num(image, "Created") * 1000000000, since,
			     sizeof(since));
	strncat(since, " ago", sizeof(since) - strlen(since) - 1);
	units_human_size((double)num(image, "Size"), size, sizeof(size));
	units_human_size4((double)num(image, "SharedSize"), shared, sizeof(shared));
	units_human_size4((double)(num(image, "Size") - num(image, "SharedSize")), unique,
			  sizeof(unique));
	snprintf(containers, sizeof(containers), "%lld", (long long)num(image, "Containers"));
	for (i = 0; i < (n ? n : 1); i++) {
		const char *ref = n ? json_string_value(json_array_get(tags, i)) : "<none>:<none>";
		const char *colon = strrchr(ref, ':');
		char repo[512];

		snprintf(repo, sizeof(repo), "%.*s", colon ? (int)(colon - ref) : (int)strlen(ref), ref);
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
						      "Repository", repo, "Tag", colon ? colon + 1 : "",
						      "ID", id, "CreatedSince", since, "Size", size,
						      "SharedSize", shared, "UniqueSize", unique,
						      "Containers", containers));
	}
}

/* Prints one -v section: its title, then its table. */
static int print_section(struct cli *cli, const char *title, json_t *rows, json_t *headers,
			 const char *format)
{
	static const struct tmpl_type section_type = {
		.name = "*formatter.diskUsageContext",
		.error_prefix = "template parsing error",
	};
	struct cli_list list = {
		.type = &section_type,
		.rows = rows,
		.headers = headers,
		.default_format = format,
	};

	printf("%s\n\n", title);
	return cli_print_list(cli, &list, NULL);
}

/* -v's rows: images (one per tag), containers and volumes, with the text
 * Docker's formatter shows. */
static void verbose_rows(json_t *usage, json_t *images, json_t *containers, json_t *volumes)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(usage, "Images"), i, v)
		add_image_rows(images, v);
	json_array_foreach(json_object_get(usage, "Containers"), i, v) {
		json_t *row = cli_ps_row(v, false, false);
		char size[32];

		units_human_size((double)num(v, "SizeRw"), size, sizeof(size));
		json_object_set_new(row, "Size", json_string(size));
		json_array_append_new(containers, row);
	}
	json_array_foreach(json_object_get(usage, "Volumes"), i, v) {
		json_t *u = json_object_get(v, "UsageData");
		char links[24], size[32];

		snprintf(links, sizeof(links), "%lld", (long long)num(u, "RefCount"));
		if (num(u, "Size") < 0)
			snprintf(size, sizeof(size), "N/A");
		else
			units_human_size4((double)num(u, "Size"), size, sizeof(size));
		json_array_append_new(volumes, json_pack("{s:O, s:s, s:s}", "Name",
							 json_object_get(v, "Name"), "Links", links,
							 "Size", size));
	}
}

/* -v's build cache rows, as Docker's formatter shows them. */
static void cache_rows(json_t *usage, json_t *rows)
{
	json_t *v;
	size_t i;
	int64_t now = clock_now_nanos();

	json_array_foreach(json_object_get(usage, "BuildCache"), i, v) {
		char size[32], created[64] = "", used[64] = "", usage_count[24];
		int64_t at;
		const char *id = json_string_value(json_object_get(v, "ID")) ?: "";

		units_human_size4((double)num(v, "Size"), size, sizeof(size));
		if (units_parse_timestamp(json_string_value(json_object_get(v, "CreatedAt")) ?: "", now, &at, NULL) == 0) {
			units_human_duration(now - at, created, sizeof(created));
			strncat(created, " ago", sizeof(created) - strlen(created) - 1);
		}
		if (units_parse_timestamp(json_string_value(json_object_get(v, "LastUsedAt")) ?: "", now, &at, NULL) == 0) {
			units_human_duration(now - at, used, sizeof(used));
			strncat(used, " ago", sizeof(used) - strlen(used) - 1);
		}
		snprintf(usage_count, sizeof(usage_count), "%lld", (long long)num(v, "UsageCount"));
		json_array_append_new(rows, json_pack("{s:s%, s:O, s:s, s:s, s:s, s:s, s:s, s:O}", "ID", id,
						      strlen(id) > 12 ? (size_t)12 : strlen(id), "CacheType",
						      json_object_get(v, "Type"), "Size", size, "CreatedSince",
						      created, "LastUsedSince", used, "UsageCount", usage_count,
						      "Shared", json_is_true(json_object_get(v, "Shared")) ? "true" : "false",
						      "Description", json_object_get(v, "Description")));
	}
}

/* -v with a template: one object of the sections' rows, as Docker's
 * diskUsageContext ({{json .}}, {{range .Images}}...). */
static int print_verbose_format(struct cli *cli, json_t *usage, const char *format)
{
	static const struct tmpl_type type = {
		.name = "*formatter.diskUsageContext",
		.error_prefix = "template parsing error",
	};
	json_t *report = json_pack("{s:[], s:[], s:[], s:[]}", "Images", "Containers", "Volumes",
				   "BuildCache");
	json_t *rows = json_pack("[O]", report);
	json_t *titles = json_pack("{s:s, s:s, s:s, s:s}", "Images", "IMAGES", "Containers",
				   "CONTAINERS", "Volumes", "VOLUMES", "BuildCache", "BUILD CACHE");
	struct cli_list list = {
		.type = &type,
		.rows = rows,
		.headers = titles,
		.default_format = "{{json .}}",
	};
	int status;

	verbose_rows(usage, json_object_get(report, "Images"), json_object_get(report, "Containers"),
		     json_object_get(report, "Volumes"));
	cache_rows(usage, json_object_get(report, "BuildCache"));
	status = cli_print_list(cli, &list, format);
	json_decref(report);
	json_decref(rows);
	json_decref(titles);
	return status;
}

static int print_verbose(struct cli *cli, json_t *usage)
{
	json_t *images = json_array(), *containers = json_array(), *volumes = json_array();
	json_t *image_titles = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Repository",
					 "REPOSITORY", "Tag", "TAG", "ID", "IMAGE ID",
					 "CreatedSince", "CREATED", "Size", "SIZE", "SharedSize",
					 "SHARED SIZE", "UniqueSize", "UNIQUE SIZE", "Containers",
					 "CONTAINERS");
	json_t *container_titles = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "ID",
					     "CONTAINER ID", "Image", "IMAGE", "Command", "COMMAND",
					     "LocalVolumes", "LOCAL VOLUMES", "Size", "SIZE",
					     "RunningFor", "CREATED", "Status", "STATUS", "Names",
					     "NAMES");
	json_t *volume_titles = json_pack("{s:s, s:s, s:s}", "Name", "VOLUME NAME", "Links",
					  "LINKS", "Size", "SIZE");
	int status;

	verbose_rows(usage, images, containers, volumes);
	status = print_section(cli, "Images space usage:", images, image_titles,
			       "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}");
	if (!status) {
		printf("\n");
		status = print_section(cli, "Containers space usage:", containers, container_titles,
				       "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}");
	}
	if (!status) {
		printf("\n");
		status = print_section(cli, "Local Volumes space usage:", volumes, volume_titles,
				       "table {{.Name}}\t{{.Links}}\t{{.Size}}");
	}
	if (!status) {
		json_t *cache = json_array();
		json_t *cache_titles = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "ID", "CACHE ID",
						 "CacheType", "CACHE TYPE", "Size", "SIZE", "CreatedSince",
						 "CREATED", "LastUsedSince", "LAST USED", "UsageCount",
						 "USAGE", "Shared", "SHARED");
		char total[32], title[64];

		cache_rows(usage, cache);
		units_human_size4((double)num(usage, "BuilderSize"), total, sizeof(total));
		snprintf(title, sizeof(title), "Build cache usage: %s", total);
		printf("\n");
		status = print_section(cli, title, cache, cache_titles,
				       "table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}");
		json_decref(cache);
		json_decref(cache_titles);
	}
	json_decref(images);
	json_decref(containers);
	json_decref(volumes);
	json_decref(image_titles);
	json_decref(container_titles);
	json_decref(volume_titles);
	return status;
}

static int cmd_df(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_system_df = {"system df", cmd_df, "[OPTIONS]",
					      "Show docker disk usage"};

static int cmd_df(struct cli *cli, int argc, char **argv)
{
	bool verbose = false, done;
	char *format = NULL;
	struct flag_spec specs[] = {
		{"format", 0, FLAG_STRING, &format, "string", "Format output using a custom template"},
		{"verbose", 'v', FLAG_BOOL, &verbose, NULL, "Show detailed information on space usage"},
		{0},
	};
	json_t *usage = NULL, *rows = NULL, *headers = NULL;
	berr err = {0};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_system_df, argc, argv, true, &first, &done)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_system_df, argc - first, 0, 0)))
		goto out;
	if (cli_call(cli, "system.df", NULL, &usage, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	if (verbose && !(format && *format)) {
		status = print_verbose(cli, usage);
		goto out;
	}
	if (verbose) {
		status = print_verbose_format(cli, usage, format);
		goto out;
	}
	rows = summary_rows(usage);
	headers = json_pack("{s:s, s:s, s:s, s:s, s:s}", "Type", "TYPE", "TotalCount", "TOTAL",
			    "Active", "ACTIVE", "Size", "SIZE", "Reclaimable", "RECLAIMABLE");
	struct cli_list list = {
		.type = &df_row_type,
		.rows = rows,
		.headers = headers,
		.default_format = df_default_format,
	};
	status = cli_print_list(cli, &list, format);
out:
	json_decref(usage);
	json_decref(rows);
	json_decref(headers);
	flags_free(specs);
	return status;
}
