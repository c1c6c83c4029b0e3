/* Container names: random "adjective_surname" names and docker's name rule. */
#ifndef BERTH_CORE_NAMES_H
#define BERTH_CORE_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* Writes a random "adjective_surname" (surnames of scientists and
 * engineers). When retry > 0 a random digit is appended ("calm_noether7"),
 * as docker does after a name turned out to be taken. */
void names_generate(char *buf, size_t n, unsigned retry);

/* Docker's rule for container names: ^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$
 * (so at least two characters). Callers word the error:
 * "Invalid container name (x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed". */
bool names_valid(const char *name);

#endif
