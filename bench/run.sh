#!/bin/bash
# Times `run --rm ... true` for berth, crun and Docker side by side on the
# same busybox root filesystem, and measures the proportional memory of
# berth's per-container monitor. Prints medians and ratios; writes the raw
# numbers to bench/results/.
#
#   bench/run.sh [--runs N] [--no-docker]
#
# Docker is Debian's docker.io; the script starts its own dockerd
# (scripts/private-dockerd.sh: own data root, no iptables, its own network
# namespace, so the host's docker0 is never touched) and stops it at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=50
with_docker=1
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--no-docker) with_docker=0; shift ;;
	*) echo "usage: bench/run.sh [--runs N] [--no-docker]" >&2; exit 2 ;;
	esac
done

"$root/scripts/install-deps.sh" --bench
dpkg -s hyperfine >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)" >/dev/null

work=$(mktemp -d /tmp/berth-bench.XXXXXX)
results=$root/bench/results
mkdir -p "$results"
dockerd_pid=
source "$root/bench/lib.sh"
cleanup() {
	if [ -n "$dockerd_pid" ]; then
		"$root/scripts/private-dockerd.sh" stop "$work/dockerd"
	fi
	bench_berth_cleanup "$work" berth-bench
	rm -rf "$work"
}
trap cleanup EXIT

export BERTH_ROOT=$work/root BERTH_RUN=$work/run BERTH_CGROUP_PARENT=berth-bench
berth=$root/build/berth
"$root/scripts/busybox-rootfs.sh" "$work/rootfs.tar"
"$root/scripts/busybox-image.sh" "$berth"

# crun: the same root filesystem as a bundle with crun's default spec
mkdir -p "$work/bundle/rootfs"
tar -C "$work/bundle/rootfs" -xf "$work/rootfs.tar"
(cd "$work/bundle" && crun spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"true"/' config.json)
crun_cmd="crun --root $work/crun run --bundle $work/bundle bench"
# crun refuses hybrid hierarchies whose cgroup2 mount has controllers; in a
# private mount namespace without that mount it uses the v1 controllers, as
# berth does.
crun_wrap=(unshare -m --propagation private sh -c)
if awk '$9 == "cgroup2" && $5 != "/sys/fs/cgroup" {found=1} END {exit !found}' /proc/self/mountinfo; then
	crun_prefix='umount -l /sys/fs/cgroup/unified 2>/dev/null; '
else
	crun_prefix=''
fi

commands=(-n berth "$berth run --rm --network none busybox true"
	-n berth-bridge "$berth run --rm busybox true")
if [ "$with_docker" = 1 ]; then
	# -H, not DOCKER_HOST: berth would follow DOCKER_HOST to dockerd too
	dockerd_host=$(PRIVATE_DOCKERD_BRIDGE=1 "$root/scripts/private-dockerd.sh" start "$work/dockerd")
	dockerd_pid=$(cat "$work/dockerd/dockerd.pid")
	docker -H "$dockerd_host" import -c 'CMD ["sh"]' "$work/rootfs.tar" busybox:latest >/dev/null
	commands+=(-n docker "docker -H $dockerd_host run --rm --network none busybox true"
		-n docker-bridge "docker -H $dockerd_host run --rm busybox true")
fi

hyperfine -N --warmup 3 --runs "$runs" --export-json "$results/run-rm.json" "${commands[@]}" >"$results/run-rm.txt"
"${crun_wrap[@]}" "${crun_prefix}hyperfine -N --warmup 3 --runs $runs --export-json $results/crun.json -n crun '$crun_cmd'" >"$results/crun.txt"

# The monitor's proportional set size, per running container.
for i in $(seq 10); do "$berth" run -d --network none busybox sleep 600 >/dev/null; done
pss=()
for f in "$BERTH_RUN"/containers/*/shim.pid; do
	pid=$(cut -d' ' -f1 "$f")
	pss+=("$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup")")
done
printf '%s\n' "${pss[@]}" >"$results/shim-pss-kib.txt"

python3 - "$results/run-rm.json" "$results/shim-pss-kib.txt" "$results/crun.json" <<'PY'
import json, statistics, sys
data = json.load(open(sys.argv[1]))["results"] + json.load(open(sys.argv[3]))["results"]
order = ["berth", "berth-bridge", "crun", "docker", "docker-bridge"]
data.sort(key=lambda r: order.index(r["command"]))
med = {r["command"]: statistics.median(r["times"]) for r in data}
names = [r["command"] for r in data]
print(f"run --rm busybox true (--network none, and -bridge: the default bridge), median of {len(data[0]['times'])} runs:")
for n in names:
    line = f"  {n:13s} {med[n]*1000:8.1f} ms"
    if n != "crun" and "crun" in med:
        line += f"   {med[n]/med['crun']:.2f}x crun"
    if n == "berth" and "docker" in med:
        line += f"   {med['docker']/med['berth']:.1f}x faster than docker"
    if n == "berth-bridge":
        line += f"   {med[n]/med['berth']:.2f}x berth --network none"
        if "docker-bridge" in med:
            line += f", {med['docker-bridge']/med[n]:.1f}x faster than docker's bridge"
    print(line)
pss = [int(x) for x in open(sys.argv[2]).read().split()]
print(f"berth-shim Pss per running container: median {statistics.median(pss):.0f} KiB (n={len(pss)})")
PY
