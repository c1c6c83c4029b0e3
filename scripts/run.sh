#!/bin/bash
# berth's main job: installs what is missing, builds, makes busybox:latest
# when the store has no image yet, then runs berth with the given arguments
# (none: the console on a terminal).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

"$root/scripts/install-deps.sh" --run
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)" >/dev/null
"$root/scripts/busybox-image.sh" "$root/build/berth"
exec "$root/build/berth" "$@"
