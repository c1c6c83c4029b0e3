/* JSON text as Go writes it: string bodies escaped by encoding/json's
 * rules and times in RFC3339Nano (the json-file log, the health record, berth-logger's gelf). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine/core/utf8.h"
#include "json_text.h"

/* Escapes bytes as a JSON string body the way Go's encoding/json does. */
static size_t json_escape(char *out, const unsigned char *in, size_t n, bool short_tab)
{
	static const char hex[] = "0123456789abcdef";
	char *o = out;
	for (size_t i = 0; i < n;) {
		/* a run of bytes that need nothing, copied at once */
		size_t run = i;
		while (run < n && in[run] >= 0x20 && in[run] < 0x80 && in[run] != '"' &&
		       in[run] != '\\' && in[run] != '<' && in[run] != '>' && in[run] != '&')
			run++;
		if (run > i) {
			memcpy(o, in + i, run - i);
			o += run - i;
			i = run;
			continue;
		}
		unsigned char c = in[i];
		if (c >= 0x80) {
			uint32_t cp;
			size_t l = utf8_decode(in + i, n - i, &cp);
			if (!l) {
				memcpy(o, "\\ufffd", 6);
				o += 6;
				i++;
			} else if (cp == 0x2028 || cp == 0x2029) {
				/* U+2028 and U+2029 break JavaScript: escaped like Go does */
				memcpy(o, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
				o += 6;
				i += 3;
			} else {
				memcpy(o, in + i, l);
				o += l;
				i += l;
			}
			continue;
		}
		i++;
		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n' || c == '\r' || (c == '\t' && short_tab)) {
			*o++ = '\\';
			*o++ = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			memcpy(o, "\\u00", 4);
			o[4] = hex[c >> 4];
			o[5] = hex[c & 15];
			o += 6;
		} else {
			*o++ = (char)c;
		}
	}
	return (size_t)(o - out);
}

/* The civil date of a day count since 1970-01-01 (proleptic Gregorian). */
static void civil_from_days(long long z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* RFC3339Nano in UTC with the trailing zeros of the fraction trimmed
 * (computed here: gmtime would read the host's zone files for nothing). */
static size_t format_time(char *out, const struct timespec *ts)
{
	long long days = ts->tv_sec / 86400, secs = ts->tv_sec % 86400;
	int y;
	unsigned mo, d;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &mo, &d);
	int n = snprintf(out, 40, "%04d-%02u-%02uT%02d:%02d:%02d", y, mo, d, (int)(secs / 3600),
			 (int)(secs / 60 % 60), (int)(secs % 60));
	if (ts->tv_nsec) {
		n += snprintf(out + n, 12, ".%09ld", ts->tv_nsec);
		while (out[n - 1] == '0')
			n--;
	}
	out[n++] = 'Z';
	return (size_t)n;
}

size_t shim_json_escape(char *out, const void *in, size_t n)
{
	return json_escape(out, in, n, true);
}

size_t shim_json_escape_log(char *out, const void *in, size_t n)
{
	return json_escape(out, in, n, false);
}

size_t shim_format_time(char *out, const struct timespec *ts)
{
	return format_time(out, ts);
}

