/* Text helpers of the console: sizes, ages, states, log times, base64, words. */
#include "tui/format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/core/units.h"
#include "widgets/theme.h"

/* Bytes with binary units, as docker stats shows memory. */
void fmt_bytes(double bytes, char *buf, size_t n)
{
	if (bytes < 0) {
		snprintf(buf, n, "-");
		return;
	}
	units_bytes_size(bytes, buf, n);
}

/* Bytes with decimal units, as docker stats shows network and block I/O. */
void fmt_size(double bytes, char *buf, size_t n)
{
	if (bytes < 0) {
		snprintf(buf, n, "-");
		return;
	}
	units_human_size(bytes, buf, n);
}

/* A percentage with two decimals. */
void fmt_percent(double pct, char *buf, size_t n)
{
	if (pct < 0)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.2f%%", pct);
}

/* "5 minutes ago", go-units style. */
void fmt_ago(int64_t then_s, int64_t now_s, char *buf, size_t n)
{
	char d[64];

	if (then_s <= 0) {
		snprintf(buf, n, "-");
		return;
	}
	units_human_duration((now_s > then_s ? now_s - then_s : 0) * 1000000000LL, d, sizeof(d));
	snprintf(buf, n, "%s ago", d);
}

/* An integer with thousands separators. */
void fmt_count(uint64_t v, char *buf, size_t n)
{
	char digits[32], out[48];
	size_t len, i, o = 0;

	snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
	len = strlen(digits);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	snprintf(buf, n, "%s", out);
}

/* The 12-digit short ID. */
void fmt_short_id(const char *id, char out[13])
{
	if (!id)
		id = "";
	if (strncmp(id, "sha256:", 7) == 0)
		id += 7;
	snprintf(out, 13, "%s", id);
}

/* The colour role of a container state. */
int fmt_state_role(const char *state)
{
	static const struct {
		const char *state;
		int role;
	} roles[] = {
		{"running", THEME_STATE_RUNNING},	{"paused", THEME_STATE_PAUSED},
		{"restarting", THEME_STATE_RESTARTING}, {"exited", THEME_STATE_EXITED},
		{"created", THEME_STATE_CREATED},	{"dead", THEME_STATE_DEAD},
		{"removing", THEME_STATE_DEAD},
	};

	for (size_t i = 0; state && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(roles[i].state, state) == 0)
			return roles[i].role;
	return THEME_DEFAULT;
}

/* Reads n digits at s into *out; false when one is not a digit. */
static bool digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* RFC 3339 in UTC with an optional fraction, as the json-file log writes
 * it: read by hand, since tens of thousands arrive a second. */
int64_t fmt_parse_log_time(const char *s, size_t len)
{
	int year, mon, day, hour, min, sec;
	int64_t frac = 0, scale = 100000000;
	struct tm tm = {0};
	size_t i = 19;
	time_t t;

	if (len < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || !digits(s, 4, &year) || !digits(s + 5, 2, &mon) ||
	    !digits(s + 8, 2, &day) || !digits(s + 11, 2, &hour) || !digits(s + 14, 2, &min) ||
	    !digits(s + 17, 2, &sec))
		return 0;
	if (s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			frac += (s[i] - '0') * scale;
			scale /= 10;
		}
	}
	if (i >= len || s[i] != 'Z')
		return 0;
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	t = timegm(&tm);
	return (int64_t)t * 1000000000LL + frac;
}

/* Standard base64 with padding. */
size_t fmt_base64(const void *data, size_t len, char *out, size_t size)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	size_t need = (len + 2) / 3 * 4, o = 0, i;
	unsigned v;

	if (size < need + 1)
		return 0;
	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = alphabet[v & 63];
	}
	if (i < len) {
		v = (unsigned)p[i] << 16 | (i + 1 < len ? (unsigned)p[i + 1] << 8 : 0);
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}
