/* Docker's detach key syntax ("ctrl-p,ctrl-q", "a,b"), for the faces that
 * relay a terminal to a container: the CLI's attach and the API's. */
#ifndef BERTH_CORE_DETACH_KEYS_H
#define BERTH_CORE_DETACH_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/* The bytes of a detach sequence, at most max; 0 when spec has none. */
size_t detach_keys_parse(const char *spec, unsigned char *keys, size_t max);

/* Input with a partial detach sequence held back (*matched bytes of it so
 * far, carried from one call to the next): what is to go to the container
 * is written to out (room for n + nkeys bytes), its length returned, and
 * *detached is set once the whole sequence was typed (out then holds what
 * came before it). */
size_t detach_keys_filter(const unsigned char *keys, size_t nkeys, size_t *matched,
			  const unsigned char *in, size_t n, unsigned char *out, bool *detached);

#endif
