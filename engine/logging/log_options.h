/* The log drivers berth has and the options each takes, checked with
 * Docker's words (daemon/logger/<driver>: ValidateLogOpt). */
#ifndef BERTH_LOGGING_LOG_OPTIONS_H
#define BERTH_LOGGING_LOG_OPTIONS_H

#include <stdbool.h>

#include <jansson.h>

#include "engine/core/error.h"

struct log_driver {
	const char *name;
	const char *const *options; /* the driver's own, NULL-terminated */
	bool remote;		    /* sends to a receiver: berth-logger and the cache */
	const char *default_tag;    /* the tag template when none is given */
	/* checks the values of the driver's own options; may be NULL */
	int (*check)(json_t *opts, berr *err);
};

const struct log_driver *log_driver_find(const char *name);
/* The drivers' names as `docker info` lists them (sorted; "none" left out). */
json_t *log_driver_names(void);

/* mode, max-buffer-size and the cache-* options (drivers without a reader). */
int log_options_check_generic(const struct log_driver *d, json_t *opts, berr *err);

/* Every option is the driver's (or generic), and its values are good. */
int log_options_check(const struct log_driver *d, json_t *opts, berr *err);

/* Whether berth-logger needs the option (the receiver's settings). */
bool log_option_is_receivers(const struct log_driver *d, const char *key);

/* strcmp over an array of const char * (for qsort). */
int log_strcmp_ptr(const void *a, const void *b);

#endif
