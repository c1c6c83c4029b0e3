/* One error type for the whole engine: a kind, the errno behind it if any,
 * and a message that gathers context as it travels up. Faces turn it into
 * one line ("berth: no such container: web") and an exit status. */
#ifndef BERTH_CORE_ERROR_H
#define BERTH_CORE_ERROR_H

#include <stddef.h>

enum berr_kind {
	BERR_NONE = 0,
	BERR_INVALID,      /* bad input: flags, names, formats (docker: 400) */
	BERR_NOT_FOUND,    /* no such object (docker: 404) */
	BERR_CONFLICT,     /* name in use, object in use, wrong state (docker: 409) */
	BERR_SYSTEM,       /* the kernel or the filesystem said no (docker: 500) */
	BERR_CANNOT_EXEC,  /* the container's command cannot be run (exit 126) */
	BERR_CMD_NOT_FOUND, /* the container's command does not exist (exit 127) */
	BERR_UNSUPPORTED   /* no such command or feature in this engine (docker: 501) */
};

typedef struct berr {
	enum berr_kind kind;
	int sys_errno;
	char msg[1024];
} berr;

/* Sets the error and returns -1, so that `return berr_set(...)` reads well. */
int berr_set(berr *err, enum berr_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like berr_set with BERR_SYSTEM, appending ": strerror(errno)". */
int berr_sys(berr *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Like berr_sys with an explicit errno value. */
int berr_errno(berr *err, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prepends context: "what we were doing: <previous message>". Returns -1. */
int berr_prefix(berr *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clears an error back to BERR_NONE. */
void berr_clear(berr *err);

/* The exit status a docker CLI user expects for an engine error. */
int berr_exit_status(const berr *err);

/* The name of a kind, as used in JSON replies ("not_found", ...). */
const char *berr_kind_name(enum berr_kind kind);
enum berr_kind berr_kind_from_name(const char *name);

#endif
