#!/bin/bash
# Log throughput, berth and Docker side by side in one run: a container
# writes $LINES short lines (default 5,000,000; `yes | head`) as fast as it
# can, through json-file and through local, detached; the figure is the
# writer's wall time from `run -d` to the end of `wait` (the monitor has
# written every line by then) and the lines per second it makes. The
# peak RSS of berth's monitor is sampled during the run (memory stays
# flat whatever the volume). Medians of $ROUNDS rounds (default 3); raw
# numbers go to bench/results/logs.txt.
#
#   bench/logs.sh [--no-docker]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
with_docker=1
[ "${1:-}" = --no-docker ] && with_docker=0
ROUNDS=${ROUNDS:-3}
LINES=${LINES:-5000000}

"$root/scripts/install-deps.sh" --bench
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)" >/dev/null

work=$(mktemp -d /tmp/berth-logbench.XXXXXX)
results=$root/bench/results
mkdir -p "$results"
export BERTH_ROOT=$work/root BERTH_RUN=$work/run BERTH_CGROUP_PARENT=berth-logbench
berth=$root/build/berth
source "$root/bench/lib.sh"
cleanup() {
	"$root/scripts/private-dockerd.sh" stop "$work/dockerd" >/dev/null 2>&1 || true
	bench_berth_cleanup "$work" berth-logbench || true
	rm -rf "$work" || true
}
trap cleanup EXIT

"$root/scripts/busybox-image.sh" "$berth" >/dev/null
if [ "$with_docker" = 1 ]; then
	export DOCKER_HOST
	DOCKER_HOST=$("$root/scripts/private-dockerd.sh" start "$work/dockerd")
	DOCKER_HOST= "$berth" save busybox | docker load >/dev/null
fi

writer="yes 'a short log line, as services write them' | head -n $LINES"
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
out=$results/logs.txt
: >"$out"
record() { echo "$1 $2" >>"$out"; }

# berth DRIVER: one run, its wall time; the monitor's peak RSS recorded
berth_run() {
	local t id pid peak=0 rss
	t=$(date +%s%N)
	id=$(DOCKER_HOST= "$berth" run -d --network none --log-driver "$1" busybox sh -c "$writer")
	pid=$(cut -d' ' -f1 "$BERTH_RUN/containers/$id/shim.pid" 2>/dev/null || echo 0)
	while kill -0 "$pid" 2>/dev/null && [ -r "/proc/$pid/status" ]; do
		rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
		[ "${rss:-0}" -gt "$peak" ] && peak=$rss
		grep -q . "$BERTH_RUN/containers/$id/exit" 2>/dev/null && break
		sleep 0.2
	done
	DOCKER_HOST= "$berth" wait "$id" >/dev/null
	record "berth-$1" "$(ms "$t")"
	record "berth-$1-rss" "$peak"
	[ "$(DOCKER_HOST= "$berth" logs --tail 1 "$id")" = "a short log line, as services write them" ] ||
		{ echo "logs bench: berth lost the last line" >&2; exit 1; }
	DOCKER_HOST= "$berth" rm "$id" >/dev/null
}

docker_run() {
	local t id
	t=$(date +%s%N)
	id=$(docker run -d --network none --log-driver "$1" busybox sh -c "$writer")
	docker wait "$id" >/dev/null
	record "docker-$1" "$(ms "$t")"
	docker rm "$id" >/dev/null
}

for round in $(seq "$ROUNDS"); do
	for d in json-file local; do
		berth_run $d
		[ "$with_docker" = 1 ] && docker_run $d
	done
done

echo "logs bench: $LINES lines, median of $ROUNDS (wall ms, lines/s)"
printf '%-10s %9s %12s %9s %12s %8s %14s\n' driver berth lines/s docker lines/s ratio 'monitor RSS'
for d in json-file local; do
	b=$(awk -v k="berth-$d" '$1 == k {print $2}' "$out" | median)
	rss=$(awk -v k="berth-$d-rss" '$1 == k {print $2}' "$out" | sort -n | tail -1)
	bl=$(awk -v n="$LINES" -v t="$b" 'BEGIN {printf "%.0f", n * 1000 / t}')
	if [ "$with_docker" = 1 ]; then
		dk=$(awk -v k="docker-$d" '$1 == k {print $2}' "$out" | median)
		dl=$(awk -v n="$LINES" -v t="$dk" 'BEGIN {printf "%.0f", n * 1000 / t}')
		printf '%-10s %9s %12s %9s %12s %7.1fx %11s KiB\n' "$d" "$b" "$bl" "$dk" "$dl" \
			"$(awk -v b="$b" -v d="$dk" 'BEGIN {print d / b}')" "$rss"
	else
		printf '%-10s %9s %12s %11s KiB\n' "$d" "$b" "$bl" "$rss"
	fi
done
exit 0
