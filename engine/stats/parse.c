/* Parsers over the text of the kernel's cgroup and /proc files. They take
 * the text, never a path, so they are tested on fixtures. */
#include <string.h>

#include "engine/stats/stats.h"

/* Clock ticks per second in /proc/stat and cpuacct.stat: USER_HZ, which
 * Linux fixes at 100 for every architecture's user space. */
#define TICKS_PER_SECOND 100
#define NS_PER_SECOND 1000000000ULL

/* Reads an unsigned decimal at *p, moving past it; false when none. */
static bool read_u64(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		uint64_t d = (uint64_t)(*s - '0');
		v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
	}
	*p = s;
	*out = v;
	return true;
}

/* A JSON integer for a counter (capped at the largest JSON integer). */
static json_t *count_json(uint64_t v)
{
	return json_integer((json_int_t)(v > INT64_MAX ? INT64_MAX : v));
}

/* Moves past spaces and tabs. */
static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The start of the next line, or NULL at the end. */
static const char *next_line(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? nl + 1 : NULL;
}

int stats_parse_u64(const char *text, uint64_t *out)
{
	const char *p = skip_blanks(text);

	if (strncmp(p, "max", 3) == 0 && (p[3] == '\0' || p[3] == '\n')) {
		*out = UINT64_MAX;
		return 0;
	}
	if (!read_u64(&p, out))
		return -1;
	return *p == '\0' || *p == '\n' ? 0 : -1;
}

bool stats_parse_key(const char *text, const char *key, uint64_t *out)
{
	size_t n = strlen(key);

	for (const char *p = text; p && *p; p = next_line(p)) {
		if (strncmp(p, key, n) != 0 || p[n] != ' ')
			continue;
		const char *v = skip_blanks(p + n);
		return read_u64(&v, out);
	}
	return false;
}

json_t *stats_parse_keyed(const char *text)
{
	json_t *obj = json_object();
	char key[128];

	for (const char *p = text; obj && p && *p; p = next_line(p)) {
		const char *sp = strchr(p, ' ');
		const char *nl = strchr(p, '\n');
		uint64_t v;

		if (!sp || (nl && sp > nl) || (size_t)(sp - p) >= sizeof(key) || sp == p)
			continue;
		const char *num = skip_blanks(sp);
		if (!read_u64(&num, &v))
			continue;
		memcpy(key, p, (size_t)(sp - p));
		key[sp - p] = '\0';
		json_object_set_new(obj, key, count_json(v));
	}
	return obj;
}

int stats_parse_proc_stat(const char *text, uint64_t *system_ns, uint32_t *online_cpus)
{
	bool found = false;
	uint32_t cpus = 0;

	for (const char *p = text; p && *p; p = next_line(p)) {
		/* Every cpu line comes first, as glibc also assumes. */
		if (strncmp(p, "cpu", 3) != 0)
			break;
		if (p[3] == ' ') {
			const char *f = p + 3;
			uint64_t ticks = 0, v;
			for (int i = 0; i < 7; i++) {
				f = skip_blanks(f);
				if (!read_u64(&f, &v))
					return -1;
				ticks += v;
			}
			*system_ns = ticks * (NS_PER_SECOND / TICKS_PER_SECOND);
			found = true;
		} else if (p[3] >= '0' && p[3] <= '9') {
			cpus++;
		}
	}
	if (!found)
		return -1;
	*online_cpus = cpus;
	return 0;
}

int stats_parse_meminfo_total(const char *text, uint64_t *bytes)
{
	uint64_t kib;

	for (const char *p = text; p && *p; p = next_line(p)) {
		if (strncmp(p, "MemTotal:", 9) != 0)
			continue;
		const char *v = skip_blanks(p + 9);
		if (!read_u64(&v, &kib))
			return -1;
		*bytes = kib * 1024;
		return 0;
	}
	return -1;
}

/* Reads "major:minor" at *p. */
static bool read_devno(const char **p, uint64_t *major, uint64_t *minor)
{
	const char *s = *p;

	if (!read_u64(&s, major) || *s != ':')
		return false;
	s++;
	if (!read_u64(&s, minor))
		return false;
	*p = s;
	return true;
}

static void add_blkio_entry(json_t *entries, uint64_t major, uint64_t minor, const char *op,
			    uint64_t value)
{
	if (entries)
		json_array_append_new(entries, json_pack("{s:o, s:o, s:s, s:o}", "major",
							 count_json(major), "minor",
							 count_json(minor), "op", op, "value",
							 count_json(value)));
}

void stats_parse_blkio_v1(const char *text, uint64_t *read, uint64_t *write, json_t *entries)
{
	*read = *write = 0;
	for (const char *p = text; p && *p; p = next_line(p)) {
		uint64_t major, minor, value;
		char op[16];
		size_t n;
		const char *s = p;

		/* "Total N" has no device: not an entry. */
		if (!read_devno(&s, &major, &minor))
			continue;
		s = skip_blanks(s);
		n = strcspn(s, " \t\n");
		if (n == 0 || n >= sizeof(op))
			continue;
		memcpy(op, s, n);
		op[n] = '\0';
		s = skip_blanks(s + n);
		if (!read_u64(&s, &value))
			continue;
		if (strcmp(op, "Read") == 0)
			*read += value;
		else if (strcmp(op, "Write") == 0)
			*write += value;
		add_blkio_entry(entries, major, minor, op, value);
	}
}

void stats_parse_io_v2(const char *text, uint64_t *read, uint64_t *write, json_t *entries)
{
	*read = *write = 0;
	for (const char *p = text; p && *p; p = next_line(p)) {
		uint64_t major, minor, rbytes = 0, wbytes = 0, v;
		const char *s = p;

		if (!read_devno(&s, &major, &minor))
			continue;
		while (*s && *s != '\n') {
			s = skip_blanks(s);
			const char *eq = strchr(s, '=');
			size_t klen = strcspn(s, " =\n");
			if (!eq || s + klen != eq)
				break;
			const char *num = eq + 1;
			if (!read_u64(&num, &v))
				break;
			if (klen == 6 && strncmp(s, "rbytes", 6) == 0)
				rbytes = v;
			else if (klen == 6 && strncmp(s, "wbytes", 6) == 0)
				wbytes = v;
			s = num;
		}
		*read += rbytes;
		*write += wbytes;
		add_blkio_entry(entries, major, minor, "read", rbytes);
		add_blkio_entry(entries, major, minor, "write", wbytes);
	}
}

void stats_parse_netdev(const char *text, uint64_t *rx, uint64_t *tx, json_t *networks)
{
	*rx = *tx = 0;
	for (const char *p = text; p && *p; p = next_line(p)) {
		const char *colon = strchr(p, ':'), *nl = strchr(p, '\n');
		uint64_t f[16] = {0};
		char name[64];
		const char *s;
		int n = 0;

		/* The two header lines have '|' and no "name:" start. */
		if (!colon || (nl && colon > nl))
			continue;
		s = skip_blanks(p);
		if ((size_t)(colon - s) >= sizeof(name) || colon == s)
			continue;
		memcpy(name, s, (size_t)(colon - s));
		name[colon - s] = '\0';
		for (s = colon + 1; n < 16; n++) {
			s = skip_blanks(s);
			if (!read_u64(&s, &f[n]))
				break;
		}
		if (n < 16 || strcmp(name, "lo") == 0)
			continue;
		/* rx: bytes packets errs drop ... ; tx from the ninth field on. */
		*rx += f[0];
		*tx += f[8];
		if (networks)
			json_object_set_new(
				networks, name,
				json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "rx_bytes",
					  count_json(f[0]), "rx_packets", count_json(f[1]),
					  "rx_errors", count_json(f[2]), "rx_dropped",
					  count_json(f[3]), "tx_bytes", count_json(f[8]),
					  "tx_packets", count_json(f[9]), "tx_errors",
					  count_json(f[10]), "tx_dropped", count_json(f[11])));
	}
}

/* Whether a comma list holds the word. */
static bool list_has(const char *list, size_t len, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p < list + len;) {
		const char *comma = memchr(p, ',', (size_t)(list + len - p));
		size_t item = comma ? (size_t)(comma - p) : (size_t)(list + len - p);
		if (item == n && strncmp(p, word, n) == 0)
			return true;
		if (!comma)
			break;
		p = comma + 1;
	}
	return false;
}

int stats_parse_proc_cgroup(const char *text, const char *controller, char *path, size_t n)
{
	for (const char *p = text; p && *p; p = next_line(p)) {
		/* hierarchy-id:controller-list:path */
		const char *c1 = strchr(p, ':'), *nl = strchr(p, '\n');
		const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		size_t len;

		if (!c2 || (nl && c2 > nl))
			continue;
		if (controller ? !list_has(c1 + 1, (size_t)(c2 - c1 - 1), controller)
			       : !(c2 == c1 + 1 && p[0] == '0' && c1 == p + 1))
			continue;
		len = nl ? (size_t)(nl - c2 - 1) : strlen(c2 + 1);
		if (len == 0 || len >= n)
			return -1;
		memcpy(path, c2 + 1, len);
		path[len] = '\0';
		return 0;
	}
	return -1;
}

json_t *stats_parse_percpu(const char *text)
{
	json_t *arr = json_array();
	const char *p = text;
	uint64_t v;

	while (arr) {
		p = skip_blanks(p);
		if (!read_u64(&p, &v))
			break;
		json_array_append_new(arr, count_json(v));
	}
	return arr;
}
