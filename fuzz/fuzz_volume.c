/* The mount syntaxes of run and create: each line of the input as a -v
 * value, a --mount value (whose Mount object then goes through the engine's
 * checks, as create does), the options of a --tmpfs, a --volumes-from and a
 * volume name; the whole input as an Engine API Mount object. */
#include <jansson.h>

#include "engine/volume/parse.h"
#include "fuzz/fuzz.h"

/* The engine's side of a Mount object; a success gives a mount point. */
static void from_api(json_t *mount)
{
	json_t *mp = NULL;
	berr err = {0};

	if (volume_mount_from_api(mount, &mp, &err) == 0) {
		FUZZ_CHECK(json_is_object(mp));
		FUZZ_CHECK(json_string_value(json_object_get(mp, "Destination"))[0] == '/');
		json_decref(mp);
	} else {
		FUZZ_CHECK(mp == NULL && err.kind == BERR_INVALID);
	}
}

static void parse_line(const char *line)
{
	char container[256], opts[512];
	json_t *out = NULL;
	bool ro;
	berr err = {0};

	if (volume_parse_bind(line, &out, &err) == 0) {
		FUZZ_CHECK(json_is_object(out));
		FUZZ_CHECK(json_string_value(json_object_get(out, "Destination"))[0] == '/');
		json_decref(out);
	} else {
		FUZZ_CHECK(out == NULL && err.kind == BERR_INVALID);
	}
	if (volume_parse_mount_flag(line, &out, &err) == 0) {
		FUZZ_CHECK(json_is_object(out));
		from_api(out);
		json_decref(out);
	} else {
		FUZZ_CHECK(out == NULL);
	}
	volume_tmpfs_options(line, opts, sizeof(opts), &err);
	volume_tmpfs_options(line, opts, 8, &err);
	volume_parse_volumes_from(line, container, sizeof(container), &ro, &err);
	volume_name_valid(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *cursor = text, *line;
	json_t *mount = json_loadb((const char *)data, size, 0, NULL);

	if (mount) {
		from_api(mount);
		json_decref(mount);
	}
	while ((line = fuzz_next_line(&cursor)))
		parse_line(line);
	free(text);
	return 0;
}
