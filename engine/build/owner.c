/* --chown user[:group]: numbers as they are, names from the image's own
 * /etc/passwd and /etc/group, read by fd inside its root (never NSS). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/build/internal.h"
#include "engine/core/fsutil.h"

/* Field 3 (the id) of the line whose first field is name; field 4 (the
 * primary group) into *group when not NULL. */
static bool numeric(const char *s, long *out);

static int lookup_file(int root_fd, const char *file, const char *name, long *id, long *group)
{
	/* a regular file only: a fifo in a hostile image never blocks */
	int fd = fs_open_regular_in_root(root_fd, file, NULL);
	FILE *f;
	char line[4096];
	size_t nlen = strlen(name);
	int found = -1;

	if (fd < 0)
		return -1;
	/* back to blocking reads: it is a regular file */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -1;
	}
	bool midline = false;
	while (fgets(line, sizeof(line), f)) {
		char *fields[5] = {line}, *p = line;
		int n = 1;
		/* a line longer than the buffer is no entry, nor is its rest */
		bool whole = strchr(line, '\n') || feof(f), skip = midline || !whole;

		midline = !whole;
		if (skip)
			continue;

		if (strncmp(line, name, nlen) != 0 || line[nlen] != ':')
			continue;
		while (n < 5 && (p = strchr(p, ':'))) {
			*p++ = '\0';
			fields[n++] = p;
		}
		if (n < 3)
			continue;
		fields[n - 1][strcspn(fields[n - 1], "\n")] = '\0';
		if (!numeric(fields[2], id))
			break; /* a malformed entry: not found */
		if (group && n >= 4 && !numeric(fields[3], group))
			break;
		found = 0;
		break;
	}
	fclose(f);
	return found;
}

static bool numeric(const char *s, long *out)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*out = strtol(s, &end, 10);
	return !*end && errno == 0 && *out >= 0 && *out <= 0x7fffffff;
}

int build_lookup_owner(int root_fd, const char *spec, uid_t *uid, gid_t *gid, berr *err)
{
	char user[256], *group;
	long u, g = -1;

	snprintf(user, sizeof(user), "%s", spec);
	group = strchr(user, ':');
	if (group)
		*group++ = '\0';
	if (!numeric(user, &u) && lookup_file(root_fd, "etc/passwd", user, &u, &g) < 0)
		return berr_set(err, BERR_INVALID,
				"unable to convert uid/gid chown string to host mapping: can't find uid for user %s: no such user: %s",
				user, user);
	if (group && !numeric(group, &g) && lookup_file(root_fd, "etc/group", group, &g, NULL) < 0)
		return berr_set(err, BERR_INVALID,
				"unable to convert uid/gid chown string to host mapping: can't find gid for group %s: no such group: %s",
				group, group);
	if (!group)
		g = u; /* BuildKit: a lone user takes the same number as group */
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}
