/* Finding and parsing daemon.json (see daemon_config.h). */
#include "engine/core/daemon_config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

const char *daemon_config_path(void)
{
	const char *p = getenv("BERTH_CONFIG");

	return p && *p ? p : "/etc/berth/daemon.json";
}

int daemon_config_bad(berr *err, const char *fmt, const char *arg)
{
	char what[PATH_MAX + 256];

	snprintf(what, sizeof(what), fmt, arg);
	return berr_set(err, BERR_INVALID, "unable to configure the berth engine with file %s: %s",
			daemon_config_path(), what);
}

int daemon_config_read(json_t **out, berr *err)
{
	const char *asked = getenv("BERTH_CONFIG");
	json_error_t jerr;
	json_t *root;

	*out = NULL;
	root = json_load_file(daemon_config_path(), 0, &jerr);
	if (!root) {
		FILE *f = fopen(daemon_config_path(), "r");
		int open_errno = errno;

		if (f)
			fclose(f);
		/* no file at the default path: the defaults; one the user named
		 * must be there (dockerd --config-file) */
		if (!f && open_errno == ENOENT && !(asked && *asked)) {
			*out = json_object();
			return 0;
		}
		if (!f && open_errno == ENOENT)
			return daemon_config_bad(err, "open %s: no such file or directory",
						 daemon_config_path());
		return daemon_config_bad(err, "%s", jerr.text);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return daemon_config_bad(err, "%s", "the configuration is not a JSON object");
	}
	*out = root;
	return 0;
}
