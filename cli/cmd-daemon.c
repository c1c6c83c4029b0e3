/* berth daemon --validate [--config-file F]: daemon.json checked as an
 * engine checks it when it opens, without opening one (dockerd --validate).
 * Serving the Engine API is not in this berth yet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/modules.h"

int cli_daemon_main(int argc, char **argv)
{
	bool validate = false;
	json_t *ignored = NULL, *v;
	berr err = {0};
	size_t i;

	for (int k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--validate") == 0) {
			validate = true;
		} else if (strcmp(argv[k], "--config-file") == 0 && k + 1 < argc) {
			setenv("BERTH_CONFIG", argv[++k], 1);
		} else if (strncmp(argv[k], "--config-file=", 14) == 0) {
			setenv("BERTH_CONFIG", argv[k] + 14, 1);
		} else if (strcmp(argv[k], "--help") == 0) {
			printf("\nUsage:  berth daemon --validate [--config-file FILE]\n\n"
			       "Check daemon.json (default /etc/berth/daemon.json) and exit\n");
			return 0;
		} else {
			fprintf(stderr, "berth: unknown flag: %s\nSee 'berth daemon --help'.\n",
				argv[k]);
			return 125;
		}
	}
	if (!validate) {
		fprintf(stderr, "berth: berth daemon serves the Engine API, which this berth does "
				"not have yet; `berth daemon --validate` checks daemon.json\n");
		return 1;
	}
	int rc = engine_config_validate(&ignored, &err);
	json_array_foreach(ignored, i, v)
		fprintf(stderr, "WARNING: %s: \"%s\" is ignored: %s\n", daemon_config_path(),
			json_string_value(json_object_get(v, "key")),
			json_string_value(json_object_get(v, "why")));
	json_decref(ignored);
	if (rc < 0) {
		fprintf(stderr, "berth: %s\n", err.msg);
		return 1;
	}
	printf("configuration OK\n");
	return 0;
}
