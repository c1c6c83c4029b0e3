/* ps (container ls): Docker's columns, filters and --format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/ports.h"
#include "cli/cli.h"
#include "cli/template.h"
#include "engine/core/clock.h"
#include "engine/core/filters.h"
#include "engine/core/units.h"

static int cmd_ps(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_ps = {"ps", cmd_ps, "[OPTIONS]", "List containers"};

/* Docker's ellipsis: keeps maxlen display characters, the last one "…". */
static void ellipsis(const char *in, size_t maxlen, char *out, size_t n)
{
	size_t chars = 0, i = 0;

	for (const char *p = in; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	if (chars <= maxlen) {
		snprintf(out, n, "%s", in);
		return;
	}
	chars = 0;
	while (in[i] && i + 4 < n) {
		if (((unsigned char)in[i] & 0xC0) != 0x80) {
			if (chars == maxlen - 1)
				break;
			chars++;
		}
		out[i] = in[i];
		i++;
	}
	snprintf(out + i, n - i, "…");
}

/* Go's strconv.Quote for the common printable case. */
static void go_quote(const char *in, char *out, size_t n)
{
	size_t o = 0;

	if (n < 3)
		return;
	out[o++] = '"';
	for (const char *p = in; *p && o + 3 < n; p++) {
		if (*p == '"' || *p == '\\') {
			out[o++] = '\\';
			out[o++] = *p;
		} else if (*p == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *p;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
}

/* Docker's .Mounts column: each mount's volume name (or source), comma-joined,
 * names cut to 15 characters unless --no-trunc. */
static json_t *ports_json(json_t *ports)
{
	char *text = ports_column(ports);
	json_t *v = json_string(text ? text : "");

	free(text);
	return v;
}

static json_t *mounts_text(json_t *mounts, bool no_trunc)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *mem = open_memstream(&text, &len);
	json_t *m;

	json_array_foreach(mounts, i, m) {
		const char *name = json_string_value(json_object_get(m, "Name"));
		if (!name || !*name)
			name = json_string_value(json_object_get(m, "Source"));
		if (!name)
			name = "";
		char cut[32];
		if (!no_trunc && strlen(name) > 15) {
			snprintf(cut, sizeof(cut), "%.14s…", name);
			name = cut;
		}
		fprintf(mem, "%s%s", i ? "," : "", name);
	}
	fclose(mem);
	json_t *out = json_string(text ? text : "");
	free(text);
	return out;
}

/* Docker's .LocalVolumes: how many of the mounts are local volumes. */

/* Docker's NETWORKS column: the container's networks by name, sorted,
 * joined with commas. */
static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *networks_text(json_t *networks, char *out, size_t n)
{
	const char *names[64], *key;
	size_t count = 0, len = 0;
	json_t *v;

	out[0] = '\0';
	json_object_foreach(networks, key, v)
		if (count < sizeof(names) / sizeof(names[0]))
			names[count++] = key;
	qsort(names, count, sizeof(names[0]), by_name);
	for (size_t i = 0; i < count && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s%s", i ? "," : "", names[i]);
	return out;
}

static json_t *local_volumes_text(json_t *mounts)
{
	char text[24];
	size_t n = 0, i;
	json_t *m;

	json_array_foreach(mounts, i, m) {
		const char *driver = json_string_value(json_object_get(m, "Driver"));

		if (driver && strcmp(driver, "local") == 0)
			n++;
	}
	snprintf(text, sizeof(text), "%zu", n);
	return json_string(text);
}

json_t *cli_ps_row(json_t *c, bool no_trunc, bool size)
{
	char id[13], command[1024], quoted[2100], created[64], human[64], image[300],
		networks[1024];
	const char *name = json_string_value(json_array_get(json_object_get(c, "Names"), 0));
	const char *image_ref = json_string_value(json_object_get(c, "Image"));
	time_t t = (time_t)json_integer_value(json_object_get(c, "Created"));
	struct tm tm;
	json_t *row = json_object();

	/* a daemon elsewhere may leave out what this host's engine never does */
	const char *full_id = json_string_value(json_object_get(c, "Id")) ?: "";
	const char *cmd = json_string_value(json_object_get(c, "Command")) ?: "";

	cli_short_id(full_id, id);
	if (no_trunc)
		snprintf(command, sizeof(command), "%s", cmd);
	else
		ellipsis(cmd, 20, command, sizeof(command));
	go_quote(command, quoted, sizeof(quoted));
	localtime_r(&t, &tm);
	strftime(created, sizeof(created), "%Y-%m-%d %H:%M:%S %z %Z", &tm);
	units_human_duration(clock_now_nanos() - (int64_t)t * 1000000000, human, sizeof(human));
	snprintf(image, sizeof(image), "%s", image_ref ? image_ref : "");
	if (!no_trunc && strncmp(image, "sha256:", 7) == 0)
		cli_short_id(image_ref, image);
	json_object_set_new(row, "ID", json_string(no_trunc ? full_id : id));
	json_object_set_new(row, "Image", json_string(image));
	json_object_set_new(row, "Command", json_string(quoted));
	json_object_set_new(row, "CreatedAt", json_string(created));
	strncat(human, " ago", sizeof(human) - strlen(human) - 1);
	json_object_set_new(row, "RunningFor", json_string(human));
	json_object_set_new(row, "Ports", ports_json(json_object_get(c, "Ports")));
	json_object_set_new(row, "State",
			    json_string(json_string_value(json_object_get(c, "State")) ?: ""));
	json_object_set_new(row, "Status",
			    json_string(json_string_value(json_object_get(c, "Status")) ?: ""));
	if (size) {
		char bytes[32], virt[32], text[80];

		units_human_size((double)json_integer_value(json_object_get(c, "SizeRw")), bytes, sizeof(bytes));
		units_human_size((double)json_integer_value(json_object_get(c, "SizeRootFs")), virt,
				 sizeof(virt));
		snprintf(text, sizeof(text), "%s (virtual %s)", bytes, virt);
		json_object_set_new(row, "Size", json_string(text));
	} else {
		json_object_set_new(row, "Size", json_string("0B"));
	}
	json_object_set_new(row, "Names", json_string(name && name[0] == '/' ? name + 1 : name ? name : ""));
	json_object_set_new(row, "Labels", cli_labels_text(json_object_get(c, "Labels")));
	json_object_set_new(row, "LocalVolumes", local_volumes_text(json_object_get(c, "Mounts")));
	json_object_set_new(row, "Mounts", mounts_text(json_object_get(c, "Mounts"), no_trunc));
	json_object_set_new(row, "Networks",
			    json_string(networks_text(
				    json_object_get(json_object_get(c, "NetworkSettings"), "Networks"),
				    networks, sizeof(networks))));
	json_object_set_new(row, "Platform", json_null());
	return row;
}

/* What Docker's ps formats: its container context, with a Label method. */
static const struct tmpl_type ps_row_type = {
	.name = "*formatter.ContainerContext",
	.has_label_method = true,
	.error_prefix = "failed to execute template",
};

static int cmd_ps(struct cli *cli, int argc, char **argv)
{
	bool all = false, quiet = false, latest = false, no_trunc = false, size = false, done;
	long last = -1;
	char *format = NULL;
	struct strlist filters = {0};
	struct flag_spec specs[] = {
		{"all", 'a', FLAG_BOOL, &all, NULL, "Show all containers (default shows just running)"},
		{"quiet", 'q', FLAG_BOOL, &quiet, NULL, "Only display container IDs"},
		{"last", 'n', FLAG_INT, &last, "int", "Show n last created containers (includes all states)"},
		{"latest", 'l', FLAG_BOOL, &latest, NULL, "Show the latest created container (includes all states)"},
		{"no-trunc", 0, FLAG_BOOL, &no_trunc, NULL, "Don't truncate output"},
		{"size", 's', FLAG_BOOL, &size, NULL, "Display total file sizes"},
		{"filter", 'f', FLAG_LIST, &filters, "filter", "Filter output based on conditions provided"},
		{"format", 0, FLAG_STRING, &format, "string", "Format output using a custom template"},
		{0},
	};
	json_t *args = NULL, *result = NULL, *rows = NULL, *labels = NULL, *headers = NULL, *f;
	berr err = {0};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_ps, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_ps, argc - first, 0, 0)))
		goto out;
	f = json_object();
	if ((status = cli_filters(cli, &filters, f))) {
		json_decref(f);
		goto out;
	}
	if (latest)
		last = 1;
	/* as Docker: sizes are worked out when the template shows them */
	if (format && strstr(format, ".Size"))
		size = true;
	args = json_pack("{s:b, s:b, s:o}", "all", all, "size", size, "filters", f);
	if (last > 0)
		json_object_set_new(args, "limit", json_integer(last));
	if (cli_call(cli, "container.list", args, &result, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	rows = json_array();
	labels = json_array();
	json_t *c;
	size_t i;
	json_array_foreach(result, i, c) {
		json_array_append_new(rows, cli_ps_row(c, no_trunc, size));
		json_array_append(labels, json_object_get(c, "Labels"));
	}
	if (quiet && !format) {
		json_array_foreach(rows, i, c)
			printf("%s\n", json_string_value(json_object_get(c, "ID")));
		goto out;
	}
	headers = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			    "ID", "CONTAINER ID", "Image", "IMAGE", "Command", "COMMAND", "CreatedAt",
			    "CREATED AT", "RunningFor", "CREATED", "Ports", "PORTS", "State", "STATE",
			    "Status", "STATUS", "Size", "SIZE", "Names", "NAMES", "Labels", "LABELS",
			    "LocalVolumes", "LOCAL VOLUMES", "Mounts", "MOUNTS", "Networks", "NETWORKS");
	json_object_set_new(headers, "Platform", json_string("PLATFORM"));
	struct cli_list list = {
		.type = &ps_row_type,
		.rows = rows,
		.labels = labels,
		.headers = headers,
		.default_format =
			size ? "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}\t{{.Size}}"
			     : "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}",
	};
	status = cli_print_list(cli, &list, format);
out:
	json_decref(args);
	json_decref(result);
	json_decref(rows);
	json_decref(labels);
	json_decref(headers);
	flags_free(specs);
	return status;
}
