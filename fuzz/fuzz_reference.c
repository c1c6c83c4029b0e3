/* Image references as `run`, `tag`, `images --filter reference=` and the
 * RepoTags of a loaded archive give them: ref_parse_normalized and the
 * image store's forms built on it. A reference that parses prints, fully
 * qualified, as text that parses back to the same reference. */
#include <string.h>

#include "engine/core/reference.h"
#include "engine/image/internal.h"
#include "fuzz/fuzz.h"

/* Every printed form, into buffers large and small. */
static void print_all(const struct image_ref *r)
{
	char big[1024], small[8];

	ref_string(r, big, sizeof(big));
	ref_string(r, small, sizeof(small));
	ref_familiar(r, big, sizeof(big));
	ref_familiar(r, small, sizeof(small));
	ref_familiar_name(r, big, sizeof(big));
	ref_familiar_name(r, small, sizeof(small));
	ref_name(r, big, sizeof(big));
	ref_name(r, small, 1);
}

static bool same_ref(const struct image_ref *a, const struct image_ref *b)
{
	return strcmp(a->domain, b->domain) == 0 && strcmp(a->path, b->path) == 0 &&
	       strcmp(a->tag, b->tag) == 0 && strcmp(a->digest, b->digest) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	char full[1024], out[REF_STRING_SIZE];
	struct image_ref ref, again;
	berr err = {0};

	if (ref_parse_normalized(text, &ref, &err) == 0) {
		FUZZ_CHECK(ref.domain[0] && ref.path[0] && (ref.tag[0] || ref.digest[0]));
		FUZZ_CHECK(strlen(ref.path) <= 255);
		print_all(&ref);
		ref_string(&ref, full, sizeof(full));
		FUZZ_CHECK(strlen(full) < REF_STRING_SIZE);
		FUZZ_CHECK(ref_parse_normalized(full, &again, &err) == 0);
		FUZZ_CHECK(same_ref(&ref, &again));
	} else {
		FUZZ_CHECK(err.kind == BERR_INVALID && err.msg[0]);
	}
	ref_is_hex_id_prefix(text);
	ref_valid_tag(text);
	/* The store keeps what image_ref_normalize writes, in buffers this size. */
	if (image_ref_normalize(text, out, sizeof(out), &err) == 0) {
		FUZZ_CHECK(ref.path[0]);
		FUZZ_CHECK(ref_parse_normalized(out, &again, &err) == 0);
		FUZZ_CHECK(same_ref(&ref, &again));
		FUZZ_CHECK(image_ref_is_digest(out) == (ref.digest[0] != '\0'));
	}
	image_ref_familiar(text, out, sizeof(out));
	image_ref_name(text, out, sizeof(out));
	free(text);
	return 0;
}
