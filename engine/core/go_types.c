/* JSON values against Docker's Go types (go_types.h). */
#include "engine/core/go_types.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "engine/core/json_kind.h"

static const struct go_field config_fields[] = {
	{"Hostname", GO_STRING, "string"},       {"Domainname", GO_STRING, "string"},
	{"User", GO_STRING, "string"},           {"AttachStdin", GO_BOOL, "bool"},
	{"AttachStdout", GO_BOOL, "bool"},       {"AttachStderr", GO_BOOL, "bool"},
	{"ExposedPorts", GO_SET, "struct {}"}, {"Tty", GO_BOOL, "bool"},
	{"OpenStdin", GO_BOOL, "bool"},          {"StdinOnce", GO_BOOL, "bool"},
	{"Env", GO_STRINGS, "[]string"},         {"Cmd", GO_STRSLICE, "strslice.StrSlice"},
	{"Healthcheck", GO_HEALTH, "container.HealthConfig"},
	{"ArgsEscaped", GO_BOOL, "bool"},        {"Image", GO_STRING, "string"},
	{"Volumes", GO_SET, "struct {}"},
	{"WorkingDir", GO_STRING, "string"},     {"Entrypoint", GO_STRSLICE, "strslice.StrSlice"},
	{"NetworkDisabled", GO_BOOL, "bool"},    {"MacAddress", GO_STRING, "string"},
	{"OnBuild", GO_STRINGS, "[]string"},     {"Labels", GO_STRING_MAP, "string"},
	{"StopSignal", GO_STRING, "string"},     {"StopTimeout", GO_INT, "int"},
	{"Shell", GO_STRSLICE, "strslice.StrSlice"},
	{"HostConfig", GO_MAP, "container.HostConfig"},
	{"NetworkingConfig", GO_MAP, "network.NetworkingConfig"},
	{NULL, 0, NULL},
};

static bool strings_only(json_t *v)
{
	json_t *e;
	size_t i;

	json_array_foreach(v, i, e)
		if (!json_is_string(e) && !json_is_null(e))
			return false;
	return true;
}

/* The first value of an object that is neither null nor of the kind
 * strings (true) or objects (false) want; NULL when they all are. */
static json_t *odd_value(json_t *obj, bool strings)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v)
		if (!json_is_null(v) && (strings ? !json_is_string(v) : !json_is_object(v)))
			return v;
	return NULL;
}

static bool fits(json_t *v, enum go_type t)
{
	if (json_is_null(v))
		return true; /* Go leaves the zero value */
	switch (t) {
	case GO_STRING: return json_is_string(v);
	case GO_BOOL: return json_is_boolean(v);
	case GO_INT: return json_is_integer(v);
	case GO_STRINGS: return json_is_array(v) && strings_only(v);
	case GO_STRSLICE: return json_is_string(v) || (json_is_array(v) && strings_only(v));
	case GO_MAP:
	case GO_HEALTH: return json_is_object(v);
	case GO_STRING_MAP: return json_is_object(v) && !odd_value(v, true);
	case GO_SET: return json_is_object(v) && !odd_value(v, false);
	case GO_ARRAY: return json_is_array(v);
	}
	return false;
}

static const struct go_field health_fields[] = {
	{"Test", GO_STRINGS, "[]string"},     {"Interval", GO_INT, "time.Duration"},
	{"Timeout", GO_INT, "time.Duration"}, {"StartPeriod", GO_INT, "time.Duration"},
	{"StartInterval", GO_INT, "time.Duration"}, {"Retries", GO_INT, "int"},
	{NULL, 0, NULL},
};

int go_fields_check(json_t *obj, const struct go_field *fields, const char *path, berr *err)
{
	for (const struct go_field *f = fields; f->name; f++) {
		json_t *v = json_object_get(obj, f->name);
		if (v && f->type == GO_HEALTH && json_is_object(v)) {
			char inner[256];
			snprintf(inner, sizeof(inner), "%s.%s", path, f->name);
			if (go_fields_check(v, health_fields, inner, err) < 0)
				return -1;
			continue;
		}
		if (!v || fits(v, f->type))
			continue;
		/* an element of the wrong type is named as Go names it */
		if ((f->type == GO_STRINGS || f->type == GO_STRSLICE) && json_is_array(v))
			return berr_set(err, BERR_INVALID,
					"json: cannot unmarshal %s into Go struct field %s.%s of type string",
					"number or object", path, f->name);
		if ((f->type == GO_STRING_MAP || f->type == GO_SET) && json_is_object(v))
			v = odd_value(v, f->type == GO_STRING_MAP);
		return berr_set(err, BERR_INVALID,
				"json: cannot unmarshal %s into Go struct field %s.%s of type %s",
				json_kind_name(v), path, f->name, f->go_name);
	}
	return 0;
}

int go_container_config_check(json_t *config, const char *path, berr *err)
{
	return go_fields_check(config, config_fields, path, err);
}
