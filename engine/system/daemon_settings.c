/* daemon.json as a whole: its log driver checked when an engine opens
 * (the engine itself has checked names and types), and what is in force
 * shown by system.info (LoggingDriver, Labels, Debug, LiveRestoreEnabled,
 * and a warning for each Docker setting berth does not apply). */
#include <stdio.h>
#include <string.h>

#include "engine/core/daemon_config.h"
#include "engine/logging/log_config.h"
#include "engine/system/system.h"

static int settings_startup(struct engine *engine, berr *err)
{
	json_t *log_default;

	(void)engine;
	if (log_config_daemon_default(&log_default, err) < 0)
		return -1;
	json_decref(log_default);
	return 0;
}

static int settings_info(struct engine *engine, json_t *info, berr *err)
{
	json_t *config, *log_default, *warnings = engine_info_member(info, "Warnings", true), *v;
	size_t i;

	if (daemon_config_read(&config, err) < 0 || log_config_daemon_default(&log_default, err) < 0)
		return -1;
	json_object_set(info, "LoggingDriver", json_object_get(log_default, "Type"));
	json_decref(log_default);
	json_t *labels = json_object_get(config, "labels");
	json_object_set_new(info, "Labels", json_is_array(labels) ? json_incref(labels) : json_array());
	json_object_set_new(info, "Debug", json_boolean(json_is_true(json_object_get(config, "debug"))));
	/* each container has its own monitor: they all outlive berth */
	json_object_set_new(info, "LiveRestoreEnabled", json_true());
	json_object_set_new(info, "DaemonConfigFile", json_string(daemon_config_path()));
	json_array_foreach(engine_ignored_settings(engine), i, v) {
		char line[512];
		snprintf(line, sizeof(line), "%s: \"%s\" is ignored: %s", daemon_config_path(),
			 json_string_value(json_object_get(v, "key")),
			 json_string_value(json_object_get(v, "why")));
		json_array_append_new(warnings, json_string(line));
	}
	json_decref(config);
	return 0;
}

const struct engine_module daemon_settings_module = {
	.name = "daemon-settings",
	.startup = settings_startup,
	.info = settings_info,
};
