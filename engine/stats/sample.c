/* Reading a container's counters: where its cgroup files are on this host
 * (v1 controllers, the v2 tree, or both on a hybrid host) and the files
 * themselves, plus /proc/<pid>/net/dev for its network namespace. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/clock.h"
#include "engine/stats/stats.h"

#define SMALL_FILE 8192
#define TICK_NS 10000000ULL /* one USER_HZ tick */

/* Where this host keeps each controller's files; found once per process. */
struct cg_mounts {
	char *mnt[STATS_CTRL_COUNT];  /* mount point holding the controller, NULL: none */
	char *root[STATS_CTRL_COUNT]; /* the mount's root within its hierarchy */
	bool v2[STATS_CTRL_COUNT];
};

static struct cg_mounts mounts;
static pthread_once_t mounts_once = PTHREAD_ONCE_INIT;

/* The v1 hierarchy that holds each controller's files. */
static const char *const v1_names[STATS_CTRL_COUNT] = {"cpuacct", "memory", "blkio", "pids",
							 "cpu"};
/* The v2 controller (cpu.stat exists without the cpu controller). */
static const char *const v2_names[STATS_CTRL_COUNT] = {NULL, "memory", "io", "pids", "cpu"};

/* Reads dir/file (or path when file is NULL) into buf; returns its length or -1. */
static ssize_t read_small(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX];
	size_t len = 0;
	ssize_t r;
	int fd;

	if (file) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >= sizeof(path))
			return -1;
		dir = path;
	}
	fd = open(dir, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len + 1 < size && (r = read(fd, buf + len, size - 1 - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

/* Reads a file holding one number. */
static bool read_u64_file(const char *dir, const char *file, uint64_t *out)
{
	char buf[64];

	return read_small(dir, file, buf, sizeof(buf)) > 0 && stats_parse_u64(buf, out) == 0;
}

/* Decodes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape_octal(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* Whether a comma list holds the word. */
static bool opts_have(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, word, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* Whether a space list holds the word. */
static bool words_have(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && *p;) {
		p += strspn(p, " \n");
		if (strncmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
		p += strcspn(p, " \n");
	}
	return false;
}

/* Walks /proc/self/mountinfo once: v1 hierarchies win where they hold a
 * controller (a hybrid host's unified tree usually holds none). */
static void find_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *v2_mnt = NULL, *v2_root = NULL;
	size_t cap = 0;

	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		char *fld[6], *save, *sep = strstr(line, " - ");
		int n = 0;
		if (!sep)
			continue;
		*sep = '\0';
		for (char *t = strtok_r(line, " ", &save); t && n < 6;
		     t = strtok_r(NULL, " ", &save))
			fld[n++] = t;
		char *type = strtok_r(sep + 3, " ", &save);
		strtok_r(NULL, " ", &save);
		char *super = strtok_r(NULL, " \n", &save);
		if (n < 5 || !type || !super)
			continue;
		unescape_octal(fld[3]);
		unescape_octal(fld[4]);
		if (strcmp(type, "cgroup2") == 0 && !v2_mnt) {
			v2_mnt = strdup(fld[4]);
			v2_root = strdup(fld[3]);
			continue;
		}
		if (strcmp(type, "cgroup") != 0)
			continue;
		for (int c = 0; c < STATS_CTRL_COUNT; c++) {
			if (mounts.mnt[c] || !opts_have(super, v1_names[c]))
				continue;
			mounts.mnt[c] = strdup(fld[4]);
			mounts.root[c] = strdup(fld[3]);
		}
	}
	free(line);
	fclose(f);
	if (v2_mnt && v2_root) {
		char controllers[1024];
		if (read_small(v2_mnt, "cgroup.controllers", controllers, sizeof(controllers)) < 0)
			controllers[0] = '\0';
		for (int c = 0; c < STATS_CTRL_COUNT; c++) {
			if (mounts.mnt[c] || (v2_names[c] && !words_have(controllers, v2_names[c])))
				continue;
			mounts.mnt[c] = strdup(v2_mnt);
			mounts.root[c] = strdup(v2_root);
			mounts.v2[c] = true;
		}
	}
	free(v2_mnt);
	free(v2_root);
}

/* Whether path is ".../<id>". */
static bool ends_with_id(const char *path, const char *id)
{
	size_t pl = strlen(path), il = strlen(id);

	return pl > il && path[pl - il - 1] == '/' && strcmp(path + pl - il, id) == 0;
}

/* Points the target at <mount>/<parent>/<id> in every hierarchy, where the
 * monitor makes the container's cgroups under this process's parent. */
static void guess_dirs(struct stats_target *t)
{
	char dir[PATH_MAX];

	pthread_once(&mounts_once, find_mounts);
	for (int c = 0; c < STATS_CTRL_COUNT; c++) {
		free(t->dir[c]);
		t->dir[c] = NULL;
		if (!mounts.mnt[c])
			continue;
		snprintf(dir, sizeof(dir), "%s/%s/%s", mounts.mnt[c], t->cgroup_parent, t->id);
		t->dir[c] = strdup(dir);
		t->v2[c] = mounts.v2[c];
	}
	t->resolved = true;
}

/* Finds the container's directories from its init's /proc/<pid>/cgroup:
 * right whatever parent it was started under. False when that says nothing
 * about this container. */
static bool resolve_dirs(struct stats_target *t)
{
	char text[4096], proc[64], rel[PATH_MAX], dir[PATH_MAX];
	bool found = false;

	snprintf(proc, sizeof(proc), "/proc/%d/cgroup", t->pid);
	if (read_small(proc, NULL, text, sizeof(text)) <= 0)
		return false;
	for (int c = 0; c < STATS_CTRL_COUNT; c++) {
		const char *mnt = mounts.mnt[c], *root = mounts.root[c], *r = rel;
		size_t rootlen = root ? strlen(root) : 0;

		const char *ctrl = mounts.v2[c] ? NULL : v1_names[c];
		if (!mnt || stats_parse_proc_cgroup(text, ctrl, rel, sizeof(rel)) < 0 ||
		    !ends_with_id(rel, t->id))
			continue;
		/* A mount of a sub-tree shows paths relative to its root. */
		if (rootlen > 1 && strncmp(rel, root, rootlen) == 0 && rel[rootlen] == '/')
			r = rel + rootlen;
		snprintf(dir, sizeof(dir), "%s%s", strcmp(mnt, "/") == 0 ? "" : mnt, r);
		free(t->dir[c]);
		t->dir[c] = strdup(dir);
		found = true;
	}
	return found;
}

void stats_sample_clear(struct stats_sample *s)
{
	json_decref(s->percpu);
	json_decref(s->mem_stats);
	json_decref(s->blkio);
	json_decref(s->networks);
	memset(s, 0, sizeof(*s));
}

void stats_target_init(struct stats_target *t, const char *id, const char *name, int pid,
		       const char *cgroup_parent)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->id, sizeof(t->id), "%s", id);
	snprintf(t->name, sizeof(t->name), "%s%s", name[0] == '/' ? "" : "/", name);
	t->pid = pid;
	t->cgroup_parent = cgroup_parent;
}

void stats_target_free(struct stats_target *t)
{
	for (int c = 0; c < STATS_CTRL_COUNT; c++)
		free(t->dir[c]);
	stats_sample_clear(&t->pre);
	stats_sample_clear(&t->cur);
	memset(t, 0, sizeof(*t));
}

int stats_read_host(struct stats_host *out, berr *err)
{
	char buf[SMALL_FILE * 4];
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (read_small("/proc/stat", NULL, buf, sizeof(buf)) < 0)
		return berr_sys(err, "reading /proc/stat");
	if (stats_parse_proc_stat(buf, &out->system_cpu, &out->online_cpus) < 0)
		return berr_set(err, BERR_SYSTEM, "reading /proc/stat: unexpected format");
	if (read_small("/proc/meminfo", NULL, buf, sizeof(buf)) < 0)
		return berr_sys(err, "reading /proc/meminfo");
	if (stats_parse_meminfo_total(buf, &out->mem_total) < 0)
		return berr_set(err, BERR_SYSTEM, "reading /proc/meminfo: no MemTotal");
	if (stat("/proc/self/ns/net", &st) == 0) {
		out->netns_dev = st.st_dev;
		out->netns_ino = st.st_ino;
	}
	return 0;
}

/* The CPU counters: cpuacct.usage on v1, cpu.stat on v2. False when the
 * container's cgroup is gone. */
static bool read_cpu_counters(struct stats_target *t, struct stats_sample *s)
{
	const char *dir = t->dir[STATS_CPU];
	char buf[1024];
	uint64_t v;

	if (!dir)
		return false;
	if (!t->v2[STATS_CPU])
		return read_u64_file(dir, "cpuacct.usage", &s->cpu_total);
	if (read_small(dir, "cpu.stat", buf, sizeof(buf)) < 0 ||
	    !stats_parse_key(buf, "usage_usec", &v))
		return false;
	s->cpu_total = v * 1000;
	if (stats_parse_key(buf, "user_usec", &v))
		s->cpu_user = v * 1000;
	if (stats_parse_key(buf, "system_usec", &v))
		s->cpu_kernel = v * 1000;
	stats_parse_key(buf, "nr_periods", &s->throttle_periods);
	stats_parse_key(buf, "nr_throttled", &s->throttled_periods);
	if (stats_parse_key(buf, "throttled_usec", &v))
		s->throttled_time = v * 1000;
	return true;
}

/* Reads the CPU counters into s; leaves s->read 0 when there is nothing. */
static void take_cpu(struct stats_target *t, const struct stats_host *host,
		     struct stats_sample *s)
{
	if (t->pid <= 0)
		return;
	if (!t->resolved) {
		guess_dirs(t);
		/* Started under another parent ($BERTH_CGROUP_PARENT differs): ask the kernel. */
		if (!read_cpu_counters(t, s) && (!resolve_dirs(t) || !read_cpu_counters(t, s)))
			return;
	} else if (!read_cpu_counters(t, s)) {
		return;
	}
	s->system_cpu = host->system_cpu;
	s->online_cpus = host->online_cpus;
	s->read = clock_now_nanos();
	s->mono = clock_mono_nanos();
}

void stats_read_cpu(struct stats_target *t, const struct stats_host *host)
{
	stats_sample_clear(&t->pre);
	t->pre = t->cur;
	memset(&t->cur, 0, sizeof(t->cur));
	take_cpu(t, host, &t->cur);
}

void stats_advance_cpu(struct stats_target *t, const struct stats_host *host)
{
	struct stats_sample now;

	memset(&now, 0, sizeof(now));
	take_cpu(t, host, &now);
	stats_sample_clear(&t->pre);
	/* pre keeps only the older CPU figures; cur keeps everything else it read */
	t->pre.read = t->cur.read;
	t->pre.mono = t->cur.mono;
	t->pre.cpu_total = t->cur.cpu_total;
	t->pre.cpu_user = t->cur.cpu_user;
	t->pre.cpu_kernel = t->cur.cpu_kernel;
	t->pre.throttle_periods = t->cur.throttle_periods;
	t->pre.throttled_periods = t->cur.throttled_periods;
	t->pre.throttled_time = t->cur.throttled_time;
	t->pre.system_cpu = t->cur.system_cpu;
	t->pre.online_cpus = t->cur.online_cpus;
	if (!now.read) {
		stats_sample_clear(&t->cur);
		return;
	}
	t->cur.read = now.read;
	t->cur.cpu_total = now.cpu_total;
	if (t->v2[STATS_CPU]) {
		t->cur.cpu_user = now.cpu_user;
		t->cur.cpu_kernel = now.cpu_kernel;
		t->cur.throttle_periods = now.throttle_periods;
		t->cur.throttled_periods = now.throttled_periods;
		t->cur.throttled_time = now.throttled_time;
	}
	t->cur.mono = now.mono;
	t->cur.online_cpus = now.online_cpus;
	if (t->pre.read && now.mono > t->pre.mono)
		t->cur.system_cpu =
			t->pre.system_cpu + (uint64_t)(now.mono - t->pre.mono) * now.online_cpus;
	else
		t->cur.system_cpu = now.system_cpu;
}

/* v1's user/system split (in ticks), per-CPU usage and throttling. */
static void read_cpu_v1_detail(struct stats_target *t, struct stats_sample *s)
{
	const char *dir = t->dir[STATS_CPU];
	char buf[SMALL_FILE];
	uint64_t v;

	if (read_small(dir, "cpuacct.stat", buf, sizeof(buf)) > 0) {
		if (stats_parse_key(buf, "user", &v))
			s->cpu_user = v * TICK_NS;
		if (stats_parse_key(buf, "system", &v))
			s->cpu_kernel = v * TICK_NS;
	}
	if (read_small(dir, "cpuacct.usage_percpu", buf, sizeof(buf)) > 0)
		s->percpu = stats_parse_percpu(buf);
	dir = t->dir[STATS_CPU_CFS];
	if (dir && read_small(dir, "cpu.stat", buf, sizeof(buf)) > 0) {
		stats_parse_key(buf, "nr_periods", &s->throttle_periods);
		stats_parse_key(buf, "nr_throttled", &s->throttled_periods);
		stats_parse_key(buf, "throttled_time", &s->throttled_time);
	}
}

static void read_memory(struct stats_target *t, const struct stats_host *host,
			struct stats_sample *s)
{
	const char *dir = t->dir[STATS_MEMORY];
	char buf[SMALL_FILE];

	if (!dir)
		return;
	s->mem_v2 = t->v2[STATS_MEMORY];
	if (s->mem_v2) {
		read_u64_file(dir, "memory.current", &s->mem_usage);
		if (!read_u64_file(dir, "memory.max", &s->mem_limit))
			s->mem_limit = UINT64_MAX;
	} else {
		read_u64_file(dir, "memory.usage_in_bytes", &s->mem_usage);
		if (!t->summary) {
			read_u64_file(dir, "memory.max_usage_in_bytes", &s->mem_max_usage);
			read_u64_file(dir, "memory.failcnt", &s->mem_failcnt);
		}
		if (!read_u64_file(dir, "memory.limit_in_bytes", &s->mem_limit))
			s->mem_limit = UINT64_MAX;
	}
	/* No limit (or one above the host's memory) shows the host's memory, as Docker does. */
	if (host->mem_total && s->mem_limit > host->mem_total)
		s->mem_limit = host->mem_total;
	if (read_small(dir, "memory.stat", buf, sizeof(buf)) > 0) {
		const char *key = s->mem_v2 ? "inactive_file" : "total_inactive_file";
		stats_parse_key(buf, key, &s->mem_inactive_file);
		if (t->summary)
			s->mem_stats = json_pack("{s:I}", key, (json_int_t)s->mem_inactive_file);
		else
			s->mem_stats = stats_parse_keyed(buf);
	}
}

static void read_io(struct stats_target *t, struct stats_sample *s)
{
	const char *dir = t->dir[STATS_IO];
	char buf[SMALL_FILE];

	if (!dir)
		return;
	s->blkio = json_array();
	if (t->v2[STATS_IO]) {
		if (read_small(dir, "io.stat", buf, sizeof(buf)) >= 0)
			stats_parse_io_v2(buf, &s->blk_read, &s->blk_write, s->blkio);
	} else if (read_small(dir, "blkio.throttle.io_service_bytes_recursive", buf,
			      sizeof(buf)) >= 0) {
		stats_parse_blkio_v1(buf, &s->blk_read, &s->blk_write, s->blkio);
	}
}

/* Network counters of the init's namespace; none when it shares the host's
 * (Docker reports no networks for --network host). */
static void read_network(struct stats_target *t, const struct stats_host *host,
			 struct stats_sample *s)
{
	char path[64], buf[SMALL_FILE];
	struct stat theirs;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", t->pid);
	if (stat(path, &theirs) < 0)
		return;
	if (theirs.st_ino == host->netns_ino && theirs.st_dev == host->netns_dev)
		return;
	snprintf(path, sizeof(path), "/proc/%d/net/dev", t->pid);
	if (read_small(path, NULL, buf, sizeof(buf)) < 0)
		return;
	s->has_networks = true;
	s->networks = json_object();
	stats_parse_netdev(buf, &s->net_rx, &s->net_tx, s->networks);
}

void stats_read_rest(struct stats_target *t, const struct stats_host *host)
{
	struct stats_sample *s = &t->cur;

	if (!s->read)
		return;
	if (!t->v2[STATS_CPU] && !t->summary)
		read_cpu_v1_detail(t, s);
	read_memory(t, host, s);
	read_io(t, s);
	if (t->dir[STATS_PIDS]) {
		read_u64_file(t->dir[STATS_PIDS], "pids.current", &s->pids);
		if (t->summary || !read_u64_file(t->dir[STATS_PIDS], "pids.max", &s->pids_limit) ||
		    s->pids_limit == UINT64_MAX)
			s->pids_limit = 0;
	}
	read_network(t, host, s);
}
