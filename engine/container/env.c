/* A container process's environment, built as Docker builds it for the
 * container's command and for every exec (moby's CreateDaemonEnvironment
 * and ReplaceOrAppendEnvValues), so `run`, `start` and `exec` agree. */
#include <stdio.h>
#include <string.h>

#include "engine/container/internal.h"

#define DEFAULT_PATH_ENV "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* One entry: KEY=V replaces KEY or is appended; a bare KEY removes it. */
static void env_apply(json_t *env, const char *kv)
{
	size_t klen = strcspn(kv, "=");
	bool bare = kv[klen] == '\0';

	for (size_t i = 0; i < json_array_size(env); i++) {
		const char *e = json_string_value(json_array_get(env, i));
		if (!e || strncmp(e, kv, klen) != 0 || (e[klen] != '=' && e[klen] != '\0'))
			continue;
		if (bare)
			json_array_remove(env, i);
		else
			json_array_set_new(env, i, json_string(kv));
		return;
	}
	if (!bare)
		json_array_append_new(env, json_string(kv));
}

json_t *container_env(const struct container *c, bool tty, json_t *extra)
{
	const char *hostname = json_string_value(json_object_get(c->config, "Hostname"));
	json_t *env = json_array(), *v;
	char host[300];
	size_t i;

	json_array_append_new(env, json_string(DEFAULT_PATH_ENV));
	snprintf(host, sizeof(host), "HOSTNAME=%s", hostname ? hostname : "");
	json_array_append_new(env, json_string(host));
	if (tty)
		json_array_append_new(env, json_string("TERM=xterm"));
	json_array_foreach(json_object_get(c->config, "Env"), i, v) if (json_is_string(v))
	    env_apply(env, json_string_value(v));
	json_array_foreach(extra, i, v) if (json_is_string(v)) env_apply(env, json_string_value(v));
	return env;
}
