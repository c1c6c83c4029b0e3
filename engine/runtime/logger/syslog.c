/* The syslog driver's messages, as Docker's (srslog) writes them:
 *   ""             <PRI>Jan _2 15:04:05 TAG[PID]: MSG\n
 *   rfc3164        <PRI>Jan _2 15:04:05 HOSTNAME TAG[PID]: MSG\n
 *   rfc5424        <PRI>1 2006-01-02T15:04:05Z07:00 HOSTNAME TAG PID TAG - MSG\n
 *   rfc5424micro   the same with .000000 in the time
 * PRI is the facility (daemon unless syslog-facility says) with severity
 * info (stdout) or err (stderr); the time is the moment of sending in the
 * host's zone. RFC 5425 octet counting ("<len> <msg>") frames rfc5424 over
 * tcp+tls; everything else ends with its newline. Empty lines are skipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logger.h"

static int facility_code(const char *name)
{
	static const char *const names[] = {
		"kern",	  "user",   "mail",	"daemon", "auth",   "syslog", "lpr",    "news",
		"uucp",	  "cron",   "authpriv", "ftp",	  "",	    "",	      "",	"",
		"local0", "local1", "local2",	"local3", "local4", "local5", "local6", "local7"};
	if (!name || !*name)
		return 3 << 3;
	for (int i = 0; i < 24; i++)
		if (names[i][0] && strcmp(name, names[i]) == 0)
			return i << 3;
	return atoi(name) << 3;
}

/* "2006-01-02T15:04:05[.000000]Z07:00" in the host's zone. */
static void rfc3339_local(char *out, size_t n, const struct timespec *now, bool micro)
{
	struct tm tm;
	localtime_r(&now->tv_sec, &tm);
	size_t len = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
	if (micro)
		len += (size_t)snprintf(out + len, n - len, ".%06ld", now->tv_nsec / 1000);
	long off = tm.tm_gmtoff;
	if (off == 0)
		snprintf(out + len, n - len, "Z");
	else
		snprintf(out + len, n - len, "%c%02ld:%02ld", off < 0 ? '-' : '+',
			 labs(off) / 3600, labs(off) % 3600 / 60);
}

/* The tag with no control character: a tag made from the container's
 * command or name cannot start a record of its own. */
static const char *safe_tag(const char *tag)
{
	static char safe[256];
	static bool made;
	if (!made) {
		snprintf(safe, sizeof(safe), "%s", tag);
		for (char *p = safe; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '_';
		made = true;
	}
	return safe;
}

static bool syslog_format(const struct logger_spec *s, const struct logger_msg *m,
			  struct out *pkts)
{
	const char *fmt = logger_opt(s, "syslog-format");
	int pri = facility_code(logger_opt(s, "syslog-facility")) | (m->h->stream == 2 ? 3 : 6);
	struct timespec now;
	char when[64];
	struct out msg = {0};

	if (m->len == 0)
		return false;
	clock_gettime(CLOCK_REALTIME, &now);
	if (!fmt || !*fmt || strcmp(fmt, "rfc3164") == 0) {
		struct tm tm;
		localtime_r(&now.tv_sec, &tm);
		strftime(when, sizeof(when), "%b %e %H:%M:%S", &tm);
		if (fmt && *fmt)
			out_addf(&msg, "<%d>%s %s %s[%d]: ", pri, when, s->hostname, safe_tag(s->tag),
				 s->pid);
		else
			out_addf(&msg, "<%d>%s %s[%d]: ", pri, when, safe_tag(s->tag), s->pid);
	} else {
		rfc3339_local(when, sizeof(when), &now, strcmp(fmt, "rfc5424micro") == 0);
		out_addf(&msg, "<%d>1 %s %s %s %d %s - ", pri, when, s->hostname, safe_tag(s->tag),
			 s->pid, safe_tag(s->tag));
	}
	out_add(&msg, m->line, m->len);
	out_addc(&msg, '\n');
	if (msg.failed) {
		free(msg.buf);
		return false;
	}
	if (s->transport == T_TLS && fmt && strncmp(fmt, "rfc5424", 7) == 0) {
		struct out framed = {0};
		out_addf(&framed, "%zu ", msg.len);
		out_add(&framed, msg.buf, msg.len);
		pkt_add(pkts, framed.buf, framed.len);
		free(framed.buf);
	} else {
		pkt_add(pkts, msg.buf, msg.len);
	}
	free(msg.buf);
	return true;
}

/* srslog reconnects once and tries again; berth keeps trying, a second
 * apart, so that blocking mode loses nothing while the receiver is away. */
static long syslog_wait(const struct logger_spec *s, int attempt)
{
	(void)s;
	return attempt <= 1 ? 0 : 1000;
}

const struct driver syslog_driver = {"syslog", syslog_format, syslog_wait, -1};
