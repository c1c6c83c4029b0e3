/* The monitor's spec format, as engine/runtime/shim/spec.c reads it: one
 * "key value" line per setting, the value's backslashes and newlines
 * escaped. The container spec (spec.c) and an exec's (exec.c) are both
 * written with these. */
#ifndef BERTH_RUNTIME_SPEC_TEXT_H
#define BERTH_RUNTIME_SPEC_TEXT_H

#include <jansson.h>

#include "engine/core/strbuf.h"

void spec_put(struct strbuf *b, const char *key, const char *value);
void spec_putf(struct strbuf *b, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "console-size ROWS COLS" from Docker's ConsoleSize [rows, cols], when
 * both are set and fit a terminal (1..65535). */
void spec_put_console_size(struct strbuf *b, json_t *size);

#endif
