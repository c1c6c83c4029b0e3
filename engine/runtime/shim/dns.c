/* The container's resolver at 127.0.0.11: a process the monitor forks for
 * a container on user networks. Its socket (fd 6, from berth) is bound in
 * the container's namespace; the process itself stays in the host's, so
 * that names it does not know go to the host's resolvers (a loopback one
 * included). It answers A and PTR from the tables of the container's
 * networks (files berth rewrites, "name address" per line, listed in the
 * container's own file c-<id>; all looked at again whenever one changes,
 * so a start, a stop, a connect or a disconnect counts at the next
 * query), and AAAA from their IPv6 addresses (PTR of both families).
 *
 * Every packet comes from a hostile container. Before reading any, the
 * process becomes uid/gid 65534 with no groups and no capabilities, sets
 * no_new_privs, and installs a seccomp filter that allows only what the
 * loop does (no socket, connect, bind, exec...): an exploited parser holds
 * a socket of the container's namespace and one to the resolvers. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "../shim_protocol.h"
#include "dns_message.h"
#include "shim.h"

#define NOBODY 65534
#define TABLES_MAX 16
#define TABLE_BYTES (256 * 1024)
#define UPSTREAMS_MAX 3
#define PENDING_MAX 256
#define PENDING_TTL_S 5

struct table {
	char path[80];
	struct stat seen;
	char text[TABLE_BYTES];
	size_t len;
};

static struct table tables[TABLES_MAX];
/* c-<id>: the container's tables, one network id per line */
static struct table list;
static int dir_fd = -1; /* the tables' directory, opened before the uid changes */
static size_t ntables;
/* the list's first line says the container has no way out */
static bool internal_only = true; /* until a list says otherwise */
static struct sockaddr_in upstreams[UPSTREAMS_MAX];
static size_t nupstreams;

struct pending {
	bool used;
	uint16_t client_id, our_id;
	uint8_t question[DNS_NAME_MAX + 1 + 4]; /* as sent: the answer must echo it */
	size_t question_len;
	struct sockaddr_in client;
	time_t sent;
	size_t upstream;
};
static struct pending pending[PENDING_MAX];
static uint16_t next_id;

/* Reads a table again when its file changed (berth replaces it by rename). */
static void refresh(struct table *t)
{
	struct stat st;
	int fd;
	ssize_t n;

	if (fstatat(dir_fd, t->path, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		t->len = 0;
		memset(&t->seen, 0, sizeof(t->seen));
		return;
	}
	if (st.st_ino == t->seen.st_ino && st.st_dev == t->seen.st_dev &&
	    st.st_mtim.tv_sec == t->seen.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == t->seen.st_mtim.tv_nsec && st.st_size == t->seen.st_size)
		return;
	t->len = 0;
	fd = openat(dir_fd, t->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	while (t->len < sizeof(t->text) - 1 &&
	       (n = read(fd, t->text + t->len, sizeof(t->text) - 1 - t->len)) > 0)
		t->len += (size_t)n;
	close(fd);
	t->text[t->len] = '\0';
	t->seen = st;
}

/* The addresses of a name of one family (AF_INET: 4 bytes each, AF_INET6:
 * 16) in every table, network order, packed in out; their count. */
static size_t lookup_name(const char *name, int family, uint8_t *out, size_t max)
{
	size_t n = 0, len = strlen(name), alen = family == AF_INET6 ? 16 : 4;

	for (size_t i = 0; i < ntables; i++) {
		const char *line = tables[i].text, *end = line + tables[i].len;
		while (line < end) {
			const char *nl = memchr(line, '\n', (size_t)(end - line));
			const char *sp = memchr(line, ' ', (size_t)((nl ? nl : end) - line));
			if (sp && (size_t)(sp - line) == len && strncasecmp(line, name, len) == 0) {
				char addr[INET6_ADDRSTRLEN];
				size_t tlen = (size_t)((nl ? nl : end) - sp - 1);
				uint8_t a[16];
				if (tlen < sizeof(addr)) {
					memcpy(addr, sp + 1, tlen);
					addr[tlen] = '\0';
					if (inet_pton(family, addr, a) == 1 && n < max) {
						bool dup = false;
						for (size_t k = 0; k < n; k++)
							dup |= memcmp(out + k * alen, a, alen) == 0;
						if (!dup)
							memcpy(out + alen * n++, a, alen);
					}
				}
			}
			line = nl ? nl + 1 : end;
		}
	}
	return n;
}

/* The first name of an address (its text as berth writes it), for PTR. */
static bool lookup_address(const char *text, char *name, size_t n)
{
	for (size_t i = 0; i < ntables; i++) {
		const char *line = tables[i].text, *end = line + tables[i].len;
		while (line < end) {
			const char *nl = memchr(line, '\n', (size_t)(end - line));
			const char *stop = nl ? nl : end;
			const char *sp = memchr(line, ' ', (size_t)(stop - line));
			if (sp && (size_t)(stop - sp - 1) == strlen(text) &&
			    memcmp(sp + 1, text, strlen(text)) == 0 && (size_t)(sp - line) < n) {
				memcpy(name, line, (size_t)(sp - line));
				name[sp - line] = '\0';
				return true;
			}
			line = nl ? nl + 1 : end;
		}
	}
	return false;
}

/* The address a PTR question asks about, as text; false for another name. */
static bool reverse_text(const char *qname, char *text, size_t n)
{
	uint32_t v4;
	uint8_t v6[16];

	if (dns_reverse_name(qname, &v4))
		return inet_ntop(AF_INET, &v4, text, (socklen_t)n) != NULL;
	if (dns_reverse_name6(qname, v6))
		return inet_ntop(AF_INET6, v6, text, (socklen_t)n) != NULL;
	return false;
}

static void reply(int fd, const uint8_t *query, const struct dns_question *q, uint8_t rcode,
		  const uint8_t *addrs, size_t addr_len, size_t naddrs, const char *ptr,
		  const struct sockaddr_in *to)
{
	uint8_t out[1024];
	size_t len = dns_build_answer(query, q, rcode, addrs, addr_len, naddrs, ptr, out,
				      sizeof(out));

	if (len)
		sendto(fd, out, len, MSG_DONTWAIT, (const struct sockaddr *)to, sizeof(*to));
}

/* A name berth does not know goes to the first resolver. */
static void forward(int upstream, uint8_t *msg, size_t len, const struct dns_question *q,
		    const struct sockaddr_in *from, int server)
{
	time_t now = time(NULL);
	struct pending *slot = NULL;

	if (!nupstreams || internal_only) {
		reply(server, msg, q, DNS_RCODE_SERVFAIL, NULL, 0, 0, NULL, from);
		return;
	}
	for (size_t i = 0; i < PENDING_MAX && !slot; i++)
		if (!pending[i].used || now - pending[i].sent > PENDING_TTL_S)
			slot = &pending[i];
	if (!slot) {
		reply(server, msg, q, DNS_RCODE_SERVFAIL, NULL, 0, 0, NULL, from);
		return;
	}
	uint16_t id;
	/* a random ID per query: an answer cannot be guessed into place */
	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = next_id++;
	*slot = (struct pending){.used = true, .client_id = q->id, .our_id = id,
				 .client = *from, .sent = now, .upstream = 0};
	slot->question_len = q->end - 12;
	if (slot->question_len > sizeof(slot->question)) {
		slot->used = false;
		reply(server, msg, q, DNS_RCODE_SERVFAIL, NULL, 0, 0, NULL, from);
		return;
	}
	memcpy(slot->question, msg + 12, slot->question_len);
	msg[0] = (uint8_t)(slot->our_id >> 8);
	msg[1] = (uint8_t)slot->our_id;
	/* the socket is connected to the resolver: it can send nowhere else */
	send(upstream, msg, len, MSG_DONTWAIT);
}

/* The tables of the container's networks, from its list. */
static void refresh_all(void)
{
	struct stat before = list.seen;

	refresh(&list);
	if (list.seen.st_ino != before.st_ino || list.seen.st_mtim.tv_nsec != before.st_mtim.tv_nsec ||
	    list.seen.st_mtim.tv_sec != before.st_mtim.tv_sec || list.seen.st_size != before.st_size) {
		const char *line = list.text, *end = list.text + list.len;
		size_t mark = strlen(DNS_LIST_INTERNAL);
		ntables = 0;
		/* a missing list (the container left every network) forwards
		 * nothing either */
		internal_only = list.seen.st_ino == 0 ||
				(list.len >= mark && memcmp(list.text, DNS_LIST_INTERNAL, mark) == 0 &&
				 (list.len == mark || list.text[mark] == '\n'));
		while (line < end && ntables < TABLES_MAX) {
			const char *nl = memchr(line, '\n', (size_t)(end - line));
			size_t n = (size_t)((nl ? nl : end) - line);
			if (n && n < sizeof(tables[0].path) && !memchr(line, '/', n) && line[0] != '!') {
				memset(&tables[ntables].seen, 0, sizeof(tables[ntables].seen));
				memcpy(tables[ntables].path, line, n);
				tables[ntables].path[n] = '\0';
				tables[ntables].len = 0;
				ntables++;
			}
			line = nl ? nl + 1 : end;
		}
	}
	for (size_t i = 0; i < ntables; i++)
		refresh(&tables[i]);
}

static void serve_query(int server, int upstream)
{
	uint8_t msg[4096];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	struct dns_question q;
	ssize_t n = recvfrom(server, msg, sizeof(msg), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
	uint8_t v4[16 * 4], v6[16 * 16];
	char name[DNS_NAME_MAX + 1], text[INET6_ADDRSTRLEN];
	size_t n4, n6;

	if (n <= 0 || flen != sizeof(from) || !dns_parse_query(msg, (size_t)n, &q))
		return;
	refresh_all();
	if (q.qclass == DNS_CLASS_IN && q.type == DNS_TYPE_PTR &&
	    reverse_text(q.name, text, sizeof(text)) && lookup_address(text, name, sizeof(name))) {
		reply(server, msg, &q, DNS_RCODE_NOERROR, NULL, 0, 0, name, &from);
		return;
	}
	n4 = lookup_name(q.name, AF_INET, v4, 16);
	n6 = lookup_name(q.name, AF_INET6, v6, 16);
	if (n4 + n6 && q.qclass == DNS_CLASS_IN) {
		/* a name of the network: its A and AAAA records, nothing else */
		if (q.type == DNS_TYPE_AAAA)
			reply(server, msg, &q, DNS_RCODE_NOERROR, v6, 16, n6, NULL, &from);
		else
			reply(server, msg, &q, DNS_RCODE_NOERROR, v4, 4,
			      q.type == DNS_TYPE_A ? n4 : 0, NULL, &from);
		return;
	}
	forward(upstream, msg, (size_t)n, &q, &from, server);
}

static void relay_answer(int server, int upstream)
{
	uint8_t msg[4096];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	ssize_t n = recvfrom(upstream, msg, sizeof(msg), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);

	/* a response (QR), from the resolver asked, to the ID and the
	 * question sent: a forged answer has to guess all of them */
	if (n < 12 || flen != sizeof(from) || !(msg[2] & 0x80))
		return;
	uint16_t id = (uint16_t)(msg[0] << 8 | msg[1]);
	for (size_t i = 0; i < PENDING_MAX; i++) {
		struct pending *p = &pending[i];
		if (!p->used || p->our_id != id ||
		    from.sin_addr.s_addr != upstreams[p->upstream].sin_addr.s_addr ||
		    from.sin_port != upstreams[p->upstream].sin_port ||
		    (size_t)n < 12 + p->question_len ||
		    memcmp(msg + 12, p->question, p->question_len) != 0)
			continue;
		msg[0] = (uint8_t)(p->client_id >> 8);
		msg[1] = (uint8_t)p->client_id;
		sendto(server, msg, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&p->client,
		       sizeof(p->client));
		p->used = false;
		return;
	}
}

/* Only what the loop does; anything else fails with EPERM. */
static int confine(pid_t monitor, const char *dir)
{
#define ALLOW(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
		  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
#if defined(__x86_64__)
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
#elif defined(__aarch64__)
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_AARCH64, 1, 0),
#else
#error "the resolver's filter knows x86_64 and aarch64"
#endif
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* sendto: to a container's client on fd 6, or with no address
		 * (the connected resolver socket); nowhere else */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendto, 0, 8),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SHIM_DNS_FD, 5, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[4])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[4]) + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		ALLOW(__NR_read), ALLOW(__NR_close), ALLOW(__NR_ppoll), ALLOW(__NR_recvfrom),
		ALLOW(__NR_getrandom), ALLOW(__NR_openat), ALLOW(__NR_fstat), ALLOW(__NR_newfstatat),
		ALLOW(__NR_statx), ALLOW(__NR_exit), ALLOW(__NR_exit_group),
		ALLOW(__NR_rt_sigreturn), ALLOW(__NR_clock_gettime), ALLOW(__NR_restart_syscall),
#if defined(__x86_64__)
		ALLOW(__NR_poll), ALLOW(__NR_time),
#endif
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
#undef ALLOW
	struct sock_fprog prog = {.len = (unsigned short)(sizeof(filter) / sizeof(filter[0])),
				  .filter = filter};

	/* nothing of the host's files but the tables' directory */
	if (chroot(dir) < 0 || chdir("/") < 0 || (dir_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	/* the new uid cleared the parent-death signal: again, and a monitor
	 * already gone means the end */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != monitor)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

static _Noreturn void resolver_main(const struct spec *s, pid_t monitor)
{
	int server = SHIM_DNS_FD, upstream;
	struct pollfd pfd[2];

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	prctl(PR_SET_NAME, "berth-dns", 0, 0, 0);
	/* the monitor gone before PDEATHSIG was set: nothing to serve */
	if (getppid() != monitor || close_range(3, SHIM_DNS_FD - 1, 0) < 0 ||
	    close_range(SHIM_DNS_FD + 1, ~0U, 0) < 0)
		_exit(1);
	upstream = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (upstream < 0 || !s->dns_dir || !s->dns_container)
		_exit(1);
	snprintf(list.path, sizeof(list.path), "c-%.64s", s->dns_container);
	for (size_t i = 0; i < s->dns_upstreams.n && nupstreams < UPSTREAMS_MAX; i++) {
		struct sockaddr_in *u = &upstreams[nupstreams];
		*u = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(53)};
		if (inet_pton(AF_INET, s->dns_upstreams.v[i], &u->sin_addr) == 1)
			nupstreams++;
	}
	/* answers come only from the resolver, and queries go only there */
	if (nupstreams &&
	    connect(upstream, (struct sockaddr *)&upstreams[0], sizeof(upstreams[0])) < 0)
		nupstreams = 0;
	next_id = (uint16_t)(time(NULL) ^ getpid());
	if (confine(monitor, s->dns_dir) < 0)
		_exit(1);
	pfd[0] = (struct pollfd){.fd = server, .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = upstream, .events = POLLIN};
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (pfd[0].revents & POLLIN)
			serve_query(server, upstream);
		if (pfd[1].revents & POLLIN)
			relay_answer(server, upstream);
	}
}

pid_t dns_start(const struct spec *s, struct shim_err *err)
{
	sigset_t none;
	pid_t monitor = getpid(), pid = fork();

	if (pid < 0) {
		shim_sys(err, "fork the resolver");
		return -1;
	}
	if (pid == 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		resolver_main(s, monitor);
	}
	close(SHIM_DNS_FD);
	return pid;
}
