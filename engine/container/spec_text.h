/* The monitor's spec format, as engine/runtime/shim/spec.c reads it: one
 * "key value" line per setting, the value's backslashes and newlines
 * escaped. The container spec (spec.c) and an exec's (exec.c) are both
 * written with these. */
#ifndef BERTH_CONTAINER_SPEC_TEXT_H
#define BERTH_CONTAINER_SPEC_TEXT_H

#include "engine/core/strbuf.h"

void spec_put(struct strbuf *b, const char *key, const char *value);
void spec_putf(struct strbuf *b, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
