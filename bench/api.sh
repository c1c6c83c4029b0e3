#!/bin/bash
# The Engine API, berth daemon and dockerd side by side in one run:
#   - the docker CLI's `ps` (and `ps -a`, `inspect`, `images`) with $CONTAINERS
#     (default 100) running containers, through each engine's socket: median
#     of $ROUNDS (default 20) alternating runs; GET /containers/json alone
#     from one keep-alive client (the median of 5 alternating rounds of 2 s);
#   - $CLIENTS (default 100) clients with keep-alive on /containers/json and
#     /containers/{id}/json for $SECONDS (default 30) s against each: requests,
#     errors, p50 and p99, and the daemon's RSS before and after;
#   - berth only: $SUBSCRIBERS (default 20) /events subscribers while
#     $EVENTS (default 1000) containers start and stop; every subscriber
#     must see every container's die event.
# Raw numbers go to bench/results/api.txt.
#
#   bench/api.sh [--no-docker]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
with_docker=1
[ "${1:-}" = --no-docker ] && with_docker=0
ROUNDS=${ROUNDS:-20}
CONTAINERS=${CONTAINERS:-100}
CLIENTS=${CLIENTS:-100}
SECONDS_LOAD=${SECONDS_LOAD:-30}
SUBSCRIBERS=${SUBSCRIBERS:-20}
EVENTS=${EVENTS:-1000}

"$root/scripts/install-deps.sh" --bench
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)" >/dev/null

work=$(mktemp -d /tmp/berth-apibench.XXXXXX)
results=$root/bench/results
mkdir -p "$results"
export BERTH_ROOT=$work/root BERTH_RUN=$work/run BERTH_CGROUP_PARENT=berth-apibench
export DOCKER_CONFIG=$work/docker-config
berth=$root/build/berth
source "$root/bench/lib.sh"
daemon=
cleanup() {
	[ -n "$daemon" ] && kill "$daemon" 2>/dev/null
	pkill -f "api_load.py $work" 2>/dev/null || true
	"$root/scripts/private-dockerd.sh" stop "$work/dockerd" >/dev/null 2>&1 || true
	bench_berth_cleanup "$work" berth-apibench || true
	rm -rf "$work" || true
}
trap cleanup EXIT

"$root/scripts/busybox-image.sh" "$berth" >/dev/null
"$berth" daemon -H "unix://$work/berth.sock" >"$work/daemon.log" 2>&1 &
daemon=$!
berth_host=unix://$work/berth.sock
for _ in $(seq 100); do
	DOCKER_HOST=$berth_host docker version >/dev/null 2>&1 && break
	sleep 0.1
done
hosts=("$berth_host")
if [ "$with_docker" = 1 ]; then
	docker_host=$("$root/scripts/private-dockerd.sh" start "$work/dockerd")
	"$berth" save busybox | DOCKER_HOST=$docker_host docker load >/dev/null
	hosts+=("$docker_host")
fi
name() { [ "$1" = "$berth_host" ] && echo berth || echo docker; }
sock() { echo "${1#unix://}"; }
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

out=$results/api.txt
: >"$out"
record() { echo "$1 $2" >>"$out"; }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ms() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN {printf "%.2f", (b - a) / 1e6}'; }

for h in "${hosts[@]}"; do
	for i in $(seq "$CONTAINERS"); do
		DOCKER_HOST=$h docker run -d --network none --name "c$i" -l bench=1 busybox sleep 3600 >/dev/null
	done
done

# the docker CLI's own commands, alternating between the engines
for round in $(seq "$ROUNDS"); do
	for h in "${hosts[@]}"; do
		for cmd in "ps" "ps -a" "inspect c50" "images"; do
			t=$(date +%s%N)
			DOCKER_HOST=$h docker $cmd >/dev/null
			record "$(name "$h")-${cmd// /_}" "$(ms "$t")"
		done
	done
done

# the route alone, without the docker CLI's own start (about 15 ms of a
# `docker ps`) or a client's: one keep-alive client asking for
# GET /containers/json (and ?all=1) for 2 s, its median, alternating
for round in $(seq 5); do
	for h in "${hosts[@]}"; do
		for q in "" "?all=1"; do
			p50=$(python3 "$root/bench/api_load.py" "$(sock "$h")" 1 2 "/v1.41/containers/json$q" |
				python3 -c 'import json, sys; print(json.load(sys.stdin)["p50_ms"])')
			record "$(name "$h")-GET_/containers/json${q:+_all}" "$p50"
		done
	done
done

# many clients at once
id50=$(DOCKER_HOST=$berth_host docker inspect -f '{{.Id}}' c50)
for h in "${hosts[@]}"; do
	n=$(name "$h")
	if [ "$n" = berth ]; then pid=$daemon; else pid=$(cat "$work/dockerd/dockerd.pid"); fi
	id=$(DOCKER_HOST=$h docker inspect -f '{{.Id}}' c50)
	record "$n-rss-before" "$(rss "$pid")"
	line=$(python3 "$root/bench/api_load.py" "$(sock "$h")" "$CLIENTS" "$SECONDS_LOAD" \
		/v1.41/containers/json "/v1.41/containers/$id/json")
	record "$n-load" "$line"
	record "$n-rss-after" "$(rss "$pid")"
done

# event subscribers while containers come and go (berth)
# each subscriber asks from a time before the first container: one that
# connects late still gets every event
subs=()
since=$(date +%s.%N)
for s in $(seq "$SUBSCRIBERS"); do
	curl -sN --unix-socket "$work/berth.sock" \
		"http://docker/events?since=$since&filters=%7B%22event%22%3A%5B%22die%22%5D%2C%22label%22%3A%5B%22ev%3D1%22%5D%7D" \
		>"$work/sub$s" &
	subs+=($!)
done
t=$(date +%s%N)
for i in $(seq "$EVENTS"); do
	"$berth" run --rm --network none -l ev=1 busybox true
done
events_ms=$(ms "$t")
deadline=$(( $(date +%s) + 30 ))
lost=0
for s in $(seq "$SUBSCRIBERS"); do
	while [ "$(wc -l <"$work/sub$s")" -lt "$EVENTS" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
	got=$(wc -l <"$work/sub$s")
	[ "$got" -lt "$EVENTS" ] && lost=$((lost + EVENTS - got))
done
kill "${subs[@]}" 2>/dev/null || true
record berth-events "$EVENTS containers in $events_ms ms, $SUBSCRIBERS subscribers, $lost events lost"

echo "api bench: $CONTAINERS running containers, median of $ROUNDS (ms)"
printf '%-26s %9s %9s %8s\n' command berth docker ratio
for cmd in ps ps_-a inspect_c50 images GET_/containers/json GET_/containers/json_all; do
	b=$(awk -v k="berth-$cmd" '$1 == k {print $2}' "$out" | median)
	if [ "$with_docker" = 1 ]; then
		d=$(awk -v k="docker-$cmd" '$1 == k {print $2}' "$out" | median)
		printf '%-26s %9s %9s %7.2fx\n' "${cmd//_/ }" "$b" "$d" "$(awk -v b="$b" -v d="$d" 'BEGIN {print b / d}')"
	else
		printf '%-26s %9s\n' "${cmd//_/ }" "$b"
	fi
done
for n in berth docker; do
	grep -q "^$n-load" "$out" || continue
	echo "$n: $CLIENTS clients for $SECONDS_LOAD s: $(awk -v k="$n-load" '$1 == k {$1 = ""; print}' "$out")," \
		"RSS $(awk -v k="$n-rss-before" '$1 == k {print $2}' "$out") KiB before," \
		"$(awk -v k="$n-rss-after" '$1 == k {print $2}' "$out") KiB after"
done
awk '$1 == "berth-events" {$1 = ""; print "events:" $0}' "$out"
