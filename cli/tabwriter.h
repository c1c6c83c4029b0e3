/* Column alignment for table output, with the semantics of Go's text/tabwriter
 * as Docker uses it (padding with spaces, no flags): cells end at a tab, each
 * column of a block of lines is as wide as its widest cell plus padding (at
 * least minwidth), and the text after a line's last tab is not padded. */
#ifndef BERTH_CLI_TABWRITER_H
#define BERTH_CLI_TABWRITER_H

struct tabwriter;

/* Docker's tables use tabwriter_new(10, 3). */
struct tabwriter *tabwriter_new(int minwidth, int padding);

/* Adds text, which may hold any number of lines and partial lines. */
void tabwriter_write(struct tabwriter *tw, const char *text);

/* Returns everything written so far, aligned (malloc'd), and starts over. */
char *tabwriter_flush(struct tabwriter *tw);

void tabwriter_free(struct tabwriter *tw);

#endif
