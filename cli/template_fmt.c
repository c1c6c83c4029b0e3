/* Go's fmt (Sprint, Sprintln, Sprintf and the %v form of values) and Go's
 * encoding/json output, over jansson values, for the template functions. */
#include "cli/template_impl.h"
#include "engine/core/utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Go's fmt refuses widths and precisions beyond this ("tooLarge"). */
#define FMT_MAX_NUM 1000000

static const char ldigits[] = "0123456789abcdefx";
static const char udigits[] = "0123456789ABCDEFX";

/* The flags, width and precision of one % directive. */
struct fspec {
	bool minus, plus, sharp, space, zero;
	bool plus_v, sharp_v;
	bool wid_present, prec_present;
	int wid, prec;
};

/* Decodes one UTF-8 character as Go does (invalid bytes are U+FFFD, width 1). */
int tutf8_decode(const char *str, size_t n, int *width)
{
	uint32_t cp;
	size_t len;

	if (n == 0) {
		*width = 0;
		return -1;
	}
	len = utf8_decode((const unsigned char *)str, n, &cp);
	*width = len ? (int)len : 1;
	return len ? (int)cp : 0xfffd;
}

/* Appends a code point as UTF-8. */
void tutf8_put(struct strbuf *b, long r)
{
	unsigned u;

	if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r < 0xe000))
		r = 0xfffd;
	u = (unsigned)r;
	if (u < 0x80) {
		strbuf_addc(b, (char)u);
	} else if (u < 0x800) {
		strbuf_addc(b, (char)(0xc0 | (u >> 6)));
		strbuf_addc(b, (char)(0x80 | (u & 0x3f)));
	} else if (u < 0x10000) {
		strbuf_addc(b, (char)(0xe0 | (u >> 12)));
		strbuf_addc(b, (char)(0x80 | ((u >> 6) & 0x3f)));
		strbuf_addc(b, (char)(0x80 | (u & 0x3f)));
	} else {
		strbuf_addc(b, (char)(0xf0 | (u >> 18)));
		strbuf_addc(b, (char)(0x80 | ((u >> 12) & 0x3f)));
		strbuf_addc(b, (char)(0x80 | ((u >> 6) & 0x3f)));
		strbuf_addc(b, (char)(0x80 | (u & 0x3f)));
	}
}

/* How many characters (runes) n bytes of UTF-8 hold. */
size_t tfmt_utf8_len(const char *s, size_t len)
{
	size_t n = 0;
	int w;

	for (size_t i = 0; i < len; i += (size_t)w, n++)
		tutf8_decode(s + i, len - i, &w);
	return n;
}

/* Bytes taken by the first max runes of s. */
static size_t utf8_prefix(const char *s, size_t len, size_t max)
{
	size_t i = 0;
	int w;

	for (size_t n = 0; n < max && i < len; n++, i += (size_t)w)
		tutf8_decode(s + i, len - i, &w);
	return i;
}

/* The Go type a JSON value stands for, as Go names it in messages. */
const char *tfmt_type_name(json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "int";
	case JSON_REAL:
		return "float64";
	case JSON_TRUE:
	case JSON_FALSE:
		return "bool";
	case JSON_ARRAY:
		return "[]interface {}";
	case JSON_OBJECT:
		return "map[string]interface {}";
	default:
		return "interface {}";
	}
}

/* qsort comparison of object keys. */
static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* An object's keys sorted bytewise, as Go prints and ranges over maps. */
const char **tfmt_sorted_keys(json_t *obj, size_t *n)
{
	const char **keys = xmalloc((json_object_size(obj) + 1) * sizeof(*keys));
	const char *key;
	json_t *val;
	size_t i = 0;

	json_object_foreach(obj, key, val)
		keys[i++] = key;
	qsort(keys, i, sizeof(*keys), key_cmp);
	*n = i;
	return keys;
}

/* Go's unicode.IsPrint, approximated outside ASCII by excluding the
 * controls, spaces and invisible format characters Go escapes. */
bool tfmt_printable(int r)
{
	if (r < 0x80)
		return r >= 0x20 && r < 0x7f;
	if (r < 0xa1 || r == 0xad || r == 0x1680 || (r >= 0x2000 && r <= 0x200f) ||
	    (r >= 0x2028 && r <= 0x202f) || (r >= 0x205f && r <= 0x2064) || r == 0x3000 ||
	    r == 0xfeff || (r >= 0xfff9 && r <= 0xfffb) || (r >= 0xd800 && r < 0xe000))
		return false;
	return r <= 0x10ffff;
}

/* One character of a Go-quoted string or rune. */
static void escape_rune(struct strbuf *b, int r, char quote, bool ascii_only)
{
	if (r == quote || r == '\\') {
		strbuf_addc(b, '\\');
		strbuf_addc(b, (char)r);
		return;
	}
	if (ascii_only ? (r < 0x80 && tfmt_printable(r)) : tfmt_printable(r)) {
		tutf8_put(b, r);
		return;
	}
	switch (r) {
	case '\a': strbuf_adds(b, "\\a"); return;
	case '\b': strbuf_adds(b, "\\b"); return;
	case '\f': strbuf_adds(b, "\\f"); return;
	case '\n': strbuf_adds(b, "\\n"); return;
	case '\r': strbuf_adds(b, "\\r"); return;
	case '\t': strbuf_adds(b, "\\t"); return;
	case '\v': strbuf_adds(b, "\\v"); return;
	}
	if (r < ' ' || r == 0x7f)
		strbuf_addf(b, "\\x%02x", r);
	else if (r < 0x10000)
		strbuf_addf(b, "\\u%04x", r);
	else
		strbuf_addf(b, "\\U%08x", r);
}

/* Go's strconv.Quote (or QuoteToASCII) of the first max_runes runes (0: all). */
static void quote_ex(struct strbuf *b, const char *s, size_t len, size_t max_runes, bool ascii)
{
	size_t n = 0;
	int w;

	strbuf_addc(b, '"');
	for (size_t i = 0; i < len && (max_runes == 0 || n < max_runes); i += (size_t)w, n++) {
		int r = tutf8_decode(s + i, len - i, &w);

		if (r == 0xfffd && w == 1)
			strbuf_addf(b, "\\x%02x", (unsigned char)s[i]);
		else
			escape_rune(b, r, '"', ascii);
	}
	strbuf_addc(b, '"');
}

/* Go's strconv.Quote of at most max_runes characters (0: all). */
void tfmt_quote(struct strbuf *b, const char *s, size_t len, size_t max_runes)
{
	quote_ex(b, s, len, max_runes, false);
}

/* Shortest decimal digits that read back as the same double:
 * value = 0.d1d2...dn x 10^dp. */
struct fdigits {
	char d[32];
	int nd;
	int dp;
};

/* The decimal digits of |v|: shortest round-trip, or prec significant ones. */
static void float_digits(double v, int prec, struct fdigits *fd)
{
	char buf[64], *e;
	int p, n = 0;

	v = fabs(v);
	if (v == 0) {
		fd->nd = 0;
		fd->dp = 0;
		fd->d[0] = '\0';
		return;
	}
	if (prec > 0) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, v);
	} else {
		for (p = 1; p <= 17; p++) {
			snprintf(buf, sizeof(buf), "%.*e", p - 1, v);
			if (strtod(buf, NULL) == v)
				break;
		}
	}
	e = strchr(buf, 'e');
	for (char *c = buf; c < e; c++) {
		if (*c >= '0' && *c <= '9')
			fd->d[n++] = *c;
	}
	while (n > 1 && fd->d[n - 1] == '0')
		n--;
	fd->d[n] = '\0';
	fd->nd = n;
	fd->dp = atoi(e + 1) + 1;
}

/* Digit i of the digits, zero beyond them. */
static char digit_at(const struct fdigits *fd, int i)
{
	return i >= 0 && i < fd->nd ? fd->d[i] : '0';
}

/* %e from digits: d.ddde+XX with prec digits after the point. */
static void put_e(struct strbuf *b, const struct fdigits *fd, int prec, char e)
{
	int exp = fd->nd == 0 ? 0 : fd->dp - 1;

	strbuf_addc(b, digit_at(fd, 0));
	if (prec > 0) {
		strbuf_addc(b, '.');
		for (int i = 1; i <= prec; i++)
			strbuf_addc(b, digit_at(fd, i));
	}
	strbuf_addf(b, "%c%c%02d", e, exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
}

/* %f from digits with prec digits after the point. */
static void put_f(struct strbuf *b, const struct fdigits *fd, int prec)
{
	if (fd->dp > 0) {
		for (int i = 0; i < fd->dp; i++)
			strbuf_addc(b, digit_at(fd, i));
	} else {
		strbuf_addc(b, '0');
	}
	if (prec > 0) {
		strbuf_addc(b, '.');
		for (int i = 0; i < prec; i++)
			strbuf_addc(b, digit_at(fd, fd->dp + i));
	}
}

/* Go's shortest %g: exponent form below 1e-4 and from 1e+06 (precision 6 rule). */
static void put_g_shortest(struct strbuf *b, const struct fdigits *fd, char e)
{
	int exp = fd->dp - 1;

	if (fd->nd == 0) {
		strbuf_addc(b, '0');
		return;
	}
	if (exp < -4 || exp >= 6) {
		put_e(b, fd, fd->nd - 1, e);
		return;
	}
	put_f(b, fd, fd->nd > fd->dp ? fd->nd - fd->dp : 0);
}

/* A float64 as Go's %v prints it. */
void tfmt_float(struct strbuf *b, double d)
{
	struct fdigits fd;

	if (signbit(d))
		strbuf_addc(b, '-');
	float_digits(d, 0, &fd);
	put_g_shortest(b, &fd, 'e');
}

/* Go's strconv.FormatFloat(v, 'b', -1, 64): mantissa "p" binary exponent. */
static void put_float_b(struct strbuf *b, double v)
{
	uint64_t bits;
	uint64_t mant;
	int exp;

	memcpy(&bits, &v, sizeof(bits));
	mant = bits & ((1ULL << 52) - 1);
	exp = (int)((bits >> 52) & 0x7ff);
	if (exp == 0)
		exp++;
	else
		mant |= 1ULL << 52;
	exp += -1023 - 52;
	if (bits >> 63)
		strbuf_addc(b, '-');
	strbuf_addf(b, "%llup%c%d", (unsigned long long)mant, exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
}

/* n bytes of padding: zeros when asked for on the left, else spaces. */
static void fpadding(struct strbuf *b, const struct fspec *f, long n)
{
	if (n > 0)
		strbuf_pad(b, f->zero && !f->minus ? '0' : ' ', (size_t)n);
}

/* Writes s padded to the width, counted in runes, like Go's fmt.pad. */
static void fpad(struct strbuf *b, const struct fspec *f, const char *s, size_t n)
{
	long width;

	if (!f->wid_present || f->wid == 0) {
		strbuf_addn(b, s, n);
		return;
	}
	width = f->wid - (long)tfmt_utf8_len(s, n);
	if (!f->minus) {
		fpadding(b, f, width);
		strbuf_addn(b, s, n);
	} else {
		strbuf_addn(b, s, n);
		fpadding(b, f, width);
	}
}

/* fpad with the zero flag ignored. */
static void fpad_nozero(struct strbuf *b, struct fspec *f, const char *s, size_t n)
{
	bool zero = f->zero;

	f->zero = false;
	fpad(b, f, s, n);
	f->zero = zero;
}

static void print_arg(struct strbuf *b, struct fspec *f, json_t *v, int verb, int depth);

/* "%!d(string=abc)": a verb that does not suit the value. */
static void bad_verb(struct strbuf *b, struct fspec *f, int verb, json_t *v)
{
	strbuf_adds(b, "%!");
	tutf8_put(b, verb);
	strbuf_addc(b, '(');
	if (v && !json_is_null(v)) {
		strbuf_adds(b, tfmt_type_name(v));
		strbuf_addc(b, '=');
		print_arg(b, f, v, 'v', 0);
	} else {
		strbuf_adds(b, "<nil>");
	}
	strbuf_addc(b, ')');
}

/* Go's fmt.fmtInteger: sign, base prefix, precision or zero padding, width. */
static void put_integer(struct strbuf *b, struct fspec *f, long long sv, int base, int verb,
			const char *digits)
{
	bool negative = sv < 0;
	unsigned long long u = negative ? 0ULL - (unsigned long long)sv : (unsigned long long)sv;
	size_t size = 80 + (size_t)f->wid + (size_t)f->prec;
	char *buf = xmalloc(size);
	size_t i = size;
	long prec = 0;

	if (f->prec_present) {
		prec = f->prec;
		if (prec == 0 && u == 0) {
			bool zero = f->zero;

			f->zero = false;
			fpadding(b, f, f->wid);
			f->zero = zero;
			free(buf);
			return;
		}
	} else if (f->zero && !f->minus && f->wid_present) {
		prec = f->wid;
		if (negative || f->plus || f->space)
			prec--;
	}
	do {
		buf[--i] = digits[u % (unsigned)base];
		u /= (unsigned)base;
	} while (u > 0);
	while (i > 0 && prec > (long)(size - i))
		buf[--i] = '0';
	if (f->sharp) {
		if (base == 2) {
			buf[--i] = 'b';
			buf[--i] = '0';
		} else if (base == 8 && buf[i] != '0') {
			buf[--i] = '0';
		} else if (base == 16) {
			buf[--i] = digits[16];
			buf[--i] = '0';
		}
	}
	if (verb == 'O') {
		buf[--i] = 'o';
		buf[--i] = '0';
	}
	if (negative)
		buf[--i] = '-';
	else if (f->plus)
		buf[--i] = '+';
	else if (f->space)
		buf[--i] = ' ';
	fpad_nozero(b, f, buf + i, size - i);
	free(buf);
}

/* Whether an integer is a Unicode scalar value. */
static bool rune_valid(long long r)
{
	return r >= 0 && r <= 0x10ffff && !(r >= 0xd800 && r < 0xe000);
}

/* An integer under one verb. */
static void put_int_verb(struct strbuf *b, struct fspec *f, json_t *v, int verb)
{
	long long n = json_integer_value(v);
	struct strbuf t = {0};

	switch (verb) {
	case 'v':
	case 'd':
		put_integer(b, f, n, 10, verb, ldigits);
		return;
	case 'b':
		put_integer(b, f, n, 2, verb, ldigits);
		return;
	case 'o':
	case 'O':
		put_integer(b, f, n, 8, verb, ldigits);
		return;
	case 'x':
		put_integer(b, f, n, 16, verb, ldigits);
		return;
	case 'X':
		put_integer(b, f, n, 16, verb, udigits);
		return;
	case 'c':
		tutf8_put(&t, rune_valid(n) ? (long)n : 0xfffd);
		fpad(b, f, t.s, t.len);
		break;
	case 'q':
		strbuf_addc(&t, '\'');
		escape_rune(&t, rune_valid(n) ? (int)n : 0xfffd, '\'', f->plus);
		strbuf_addc(&t, '\'');
		fpad(b, f, t.s, t.len);
		break;
	case 'U': {
		unsigned long long u = (unsigned long long)n;
		int prec = f->prec_present && f->prec > 4 ? f->prec : 4;

		strbuf_addf(&t, "U+%0*llX", prec, u);
		if (f->sharp && rune_valid(n) && tfmt_printable((int)n)) {
			strbuf_adds(&t, " '");
			tutf8_put(&t, (long)n);
			strbuf_addc(&t, '\'');
		}
		fpad_nozero(b, f, t.s, t.len);
		break;
	}
	default:
		bad_verb(b, f, verb, v);
		return;
	}
	strbuf_free(&t);
}

/* strconv.AppendFloat for the verbs fmt passes it, with sign always present. */
static void format_float(struct strbuf *t, double v, int verb, int prec)
{
	struct fdigits fd;
	char cfmt[16];

	strbuf_addc(t, signbit(v) ? '-' : '+');
	v = fabs(v);
	if (verb == 'b') {
		put_float_b(t, v);
		return;
	}
	if (verb == 'x' || verb == 'X') {
		struct strbuf h = {0};
		size_t e;

		if (prec < 0)
			snprintf(cfmt, sizeof(cfmt), "%%%c", verb == 'x' ? 'a' : 'A');
		else
			snprintf(cfmt, sizeof(cfmt), "%%.%d%c", prec, verb == 'x' ? 'a' : 'A');
		strbuf_addf(&h, cfmt, v);
		/* Go writes at least two exponent digits: 0x1p+00. */
		e = strcspn(h.s, "pP") + 2;
		if (e < h.len && e + 1 == h.len) {
			strbuf_addn(t, h.s, e);
			strbuf_addc(t, '0');
			strbuf_addn(t, h.s + e, 1);
		} else {
			strbuf_addn(t, h.s, h.len);
		}
		strbuf_free(&h);
		return;
	}
	if (prec < 0) {
		float_digits(v, 0, &fd);
		if (verb == 'e' || verb == 'E')
			put_e(t, &fd, fd.nd > 0 ? fd.nd - 1 : 0, (char)verb);
		else if (verb == 'f' || verb == 'F')
			put_f(t, &fd, fd.nd > fd.dp ? fd.nd - fd.dp : 0);
		else
			put_g_shortest(t, &fd, verb == 'G' ? 'E' : 'e');
		return;
	}
	snprintf(cfmt, sizeof(cfmt), "%%.%d%c", prec, verb);
	strbuf_addf(t, cfmt, v);
}

/* Go's fmt.fmtFloat: sign handling and zero padding around the number. */
static void put_float(struct strbuf *b, struct fspec *f, double v, int verb, int prec)
{
	struct strbuf t = {0};

	if (f->prec_present)
		prec = f->prec;
	format_float(&t, v, verb, prec);
	if (f->space && t.s[0] == '+' && !f->plus)
		t.s[0] = ' ';
	if (f->plus || t.s[0] != '+') {
		if (f->zero && !f->minus && f->wid_present && f->wid > (int)t.len) {
			strbuf_addc(b, t.s[0]);
			fpadding(b, f, f->wid - (long)t.len);
			strbuf_addn(b, t.s + 1, t.len - 1);
		} else {
			fpad(b, f, t.s, t.len);
		}
	} else {
		fpad(b, f, t.s + 1, t.len - 1);
	}
	strbuf_free(&t);
}

/* A float64 under one verb. */
static void put_real_verb(struct strbuf *b, struct fspec *f, json_t *v, int verb)
{
	double d = json_real_value(v);

	switch (verb) {
	case 'v':
		put_float(b, f, d, 'g', -1);
		break;
	case 'b':
	case 'g':
	case 'G':
	case 'x':
	case 'X':
		put_float(b, f, d, verb, -1);
		break;
	case 'f':
	case 'e':
	case 'E':
	case 'F':
		put_float(b, f, d, verb == 'F' ? 'f' : verb, 6);
		break;
	default:
		bad_verb(b, f, verb, v);
	}
}

/* Go's fmt.fmtSbx: hexadecimal bytes, optionally spaced and prefixed. */
static void put_string_hex(struct strbuf *b, struct fspec *f, const char *s, size_t n,
			   const char *digits)
{
	size_t length = n, width;

	if (f->prec_present && (size_t)f->prec < length)
		length = (size_t)f->prec;
	width = 2 * length;
	if (width == 0) {
		if (f->wid_present)
			fpadding(b, f, f->wid);
		return;
	}
	if (f->space) {
		if (f->sharp)
			width *= 2;
		width += length - 1;
	} else if (f->sharp) {
		width += 2;
	}
	if (f->wid_present && (size_t)f->wid > width && !f->minus)
		fpadding(b, f, (long)((size_t)f->wid - width));
	if (f->sharp) {
		strbuf_addc(b, '0');
		strbuf_addc(b, digits[16]);
	}
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)s[i];

		if (f->space && i > 0) {
			strbuf_addc(b, ' ');
			if (f->sharp) {
				strbuf_addc(b, '0');
				strbuf_addc(b, digits[16]);
			}
		}
		strbuf_addc(b, digits[c >> 4]);
		strbuf_addc(b, digits[c & 0xf]);
	}
	if (f->wid_present && (size_t)f->wid > width && f->minus)
		fpadding(b, f, (long)((size_t)f->wid - width));
}

/* Whether %#q may print the string in back quotes. */
static bool can_backquote(const char *s, size_t n)
{
	int w;

	for (size_t i = 0; i < n; i += (size_t)w) {
		int r = tutf8_decode(s + i, n - i, &w);

		if ((r == 0xfffd && w == 1) || r == '`' || r == 0xfeff)
			return false;
		if ((r < ' ' && r != '\t') || r == 0x7f)
			return false;
	}
	return true;
}

/* A string under one verb. */
static void put_string_verb(struct strbuf *b, struct fspec *f, json_t *v, int verb)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	struct strbuf t = {0};

	if (f->prec_present && (verb == 'v' || verb == 's' || verb == 'q'))
		n = utf8_prefix(s, n, (size_t)f->prec);
	switch (verb) {
	case 'v':
		if (!f->sharp_v) {
			fpad(b, f, s, n);
			return;
		}
		/* fall through */
	case 'q':
		if (f->sharp && can_backquote(s, n)) {
			strbuf_addc(&t, '`');
			strbuf_addn(&t, s, n);
			strbuf_addc(&t, '`');
		} else {
			quote_ex(&t, s, n, 0, f->plus);
		}
		fpad(b, f, t.s, t.len);
		strbuf_free(&t);
		return;
	case 's':
		fpad(b, f, s, n);
		return;
	case 'x':
		put_string_hex(b, f, s, json_string_length(v), ldigits);
		return;
	case 'X':
		put_string_hex(b, f, s, json_string_length(v), udigits);
		return;
	default:
		bad_verb(b, f, verb, v);
	}
}

/* An array or object, each element printed with the same verb. */
static void print_container(struct strbuf *b, struct fspec *f, json_t *v, int verb, int depth)
{
	const char **keys;
	size_t n;

	if (json_is_array(v)) {
		strbuf_adds(b, f->sharp_v ? "[]interface {}{" : "[");
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i > 0)
				strbuf_adds(b, f->sharp_v ? ", " : " ");
			print_arg(b, f, json_array_get(v, i), verb, depth + 1);
		}
		strbuf_addc(b, f->sharp_v ? '}' : ']');
		return;
	}
	strbuf_adds(b, f->sharp_v ? "map[string]interface {}{" : "map[");
	keys = tfmt_sorted_keys(v, &n);
	for (size_t i = 0; i < n; i++) {
		json_t *key = json_string_nocheck(keys[i]);

		if (i > 0)
			strbuf_adds(b, f->sharp_v ? ", " : " ");
		print_arg(b, f, key, verb, depth + 1);
		strbuf_addc(b, ':');
		print_arg(b, f, json_object_get(v, keys[i]), verb, depth + 1);
		json_decref(key);
	}
	free(keys);
	strbuf_addc(b, f->sharp_v ? '}' : ']');
}

/* Go's printArg/printValue: one operand under one verb. */
static void print_arg(struct strbuf *b, struct fspec *f, json_t *v, int verb, int depth)
{
	if (!v || json_is_null(v)) {
		if (depth > 0)
			strbuf_adds(b, f->sharp_v ? "interface {}(nil)" : "<nil>");
		else if (verb == 'T' || verb == 'v')
			fpad(b, f, "<nil>", 5);
		else
			bad_verb(b, f, verb, v);
		return;
	}
	if (verb == 'T' && depth == 0) {
		const char *name = tfmt_type_name(v);

		fpad(b, f, name, strlen(name));
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		put_string_verb(b, f, v, verb);
		break;
	case JSON_INTEGER:
		put_int_verb(b, f, v, verb);
		break;
	case JSON_REAL:
		put_real_verb(b, f, v, verb);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		if (verb == 't' || verb == 'v') {
			const char *s = json_is_true(v) ? "true" : "false";

			fpad(b, f, s, strlen(s));
		} else {
			bad_verb(b, f, verb, v);
		}
		break;
	default:
		print_container(b, f, v, verb, depth);
	}
}

/* A value as Go's fmt %v prints it. */
void tfmt_value(struct strbuf *b, json_t *v)
{
	struct fspec f = {0};

	print_arg(b, &f, v, 'v', 0);
}

/* Go's fmt.Sprint: spaces between operands when neither is a string. */
void tfmt_sprint(struct strbuf *b, json_t **args, size_t n)
{
	bool prev_string = false;

	for (size_t i = 0; i < n; i++) {
		bool is_string = args[i] && json_is_string(args[i]);

		if (i > 0 && !is_string && !prev_string)
			strbuf_addc(b, ' ');
		tfmt_value(b, args[i]);
		prev_string = is_string;
	}
	strbuf_addn(b, "", 0);
}

/* Go's fmt.Sprintln: spaces between operands and a final newline. */
void tfmt_sprintln(struct strbuf *b, json_t **args, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strbuf_addc(b, ' ');
		tfmt_value(b, args[i]);
	}
	strbuf_addc(b, '\n');
}

/* Go's parsenum: a decimal number at fmt[*i], stopping at end. */
static bool parse_num(const char *fmt, size_t *i, size_t end, int *num)
{
	bool isnum = false;

	*num = 0;
	if (*i >= end)
		return false;
	for (; *i < end && fmt[*i] >= '0' && fmt[*i] <= '9'; (*i)++) {
		if (*num > FMT_MAX_NUM) {
			*i = end;
			*num = 0;
			return false;
		}
		*num = *num * 10 + (fmt[*i] - '0');
		isnum = true;
	}
	return isnum;
}

struct printf_state {
	const char *fmt;
	size_t end;
	json_t **args;
	size_t nargs;
	size_t argnum;
	bool reordered;
	bool good_argnum;
};

/* An explicit argument index "[n]" at fmt[*i]; true if one was used. */
static bool arg_number(struct printf_state *ps, size_t *i)
{
	size_t j;

	if (*i >= ps->end || ps->fmt[*i] != '[')
		return false;
	ps->reordered = true;
	for (j = *i + 1; j < ps->end; j++) {
		if (ps->fmt[j] == ']') {
			size_t k = *i + 1;
			int n;
			bool ok = parse_num(ps->fmt, &k, j, &n) && k == j;

			*i = j + 1;
			if (ok && n >= 1 && (size_t)n <= ps->nargs) {
				ps->argnum = (size_t)n - 1;
				return true;
			}
			ps->good_argnum = false;
			return ok;
		}
	}
	*i += 1;
	ps->good_argnum = false;
	return false;
}

/* A '*' width or precision taken from the next argument. */
static bool int_from_arg(struct printf_state *ps, int *num)
{
	bool ok = false;

	*num = 0;
	if (ps->argnum < ps->nargs) {
		json_t *a = ps->args[ps->argnum];

		if (a && json_is_integer(a) && json_integer_value(a) >= -FMT_MAX_NUM &&
		    json_integer_value(a) <= FMT_MAX_NUM) {
			*num = (int)json_integer_value(a);
			ok = true;
		}
		ps->argnum++;
	}
	return ok;
}

/* Flags, argument index, width and precision of one directive. */
static void parse_directive(struct strbuf *b, struct printf_state *ps, size_t *ip, struct fspec *f,
			    bool *after_index)
{
	size_t i = *ip;

	for (; i < ps->end; i++) {
		char c = ps->fmt[i];

		if (c == '#')
			f->sharp = true;
		else if (c == '0')
			f->zero = !f->minus;
		else if (c == '+')
			f->plus = true;
		else if (c == '-') {
			f->minus = true;
			f->zero = false;
		} else if (c == ' ')
			f->space = true;
		else
			break;
	}
	*after_index = arg_number(ps, &i);
	if (i < ps->end && ps->fmt[i] == '*') {
		i++;
		f->wid_present = int_from_arg(ps, &f->wid);
		if (!f->wid_present)
			strbuf_adds(b, "%!(BADWIDTH)");
		if (f->wid < 0) {
			f->wid = -f->wid;
			f->minus = true;
			f->zero = false;
		}
		*after_index = false;
	} else {
		f->wid_present = parse_num(ps->fmt, &i, ps->end, &f->wid);
		if (*after_index && f->wid_present)
			ps->good_argnum = false;
	}
	if (i + 1 < ps->end && ps->fmt[i] == '.') {
		i++;
		if (*after_index)
			ps->good_argnum = false;
		*after_index = arg_number(ps, &i);
		if (i < ps->end && ps->fmt[i] == '*') {
			i++;
			f->prec_present = int_from_arg(ps, &f->prec);
			if (f->prec < 0) {
				f->prec = 0;
				f->prec_present = false;
			}
			if (!f->prec_present)
				strbuf_adds(b, "%!(BADPREC)");
			*after_index = false;
		} else {
			f->prec_present = parse_num(ps->fmt, &i, ps->end, &f->prec);
			if (!f->prec_present) {
				f->prec = 0;
				f->prec_present = true;
			}
		}
	}
	if (!*after_index)
		*after_index = arg_number(ps, &i);
	*ip = i;
}

/* Go's fmt.Sprintf, including its %!verb(...) complaints. */
void tfmt_sprintf(struct strbuf *b, const char *fmt, size_t fmt_len, json_t **args, size_t n)
{
	struct printf_state ps = {.fmt = fmt, .end = fmt_len, .args = args, .nargs = n};
	size_t i = 0;

	strbuf_addn(b, "", 0);
	while (i < ps.end) {
		struct fspec f = {0};
		size_t last = i;
		bool after_index;
		int verb, w;

		ps.good_argnum = true;
		while (i < ps.end && fmt[i] != '%')
			i++;
		strbuf_addn(b, fmt + last, i - last);
		if (i >= ps.end)
			break;
		i++;
		parse_directive(b, &ps, &i, &f, &after_index);
		if (i >= ps.end) {
			strbuf_adds(b, "%!(NOVERB)");
			break;
		}
		verb = tutf8_decode(fmt + i, ps.end - i, &w);
		i += (size_t)w;
		if (verb == '%') {
			strbuf_addc(b, '%');
		} else if (!ps.good_argnum) {
			strbuf_adds(b, "%!");
			tutf8_put(b, verb);
			strbuf_adds(b, "(BADINDEX)");
		} else if (ps.argnum >= ps.nargs) {
			strbuf_adds(b, "%!");
			tutf8_put(b, verb);
			strbuf_adds(b, "(MISSING)");
		} else {
			if (verb == 'v') {
				f.sharp_v = f.sharp;
				f.sharp = false;
				f.plus_v = f.plus;
				f.plus = false;
			}
			print_arg(b, &f, args[ps.argnum], verb, 0);
			ps.argnum++;
		}
	}
	if (!ps.reordered && ps.argnum < n) {
		strbuf_adds(b, "%!(EXTRA ");
		for (size_t k = ps.argnum; k < n; k++) {
			struct fspec f = {0};

			if (k > ps.argnum)
				strbuf_adds(b, ", ");
			if (!args[k] || json_is_null(args[k])) {
				strbuf_adds(b, "<nil>");
				continue;
			}
			strbuf_adds(b, tfmt_type_name(args[k]));
			strbuf_addc(b, '=');
			print_arg(b, &f, args[k], 'v', 0);
		}
		strbuf_addc(b, ')');
	}
}

/* Go's encoding/json string, with HTML escaping off as in Docker's json function. */
static void json_put_string(struct strbuf *b, const char *s, size_t n, bool html)
{
	static const char hex[] = "0123456789abcdef";
	int w;

	strbuf_addc(b, '"');
	for (size_t i = 0; i < n; i += (size_t)w) {
		int r = tutf8_decode(s + i, n - i, &w);
		unsigned char c = (unsigned char)s[i];

		if (r == 0xfffd && w == 1) {
			strbuf_adds(b, "\\ufffd");
		} else if (c == '"' || c == '\\') {
			strbuf_addc(b, '\\');
			strbuf_addc(b, (char)c);
		} else if (c < 0x20) {
			switch (c) {
			case '\b': strbuf_adds(b, "\\b"); break;
			case '\f': strbuf_adds(b, "\\f"); break;
			case '\n': strbuf_adds(b, "\\n"); break;
			case '\r': strbuf_adds(b, "\\r"); break;
			case '\t': strbuf_adds(b, "\\t"); break;
			default:
				strbuf_adds(b, "\\u00");
				strbuf_addc(b, hex[c >> 4]);
				strbuf_addc(b, hex[c & 0xf]);
			}
		} else if (html && (c == '<' || c == '>' || c == '&')) {
			strbuf_adds(b, "\\u00");
			strbuf_addc(b, hex[c >> 4]);
			strbuf_addc(b, hex[c & 0xf]);
		} else if (r == 0x2028 || r == 0x2029) {
			strbuf_addf(b, "\\u%04x", r);
		} else {
			strbuf_addn(b, s + i, (size_t)w);
		}
	}
	strbuf_addc(b, '"');
}

/* Go's JSON number: shortest digits, exponent only below 1e-6 or from 1e21. */
static void json_put_real(struct strbuf *b, double d)
{
	struct fdigits fd;
	double a = fabs(d);

	if (signbit(d))
		strbuf_addc(b, '-');
	float_digits(d, 0, &fd);
	if (a != 0 && (a < 1e-6 || a >= 1e21)) {
		struct strbuf t = {0};
		size_t n;

		put_e(&t, &fd, fd.nd - 1, 'e');
		n = t.len;
		/* 1e-07 becomes 1e-7 */
		if (n >= 4 && t.s[n - 4] == 'e' && t.s[n - 3] == '-' && t.s[n - 2] == '0') {
			t.s[n - 2] = t.s[n - 1];
			t.len--;
		}
		strbuf_addn(b, t.s, t.len);
		strbuf_free(&t);
		return;
	}
	put_f(b, &fd, fd.nd > fd.dp ? fd.nd - fd.dp : 0);
}

/* A value as Go's encoding/json writes it, keys in the object's order. */
static void json_value(struct strbuf *b, json_t *v, bool html)
{
	const char *key;
	json_t *val;
	bool first = true;

	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT:
		strbuf_addc(b, '{');
		json_object_foreach(v, key, val) {
			if (!first)
				strbuf_addc(b, ',');
			first = false;
			json_put_string(b, key, strlen(key), html);
			strbuf_addc(b, ':');
			json_value(b, val, html);
		}
		strbuf_addc(b, '}');
		break;
	case JSON_ARRAY:
		strbuf_addc(b, '[');
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i > 0)
				strbuf_addc(b, ',');
			json_value(b, json_array_get(v, i), html);
		}
		strbuf_addc(b, ']');
		break;
	case JSON_STRING:
		json_put_string(b, json_string_value(v), json_string_length(v), html);
		break;
	case JSON_INTEGER:
		strbuf_addf(b, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		json_put_real(b, json_real_value(v));
		break;
	case JSON_TRUE:
		strbuf_adds(b, "true");
		break;
	case JSON_FALSE:
		strbuf_adds(b, "false");
		break;
	default:
		strbuf_adds(b, "null");
	}
}

void tfmt_json(struct strbuf *b, json_t *v)
{
	json_value(b, v, false);
}

void tfmt_json_html(struct strbuf *b, json_t *v)
{
	json_value(b, v, true);
}
