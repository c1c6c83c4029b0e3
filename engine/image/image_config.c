/* Image configs: Docker's container.Config object, the --change
 * instructions that edit it (docker import/commit), and the platform. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "engine/core/host_arch.h"
#include "engine/core/go_types.h"
#include "engine/image/internal.h"

/* Docker's field order for container.Config; the second column says whether
 * Go omits the field when empty. */
static const struct {
	const char *key;
	bool omitempty;
} config_fields[] = {
	{"Hostname", false},     {"Domainname", false},   {"User", false},
	{"AttachStdin", false},  {"AttachStdout", false}, {"AttachStderr", false},
	{"ExposedPorts", true},  {"Tty", false},          {"OpenStdin", false},
	{"StdinOnce", false},    {"Env", false},          {"Cmd", false},
	{"Healthcheck", true},   {"ArgsEscaped", true},   {"Image", false},
	{"Volumes", false},      {"WorkingDir", false},   {"Entrypoint", false},
	{"NetworkDisabled", true}, {"MacAddress", true},  {"OnBuild", false},
	{"Labels", false},       {"StopSignal", true},    {"StopTimeout", true},
	{"Shell", true},
};

/* Docker's container.Config with every field at its zero value. */
json_t *image_config_empty(void)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:n, s:n, s:s, s:n, s:s,"
			 " s:n, s:n, s:n}",
			 "Hostname", "", "Domainname", "", "User", "", "AttachStdin", 0,
			 "AttachStdout", 0, "AttachStderr", 0, "Tty", 0, "OpenStdin", 0,
			 "StdinOnce", 0, "Env", "Cmd", "Image", "", "Volumes", "WorkingDir", "",
			 "Entrypoint", "OnBuild", "Labels");
}

/* Rebuilds a config with Docker's key order; empty omitempty fields dropped,
 * unknown keys kept at the end. */
static json_t *config_canonical(json_t *config)
{
	json_t *out = json_object();
	const char *key;
	json_t *v;

	for (size_t i = 0; i < sizeof(config_fields) / sizeof(config_fields[0]); i++) {
		v = json_object_get(config, config_fields[i].key);
		if (!v && !config_fields[i].omitempty)
			v = json_null();
		if (!v || (config_fields[i].omitempty &&
			   (json_is_null(v) || json_is_false(v) ||
			    (json_is_string(v) && !*json_string_value(v)) ||
			    (json_is_integer(v) && json_integer_value(v) == 0))))
			continue;
		json_object_set(out, config_fields[i].key, v);
	}
	json_object_foreach(config, key, v)
		if (!json_object_get(out, key)) {
			bool known = false;

			for (size_t i = 0; i < sizeof(config_fields) / sizeof(config_fields[0]); i++)
				known = known || strcmp(config_fields[i].key, key) == 0;
			if (!known)
				json_object_set(out, key, v);
		}
	return out;
}

/* Splits shell-like words: whitespace separates, quotes group, backslash
 * escapes. Returns an array of strings or NULL on an open quote. */
static json_t *split_words(const char *s)
{
	json_t *words = json_array();
	char *buf = malloc(strlen(s) + 1);
	size_t len = 0;
	bool in_word = false;
	char quote = 0;

	if (!buf) {
		json_decref(words);
		return NULL;
	}
	for (const char *p = s;; p++) {
		char c = *p;

		if (c == '\0') {
			if (quote) {
				free(buf);
				json_decref(words);
				return NULL;
			}
			if (in_word)
				json_array_append_new(words, json_stringn(buf, len));
			break;
		}
		if (quote) {
			if (c == quote)
				quote = 0;
			else if (c == '\\' && quote == '"' && p[1])
				buf[len++] = *++p;
			else
				buf[len++] = c;
			continue;
		}
		if (isspace((unsigned char)c)) {
			if (in_word)
				json_array_append_new(words, json_stringn(buf, len));
			in_word = false;
			len = 0;
			continue;
		}
		in_word = true;
		if (c == '"' || c == '\'')
			quote = c;
		else if (c == '\\' && p[1])
			buf[len++] = *++p;
		else
			buf[len++] = c;
	}
	free(buf);
	return words;
}

/* A JSON array of strings ("exec form"), or NULL when text is not one. */
static json_t *exec_form(const char *text)
{
	json_t *arr = json_loads(text, JSON_DECODE_ANY, NULL);
	size_t i;
	json_t *v;

	if (!json_is_array(arr)) {
		json_decref(arr);
		return NULL;
	}
	json_array_foreach(arr, i, v)
		if (!json_is_string(v)) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

/* CMD and ENTRYPOINT: exec form as is, shell form through /bin/sh -c. */
static json_t *command_value(const char *rest)
{
	json_t *arr = exec_form(rest);

	if (arr)
		return arr;
	return json_pack("[s, s, s]", "/bin/sh", "-c", rest);
}

/* Sets KEY=value in an Env array, replacing an earlier KEY. */
static void env_set(json_t *config, const char *key, const char *value)
{
	json_t *env = json_object_get(config, "Env");
	size_t klen = strlen(key), i;
	json_t *v;
	char *pair;

	if (!json_is_array(env)) {
		env = json_array();
		json_object_set_new(config, "Env", env);
	}
	if (asprintf(&pair, "%s=%s", key, value) < 0)
		return;
	json_array_foreach(env, i, v) {
		const char *s = json_string_value(v);

		if (s && strncmp(s, key, klen) == 0 && s[klen] == '=') {
			json_array_set_new(env, i, json_string(pair));
			free(pair);
			return;
		}
	}
	json_array_append_new(env, json_string(pair));
	free(pair);
}

/* Sets a label in the Labels object. */
static void label_set(json_t *config, const char *key, const char *value)
{
	json_t *labels = json_object_get(config, "Labels");

	if (!json_is_object(labels)) {
		labels = json_object();
		json_object_set_new(config, "Labels", labels);
	}
	json_object_set_new(labels, key, json_string(value));
}

/* ENV and LABEL: "k=v k2=v2" pairs, or the legacy "k value with spaces". */
static int apply_pairs(json_t *config, const char *instr, const char *rest, bool env, berr *err)
{
	json_t *words = split_words(rest);
	size_t i;
	json_t *w;

	if (!words || json_array_size(words) == 0) {
		json_decref(words);
		return berr_set(err, BERR_INVALID, "invalid change: %s requires at least one argument",
				instr);
	}
	if (!strchr(json_string_value(json_array_get(words, 0)), '=')) {
		/* Legacy form: the first word is the key, the rest the value. */
		const char *p = rest;
		char key[256];
		size_t n;

		while (isspace((unsigned char)*p))
			p++;
		n = strcspn(p, " \t");
		if (n >= sizeof(key) || !p[n]) {
			json_decref(words);
			return berr_set(err, BERR_INVALID, "invalid change: %s must have two arguments",
					instr);
		}
		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		p += n;
		while (isspace((unsigned char)*p))
			p++;
		if (env)
			env_set(config, key, p);
		else
			label_set(config, key, p);
		json_decref(words);
		return 0;
	}
	json_array_foreach(words, i, w) {
		const char *s = json_string_value(w);
		const char *eq = strchr(s, '=');
		char *key;

		if (!eq || eq == s) {
			berr_set(err, BERR_INVALID, "invalid change: %s names can not be blank: %s",
				 instr, s);
			json_decref(words);
			return -1;
		}
		key = strndup(s, (size_t)(eq - s));
		if (env)
			env_set(config, key, eq + 1);
		else
			label_set(config, key, eq + 1);
		free(key);
	}
	json_decref(words);
	return 0;
}

/* EXPOSE 80 443/tcp 53/udp 8000-8002. */
static int apply_expose(json_t *config, const char *rest, berr *err)
{
	json_t *words = split_words(rest), *ports = json_object_get(config, "ExposedPorts");
	size_t i;
	json_t *w;

	if (!words || json_array_size(words) == 0) {
		json_decref(words);
		return berr_set(err, BERR_INVALID, "invalid change: EXPOSE requires at least one argument");
	}
	if (!json_is_object(ports)) {
		ports = json_object();
		json_object_set_new(config, "ExposedPorts", ports);
	}
	json_array_foreach(words, i, w) {
		const char *s = json_string_value(w);
		const char *slash = strchr(s, '/');
		const char *proto = slash ? slash + 1 : "tcp";
		unsigned long lo, hi;
		char *end;

		lo = strtoul(s, &end, 10);
		hi = lo;
		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		if (end == s || (*end && *end != '/') || lo == 0 || hi > 65535 || hi < lo ||
		    (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0 &&
		     strcmp(proto, "sctp") != 0)) {
			berr_set(err, BERR_INVALID, "invalid change: invalid port: %s", s);
			json_decref(words);
			return -1;
		}
		for (unsigned long p = lo; p <= hi; p++) {
			char key[32];

			snprintf(key, sizeof(key), "%lu/%s", p, proto);
			json_object_set_new(ports, key, json_object());
		}
	}
	json_decref(words);
	return 0;
}

/* VOLUME /a /b or VOLUME ["/a", "/b"]. */
static int apply_volume(json_t *config, const char *rest, berr *err)
{
	json_t *list = exec_form(rest), *vols = json_object_get(config, "Volumes");
	size_t i;
	json_t *v;

	if (!list)
		list = split_words(rest);
	if (!list || json_array_size(list) == 0) {
		json_decref(list);
		return berr_set(err, BERR_INVALID, "invalid change: VOLUME requires at least one argument");
	}
	if (!json_is_object(vols)) {
		vols = json_object();
		json_object_set_new(config, "Volumes", vols);
	}
	json_array_foreach(list, i, v) {
		if (!*json_string_value(v)) {
			json_decref(list);
			return berr_set(err, BERR_INVALID, "invalid change: VOLUME specified can not be an empty string");
		}
		json_object_set_new(vols, json_string_value(v), json_object());
	}
	json_decref(list);
	return 0;
}

/* WORKDIR: relative paths continue from the previous one. */
static void apply_workdir(json_t *config, const char *rest)
{
	const char *prev = json_string_value(json_object_get(config, "WorkingDir"));
	char *path;

	if (rest[0] == '/')
		path = strdup(rest);
	else if (asprintf(&path, "%s/%s", prev && *prev ? prev : "", rest) < 0)
		path = NULL;
	if (!path)
		return;
	/* Collapse doubled slashes and a trailing slash, as filepath.Clean does for these. */
	for (char *p = path; *p; p++)
		while (p[0] == '/' && p[1] == '/')
			memmove(p, p + 1, strlen(p));
	if (strlen(path) > 1 && path[strlen(path) - 1] == '/')
		path[strlen(path) - 1] = '\0';
	json_object_set_new(config, "WorkingDir", json_string(path));
	free(path);
}

/* A Go duration ("30s", "1m30s", "500ms") in nanoseconds. */
static int parse_duration(const char *s, int64_t *out)
{
	static const struct {
		const char *unit;
		int64_t nanos;
	} units[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000LL},
		     {"m", 60000000000LL}, {"h", 3600000000000LL}};
	double total = 0;

	if (!*s)
		return -1;
	while (*s) {
		char *end;
		double v = strtod(s, &end);
		size_t best = 0, bestlen = 0;

		if (end == s)
			return -1;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t n = strlen(units[i].unit);

			if (strncmp(end, units[i].unit, n) == 0 && n > bestlen) {
				best = i;
				bestlen = n;
			}
		}
		if (!bestlen)
			return -1;
		total += v * (double)units[best].nanos;
		s = end + bestlen;
	}
	*out = (int64_t)total;
	return 0;
}

/* HEALTHCHECK NONE | [--interval=.. --timeout=.. --start-period=..
 * --start-interval=.. --retries=..] CMD command. */
static int apply_healthcheck(json_t *config, const char *rest, berr *err)
{
	json_t *hc = json_object();
	const char *p = rest;

	if (strcasecmp(rest, "NONE") == 0) {
		json_object_set_new(hc, "Test", json_pack("[s]", "NONE"));
		json_object_set_new(config, "Healthcheck", hc);
		return 0;
	}
	while (strncmp(p, "--", 2) == 0) {
		static const char *const keys[][2] = {{"interval", "Interval"},
						      {"timeout", "Timeout"},
						      {"start-period", "StartPeriod"},
						      {"start-interval", "StartInterval"}};
		size_t n = strcspn(p, " \t");
		char opt[64];
		char *eq;
		bool done = false;

		snprintf(opt, sizeof(opt), "%.*s", (int)n - 2, p + 2);
		eq = strchr(opt, '=');
		if (!eq)
			goto bad;
		*eq++ = '\0';
		for (size_t i = 0; i < 4 && !done; i++) {
			int64_t d;

			if (strcmp(opt, keys[i][0]) != 0)
				continue;
			if (parse_duration(eq, &d) < 0)
				goto bad;
			json_object_set_new(hc, keys[i][1], json_integer(d));
			done = true;
		}
		if (!done && strcmp(opt, "retries") == 0) {
			json_object_set_new(hc, "Retries", json_integer(atoi(eq)));
			done = true;
		}
		if (!done)
			goto bad;
		p += n;
		while (isspace((unsigned char)*p))
			p++;
	}
	if (strncasecmp(p, "CMD", 3) != 0 || !isspace((unsigned char)p[3]))
		goto bad;
	p += 4;
	while (isspace((unsigned char)*p))
		p++;
	{
		json_t *arr = exec_form(p);

		if (arr) {
			json_array_insert_new(arr, 0, json_string("CMD"));
			json_object_set_new(hc, "Test", arr);
		} else {
			json_object_set_new(hc, "Test", json_pack("[s, s]", "CMD-SHELL", p));
		}
	}
	json_object_set_new(config, "Healthcheck", hc);
	return 0;
bad:
	json_decref(hc);
	return berr_set(err, BERR_INVALID, "invalid change: HEALTHCHECK %s", rest);
}

/* Applies one instruction; *cmd_set tracks CMD within the list so that
 * ENTRYPOINT clears an inherited Cmd as Docker's builder does. */
static int apply_one(json_t *config, const char *change, bool *cmd_set, berr *err)
{
	char instr[16];
	const char *p = change, *rest;
	size_t n;

	while (isspace((unsigned char)*p))
		p++;
	n = strcspn(p, " \t");
	if (n == 0 || n >= sizeof(instr))
		return berr_set(err, BERR_INVALID, "invalid change: %s", change);
	for (size_t i = 0; i < n; i++)
		instr[i] = (char)toupper((unsigned char)p[i]);
	instr[n] = '\0';
	rest = p + n;
	while (isspace((unsigned char)*rest))
		rest++;
	if (strcmp(instr, "ENV") == 0)
		return apply_pairs(config, instr, rest, true, err);
	if (strcmp(instr, "LABEL") == 0)
		return apply_pairs(config, instr, rest, false, err);
	if (strcmp(instr, "EXPOSE") == 0)
		return apply_expose(config, rest, err);
	if (strcmp(instr, "VOLUME") == 0)
		return apply_volume(config, rest, err);
	if (strcmp(instr, "HEALTHCHECK") == 0)
		return apply_healthcheck(config, rest, err);
	if (!*rest)
		return berr_set(err, BERR_INVALID, "invalid change: %s requires an argument", instr);
	if (strcmp(instr, "CMD") == 0) {
		json_object_set_new(config, "Cmd", command_value(rest));
		*cmd_set = true;
	} else if (strcmp(instr, "ENTRYPOINT") == 0) {
		json_object_set_new(config, "Entrypoint", command_value(rest));
		if (!*cmd_set)
			json_object_set_new(config, "Cmd", json_null());
	} else if (strcmp(instr, "USER") == 0) {
		json_object_set_new(config, "User", json_string(rest));
	} else if (strcmp(instr, "WORKDIR") == 0) {
		apply_workdir(config, rest);
	} else if (strcmp(instr, "STOPSIGNAL") == 0) {
		json_object_set_new(config, "StopSignal", json_string(rest));
	} else if (strcmp(instr, "ONBUILD") == 0) {
		json_t *onbuild = json_object_get(config, "OnBuild");

		if (!json_is_array(onbuild)) {
			onbuild = json_array();
			json_object_set_new(config, "OnBuild", onbuild);
		}
		json_array_append_new(onbuild, json_string(rest));
	} else {
		return berr_set(err, BERR_INVALID, "invalid change: %s is not a valid change command",
				instr);
	}
	return 0;
}

/* Applies --change instructions to a container config. */
int image_config_apply_changes(json_t **config, json_t *changes, berr *err)
{
	bool cmd_set = false;
	size_t i;
	json_t *v;
	json_t *canon;

	if (changes && !json_is_null(changes) && !json_is_array(changes))
		return berr_set(err, BERR_INVALID, "invalid change: changes must be a list");
	json_array_foreach(changes, i, v) {
		if (!json_is_string(v))
			return berr_set(err, BERR_INVALID, "invalid change: changes must be strings");
		if (apply_one(*config, json_string_value(v), &cmd_set, err) < 0)
			return -1;
	}
	canon = config_canonical(*config);
	json_decref(*config);
	*config = canon;
	return 0;
}

/* This machine's architecture as Go names it (amd64, arm64...). */
const char *image_config_arch(void)
{
	return host_go_arch();
}

int image_config_types_check(json_t *image_config, berr *err)
{
	json_t *config = json_object_get(image_config, "config");
	json_t *container_config = json_object_get(image_config, "container_config");

	if (config && !json_is_object(config) && !json_is_null(config))
		return berr_set(err, BERR_INVALID, "invalid image config: config is not an object");
	if (json_is_object(config) && go_container_config_check(config, "Image.config", err) < 0)
		return -1;
	if (json_is_object(container_config) &&
	    go_container_config_check(container_config, "Image.container_config", err) < 0)
		return -1;
	return 0;
}
