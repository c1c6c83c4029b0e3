/* Go's names for JSON kinds (json_kind.h). */
#include "engine/core/json_kind.h"

const char *json_kind_name(json_t *v)
{
	if (json_is_string(v))
		return "string";
	if (json_is_boolean(v))
		return "bool";
	if (json_is_number(v))
		return "number";
	if (json_is_array(v))
		return "array";
	if (json_is_object(v))
		return "object";
	return "null";
}
