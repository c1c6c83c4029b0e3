/* berth-logger (logger.h, log_wire.h): --compress <file>, or --forward
 * <spec>: reach the receiver, say so on fd 3, give up privileges, then
 * send each message that comes on fd 4, reconnecting as the driver does;
 * when fd 4 ends, send what is left for a while and leave. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "logger.h"

extern const struct driver syslog_driver, gelf_driver, fluentd_driver, journald_driver;
int gelf_prepare(const struct logger_spec *s);
int journald_prepare(void);
bool fluentd_ack_ok(const struct logger_spec *s, const char *reply, size_t n);

#define PACKET_MAX (LOG_WIRE_LINE_MAX + sizeof(struct log_wire) + 64)

const struct driver *driver_find(const char *name)
{
	static const struct driver *const all[] = {&syslog_driver, &gelf_driver, &fluentd_driver,
						   &journald_driver};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

int driver_attempts(const struct logger_spec *s)
{
	const char *v;
	if (!strcmp(s->driver, "gelf") && s->transport == T_TCP)
		return 1 + ((v = logger_opt(s, "gelf-tcp-max-reconnect")) ? atoi(v) : 3);
	if (!strcmp(s->driver, "gelf"))
		return 1;
	if (!strcmp(s->driver, "fluentd") && (v = logger_opt(s, "fluentd-max-retries")) &&
	    atol(v) > 0)
		return 1 + atoi(v);
	return -1;
}

int driver_prepare(const struct logger_spec *s, char *err, size_t errlen)
{
	if (!strcmp(s->driver, "gelf") && gelf_prepare(s) < 0) {
		snprintf(err, errlen, "gelf: out of memory");
		return -1;
	}
	if (!strcmp(s->driver, "journald") && journald_prepare() < 0) {
		snprintf(err, errlen, "journald: no random numbers");
		return -1;
	}
	return 0;
}

static void start_word(const char *fmt, const char *msg)
{
	char line[600];
	int n = snprintf(line, sizeof(line), fmt, msg);
	if (n > 0)
		(void)!write(LOG_WIRE_START_FD, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line));
	close(LOG_WIRE_START_FD);
}

/* Gives up what sending needs not: every capability, and root itself
 * (uid and gid 65534, no groups) unless the receiver is a socket only
 * root may write to (then uid 0 stays, to reach it again, without any
 * capability); nothing gained by exec. */
static void drop_privileges(const struct logger_spec *s)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2] = {{0}};
	struct stat st;
	bool root_socket = (s->transport == T_UNIX || s->transport == T_UNIXGRAM) &&
			   (stat(s->path, &st) < 0 || !(st.st_mode & S_IWOTH));
	for (int cap = 0; cap <= 63; cap++)
		prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (!root_socket && (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0))
		_exit(1); /* half dropped is worse than not sending */
	syscall(SYS_capset, &hdr, data);
}

/* Tells the monitor that n messages were given up. */
static void report_dropped(uint64_t n)
{
	send(LOG_WIRE_SOCKET_FD, &n, sizeof(n), MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* Sends one message's packets, reconnecting as the driver says. */
static void deliver(const struct logger_spec *s, const struct driver *d, struct conn *c,
		    const struct out *pkts)
{
	int attempts = driver_attempts(s);
	char err[512];
	bool ack = !strcmp(s->driver, "fluentd") && logger_opt_true(s, "fluentd-request-ack");

	for (int attempt = 1; attempts < 0 || attempt <= attempts; attempt++) {
		long wait = d->retry_wait_ms(s, attempt);
		if (attempt > 1 && !wait_ms(wait))
			break;
		if (!conn_is_open(c) && conn_open(c, err, sizeof(err)) < 0) {
			if (attempt == 1 && d->retry_wait_ms(s, 2) == 0 && !wait_ms(100))
				break;
			continue;
		}
		size_t at = 0;
		bool ok = true;
		while (ok && at < pkts->len) {
			uint32_t len;
			memcpy(&len, pkts->buf + at, 4);
			ok = conn_send(c, pkts->buf + at + 4, len) == 0;
			at += 4 + len;
		}
		if (ok && ack) {
			char reply[256];
			int n = conn_recv(c, reply, sizeof(reply), 5000);
			ok = n > 0 && fluentd_ack_ok(s, reply, (size_t)n);
			if (!ok)
				conn_close(c);
		}
		if (ok) {
			logger_progress();
			return;
		}
	}
	report_dropped(1);
}

static int forward(const char *spec_path)
{
	static struct logger_spec spec;
	char err[512];
	const struct driver *d;
	struct conn *c;

	signal(SIGPIPE, SIG_IGN);
	if (logger_spec_read(spec_path, &spec, err, sizeof(err)) < 0 ||
	    !(d = driver_find(spec.driver)) || driver_prepare(&spec, err, sizeof(err)) < 0 ||
	    !(c = conn_new(&spec, err, sizeof(err))) || conn_prepare(c, err, sizeof(err)) < 0) {
		if (spec.driver && !driver_find(spec.driver))
			snprintf(err, sizeof(err), "no log driver named '%s'", spec.driver);
		start_word("error %s\n", err);
		return 1;
	}
	/* fluentd-async reaches its receiver later; the others must now */
	bool async = !strcmp(spec.driver, "fluentd") && (logger_opt_true(&spec, "fluentd-async") ||
							 logger_opt_true(&spec, "fluentd-async-connect"));
	if (!async && conn_open(c, err, sizeof(err)) < 0) {
		if (!strcmp(spec.driver, "journald"))
			snprintf(err, sizeof(err), "journald is not enabled on this host");
		else if (!strcmp(spec.driver, "gelf")) {
			char inner[512];
			snprintf(inner, sizeof(inner), "%s", err);
			snprintf(err, sizeof(err), "gelf: cannot connect to GELF endpoint: %s", inner);
		}
		start_word("error %s\n", err);
		return 1;
	}
	start_word("%s", "ok\n");
	drop_privileges(&spec);
	logger_progress();

	char *packet = malloc(PACKET_MAX);
	struct out pkts = {0};
	if (!packet)
		return 1;
	for (;;) {
		ssize_t n = recv(LOG_WIRE_SOCKET_FD, packet, PACKET_MAX, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if ((size_t)n < sizeof(struct log_wire))
			continue;
		struct log_wire h;
		memcpy(&h, packet, sizeof(h));
		struct logger_msg m = {&h, packet + sizeof(h), (size_t)n - sizeof(h)};
		pkts.len = 0;
		pkts.failed = false;
		if (d->format(&spec, &m, &pkts) && !pkts.failed)
			deliver(&spec, d, c, &pkts);
		if (give_up_at >= 0 && now_ms() >= give_up_at)
			break;
	}
	conn_close(c);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--compress") == 0)
		return compress_file(argv[2]);
	if (argc == 3 && strcmp(argv[1], "--forward") == 0)
		return forward(argv[2]);
	fprintf(stderr, "usage: berth-logger --forward <spec> | --compress <file>\n"
			"(started by berth-shim, the container monitor)\n");
	return 2;
}
