/* Sizes, durations and timestamps against go-units, Go's time package and
 * docker's --since/--until rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/core/units.h"

#define SEC INT64_C(1000000000)
#define MINUTE (60 * SEC)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)
#define KIB 1024.0
#define MIB (1024.0 * KIB)
#define GIB (1024.0 * MIB)
#define TIB (1024.0 * GIB)
#define PIB (1024.0 * TIB)

/* 2024-05-01T10:00:00Z */
#define NOW_SECS INT64_C(1714557600)
#define NOW (NOW_SECS * SEC)

static void expect_ram(const char *text, int64_t want)
{
	int64_t got = -7;
	berr err = {0};

	if (units_ram_in_bytes(text, &got, &err) != 0)
		fail_msg("'%s': %s", text, err.msg);
	if (got != want)
		fail_msg("'%s': got %lld, want %lld", text, (long long)got, (long long)want);
}

static void expect_ram_error(const char *text, const char *msg)
{
	int64_t got = -7;
	berr err = {0};

	if (units_ram_in_bytes(text, &got, &err) != -1)
		fail_msg("'%s' accepted as %lld", text, (long long)got);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_string_equal(err.msg, msg);
	assert_int_equal(got, -7);
}

static void test_ram_in_bytes(void **state)
{
	(void)state;
	expect_ram("512", 512);
	expect_ram("0", 0);
	expect_ram("-0", 0);
	expect_ram("32b", 32);
	expect_ram("32B", 32);
	expect_ram("10k", 10240);
	expect_ram("32K", 32768);
	expect_ram("32kb", 32768);
	expect_ram("32Kb", 32768);
	expect_ram("32Kib", 32768);
	expect_ram("32KIB", 32768);
	expect_ram("2kb", 2048);
	expect_ram("10m", 10485760);
	expect_ram("32Mb", 33554432);
	expect_ram("1.5g", 1610612736);
	expect_ram("1GB", 1073741824);
	expect_ram("32Gb", INT64_C(34359738368));
	expect_ram("32Tb", INT64_C(35184372088832));
	expect_ram("32Pb", INT64_C(36028797018963968));
	expect_ram("32PB", INT64_C(36028797018963968));
	expect_ram("32P", INT64_C(36028797018963968));
	expect_ram("8191p", INT64_C(9222246136947933184));
	/* Fractions are truncated after scaling. */
	expect_ram("32.3", 32);
	expect_ram("32.3 mb", 33869004);
	expect_ram("0.3MB", 314572);
	expect_ram(".5k", 512);
	expect_ram("32.", 32);
	expect_ram("32. b", 32);
	expect_ram("0 ", 0);
	expect_ram("1e3k", 1024000);
	expect_ram("+4k", 4096);
}

static void test_ram_in_bytes_errors(void **state)
{
	(void)state;
	expect_ram_error("", "invalid size: ''");
	expect_ram_error("hello", "invalid size: 'hello'");
	expect_ram_error("k", "invalid size: 'k'");
	expect_ram_error("-32", "invalid size: '-32'");
	expect_ram_error("-1k", "invalid size: '-1k'");
	expect_ram_error("32x", "invalid suffix: 'x'");
	expect_ram_error("32bm", "invalid suffix: 'bm'");
	expect_ram_error("32 bb", "invalid suffix: 'bb'");
	expect_ram_error("32  b", "invalid suffix: ' b'");
	expect_ram_error("32kob", "invalid suffix: 'kob'");
	expect_ram_error("32kx", "invalid suffix: 'kx'");
	expect_ram_error("32KIBB", "invalid suffix: 'KIBB'");
	/* Up to three characters the suffix is reported lowercased. */
	expect_ram_error("32 B B", "invalid suffix: 'b b'");
	expect_ram_error(" 32 ", "strconv.ParseFloat: parsing \"\": invalid syntax");
	expect_ram_error("32m b", "strconv.ParseFloat: parsing \"32m\": invalid syntax");
	expect_ram_error("1.2.3", "strconv.ParseFloat: parsing \"1.2.3\": invalid syntax");
	expect_ram_error(".", "strconv.ParseFloat: parsing \".\": invalid syntax");
	expect_ram_error("0x10", "strconv.ParseFloat: parsing \"0x10\": invalid syntax");
	expect_ram_error("1e999", "strconv.ParseFloat: parsing \"1e999\": value out of range");
	/* 2^63 bytes and more do not fit. */
	expect_ram_error("8192p", "invalid size: '8192p'");
	expect_ram_error("99999999999999999999", "invalid size: '99999999999999999999'");
}

static void expect_human(double bytes, const char *want)
{
	char buf[64];

	units_human_size(bytes, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void expect_binary(double bytes, const char *want)
{
	char buf[64];

	units_bytes_size(bytes, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_human_size(void **state)
{
	(void)state;
	expect_human(0, "0B");
	expect_human(1.5, "1.5B");
	expect_human(999, "999B");
	expect_human(1000, "1kB");
	expect_human(1024, "1.02kB");
	expect_human(12345, "12.3kB");
	expect_human(999000, "999kB");
	expect_human(1000000, "1MB");
	expect_human(1048576, "1.05MB");
	expect_human(4260000, "4.26MB");
	expect_human(1234567890, "1.23GB");
	expect_human(3.42e9, "3.42GB");
	expect_human(5.372e12, "5.37TB");
	expect_human(2.22e15, "2.22PB");
	expect_human(1e24, "1YB");
	/* Go's %g switches to an exponent as well. */
	expect_human(999999, "1e+03kB");
	expect_human(1e28, "1e+04YB");
}

static void test_bytes_size(void **state)
{
	(void)state;
	expect_binary(0, "0B");
	expect_binary(1023, "1023B");
	expect_binary(1024, "1KiB");
	expect_binary(1536, "1.5KiB");
	expect_binary(1048576, "1MiB");
	expect_binary(1.5 * MIB, "1.5MiB");
	expect_binary(2 * MIB, "2MiB");
	expect_binary(3.42 * GIB, "3.42GiB");
	expect_binary(5.372 * TIB, "5.372TiB");
	expect_binary(2.22 * PIB, "2.22PiB");
	expect_binary(KIB * KIB * KIB * KIB * KIB * PIB, "1.049e+06YiB");
}

/* Switches to a German locale (decimal comma), compiling it into a private
 * directory with localedef when the system has none installed. */
static bool decimal_comma_locale(void)
{
	char dir[] = "/tmp/berth-locale-XXXXXX";
	char cmd[256];

	if (setlocale(LC_ALL, "de_DE.UTF-8"))
		return true;
	if (!mkdtemp(dir))
		return false;
	snprintf(cmd, sizeof(cmd),
		 "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1", dir);
	if (system(cmd) == 0) {
		setenv("LOCPATH", dir, 1);
		if (setlocale(LC_ALL, "de_DE.UTF-8")) {
			snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
			/* The loaded locale stays mapped; the files can go. */
			return system(cmd) == 0;
		}
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)!system(cmd);
	return false;
}

static void test_sizes_ignore_locale(void **state)
{
	char buf[64];
	int64_t got;
	berr err = {0};

	(void)state;
	if (!decimal_comma_locale())
		skip();
	/* The locale is really in effect for printf... */
	snprintf(buf, sizeof(buf), "%.1f", 1.5);
	assert_string_equal(buf, "1,5");
	/* ...and not for sizes. */
	units_human_size(4260000, buf, sizeof(buf));
	assert_string_equal(buf, "4.26MB");
	units_bytes_size(1.5 * MIB, buf, sizeof(buf));
	assert_string_equal(buf, "1.5MiB");
	assert_int_equal(units_ram_in_bytes("1.5k", &got, &err), 0);
	assert_int_equal(got, 1536);
	/* The caller's locale is still there afterwards. */
	snprintf(buf, sizeof(buf), "%.1f", 1.5);
	assert_string_equal(buf, "1,5");
	setlocale(LC_ALL, "C");
}

static void expect_duration(const char *text, int64_t want)
{
	int64_t got = -7;
	berr err = {0};

	if (units_parse_duration(text, &got, &err) != 0)
		fail_msg("'%s': %s", text, err.msg);
	if (got != want)
		fail_msg("'%s': got %lld, want %lld", text, (long long)got, (long long)want);
}

static void expect_duration_error(const char *text, const char *msg)
{
	int64_t got = -7;
	berr err = {0};

	if (units_parse_duration(text, &got, &err) != -1)
		fail_msg("'%s' accepted as %lld", text, (long long)got);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_string_equal(err.msg, msg);
	assert_int_equal(got, -7);
}

static void test_parse_duration(void **state)
{
	(void)state;
	expect_duration("0", 0);
	expect_duration("-0", 0);
	expect_duration("+0", 0);
	expect_duration("0s", 0);
	expect_duration("10s", 10 * SEC);
	expect_duration("1m30s", 90 * SEC);
	expect_duration("1.5h", 90 * MINUTE);
	expect_duration("300ms", 300000000);
	expect_duration("-1s", -SEC);
	expect_duration("+5s", 5 * SEC);
	expect_duration("1h2m3s4ms5us6ns", HOUR + 2 * MINUTE + 3 * SEC + 4000000 + 5000 + 6);
	expect_duration("1\xc2\xb5s", 1000);
	expect_duration("1\xce\xbcs", 1000);
	expect_duration("7us", 7000);
	expect_duration(".5s", 500000000);
	expect_duration("5.s", 5 * SEC);
	expect_duration("1.000000001s", 1000000001);
	expect_duration("1.0000000001s", SEC);
	expect_duration("0.3333333333333333333h", 20 * MINUTE);
	expect_duration("0.100000000000000000000h", 6 * MINUTE);
	expect_duration("1s1s", 2 * SEC);
	expect_duration("9223372036854775807ns", INT64_MAX);
	expect_duration("-9223372036854775808ns", INT64_MIN);
	expect_duration("2562047h", 2562047 * HOUR);
	expect_duration("9223372036s854775807ns", INT64_MAX);
}

static void test_parse_duration_errors(void **state)
{
	(void)state;
	expect_duration_error("", "time: invalid duration \"\"");
	expect_duration_error("-", "time: invalid duration \"-\"");
	expect_duration_error("s", "time: invalid duration \"s\"");
	expect_duration_error(".", "time: invalid duration \".\"");
	expect_duration_error("-.s", "time: invalid duration \"-.s\"");
	expect_duration_error(" 1s", "time: invalid duration \" 1s\"");
	/* A unit runs up to the next digit or '.', so the space belongs to it. */
	expect_duration_error("1s ", "time: unknown unit \"s \" in duration \"1s \"");
	expect_duration_error("3", "time: missing unit in duration \"3\"");
	expect_duration_error("1.5.5s", "time: missing unit in duration \"1.5.5s\"");
	expect_duration_error("1d", "time: unknown unit \"d\" in duration \"1d\"");
	expect_duration_error("10 s", "time: unknown unit \" s\" in duration \"10 s\"");
	expect_duration_error("1S", "time: unknown unit \"S\" in duration \"1S\"");
	expect_duration_error("9223372036854775808ns", "time: invalid duration "
						       "\"9223372036854775808ns\"");
	expect_duration_error("2562048h", "time: invalid duration \"2562048h\"");
	expect_duration_error("100000000000000000000s",
			      "time: invalid duration \"100000000000000000000s\"");
	expect_duration_error("9223372036s854775808ns",
			      "time: invalid duration \"9223372036s854775808ns\"");
}

static void expect_human_duration(int64_t nanos, const char *want)
{
	char buf[64];

	units_human_duration(nanos, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_human_duration(void **state)
{
	int64_t week = 7 * DAY, month = 30 * DAY, year = 365 * DAY;

	(void)state;
	expect_human_duration(-5 * SEC, "Less than a second");
	expect_human_duration(0, "Less than a second");
	expect_human_duration(450000000, "Less than a second");
	expect_human_duration(SEC - 1, "Less than a second");
	expect_human_duration(SEC, "1 second");
	expect_human_duration(2 * SEC - 1, "1 second");
	expect_human_duration(2 * SEC, "2 seconds");
	expect_human_duration(47 * SEC, "47 seconds");
	expect_human_duration(59 * SEC, "59 seconds");
	expect_human_duration(60 * SEC, "About a minute");
	expect_human_duration(119 * SEC, "About a minute");
	expect_human_duration(2 * MINUTE, "2 minutes");
	expect_human_duration(35 * MINUTE + 40 * SEC, "35 minutes");
	expect_human_duration(59 * MINUTE + 59 * SEC, "59 minutes");
	expect_human_duration(HOUR, "About an hour");
	expect_human_duration(HOUR + 29 * MINUTE, "About an hour");
	expect_human_duration(HOUR + 30 * MINUTE, "2 hours");
	expect_human_duration(HOUR + 31 * MINUTE, "2 hours");
	expect_human_duration(3 * HOUR + 29 * MINUTE, "3 hours");
	expect_human_duration(3 * HOUR + 31 * MINUTE, "4 hours");
	expect_human_duration(24 * HOUR, "24 hours");
	expect_human_duration(DAY + 12 * HOUR, "36 hours");
	expect_human_duration(47 * HOUR + 29 * MINUTE, "47 hours");
	expect_human_duration(47 * HOUR + 30 * MINUTE, "2 days");
	expect_human_duration(2 * DAY, "2 days");
	expect_human_duration(7 * DAY, "7 days");
	expect_human_duration(13 * DAY + 5 * HOUR, "13 days");
	expect_human_duration(2 * week, "2 weeks");
	expect_human_duration(2 * week + 4 * DAY, "2 weeks");
	expect_human_duration(3 * week, "3 weeks");
	expect_human_duration(month, "4 weeks");
	expect_human_duration(month + 2 * week, "6 weeks");
	expect_human_duration(2 * month, "2 months");
	expect_human_duration(3 * month + week, "3 months");
	expect_human_duration(13 * month, "13 months");
	expect_human_duration(24 * month, "24 months");
	expect_human_duration(24 * month + 2 * week, "2 years");
	expect_human_duration(3 * year + 2 * month, "3 years");
	expect_human_duration(INT64_MAX, "292 years");
}

static void expect_ts(const char *text, int64_t want)
{
	int64_t got = -7;
	berr err = {0};

	if (units_parse_timestamp(text, NOW, &got, &err) != 0)
		fail_msg("'%s': %s", text, err.msg);
	if (got != want)
		fail_msg("'%s': got %lld, want %lld", text, (long long)got, (long long)want);
}

static void expect_ts_error(const char *text, const char *msg)
{
	int64_t got = -7;
	berr err = {0};

	if (units_parse_timestamp(text, NOW, &got, &err) != -1)
		fail_msg("'%s' accepted as %lld", text, (long long)got);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_string_equal(err.msg, msg);
}

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static void test_timestamp_durations(void **state)
{
	(void)state;
	set_tz("UTC");
	expect_ts("10m", NOW - 10 * MINUTE);
	expect_ts("1h30m", NOW - 90 * MINUTE);
	expect_ts("-10m", NOW + 10 * MINUTE);
	/* Whole seconds, rounded down, as Go's Unix() gives them. */
	expect_ts("1.5s", NOW - 2 * SEC);
	expect_ts("300ms", NOW - SEC);
	expect_ts("0s", NOW);
	/* "0" is a unix time, not a duration. */
	expect_ts("0", 0);
}

static void test_timestamp_rfc3339(void **state)
{
	(void)state;
	set_tz("UTC");
	expect_ts("2024-05-01T10:00:00Z", NOW);
	expect_ts("2024-05-01T10:00:00.5Z", NOW + 500000000);
	expect_ts("2024-05-01T10:00:00.123456789Z", NOW + 123456789);
	expect_ts("2024-05-01T10:00:00.1234567891Z", NOW + 123456789);
	expect_ts("2024-05-01T10:00:00,25Z", NOW + 250000000);
	expect_ts("2024-05-01T12:00:00+02:00", NOW);
	expect_ts("2024-05-01T05:30:00-04:30", NOW);
	expect_ts("2024-05-01T11:00:00.75+01:00", NOW + 750000000);
	expect_ts("2024-05-01T10Z", NOW);
	expect_ts("2024-05-01T10:30Z", NOW + 30 * MINUTE);
	expect_ts("2024-05-01T12:30+02:00", NOW + 30 * MINUTE);
	expect_ts("2024-05-01Z", NOW - 10 * HOUR);
	expect_ts("2024-05-01+02:00", NOW - 12 * HOUR);
	expect_ts("1970-01-01T00:00:00Z", 0);
	expect_ts("1969-12-31T23:59:59Z", -SEC);
	expect_ts("2024-02-29T00:00:00Z", INT64_C(1709164800) * SEC);
	expect_ts("2000-02-29T00:00:00Z", INT64_C(951782400) * SEC);
}

static void test_timestamp_local(void **state)
{
	(void)state;
	set_tz("UTC");
	expect_ts("2024-05-01T10:00:00", NOW);
	expect_ts("2024-05-01T10:00:00.5", NOW + 500000000);
	expect_ts("2024-05-01T10", NOW);
	expect_ts("2024-05-01T9", NOW - HOUR);
	expect_ts("2024-05-01T10:30", NOW + 30 * MINUTE);
	expect_ts("2024-05-01", NOW - 10 * HOUR);
	/* Central European time, summer time in force at NOW (UTC+2). */
	set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
	expect_ts("2024-05-01T12:00:00", NOW);
	/* docker applies the offset in force now, even to a winter date. */
	expect_ts("2024-01-15T12:00:00", INT64_C(1705312800) * SEC);
	expect_ts("2024-05-01T12:00:00Z", NOW + 2 * HOUR);
	set_tz("UTC");
}

static void test_timestamp_unix(void **state)
{
	(void)state;
	set_tz("UTC");
	expect_ts("1700000000", INT64_C(1700000000) * SEC);
	expect_ts("1700000000.123456789", INT64_C(1700000000) * SEC + 123456789);
	expect_ts("1700000000.5", INT64_C(1700000000) * SEC + 500000000);
	expect_ts("1700000000.000000001", INT64_C(1700000000) * SEC + 1);
	expect_ts("1700000000.1234567891", INT64_C(1700000000) * SEC + 123456789);
	expect_ts("10", 10 * SEC);
	expect_ts("+10", 10 * SEC);
}

/* Dates past 2262 or before 1678 do not fit in nanoseconds: they stand for
 * the ends of time ("--until 9999-12-31" means no end). */
static void test_timestamp_far(void **state)
{
	(void)state;
	set_tz("UTC");
	expect_ts("9999-12-31", INT64_MAX);
	expect_ts("2262-04-12T00:00:00Z", INT64_MAX);
	expect_ts("2262-04-11T23:47:16Z", INT64_C(9223372036) * SEC);
	expect_ts("0001-01-01T00:00:00Z", INT64_MIN);
}

static void test_timestamp_errors(void **state)
{
	(void)state;
	set_tz("UTC");
	expect_ts_error("abc", "failed to parse value as time or duration: \"abc\"");
	expect_ts_error("", "failed to parse value as time or duration: \"\"");
	expect_ts_error("1700000000.", "failed to parse value as time or duration: \"1700000000.\"");
	expect_ts_error("17000x", "failed to parse value as time or duration: \"17000x\"");
	expect_ts_error("1d", "failed to parse value as time or duration: \"1d\"");
	expect_ts_error("2024-13-01", "parsing time \"2024-13-01\": month out of range");
	expect_ts_error("2024-00-01", "parsing time \"2024-00-01\": month out of range");
	expect_ts_error("2024-02-30", "parsing time \"2024-02-30\": day out of range");
	expect_ts_error("2023-02-29", "parsing time \"2023-02-29\": day out of range");
	expect_ts_error("2024-05-00", "parsing time \"2024-05-00\": day out of range");
	expect_ts_error("2024-05-01T24:00:00",
			"parsing time \"2024-05-01T24:00:00\": hour out of range");
	expect_ts_error("2024-05-01T10:60:00",
			"parsing time \"2024-05-01T10:60:00\": minute out of range");
	expect_ts_error("2024-05-01T10:00:60Z",
			"parsing time \"2024-05-01T10:00:60Z\": second out of range");
	expect_ts_error("2024-5-01",
			"parsing time \"2024-5-01\" as \"2006-01-02\": cannot parse \"5-01\" as \"01\"");
	expect_ts_error("2024-05-01x", "parsing time \"2024-05-01x\": extra text: \"x\"");
	expect_ts_error("2024-05-01T10:00:00z",
			"parsing time \"2024-05-01T10:00:00z\" as \"2006-01-02T15:04:05Z07:00\": "
			"cannot parse \"z\" as \"Z07:00\"");
	expect_ts_error("2024-05-01 10:00:00",
			"parsing time \"2024-05-01 10:00:00\": extra text: \" 10:00:00\"");
	expect_ts_error("-1", "parsing time \"-1\" as \"2006-01-02\": cannot parse \"-1\" as "
			      "\"2006\"");
	expect_ts_error("24-05-01", "parsing time \"24-05-01\" as \"2006-01-02\": cannot parse "
				    "\"24-05-01\" as \"2006\"");
	expect_ts_error("2024-05-01T10:00:00+0200",
			"parsing time \"2024-05-01T10:00:00+0200\" as \"2006-01-02T15:04Z07:00\": "
			"cannot parse \":00+0200\" as \"Z07:00\"");
}

static void expect_rfc(int64_t nanos, const char *nano_form, const char *sec_form)
{
	char buf[64];

	units_rfc3339nano(nanos, buf, sizeof(buf));
	assert_string_equal(buf, nano_form);
	units_rfc3339(nanos, buf, sizeof(buf));
	assert_string_equal(buf, sec_form);
}

static void test_rfc3339_output(void **state)
{
	(void)state;
	expect_rfc(0, "1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z");
	expect_rfc(NOW, "2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z");
	expect_rfc(NOW + 123456789, "2024-05-01T10:00:00.123456789Z", "2024-05-01T10:00:00Z");
	expect_rfc(NOW + 500000000, "2024-05-01T10:00:00.5Z", "2024-05-01T10:00:00Z");
	expect_rfc(NOW + 120000000, "2024-05-01T10:00:00.12Z", "2024-05-01T10:00:00Z");
	expect_rfc(NOW + 100, "2024-05-01T10:00:00.0000001Z", "2024-05-01T10:00:00Z");
	expect_rfc(NOW + 1, "2024-05-01T10:00:00.000000001Z", "2024-05-01T10:00:00Z");
	expect_rfc(-1, "1969-12-31T23:59:59.999999999Z", "1969-12-31T23:59:59Z");
	expect_rfc(-SEC, "1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z");
	expect_rfc(INT64_C(951782400) * SEC, "2000-02-29T00:00:00Z", "2000-02-29T00:00:00Z");
}

static void test_rfc3339_round_trip(void **state)
{
	static const int64_t samples[] = {0, NOW, NOW + 1, NOW + 999999999, INT64_C(4102444800) * SEC};
	char buf[64];

	(void)state;
	set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		int64_t back = -7;
		berr err = {0};

		/* Output is UTC whatever the local zone is, and parses back exactly. */
		units_rfc3339nano(samples[i], buf, sizeof(buf));
		assert_non_null(strchr(buf, 'Z'));
		assert_int_equal(units_parse_timestamp(buf, NOW, &back, &err), 0);
		assert_int_equal(back, samples[i]);
	}
	set_tz("UTC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ram_in_bytes),
		cmocka_unit_test(test_ram_in_bytes_errors),
		cmocka_unit_test(test_human_size),
		cmocka_unit_test(test_bytes_size),
		cmocka_unit_test(test_sizes_ignore_locale),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_parse_duration_errors),
		cmocka_unit_test(test_human_duration),
		cmocka_unit_test(test_timestamp_durations),
		cmocka_unit_test(test_timestamp_rfc3339),
		cmocka_unit_test(test_timestamp_local),
		cmocka_unit_test(test_timestamp_unix),
		cmocka_unit_test(test_timestamp_far),
		cmocka_unit_test(test_timestamp_errors),
		cmocka_unit_test(test_rfc3339_output),
		cmocka_unit_test(test_rfc3339_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
