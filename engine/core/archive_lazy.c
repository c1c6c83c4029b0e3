/* libarchive, loaded on first use. Most berth processes (ps, run, stop...)
 * never touch an archive, and loading libarchive with its chain of
 * libraries (libxml2, ICU, libstdc++ among them) at every start costs more
 * than a typical command. Each function berth uses is defined here with
 * libarchive's own prototype and forwards to the real one, looked up once. */
#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/core/archive_lazy.h"

static void *archive_library;
static pthread_once_t archive_once = PTHREAD_ONCE_INIT;

static void archive_load(void)
{
	archive_library = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
}

/* The real function; a missing libarchive is a broken installation. */
static void *archive_symbol(const char *name)
{
	void *sym;

	pthread_once(&archive_once, archive_load);
	sym = archive_library ? dlsym(archive_library, name) : NULL;
	if (!sym) {
		fprintf(stderr, "berth: cannot load libarchive (%s): %s\n", name, dlerror());
		abort();
	}
	return sym;
}

int archive_preload(void)
{
	pthread_once(&archive_once, archive_load);
	return archive_library ? 0 : -1;
}

#define FORWARD(ret, name, params, args)                                                         \
	ret name params                                                                          \
	{                                                                                        \
		static ret(*real) params;                                                        \
		if (!real)                                                                       \
			real = (ret(*) params)archive_symbol(#name);                             \
		return real args;                                                                \
	}

#define FORWARD_VOID(name, params, args)                                                         \
	void name params                                                                         \
	{                                                                                        \
		static void(*real) params;                                                       \
		if (!real)                                                                       \
			real = (void(*) params)archive_symbol(#name);                            \
		real args;                                                                       \
	}

typedef struct archive_entry *entry_ptr;
typedef struct archive *archive_ptr;
typedef const char *cstr;

/* archive_entry */
FORWARD(entry_ptr, archive_entry_new, (void), ())
FORWARD(entry_ptr, archive_entry_clear, (struct archive_entry *e), (e))
FORWARD_VOID(archive_entry_free, (struct archive_entry *e), (e))
FORWARD(time_t, archive_entry_atime, (struct archive_entry *e), (e))
FORWARD(long, archive_entry_atime_nsec, (struct archive_entry *e), (e))
FORWARD(int, archive_entry_atime_is_set, (struct archive_entry *e), (e))
FORWARD(time_t, archive_entry_mtime, (struct archive_entry *e), (e))
FORWARD(long, archive_entry_mtime_nsec, (struct archive_entry *e), (e))
FORWARD(int, archive_entry_mtime_is_set, (struct archive_entry *e), (e))
FORWARD(__LA_MODE_T, archive_entry_filetype, (struct archive_entry *e), (e))
FORWARD(__LA_MODE_T, archive_entry_perm, (struct archive_entry *e), (e))
FORWARD(la_int64_t, archive_entry_gid, (struct archive_entry *e), (e))
FORWARD(la_int64_t, archive_entry_uid, (struct archive_entry *e), (e))
FORWARD(la_int64_t, archive_entry_size, (struct archive_entry *e), (e))
FORWARD(int, archive_entry_size_is_set, (struct archive_entry *e), (e))
FORWARD(dev_t, archive_entry_rdev, (struct archive_entry *e), (e))
FORWARD(cstr, archive_entry_hardlink, (struct archive_entry *e), (e))
FORWARD(cstr, archive_entry_pathname, (struct archive_entry *e), (e))
FORWARD(cstr, archive_entry_symlink, (struct archive_entry *e), (e))
FORWARD_VOID(archive_entry_set_filetype, (struct archive_entry *e, unsigned int v), (e, v))
FORWARD_VOID(archive_entry_set_gid, (struct archive_entry *e, la_int64_t v), (e, v))
FORWARD_VOID(archive_entry_set_uid, (struct archive_entry *e, la_int64_t v), (e, v))
FORWARD_VOID(archive_entry_set_hardlink, (struct archive_entry *e, const char *v), (e, v))
FORWARD_VOID(archive_entry_set_pathname, (struct archive_entry *e, const char *v), (e, v))
FORWARD_VOID(archive_entry_set_symlink, (struct archive_entry *e, const char *v), (e, v))
FORWARD_VOID(archive_entry_set_mtime, (struct archive_entry *e, time_t s, long ns), (e, s, ns))
FORWARD_VOID(archive_entry_set_perm, (struct archive_entry *e, __LA_MODE_T v), (e, v))
FORWARD_VOID(archive_entry_set_rdev, (struct archive_entry *e, dev_t v), (e, v))
FORWARD_VOID(archive_entry_set_size, (struct archive_entry *e, la_int64_t v), (e, v))
FORWARD_VOID(archive_entry_xattr_add_entry,
	     (struct archive_entry *e, const char *name, const void *value, size_t size),
	     (e, name, value, size))
FORWARD(int, archive_entry_xattr_reset, (struct archive_entry *e), (e))
FORWARD(int, archive_entry_xattr_next,
	(struct archive_entry *e, const char **name, const void **value, size_t *size),
	(e, name, value, size))

/* reading */
FORWARD(archive_ptr, archive_read_new, (void), ())
FORWARD(int, archive_read_support_filter_bzip2, (struct archive *a), (a))
FORWARD(int, archive_read_support_filter_gzip, (struct archive *a), (a))
FORWARD(int, archive_read_support_filter_lz4, (struct archive *a), (a))
FORWARD(int, archive_read_support_filter_xz, (struct archive *a), (a))
FORWARD(int, archive_read_support_filter_zstd, (struct archive *a), (a))
FORWARD(int, archive_read_support_format_empty, (struct archive *a), (a))
FORWARD(int, archive_read_support_format_gnutar, (struct archive *a), (a))
FORWARD(int, archive_read_support_format_raw, (struct archive *a), (a))
FORWARD(int, archive_read_support_format_tar, (struct archive *a), (a))
FORWARD(int, archive_read_open,
	(struct archive *a, void *data, archive_open_callback *o, archive_read_callback *r,
	 archive_close_callback *c),
	(a, data, o, r, c))
FORWARD(int, archive_read_open_fd, (struct archive *a, int fd, size_t block), (a, fd, block))
FORWARD(int, archive_read_next_header, (struct archive *a, struct archive_entry **e), (a, e))
FORWARD(la_ssize_t, archive_read_data, (struct archive *a, void *buf, size_t n), (a, buf, n))
FORWARD(int, archive_read_data_block,
	(struct archive *a, const void **buf, size_t *size, la_int64_t *offset),
	(a, buf, size, offset))
FORWARD(int, archive_read_free, (struct archive *a), (a))

/* writing */
FORWARD(archive_ptr, archive_write_new, (void), ())
FORWARD(int, archive_write_set_format_pax_restricted, (struct archive *a), (a))
FORWARD(int, archive_write_set_bytes_in_last_block, (struct archive *a, int n), (a, n))
FORWARD(int, archive_write_open_fd, (struct archive *a, int fd), (a, fd))
FORWARD(int, archive_write_header, (struct archive *a, struct archive_entry *e), (a, e))
FORWARD(la_ssize_t, archive_write_data, (struct archive *a, const void *buf, size_t n),
	(a, buf, n))
FORWARD(int, archive_write_close, (struct archive *a), (a))
FORWARD(int, archive_write_free, (struct archive *a), (a))

/* errors */
FORWARD(cstr, archive_error_string, (struct archive *a), (a))

void archive_set_error(struct archive *a, int err, const char *fmt, ...)
{
	static void (*real)(struct archive *, int, const char *, ...);
	char text[1024];
	va_list ap;

	if (!real)
		real = (void (*)(struct archive *, int, const char *, ...))archive_symbol(
			"archive_set_error");
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	real(a, err, "%s", text);
}
