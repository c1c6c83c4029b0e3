/* Sizes, durations and timestamps as the docker CLI reads and prints them
 * (docker/go-units, Go's time package, docker's --since/--until rules). */
#ifndef BERTH_CORE_UNITS_H
#define BERTH_CORE_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/error.h"

/* go-units RAMInBytes: "512", "10k", "10m", "1.5g", "1GB", "2kb", "32 KiB";
 * k/m/g/t/p are binary multiples, case-insensitive, with an optional "b" or
 * "ib"; one space may separate number and suffix. Errors (BERR_INVALID):
 * "invalid size: '<s>'", "invalid suffix: '<sfx>'", and Go's
 * "strconv.ParseFloat: parsing \"<n>\": invalid syntax". */
int units_ram_in_bytes(const char *s, int64_t *out, berr *err);

/* go-units FromHumanSize: the same syntax with decimal multiples
 * (k = 1000, m = 1000000...), as json-file's and local's max-size. */
int units_from_human_size(const char *s, int64_t *out, berr *err);

/* go-units HumanSizeWithPrecision(bytes, 3), powers of 1000:
 * "0B", "999B", "1kB", "4.26MB", "1.23GB". */
void units_human_size(double bytes, char *buf, size_t n);
/* The same with four significant digits ("3.965MB"), as Docker's
 * units.HumanSize prints totals: prune, system df. */
void units_human_size4(double bytes, char *buf, size_t n);

/* go-units BytesSize, powers of 1024 with four digits: "1KiB", "1.5MiB". */
void units_bytes_size(double bytes, char *buf, size_t n);

/* Go's time.ParseDuration: "10s", "1m30s", "1.5h", "300ms", "-1s", "0";
 * units ns, us (µs, μs), ms, s, m, h. Errors (BERR_INVALID) are Go's:
 * "time: invalid duration \"x\"", "time: missing unit in duration \"1\"",
 * "time: unknown unit \"d\" in duration \"1d\"". */
int units_parse_duration(const char *s, int64_t *nanos, berr *err);

/* go-units HumanDuration: "Less than a second", "1 second", "N seconds",
 * "About a minute", "N minutes", "About an hour", "N hours", "N days",
 * "N weeks", "N months", "N years". */
void units_human_duration(int64_t nanos, char *buf, size_t n);

/* docker --since/--until values, resolved against now_nanos:
 * - a Go duration other than "0" means now minus it, in whole seconds ("10m");
 * - RFC 3339 with or without fraction and zone: "2024-05-01T10:00:00Z",
 *   "2024-05-01T10:00:00.5+02:00", "2024-05-01T10:00:00" (no zone: local
 *   time with the offset in force at now_nanos, as docker does), also the
 *   shorter "2006-01-02T15" and "2006-01-02T15:04";
 * - a date "2006-01-02" (local) or "2006-01-02Z07:00";
 * - unix seconds "1700000000" or "1700000000.123456789".
 * Errors are BERR_INVALID. */
int units_parse_timestamp(const char *s, int64_t now_nanos, int64_t *out_nanos, berr *err);

/* Go's time.RFC3339Nano in UTC, fraction's trailing zeros trimmed:
 * "2024-05-01T10:00:00.123456789Z", "2024-05-01T10:00:00.5Z", "2024-05-01T10:00:00Z". */
void units_rfc3339nano(int64_t unix_nanos, char *buf, size_t n);

/* Go's time.RFC3339 in UTC: "2024-05-01T10:00:00Z". */
void units_rfc3339(int64_t unix_nanos, char *buf, size_t n);

#endif
