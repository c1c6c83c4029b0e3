/* Docker's detach key syntax ("ctrl-p,ctrl-q", "a,b"), for the faces that
 * relay a terminal to a container: the CLI's attach and the API's. */
#ifndef BERTH_CORE_DETACH_KEYS_H
#define BERTH_CORE_DETACH_KEYS_H

#include <stddef.h>

/* The bytes of a detach sequence, at most max; 0 when spec has none. */
size_t detach_keys_parse(const char *spec, unsigned char *keys, size_t max);

#endif
