#!/bin/bash
# With many containers running (200 by default), times `berth ps` and
# `berth stats --no-stream` (hyperfine, median of 10 runs each) against the
# target of 100 ms each. Uses its own data root, run root and cgroup parent,
# and removes every container, cgroup and file it made.
#
#   bench/stats.sh [--containers N] [--runs N] [path/to/berth]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
count=200
runs=10
berth=
while [ $# -gt 0 ]; do
	case $1 in
	--containers) count=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	-*) echo "usage: bench/stats.sh [--containers N] [--runs N] [path/to/berth]" >&2; exit 2 ;;
	*) berth=$(readlink -f "$1"); shift ;;
	esac
done
if [ -z "$berth" ]; then
	cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$root/build" -j"$(nproc)" >/dev/null
	berth=$root/build/berth
fi
command -v hyperfine >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null

work=$(mktemp -d /tmp/berth-bench-stats.XXXXXX)
export BERTH_ROOT=$work/root BERTH_RUN=$work/run BERTH_CGROUP_PARENT=berth-bench-stats-$$
cleanup() {
	local f mnt
	trap - EXIT INT TERM HUP PIPE
	for f in "$work"/run/containers/*/shim.pid "$work"/run/containers/*/init.pid; do
		[ -f "$f" ] && { kill -9 "$(cut -d' ' -f1 "$f")" 2>/dev/null || true; }
	done
	# A cgroup can go once its last process has finished exiting.
	for _ in $(seq 50); do
		for mnt in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo); do
			[ -d "$mnt/$BERTH_CGROUP_PARENT" ] || continue
			find "$mnt/$BERTH_CGROUP_PARENT" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
			rmdir "$mnt/$BERTH_CGROUP_PARENT" 2>/dev/null
		done
		awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo |
			while read -r mnt; do [ -d "$mnt/$BERTH_CGROUP_PARENT" ] && echo left; done | grep -q left || break
		sleep 0.1
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

"$root/scripts/busybox-image.sh" "$berth" >/dev/null
echo "starting $count containers..."
seq "$count" | xargs -P 4 -I{} "$berth" run -d --name "sleeper{}" busybox sleep 100000 >/dev/null 2>&1
running=$("$berth" ps -q | wc -l)
echo "$running containers running"
[ "$running" -eq "$count" ] || { echo "expected $count running containers" >&2; exit 1; }
rows=$("$berth" stats --no-stream --format '{{.Name}} {{.PIDs}}' | grep -c ' 1$')
[ "$rows" -eq "$count" ] || { echo "stats saw $rows containers with one process, expected $count" >&2; exit 1; }

hyperfine --style basic --warmup 2 --runs "$runs" --export-json "$work/times.json" \
	-n ps "$berth ps" -n "stats --no-stream" "$berth stats --no-stream" >"$work/hyperfine.log"

python3 - "$work/times.json" "$count" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1]))
print(f"with {sys.argv[2]} containers running (median of {len(data['results'][0]['times'])} runs):")
for r in data["results"]:
    ms = r["median"] * 1000
    print(f"  {r['command']:<18} {ms:7.1f} ms  (min {r['min'] * 1000:.1f}, max {r['max'] * 1000:.1f})"
          f"  {'under' if ms < 100 else 'OVER'} the 100 ms target")
EOF
