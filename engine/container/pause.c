/* container.pause and container.unpause: the freezer (cgroup v1) or
 * cgroup.freeze (v2), waiting until the kernel says the cgroup is frozen. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/container/cgroup.h"
#include "engine/container/internal.h"
#include "engine/container/pause.h"
#include "engine/core/fsutil.h"
#include "engine/core/intent.h"

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static bool file_contains(const char *path, const char *needle)
{
	char buf[512];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

/* Freezes or thaws, then waits up to two seconds for the state to settle. */
static int set_frozen(const char *id, bool frozen, berr *err)
{
	char dir[PATH_MAX], ctl[PATH_MAX + 32], state[PATH_MAX + 32];
	const char *want;

	if (container_cgroup_dir("freezer", id, dir, sizeof(dir)) == 0 && access(dir, F_OK) == 0) {
		snprintf(ctl, sizeof(ctl), "%s/freezer.state", dir);
		snprintf(state, sizeof(state), "%s/freezer.state", dir);
		want = frozen ? "FROZEN" : "THAWED";
		if (write_text(ctl, want) < 0)
			return berr_sys(err, "writing %s", ctl);
	} else if (container_cgroup_dir(NULL, id, dir, sizeof(dir)) == 0 && access(dir, F_OK) == 0) {
		snprintf(ctl, sizeof(ctl), "%s/cgroup.freeze", dir);
		snprintf(state, sizeof(state), "%s/cgroup.events", dir);
		want = frozen ? "frozen 1" : "frozen 0";
		if (write_text(ctl, frozen ? "1" : "0") < 0)
			return berr_sys(err, "writing %s", ctl);
	} else {
		return berr_set(err, BERR_SYSTEM, "no freezer cgroup for container %s", id);
	}
	for (int i = 0; i < 2000; i++) {
		if (file_contains(state, want))
			return 0;
		/* v1 needs the request repeated while FREEZING. */
		if (frozen && strstr(ctl, "freezer.state"))
			write_text(ctl, "FROZEN");
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	return berr_set(err, BERR_SYSTEM, "container %s did not %s in time", id,
			frozen ? "freeze" : "thaw");
}

static int save_state(struct engine *engine, struct container *c, const char *state,
		      const char *action, berr *err)
{
	struct store *st = engine_store(engine, err);

	if (!st || store_begin(st, err) < 0)
		return -1;
	snprintf(c->state, sizeof(c->state), "%s", state);
	if (container_save(st, c, err) < 0) {
		store_rollback(st);
		return -1;
	}
	engine_emit(engine, "container", action, c->id,
		    json_pack("{s:s, s:s}", "image", c->image_ref, "name", c->name));
	return store_commit(st, err);
}

/* Freezes or thaws under the container's lock, with the change recorded
 * as an intent first: a berth killed between the kernel's change and the
 * row's leaves the intent, and the next berth makes the row say what the
 * kernel says (intent.c). */
static int change_freezer(struct engine *engine, struct container *c, bool frozen, berr *err)
{
	char intent[PATH_MAX];
	int lock, rc = -1;

	lock = container_lock(engine, c->id, true, err);
	if (lock < 0)
		return -1;
	if (intent_begin(engine, "pause", c->id, intent, sizeof(intent), err) < 0)
		goto out;
	if (set_frozen(c->id, frozen, err) < 0) {
		if (frozen)
			set_frozen(c->id, false, NULL);
	} else {
		rc = save_state(engine, c, frozen ? "paused" : "running",
				frozen ? "pause" : "unpause", err);
	}
	intent_end(intent);
out:
	container_unlock(lock);
	return rc;
}

int container_pause(struct engine *engine, struct container *c, berr *err)
{
	if (strcmp(c->state, "paused") == 0)
		return berr_set(err, BERR_CONFLICT, "container %s is already paused", c->id);
	if (strcmp(c->state, "running") != 0)
		return berr_set(err, BERR_CONFLICT, "container %s is not running", c->id);
	return change_freezer(engine, c, true, err);
}

int container_unpause(struct engine *engine, struct container *c, berr *err)
{
	if (strcmp(c->state, "paused") != 0)
		return berr_set(err, BERR_CONFLICT, "container %s is not paused", c->id);
	return change_freezer(engine, c, false, err);
}

int container_record_frozen(struct engine *engine, struct container *c, bool frozen, berr *err)
{
	return save_state(engine, c, frozen ? "paused" : "running", frozen ? "pause" : "unpause",
			  err);
}

bool container_frozen(const char *id)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];

	if (container_cgroup_dir("freezer", id, dir, sizeof(dir)) == 0 && access(dir, F_OK) == 0) {
		snprintf(path, sizeof(path), "%s/freezer.state", dir);
		return file_contains(path, "FROZEN") || file_contains(path, "FREEZING");
	}
	if (container_cgroup_dir(NULL, id, dir, sizeof(dir)) == 0) {
		snprintf(path, sizeof(path), "%s/cgroup.freeze", dir);
		return file_contains(path, "1");
	}
	return false;
}
