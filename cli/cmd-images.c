/* images (image ls), tag, rmi, history, image prune. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/prune.h"
#include "cli/template.h"
#include "engine/core/clock.h"
#include "engine/core/filters.h"
#include "engine/core/units.h"


/* The Go types Docker's images and history format. */
static const struct tmpl_type image_row_type = {
	.name = "*formatter.imageContext",
	.error_prefix = "template parsing error",
};
static const struct tmpl_type history_row_type = {
	.name = "*image.historyContext",
	.error_prefix = "template parsing error",
};

static void created_texts(int64_t unix_s, char *since, size_t n1, char *at, size_t n2)
{
	time_t t = (time_t)unix_s;
	struct tm tm;

	units_human_duration(clock_now_nanos() - unix_s * 1000000000, since, n1);
	strncat(since, " ago", n1 - strlen(since) - 1);
	localtime_r(&t, &tm);
	strftime(at, n2, "%Y-%m-%d %H:%M:%S %z %Z", &tm);
}

/* The repository of a familiar reference: "busybox" of "busybox:1" or
 * "busybox@sha256:...". */
static void ref_repo(const char *ref, char *repo, size_t size, const char **rest)
{
	const char *at = strchr(ref, '@');
	const char *colon = strrchr(ref, ':');

	if (at)
		colon = at;
	else if (colon && strchr(colon, '/'))
		colon = NULL;
	snprintf(repo, size, "%.*s", colon ? (int)(colon - ref) : (int)strlen(ref), ref);
	*rest = colon ? colon + 1 : NULL;
}

static void add_row(json_t *rows, const char *id, const char *repo, const char *tag,
		    const char *digest, const char *since, const char *at, const char *size)
{
	json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
					      "Containers", "N/A", "SharedSize", "N/A",
					      "UniqueSize", "N/A", "ID", id, "Repository", repo,
					      "Tag", tag, "Digest", digest, "CreatedSince", since,
					      "CreatedAt", at, "Size", size, "VirtualSize", size));
}

/* Docker's image table rows: one per repository:tag (times its digests
 * with --digests), then one per repository known only by a digest. */
static void add_image_rows(json_t *rows, json_t *image, bool no_trunc, bool digests)
{
	char id[80], since[64], at[64], size[32], repo[512], other[512];
	const char *full = json_string_value(json_object_get(image, "Id"));
	json_t *tags = json_object_get(image, "RepoTags"), *tag;
	json_t *refs = json_object_get(image, "RepoDigests"), *d;
	json_t *shown = json_object();
	size_t i, j;

	if (no_trunc)
		snprintf(id, sizeof(id), "%s", full ? full : "");
	else
		cli_short_id(full ? full : "", id);
	created_texts(json_integer_value(json_object_get(image, "Created")), since, sizeof(since), at, sizeof(at));
	units_human_size((double)json_integer_value(json_object_get(image, "Size")), size, sizeof(size));
	if (!json_array_size(tags) && !json_array_size(refs)) {
		add_row(rows, id, "<none>", "<none>", "<none>", since, at, size);
		json_decref(shown);
		return;
	}
	json_array_foreach(tags, i, tag) {
		const char *t, *dg;
		bool any = false;

		ref_repo(json_string_value(tag), repo, sizeof(repo), &t);
		json_object_set_new(shown, repo, json_true());
		json_array_foreach(refs, j, d) {
			ref_repo(json_string_value(d), other, sizeof(other), &dg);
			if (!digests || strcmp(other, repo) != 0 || !dg)
				continue;
			add_row(rows, id, repo, t ? t : "<none>", dg, since, at, size);
			any = true;
		}
		if (!any)
			add_row(rows, id, repo, t ? t : "<none>", "<none>", since, at, size);
	}
	json_array_foreach(refs, j, d) {
		const char *dg;

		ref_repo(json_string_value(d), repo, sizeof(repo), &dg);
		if (json_object_get(shown, repo))
			continue;
		if (!digests)
			json_object_set_new(shown, repo, json_true());
		add_row(rows, id, repo, "<none>", digests && dg ? dg : "<none>", since, at, size);
	}
	json_decref(shown);
}

static int cmd_images(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_images = {"images", cmd_images, "[OPTIONS] [REPOSITORY[:TAG]]",
					   "List images"};

static int cmd_images(struct cli *cli, int argc, char **argv)
{
	bool all = false, quiet = false, no_trunc = false, digests = false, done;
	char *format = NULL;
	struct strlist filters = {0};
	struct flag_spec specs[] = {
		{"all", 'a', FLAG_BOOL, &all, NULL, "Show all images (default hides intermediate images)"},
		{"quiet", 'q', FLAG_BOOL, &quiet, NULL, "Only show image IDs"},
		{"no-trunc", 0, FLAG_BOOL, &no_trunc, NULL, "Don't truncate output"},
		{"digests", 0, FLAG_BOOL, &digests, NULL, "Show digests"},
		{"filter", 'f', FLAG_LIST, &filters, "filter", "Filter output based on conditions provided"},
		{"format", 0, FLAG_STRING, &format, "string", "Format output using a custom template"},
		{0},
	};
	json_t *f = json_object(), *args = NULL, *result = NULL, *rows = json_array(), *headers = NULL, *v;
	berr err = {0};
	int first, status;
	size_t i;

	if ((status = cli_parse(cli, specs, &cli_cmd_images, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_images, argc - first, 0, 1)))
		goto out;
	if ((status = cli_filters(cli, &filters, f)))
		goto out;
	if (argc - first == 1) {
		char ref[600];
		snprintf(ref, sizeof(ref), "reference=%s", argv[first]);
		filters_add(f, ref, NULL);
	}
	args = json_pack("{s:b, s:O}", "all", all, "filters", f);
	if (cli_call(cli, "image.list", args, &result, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	json_array_foreach(result, i, v)
		add_image_rows(rows, v, no_trunc, digests);
	if (quiet && !format) {
		json_array_foreach(rows, i, v)
			printf("%s\n", json_string_value(json_object_get(v, "ID")));
		goto out;
	}
	headers = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "ID",
			    "IMAGE ID", "Repository", "REPOSITORY", "Tag", "TAG", "Digest", "DIGEST",
			    "CreatedSince", "CREATED", "CreatedAt", "CREATED AT", "Size", "SIZE",
			    "VirtualSize", "VIRTUAL SIZE", "Containers", "CONTAINERS", "SharedSize",
			    "SHARED SIZE", "UniqueSize", "UNIQUE SIZE");
	struct cli_list list = {
		.type = &image_row_type,
		.rows = rows,
		.headers = headers,
		.default_format =
			digests ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
				: "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}",
	};
	status = cli_print_list(cli, &list, format);
out:
	json_decref(f);
	json_decref(args);
	json_decref(result);
	json_decref(rows);
	json_decref(headers);
	flags_free(specs);
	return status;
}

static int cmd_tag(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_tag = {"tag", cmd_tag, "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
					"Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE"};

static int cmd_tag(struct cli *cli, int argc, char **argv)
{
	struct flag_spec specs[] = {{0}};
	berr err = {0};
	bool done;
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_tag, argc, argv, true, &first, &done)) || done)
		return status;
	if ((status = cli_require_args(cli, &cli_cmd_tag, argc - first, 2, 2)))
		return status;
	json_t *args = json_pack("{s:s, s:s}", "source", argv[first], "target", argv[first + 1]);
	if (cli_call(cli, "image.tag", args, NULL, &err) < 0)
		status = cli_fail(cli, &err, 1);
	json_decref(args);
	return status;
}

static int cmd_rmi(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_rmi = {"rmi", cmd_rmi, "[OPTIONS] IMAGE [IMAGE...]",
					"Remove one or more images"};

static int cmd_rmi(struct cli *cli, int argc, char **argv)
{
	bool force = false, no_prune = false, done;
	struct flag_spec specs[] = {
		{"force", 'f', FLAG_BOOL, &force, NULL, "Force removal of the image"},
		{"no-prune", 0, FLAG_BOOL, &no_prune, NULL, "Do not delete untagged parents"},
		{0},
	};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_rmi, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_rmi, argc - first, 1, -1)))
		goto out;
	for (int i = first; i < argc; i++) {
		json_t *args = json_pack("{s:s, s:b, s:b}", "name", argv[i], "force", force, "noprune", no_prune);
		json_t *result = NULL, *item;
		berr err = {0};
		size_t j;
		if (cli_call(cli, "image.remove", args, &result, &err) < 0) {
			status = cli_fail(cli, &err, 1);
		} else {
			json_array_foreach(result, j, item) {
				const char *key;
				json_t *v;
				json_object_foreach(item, key, v)
					printf("%s: %s\n", key, json_string_value(v));
			}
		}
		json_decref(result);
		json_decref(args);
	}
out:
	flags_free(specs);
	return status;
}

static int cmd_history(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_history = {"history", cmd_history, "[OPTIONS] IMAGE",
					    "Show the history of an image"};

static int cmd_history(struct cli *cli, int argc, char **argv)
{
	bool quiet = false, no_trunc = false, human = true, done;
	char *format = NULL;
	struct flag_spec specs[] = {
		{"human", 'H', FLAG_BOOL, &human, NULL, "Print sizes and dates in human readable format"},
		{"no-trunc", 0, FLAG_BOOL, &no_trunc, NULL, "Don't truncate output"},
		{"quiet", 'q', FLAG_BOOL, &quiet, NULL, "Only show image IDs"},
		{"format", 0, FLAG_STRING, &format, "string", "Format output using a custom template"},
		{0},
	};
	json_t *args = NULL, *result = NULL, *rows = json_array(), *headers = NULL, *v;
	berr err = {0};
	int first, status;
	size_t i;

	if ((status = cli_parse(cli, specs, &cli_cmd_history, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_history, argc - first, 1, 1)))
		goto out;
	args = json_pack("{s:s}", "name", argv[first]);
	if (cli_call(cli, "image.history", args, &result, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	json_array_foreach(result, i, v) {
		char id[80], since[64], at[64], size[32], created_by[1024];
		const char *full = json_string_value(json_object_get(v, "Id"));
		const char *by = json_string_value(json_object_get(v, "CreatedBy"));
		if (!full || no_trunc || strcmp(full, "<missing>") == 0)
			snprintf(id, sizeof(id), "%s", full ? full : "<missing>");
		else
			cli_short_id(full, id);
		created_texts(json_integer_value(json_object_get(v, "Created")), since, sizeof(since), at, sizeof(at));
		/* history's CreatedAt is RFC 3339, unlike images' */
		units_rfc3339(json_integer_value(json_object_get(v, "Created")) * 1000000000, at,
			      sizeof(at));
		if (!human)
			snprintf(since, sizeof(since), "%s", at);
		if (human)
			units_human_size((double)json_integer_value(json_object_get(v, "Size")), size, sizeof(size));
		else
			snprintf(size, sizeof(size), "%lld", (long long)json_integer_value(json_object_get(v, "Size")));
		snprintf(created_by, sizeof(created_by), "%s", by ? by : "");
		if (!no_trunc && strlen(created_by) > 45)
			snprintf(created_by + 44, sizeof(created_by) - 44, "…");
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "ID", id,
						      "CreatedSince", since, "CreatedAt", at,
						      "CreatedBy", created_by, "Size", size, "Comment",
						      json_object_get(v, "Comment")));
	}
	if (quiet && !format) {
		json_array_foreach(rows, i, v)
			printf("%s\n", json_string_value(json_object_get(v, "ID")));
		goto out;
	}
	headers = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "ID", "IMAGE", "CreatedSince", "CREATED",
			    "CreatedAt", "CREATED AT", "CreatedBy", "CREATED BY", "Size", "SIZE",
			    "Comment", "COMMENT");
	struct cli_list list = {
		.type = &history_row_type,
		.rows = rows,
		.headers = headers,
		.default_format =
			human ? "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
			      : "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}",
	};
	status = cli_print_list(cli, &list, format);
out:
	json_decref(args);
	json_decref(result);
	json_decref(rows);
	json_decref(headers);
	flags_free(specs);
	return status;
}

static int cmd_image_prune(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_image_prune = {"image prune", cmd_image_prune, "[OPTIONS]",
						"Remove unused images"};

static int cmd_image_prune(struct cli *cli, int argc, char **argv)
{
	bool all = false, force = false, done;
	struct strlist filters = {0};
	struct flag_spec specs[] = {
		{"all", 'a', FLAG_BOOL, &all, NULL, "Remove all unused images, not just dangling ones"},
		{"force", 'f', FLAG_BOOL, &force, NULL, "Do not prompt for confirmation"},
		{"filter", 0, FLAG_LIST, &filters, "filter", "Provide filter values (e.g. \"until=<timestamp>\")"},
		{0},
	};
	json_t *f = json_object(), *args = NULL;
	uint64_t reclaimed = 0;
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_image_prune, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_filters(cli, &filters, f)))
		goto out;
	if (!force && !cli_confirm(all ? "WARNING! This will remove all images without at least one container associated to them."
				       : "WARNING! This will remove all dangling images."))
		goto out;
	args = json_pack("{s:b, s:O}", "all", all, "filters", f);
	if ((status = cli_prune(cli, CLI_PRUNE_IMAGES, args, &reclaimed)) == 0)
		cli_prune_print_total(reclaimed);
out:
	json_decref(f);
	json_decref(args);
	flags_free(specs);
	return status;
}
