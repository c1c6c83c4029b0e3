/* Linux capabilities as Docker names and handles them: names both ways,
 * the default set a container keeps, and --cap-add/--cap-drop.
 * A set of capabilities is a bitmask: bit N is capability number N. */
#ifndef BERTH_RUNTIME_CAPS_H
#define BERTH_RUNTIME_CAPS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/error.h"

#define CAPS_BIT(cap) (UINT64_C(1) << (cap))

/* The highest capability number berth has a name for (CAP_CHECKPOINT_RESTORE). */
#define CAPS_NAMED_LAST 40

/* "CHOWN", "cap_chown" or "CAP_CHOWN" -> its number; -1 when unknown ("ALL" too). */
int caps_from_name(const char *name);

/* The canonical name of a capability ("CAP_CHOWN"), NULL when it has none. */
const char *caps_name(int cap);

/* The highest capability the running kernel knows (/proc/sys/kernel/cap_last_cap). */
int caps_last(void);

/* What "ALL" means, as in Docker: every capability the kernel knows that this
 * process holds in its effective set. */
uint64_t caps_all(void);

/* Docker's default set of 14: CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW
 * SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE. */
uint64_t caps_docker_default(void);

/* Applies --cap-add and --cap-drop to *mask the way Docker does: names are
 * case-insensitive with an optional CAP_ prefix; "ALL" in add gives caps_all()
 * less the drops; "ALL" in drop gives only the adds; otherwise drops come off
 * first and adds go on. On an unknown or unavailable name *mask is untouched
 * and the error is BERR_INVALID. */
int caps_apply_changes(uint64_t *mask, const char *const *add, size_t nadd,
		       const char *const *drop, size_t ndrop, berr *err);

/* Fills names[] with the names of the capabilities in mask, lowest first, at
 * most max of them; returns how many capabilities with a name the mask holds. */
size_t caps_names_of(uint64_t mask, const char **names, size_t max);

#endif
