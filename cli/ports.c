/* -p, --expose and the PORTS column, as the docker CLI has them. */
#include "cli/ports.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/strbuf.h"

/* "80" or "8000-8010" into first..last (1..65535; 0 allowed for a host
 * port: any). */
static bool parse_range(const char *text, bool allow_zero, long *first, long *last)
{
	char *end;

	if (!*text)
		return false;
	*first = strtol(text, &end, 10);
	if (end == text)
		return false;
	*last = *first;
	if (*end == '-') {
		const char *rest = end + 1;
		*last = strtol(rest, &end, 10);
		if (end == rest)
			return false;
	}
	return !*end && *first >= (allow_zero ? 0 : 1) && *last <= 65535 && *first <= *last;
}

static bool proto_valid(const char *proto)
{
	return strcmp(proto, "tcp") == 0 || strcmp(proto, "udp") == 0 || strcmp(proto, "sctp") == 0;
}

/* "rest/proto" into rest and proto (default tcp). */
static void split_proto(const char *spec, char *rest, size_t n, char proto[16])
{
	const char *slash = strrchr(spec, '/');

	snprintf(rest, n, "%.*s", slash ? (int)(slash - spec) : (int)strlen(spec), spec);
	snprintf(proto, 16, "%s", slash ? slash + 1 : "tcp");
	for (char *p = proto; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
}

int ports_parse_expose(const char *spec, json_t *exposed, char *msg, size_t n)
{
	char rest[64], proto[16], key[32];
	long first, last;

	split_proto(spec, rest, sizeof(rest), proto);
	if (!parse_range(rest, false, &first, &last)) {
		snprintf(msg, n, "invalid range format for --expose: %s, error: invalid port", spec);
		return -1;
	}
	if (!proto_valid(proto)) {
		snprintf(msg, n, "invalid proto: %s", proto);
		return -1;
	}
	for (long p = first; p <= last; p++) {
		snprintf(key, sizeof(key), "%ld/%s", p, proto);
		json_object_set_new(exposed, key, json_object());
	}
	return 0;
}

int ports_parse_publish(const char *spec, json_t *exposed, json_t *bindings, char *msg,
			size_t n)
{
	char body[256], proto[16], ip[64] = "", host[64] = "", container[64], key[32];
	const char *rest = body, *colon;
	long cfirst, clast, hfirst = 0, hlast = 0;

	split_proto(spec, body, sizeof(body), proto);
	/* [ip:][host:]container; an IPv6 address in brackets */
	if (body[0] == '[') {
		const char *close = strchr(body, ']');
		if (!close || close[1] != ':') {
			snprintf(msg, n, "invalid IP address: %s", body);
			return -1;
		}
		snprintf(ip, sizeof(ip), "%.*s", (int)(close - body - 1), body + 1);
		rest = close + 2;
		colon = strchr(rest, ':');
		if (!colon) {
			snprintf(msg, n, "no port specified: %s<empty>", spec);
			return -1;
		}
		snprintf(host, sizeof(host), "%.*s", (int)(colon - rest), rest);
		snprintf(container, sizeof(container), "%s", colon + 1);
	} else {
		const char *a = strchr(body, ':'), *b = a ? strchr(a + 1, ':') : NULL;
		if (b && strchr(b + 1, ':')) {
			snprintf(msg, n, "invalid port format: %s", spec);
			return -1;
		}
		if (b) {
			snprintf(ip, sizeof(ip), "%.*s", (int)(a - body), body);
			snprintf(host, sizeof(host), "%.*s", (int)(b - a - 1), a + 1);
			snprintf(container, sizeof(container), "%s", b + 1);
		} else if (a) {
			snprintf(host, sizeof(host), "%.*s", (int)(a - body), body);
			snprintf(container, sizeof(container), "%s", a + 1);
		} else {
			snprintf(container, sizeof(container), "%s", body);
		}
	}
	unsigned char addr[16];
	if (*ip && inet_pton(AF_INET, ip, addr) != 1 && inet_pton(AF_INET6, ip, addr) != 1) {
		snprintf(msg, n, "invalid IP address: %s", ip);
		return -1;
	}
	if (!*container) {
		snprintf(msg, n, "no port specified: %s<empty>", spec);
		return -1;
	}
	if (!parse_range(container, false, &cfirst, &clast)) {
		snprintf(msg, n, "invalid containerPort: %s", container);
		return -1;
	}
	if (*host && !parse_range(host, true, &hfirst, &hlast)) {
		snprintf(msg, n, "invalid hostPort: %s", host);
		return -1;
	}
	if (*host && hlast - hfirst != clast - cfirst && clast != cfirst) {
		snprintf(msg, n, "invalid ranges specified for container and host Ports: %s and %s",
			 container, host);
		return -1;
	}
	if (!proto_valid(proto)) {
		snprintf(msg, n, "invalid proto: %s", proto);
		return -1;
	}
	for (long p = cfirst; p <= clast; p++) {
		char hostport[16] = "";
		json_t *list;

		if (*host && cfirst == clast && hfirst != hlast)
			snprintf(hostport, sizeof(hostport), "%ld-%ld", hfirst, hlast);
		else if (*host && hfirst)
			snprintf(hostport, sizeof(hostport), "%ld", hfirst + (p - cfirst));
		snprintf(key, sizeof(key), "%ld/%s", p, proto);
		json_object_set_new(exposed, key, json_object());
		list = json_object_get(bindings, key);
		if (!list) {
			list = json_array();
			json_object_set_new(bindings, key, list);
		}
		json_array_append_new(list, json_pack("{s:s, s:s}", "HostIp", ip, "HostPort", hostport));
	}
	return 0;
}

/* --- the PORTS column ------------------------------------------------------ */

struct port_row {
	const char *ip, *type;
	long private_port, public_port;
};

static int compare_ports(const void *a, const void *b)
{
	const struct port_row *x = a, *y = b;
	int c;

	if (x->private_port != y->private_port)
		return x->private_port < y->private_port ? -1 : 1;
	if ((c = strcmp(x->ip, y->ip)) != 0)
		return c;
	if (x->public_port != y->public_port)
		return x->public_port < y->public_port ? -1 : 1;
	return strcmp(x->type, y->type);
}

struct port_group {
	char key[80]; /* "type" or "ip/type" */
	long first, last;
};

static void form_group(struct strbuf *out, const struct port_group *g)
{
	const char *slash = strchr(g->key, '/');
	char range[32];

	if (g->first != g->last)
		snprintf(range, sizeof(range), "%ld-%ld", g->first, g->last);
	else
		snprintf(range, sizeof(range), "%ld", g->first);
	if (out->len)
		strbuf_adds(out, ", ");
	if (slash) {
		bool v6 = memchr(g->key, ':', (size_t)(slash - g->key)) != NULL;
		strbuf_addf(out, "%s%.*s%s:%s->%s/%s", v6 ? "[" : "", (int)(slash - g->key), g->key,
			    v6 ? "]" : "", range, range, slash + 1);
	}
	else
		strbuf_addf(out, "%s/%s", range, g->key);
}

char *ports_column(json_t *ports)
{
	size_t n = json_array_size(ports), ngroups = 0, i;
	struct port_row *rows = calloc(n ? n : 1, sizeof(*rows));
	struct port_group *groups = calloc(n ? n : 1, sizeof(*groups));
	struct strbuf out = {0}, mappings = {0};
	json_t *p;

	if (!rows || !groups) {
		free(rows);
		free(groups);
		return strdup("");
	}
	json_array_foreach(ports, i, p) {
		const char *ip = json_string_value(json_object_get(p, "IP"));
		const char *type = json_string_value(json_object_get(p, "Type"));

		rows[i].ip = ip ? ip : "";
		rows[i].type = type ? type : "tcp";
		rows[i].private_port = (long)json_integer_value(json_object_get(p, "PrivatePort"));
		rows[i].public_port = (long)json_integer_value(json_object_get(p, "PublicPort"));
	}
	qsort(rows, n, sizeof(*rows), compare_ports);
	for (i = 0; i < n; i++) {
		const struct port_row *r = &rows[i];
		char key[80];
		size_t g;

		snprintf(key, sizeof(key), "%s", r->type);
		if (*r->ip) {
			if (r->public_port != r->private_port) {
				strbuf_addf(&mappings, "%s%s%s%s:%ld->%ld/%s", mappings.len ? ", " : "",
					    strchr(r->ip, ':') ? "[" : "", r->ip,
					    strchr(r->ip, ':') ? "]" : "", r->public_port,
					    r->private_port, r->type);
				continue;
			}
			snprintf(key, sizeof(key), "%s/%s", r->ip, r->type);
		}
		for (g = 0; g < ngroups && strcmp(groups[g].key, key) != 0; g++)
			;
		if (g == ngroups) {
			snprintf(groups[ngroups].key, sizeof(groups[ngroups].key), "%s", key);
			groups[ngroups].first = groups[ngroups].last = r->private_port;
			ngroups++;
			continue;
		}
		if (r->private_port == groups[g].last + 1) {
			groups[g].last = r->private_port;
			continue;
		}
		form_group(&out, &groups[g]);
		groups[g].first = groups[g].last = r->private_port;
	}
	for (size_t g = 0; g < ngroups; g++)
		form_group(&out, &groups[g]);
	if (mappings.len) {
		if (out.len)
			strbuf_adds(&out, ", ");
		strbuf_adds(&out, mappings.s);
	}
	strbuf_free(&mappings);
	free(rows);
	free(groups);
	return out.s ? strbuf_steal(&out) : strdup("");
}
