/* JSON against Docker's Go types: a container's Config as create, commit
 * and an image's config give it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/core/go_types.h"

/* The error a config gives, "" when it fits. */
static const char *check(const char *json)
{
	static berr err;
	json_t *config = json_loads(json, 0, NULL);

	memset(&err, 0, sizeof(err));
	assert_non_null(config);
	go_container_config_check(config, "Config", &err);
	json_decref(config);
	return err.msg;
}

static void test_what_fits(void **state)
{
	(void)state;
	assert_string_equal(check("{\"Labels\": {\"a\": \"b\", \"c\": null}, \"Env\": [\"A=1\"]}"), "");
	/* strslice: one string or strings */
	assert_string_equal(check("{\"Cmd\": \"sh\", \"Entrypoint\": [\"a\", \"b\"]}"), "");
	assert_string_equal(check("{\"Volumes\": {\"/v\": {}}, \"ExposedPorts\": {\"80/tcp\": {}}}"), "");
	assert_string_equal(check("{\"Healthcheck\": {\"Test\": [\"CMD\", \"true\"], \"Interval\": 1000}}"), "");
	/* null is Go's zero value */
	assert_string_equal(check("{\"Labels\": null, \"User\": null, \"Healthcheck\": null}"), "");
}

static void test_what_does_not(void **state)
{
	(void)state;
	assert_string_equal(check("{\"Labels\": {\"a\": 1}}"),
			    "json: cannot unmarshal number into Go struct field Config.Labels of type string");
	assert_string_equal(check("{\"Env\": {\"A\": \"B\"}}"),
			    "json: cannot unmarshal object into Go struct field Config.Env of type []string");
	assert_string_equal(check("{\"User\": 5}"),
			    "json: cannot unmarshal number into Go struct field Config.User of type string");
	assert_string_equal(check("{\"Volumes\": {\"/v\": 1}}"),
			    "json: cannot unmarshal number into Go struct field Config.Volumes of type struct {}");
	assert_string_equal(check("{\"Healthcheck\": {\"Interval\": \"5s\"}}"),
			    "json: cannot unmarshal string into Go struct field Config.Healthcheck.Interval of type time.Duration");
	assert_string_equal(check("{\"Cmd\": [\"sh\", 1]}"),
			    "json: cannot unmarshal number or object into Go struct field Config.Cmd of type string");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_fits),
		cmocka_unit_test(test_what_does_not),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
