/* Where a container's cgroups are on the host, for the engine's own uses
 * (freezing, listing processes). The monitor creates them as
 * <mount>/<parent>/<id> in every v1 hierarchy and in the v2 tree. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/container/cgroup.h"
#include "engine/core/fsutil.h"

int container_cgroup_mount(const char *controller, char *out, size_t n)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int rc = -1;

	if (!f)
		return -1;
	while (rc < 0 && fgets(line, sizeof(line), f)) {
		char *fields[16], *save = NULL, *tok;
		int nf = 0;
		for (tok = strtok_r(line, " \n", &save); tok && nf < 16; tok = strtok_r(NULL, " \n", &save))
			fields[nf++] = tok;
		/* id parent major:minor root mount-point options [optional...] - type source super-options */
		int dash = -1;
		for (int i = 6; i < nf; i++)
			if (strcmp(fields[i], "-") == 0) {
				dash = i;
				break;
			}
		if (dash < 0 || dash + 3 >= nf)
			continue;
		const char *type = fields[dash + 1], *opts = fields[dash + 3];
		if (!controller && strcmp(type, "cgroup2") == 0) {
			snprintf(out, n, "%s", fields[4]);
			rc = 0;
		} else if (controller && strcmp(type, "cgroup") == 0) {
			char copy[1024], *o, *osave = NULL;
			snprintf(copy, sizeof(copy), "%s", opts);
			for (o = strtok_r(copy, ",", &osave); o; o = strtok_r(NULL, ",", &osave))
				if (strcmp(o, controller) == 0) {
					snprintf(out, n, "%s", fields[4]);
					rc = 0;
				}
		}
	}
	fclose(f);
	return rc;
}

const char *container_cgroup_parent(void)
{
	const char *parent = getenv("BERTH_CGROUP_PARENT");

	return parent && *parent ? parent : "berth";
}

int container_cgroup_dir(const char *controller, const char *id, char *out, size_t n)
{
	char mount[PATH_MAX];

	if (container_cgroup_mount(controller, mount, sizeof(mount)) < 0)
		return -1;
	snprintf(out, n, "%s/%s/%s", mount, container_cgroup_parent(), id);
	return 0;
}

int container_cgroup_pids(const char *id, pid_t **out, size_t *count, berr *err)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], line[64];
	static const char *const sources[] = {"pids", "memory", "cpu", NULL};
	pid_t *pids = NULL;
	size_t len = 0, cap = 0;
	FILE *f = NULL;

	for (const char *const *s = sources; *s && !f; s++)
		if (container_cgroup_dir(*s, id, dir, sizeof(dir)) == 0) {
			snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
			f = fopen(path, "re");
		}
	if (!f && container_cgroup_dir(NULL, id, dir, sizeof(dir)) == 0) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		f = fopen(path, "re");
	}
	if (!f)
		return berr_set(err, BERR_SYSTEM, "cannot find the cgroup of container %s", id);
	while (fgets(line, sizeof(line), f)) {
		if (len == cap) {
			cap = cap ? cap * 2 : 32;
			pid_t *grown = realloc(pids, cap * sizeof(*pids));
			if (!grown) {
				free(pids);
				fclose(f);
				return berr_errno(err, ENOMEM, "listing processes");
			}
			pids = grown;
		}
		pids[len++] = (pid_t)atoi(line);
	}
	fclose(f);
	*out = pids;
	*count = len;
	return 0;
}

/* Removes <mount>/<parent>/<id> from every cgroup hierarchy: what a monitor
 * killed before it could clean up leaves behind. Waits a little for the
 * container's last processes to leave (they die with its init). */
void container_cgroup_remove(const char *id)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], dir[PATH_MAX];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *fields[16], *save = NULL, *tok;
		int nf = 0, dash = -1;

		for (tok = strtok_r(line, " \n", &save); tok && nf < 16;
		     tok = strtok_r(NULL, " \n", &save))
			fields[nf++] = tok;
		for (int i = 6; i < nf; i++)
			if (strcmp(fields[i], "-") == 0) {
				dash = i;
				break;
			}
		if (dash < 0 || dash + 1 >= nf ||
		    (strcmp(fields[dash + 1], "cgroup") != 0 && strcmp(fields[dash + 1], "cgroup2") != 0))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s/%s", fields[4], container_cgroup_parent(), id);
		for (int tries = 0; tries < 100; tries++) {
			if (rmdir(dir) == 0 || errno != EBUSY)
				break;
			struct timespec ts = {0, 10000000};
			nanosleep(&ts, NULL);
		}
	}
	fclose(f);
}

bool container_cgroup_has(const char *controller)
{
	char mount[PATH_MAX], path[PATH_MAX + 32], *text = NULL;
	bool found = false;

	if (container_cgroup_mount(controller, mount, sizeof(mount)) == 0)
		return true;
	if (container_cgroup_mount(NULL, mount, sizeof(mount)) < 0)
		return false;
	if (strcmp(controller, "freezer") == 0)
		return true;
	snprintf(path, sizeof(path), "%s/cgroup.controllers", mount);
	if (fs_read_file(path, &text, NULL, NULL) < 0)
		return false;
	for (char *save = NULL, *w = strtok_r(text, " \n", &save); w && !found;
	     w = strtok_r(NULL, " \n", &save))
		found = strcmp(w, controller) == 0;
	free(text);
	return found;
}
