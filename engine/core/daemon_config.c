/* Finding and parsing daemon.json (see daemon_config.h). */
#include "engine/core/daemon_config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/fsutil.h"
#include "engine/core/sha256.h"

const char *daemon_config_path(void)
{
	const char *p = getenv("BERTH_CONFIG");

	return p && *p ? p : "/etc/berth/daemon.json";
}

int daemon_config_bad(berr *err, const char *fmt, const char *arg)
{
	char what[PATH_MAX + 256];

	snprintf(what, sizeof(what), fmt, arg);
	return berr_set(err, BERR_INVALID, "unable to configure the berth engine with file %s: %s",
			daemon_config_path(), what);
}

int daemon_config_read(json_t **out, berr *err)
{
	const char *asked = getenv("BERTH_CONFIG");
	json_error_t jerr;
	json_t *root;
	char *text = NULL;
	size_t len = 0;
	berr read_err = {0};

	*out = NULL;
	/* a fifo or a device named by mistake must not hang or flood berth */
	struct stat st;
	int fd = open(daemon_config_path(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		bool bad = fstat(fd, &st) < 0 || !S_ISREG(st.st_mode);
		bool big = !bad && st.st_size > (1 << 20);
		close(fd);
		if (bad)
			return daemon_config_bad(err, "%s", "not a regular file");
		if (big)
			return daemon_config_bad(err, "%s", "larger than 1 MiB");
	}
	if (fs_read_file(daemon_config_path(), &text, &len, &read_err) < 0) {
		/* no file at the default path: the defaults; one the user named
		 * must be there (dockerd --config-file) */
		if (read_err.sys_errno == ENOENT && !(asked && *asked)) {
			*out = json_object();
			return 0;
		}
		if (read_err.sys_errno == ENOENT)
			return daemon_config_bad(err, "open %s: no such file or directory",
						 daemon_config_path());
		return daemon_config_bad(err, "%s", read_err.msg);
	}
	/* as dockerd: a UTF-8 byte order mark is skipped, an empty file is {} */
	const char *body = text;
	if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0) {
		body += 3;
		len -= 3;
	}
	size_t blank = 0;
	while (blank < len && strchr(" \t\r\n", body[blank]))
		blank++;
	if (blank == len) {
		free(text);
		*out = json_object();
		return 0;
	}
	/* a key given twice: the last one, as Go's encoding/json reads it */
	root = json_loadb(body, len, 0, &jerr);
	free(text);
	if (!root) {
		char where[256];
		snprintf(where, sizeof(where), "line %d, column %d: %s", jerr.line, jerr.column,
			 jerr.text);
		return daemon_config_bad(err, "%s", where);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return daemon_config_bad(err, "%s", "the configuration is not a JSON object");
	}
	*out = root;
	return 0;
}

/* The file's digest as last seen, kept in the data root. */
bool daemon_config_first_sight(const char *data_root)
{
	char *text = NULL, seen_path[4096], digest[65], *seen = NULL;
	size_t len = 0, seen_len = 0;
	bool first;

	if (fs_read_file(daemon_config_path(), &text, &len, NULL) < 0)
		return false;
	sha256_data_hex(text, len, digest);
	free(text);
	snprintf(seen_path, sizeof(seen_path), "%s/daemon.json.seen", data_root);
	first = fs_read_file(seen_path, &seen, &seen_len, NULL) < 0 || seen_len < 64 ||
		memcmp(seen, digest, 64) != 0;
	free(seen);
	if (first)
		fs_write_atomic_mode(seen_path, digest, 64, 0600, NULL);
	return first;
}

int daemon_config_seccomp_profile(const char *path, char **out, berr *err)
{
	json_error_t jerr;
	json_t *profile = json_load_file(path, 0, &jerr);

	*out = NULL;
	if (!profile)
		return daemon_config_bad(err, "opening seccomp profile (%s) failed", path);
	*out = json_dumps(profile, JSON_COMPACT);
	json_decref(profile);
	return *out ? 0 : daemon_config_bad(err, "%s", "out of memory");
}
