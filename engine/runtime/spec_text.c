/* The monitor's spec format (see spec_text.h). */
#include "engine/runtime/spec_text.h"

#include <stdarg.h>

void spec_put(struct strbuf *b, const char *key, const char *value)
{
	strbuf_adds(b, key);
	strbuf_addc(b, ' ');
	for (const char *p = value; *p; p++) {
		if (*p == '\\')
			strbuf_adds(b, "\\\\");
		else if (*p == '\n')
			strbuf_adds(b, "\\n");
		else
			strbuf_addc(b, *p);
	}
	strbuf_addc(b, '\n');
}

void spec_putf(struct strbuf *b, const char *key, const char *fmt, ...)
{
	struct strbuf value = {0};
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&value, fmt, ap);
	va_end(ap);
	spec_put(b, key, value.s ? value.s : "");
	strbuf_free(&value);
}

void spec_put_console_size(struct strbuf *b, json_t *size)
{
	json_int_t rows = json_integer_value(json_array_get(size, 0));
	json_int_t cols = json_integer_value(json_array_get(size, 1));

	if (rows > 0 && rows <= 0xffff && cols > 0 && cols <= 0xffff)
		spec_putf(b, "console-size", "%u %u", (unsigned)rows, (unsigned)cols);
}
