#include "engine/core/signals.h"

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct signal_entry {
	const char *name;
	int number;
};

static const struct signal_entry signals[] = {
	{"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"BUS", SIGBUS},	   {"CHLD", SIGCHLD},
	{"CLD", SIGCHLD},  {"CONT", SIGCONT}, {"FPE", SIGFPE},	   {"HUP", SIGHUP},
	{"ILL", SIGILL},   {"INT", SIGINT},   {"IO", SIGIO},	   {"IOT", SIGIOT},
	{"KILL", SIGKILL}, {"PIPE", SIGPIPE}, {"POLL", SIGPOLL},   {"PROF", SIGPROF},
	{"PWR", SIGPWR},   {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV},   {"STKFLT", SIGSTKFLT},
	{"STOP", SIGSTOP}, {"SYS", SIGSYS},   {"TERM", SIGTERM},   {"TRAP", SIGTRAP},
	{"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},   {"URG", SIGURG},
	{"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"VTALRM", SIGVTALRM}, {"WINCH", SIGWINCH},
	{"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},
};

int signal_from_name(const char *name)
{
	char *end;
	long n;

	if (!name || !*name)
		return -1;
	n = strtol(name, &end, 10);
	if (*end == '\0')
		return n > 0 && n < _NSIG ? (int)n : -1;
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
		bool min = strncasecmp(name, "RTMIN", 5) == 0;
		const char *rest = name + 5;
		long off = 0;
		if (*rest) {
			off = strtol(rest, &end, 10);
			if (*end)
				return -1;
		}
		int sig = min ? SIGRTMIN + (int)off : SIGRTMAX + (int)off;
		return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -1;
	}
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcasecmp(signals[i].name, name) == 0)
			return signals[i].number;
	return -1;
}

const char *signal_name(int sig)
{
	static const char *const names[] = {
		[SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",	[SIGQUIT] = "SIGQUIT",
		[SIGKILL] = "SIGKILL", [SIGTERM] = "SIGTERM", [SIGUSR1] = "SIGUSR1",
		[SIGUSR2] = "SIGUSR2", [SIGSTOP] = "SIGSTOP", [SIGCONT] = "SIGCONT",
	};
	if (sig > 0 && sig < (int)(sizeof(names) / sizeof(names[0])))
		return names[sig];
	return NULL;
}
