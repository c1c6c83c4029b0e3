/* The console: berth's face on a terminal, over the in-process engine. */
#ifndef BERTH_TUI_TUI_H
#define BERTH_TUI_TUI_H

#include "engine/core/engine.h"

/* Runs the console on the terminal of stdin and stdout until the user
 * quits; returns the process's exit status. The engine stays open (the
 * caller closes it); containers keep running. */
int tui_main(struct engine *engine);

#endif
