/* Sizes, durations, timestamps and CPU counts as flags and filters give
 * them (-m, --shm-size, --tmpfs size, --stop-timeout, --since/--until,
 * --cpus, until= filters): each line of the input goes through every
 * parser, and what they return through the matching printers. The first
 * eight bytes also go to the printers as a raw count. */
#include <math.h>

#include "cli/limits.h"
#include "engine/core/units.h"
#include "engine/image/internal.h"
#include "fuzz/fuzz.h"

/* 2024-05-01T10:00:00Z, a fixed "now" so that runs repeat. */
#define NOW_NANOS 1714557600000000000LL

static void print_count(int64_t n)
{
	char buf[128];

	units_human_size((double)n, buf, sizeof(buf));
	units_bytes_size((double)n, buf, sizeof(buf));
	units_human_duration(n, buf, sizeof(buf));
	units_rfc3339(n, buf, sizeof(buf));
	units_rfc3339nano(n, buf, sizeof(buf));
	units_rfc3339nano(n, buf, 4);
	image_format_time(n, buf, sizeof(buf));
}

static void parse_line(const char *s)
{
	int64_t n;
	long long nano;
	berr err = {0};

	if (units_ram_in_bytes(s, &n, &err) == 0) {
		FUZZ_CHECK(n >= 0);
		print_count(n);
	}
	if (units_parse_duration(s, &n, &err) == 0)
		print_count(n);
	if (units_parse_timestamp(s, NOW_NANOS, &n, &err) == 0)
		print_count(n);
	if (image_parse_time(s, &n) == 0)
		print_count(n);
	if (image_parse_until(s, &n, &err) == 0)
		print_count(n);
	if (cli_parse_cpus(s, &nano, &err) == 0)
		print_count(nano);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *cursor = text, *line;
	int64_t raw;
	double d;

	if (size >= sizeof(raw)) {
		memcpy(&raw, data, sizeof(raw));
		print_count(raw);
		memcpy(&d, data, sizeof(d));
		if (isfinite(d)) {
			char buf[64];

			units_human_size(d, buf, sizeof(buf));
			units_bytes_size(d, buf, sizeof(buf));
		}
	}
	while ((line = fuzz_next_line(&cursor)))
		parse_line(line);
	free(text);
	return 0;
}
