#include "engine/core/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void berr_vformat(berr *err, const char *fmt, va_list ap)
{
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int berr_set(berr *err, enum berr_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->kind = kind;
	err->sys_errno = 0;
	va_start(ap, fmt);
	berr_vformat(err, fmt, ap);
	va_end(ap);
	return -1;
}

static int berr_verrno(berr *err, int errnum, const char *fmt, va_list ap)
{
	size_t len;

	if (!err)
		return -1;
	err->kind = BERR_SYSTEM;
	err->sys_errno = errnum;
	berr_vformat(err, fmt, ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(errnum));
	return -1;
}

int berr_sys(berr *err, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	berr_verrno(err, saved, fmt, ap);
	va_end(ap);
	errno = saved;
	return -1;
}

int berr_errno(berr *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	berr_verrno(err, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

int berr_prefix(berr *err, const char *fmt, ...)
{
	char prefix[512];
	char old[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return -1;
}

void berr_clear(berr *err)
{
	if (!err)
		return;
	err->kind = BERR_NONE;
	err->sys_errno = 0;
	err->msg[0] = '\0';
}

int berr_exit_status(const berr *err)
{
	switch (err->kind) {
	case BERR_CANNOT_EXEC:
		return 126;
	case BERR_CMD_NOT_FOUND:
		return 127;
	case BERR_NONE:
		return 0;
	default:
		return 125;
	}
}

static const char *const kind_names[] = {
	[BERR_NONE] = "none",
	[BERR_INVALID] = "invalid",
	[BERR_NOT_FOUND] = "not_found",
	[BERR_CONFLICT] = "conflict",
	[BERR_SYSTEM] = "system",
	[BERR_CANNOT_EXEC] = "cannot_exec",
	[BERR_CMD_NOT_FOUND] = "cmd_not_found",
	[BERR_UNSUPPORTED] = "unsupported",
};

const char *berr_kind_name(enum berr_kind kind)
{
	if ((size_t)kind < sizeof(kind_names) / sizeof(kind_names[0]))
		return kind_names[kind];
	return "system";
}

enum berr_kind berr_kind_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (name && strcmp(kind_names[i], name) == 0)
			return (enum berr_kind)i;
	return BERR_SYSTEM;
}
