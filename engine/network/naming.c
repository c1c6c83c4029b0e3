/* Names berth gives its kernel objects, and a network's MTU option. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/sha256.h"
#include "engine/network/internal.h"

void network_instance_name(struct engine *engine, const char *base, char out[16])
{
	char hex[SHA256_HEX_SIZE];
	const char *root = engine_root(engine);

	if (strcmp(root, "/var/lib/berth") == 0) {
		snprintf(out, 16, "%s", base);
		return;
	}
	sha256_data_hex(root, strlen(root), hex);
	snprintf(out, 16, "%s-%.8s", base, hex);
}

unsigned network_mtu(const struct network *n)
{
	const char *text = json_string_value(json_object_get(n->options, OPT_MTU));

	if (!text)
		text = "";
	long value = *text ? strtol(text, NULL, 10) : 0;

	return value >= 68 && value <= 65535 ? (unsigned)value : 0;
}

