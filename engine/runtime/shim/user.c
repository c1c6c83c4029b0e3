/* The container's user: "user[:group]" and group-add resolved from the
 * rootfs' /etc/passwd and /etc/group, read as plain files (never NSS, which
 * would load libraries from the container). Runs after pivot_root. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim.h"

/* Opens an /etc file of the image; NULL when it is missing or not a regular
 * file (a FIFO planted there must not hang the start). */
static FILE *etc_open(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	FILE *f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

/* Splits a line at ':' keeping empty fields; returns the count. */
static int split_colon(char *line, char **f, int max)
{
	int n = 0;
	line[strcspn(line, "\n")] = '\0';
	while (n < max) {
		f[n++] = line;
		char *c = strchr(line, ':');
		if (!c)
			break;
		*c = '\0';
		line = c + 1;
	}
	return n;
}

/* A decimal id filling the whole string. */
static int parse_id(const char *s, unsigned *out)
{
	char *end;
	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > 0xfffffffeul)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Finds a passwd entry by name or, for a number, by uid. */
static int passwd_find(const char *user, char *name, size_t name_size, struct user_ids *ids)
{
	FILE *f = etc_open("/etc/passwd");
	char *line = NULL, *fld[7];
	size_t cap = 0;
	unsigned num, uid, gid;
	int numeric = parse_id(user, &num) == 0, found = 0;
	if (!f)
		return 0;
	while (!found && getline(&line, &cap, f) > 0) {
		if (split_colon(line, fld, 7) < 7 || parse_id(fld[2], &uid) ||
		    parse_id(fld[3], &gid))
			continue;
		if (numeric ? uid != num : strcmp(fld[0], user))
			continue;
		ids->uid = uid;
		ids->gid = gid;
		snprintf(ids->home, sizeof(ids->home), "%s", fld[5][0] ? fld[5] : "/");
		snprintf(name, name_size, "%s", fld[0]);
		found = 1;
	}
	free(line);
	fclose(f);
	return found;
}

/* Appends a gid unless present. */
static int add_gid(struct user_ids *ids, gid_t g)
{
	for (size_t i = 0; i < ids->n_groups; i++)
		if (ids->groups[i] == g)
			return 0;
	gid_t *v = realloc(ids->groups, (ids->n_groups + 1) * sizeof(*v));
	if (!v)
		return -1;
	ids->groups = v;
	ids->groups[ids->n_groups++] = g;
	return 0;
}

/* Whether a comma member list holds name. */
static int is_member(char *members, const char *name)
{
	for (char *save, *m = strtok_r(members, ",", &save); m; m = strtok_r(NULL, ",", &save))
		if (!strcmp(m, name))
			return 1;
	return 0;
}

/* Resolves a group by name or number; with member set, collects instead the
 * groups that list member. Returns 1 when found. */
static int group_find(const char *group, const char *member, gid_t *gid, struct user_ids *ids)
{
	FILE *f = etc_open("/etc/group");
	char *line = NULL, *fld[4];
	size_t cap = 0;
	unsigned num, g;
	int numeric = group && parse_id(group, &num) == 0, found = 0;
	if (!f)
		return 0;
	while (!found && getline(&line, &cap, f) > 0) {
		int n = split_colon(line, fld, 4);
		if (n < 3 || parse_id(fld[2], &g))
			continue;
		if (member) {
			if (n == 4 && is_member(fld[3], member) && add_gid(ids, g) < 0)
				break;
		} else if (numeric ? g == num : !strcmp(fld[0], group)) {
			*gid = g;
			found = 1;
		}
	}
	free(line);
	fclose(f);
	return found;
}

int user_resolve(const struct spec *s, struct user_ids *ids, struct shim_err *err)
{
	char spec_user[256], name[256] = "";
	char *group = NULL;
	unsigned num;
	memset(ids, 0, sizeof(*ids));
	strcpy(ids->home, "/");
	snprintf(spec_user, sizeof(spec_user), "%s", s->user ? s->user : "");
	if ((group = strchr(spec_user, ':')))
		*group++ = '\0';
	const char *user = spec_user[0] ? spec_user : "0";
	if (!passwd_find(user, name, sizeof(name), ids)) {
		if (parse_id(user, &num) < 0)
			return shim_fail(err, "system", "unable to find user %s: %s", user,
					 "no matching entries in passwd file");
		ids->uid = num;
		ids->gid = 0;
	}
	if (group && *group) {
		gid_t g;
		if (group_find(group, NULL, &g, ids))
			ids->gid = g;
		else if (parse_id(group, &num) == 0)
			ids->gid = num;
		else
			return shim_fail(err, "system", "unable to find group %s: %s", group,
					 "no matching entries in group file");
	} else if (name[0]) {
		group_find(NULL, name, NULL, ids);
	}
	for (size_t i = 0; i < s->group_add.n; i++) {
		const char *ga = s->group_add.v[i];
		gid_t g;
		if (group_find(ga, NULL, &g, ids) || (parse_id(ga, &num) == 0 && (g = num, 1))) {
			if (add_gid(ids, g) < 0)
				return shim_sys(err, "group-add");
		} else {
			return shim_fail(err, "system", "Unable to find group %s: %s", ga,
					 "no matching entries in group file");
		}
	}
	return 0;
}

int user_switch(const struct user_ids *ids, struct shim_err *err)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return shim_sys(err, "keep capabilities");
	if (setgroups(ids->n_groups, ids->groups) < 0)
		return shim_sys(err, "setgroups");
	if (setresgid(ids->gid, ids->gid, ids->gid) < 0)
		return shim_sys(err, "setresgid %u", (unsigned)ids->gid);
	if (setresuid(ids->uid, ids->uid, ids->uid) < 0)
		return shim_sys(err, "setresuid %u", (unsigned)ids->uid);
	return 0;
}
