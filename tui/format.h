/* What the console shows and reads in text: sizes, percentages, ages,
 * short IDs, the colour of a container state, log times, OSC 52's base64
 * and the words of a ":" command line. Pure functions, tested without a
 * terminal. */
#ifndef BERTH_TUI_FORMAT_H
#define BERTH_TUI_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes with binary units, four digits ("1.5MiB"), as docker stats. */
void fmt_bytes(double bytes, char *buf, size_t n);

/* A rate: bytes with decimal units ("12kB") or "-" when negative. */
void fmt_size(double bytes, char *buf, size_t n);

/* A percentage with two decimals ("12.34%"), or "-" when negative. */
void fmt_percent(double pct, char *buf, size_t n);

/* How long ago a unix time (seconds) was: "5 minutes ago". */
void fmt_ago(int64_t then_s, int64_t now_s, char *buf, size_t n);

/* An integer with thousands separators: "1,234,567". */
void fmt_count(uint64_t v, char *buf, size_t n);

/* The 12-digit short form of an ID, without "sha256:". */
void fmt_short_id(const char *id, char out[13]);

/* The theme role for a container state ("running" is green...). */
int fmt_state_role(const char *state);

/* A log line's time, RFC 3339 with nanoseconds in UTC
 * ("2024-05-01T10:00:00.123456789Z"), as unix ns; 0 when it is not one. */
int64_t fmt_parse_log_time(const char *s, size_t len);

/* Standard base64 of len bytes into out (NUL-terminated); returns the
 * length written, or 0 when out is too small. */
size_t fmt_base64(const void *data, size_t len, char *out, size_t size);

/* Splits a command line into words as a shell would for simple input:
 * blanks separate words, single quotes keep everything, double quotes keep
 * everything but backslash escapes, a backslash outside quotes escapes the
 * next character. Returns the word count (argv NULL-terminated, freed
 * with fmt_free_words), or -1 with a message for an unclosed quote. */
int fmt_split_words(const char *line, char ***argv, char *msg, size_t msg_size);

void fmt_free_words(char **argv);

/* True when a berth command (argv[0] the command, "container ls" style
 * too) needs the terminal: it reads input (exec, attach, run without -d,
 * start -a/-i, load from stdin), never ends by itself (logs -f, stats,
 * events, wait), or writes a tar to stdout (save, export without -o). */
bool words_need_terminal(int argc, char **argv);

#endif
