#!/bin/bash
# Pictures of the real console running real containers, for the README:
# starts a few containers in a data root of its own, runs the console in
# tmux inside an xterm on a virtual X server (Xvfb) at a fixed size, drives
# it with tmux send-keys, and captures the xterm window with ImageMagick's
# import into screenshots/*.png. Installs what it needs through apt-get and
# removes every container, cgroup and file it made.
#
#   scripts/screenshots.sh [path/to/berth]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
berth=${1:-}
if [ -z "$berth" ]; then
	cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$root/build" -j"$(nproc)" >/dev/null
	berth=$root/build/berth
fi
berth=$(readlink -f "$berth")

need=()
for p in xvfb xterm imagemagick fonts-dejavu-core xdotool tmux; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/berth-screenshots.XXXXXX)
export BERTH_ROOT=$work/root BERTH_RUN=$work/run BERTH_CGROUP_PARENT=berth-shots-$$
export LANG=C.UTF-8
out=$root/screenshots
sock=$work/tmux.sock
display=:$((90 + RANDOM % 100))
pids=()
printf 'set -g default-terminal tmux-256color\nset -g status off\nset -g escape-time 0\n' >"$work/tmux.conf"
tm() { tmux -S "$sock" -f "$work/tmux.conf" "$@"; }
b() { "$berth" "$@"; }

cleanup() {
	local f mnt
	trap - EXIT INT TERM HUP PIPE
	# Everything is tried, whatever fails (a container that already exited).
	set +e
	tm kill-server 2>/dev/null || true
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	# A frozen process cannot die: the paused container is thawed first.
	"$berth" unpause batch >/dev/null 2>&1
	for f in "$work"/run/containers/*/shim.pid "$work"/run/containers/*/init.pid; do
		[ -f "$f" ] && kill -9 "$(cut -d' ' -f1 "$f")" 2>/dev/null
	done
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

# --- containers with something to show ---
"$root/scripts/busybox-image.sh" "$berth" >/dev/null
b tag busybox registry.local/shop/web:1.4 >/dev/null
b tag busybox registry.local/shop/worker:2.0 >/dev/null
b volume create shop-data >/dev/null
b run -d --name web -v shop-data:/data -e PORT=8080 -e MODE=production registry.local/shop/web:1.4 sh -c '
	i=0
	while :; do
		i=$((i + 1))
		echo "GET /api/items/$((i % 37)) 200 $((i % 9 + 2))ms client=10.0.0.$((i % 50))"
		[ $((i % 7)) -eq 0 ] && echo "POST /api/cart 201 14ms client=10.0.0.$((i % 50))"
		[ $((i % 11)) -eq 0 ] && echo "GET /api/checkout 502 timeout upstream=payments" >&2
		sleep 0.3
	done' >/dev/null
b run -d --name worker registry.local/shop/worker:2.0 sh -c '
	while :; do
		n=0; while [ $n -lt 3000 ]; do n=$((n + 1)); done
		echo "job done in $((RANDOM % 90 + 10))ms"
		sleep 0.15
	done' >/dev/null
b run -d --name cache busybox sh -c 'x=$(head -c 20m /dev/zero | tr "\\0" a); sleep 100000' >/dev/null
b run -d --name db busybox sh -c '
	while :; do echo "checkpoint complete: wrote $((RANDOM % 400)) buffers"; sleep 2; done' >/dev/null
b run -d --name batch busybox sleep 100000 >/dev/null
b pause batch >/dev/null
b run --name migrate busybox sh -c 'echo migrated; exit 0' >/dev/null
b create --name scratch busybox sh >/dev/null

# --- the console in tmux, in an xterm on a virtual display ---
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do DISPLAY=$display xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done
tm new-session -d -s shot -x 132 -y 40 -e BERTH_ROOT="$BERTH_ROOT" -e BERTH_RUN="$BERTH_RUN" \
	-e BERTH_CGROUP_PARENT="$BERTH_CGROUP_PARENT" -e LANG=C.UTF-8 "$berth"
# An xterm attached to the console's session, its window ID in $window
# (tried again if the window does not show).
open_xterm() {
	local name=$1 bg=$2 fg=$3
	window=
	for _ in 1 2 3; do
		DISPLAY=$display xterm -name "$name" -geometry 132x40+0+0 -fa 'DejaVu Sans Mono' -fs 11 \
			-bg "$bg" -fg "$fg" -bw 0 -b 6 -tn xterm-256color +sb \
			-e tmux -S "$sock" attach -t shot >/dev/null 2>&1 &
		pids+=($!)
		for _ in $(seq 100); do
			window=$(DISPLAY=$display xdotool search --classname "$name" 2>/dev/null | head -1) || true
			[ -n "$window" ] && return 0
			sleep 0.1
		done
		kill "${pids[-1]}" 2>/dev/null
	done
	echo "screenshots: the xterm did not start" >&2
	exit 1
}
open_xterm berthshot '#1d1f21' '#d0d0d0'

keys() { tm send-keys -t shot "$@"; sleep 0.4; }
shot() {
	sleep "${2:-0.8}"
	DISPLAY=$display import -window "$window" "$out/$1.png"
	echo "screenshots/$1.png"
}
mkdir -p "$out"

# Sparklines need history: let the stats stream run a while.
sleep 25
keys 1
keys g j Space j j Space k k
shot containers
keys Escape
keys 5
keys j
shot stats
keys 1
keys /
keys web Enter
keys g l
sleep 3
keys /
keys checkout Enter
keys t
shot logs-search
keys G
keys 1
keys g Enter
sleep 0.5
keys ']'
shot detail-env
keys '['
keys j j j j j j j j j j
shot detail
keys 1
keys Escape
keys T
# The light theme keeps the terminal's own background: a light one here.
tm resize-window -t shot -x 132 -y 40
open_xterm berthlight '#fafafa' '#202020'
keys C-l
shot containers-light 1.5
keys T T T
keys q
