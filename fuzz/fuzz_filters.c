/* --filter arguments and Engine API filter objects: filters_add on each line
 * of the input (what the CLI does with every --filter), filters_from_api on
 * the input as JSON, then every matcher the list commands use, with values
 * taken from the input too. */
#include <jansson.h>

#include "engine/core/filters.h"
#include "engine/image/internal.h"
#include "fuzz/fuzz.h"

static const char *const allowed[] = {"id", "name", "label", "label!", "status", "dangling",
				      "reference", "before", "since", "until", NULL};

/* Runs every matcher of a filter set against one value. */
static void match_all(json_t *f, const char *value)
{
	json_t *labels = json_pack("{s:s, s:s, s:s}", "tier", "front", "com.x", "", "a=b", "c");
	const char *keys[] = {"id", "name", "status", "reference", "label", value};
	int b;
	berr err = {0};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		filters_has(f, keys[i]);
		filters_match_exact(f, keys[i], value);
		filters_match_prefix(f, keys[i], value);
		filters_match_regex(f, keys[i], value);
		filters_match_glob(f, keys[i], value);
		if (filters_bool(f, keys[i], &b, &err) == 0)
			FUZZ_CHECK(b == -1 || b == 0 || b == 1);
	}
	filters_match_label(f, labels);
	filters_match_label(f, NULL);
	filters_validate(f, allowed, &err);
	json_decref(labels);
}

/* The image commands' "until" filter, which reads a time. */
static void until_values(json_t *f)
{
	json_t *values = json_object_get(f, "until"), *v;
	int64_t nanos;
	berr err = {0};
	size_t i;

	json_array_foreach (values, i, v)
		image_parse_until(json_string_value(v), &nanos, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *cursor = text, *line;
	json_t *f = json_object(), *api, *parsed;
	const char *last = "";
	berr err = {0};

	while ((line = fuzz_next_line(&cursor))) {
		if (filters_add(f, line, &err) < 0)
			FUZZ_CHECK(err.kind == BERR_INVALID);
		last = line;
	}
	match_all(f, last);
	match_all(f, "3f2a1b4c5d6e");
	until_values(f);
	parsed = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	api = filters_from_api(parsed);
	if (api) {
		match_all(api, "web");
		until_values(api);
		json_decref(api);
	}
	json_decref(parsed);
	json_decref(f);
	free(text);
	return 0;
}
