/* Docker's progress text (see progress.h). */
#include "engine/core/progress.h"

#include <stdio.h>
#include <string.h>

#include "engine/core/units.h"

/* Go's time.Duration.String() of whole seconds: "45s", "2m5s", "1h0m3s". */
static void go_seconds(int64_t s, char *buf, size_t size)
{
	if (s >= 3600)
		snprintf(buf, size, "%lldh%lldm%llds", (long long)(s / 3600),
			 (long long)(s % 3600 / 60), (long long)(s % 60));
	else if (s >= 60)
		snprintf(buf, size, "%lldm%llds", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(buf, size, "%llds", (long long)s);
}

void progress_text(int64_t current, int64_t total, int64_t start, int64_t now, int width,
		   char *buf, size_t size)
{
	char cur[32], tot[32], bar[64] = "", numbers[80] = "", left[40] = "";
	int percent;

	buf[0] = '\0';
	if (current <= 0 && total <= 0)
		return;
	units_human_size4((double)current, cur, sizeof(cur));
	if (total <= 0) {
		snprintf(buf, size, "%8s", cur);
		return;
	}
	units_human_size4((double)total, tot, sizeof(tot));
	/* in floating point, clamped before any cast: a daemon's figures may
	 * be negative or absurd */
	double share = (double)current / (double)total * 50;
	percent = share < 0 ? 0 : share > 50 ? 50 : (int)share;
	if (width > 110) {
		size_t n = 0;

		bar[n++] = '[';
		for (int i = 0; i < percent; i++)
			bar[n++] = '=';
		bar[n++] = '>';
		for (int i = percent; i < 50; i++)
			bar[n++] = ' ';
		bar[n++] = ']';
		bar[n++] = ' ';
		bar[n] = '\0';
	}
	if (current <= total)
		snprintf(numbers, sizeof(numbers), "%8s/%s", cur, tot);
	if (current > 0 && start > 0 && percent < 50 && width > 50 && now >= start) {
		char d[32];
		/* Go computes it in nanoseconds and truncates to whole seconds */
		double per_byte = (double)(now - start) / (double)current;
		int64_t remaining = (int64_t)((double)(total - current) * per_byte);

		go_seconds(remaining, d, sizeof(d));
		snprintf(left, sizeof(left), " %s", d);
	}
	snprintf(buf, size, "%s%s%s", bar, numbers, left);
}
