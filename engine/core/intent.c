/* Intents: records of changes in progress, kept in the run root (a tmpfs
 * at /run/berth: a reboot ends every change anyway). */
#include "engine/core/intent.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/fsutil.h"

int intent_begin(struct engine *engine, const char *kind, const char *id, char *path, size_t n,
		 berr *err)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/intents", engine_run_root(engine));
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return berr_sys(err, "creating %s", dir);
	if ((size_t)snprintf(path, n, "%s/%s-%s", dir, kind, id) >= n)
		return berr_set(err, BERR_INVALID, "path too long: %s", dir);
	return proc_pidfile_write(path, err);
}

void intent_end(const char *path)
{
	if (path && path[0])
		unlink(path);
}

json_t *intent_orphans(struct engine *engine, const char *kind)
{
	char dir[PATH_MAX], path[PATH_MAX + 300];
	size_t klen = strlen(kind);
	json_t *found = json_array();
	struct dirent *de;
	pid_t pid;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/intents", engine_run_root(engine));
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, kind, klen) != 0 || de->d_name[klen] != '-')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!proc_pidfile_alive(path, &pid))
			json_array_append_new(found, json_pack("[s, s]", de->d_name + klen + 1, path));
	}
	if (d)
		closedir(d);
	return found;
}
