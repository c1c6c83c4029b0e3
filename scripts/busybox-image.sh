#!/bin/bash
# Makes busybox:latest in berth's store from Debian's busybox-static, unless
# the store has it already. Usage: busybox-image.sh path/to/berth
set -euo pipefail
# this host's store, whatever daemon DOCKER_HOST names for docker
unset DOCKER_HOST DOCKER_CONTEXT
berth=${1:?usage: busybox-image.sh path/to/berth}
here=$(cd "$(dirname "$0")" && pwd)

if "$berth" image inspect busybox:latest >/dev/null 2>&1; then
	exit 0
fi
"$here/busybox-rootfs.sh" | "$berth" import \
	--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
	--change 'CMD ["sh"]' \
	--message 'busybox from Debian busybox-static' \
	- busybox:latest >/dev/null
echo "berth: made busybox:latest from Debian's busybox-static" >&2
