#!/bin/bash
# The console, driven for real in tmux: keys sent with send-keys, the
# screen read with capture-pane (-e for colours and attributes). A
# container started from the command line appears; one is stopped from the
# console; logs are searched with the match highlighted; the ":" command
# line runs a container; marks and the bulk dialog; OSC 52 copy; exec into a
# shell and back; the help overlay; themes and NO_COLOR; a resize to 80x24;
# and q leaves the terminal as it found it.
source "$(dirname "$0")/lib.sh"
busybox_image
command -v tmux >/dev/null || { echo "test_tui: needs tmux (scripts/install-deps.sh)"; exit 1; }

SOCK=$TEST_DIR/tmux.sock
cat >"$TEST_DIR/tmux.conf" <<'EOF'
set -g default-terminal tmux-256color
set -g set-clipboard on
set -g status off
set -g escape-time 0
EOF
tm() { tmux -S "$SOCK" -f "$TEST_DIR/tmux.conf" "$@"; }
trap 'tm kill-server 2>/dev/null; cleanup' EXIT

# The console in a tmux session of 120x40, with this test's engine paths.
# Extra NAME=VALUE words go into its environment.
start_console() {
	local session=$1 env=() kv
	shift
	for kv in BERTH_ROOT="$BERTH_ROOT" BERTH_RUN="$BERTH_RUN" \
		BERTH_CGROUP_PARENT="$BERTH_CGROUP_PARENT" LANG=C.UTF-8 "$@"; do
		env+=(-e "$kv")
	done
	tm new-session -d -s "$session" -x 120 -y 40 "${env[@]}" \
		"$BERTH; echo CONSOLE-EXIT=\$?; sleep 600"
}

screen() { tm capture-pane -p -t "${1:-tui}"; }

# wait_for TEXT [SECONDS] [SESSION]: polls the screen until TEXT shows.
wait_for() {
	local text=$1 limit=${2:-5} session=${3:-tui} end
	end=$(($(date +%s%N) + $(awk -v s="$limit" 'BEGIN { printf "%d", s * 1e9 }')))
	while [ "$(date +%s%N)" -lt "$end" ]; do
		screen "$session" | grep -qF -- "$text" && return 0
		sleep 0.02
	done
	return 1
}

# expect_screen DESCRIPTION TEXT [SECONDS] [SESSION]
expect_screen() {
	if wait_for "$2" "${3:-5}" "${4:-tui}"; then ok; else
		bad "$1: '$2' not on the screen"
		screen "${4:-tui}" | sed 's/^/    | /'
	fi
}

keys() { tm send-keys -t tui "$@"; }

# The row of the containers pane that names a container.
row_of() { screen | grep -E "^.? ?$1 " | head -1; }

# wait_row NAME REGEX [SECONDS]: polls until the container's row matches.
wait_row() {
	local end=$(($(date +%s%N) + $(awk -v s="${3:-5}" 'BEGIN { printf "%d", s * 1e9 }')))
	while [ "$(date +%s%N)" -lt "$end" ]; do
		[[ "$(row_of "$1")" =~ $2 ]] && return 0
		sleep 0.02
	done
	return 1
}

# expect_row DESCRIPTION NAME REGEX [SECONDS]
expect_row() {
	if wait_row "$2" "$3" "${4:-5}"; then ok; else
		bad "$1: row of $2 does not match /$3/: [$(row_of "$2")]"
		screen | sed 's/^/    | /'
	fi
}

# --- a container started from the command line shows within a second ---
start_console tui
expect_screen "console starts" "1 Containers" 5
expect_screen "empty store" "no containers" 5
b run -d --name web busybox sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done' >/dev/null
started=$(date +%s%N)
if wait_row web "running" 1; then ok; else bad "web not shown running within a second"; fi
echo "    web showed running $((($(date +%s%N) - started) / 1000000)) ms after run returned"
expect_screen "header counts it" "1 running" 3

# --- stop it from the console: select it, press s ---
keys g
keys s
expect_row "web shown exited" web "exited +Exited \\(0\\)" 10
expect_eq "berth ps agrees" "exited" "$(b ps -a --filter name=web --format '{{.State}}')"

# --- logs: follow, search with the match highlighted, n ---
b run -d --name talker busybox sh -c \
	'i=0; while :; do i=$((i+1)); echo "tick $i"; [ $((i % 4)) -eq 0 ] && echo "found a needle $i here"; sleep 0.05; done' >/dev/null
expect_screen "talker shows" "talker" 3
keys /
keys talker Enter
keys g l
expect_screen "logs pane follows talker" "tick" 5
expect_screen "logs pane is following" "FOLLOW" 2
keys /
keys needle
sleep 0.5
keys Enter
expect_screen "search stops following" "paused" 3
highlighted=$(tm capture-pane -e -p -t tui | grep -F "found a" | grep -cP '\e\[[0-9;]*mneedle')
if [ "$highlighted" -ge 1 ]; then ok; else
	bad "no highlighted match"; tm capture-pane -e -p -t tui | grep -F needle | head -3 | cat -v
fi
# the current match has its own colour (256 colours: 208 on the dark theme)
expect_match "current match colour" $'48;5;208m' "$(tm capture-pane -e -p -t tui | grep -F 'found a')"
before=$(tm capture-pane -e -p -t tui | grep -nP '48;5;208mneedle' | cut -d: -f1)
keys n
sleep 0.3
after=$(tm capture-pane -e -p -t tui | grep -nP '48;5;208mneedle' | cut -d: -f1)
if [ -n "$before" ] && [ "$before" != "$after" ]; then ok; else bad "n did not move the match ($before -> $after)"; fi
keys G
expect_screen "G follows again" "FOLLOW" 2
# the filter keeps only matching lines
keys '&'
keys needle Enter
sleep 0.5
if screen | sed -n '4,38p' | grep -q "tick"; then bad "filter kept other lines"; else ok; fi
keys '&'
keys C-u Enter

# --- the : command line runs the CLI's commands ---
keys 1
keys Escape
sleep 0.2
keys :
keys 'run -d --name fromcmd busybox sleep 60' Enter
expect_row "the new container shows" fromcmd "running" 5
expect_match "berth ps has it" "fromcmd" "$(b ps --format '{{.Names}}')"
keys :
keys ps Enter
expect_screen "a command's output shows in a view" "CONTAINER ID   IMAGE" 5
keys q
expect_screen "the view closes" "1 Containers" 2

# --- OSC 52: y copies the selected container's full ID ---
keys /
keys fromcmd Enter
sleep 0.3
keys y
expect_screen "copy says so" "copied the ID" 2
expect_eq "the clipboard (tmux buffer) holds the ID" "$(b inspect -f '{{.Id}}' fromcmd)" "$(tm show-buffer 2>/dev/null)"
keys Escape
sleep 0.2

# --- marks and a bulk action after a dialog that lists it ---
b run -d --name bulk1 busybox sleep 600 >/dev/null
b run -d --name bulk2 busybox sleep 600 >/dev/null
expect_screen "bulk containers show" "bulk2" 3
keys /
keys bulk Enter
sleep 0.3
keys g Space Space
keys d
expect_screen "plain remove of running ones says to force it" "they are running: D removes by force" 2
expect_eq "both still there" "2" "$(b ps --filter name=bulk -q | wc -l)"
keys D
expect_screen "the dialog lists what happens" "Remove by force 2 containers?" 2
expect_screen "the dialog names bulk1" "bulk1" 1
keys y
sleep 0.5
for _ in $(seq 50); do
	[ -z "$(b ps -a --filter name=bulk --format '{{.Names}}')" ] && break
	sleep 0.1
done
expect_eq "both removed" "" "$(b ps -a --filter name=bulk --format '{{.Names}}')"
keys Escape
sleep 0.2

# --- a mark the filter hides is never acted on, and the dialog says so ---
b run -d --name bulk3 busybox sleep 600 >/dev/null
b run -d --name keepme busybox sleep 600 >/dev/null
expect_screen "keepme shows" "keepme" 3
keys '*'
keys /
keys bulk Enter
sleep 0.3
keys D
expect_screen "the dialog counts only what is shown" "Remove by force 1 container?" 2
expect_screen "and says what is left alone" "hidden by the filter: left alone" 1
keys y
for _ in $(seq 50); do
	[ -z "$(b ps -a --filter name=bulk3 --format '{{.Names}}')" ] && break
	sleep 0.1
done
expect_eq "the shown one removed" "" "$(b ps -a --filter name=bulk3 --format '{{.Names}}')"
expect_eq "the hidden one kept" "keepme" "$(b ps -a --filter name=keepme --format '{{.Names}}')"
keys Escape
sleep 0.2

# --- the stats pane: / filters, < > sort, nothing typed runs an action ---
keys 5
expect_screen "stats pane" "MEM USAGE / LIMIT" 3
keys /
keys cpu Enter
expect_screen "the filter shows in the status line" "filter 'cpu'" 2
sleep 0.3
expect_eq "typing did not commit anything" "" "$(b images --filter reference='pu*' -q)"
expect_eq "typing did not pause anything" "" "$(b ps --filter status=paused -q)"
keys Escape
keys '>'
expect_screen "sorted by CPU" "sort CPU % down" 2
keys I
expect_screen "and reversed" "sort CPU % up" 2
keys 1
sleep 0.2

# --- exec: a shell on the real terminal, and back ---
keys /
keys talker Enter
sleep 0.3
keys g e
expect_screen "a shell in the container" "/ #" 5
keys 'echo inside-$((6*7))' Enter
expect_screen "the shell answers" "inside-42" 3
keys 'exit' Enter
expect_screen "the console comes back" "1 Containers" 5
keys Escape

# --- help lists the keys ---
keys '?'
expect_screen "help overlay" "berth console keys" 2
expect_screen "help lists stop" "Stop" 1
keys Escape
sleep 0.2
if screen | grep -q "berth console keys"; then bad "help did not close"; else ok; fi

# --- detail pane: inspect, env ---
keys /
keys talker Enter
sleep 0.3
keys g Enter
expect_screen "inspect document" '"State"' 3
keys ']'
expect_screen "env view" "PATH" 2
keys 1
keys Escape

# --- networks pane: n creates, c connects the selected network, d removes ---
keys 3
expect_screen "networks pane" "NETWORK ID" 3
keys n
expect_screen "the create form" "Create a network" 3
keys tuinet Enter
expect_screen "the new network listed" "tuinet" 5
keys /
keys tuinet Enter
sleep 0.3
keys g c
expect_screen "the connect form" "Connect to network" 3
keys talker Enter
# the state, not the status line: the container's networks
talker_nets() { b inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' talker; }
for i in $(seq 50); do [[ "$(talker_nets)" == *tuinet* ]] && break; sleep 0.1; done
expect_match "the container is on it" "tuinet" "$(talker_nets)"
# Enter: the network's containers by name, with their addresses
keys Enter
expect_screen "the network's containers" "IPV4 ADDRESS" 3
expect_screen "by name" "talker" 3
keys 3
expect_screen "back on the networks" "NETWORK ID" 3
keys x
expect_screen "the disconnect form" "Disconnect from network" 3
keys talker Enter
for i in $(seq 50); do [[ "$(talker_nets)" != *tuinet* ]] && break; sleep 0.1; done
if [[ "$(talker_nets)" == *tuinet* ]]; then bad "still on tuinet after x"; else ok; fi
keys d
expect_screen "remove asks" "Remove 1 network?" 3
keys y
for i in $(seq 50); do b network inspect tuinet >/dev/null 2>&1 || break; sleep 0.1; done
expect_status "removed from the console" 1 b network inspect tuinet
keys Escape
# the form's IPv6 box: a dual-stack network
keys n
expect_screen "the create form again" "IPv6 too" 3
keys tuinet6 Tab Tab Tab Space Enter
for i in $(seq 50); do b network inspect tuinet6 >/dev/null 2>&1 && break; sleep 0.1; done
expect_status "made with IPv6" 0 b network inspect -f '{{.EnableIPv6}}' tuinet6
expect_eq "EnableIPv6" "true" "$out"
b network rm tuinet6 >/dev/null
keys 1

# --- themes: T cycles; NO_COLOR drops colours but keeps the selection ---
keys T
expect_screen "next theme" "theme: light" 2
start_console plain NO_COLOR=1
expect_screen "second console" "talker" 5 plain
colours=$(tm capture-pane -e -p -t plain | grep -cP '\e\[[0-9;]*(3[0-7]|4[0-7]|38;5|48;5)[;m]')
expect_eq "no colour with NO_COLOR" 0 "$colours"
expect_match "selection still shows (reverse)" $'\e\\[7m' "$(tm capture-pane -e -p -t plain)"
tm send-keys -t plain q
expect_screen "second console quits" "CONSOLE-EXIT=0" 5 plain

# --- resize down to 80x24 ---
tm resize-window -t tui -x 80 -y 24
sleep 0.5
expect_eq "24 rows" 24 "$(screen | wc -l)"
expect_match "header still there" "running" "$(screen | head -1)"
expect_match "tabs still there" "1 Containers" "$(screen | sed -n 2p)"
expect_match "key bar keeps help and quit" "Help.*Quit" "$(screen | tail -1)"
expect_match "status line" "rows" "$(screen | tail -2 | head -1)"
keys '?'
expect_screen "help at 80 columns" "Everywhere" 2
# a long description wraps under its column instead of being cut
# (only what is inside the box: the pane behind it may be cut)
inside=$(screen | sed -n 's/^[^│]*│\(.*\)│.*$/\1/p')
expect_match "wrapped help row" $'\n {17}detail' "$inside"
if grep -q '…' <<<"$inside"; then bad "help text cut at 80 columns: $(grep '…' <<<"$inside")"; else ok; fi
keys Escape
sleep 0.2

# --- q quits and the terminal is restored ---
keys q
expect_screen "console exits with 0" "CONSOLE-EXIT=0" 5
expect_eq "alternate screen left" 0 "$(tm display -p -t tui '#{alternate_on}')"
expect_eq "cursor shown again" 1 "$(tm display -p -t tui '#{cursor_flag}')"
if screen | grep -q "1 Containers"; then bad "console still on the screen"; else ok; fi
expect_eq "containers keep running" "running" "$(b ps --filter name=talker --format '{{.State}}')"

# --- a container's life and its log driver, at 80x24 ---
b run -d --name lived --log-driver local busybox sh -c 'echo lived a little; exit 3' >/dev/null
b wait lived >/dev/null
tm new-session -d -s life -x 80 -y 24 -e BERTH_ROOT="$BERTH_ROOT" -e BERTH_RUN="$BERTH_RUN" \
	-e BERTH_CGROUP_PARENT="$BERTH_CGROUP_PARENT" -e LANG=C.UTF-8 "$BERTH; sleep 600"
expect_screen "the console at 80x24" "lived" 5 life
row=$(screen life | grep -n ' lived ' | head -1 | cut -d: -f1)
tm send-keys -t life Home
for _ in $(seq $((row - 4))); do tm send-keys -t life Down; done
tm send-keys -t life l
expect_screen "the logs pane names the driver" "lived [local]" 5 life
tm send-keys -t life 1 Enter '['
expect_screen "Enter then [ shows the Life view" "[Life]" 5 life
expect_screen "its logging row" "logging" 5 life
expect_screen "why it ended, and when" "exited (3)" 5 life
tm kill-session -t life

# --- not a terminal: the usage, as before ---
expect_match "no terminal: usage" "Usage:" "$(b </dev/null 2>&1)"

finish
