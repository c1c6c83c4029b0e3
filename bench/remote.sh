#!/bin/bash
# berth as a client, side by side with the docker CLI in one run: each
# client drives a berth daemon's socket and a dockerd's, with $CONTAINERS
# (default 10) running containers on each, for
#   - `ps`, `inspect` of one container, `images`;
#   - `run --rm --network none busybox true` (create, attach, start, wait);
#   - `exec` of `true` in a running container;
# medians of $RUNS (default 30) runs after 3 warm-ups (hyperfine), and the
# ratios. Raw numbers go to bench/results/remote.txt.
#
#   bench/remote.sh [--no-docker]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
with_docker=1
[ "${1:-}" = --no-docker ] && with_docker=0
RUNS=${RUNS:-30}
CONTAINERS=${CONTAINERS:-10}

"$root/scripts/install-deps.sh" --bench
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)" >/dev/null

work=$(mktemp -d /tmp/berth-remotebench.XXXXXX)
results=$root/bench/results
mkdir -p "$results"
export BERTH_ROOT=$work/root BERTH_RUN=$work/run BERTH_CGROUP_PARENT=berth-remotebench
export DOCKER_CONFIG=$work/docker-config
unset DOCKER_HOST DOCKER_CONTEXT
berth=$root/build/berth
source "$root/bench/lib.sh"
daemon=
cleanup() {
	[ -n "$daemon" ] && kill "$daemon" 2>/dev/null
	"$root/scripts/private-dockerd.sh" stop "$work/dockerd" >/dev/null 2>&1 || true
	bench_berth_cleanup "$work" berth-remotebench || true
	rm -rf "$work" || true
}
trap cleanup EXIT

"$root/scripts/busybox-image.sh" "$berth" >/dev/null
"$berth" daemon -H "unix://$work/berth.sock" >"$work/daemon.log" 2>&1 &
daemon=$!
hosts=("unix://$work/berth.sock")
for _ in $(seq 100); do
	docker -H "${hosts[0]}" version >/dev/null 2>&1 && break
	sleep 0.1
done
if [ "$with_docker" = 1 ]; then
	hosts+=("$("$root/scripts/private-dockerd.sh" start "$work/dockerd")")
	"$berth" save busybox | docker -H "${hosts[1]}" load >/dev/null
fi

commands=()
for h in "${hosts[@]}"; do
	daemon_name=berthd
	[ "$h" = "${hosts[0]}" ] || daemon_name=dockerd
	for i in $(seq "$CONTAINERS"); do
		docker -H "$h" run -d --network none --name "bench$i" busybox sleep 600 >/dev/null
	done
	for client in berth docker; do
		bin=$berth
		[ "$client" = docker ] && bin=docker
		commands+=(-n "$client@$daemon_name ps" "$bin -H $h ps"
			-n "$client@$daemon_name inspect" "$bin -H $h inspect bench1"
			-n "$client@$daemon_name images" "$bin -H $h images"
			-n "$client@$daemon_name run" "$bin -H $h run --rm --network none busybox true"
			-n "$client@$daemon_name exec" "$bin -H $h exec bench1 true")
	done
done
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$work/remote.json" "${commands[@]}" \
	>"$work/hyperfine.txt"

python3 - "$work/remote.json" <<'PY' | tee "$results/remote.txt"
import json, sys
med = {r["command"]: r["median"] * 1000 for r in json.load(open(sys.argv[1]))["results"]}
print("%-9s %-8s %10s %10s %7s" % ("daemon", "command", "berth ms", "docker ms", "ratio"))
for daemon in ("berthd", "dockerd"):
    for what in ("ps", "inspect", "images", "run", "exec"):
        b, d = med.get(f"berth@{daemon} {what}"), med.get(f"docker@{daemon} {what}")
        if b is None or d is None:
            continue
        print("%-9s %-8s %10.1f %10.1f %6.2fx" % (daemon, what, b, d, d / b))
PY
