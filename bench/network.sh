#!/bin/bash
# Networks, berth and Docker side by side in one run:
#   - 100 containers started (run -d) on one user network: the time for all
#   - a name looked up at 127.0.0.11 from inside a container: median latency
#     of 2000 queries (a client in the container's network namespace)
#   - TCP throughput host -> container with iperf3: to the container's
#     address, through a port published on 127.0.0.1 (berth: DNAT;
#     Docker: its default docker-proxy), and through one published on
#     [::1] (berth: the monitor's relay; Docker: docker-proxy), 5 s each
# Prints medians and ratios; raw numbers go to bench/results/network.txt.
#
#   bench/network.sh [--no-docker]
#
# Docker runs as scripts/private-dockerd.sh starts it (its own data root and
# network namespace, its bridge and iptables inside that namespace only).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
with_docker=1
[ "${1:-}" = --no-docker ] && with_docker=0

"$root/scripts/install-deps.sh" --bench
command -v iperf3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iperf3 >/dev/null
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)" >/dev/null

work=$(mktemp -d /tmp/berth-netbench.XXXXXX)
results=$root/bench/results
mkdir -p "$results"
export BERTH_ROOT=$work/root BERTH_RUN=$work/run BERTH_CGROUP_PARENT=berth-netbench
berth=$root/build/berth
docker_netns=
source "$root/bench/lib.sh"
# the iperf3 server of this bench, by its pid file (never by its name)
stop_iperf() {
	[ -f "$work/iperf.pid" ] && kill "$(cat "$work/iperf.pid")" 2>/dev/null
	rm -f "$work/iperf.pid"
}
cleanup() {
	stop_iperf
	if [ -n "$docker_netns" ]; then
		"$root/scripts/private-dockerd.sh" stop "$work/dockerd"
	fi
	bench_berth_cleanup "$work" berth-netbench
	rm -rf "$work"
}
trap cleanup EXIT

"$root/scripts/busybox-rootfs.sh" "$work/rootfs.tar"
"$root/scripts/busybox-image.sh" "$berth"
out=$results/network.txt
: >"$out"

# The DNS client: 2000 A queries for $2 to 127.0.0.11, in the network
# namespace of process $1; prints the median in microseconds.
dns_latency() {
	nsenter --net="/proc/$1/ns/net" python3 - "$2" <<'PY'
import socket, statistics, struct, sys, time
name = sys.argv[1].encode()
q = b"".join(bytes([len(p)]) + p for p in name.split(b".")) + b"\0"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
times = []
for i in range(2000):
    msg = struct.pack(">HHHHHH", i, 0x0100, 1, 0, 0, 0) + q + b"\0\1\0\1"
    t = time.perf_counter()
    s.sendto(msg, ("127.0.0.11", 53))
    r = s.recv(512)
    times.append(time.perf_counter() - t)
    assert r[3] & 0x0f == 0 and struct.unpack(">H", r[6:8])[0] >= 1, "no answer"
print(f"{statistics.median(times) * 1e6:.0f}")
PY
}

# iperf3 for 5 s from the host's namespace $1 ("" for the host) to $2:$3.
throughput() {
	local ns=$1 host=$2 port=$3
	${ns:+ip netns exec "$ns"} iperf3 -c "$host" -p "$port" -t 5 -J |
		python3 -c 'import json,sys; e = json.load(sys.stdin)["end"]; print("%.2f" % (e["sum_received"]["bits_per_second"] / 1e9))'
}

# measure NAME NETNS CLI...: the three measures with one engine's CLI
# (NETNS: the namespace its "host" is, "" for the host's), one line to $out.
measure() {
	local name=$1 ns=$2 start end runs dns srv_pid srv_ip direct published relayed
	shift 2
	"$@" network create benchnet >/dev/null
	start=$(date +%s.%N)
	for i in $(seq 100); do "$@" run -d --network benchnet busybox sleep 600 >/dev/null; done
	end=$(date +%s.%N)
	runs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
	"$@" run -d --name target --network benchnet busybox sleep 600 >/dev/null
	"$@" run -d --name client --network benchnet busybox sleep 600 >/dev/null
	dns=$(dns_latency "$("$@" inspect -f '{{.State.Pid}}' client)" target)
	"$@" rm -f $("$@" ps -q) >/dev/null
	"$@" run -d --name srv -p 127.0.0.1:15202:15201 -p '[::1]:15203:15201' busybox sleep 600 >/dev/null
	srv_pid=$("$@" inspect -f '{{.State.Pid}}' srv)
	srv_ip=$("$@" inspect -f '{{.NetworkSettings.IPAddress}}' srv)
	nsenter --net="/proc/$srv_pid/ns/net" iperf3 -s -p 15201 -D -I "$work/iperf.pid"
	sleep 0.5
	direct=$(throughput "$ns" "$srv_ip" 15201)
	published=$(throughput "$ns" 127.0.0.1 15202)
	relayed=$(throughput "$ns" ::1 15203)
	stop_iperf
	echo "$name: 100 runs ${runs}s, dns ${dns}us, direct ${direct} Gbit/s, published ${published} Gbit/s, relayed ${relayed} Gbit/s" >>"$out"
}

measure berth "" "$berth"
if [ "$with_docker" = 1 ]; then
	export DOCKER_HOST
	DOCKER_HOST=$(PRIVATE_DOCKERD_BRIDGE=1 "$root/scripts/private-dockerd.sh" start "$work/dockerd")
	docker_netns=berth-dockerd-$(echo "$work/dockerd" | md5sum | cut -c1-12)
	docker import -c 'CMD ["sh"]' "$work/rootfs.tar" busybox:latest >/dev/null
	measure docker "$docker_netns" docker
fi

python3 - "$out" <<'PY'
import re, sys
rows = {}
for line in open(sys.argv[1]):
    who, rest = line.split(":", 1)
    nums = [float(x) for x in re.findall(r"[0-9.]+", rest)[1:]]
    rows[who] = dict(zip(["runs", "dns", "direct", "published", "relayed"], nums))
b = rows["berth"]
print(f"100 containers on one user network: berth {b['runs']:.2f} s", end="")
if "docker" in rows:
    d = rows["docker"]
    print(f", Docker {d['runs']:.2f} s ({d['runs']/b['runs']:.1f}x)")
else:
    print()
print(f"DNS at 127.0.0.11, median of 2000: berth {b['dns']:.0f} us", end="")
print(f", Docker {rows['docker']['dns']:.0f} us" if "docker" in rows else "")
print(f"TCP host -> container: berth direct {b['direct']:.2f} Gbit/s, through 127.0.0.1 {b['published']:.2f} Gbit/s ({100*b['published']/b['direct']:.0f}%), through [::1] {b['relayed']:.2f} Gbit/s ({100*b['relayed']/b['direct']:.0f}%)")
if "docker" in rows:
    d = rows["docker"]
    print(f"                       Docker direct {d['direct']:.2f} Gbit/s, through 127.0.0.1 {d['published']:.2f} Gbit/s ({100*d['published']/d['direct']:.0f}%), through [::1] {d['relayed']:.2f} Gbit/s ({100*d['relayed']/d['direct']:.0f}%)")
PY
