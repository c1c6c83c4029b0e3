/* Drives berth-shim for test_shim.sh the way berth does: the start pipe on
 * fd 3, an attach socket on fd 4, frames on attach.sock.
 *
 *   shim_helper run <shim> <bundle> <run-dir> [attach options]
 *       spawns the shim, prints "start: <line>"; with --attach passes fd 4
 *       and prints what arrives on it
 *   shim_helper attach <socket> [attach options]
 *       connects to a running shim's attach.sock
 *   shim_helper stall <socket> <seconds>
 *       connects and reads nothing for a while, then drains; prints
 *       "exit=N" when the exit frame still came, "dropped" otherwise
 *   shim_helper seccomp <file>
 *       writes a filter that fails mkdir and mkdirat with EOPNOTSUPP
 *
 * attach options: --stdin TEXT (sent as a stdin frame, repeatable),
 * --close (a zero-length stdin frame), --resize ROWS COLS, --wait-for TEXT
 * (send the rest only once TEXT was seen on stdout). Received frames print
 * as "stdout=...", "stderr=..." (C-escaped, concatenated) and "exit=N". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char out[3][1 << 16];
static size_t out_len[3];

/* Prints bytes C-escaped. */
static void print_escaped(const char *label, const char *s, size_t n)
{
	printf("%s=", label);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\r')
			fputs("\\r", stdout);
		else if (c == '\\')
			fputs("\\\\", stdout);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('\n');
}

/* Reads exactly n bytes; 0 at a clean EOF before any, -1 on error. */
static int read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return got == 0 && r == 0 ? 0 : -1;
		got += (size_t)r;
	}
	return 1;
}

/* The payload length of a frame header. */
static uint32_t frame_len(const unsigned char *h)
{
	return (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
}

/* Sends one frame. */
static void send_frame(int fd, int stream, const char *data, size_t len)
{
	unsigned char h[8] = {(unsigned char)stream, 0, 0, 0, (unsigned char)(len >> 24),
			      (unsigned char)(len >> 16), (unsigned char)(len >> 8),
			      (unsigned char)len};
	if (write(fd, h, 8) != 8 || (len && write(fd, data, len) != (ssize_t)len))
		perror("send frame");
}

/* Sends the queued requests (argv from i on). */
static void send_requests(int fd, char **argv, int i, int argc)
{
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--stdin") && i + 1 < argc) {
			send_frame(fd, 0, argv[i + 1], strlen(argv[i + 1]));
			i++;
		} else if (!strcmp(argv[i], "--close")) {
			send_frame(fd, 0, "", 0);
		} else if (!strcmp(argv[i], "--resize") && i + 2 < argc) {
			char buf[32];
			int n = snprintf(buf, sizeof(buf), "%s %s", argv[i + 1], argv[i + 2]);
			send_frame(fd, 4, buf, (size_t)n);
			i += 2;
		}
	}
}

/* Talks to an attach socket until the exit frame; returns 0 when one came. */
static int attach_session(int fd, char **argv, int i, int argc)
{
	const char *wait_for = NULL;
	int rest = i, exit_code = -1;
	for (int j = i; j < argc; j++)
		if (!strcmp(argv[j], "--wait-for") && j + 1 < argc) {
			wait_for = argv[j + 1];
			rest = j + 2;
			send_requests(fd, argv, i, j);
			break;
		}
	if (!wait_for)
		send_requests(fd, argv, i, argc);
	for (;;) {
		unsigned char h[8];
		char payload[65536];
		int r = read_full(fd, h, 8);
		if (r <= 0)
			break;
		uint32_t len = frame_len(h);
		if (len >= sizeof(payload) || read_full(fd, payload, len) < 0) {
			fprintf(stderr, "bad frame\n");
			return 1;
		}
		if (h[0] == 3) {
			payload[len] = '\0';
			exit_code = atoi(payload);
			/* the exit frame must be the last thing on the connection */
			if (read(fd, h, 1) != 0)
				fprintf(stderr, "data after the exit frame\n");
			break;
		}
		if (h[0] == 1 || h[0] == 2) {
			size_t room = sizeof(out[0]) - 1 - out_len[h[0]];
			size_t take = len < room ? len : room;
			memcpy(out[h[0]] + out_len[h[0]], payload, take);
			out_len[h[0]] += take;
			out[h[0]][out_len[h[0]]] = '\0';
		}
		if (wait_for && strstr(out[1], wait_for)) {
			wait_for = NULL;
			send_requests(fd, argv, rest, argc);
		}
	}
	print_escaped("stdout", out[1], out_len[1]);
	print_escaped("stderr", out[2], out_len[2]);
	printf("exit=%d\n", exit_code);
	return exit_code < 0;
}

/* Runs the shim as berth does; prints the start line. */
static int cmd_run(int argc, char **argv)
{
	int sp[2], sv[2] = {-1, -1};
	int attach = argc > 5 && !strcmp(argv[5], "--attach");
	struct timespec t0, t1;
	/* CLOEXEC everywhere: the shim gets fd 3, fd 4 only with --attach, and
	 * nothing else, exactly as from berth */
	if (pipe2(sp, O_CLOEXEC) < 0 ||
	    (attach && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)) {
		perror("pipe");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid == 0) {
		/* move both out of the way first: dup2 onto 3 could clobber the other */
		int w = fcntl(sp[1], F_DUPFD, 10), a = attach ? fcntl(sv[1], F_DUPFD, 10) : -1;
		if (w < 0 || dup2(w, 3) < 0 || (attach && (a < 0 || dup2(a, 4) < 0)))
			_exit(98);
		close(w);
		if (attach)
			close(a);
		execl(argv[2], argv[2], argv[3], argv[4], (char *)NULL);
		_exit(99);
	}
	close(sp[1]);
	if (attach)
		close(sv[1]);
	int st;
	waitpid(pid, &st, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || ms > 1000)
		printf("first process: status %d after %ld ms\n", st, ms);
	char line[1024];
	size_t n = 0;
	for (ssize_t r; n < sizeof(line) - 1; n += (size_t)r)
		if ((r = read(sp[0], line + n, sizeof(line) - 1 - n)) <= 0)
			break;
	line[n] = '\0';
	printf("start: %s", line);
	fflush(stdout);
	if (!attach)
		return 0;
	return attach_session(sv[0], argv, 6, argc);
}

/* Connects to attach.sock. */
static int cmd_attach(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[2]);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("connect");
		return 1;
	}
	return attach_session(fd, argv, 3, argc);
}

/* A client that does not read: the shim must drop it, not wait for it. */
static int cmd_stall(const char *path, int seconds)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("connect");
		return 1;
	}
	printf("connected\n");
	fflush(stdout);
	sleep((unsigned)seconds);
	/* whole frames up to where the shim gave up on us: no exit frame among them */
	for (;;) {
		unsigned char h[8];
		static char payload[1 << 20];
		if (read_full(fd, h, 8) <= 0)
			break;
		uint32_t len = frame_len(h);
		if (len >= sizeof(payload) || read_full(fd, payload, len) <= 0)
			break;
		if (h[0] == 3) {
			payload[len] = '\0';
			printf("exit=%s\n", payload);
			return 0;
		}
	}
	printf("dropped\n");
	return 0;
}

/* A filter that makes mkdir and mkdirat fail with EOPNOTSUPP. */
static int cmd_seccomp(const char *path)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mkdir, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mkdirat, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EOPNOTSUPP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	FILE *fp = fopen(path, "wb");
	if (!fp || fwrite(f, sizeof(f), 1, fp) != 1 || fclose(fp) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "run"))
		return cmd_run(argc, argv);
	if (argc >= 3 && !strcmp(argv[1], "attach"))
		return cmd_attach(argc, argv);
	if (argc == 4 && !strcmp(argv[1], "stall"))
		return cmd_stall(argv[2], atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "seccomp"))
		return cmd_seccomp(argv[2]);
	fprintf(stderr, "usage: shim_helper run|attach|seccomp ...\n");
	return 2;
}
