/* JSON text as Go writes it, shared by the monitor and berth-logger. */
#ifndef BERTH_RUNTIME_SHIM_JSON_TEXT_H
#define BERTH_RUNTIME_SHIM_JSON_TEXT_H

#include <stddef.h>
#include <time.h>

/* Escapes n bytes as a JSON string body (Go's rules); out needs 6 * n bytes. */
size_t shim_json_escape(char *out, const void *in, size_t n);
/* The same as Docker's json-file writes a line's "log": a tab too as \u0009. */
size_t shim_json_escape_log(char *out, const void *in, size_t n);
/* RFC3339Nano in UTC; out needs 40 bytes. */
size_t shim_format_time(char *out, const struct timespec *ts);

#endif
