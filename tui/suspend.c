/* Handing the terminal to a child berth (exec -it, attach, an interactive
 * command typed at the ":" line) and taking it back, as a shell does with
 * a foreground job: the console leaves curses mode, the child runs in its
 * own process group in the terminal's foreground (Ctrl-C reaches it, not
 * the console), and the console redraws everything when it comes back. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "tui/app.h"

/* In the child: the terminal on 0, 1 and 2, default signals, then berth. */
static void exec_child(int tty_out, char *const argv[])
{
	static const int sigs[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU,
				   SIGPIPE, SIGWINCH, SIGTERM, SIGHUP, SIGCHLD};
	sigset_t none;

	setpgid(0, 0);
	if (dup2(tty_out, STDOUT_FILENO) < 0 || dup2(tty_out, STDERR_FILENO) < 0)
		_exit(127);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execv("/proc/self/exe", argv);
	_exit(127);
}

/* Waits for Enter on the terminal (cooked mode). */
static void wait_enter(void)
{
	char c;

	while (read(STDIN_FILENO, &c, 1) == 1 && c != '\n' && c != '\r')
		;
}

/* How the user comes back from the child berth running command. */
static const char *leave_hint(const char *command)
{
	if (strcmp(command, "attach") == 0 || strcmp(command, "start") == 0)
		return "Ctrl-P Ctrl-Q returns to the console";
	if (strcmp(command, "exec") == 0 || strcmp(command, "run") == 0)
		return "the console comes back when the command ends";
	return "Ctrl-C returns to the console";
}

/* Runs berth on the terminal and comes back. */
int tui_run_in_terminal(struct app *app, char *const argv[], enum run_pause pause)
{
	int status = -1, tty_out = app->tty_fd;
	pid_t pid;

	/* the child drives the console's daemon: its global options first,
	 * made before the fork (the child only execs) */
	size_t n = 0, g = 0;
	while (argv[n])
		n++;
	while (app->global_args && app->global_args[g])
		g++;
	char **full = calloc(n + g + 1, sizeof(*full));
	if (!full)
		return -1;
	full[0] = argv[0];
	for (size_t i = 0; i < g; i++)
		full[1 + i] = app->global_args[i];
	for (size_t i = 1; i < n; i++)
		full[g + i] = argv[i];
	def_prog_mode();
	endwin();
	fflush(app->tty_out);
	/* a clean screen, and how to come back: a stream that never ends
	 * (events, logs -f) by Ctrl-C; a container's terminal keeps Ctrl-C
	 * for its own processes */
	dprintf(tty_out, "\033[H\033[2J[berth %s: %s]\n", argv[1] ?: "", leave_hint(argv[1] ?: ""));
	pid = fork();
	if (pid == 0)
		exec_child(tty_out, full);
	free(full);
	if (pid > 0) {
		setpgid(pid, pid);
		tcsetpgrp(STDIN_FILENO, pid);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		/* SIGTTOU is ignored, so the console may take the terminal back. */
		tcsetpgrp(STDIN_FILENO, getpgrp());
		status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	/* A Ctrl-C (130) is how one leaves attach or a follow: no pause,
	 * whatever was asked. */
	if (status != 128 + SIGINT &&
	    (pause == PAUSE_ALWAYS || (pause == PAUSE_ON_FAILURE && status != 0))) {
		if (pid < 0)
			dprintf(tty_out, "\n[berth %s: could not start]", argv[1] ?: "");
		else if (status == 0)
			dprintf(tty_out, "\n[berth %s: done]", argv[1] ?: "");
		else
			dprintf(tty_out, "\n[berth %s: exit status %d]", argv[1] ?: "", status);
		dprintf(tty_out, " Press Enter to return to the console.");
		wait_enter();
	}
	reset_prog_mode();
	/* The terminal may have changed size meanwhile. */
	if (write(app->signal_fd[1], "w", 1) < 0)
		app->redraw_all = true;
	app->redraw_all = true;
	app->frame_due = true;
	return pid < 0 ? -1 : status;
}
