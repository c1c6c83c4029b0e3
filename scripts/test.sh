#!/bin/bash
# Every test: installs what is missing, builds twice (plain, and with
# AddressSanitizer + UndefinedBehaviorSanitizer), then runs the unit tests
# under both builds and the integration tests (real containers, as root)
# against the plain build, and last each fuzz target of fuzz/ for a few
# seconds over its seed corpus (a third build, with clang, in build-fuzz).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBERTH_WERROR=ON >/dev/null
cmake --build "$root/build" -j"$jobs"
cmake -S "$root" -B "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DBERTH_SANITIZE=ON -DBERTH_WERROR=ON >/dev/null
cmake --build "$root/build-asan" -j"$jobs"

status=0
echo "== unit tests under ASan+UBSan"
(cd "$root/build-asan" && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs" -R '^unit/') || status=1
echo "== integration tests under ASan+UBSan"
(cd "$root/build-asan" && ASAN_OPTIONS=detect_leaks=0 ctest --output-on-failure -R '^integration/') || status=1
echo "== all tests, plain build"
(cd "$root/build" && ctest --output-on-failure) || status=1
echo "== fuzz targets, a few seconds each"
"$root/scripts/fuzz.sh" --smoke || status=1
exit $status
