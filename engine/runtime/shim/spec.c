/* Reading the spec file written by berth (format: shim_protocol.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim.h"

/* The spec file is small; a bigger one is a mistake, not a container. */
#define SPEC_MAX (4u << 20)

/* Appends to a string list. */
static int strlist_add(struct strlist *l, char *s)
{
	char **v = realloc(l->v, (l->n + 2) * sizeof(*v));
	if (!v)
		return -1;
	l->v = v;
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
	return 0;
}

/* Undoes the value escaping ("\\\\" and "\\n") in place. */
static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (*r == '\\' && r[1] == 'n') {
			*w++ = '\n';
			r++;
		} else if (*r == '\\' && r[1] == '\\') {
			*w++ = '\\';
			r++;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* Parses an unsigned decimal (or octal with base 8) that must fill the string. */
static int parse_ull(const char *s, int base, unsigned long long *out)
{
	char *end;
	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, base);
	return errno || *end ? -1 : 0;
}

/* "0" or "1". */
static int parse_bool(const char *v, int *out)
{
	if (strcmp(v, "0") && strcmp(v, "1"))
		return -1;
	*out = v[0] == '1';
	return 0;
}

/* Splits s at tabs into exactly n fields. */
static int split_tabs(char *s, char **f, int n)
{
	for (int i = 0; i < n; i++) {
		f[i] = s;
		char *t = strchr(s, '\t');
		if (i == n - 1)
			return t ? -1 : 0;
		if (!t)
			return -1;
		*t = '\0';
		s = t + 1;
	}
	return 0;
}

/* Grows an array of records by one; returns the new slot. */
static void *grow(void **arr, size_t *n, size_t size)
{
	void *p = realloc(*arr, (*n + 1) * size);
	if (!p)
		return NULL;
	*arr = p;
	memset((char *)p + *n * size, 0, size);
	return (char *)p + (*n)++ * size;
}

/* `namespace <name>` to a clone flag. */
static int ns_flag(const char *v)
{
	static const struct {
		const char *name;
		int flag;
	} t[] = {{"mount", CLONE_NEWNS},  {"uts", CLONE_NEWUTS}, {"ipc", CLONE_NEWIPC},
		 {"pid", CLONE_NEWPID},   {"net", CLONE_NEWNET}, {"cgroup", CLONE_NEWCGROUP}};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(v, t[i].name))
			return t[i].flag;
	return 0;
}

/* The string-valued keys, by their offset in struct spec. */
static char **str_field(struct spec *s, const char *k)
{
	static const struct {
		const char *key;
		size_t off;
	} t[] = {
		{"id", offsetof(struct spec, id)},
		{"layers-dir", offsetof(struct spec, layers_dir)},
		{"upper", offsetof(struct spec, upper)},
		{"work", offsetof(struct spec, work)},
		{"rootfs", offsetof(struct spec, rootfs)},
		{"cwd", offsetof(struct spec, cwd)},
		{"user", offsetof(struct spec, user)},
		{"hostname", offsetof(struct spec, hostname)},
		{"etc-hostname", offsetof(struct spec, etc_hostname)},
		{"etc-hosts", offsetof(struct spec, etc_hosts)},
		{"etc-resolv", offsetof(struct spec, etc_resolv)},
		{"cgroup-parent", offsetof(struct spec, cgroup_parent)},
		{"seccomp", offsetof(struct spec, seccomp)},
		{"log-path", offsetof(struct spec, log_path)},
		{"log-driver", offsetof(struct spec, log_driver)},
		{"log-format", offsetof(struct spec, log_format)},
		{"log-mode", offsetof(struct spec, log_mode)},
		{"log-helper", offsetof(struct spec, log_helper)},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(k, t[i].key))
			return (char **)((char *)s + t[i].off);
	return NULL;
}

/* The list-valued keys. */
static struct strlist *list_field(struct spec *s, const char *k)
{
	if (!strcmp(k, "lower"))
		return &s->lower;
	if (!strcmp(k, "arg"))
		return &s->args;
	if (!strcmp(k, "env"))
		return &s->env;
	if (!strcmp(k, "group-add"))
		return &s->group_add;
	if (!strcmp(k, "cgroup-set"))
		return &s->cgroup_set;
	if (!strcmp(k, "rlimit"))
		return &s->rlimits;
	if (!strcmp(k, "sysctl"))
		return &s->sysctls;
	if (!strcmp(k, "masked"))
		return &s->masked;
	if (!strcmp(k, "readonly"))
		return &s->readonly;
	if (!strcmp(k, "log-store-attr"))
		return &s->log_attrs;
	return NULL;
}

/* Parses a `device` record (the sixth field, the cgroup access, is optional). */
static int parse_device(struct spec *s, char *v)
{
	char *f[7];
	int n = 0;
	for (char *save, *t = strtok_r(v, " ", &save); t && n < 7; t = strtok_r(NULL, " ", &save))
		f[n++] = t;
	unsigned long long maj, min, mode;
	if ((n != 5 && n != 6) || f[0][0] != '/' || (strcmp(f[1], "c") && strcmp(f[1], "b")) ||
	    parse_ull(f[2], 10, &maj) || parse_ull(f[3], 10, &min) || parse_ull(f[4], 8, &mode) ||
	    maj > 0xfff || min > 0xfffff || mode > 07777 ||
	    (n == 6 && (!f[5][0] || strlen(f[5]) > 3 || strspn(f[5], "rwm") != strlen(f[5]))))
		return -1;
	struct spec_device *d = grow((void **)&s->devices, &s->n_devices, sizeof(*d));
	if (!d)
		return -1;
	*d = (struct spec_device){f[0], f[1][0], (unsigned)maj, (unsigned)min, (unsigned)mode, ""};
	if (n == 6)
		memcpy(d->perms, f[5], strlen(f[5]) + 1);
	return 0;
}

/* Applies one "key value" record. */
static int spec_record(struct spec *s, char *key, char *v)
{
	char **sf;
	struct strlist *lf;
	unsigned long long n;

	if ((sf = str_field(s, key))) {
		*sf = v;
		return 0;
	}
	if ((lf = list_field(s, key)))
		return strlist_add(lf, v);
	if (!strcmp(key, "readonly-rootfs"))
		return parse_bool(v, &s->readonly_rootfs);
	if (!strcmp(key, "tty"))
		return parse_bool(v, &s->tty);
	if (!strcmp(key, "open-stdin"))
		return parse_bool(v, &s->open_stdin);
	if (!strcmp(key, "stdin-once"))
		return parse_bool(v, &s->stdin_once);
	if (!strcmp(key, "attach-fd"))
		return parse_bool(v, &s->attach_fd);
	if (!strcmp(key, "net-join"))
		return parse_bool(v, &s->net_join);
	if (!strcmp(key, "dns-fd"))
		return parse_bool(v, &s->dns_fd);
	if (!strcmp(key, "dns-dir")) {
		s->dns_dir = v;
		return v[0] == '/' ? 0 : -1;
	}
	if (!strcmp(key, "dns-container")) {
		s->dns_container = v;
		return strchr(v, '/') || !v[0] ? -1 : 0;
	}
	if (!strcmp(key, "dns-upstream"))
		return strlist_add(&s->dns_upstreams, v);
	if (!strcmp(key, "proxy"))
		return strlist_add(&s->proxies, v);
	if (!strcmp(key, "no-new-privileges"))
		return parse_bool(v, &s->no_new_privs);
	if (!strcmp(key, "namespace")) {
		int f = ns_flag(v);
		s->namespaces |= f;
		return f ? 0 : -1;
	}
	if (!strcmp(key, "cap")) {
		if (parse_ull(v, 10, &n) || n > 63)
			return -1;
		s->caps |= 1ull << n;
		return 0;
	}
	if (!strcmp(key, "mount")) {
		char *f[4];
		if (split_tabs(v, f, 4) || f[2][0] != '/')
			return -1;
		struct spec_mount *m = grow((void **)&s->mounts, &s->n_mounts, sizeof(*m));
		if (!m)
			return -1;
		*m = (struct spec_mount){f[0], f[1], f[2], f[3]};
		return 0;
	}
	if (!strcmp(key, "device"))
		return parse_device(s, v);
	if (!strcmp(key, "log-max-size")) {
		if (parse_ull(v, 10, &n) || n > (1ull << 62))
			return -1;
		s->log_max_size = (long long)n;
		return 0;
	}
	if (!strcmp(key, "shm-size")) {
		if (parse_ull(v, 10, &n) || n > (1ull << 62))
			return -1;
		s->shm_size = (long long)n;
		return 0;
	}
	if (!strcmp(key, "log-max-file")) {
		if (parse_ull(v, 10, &n) || n > 1000)
			return -1;
		s->log_max_file = (int)n;
		return 0;
	}
	if (!strcmp(key, "log-compress"))
		return parse_bool(v, &s->log_compress);
	if (!strcmp(key, "log-max-buffer")) {
		if (parse_ull(v, 10, &n) || n > (1ull << 40))
			return -1;
		s->log_max_buffer = (long long)n;
		return 0;
	}
	/* berth-logger's own records: it reads them from this file */
	if ((!strcmp(key, "log-opt") || !strcmp(key, "log-attr") || !strcmp(key, "log-tag") || !strcmp(key, "log-address") || !strcmp(key, "log-id") ||
	     !strcmp(key, "log-name") || !strcmp(key, "log-image-id") ||
	     !strcmp(key, "log-image-name") || !strcmp(key, "log-command") ||
	     !strcmp(key, "log-created") || !strcmp(key, "log-hostname")))
		return 0;
	if (!strcmp(key, "restart")) {
		/* "<no|always|unless-stopped|on-failure> <max retries>" */
		char policy[32];
		unsigned long long max = 0;
		if (sscanf(v, "%31s %llu", policy, &max) < 1)
			return -1;
		if (!strcmp(policy, "always") || !strcmp(policy, "unless-stopped"))
			s->restart = RESTART_ALWAYS;
		else if (!strcmp(policy, "on-failure"))
			s->restart = RESTART_ON_FAILURE;
		else if (!strcmp(policy, "no"))
			s->restart = RESTART_NO;
		else
			return -1;
		s->restart_max = max > 1000000 ? 1000000 : (int)max;
		return 0;
	}
	if (!strcmp(key, "health")) {
		/* "<interval-ns> <timeout-ns> <start-period-ns> <retries>" */
		long long iv, to, sp;
		int retries;
		char extra;
		if (sscanf(v, "%lld %lld %lld %d%c", &iv, &to, &sp, &retries, &extra) != 4 ||
		    iv <= 0 || to <= 0 || sp < 0 || retries < 1)
			return -1;
		s->health_interval = iv;
		s->health_timeout = to;
		s->health_start_period = sp;
		s->health_retries = retries;
		return 0;
	}
	if (!strcmp(key, "console-size")) {
		char extra;
		if (sscanf(v, "%u %u%c", &s->console_rows, &s->console_cols, &extra) != 2 ||
		    s->console_rows > 0xffff || s->console_cols > 0xffff)
			return -1;
		return 0;
	}
	if (!strcmp(key, "stop-signal")) {
		if (parse_ull(v, 10, &n) || n > 64)
			return -1;
		s->stop_signal = (int)n;
		return 0;
	}
	return 0; /* unknown keys are left for newer shims */
}

/* Reads a whole regular file into a NUL-terminated malloc'd buffer. */
static char *read_small_file(const char *path, size_t max, struct shim_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	char *buf = NULL;
	if (fd < 0 || fstat(fd, &st) < 0) {
		shim_sys(err, "open %s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		shim_fail(err, "system", "%s: not a regular file of sane size", path);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		shim_sys(err, "read %s", path);
		goto out;
	}
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
out:
	if (fd >= 0)
		close(fd);
	return buf;
}

/* Checks that the keys the shim cannot do without are there. */
static int spec_check(const struct spec *s, struct shim_err *err)
{
	const struct {
		const char *key;
		int present;
	} need[] = {
		{"id", s->id != NULL},
		{"rootfs", s->rootfs != NULL},
		{"upper", s->upper != NULL},
		{"work", s->work || !s->lower.n},
		{"layers-dir", s->layers_dir || !s->lower.n},
		{"arg", s->args.n > 0},
	};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!need[i].present)
			return shim_fail(err, "system", "spec: missing %s", need[i].key);
	if (!s->id[0] || strchr(s->id, '/') || !strcmp(s->id, "..") || !strcmp(s->id, "."))
		return shim_fail(err, "system", "spec: bad id");
	if (s->cgroup_parent && strstr(s->cgroup_parent, ".."))
		return shim_fail(err, "system", "spec: bad cgroup-parent");
	return 0;
}

int spec_read_file(struct spec *s, const char *path, struct shim_err *err)
{
	memset(s, 0, sizeof(*s));
	s->buf = read_small_file(path, SPEC_MAX, err);
	if (!s->buf)
		return -1;
	s->namespaces = CLONE_NEWNS; /* the rootfs mount must never reach the host */
	int lineno = 0;
	for (char *save, *line = strtok_r(s->buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		char *sp = strchr(line, ' ');
		char *v = sp ? sp + 1 : line + strlen(line);
		if (sp)
			*sp = '\0';
		unescape(v);
		if (spec_record(s, line, v) < 0)
			return shim_fail(err, "system", "spec line %d: bad %s record", lineno,
					 line);
	}
	return 0;
}

int spec_load(struct spec *s, const char *bundle_dir, struct shim_err *err)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/spec", bundle_dir) >= sizeof(path))
		return shim_fail(err, "system", "bundle path too long");
	if (spec_read_file(s, path, err) < 0)
		return -1;
	if (!(s->path = strdup(path)))
		return shim_fail(err, "system", "out of memory");
	return spec_check(s, err);
}
