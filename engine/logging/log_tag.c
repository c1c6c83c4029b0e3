/* The tag option: Docker's templates over the container's identity
 * (daemon/logger/loggerutils/log_tag.go and loginfo.go). The fields
 * Docker's Info offers, each an action of its own: {{.ID}} (12 hex),
 * {{.FullID}}, {{.Name}}, {{.ImageID}} (12 hex), {{.ImageFullID}},
 * {{.ImageName}}, {{.Command}}, {{.DaemonName}}. */
#include "engine/logging/log_tag.h"

#include <ctype.h>
#include <string.h>

/* The value of one field, NULL for a name Docker's Info does not have. */
static const char *field_value(const char *name, size_t len, const struct log_context *lc,
			       char *scratch, size_t size)
{
	const char *image_hex = lc->image_id && strncmp(lc->image_id, "sha256:", 7) == 0
					? lc->image_id + 7
					: (lc->image_id ? lc->image_id : "");
#define IS(lit) (len == sizeof(lit) - 1 && memcmp(name, lit, len) == 0)
	if (IS("ID")) {
		snprintf(scratch, size, "%.12s", lc->id);
		return scratch;
	}
	if (IS("FullID") || IS("ContainerID"))
		return lc->id;
	if (IS("Name"))
		return lc->name;
	if (IS("ContainerName")) {
		snprintf(scratch, size, "/%s", lc->name);
		return scratch;
	}
	if (IS("ImageID")) {
		snprintf(scratch, size, "%.12s", image_hex);
		return scratch;
	}
	if (IS("ImageFullID") || IS("ContainerImageID"))
		return lc->image_id ? lc->image_id : "";
	if (IS("ImageName") || IS("ContainerImageName"))
		return lc->image_name ? lc->image_name : "";
	if (IS("Command"))
		return lc->command ? lc->command : "";
	if (IS("DaemonName"))
		return "berth";
#undef IS
	return NULL;
}

int log_tag_render(const char *tmpl, const struct log_context *lc, struct strbuf *out,
		   berr *err)
{
	char scratch[80];

	if (!tmpl || !*tmpl)
		tmpl = "{{.ID}}";
	for (const char *p = tmpl; *p;) {
		const char *open = strstr(p, "{{");
		if (!open) {
			strbuf_adds(out, p);
			break;
		}
		strbuf_addn(out, p, (size_t)(open - p));
		const char *close = strstr(open + 2, "}}");
		if (!close)
			return berr_set(err, BERR_INVALID,
					"template: log-tag:1: unclosed action in tag \"%s\"", tmpl);
		const char *a = open + 2, *b = close;
		while (a < b && (isspace((unsigned char)*a) || *a == '-'))
			a++;
		while (b > a && (isspace((unsigned char)b[-1]) || b[-1] == '-'))
			b--;
		const char *value = NULL;
		if (a < b && *a == '.')
			value = field_value(a + 1, (size_t)(b - a - 1), lc, scratch, sizeof(scratch));
		if (!value)
			return berr_set(err, BERR_INVALID,
					"template: log-tag: can't evaluate \"%.*s\" in tag \"%s\" (the fields are .ID, .FullID, .Name, .ImageID, .ImageFullID, .ImageName, .Command and .DaemonName)",
					(int)(b - a), a, tmpl);
		strbuf_adds(out, value);
		p = close + 2;
	}
	return 0;
}
