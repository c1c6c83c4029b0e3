/* References as the image store keeps them: fully qualified strings in the
 * tags table, familiar strings in replies. */
#include <stdio.h>
#include <string.h>

#include "engine/core/reference.h"
#include "engine/image/internal.h"

/* The fully qualified form of a user reference. */
int image_ref_normalize(const char *name, char *out, size_t size, berr *err)
{
	struct image_ref ref;
	char full[REF_STRING_SIZE];
	size_t len;

	if (ref_parse_normalized(name, &ref, err) < 0)
		return -1;
	ref_string(&ref, full, sizeof(full));
	/* A cut reference would name another image: refuse rather than store it. */
	len = strlen(full);
	if (len >= size)
		return berr_set(err, BERR_INVALID, "invalid reference format: %s is too long",
				name);
	memcpy(out, full, len + 1);
	return 0;
}

/* The familiar form of a stored reference. */
void image_ref_familiar(const char *full, char *out, size_t size)
{
	struct image_ref ref;

	if (ref_parse_normalized(full, &ref, NULL) < 0) {
		snprintf(out, size, "%s", full);
		return;
	}
	ref_familiar(&ref, out, size);
}

/* True for repo@sha256:... references. */
bool image_ref_is_digest(const char *full)
{
	return strchr(full, '@') != NULL;
}

/* The fully qualified repository name of a reference. */
void image_ref_name(const char *full, char *out, size_t size)
{
	struct image_ref ref;

	if (ref_parse_normalized(full, &ref, NULL) < 0) {
		snprintf(out, size, "%s", full);
		return;
	}
	ref_name(&ref, out, size);
}
