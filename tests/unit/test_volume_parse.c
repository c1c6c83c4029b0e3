/* Docker's mount syntaxes: -v, --mount, tmpfs options, --volumes-from. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/volume/parse.h"

/* Compares a JSON value with the JSON text it should equal. */
static void assert_json(json_t *v, const char *text)
{
	json_t *want = json_loads(text, 0, NULL);

	assert_non_null(want);
	if (!json_equal(v, want)) {
		char *got = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
		fail_msg("got %s, want %s", got, text);
	}
	json_decref(want);
}

static void bind_ok(const char *spec, const char *want)
{
	json_t *mp = NULL;
	berr err = {0};

	if (volume_parse_bind(spec, &mp, &err) < 0)
		fail_msg("%s: %s", spec, err.msg);
	assert_json(mp, want);
	json_decref(mp);
}

static void bind_fails(const char *spec, const char *message)
{
	json_t *mp = NULL;
	berr err = {0};

	assert_int_equal(volume_parse_bind(spec, &mp, &err), -1);
	assert_null(mp);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_string_equal(err.msg, message);
}

static void test_bind_volumes(void **state)
{
	(void)state;
	bind_ok("data:/data", "{\"Type\":\"volume\",\"Name\":\"data\",\"Destination\":\"/data\","
			      "\"Mode\":\"\",\"RW\":true,\"Propagation\":\"\",\"Anonymous\":false,"
			      "\"CopyData\":true}");
	bind_ok("data:/data/:ro", "{\"Type\":\"volume\",\"Name\":\"data\",\"Destination\":\"/data\","
				  "\"Mode\":\"ro\",\"RW\":false,\"Propagation\":\"\",\"Anonymous\":false,"
				  "\"CopyData\":true}");
	bind_ok("/scratch", "{\"Type\":\"volume\",\"Name\":\"\",\"Destination\":\"/scratch\","
			    "\"Mode\":\"\",\"RW\":true,\"Propagation\":\"\",\"Anonymous\":true,"
			    "\"CopyData\":true}");
	bind_ok("v:/d:nocopy,rw", "{\"Type\":\"volume\",\"Name\":\"v\",\"Destination\":\"/d\","
				  "\"Mode\":\"nocopy,rw\",\"RW\":true,\"Propagation\":\"\","
				  "\"Anonymous\":false,\"CopyData\":false}");
}

static void test_bind_host_paths(void **state)
{
	(void)state;
	bind_ok("/host//dir/../x:/in/./c", "{\"Type\":\"bind\",\"Source\":\"/host/x\","
					   "\"Destination\":\"/in/c\",\"Mode\":\"\",\"RW\":true,"
					   "\"Propagation\":\"rprivate\",\"CreateSource\":true}");
	bind_ok("/h:/c:ro,rshared", "{\"Type\":\"bind\",\"Source\":\"/h\",\"Destination\":\"/c\","
				    "\"Mode\":\"ro,rshared\",\"RW\":false,\"Propagation\":\"rshared\","
				    "\"CreateSource\":true}");
	bind_ok("/h:/c:z", "{\"Type\":\"bind\",\"Source\":\"/h\",\"Destination\":\"/c\","
			   "\"Mode\":\"z\",\"RW\":true,\"Propagation\":\"rprivate\",\"CreateSource\":true}");
}

static void test_bind_errors(void **state)
{
	(void)state;
	bind_fails("x", "invalid volume specification: 'x': invalid mount config for type "
			"\"volume\": invalid mount path: 'x' mount path must be absolute");
	bind_fails("", "invalid volume specification: ''");
	bind_fails(":/x", "invalid volume specification: ':/x'");
	bind_fails("/foo:rw", "invalid volume specification: '/foo:rw'");
	bind_fails("a:b:c:d", "invalid volume specification: 'a:b:c:d'");
	bind_fails("/h:/c:zz", "invalid mode: zz");
	bind_fails("/h:/c:ro,rw", "invalid mode: ro,rw");
	bind_fails("/h:/c:ro,", "invalid mode: ro,");
	bind_fails("/h:/", "invalid volume specification: '/h:/': invalid mount config for type "
			   "\"bind\": invalid specification: destination can't be '/'");
	bind_fails("v:/d:rshared", "invalid volume specification: 'v:/d:rshared': invalid mount "
				   "config for type \"volume\": field BindOptions must not be specified");
}

static void mount_flag_ok(const char *value, const char *want)
{
	json_t *m = NULL;
	berr err = {0};

	if (volume_parse_mount_flag(value, &m, &err) < 0)
		fail_msg("%s: %s", value, err.msg);
	assert_json(m, want);
	json_decref(m);
}

static void mount_flag_fails(const char *value, const char *message)
{
	json_t *m = NULL;
	berr err = {0};

	assert_int_equal(volume_parse_mount_flag(value, &m, &err), -1);
	assert_null(m);
	assert_string_equal(err.msg, message);
}

static void test_mount_flag(void **state)
{
	(void)state;
	mount_flag_ok("type=volume,source=v,destination=/d,readonly",
		      "{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"/d\",\"ReadOnly\":true}");
	mount_flag_ok("src=v,target=/d,ro=false,volume-nocopy,volume-label=a=b,volume-opt=type=tmpfs",
		      "{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"/d\",\"ReadOnly\":false,"
		      "\"VolumeOptions\":{\"NoCopy\":true,\"Labels\":{\"a\":\"b\"},"
		      "\"DriverConfig\":{\"Options\":{\"type\":\"tmpfs\"}}}}");
	mount_flag_ok("Type=BIND,src=/h,dst=/c,bind-propagation=rslave",
		      "{\"Type\":\"bind\",\"Source\":\"/h\",\"Target\":\"/c\","
		      "\"BindOptions\":{\"Propagation\":\"rslave\"}}");
	mount_flag_ok("type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=1770",
		      "{\"Type\":\"tmpfs\",\"Target\":\"/t\","
		      "\"TmpfsOptions\":{\"SizeBytes\":67108864,\"Mode\":1016}}");
	mount_flag_ok("\"type=bind\",\"src=/a,b\",dst=/c",
		      "{\"Type\":\"bind\",\"Source\":\"/a,b\",\"Target\":\"/c\"}");
}

static void test_mount_flag_relative_source(void **state)
{
	char cwd[4096], want[8192];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(want, sizeof(want), "{\"Type\":\"bind\",\"Source\":\"%s/sub\",\"Target\":\"/c\"}",
		 strcmp(cwd, "/") == 0 ? "" : cwd);
	mount_flag_ok("type=bind,src=./sub,dst=/c", want);
}

static void test_mount_flag_errors(void **state)
{
	(void)state;
	mount_flag_fails("src=a", "target is required");
	mount_flag_fails("type=,dst=/d", "type is required");
	mount_flag_fails("dst=/d,bogus", "invalid field 'bogus' must be a key=value pair");
	mount_flag_fails("dst=/d,color=red", "unexpected key 'color' in 'color=red'");
	mount_flag_fails("dst=/d,readonly=maybe", "invalid value for readonly: maybe");
	mount_flag_fails("type=tmpfs,dst=/d,tmpfs-size=lots", "invalid value for tmpfs-size: lots");
	mount_flag_fails("type=tmpfs,dst=/d,tmpfs-mode=999", "invalid value for tmpfs-mode: 999");
	mount_flag_fails("type=bind,dst=/d,volume-nocopy",
			 "cannot mix 'volume-*' options with mount type 'bind'");
	mount_flag_fails("type=volume,dst=/d,tmpfs-size=1m",
			 "cannot mix 'tmpfs-*' options with mount type 'volume'");
	mount_flag_fails("type=tmpfs,dst=/d,bind-propagation=shared",
			 "cannot mix 'bind-*' options with mount type 'tmpfs'");
}

static void api_ok(const char *mount, const char *want)
{
	json_t *m = json_loads(mount, 0, NULL), *mp = NULL;
	berr err = {0};

	assert_non_null(m);
	if (volume_mount_from_api(m, &mp, &err) < 0)
		fail_msg("%s: %s", mount, err.msg);
	assert_json(mp, want);
	json_decref(mp);
	json_decref(m);
}

static void api_fails(const char *mount, const char *message)
{
	json_t *m = json_loads(mount, 0, NULL), *mp = NULL;
	berr err = {0};

	assert_non_null(m);
	assert_int_equal(volume_mount_from_api(m, &mp, &err), -1);
	assert_null(mp);
	assert_string_equal(err.msg, message);
	json_decref(m);
}

static void test_mount_from_api(void **state)
{
	(void)state;
	api_ok("{\"Type\":\"bind\",\"Source\":\"/\",\"Target\":\"/host/\",\"ReadOnly\":true}",
	       "{\"Type\":\"bind\",\"Destination\":\"/host\",\"Mode\":\"\",\"Source\":\"/\","
	       "\"Propagation\":\"rprivate\",\"RW\":false}");
	api_ok("{\"Type\":\"volume\",\"Target\":\"/d\",\"VolumeOptions\":{\"NoCopy\":true}}",
	       "{\"Type\":\"volume\",\"Destination\":\"/d\",\"Mode\":\"\",\"Name\":\"\","
	       "\"Anonymous\":true,\"Driver\":\"local\",\"RW\":true,\"Propagation\":\"\","
	       "\"CopyData\":false}");
	api_ok("{\"Type\":\"tmpfs\",\"Target\":\"/t\",\"ReadOnly\":true,"
	       "\"TmpfsOptions\":{\"SizeBytes\":1048576,\"Mode\":448}}",
	       "{\"Type\":\"tmpfs\",\"Destination\":\"/t\",\"Mode\":\"\",\"Source\":\"\","
	       "\"Data\":\"ro,mode=700,size=1m\",\"RW\":false,\"Propagation\":\"\"}");
}

static void test_mount_from_api_errors(void **state)
{
	(void)state;
	api_fails("{\"Type\":\"bind\",\"Source\":\"/nope/nothing\",\"Target\":\"/x\"}",
		  "invalid mount config for type \"bind\": bind source path does not exist: /nope/nothing");
	api_fails("{\"Type\":\"bind\",\"Target\":\"/x\"}",
		  "invalid mount config for type \"bind\": field Source must not be empty");
	api_fails("{\"Type\":\"bind\",\"Source\":\"rel\",\"Target\":\"/x\"}",
		  "invalid mount config for type \"bind\": invalid mount path: 'rel' mount path must be absolute");
	api_fails("{\"Type\":\"bind\",\"Source\":\"/\",\"Target\":\"/x\",\"BindOptions\":{\"Propagation\":\"odd\"}}",
		  "invalid mount config for type \"bind\": invalid propagation mode: odd");
	api_fails("{\"Type\":\"volume\",\"Target\":\"x\"}",
		  "invalid mount config for type \"volume\": invalid mount path: 'x' mount path must be absolute");
	api_fails("{\"Type\":\"volume\",\"Target\":\"/\"}",
		  "invalid mount config for type \"volume\": invalid specification: destination can't be '/'");
	api_fails("{\"Type\":\"volume\",\"Target\":\"/x\",\"ReadOnly\":true}",
		  "invalid mount config for type \"volume\": must not set ReadOnly mode when using anonymous volumes");
	api_fails("{\"Type\":\"volume\",\"Target\":\"/x\",\"TmpfsOptions\":{}}",
		  "invalid mount config for type \"volume\": field TmpfsOptions must not be specified");
	api_fails("{\"Type\":\"tmpfs\",\"Source\":\"s\",\"Target\":\"/x\"}",
		  "invalid mount config for type \"tmpfs\": field Source must not be specified");
	api_fails("{\"Type\":\"npipe\",\"Target\":\"/x\"}",
		  "invalid mount config for type \"npipe\": mount type unknown");
	api_fails("{\"Type\":\"volume\"}",
		  "invalid mount config for type \"volume\": field Target must not be empty");
}

static void tmpfs_is(const char *user, const char *want)
{
	char out[512];
	berr err = {0};

	if (volume_tmpfs_options(user, out, sizeof(out), &err) < 0)
		fail_msg("%s: %s", user, err.msg);
	assert_string_equal(out, want);
}

static void test_tmpfs_options(void **state)
{
	char out[512];
	berr err = {0};

	(void)state;
	tmpfs_is("", "noexec,nosuid,nodev");
	tmpfs_is("size=64m", "noexec,nosuid,nodev,size=64m");
	tmpfs_is("exec,size=1m,size=2m", "nosuid,nodev,exec,size=2m");
	tmpfs_is("rw,mode=1777,defaults,dev", "noexec,nosuid,rw,mode=1777,dev");
	tmpfs_is("ro,atime", "noexec,nosuid,nodev,ro");
	assert_int_equal(volume_tmpfs_options("bogus", out, sizeof(out), &err), -1);
	assert_string_equal(err.msg, "invalid tmpfs option [\"bogus\"]");
	assert_int_equal(volume_tmpfs_options("color=red", out, sizeof(out), &err), -1);
	assert_string_equal(err.msg, "invalid tmpfs option [\"color\" \"red\"]");
}

static void test_volumes_from(void **state)
{
	char name[64];
	bool ro = true;
	berr err = {0};

	(void)state;
	assert_int_equal(volume_parse_volumes_from("db", name, sizeof(name), &ro, &err), 0);
	assert_string_equal(name, "db");
	assert_false(ro);
	assert_int_equal(volume_parse_volumes_from("db:ro", name, sizeof(name), &ro, &err), 0);
	assert_true(ro);
	assert_int_equal(volume_parse_volumes_from("db:rw", name, sizeof(name), &ro, &err), 0);
	assert_false(ro);
	assert_int_equal(volume_parse_volumes_from("db:rshared", name, sizeof(name), &ro, &err), -1);
	assert_string_equal(err.msg, "invalid mode: rshared");
	assert_int_equal(volume_parse_volumes_from("db:nocopy", name, sizeof(name), &ro, &err), -1);
	assert_int_equal(volume_parse_volumes_from("", name, sizeof(name), &ro, &err), -1);
	assert_string_equal(err.msg, "volumes-from specification cannot be an empty string");
}

static void test_names(void **state)
{
	(void)state;
	assert_true(volume_name_valid("data"));
	assert_true(volume_name_valid("a1_b.c-d"));
	assert_false(volume_name_valid("a"));
	assert_false(volume_name_valid("_data"));
	assert_false(volume_name_valid("a/b"));
	assert_false(volume_name_valid(".."));
	assert_false(volume_name_valid(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_volumes),
		cmocka_unit_test(test_bind_host_paths),
		cmocka_unit_test(test_bind_errors),
		cmocka_unit_test(test_mount_flag),
		cmocka_unit_test(test_mount_flag_relative_source),
		cmocka_unit_test(test_mount_flag_errors),
		cmocka_unit_test(test_mount_from_api),
		cmocka_unit_test(test_mount_from_api_errors),
		cmocka_unit_test(test_tmpfs_options),
		cmocka_unit_test(test_volumes_from),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
