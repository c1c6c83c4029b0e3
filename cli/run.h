/* The command line as another face runs it (the console's ":" line): the
 * one entry into cli/ from outside; everything else there is the CLI's own. */
#ifndef BERTH_CLI_RUN_H
#define BERTH_CLI_RUN_H

#include "engine/core/engine.h"

/* Runs one command line (argv without "berth") against engine, printing
 * to stdout and stderr as the CLI does; returns its exit status. */
int cli_run(struct engine *engine, int argc, char **argv);

#endif
