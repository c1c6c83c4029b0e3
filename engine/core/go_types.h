/* JSON values checked against the Go types Docker decodes them into:
 * what a client, a registry or an image sends is refused with
 * encoding/json's words ("json: cannot unmarshal number into Go struct
 * field Config.Labels of type string") rather than stored, where it would
 * break every client that lists it later. */
#ifndef BERTH_CORE_GO_TYPES_H
#define BERTH_CORE_GO_TYPES_H

#include <jansson.h>

#include "engine/core/error.h"

enum go_type {
	GO_STRING,
	GO_BOOL,
	GO_INT,        /* any integer: int, int64, uint16... (named in the error) */
	GO_STRINGS,    /* []string */
	GO_STRSLICE,   /* strslice.StrSlice: a string or a []string */
	GO_MAP,        /* an object */
	GO_STRING_MAP, /* map[string]string */
	GO_SET,        /* map[string]struct{}: an object of objects */
	GO_ARRAY,      /* an array of anything */
	GO_HEALTH,     /* container.HealthConfig */
};

struct go_field {
	const char *name;
	enum go_type type;
	const char *go_name; /* what encoding/json calls its type */
};

/* Checks the fields of obj that fields names (a table ending with a NULL
 * name); path is the Go struct's name in the error ("CreateRequest"). */
int go_fields_check(json_t *obj, const struct go_field *fields, const char *path, berr *err);

/* A container's Config (container.Config), as create, commit and an
 * image's config hold it. */
int go_container_config_check(json_t *config, const char *path, berr *err);

#endif
