# Shared by the benches: what a bench's berth (data root WORK/root, run
# root WORK/run, cgroup parent PARENT) made on the host, removed — its
# containers, cgroups, bridges and nftables table — and IPv4 forwarding
# put back as it was when this file was sourced.
bench_ip_forward_before=$(cat /proc/sys/net/ipv4/ip_forward)

bench_berth_cleanup() {
	local work=$1 parent=$2 f l mnt
	for f in "$work"/run/containers/*/shim.pid; do
		[ -f "$f" ] && kill -9 "$(cut -d' ' -f1 "$f")" 2>/dev/null
	done
	sleep 0.5
	for mnt in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo); do
		[ -d "$mnt/$parent" ] && find "$mnt/$parent" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
		rmdir "$mnt/$parent" 2>/dev/null || true
	done
	for l in $(sqlite3 "$work/root/berth.db" "SELECT bridge FROM networks WHERE bridge != ''" 2>/dev/null); do
		ip link del "$l" 2>/dev/null
	done
	nft delete table ip "berth-$(printf '%s' "$work/root" | sha256sum | cut -c1-8)" 2>/dev/null
	echo "$bench_ip_forward_before" >/proc/sys/net/ipv4/ip_forward
}
