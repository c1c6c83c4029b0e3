/* Sizes, durations and timestamps with docker/go-units and Go semantics. */
#include "engine/core/units.h"

#include <errno.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS_PER_SEC INT64_C(1000000000)

/* Numbers are read and printed in the C locale whatever the process chose:
 * "1.5g" and "4.26MB" must not turn into "1,5" in a German console. The
 * thread's own locale is switched and put back, so other threads are not
 * disturbed. */
struct c_locale {
	locale_t c, saved;
};

/* Switches this thread to the C locale. */
static void c_locale_enter(struct c_locale *l)
{
	l->c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	l->saved = l->c != (locale_t)0 ? uselocale(l->c) : (locale_t)0;
}

/* Puts back the locale c_locale_enter replaced. */
static void c_locale_leave(struct c_locale *l)
{
	if (l->c == (locale_t)0)
		return;
	uselocale(l->saved);
	freelocale(l->c);
}

/* [0-9] */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Go's decimal ParseFloat syntax: [+-] (d+[.d*] | .d+) [(e|E)[+-]d+]. */
static bool float_syntax(const char *s)
{
	bool digits = false;

	if (*s == '+' || *s == '-')
		s++;
	while (is_digit(*s)) {
		s++;
		digits = true;
	}
	if (*s == '.') {
		s++;
		while (is_digit(*s)) {
			s++;
			digits = true;
		}
	}
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!is_digit(*s))
			return false;
		while (is_digit(*s))
			s++;
	}
	return *s == '\0';
}

/* Go's strconv.ParseFloat for decimal text, with its error messages. */
static int parse_float(const char *num, double *out, berr *err)
{
	struct c_locale c;

	if (!float_syntax(num))
		return berr_set(err, BERR_INVALID,
				"strconv.ParseFloat: parsing \"%s\": invalid syntax", num);
	c_locale_enter(&c);
	*out = strtod(num, NULL);
	c_locale_leave(&c);
	if (*out > 1e308 || *out < -1e308)
		return berr_set(err, BERR_INVALID,
				"strconv.ParseFloat: parsing \"%s\": value out of range", num);
	return 0;
}

/* The power of 1024 a lowercase suffix letter stands for; 0 if none. */
static int64_t binary_multiplier(char c)
{
	switch (c) {
	case 'k':
		return INT64_C(1) << 10;
	case 'm':
		return INT64_C(1) << 20;
	case 'g':
		return INT64_C(1) << 30;
	case 't':
		return INT64_C(1) << 40;
	case 'p':
		return INT64_C(1) << 50;
	default:
		return 0;
	}
}

/* Splits "10k" / "10 k" into number and suffix as go-units does. */
static int split_size(const char *s, char *num, size_t num_size, char *sfx, size_t sfx_size)
{
	const char *space = strchr(s, ' ');
	size_t split, i;

	if (space) {
		split = (size_t)(space - s);
		snprintf(sfx, sfx_size, "%s", space + 1);
	} else {
		split = 0;
		for (i = 0; s[i]; i++)
			if (is_digit(s[i]) || s[i] == '.')
				split = i + 1;
		if (split == 0)
			return -1;
		snprintf(sfx, sfx_size, "%s", s + split);
	}
	if (split >= num_size)
		split = num_size - 1;
	memcpy(num, s, split);
	num[split] = '\0';
	return 0;
}

static int64_t decimal_multiplier(char c)
{
	int64_t m = 1;
	for (int64_t b = binary_multiplier(c); b > 1; b >>= 10)
		m *= 1000;
	return binary_multiplier(c) ? m : 0;
}

/* go-units' parseSize with its binary (RAMInBytes) or decimal
 * (FromHumanSize) multipliers. */
static int parse_size(const char *s, bool binary, int64_t *out, berr *err)
{
	char num[128], sfx[128];
	double size = 0;
	int64_t mul = 1;
	size_t len;

	if (strlen(s) >= sizeof(num) || split_size(s, num, sizeof(num), sfx, sizeof(sfx)) < 0)
		return berr_set(err, BERR_INVALID, "invalid size: '%s'", s);
	if (parse_float(num, &size, err) < 0)
		return -1;
	if (size < 0)
		return berr_set(err, BERR_INVALID, "invalid size: '%s'", s);
	len = strlen(sfx);
	if (len > 3)
		return berr_set(err, BERR_INVALID, "invalid suffix: '%s'", sfx);
	for (size_t i = 0; i < len; i++)
		if (sfx[i] >= 'A' && sfx[i] <= 'Z')
			sfx[i] = (char)(sfx[i] - 'A' + 'a');
	if (len > 0 && sfx[0] != 'b') {
		mul = binary ? binary_multiplier(sfx[0]) : decimal_multiplier(sfx[0]);
		if (mul == 0 || (len == 2 && sfx[1] != 'b') || (len == 3 && strcmp(sfx + 1, "ib")))
			return berr_set(err, BERR_INVALID, "invalid suffix: '%s'", sfx);
	} else if (len > 1) {
		return berr_set(err, BERR_INVALID, "invalid suffix: '%s'", sfx);
	}
	size *= (double)mul;
	/* 2^63 itself does not fit either. */
	if (size >= 9223372036854775808.0)
		return berr_set(err, BERR_INVALID, "invalid size: '%s'", s);
	*out = (int64_t)size;
	return 0;
}

int units_ram_in_bytes(const char *s, int64_t *out, berr *err)
{
	return parse_size(s, true, out, err);
}

int units_from_human_size(const char *s, int64_t *out, berr *err)
{
	return parse_size(s, false, out, err);
}

/* Divides by base until below it, as go-units' getSizeAndUnit. */
static void format_size(double size, double base, const char *const *units, size_t nunits,
			int precision, char *buf, size_t n)
{
	size_t i = 0;
	struct c_locale c;

	while (size >= base && i < nunits - 1) {
		size /= base;
		i++;
	}
	c_locale_enter(&c);
	snprintf(buf, n, "%.*g%s", precision, size, units[i]);
	c_locale_leave(&c);
}

/* A size in powers of 1000 with three significant digits. */
void units_human_size(double bytes, char *buf, size_t n)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};

	format_size(bytes, 1000.0, units, sizeof(units) / sizeof(units[0]), 3, buf, n);
}

void units_human_size4(double bytes, char *buf, size_t n)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};

	format_size(bytes, 1000.0, units, sizeof(units) / sizeof(units[0]), 4, buf, n);
}

/* A size in powers of 1024 with four significant digits. */
void units_bytes_size(double bytes, char *buf, size_t n)
{
	static const char *const units[] = {"B",   "KiB", "MiB", "GiB", "TiB",
					    "PiB", "EiB", "ZiB", "YiB"};

	format_size(bytes, 1024.0, units, sizeof(units) / sizeof(units[0]), 4, buf, n);
}

static const struct {
	const char *name;
	uint64_t nanos;
} duration_units[] = {
	{"ns", 1},
	{"us", 1000},
	{"\xc2\xb5s", 1000}, /* U+00B5 micro sign */
	{"\xce\xbcs", 1000}, /* U+03BC Greek small mu */
	{"ms", 1000000},
	{"s", 1000000000},
	{"m", UINT64_C(60) * 1000000000},
	{"h", UINT64_C(3600) * 1000000000},
};

#define DURATION_LIMIT (UINT64_C(1) << 63)

/* Reads [0-9]* into *x; returns -1 on overflow past 2^63. */
static int leading_int(const char **s, uint64_t *x)
{
	*x = 0;
	for (; is_digit(**s); (*s)++) {
		if (*x > DURATION_LIMIT / 10)
			return -1;
		*x = *x * 10 + (uint64_t)(**s - '0');
		if (*x > DURATION_LIMIT)
			return -1;
	}
	return 0;
}

/* Reads the digits after a '.', keeping as many as fit; scale is 10^kept. */
static void leading_fraction(const char **s, uint64_t *x, double *scale)
{
	bool overflow = false;

	*x = 0;
	*scale = 1;
	for (; is_digit(**s); (*s)++) {
		uint64_t y;

		if (overflow)
			continue;
		if (*x > (DURATION_LIMIT - 1) / 10) {
			overflow = true;
			continue;
		}
		y = *x * 10 + (uint64_t)(**s - '0');
		if (y > DURATION_LIMIT) {
			overflow = true;
			continue;
		}
		*x = y;
		*scale *= 10;
	}
}

/* Go's generic ParseDuration error. */
static int duration_invalid(const char *orig, berr *err)
{
	return berr_set(err, BERR_INVALID, "time: invalid duration \"%s\"", orig);
}

/* One "<number><unit>" element of a duration; adds its nanoseconds to *d. */
static int duration_element(const char **sp, const char *orig, uint64_t *d, berr *err)
{
	const char *s = *sp, *start, *unit;
	uint64_t v, f = 0, mul = 0;
	double scale = 1;
	bool pre, post = false;
	size_t ulen;

	if (!(*s == '.' || is_digit(*s)))
		return duration_invalid(orig, err);
	start = s;
	if (leading_int(&s, &v) < 0)
		return duration_invalid(orig, err);
	pre = s != start;
	if (*s == '.') {
		s++;
		start = s;
		leading_fraction(&s, &f, &scale);
		post = s != start;
	}
	if (!pre && !post)
		return duration_invalid(orig, err);
	unit = s;
	while (*s && *s != '.' && !is_digit(*s))
		s++;
	ulen = (size_t)(s - unit);
	if (ulen == 0)
		return berr_set(err, BERR_INVALID, "time: missing unit in duration \"%s\"", orig);
	for (size_t i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]); i++)
		if (strlen(duration_units[i].name) == ulen &&
		    memcmp(duration_units[i].name, unit, ulen) == 0)
			mul = duration_units[i].nanos;
	if (mul == 0)
		return berr_set(err, BERR_INVALID, "time: unknown unit \"%.*s\" in duration \"%s\"",
				(int)ulen, unit, orig);
	if (v > DURATION_LIMIT / mul)
		return duration_invalid(orig, err);
	v *= mul;
	if (f > 0) {
		/* float64 keeps fractions of hours accurate to the nanosecond. */
		v += (uint64_t)((double)f * ((double)mul / scale));
		if (v > DURATION_LIMIT)
			return duration_invalid(orig, err);
	}
	*d += v;
	if (*d > DURATION_LIMIT)
		return duration_invalid(orig, err);
	*sp = s;
	return 0;
}

/* Parses a Go duration into nanoseconds. */
int units_parse_duration(const char *s, int64_t *nanos, berr *err)
{
	const char *orig = s;
	uint64_t d = 0;
	bool neg = false;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (strcmp(s, "0") == 0) {
		*nanos = 0;
		return 0;
	}
	if (*s == '\0')
		return duration_invalid(orig, err);
	while (*s)
		if (duration_element(&s, orig, &d, err) < 0)
			return -1;
	if (neg) {
		*nanos = d == DURATION_LIMIT ? INT64_MIN : -(int64_t)d;
		return 0;
	}
	if (d > (uint64_t)INT64_MAX)
		return duration_invalid(orig, err);
	*nanos = (int64_t)d;
	return 0;
}

/* d expressed in the given unit as Go computes it: whole units plus the
 * remainder as a fraction, in float64. */
static double duration_in(int64_t d, int64_t unit)
{
	return (double)(d / unit) + (double)(d % unit) / (double)unit;
}

/* The "Up 5 minutes" wording of docker ps. */
void units_human_duration(int64_t d, char *buf, size_t n)
{
	int64_t seconds = (int64_t)duration_in(d, NS_PER_SEC);
	int64_t minutes, hours;

	if (seconds < 1) {
		snprintf(buf, n, "Less than a second");
		return;
	}
	if (seconds == 1) {
		snprintf(buf, n, "1 second");
		return;
	}
	if (seconds < 60) {
		snprintf(buf, n, "%lld seconds", (long long)seconds);
		return;
	}
	minutes = (int64_t)duration_in(d, 60 * NS_PER_SEC);
	if (minutes == 1) {
		snprintf(buf, n, "About a minute");
		return;
	}
	if (minutes < 60) {
		snprintf(buf, n, "%lld minutes", (long long)minutes);
		return;
	}
	hours = (int64_t)(duration_in(d, 3600 * NS_PER_SEC) + 0.5);
	if (hours == 1)
		snprintf(buf, n, "About an hour");
	else if (hours < 48)
		snprintf(buf, n, "%lld hours", (long long)hours);
	else if (hours < 24 * 7 * 2)
		snprintf(buf, n, "%lld days", (long long)(hours / 24));
	else if (hours < 24 * 30 * 2)
		snprintf(buf, n, "%lld weeks", (long long)(hours / 24 / 7));
	else if (hours < 24 * 365 * 2)
		snprintf(buf, n, "%lld months", (long long)(hours / 24 / 30));
	else
		snprintf(buf, n, "%lld years",
			 (long long)((int64_t)duration_in(d, 3600 * NS_PER_SEC) / 24 / 365));
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Days in month m (1-12) of year y. */
static int days_in_month(int64_t y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* The fields a layout fills in. */
struct time_fields {
	int year, month, day, hour, minute, second;
	int64_t nsec;
	bool has_zone;
	int zone_offset; /* seconds east of UTC */
};

/* Reads exactly n digits (or 1..n when !fixed). Returns digits read, 0 on error. */
static int get_num(const char *s, int n, bool fixed, int *out)
{
	int i;

	*out = 0;
	for (i = 0; i < n && is_digit(s[i]); i++)
		*out = *out * 10 + (s[i] - '0');
	if (i == 0 || (fixed && i < n))
		return 0;
	return i;
}

/* ".123" / ",123": Go keeps at most nine digits and ignores the rest. */
static int get_fraction(const char *s, int64_t *nsec)
{
	int i = 1, kept = 0;

	*nsec = 0;
	while (is_digit(s[i])) {
		if (kept < 9) {
			*nsec = *nsec * 10 + (s[i] - '0');
			kept++;
		}
		i++;
	}
	for (; kept < 9; kept++)
		*nsec *= 10;
	return i;
}

/* True when s starts a fraction of a second (".5" or ",5"). */
static bool fraction_ahead(const char *s)
{
	return (s[0] == '.' || s[0] == ',') && is_digit(s[1]);
}

/* "Z" or "+hh:mm" / "-hh:mm". Returns characters read, 0 on error. */
static int get_zone(const char *s, struct time_fields *t)
{
	int hh, mm;

	t->has_zone = true;
	if (s[0] == 'Z') {
		t->zone_offset = 0;
		return 1;
	}
	if ((s[0] != '+' && s[0] != '-') || strlen(s) < 6 || s[3] != ':' ||
	    !get_num(s + 1, 2, true, &hh) || !get_num(s + 4, 2, true, &mm) || hh > 24 || mm > 60)
		return 0;
	t->zone_offset = (hh * 60 + mm) * 60;
	if (s[0] == '-')
		t->zone_offset = -t->zone_offset;
	return 6;
}

/* One element of a Go layout at *lp applied to the value at *vp. Returns
 * false when the value does not fit. */
static bool layout_element(const char **lp, const char **vp, struct time_fields *t)
{
	const char *l = *lp, *v = *vp;
	int used;

	if (strncmp(l, "2006", 4) == 0) {
		used = get_num(v, 4, true, &t->year);
		l += 4;
	} else if (strncmp(l, "01", 2) == 0) {
		used = get_num(v, 2, true, &t->month);
		l += 2;
	} else if (strncmp(l, "02", 2) == 0) {
		used = get_num(v, 2, true, &t->day);
		l += 2;
	} else if (strncmp(l, "15", 2) == 0) {
		used = get_num(v, 2, false, &t->hour);
		l += 2;
	} else if (strncmp(l, "04", 2) == 0) {
		used = get_num(v, 2, true, &t->minute);
		l += 2;
	} else if (strncmp(l, "05", 2) == 0) {
		used = get_num(v, 2, true, &t->second);
		l += 2;
		/* Go takes a fraction after the seconds even when the layout has none. */
		if (used && fraction_ahead(v + used) && strncmp(l, ".999999999", 10) != 0)
			used += get_fraction(v + used, &t->nsec);
	} else if (strncmp(l, ".999999999", 10) == 0) {
		used = fraction_ahead(v) ? get_fraction(v, &t->nsec) : 0;
		l += 10;
		*lp = l;
		*vp = v + used;
		return true;
	} else if (strncmp(l, "Z07:00", 6) == 0) {
		used = get_zone(v, t);
		l += 6;
	} else {
		used = *v == *l ? 1 : 0;
		l++;
	}
	if (used == 0)
		return false;
	*lp = l;
	*vp = v + used;
	return true;
}

/* The length of the layout element at l, for error messages. */
static int layout_element_len(const char *l)
{
	static const char *const elements[] = {"2006", "01", "02", "15", "04", "05", ".999999999",
					       "Z07:00"};

	for (size_t i = 0; i < sizeof(elements) / sizeof(elements[0]); i++)
		if (strncmp(l, elements[i], strlen(elements[i])) == 0)
			return (int)strlen(elements[i]);
	return 1;
}

/* Go's time.Parse for the handful of layouts docker uses. */
static int parse_layout(const char *value, const char *layout, struct time_fields *t, berr *err)
{
	const char *l = layout, *v = value;
	const char *range = NULL;

	memset(t, 0, sizeof(*t));
	t->month = 1;
	t->day = 1;
	while (*l) {
		const char *at = l;

		if (!layout_element(&l, &v, t))
			return berr_set(err, BERR_INVALID,
					"parsing time \"%s\" as \"%s\": cannot parse \"%s\" as \"%.*s\"",
					value, layout, v, layout_element_len(at), at);
	}
	if (*v)
		return berr_set(err, BERR_INVALID, "parsing time \"%s\": extra text: \"%s\"", value,
				v);
	if (t->month < 1 || t->month > 12)
		range = "month";
	else if (t->day < 1 || t->day > days_in_month(t->year, t->month))
		range = "day";
	else if (t->hour > 23)
		range = "hour";
	else if (t->minute > 59)
		range = "minute";
	else if (t->second > 59)
		range = "second";
	if (range)
		return berr_set(err, BERR_INVALID, "parsing time \"%s\": %s out of range", value,
				range);
	return 0;
}

/* The layout docker's GetTimestamp picks for a value. */
static const char *timestamp_layout(const char *s, bool in_location)
{
	int colons = 0;

	for (const char *p = s; *p; p++)
		colons += *p == ':';
	if (strchr(s, '.'))
		return in_location ? "2006-01-02T15:04:05.999999999"
				   : "2006-01-02T15:04:05.999999999Z07:00";
	if (strchr(s, 'T')) {
		/* Without "Z", a zoned value has one more colon, in its offset. */
		if (!in_location && !strpbrk(s, "zZ") && colons > 0)
			colons--;
		if (colons == 0)
			return in_location ? "2006-01-02T15" : "2006-01-02T15Z07:00";
		if (colons == 1)
			return in_location ? "2006-01-02T15:04" : "2006-01-02T15:04Z07:00";
		return in_location ? "2006-01-02T15:04:05" : "2006-01-02T15:04:05Z07:00";
	}
	return in_location ? "2006-01-02" : "2006-01-02Z07:00";
}

/* Reads a decimal int64 as Go's strconv.ParseInt(s, 10, 64). */
static bool parse_int10(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!*s || !(is_digit(*s) || ((*s == '+' || *s == '-') && is_digit(s[1]))))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* Unix seconds with an optional fraction: "1700000000", "1700000000.5". */
static bool parse_unix_timestamp(const char *s, int64_t *out)
{
	char secs[32];
	const char *dot = strchr(s, '.');
	size_t n = dot ? (size_t)(dot - s) : strlen(s);
	int64_t sec, nsec = 0, total;

	if (n >= sizeof(secs))
		return false;
	memcpy(secs, s, n);
	secs[n] = '\0';
	if (!parse_int10(secs, &sec))
		return false;
	if (dot) {
		size_t flen = strlen(dot + 1);

		if (!parse_int10(dot + 1, &nsec))
			return false;
		for (; flen < 9; flen++)
			nsec *= 10;
		for (; flen > 9; flen--)
			nsec /= 10;
	}
	if (__builtin_mul_overflow(sec, NS_PER_SEC, &total) ||
	    __builtin_add_overflow(total, nsec, out))
		return false;
	return true;
}

/* The local zone's offset from UTC, in seconds, at the given time. */
static int local_offset_at(int64_t nanos)
{
	time_t secs = (time_t)(nanos / NS_PER_SEC);
	struct tm tm;

	if (!localtime_r(&secs, &tm))
		return 0;
	return (int)tm.tm_gmtoff;
}

/* Resolves a --since/--until value to unix nanoseconds. */
int units_parse_timestamp(const char *s, int64_t now_nanos, int64_t *out_nanos, berr *err)
{
	struct time_fields t;
	bool in_location;
	int64_t d, at, days, secs;
	int dashes = 0;
	berr perr = {0};

	if (strcmp(s, "0") != 0 && units_parse_duration(s, &d, NULL) == 0) {
		if (__builtin_sub_overflow(now_nanos, d, &at))
			return berr_set(err, BERR_INVALID, "duration out of range: \"%s\"", s);
		/* docker keeps whole seconds of now minus the duration (Go's Unix()). */
		at = at / NS_PER_SEC - (at % NS_PER_SEC < 0);
		*out_nanos = at * NS_PER_SEC;
		return 0;
	}
	for (const char *p = s; *p; p++)
		dashes += *p == '-';
	in_location = !strpbrk(s, "zZ+") && dashes != 3;
	if (parse_layout(s, timestamp_layout(s, in_location), &t, &perr) < 0) {
		/* With a '-' it was meant as a date: report why it is not one. */
		if (strchr(s, '-')) {
			if (err)
				*err = perr;
			return -1;
		}
		if (!parse_unix_timestamp(s, out_nanos))
			return berr_set(err, BERR_INVALID,
					"failed to parse value as time or duration: \"%s\"", s);
		return 0;
	}
	if (!t.has_zone)
		t.zone_offset = local_offset_at(now_nanos);
	days = days_from_civil(t.year, t.month, t.day);
	secs = days * 86400 + t.hour * 3600 + t.minute * 60 + t.second - t.zone_offset;
	/* Outside 1678..2262 nanoseconds overflow: such times compare as the ends of time. */
	if (__builtin_mul_overflow(secs, NS_PER_SEC, &at) ||
	    __builtin_add_overflow(at, t.nsec, &at))
		at = secs < 0 ? INT64_MIN : INT64_MAX;
	*out_nanos = at;
	return 0;
}

/* Splits unix nanoseconds into UTC calendar fields and the fraction. */
static void utc_fields(int64_t unix_nanos, struct tm *tm, int64_t *frac)
{
	int64_t secs = unix_nanos / NS_PER_SEC;
	time_t t;

	*frac = unix_nanos % NS_PER_SEC;
	if (*frac < 0) {
		*frac += NS_PER_SEC;
		secs--;
	}
	t = (time_t)secs;
	if (!gmtime_r(&t, tm))
		memset(tm, 0, sizeof(*tm));
}

/* Formats unix nanoseconds as RFC 3339 UTC, whole seconds. */
void units_rfc3339(int64_t unix_nanos, char *buf, size_t n)
{
	struct tm tm;
	int64_t frac;

	utc_fields(unix_nanos, &tm, &frac);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Formats unix nanoseconds as RFC 3339 UTC with a trimmed fraction. */
void units_rfc3339nano(int64_t unix_nanos, char *buf, size_t n)
{
	struct tm tm;
	int64_t frac;
	char digits[16];
	int len;

	utc_fields(unix_nanos, &tm, &frac);
	if (frac == 0) {
		units_rfc3339(unix_nanos, buf, n);
		return;
	}
	len = snprintf(digits, sizeof(digits), "%09lld", (long long)frac);
	while (len > 0 && digits[len - 1] == '0')
		digits[--len] = '\0';
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%sZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, digits);
}
