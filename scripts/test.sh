#!/bin/bash
# Every test: installs what is missing, builds twice (plain, and with
# AddressSanitizer + UndefinedBehaviorSanitizer), then runs the unit tests
# under both builds and the integration tests (real containers, as root)
# against the plain build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$jobs"
cmake -S "$root" -B "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DBERTH_SANITIZE=ON >/dev/null
cmake --build "$root/build-asan" -j"$jobs"

status=0
echo "== unit tests under ASan+UBSan"
(cd "$root/build-asan" && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs" -R '^unit/') || status=1
echo "== integration tests under ASan+UBSan"
(cd "$root/build-asan" && ASAN_OPTIONS=detect_leaks=0 ctest --output-on-failure -R '^integration/') || status=1
echo "== all tests, plain build"
(cd "$root/build" && ctest --output-on-failure) || status=1
exit $status
