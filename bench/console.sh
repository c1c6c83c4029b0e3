#!/bin/bash
# The console's targets, measured on the real console in tmux:
#   - first frame within 100 ms of exec with 50 containers running (the
#     console writes the wall clock of its first doupdate, and of the first
#     one that shows the container list, to $BERTH_TUI_TRACE);
#   - idle with 50 running containers: under 1% of a core, from the
#     process's utime+stime over a minute (/proc/<pid>/stat);
#   - the logs pane following a container that writes 50,000 lines a
#     second: lines shown per second against lines written, how far behind
#     it is, its memory against the view's bound, a key answered meanwhile,
#     and, once the writer stops, every line there: the newest shown is the
#     newest written and the lines held run without a gap.
# Uses its own data root, run root and cgroup parent and removes everything
# it made. Prints the figures and writes them to bench/results/console.txt.
#
#   bench/console.sh [--containers N] [--idle-seconds S] [--flood-seconds S] [path/to/berth]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
count=50
idle_seconds=60
flood_seconds=30
berth=
while [ $# -gt 0 ]; do
	case $1 in
	--containers) count=$2; shift 2 ;;
	--idle-seconds) idle_seconds=$2; shift 2 ;;
	--flood-seconds) flood_seconds=$2; shift 2 ;;
	-*) echo "usage: bench/console.sh [--containers N] [--idle-seconds S] [--flood-seconds S] [path/to/berth]" >&2; exit 2 ;;
	*) berth=$(readlink -f "$1"); shift ;;
	esac
done
if [ -z "$berth" ]; then
	cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$root/build" -j"$(nproc)" >/dev/null
	berth=$root/build/berth
fi
command -v tmux >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null

work=$(mktemp -d /tmp/berth-bench-console.XXXXXX)
export BERTH_ROOT=$work/root BERTH_RUN=$work/run BERTH_CGROUP_PARENT=berth-bench-console-$$
sock=$work/tmux.sock
printf 'set -g default-terminal tmux-256color\nset -g status off\nset -g escape-time 0\n' >"$work/tmux.conf"
tm() { tmux -S "$sock" -f "$work/tmux.conf" "$@"; }
cleanup() {
	local f mnt
	trap - EXIT INT TERM HUP PIPE
	# Everything is tried, whatever fails (a container that already exited).
	set +e
	tm kill-server 2>/dev/null || true
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

now_ns() { date +%s%N; }
results=()
report() { echo "$*"; results+=("$*"); }

# A console in tmux (120x40); extra words go into its environment.
start_console() {
	local session=$1 env=() kv
	shift
	for kv in BERTH_ROOT="$BERTH_ROOT" BERTH_RUN="$BERTH_RUN" \
		BERTH_CGROUP_PARENT="$BERTH_CGROUP_PARENT" LANG=C.UTF-8 "$@"; do
		env+=(-e "$kv")
	done
	tm new-session -d -s "$session" -x 120 -y 40 "${env[@]}" \
		"date +%s%N >$work/$session.t0; exec $berth"
}
console_pid() { tm list-panes -t "$1" -F '#{pane_pid}'; }
screen() { tm capture-pane -p -t "$1"; }
wait_for() {
	local session=$1 text=$2 end=$(($(now_ns) + ${3:-10} * 1000000000))
	while [ "$(now_ns)" -lt "$end" ]; do
		screen "$session" | grep -qF -- "$text" && return 0
		sleep 0.005
	done
	echo "timed out waiting for '$text'" >&2
	screen "$session" >&2
	return 1
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

"$root/scripts/busybox-image.sh" "$berth" >/dev/null
echo "starting $count containers..."
started=$(date +%s)
seq "$count" | xargs -P 4 -I{} "$berth" run -d --name "sleeper{}" busybox sleep 100000 >/dev/null 2>&1
running=$("$berth" ps -q | wc -l)
[ "$running" -eq "$count" ] || { echo "expected $count running containers, have $running" >&2; exit 1; }

# --- first frame ---------------------------------------------------------
first=() rows=()
for i in 1 2 3 4 5; do
	trace=$work/trace$i
	start_console "start$i" BERTH_TUI_TRACE="$trace"
	wait_for "start$i" "$count rows" 10
	t0=$(cat "$work/start$i.t0")
	first+=($(( ($(awk '$1 == "first-frame" { print $2 }' "$trace") - t0) / 1000 )))
	rows+=($(( ($(awk '$1 == "containers-frame" { print $2 }' "$trace") - t0) / 1000 )))
	tm send-keys -t "start$i" q
	sleep 0.3
done
report "first frame after exec, $count containers: median $(printf '%s\n' "${first[@]}" | median | awk '{ printf "%.1f", $1 / 1000 }') ms (runs: $(printf '%s ' "${first[@]}" | awk '{ for (i = 1; i <= NF; i++) printf "%.1f ", $i / 1000 }')ms)"
report "first frame showing the $count containers: median $(printf '%s\n' "${rows[@]}" | median | awk '{ printf "%.1f", $1 / 1000 }') ms (runs: $(printf '%s ' "${rows[@]}" | awk '{ for (i = 1; i <= NF; i++) printf "%.1f ", $i / 1000 }')ms)"

# --- idle CPU ------------------------------------------------------------
# Past their first minute, the containers' status text ("Up 2 minutes")
# changes once a minute rather than every second.
sleep $((started + 65 - $(date +%s) > 0 ? started + 65 - $(date +%s) : 0))
hz=$(getconf CLK_TCK)
start_console idle
wait_for idle "$count rows" 10
pid=$(console_pid idle)
idle_cpu() {
	local label=$1 a b
	sleep 5
	a=$(cpu_ticks "$pid")
	sleep "$idle_seconds"
	b=$(cpu_ticks "$pid")
	report "idle, $label, $count running containers: $(awk -v t=$((b - a)) -v hz="$hz" -v s="$idle_seconds" \
		'BEGIN { printf "%.2f%% of a core (%d ticks of 1/%d s in %d s)", t / hz / s * 100, t, hz, s }')"
}
idle_cpu "containers pane"
tm send-keys -t idle 5
idle_cpu "stats pane"
tm send-keys -t idle q
sleep 0.5

# --- a log flood ---------------------------------------------------------
# 5,000 numbered lines every 100 ms (seq itself takes about 5 ms of it).
"$berth" run -d --name flood busybox sh -c \
	'i=0; while :; do seq $((i * 5000 + 1)) $((i * 5000 + 5000)); i=$((i + 1)); usleep 94500; done' >/dev/null
start_console flood
wait_for flood "flood " 10
tm send-keys -t flood / flood Enter
sleep 0.3
tm send-keys -t flood l
wait_for flood " lines, " 10
pid=$(console_pid flood)
sleep 3
# The newest line the console shows (the last number on the screen) and
# the newest written (the log's last line).
shown_newest() { screen flood | sed -n '4,38p' | grep -E '^[0-9]+ *$' | tail -1 | tr -d ' '; }
written_newest() { "$berth" logs --tail 1 flood 2>/dev/null | tail -1 | tr -d ' '; }
number() { [[ "$1" =~ ^[0-9]+$ ]]; }
received() { screen flood | sed -n 3p | sed -E 's/.* ([0-9,]+) lines, ([0-9,]+) evicted.*/\1 \2/' | tr -d , | awk '{ print $1 + $2 }'; }
view_memory() { screen flood | sed -n 3p | sed -E 's/.* ([0-9,]+) lines, .*evicted, ([^ ]+) of ([^ ]+).*/\1 lines (its cap: 100,000), \2 (its cap: \3 of text)/'; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }
t_start=$(now_ns) w_start=$(written_newest) r_start=$(received)
rss_min=$(rss) rss_max=$rss_min lag_max=0
end=$(($(now_ns) + flood_seconds * 1000000000))
while [ "$(now_ns)" -lt "$end" ]; do
	shown=$(shown_newest) written=$(written_newest)
	if number "$shown" && number "$written" && [ $((written - shown)) -gt "$lag_max" ]; then
		lag_max=$((written - shown))
	fi
	r=$(rss)
	[ "$r" -gt "$rss_max" ] && rss_max=$r
	[ "$r" -lt "$rss_min" ] && rss_min=$r
	sleep 1
done
t_end=$(now_ns) w_end=$(written_newest) r_end=$(received) mem=$(view_memory)
secs=$(awk -v a="$t_start" -v b="$t_end" 'BEGIN { print (b - a) / 1e9 }')
report "log flood over ${secs%.*} s: written $(awk -v n=$((w_end - w_start)) -v s="$secs" 'BEGIN { printf "%d", n / s }') lines/s, shown $(awk -v n=$((r_end - r_start)) -v s="$secs" 'BEGIN { printf "%d", n / s }') lines/s, at most $lag_max lines behind"
report "log flood memory: console RSS $((rss_min / 1024))-$((rss_max / 1024)) MiB; the view holds $mem"
# Keys meanwhile: f pauses the view, f again follows; time to the status line.
lat=()
for _ in 1 2 3 4 5; do
	t0=$(now_ns); tm send-keys -t flood f; wait_for flood "paused" 5; lat+=($((($(now_ns) - t0) / 1000000)))
	t0=$(now_ns); tm send-keys -t flood f; wait_for flood "FOLLOW" 5; lat+=($((($(now_ns) - t0) / 1000000)))
done
report "a key during the flood, answered on screen in: median $(printf '%s\n' "${lat[@]}" | median) ms, at most $(printf '%s\n' "${lat[@]}" | sort -n | tail -1) ms (tmux polling included)"
# Stop the writer: the console catches up and holds every line since the
# oldest it keeps, none missing.
"$berth" kill flood >/dev/null
last=$(written_newest)
for _ in $(seq 100); do
	[ "$(shown_newest)" = "$last" ] && break
	sleep 0.1
done
shown=$(shown_newest)
tm send-keys -t flood g
sleep 0.5
oldest=$(screen flood | sed -n '4,38p' | grep -E '^[0-9]+ *$' | head -1 | tr -d ' ')
held=$(screen flood | sed -n 3p | sed -E 's/.* ([0-9,]+) lines, ([0-9,]+) evicted.*/\1/' | tr -d ,)
evicted=$(screen flood | sed -n 3p | sed -E 's/.* ([0-9,]+) lines, ([0-9,]+) evicted.*/\2/' | tr -d ,)
notice=$(screen flood | sed -n 4p)
if [ "$shown" = "$last" ] && [ $((shown - oldest + 1)) -eq "$held" ]; then
	report "after the flood: newest shown = newest written ($last); $held lines held from $oldest without a gap; $evicted evicted and counted ('${notice%% }')"
else
	report "after the flood: MISMATCH newest shown $shown, written $last, oldest held $oldest, held $held"
fi
tm send-keys -t flood q
sleep 1

mkdir -p "$root/bench/results"
{
	echo "# bench/console.sh, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -r)"
	printf '%s\n' "${results[@]}"
} >"$root/bench/results/console.txt"
echo "written to bench/results/console.txt"
