/* berth-logger --compress <file>: gzips a rotated log to <file>.gz (through
 * a temporary name, so a reader sees the plain file or the whole .gz) and
 * removes <file>. Level 1: logs compress well at any level, and the
 * monitor waits for the last compression before it rotates again. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "logger.h"

int compress_file(const char *path)
{
	char gz_path[PATH_MAX], tmp[PATH_MAX + 32];
	char buf[65536];
	int in, out, rc = 1;

	if (snprintf(gz_path, sizeof(gz_path), "%s.gz", path) >= (int)sizeof(gz_path))
		return 1;
	snprintf(tmp, sizeof(tmp), "%s.tmp-%d", gz_path, (int)getpid());
	in = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0)
		return 1;
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (out < 0) {
		close(in);
		return 1;
	}
	gzFile gz = gzdopen(out, "wb1");
	if (!gz) {
		close(out);
		close(in);
		unlink(tmp);
		return 1;
	}
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (n == 0) {
			rc = 0;
			break;
		}
		if (gzwrite(gz, buf, (unsigned)n) != (int)n)
			break;
	}
	if (gzclose(gz) != Z_OK)
		rc = 1;
	close(in);
	if (rc == 0 && rename(tmp, gz_path) == 0)
		unlink(path);
	else
		unlink(tmp);
	return rc;
}
