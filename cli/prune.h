/* What every prune command shares: Docker's confirmation, one kind's
 * prune through the engine with its "Deleted ...:" report, and the total. */
#ifndef BERTH_CLI_PRUNE_H
#define BERTH_CLI_PRUNE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct cli;

/* Prints the warning and "Are you sure you want to continue? [y/N] ";
 * true when the answer starts with y. */
bool cli_confirm(const char *warning);

/* The kinds a prune removes, in the order system prune runs them. */
enum cli_prune_kind {
	CLI_PRUNE_CONTAINERS,
	CLI_PRUNE_NETWORKS,
	CLI_PRUNE_VOLUMES,
	CLI_PRUNE_IMAGES,
	CLI_PRUNE_BUILD,
};

/* Runs one kind's prune command with args ({"filters", and "all" for
 * images}), prints its "Deleted ...:" section when something went, and
 * adds the bytes freed to *reclaimed. Returns 0, or the exit status after
 * printing the error. */
int cli_prune(struct cli *cli, enum cli_prune_kind kind, json_t *args, uint64_t *reclaimed);

/* "Total reclaimed space: 1.2MB". */
void cli_prune_print_total(uint64_t reclaimed);

#endif
