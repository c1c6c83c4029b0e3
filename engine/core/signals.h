/* Signal names as Docker accepts them: "KILL", "SIGKILL", "9". */
#ifndef BERTH_CORE_SIGNALS_H
#define BERTH_CORE_SIGNALS_H

/* The signal number, or -1 when the name is unknown. */
int signal_from_name(const char *name);

/* "SIGKILL" for 9; NULL when unknown. */
const char *signal_name(int sig);

#endif
