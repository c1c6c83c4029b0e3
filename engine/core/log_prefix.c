/* Log line prefixes (log_prefix.h). */
#include "engine/core/log_prefix.h"

#include <stdlib.h>
#include <string.h>

static int compare_keys(const void *a, const void *c)
{
	return strcmp(*(const char *const *)a, *(const char *const *)c);
}

void log_prefix_details(struct strbuf *b, json_t *attrs)
{
	size_t n = json_object_size(attrs), k = 0;
	const char **keys = n ? calloc(n, sizeof(*keys)) : NULL;
	const char *key;
	json_t *v;

	if (keys) {
		json_object_foreach(attrs, key, v)
			keys[k++] = key;
		qsort(keys, n, sizeof(*keys), compare_keys);
		for (k = 0; k < n; k++) {
			if (k)
				strbuf_addc(b, ',');
			strbuf_add_query_escaped(b, keys[k], strlen(keys[k]));
			strbuf_addc(b, '=');
			const char *value = json_string_value(json_object_get(attrs, keys[k])) ?: "";
			strbuf_add_query_escaped(b, value, strlen(value));
		}
	}
	free(keys);
	strbuf_addc(b, ' ');
}

void log_prefix_time(struct strbuf *b, const char *time)
{
	const char *clock = strchr(time, 'T');
	const char *dot = strchr(time, '.');
	const char *end;

	if (!time[0])
		return;
	if (!dot) {
		/* The zone follows the clock; the date's own '-' come before. */
		end = clock ? clock + strcspn(clock, "Z+-") : time + strlen(time);
		strbuf_addf(b, "%.*s.000000000%s ", (int)(end - time), time, end);
		return;
	}
	end = dot + 1 + strspn(dot + 1, "0123456789");
	size_t digits = (size_t)(end - dot - 1);
	strbuf_addf(b, "%.*s%.*s%s ", (int)(end - time), time, digits < 9 ? (int)(9 - digits) : 0,
		    "000000000", end);
}
