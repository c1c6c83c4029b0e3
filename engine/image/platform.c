/* Platforms ("linux/amd64", "linux/arm/v7") as --platform names them, and
 * the choice of one manifest from a list or an index, as Docker makes it:
 * the OS and architecture must match; a variant asked for must match too;
 * attestation manifests (platform unknown/unknown) never match. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine/image/internal.h"

/* Docker's normalisation of architecture names. */
static const char *normal_arch(const char *arch)
{
	if (strcasecmp(arch, "x86_64") == 0 || strcasecmp(arch, "x86-64") == 0)
		return "amd64";
	if (strcasecmp(arch, "aarch64") == 0)
		return "arm64";
	if (strcasecmp(arch, "i386") == 0)
		return "386";
	return arch;
}

int image_platform_parse(const char *text, struct image_platform *out, berr *err)
{
	char os[64] = "", arch[64] = "", variant[64] = "";
	int n;

	memset(out, 0, sizeof(*out));
	if (!text || !*text) {
		snprintf(out->os, sizeof(out->os), "linux");
		snprintf(out->architecture, sizeof(out->architecture), "%s", image_config_arch());
		return 0;
	}
	n = sscanf(text, "%63[^/]/%63[^/]/%63s", os, arch, variant);
	if (n < 1 || strchr(text, ' ') || (n == 3 && strchr(variant, '/')))
		return berr_set(err, BERR_INVALID, "\"%s\": unknown operating system or architecture: invalid argument",
				text);
	for (char *p = os; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	if (strcmp(os, "linux") != 0)
		return berr_set(err, BERR_INVALID, "\"%s\": unknown operating system or architecture: invalid argument",
				text);
	snprintf(out->os, sizeof(out->os), "%s", os);
	snprintf(out->architecture, sizeof(out->architecture), "%s",
		 n >= 2 ? normal_arch(arch) : image_config_arch());
	snprintf(out->variant, sizeof(out->variant), "%s", n == 3 ? variant : "");
	return 0;
}

void image_platform_format(const struct image_platform *p, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s%s%s", p->os, p->architecture, p->variant[0] ? "/" : "",
		 p->variant);
}

bool image_platform_matches(const struct image_platform *want, json_t *platform)
{
	const char *os = json_string_value(json_object_get(platform, "os"));
	const char *arch = json_string_value(json_object_get(platform, "architecture"));
	const char *variant = json_string_value(json_object_get(platform, "variant"));

	if (!os || !arch || strcmp(os, want->os) != 0 || strcmp(normal_arch(arch), want->architecture) != 0)
		return false;
	if (want->variant[0] && (!variant || strcmp(variant, want->variant) != 0))
		return false;
	return true;
}

json_t *image_platform_pick(const struct image_platform *want, json_t *manifests)
{
	json_t *d, *best = NULL;
	size_t i;

	json_array_foreach(manifests, i, d) {
		json_t *platform = json_object_get(d, "platform");
		const char *variant = json_string_value(json_object_get(platform, "variant"));

		if (!image_platform_matches(want, platform))
			continue;
		/* without a variant asked for, the plainest entry first (amd64,
		 * not amd64/v3), else the first */
		if (!best || (!want->variant[0] && !variant))
			best = d;
		if (!want->variant[0] && !variant)
			break;
	}
	return best;
}
