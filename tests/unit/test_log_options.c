/* Log drivers' options with Docker's words, receivers' addresses, the tag's
 * templates, go-units' decimal sizes, and the reader of kept logs (json-file
 * lines and local entries, pieces and attributes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/units.h"
#include "engine/logging/log_address.h"
#include "engine/logging/log_config.h"
#include "engine/logging/log_read.h"
#include "engine/logging/log_tag.h"

/* Validates driver with "k=v" options; returns the error text or "ok". */
static const char *check(const char *driver, ...)
{
	static berr err;
	json_t *opts = json_object();
	va_list ap;
	const char *kv;

	va_start(ap, driver);
	while ((kv = va_arg(ap, const char *))) {
		const char *eq = strchr(kv, '=');
		char key[64];
		snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
		json_object_set_new(opts, key, json_string(eq + 1));
	}
	va_end(ap);
	memset(&err, 0, sizeof(err));
	int rc = log_config_validate(driver, opts, &err);
	json_decref(opts);
	return rc == 0 ? "ok" : err.msg;
}

static void test_options(void **state)
{
	(void)state;
	assert_string_equal(check("json-file", "max-size=10m", "max-file=3", "compress=true", NULL),
			    "ok");
	assert_string_equal(check("json-file", "max-sise=1", NULL),
			    "unknown log opt 'max-sise' for json-file log driver");
	assert_string_equal(check("local", "syslog-address=udp://x", NULL),
			    "unknown log opt 'syslog-address' for log driver local");
	assert_string_equal(check("gelf", "gelf-address=udp://h:1", "foo=1", NULL),
			    "unknown log opt \"foo\" for gelf log driver");
	assert_string_equal(check("none", "anything=1", "mode=bogus", NULL), "ok");
	assert_string_equal(check("awslogs", NULL),
			    "error looking up logging plugin awslogs: plugin \"awslogs\" not found");
	assert_string_equal(check("json-file", "compress=true", NULL),
			    "compress cannot be true when max-file is less than 2 or max-size is not set");
	assert_string_equal(check("json-file", "max-file=0", NULL), "max-file cannot be less than 1");
	assert_string_equal(check("json-file", "max-size=0", NULL), "max-size must be a positive number");
	assert_string_equal(check("local", "max-file=1", NULL),
			    "compression cannot be enabled when max file count is 1");
	assert_string_equal(check("local", "max-file=1", "compress=false", NULL), "ok");
	assert_string_equal(check("json-file", "mode=fast", NULL),
			    "logger: logging mode not supported: fast");
	assert_string_equal(check("json-file", "max-buffer-size=1m", NULL),
			    "logger: max-buffer-size option is only supported with 'mode=non-blocking'");
	assert_string_equal(check("json-file", "mode=non-blocking", "max-buffer-size=1m", NULL), "ok");
	assert_string_equal(check("syslog", "syslog-address=tcp://h", "syslog-facility=local7",
				  "syslog-format=rfc5424micro", NULL),
			    "ok");
	assert_string_equal(check("syslog", "syslog-address=ftp://h", NULL),
			    "unsupported scheme: 'ftp'");
	assert_string_equal(check("syslog", "syslog-facility=24", NULL), "invalid syslog facility");
	assert_string_equal(check("syslog", "syslog-format=rfc9999", NULL), "Invalid syslog format");
	assert_string_equal(check("gelf", NULL), "gelf-address is a required parameter");
	assert_string_equal(check("gelf", "gelf-address=http://h:1", NULL),
			    "gelf: endpoint needs to be TCP or UDP");
	assert_string_equal(check("gelf", "gelf-address=udp://h", NULL),
			    "gelf: please provide gelf-address as proto://host:port");
	assert_string_equal(check("gelf", "gelf-address=tcp://h:1", "gelf-compression-level=1", NULL),
			    "compression is only supported on UDP");
	assert_string_equal(check("gelf", "gelf-address=udp://h:1", "gelf-compression-level=10", NULL),
			    "unknown value \"10\" for log opt \"gelf-compression-level\" for gelf log driver");
	assert_string_equal(check("gelf", "gelf-address=udp://h:1", "gelf-tcp-max-reconnect=1", NULL),
			    "\"gelf-tcp-max-reconnect\" is only valid for TCP");
	assert_string_equal(check("fluentd", "fluentd-address=ftp://h", NULL),
			    "invalid fluentd-address ftp://h: unsupported scheme: 'ftp'");
	assert_string_equal(check("fluentd", "fluentd-max-retries=4294967296", NULL),
			    "invalid fluentd-max-retries: value out of range");
	assert_string_equal(check("fluentd", "fluentd-async-reconnect-interval=20s", NULL),
			    "invalid value for fluentd-async-reconnect-interval: value (\"20s\") must be between 100ms and 10s");
	assert_string_equal(check("journald", "tag={{.Name}}", "labels=a", NULL), "ok");
	assert_string_equal(check("syslog", "cache-disabled=maybe", NULL),
			    "invalid value for option cache-disabled: strconv.ParseBool: parsing \"maybe\": invalid syntax");
}

static void test_addresses(void **state)
{
	struct log_address a;
	char text[300];
	(void)state;

	assert_int_equal(log_address_parse_syslog("udp://10.0.0.1", &a, NULL), 0);
	log_address_format(&a, text, sizeof(text));
	assert_string_equal(text, "udp 10.0.0.1 514");
	assert_int_equal(log_address_parse_syslog("tcp+tls://[::1]:6514", &a, NULL), 0);
	log_address_format(&a, text, sizeof(text));
	assert_string_equal(text, "tls ::1 6514");
	assert_int_equal(log_address_parse_syslog("", &a, NULL), 0);
	assert_int_equal(a.transport, LOG_LOCAL_SYSLOG);
	assert_int_equal(log_address_parse_fluentd("", &a, NULL), 0);
	log_address_format(&a, text, sizeof(text));
	assert_string_equal(text, "tcp 127.0.0.1 24224");
	assert_int_equal(log_address_parse_fluentd("fluent.example:24225", &a, NULL), 0);
	log_address_format(&a, text, sizeof(text));
	assert_string_equal(text, "tcp fluent.example 24225");
	assert_int_equal(log_address_parse_fluentd("tcp://:9000", &a, NULL), 0);
	log_address_format(&a, text, sizeof(text));
	assert_string_equal(text, "tcp 127.0.0.1 9000");
	assert_int_equal(log_address_parse_fluentd("unix:///run/fluent.sock", &a, NULL), 0);
	log_address_format(&a, text, sizeof(text));
	assert_string_equal(text, "unix /run/fluent.sock");
	assert_int_equal(log_address_parse_gelf("tcp://graylog:12201", &a, NULL), 0);
	log_address_format(&a, text, sizeof(text));
	assert_string_equal(text, "tcp graylog 12201");
	assert_int_equal(log_syslog_facility("local0"), 16 << 3);
	assert_int_equal(log_syslog_facility("23"), 23 << 3);
	assert_int_equal(log_syslog_facility(""), 3 << 3);
	assert_int_equal(log_syslog_facility("nope"), -1);
}

static void test_tag(void **state)
{
	const struct log_context lc = {
		.id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		.name = "web",
		.image_id = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
		.image_name = "busybox:1",
		.command = "sh -c true",
	};
	struct strbuf b = {0};
	berr err = {0};
	(void)state;

	assert_int_equal(log_tag_render(NULL, &lc, &b, &err), 0);
	assert_string_equal(b.s, "0123456789ab");
	b.len = 0;
	assert_int_equal(log_tag_render("{{.Name}}/{{ .ImageName }}/{{.ImageID}}@{{.DaemonName}}",
					&lc, &b, &err),
			 0);
	b.s[b.len] = '\0';
	assert_string_equal(b.s, "web/busybox:1/fedcba987654@berth");
	b.len = 0;
	assert_int_equal(log_tag_render("x{{.Nope}}", &lc, &b, &err), -1);
	assert_non_null(strstr(err.msg, "can't evaluate"));
	assert_int_equal(log_tag_render("{{.ID", &lc, &b, &err), -1);
	assert_non_null(strstr(err.msg, "unclosed action"));
	strbuf_free(&b);
}

static void test_decimal_sizes(void **state)
{
	int64_t n;
	(void)state;
	assert_int_equal(units_from_human_size("20m", &n, NULL), 0);
	assert_int_equal(n, 20000000);
	assert_int_equal(units_from_human_size("1.5k", &n, NULL), 0);
	assert_int_equal(n, 1500);
	assert_int_equal(units_from_human_size("2KiB", &n, NULL), 0);
	assert_int_equal(n, 2000);
	assert_int_equal(units_from_human_size("7", &n, NULL), 0);
	assert_int_equal(n, 7);
	assert_int_equal(units_from_human_size("lots", &n, NULL), -1);
}

struct collected {
	char text[4][64];
	int stream[4];
	int n;
	bool attrs;
};

static int collect(void *user, const struct log_entry *e)
{
	struct collected *c = user;
	if (c->n < 4) {
		snprintf(c->text[c->n], sizeof(c->text[0]), "%.*s", (int)e->len, e->line);
		c->stream[c->n] = e->stream;
		c->attrs |= json_object_size(e->attrs) > 0;
		c->n++;
	}
	return 0;
}

static void test_decode(void **state)
{
	struct collected c = {0};
	bool stopped;
	(void)state;

	const char json[] = "{\"log\":\"one\\n\",\"stream\":\"stdout\",\"time\":\"2024-05-01T10:00:00Z\"}\n"
			    "{\"log\":\"pie\",\"stream\":\"stderr\",\"attrs\":{\"a\":\"1\"},\"time\":\"2024-05-01T10:00:00.5Z\"}\n"
			    "{\"log\":\"half";
	size_t used = log_decode(LOG_STORE_JSON, json, sizeof(json) - 1, collect, &c, &stopped);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.text[0], "one\n");
	assert_string_equal(c.text[1], "pie");
	assert_int_equal(c.stream[1], 2);
	assert_true(c.attrs);
	assert_string_equal(json + used, "{\"log\":\"half");

	/* one local entry: "stdout", 5 ns, "hi", then half of another */
	const unsigned char local[] = {0,    0,	  0,	14,   0x0a, 6,	  's',	't',  'd',
				       'o',  'u', 't',	0x10, 5,    0x1a, 2,	'h',  'i',
				       0,    0,	  0,	14,   0,    0,	  0,	50,   0x0a};
	memset(&c, 0, sizeof(c));
	used = log_decode(LOG_STORE_LOCAL, (const char *)local, sizeof(local), collect, &c, &stopped);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.text[0], "hi\n");
	assert_int_equal(used, 22);
	/* a length past the reader's limit is a torn file: skipped whole */
	const unsigned char torn[] = {0x7f, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6};
	memset(&c, 0, sizeof(c));
	used = log_decode(LOG_STORE_LOCAL, (const char *)torn, sizeof(torn), collect, &c, &stopped);
	assert_int_equal(c.n, 0);
	assert_int_equal(used, sizeof(torn));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),	     cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_tag),	     cmocka_unit_test(test_decimal_sizes),
		cmocka_unit_test(test_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
