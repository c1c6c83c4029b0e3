/* The tag log option: Docker's template fields over a container. */
#ifndef BERTH_LOGGING_LOG_TAG_H
#define BERTH_LOGGING_LOG_TAG_H

#include <stdio.h>

#include "engine/core/error.h"
#include "engine/core/strbuf.h"
#include "engine/logging/log_config.h"

/* Appends the tag made from tmpl (NULL or "": Docker's default, "{{.ID}}")
 * to out. An unknown field or an unclosed action is an error. */
int log_tag_render(const char *tmpl, const struct log_context *lc, struct strbuf *out,
		   berr *err);

#endif
