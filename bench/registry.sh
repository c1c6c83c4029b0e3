#!/bin/bash
# Registries, berth and Docker side by side in one run: pull and push of an
# image of 5 layers of 20 MiB each (random bytes), to and from Debian's
# docker-registry on loopback,
#   - cold: nothing of the image on the client (pull) or in the registry (push)
#   - warm: the 4 lower layers already there (on the client for a pull, in
#     the registry for a push)
# Each figure is the median of $ROUNDS runs (default 5). Raw numbers go to
# bench/results/registry.txt.
#
#   bench/registry.sh [--no-docker]
#
# Docker runs as scripts/private-dockerd.sh starts it (its own data root and
# network namespace); the registry runs in that namespace, on its loopback,
# and berth's pulls and pushes run there too (nsenter).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
with_docker=1
[ "${1:-}" = --no-docker ] && with_docker=0
ROUNDS=${ROUNDS:-5}

"$root/scripts/install-deps.sh" --bench
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)" >/dev/null

work=$(mktemp -d /tmp/berth-regbench.XXXXXX)
results=$root/bench/results
mkdir -p "$results"
export BERTH_ROOT=$work/root BERTH_RUN=$work/run BERTH_CGROUP_PARENT=berth-regbench
export DOCKER_CONFIG=$work/docker-config
berth=$root/build/berth
registry_pid=
source "$root/bench/lib.sh"
stop_registry() {
	if [ -n "$registry_pid" ]; then
		kill "$registry_pid" 2>/dev/null || true
		wait "$registry_pid" 2>/dev/null || true
	fi
	registry_pid=
}
cleanup() {
	stop_registry
	"$root/scripts/private-dockerd.sh" stop "$work/dockerd" >/dev/null 2>&1 || true
	bench_berth_cleanup "$work" berth-regbench || true
	rm -rf "$work" || true
}
trap cleanup EXIT

export DOCKER_HOST
DOCKER_HOST=$("$root/scripts/private-dockerd.sh" start "$work/dockerd")
netns=berth-dockerd-$(echo "$work/dockerd" | md5sum | cut -c1-12)
in_ns() { nsenter --net="/run/netns/$netns" "$@"; }
R=127.0.0.1:5000

# A registry with nothing in it (a fresh storage directory each time).
fresh_registry() {
	stop_registry
	rm -rf "$work/registry"
	mkdir -p "$work/registry"
	cat >"$work/registry/config.yml" <<EOF
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry/data}}
http: {addr: $R}
EOF
	# nsenter itself, so that $! is the registry (not a subshell)
	nsenter --net="/run/netns/$netns" docker-registry serve "$work/registry/config.yml" \
		>"$work/registry/log" 2>&1 &
	registry_pid=$!
	for _ in $(seq 100); do
		in_ns curl -s -o /dev/null "http://$R/v2/" && return 0
		sleep 0.05
	done
	echo "registry-bench: the registry did not start" >&2
	exit 1
}

# The image: a base of 20 MiB and four layers of 20 MiB on it.
"$root/scripts/busybox-image.sh" "$berth" >/dev/null
mkdir -p "$work/base"
head -c $((20 << 20)) /dev/urandom >"$work/base/l0"
cp /usr/bin/busybox "$work/base/busybox"
tar -C "$work/base" -cf "$work/base.tar" .
DOCKER_HOST= "$berth" import -c 'CMD ["/busybox", "sh"]' "$work/base.tar" bench:0 >/dev/null
for i in 1 2 3 4; do
	DOCKER_HOST= "$berth" run --name "mk$i" --network none "bench:$((i - 1))" /busybox sh -c \
		"/busybox head -c $((20 << 20)) /dev/urandom > /l$i" >/dev/null
	DOCKER_HOST= "$berth" commit "mk$i" "bench:$i" >/dev/null
	DOCKER_HOST= "$berth" rm "mk$i" >/dev/null
done
DOCKER_HOST= "$berth" tag bench:4 "$R/bench/full:1"
DOCKER_HOST= "$berth" tag bench:3 "$R/bench/full:base"
DOCKER_HOST= "$berth" save -o "$work/images.tar" "$R/bench/full:1" "$R/bench/full:base"
docker load -i "$work/images.tar" >/dev/null
for i in 0 1 2 3 4; do DOCKER_HOST= "$berth" rmi "bench:$i" >/dev/null; done

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
out=$results/registry.txt
: >"$out"
record() { echo "$1 $2" >>"$out"; }

bpush() { in_ns env DOCKER_HOST= "$berth" push -q "$1" >/dev/null; }
bpull() { in_ns env DOCKER_HOST= "$berth" pull -q "$1" >/dev/null; }
# berth keeps where blobs are (layer_sources); a cold push starts with none
berth_forget_blobs() { sqlite3 "$BERTH_ROOT/berth.db" 'DELETE FROM layer_sources'; }

for round in $(seq "$ROUNDS"); do
	# push, cold: an empty registry
	fresh_registry
	berth_forget_blobs
	t=$(date +%s%N); bpush "$R/bench/full:1"; record berth-push-cold "$(ms "$t")"
	if [ "$with_docker" = 1 ]; then
		fresh_registry
		t=$(date +%s%N); docker push -q "$R/bench/full:1" >/dev/null; record docker-push-cold "$(ms "$t")"
	fi
	# push, warm: the registry has the 4 lower layers
	fresh_registry
	berth_forget_blobs
	bpush "$R/bench/full:base"
	t=$(date +%s%N); bpush "$R/bench/full:1"; record berth-push-warm "$(ms "$t")"
	if [ "$with_docker" = 1 ]; then
		fresh_registry
		docker push -q "$R/bench/full:base" >/dev/null
		t=$(date +%s%N); docker push -q "$R/bench/full:1" >/dev/null; record docker-push-warm "$(ms "$t")"
	fi
	# pull, cold: nothing of the image here (the registry has it all)
	bpush "$R/bench/full:1"
	DOCKER_HOST= "$berth" rmi -f "$R/bench/full:1" "$R/bench/full:base" >/dev/null 2>&1 || true
	DOCKER_HOST= "$berth" image prune -af >/dev/null
	t=$(date +%s%N); bpull "$R/bench/full:1"; record berth-pull-cold "$(ms "$t")"
	if [ "$with_docker" = 1 ]; then
		docker push -q "$R/bench/full:1" >/dev/null
		docker rmi -f "$R/bench/full:1" "$R/bench/full:base" >/dev/null 2>&1 || true
		docker image prune -af >/dev/null
		t=$(date +%s%N); docker pull -q "$R/bench/full:1" >/dev/null; record docker-pull-cold "$(ms "$t")"
	fi
	# pull, warm: the 4 lower layers are here
	bpull "$R/bench/full:base"
	DOCKER_HOST= "$berth" rmi "$R/bench/full:1" >/dev/null
	t=$(date +%s%N); bpull "$R/bench/full:1"; record berth-pull-warm "$(ms "$t")"
	if [ "$with_docker" = 1 ]; then
		docker pull -q "$R/bench/full:base" >/dev/null
		docker rmi "$R/bench/full:1" >/dev/null
		t=$(date +%s%N); docker pull -q "$R/bench/full:1" >/dev/null; record docker-pull-warm "$(ms "$t")"
	fi
done

echo "registry bench: 5 layers x 20 MiB, median of $ROUNDS (ms)"
printf '%-12s %10s %10s %8s\n' case berth docker ratio
for c in push-cold push-warm pull-cold pull-warm; do
	b=$(awk -v k="berth-$c" '$1 == k {print $2}' "$out" | median)
	if [ "$with_docker" = 1 ]; then
		d=$(awk -v k="docker-$c" '$1 == k {print $2}' "$out" | median)
		printf '%-12s %10s %10s %7s%%\n' "$c" "$b" "$d" "$(awk -v b="$b" -v d="$d" 'BEGIN {printf "%.0f", 100 * b / d}')"
	else
		printf '%-12s %10s\n' "$c" "$b"
	fi
done
exit 0
