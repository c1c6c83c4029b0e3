/* The console: berth's face on a terminal, over the in-process engine. */
#ifndef BERTH_TUI_TUI_H
#define BERTH_TUI_TUI_H

#include <stdbool.h>

#include "engine/core/engine.h"

/* Runs the console on the terminal of stdin and stdout until the user
 * quits; returns the process's exit status. The engine stays open (the
 * caller closes it); containers keep running. where names the daemon the
 * engine drives when it is not this host's (shown in the header), or is
 * NULL; global_args (NULL-terminated, or NULL) are the options that name
 * it, given to the berth the console hands the terminal to (exec -it,
 * attach, logs -f). *switch_context is set when the user left by choosing another
 * context (`:context use NAME`): the caller opens the engine it names and
 * runs the console again, with *switch_context still true, which the
 * console confirms on its status line. notice (may be NULL) is shown on
 * the status line as an error at start (a switch that was undone). */
int tui_main(struct engine *engine, const char *where, char *const *global_args,
	     const char *notice, bool *switch_context);

#endif
