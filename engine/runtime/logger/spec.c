/* The log-* records of the container's spec (shim_protocol.h), and the
 * byte buffer the drivers build packets in. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../shim/json_text.h"
#include "logger.h"

#define SPEC_MAX (4u << 20)

void out_add(struct out *o, const void *data, size_t n)
{
	if (o->failed)
		return;
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		while (cap < o->len + n)
			cap *= 2;
		char *grown = realloc(o->buf, cap);
		if (!grown) {
			o->failed = true;
			return;
		}
		o->buf = grown;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, data, n);
	o->len += n;
}

void out_adds(struct out *o, const char *s)
{
	out_add(o, s, strlen(s));
}

void out_addc(struct out *o, char c)
{
	out_add(o, &c, 1);
}

void out_addf(struct out *o, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		out_add(o, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		o->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	out_add(o, big, (size_t)n);
	free(big);
}

void out_json_string(struct out *o, const char *s, size_t n)
{
	char *tmp = malloc(n * 6 + 2);
	if (!tmp) {
		o->failed = true;
		return;
	}
	size_t m = shim_json_escape(tmp, s, n);
	out_addc(o, '"');
	out_add(o, tmp, m);
	out_addc(o, '"');
	free(tmp);
}

void pkt_add(struct out *pkts, const void *data, size_t n)
{
	uint32_t len = (uint32_t)n;
	out_add(pkts, &len, 4);
	out_add(pkts, data, n);
}

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

static int add_kv(struct logger_kv *kv, size_t *n, char *v)
{
	char *tab = strchr(v, '\t');
	if (!tab)
		return -1;
	if (*n >= LOGGER_MAX_KV)
		return 0; /* more attributes than a receiver's message takes: the first */
	*tab = '\0';
	kv[*n].key = v;
	kv[(*n)++].value = tab + 1;
	return 0;
}

static int parse_address(struct logger_spec *s, char *v)
{
	static const char *const kinds[] = {"udp", "tcp", "tls", "unix", "unixgram", "local"};
	char *sp = strchr(v, ' ');
	if (!sp)
		return -1;
	*sp = '\0';
	int kind = -1;
	for (int i = 0; i < 6; i++)
		if (strcmp(v, kinds[i]) == 0)
			kind = i;
	if (kind < 0)
		return -1;
	s->transport = (enum logger_transport)kind;
	char *rest = sp + 1;
	if (kind >= T_UNIX) {
		s->path = rest;
		return 0;
	}
	char *port = strrchr(rest, ' ');
	if (!port)
		return -1;
	*port = '\0';
	s->host = rest;
	s->port = atoi(port + 1);
	return s->port > 0 && s->port < 65536 ? 0 : -1;
}

int logger_spec_read(const char *path, struct logger_spec *s, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size > SPEC_MAX) {
		snprintf(err, errlen, "read %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	ssize_t n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		snprintf(err, errlen, "read %s", path);
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	memset(s, 0, sizeof(*s));
	for (char *save, *line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		if (!sp || strncmp(line, "log-", 4) != 0)
			continue;
		*sp = '\0';
		char *k = line + 4, *v = sp + 1;
		unescape(v);
		int rc = 0;
		if (!strcmp(k, "driver"))
			s->driver = v;
		else if (!strcmp(k, "tag"))
			s->tag = v;
		else if (!strcmp(k, "id"))
			s->id = v;
		else if (!strcmp(k, "name"))
			s->name = v;
		else if (!strcmp(k, "image-id"))
			s->image_id = v;
		else if (!strcmp(k, "image-name"))
			s->image_name = v;
		else if (!strcmp(k, "command"))
			s->command = v;
		else if (!strcmp(k, "created"))
			s->created = strtoll(v, NULL, 10);
		else if (!strcmp(k, "address"))
			rc = parse_address(s, v);
		else if (!strcmp(k, "opt"))
			rc = add_kv(s->opts, &s->n_opts, v);
		else if (!strcmp(k, "attr"))
			rc = add_kv(s->attrs, &s->n_attrs, v);
		if (rc < 0) {
			snprintf(err, errlen, "bad log-%s record in %s", k, path);
			return -1;
		}
	}
	if (!s->driver || !s->id || !s->name) {
		snprintf(err, errlen, "%s has no log-driver, log-id or log-name", path);
		return -1;
	}
	if (!s->tag)
		s->tag = "";
	if (!s->image_id)
		s->image_id = "";
	if (!s->image_name)
		s->image_name = "";
	if (!s->command)
		s->command = "";
	if (gethostname(s->hostname, sizeof(s->hostname) - 1) < 0)
		snprintf(s->hostname, sizeof(s->hostname), "localhost");
	s->pid = (int)getppid();
	return 0;
}

const char *logger_opt(const struct logger_spec *s, const char *key)
{
	for (size_t i = 0; i < s->n_opts; i++)
		if (strcmp(s->opts[i].key, key) == 0)
			return s->opts[i].value;
	return NULL;
}

bool logger_opt_true(const struct logger_spec *s, const char *key)
{
	const char *v = logger_opt(s, key);
	return v && (!strcmp(v, "1") || !strcmp(v, "t") || !strcmp(v, "T") || !strcmp(v, "true") ||
		     !strcmp(v, "TRUE") || !strcmp(v, "True"));
}
