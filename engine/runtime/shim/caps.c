/* Capabilities without libcap: the bounding set through prctl, the
 * process sets through capset(2). */
#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"

/* The capabilities this kernel knows, probed from the bounding set. */
static uint64_t caps_known(void)
{
	uint64_t known = 0;
	for (int c = 0; c < 64 && prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0; c++)
		known |= 1ull << c;
	return known;
}

int caps_drop_bounding(uint64_t caps, struct shim_err *err)
{
	for (int c = 0; c < 64; c++) {
		int r = prctl(PR_CAPBSET_READ, c, 0, 0, 0);
		if (r < 0)
			break; /* past the last capability */
		if (r == 1 && !(caps & (1ull << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
			return shim_sys(err, "drop capability %d from the bounding set", c);
	}
	return 0;
}

int caps_apply(uint64_t caps, struct shim_err *err)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2] = {{0, 0, 0}, {0, 0, 0}};
	caps &= caps_known();
	data[0].permitted = data[0].effective = (uint32_t)caps;
	data[1].permitted = data[1].effective = (uint32_t)(caps >> 32);
	if (syscall(SYS_capset, &hdr, data) < 0)
		return shim_sys(err, "capset");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return shim_sys(err, "clear ambient capabilities");
	return 0;
}
