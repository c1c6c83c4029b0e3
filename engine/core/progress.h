/* The progress text of Docker's JSON messages (jsonmessage's
 * JSONProgress.String): "[=====>      ]  1.083MB/20.97MB 3s". The bar shows
 * only when the terminal is wider than 110 columns, the time left when it
 * is wider than 50; the engine renders it for 200 columns, a face again
 * for its own width. */
#ifndef BERTH_CORE_PROGRESS_H
#define BERTH_CORE_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

/* start and now are unix seconds (start 0: no time left shown). */
void progress_text(int64_t current, int64_t total, int64_t start, int64_t now, int width,
		   char *buf, size_t size);

#endif
