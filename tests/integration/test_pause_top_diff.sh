#!/bin/bash
# pause/unpause through the freezer, top, and diff against the image.
source "$(dirname "$0")/lib.sh"
busybox_image

# The counter file is rewritten ten times a second: read until complete.
read_count() {
	local v=
	for _ in $(seq 20); do
		v=$(cat "$BERTH_ROOT"/containers/*/upper/tmp/count 2>/dev/null)
		[ -n "$v" ] && break
		sleep 0.02
	done
	echo "$v"
}

# written through a rename: a freeze between truncating and writing must
# not leave an empty file to compare
b run -d --name pz busybox sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.1; done' >/dev/null
sleep 0.5
expect_status "pause" 0 b pause pz
expect_eq "pause prints the name" "pz" "$out"
expect_status "paused state" 0 b inspect -f '{{.State.Status}} {{.State.Paused}} {{.State.Running}}' pz
expect_eq "paused" "paused true true" "$out"
expect_match "ps says paused" '\(Paused\)' "$(b ps --format '{{.Status}}')"
c1=$(read_count)
sleep 0.5
c2=$(read_count)
expect_eq "nothing runs while paused" "$c1" "$c2"
expect_status "pause twice" 1 b pause pz
expect_match "already paused" '^container [0-9a-f]{64} is already paused$' "$(said "$err")"
expect_status "unpause" 0 b unpause pz
sleep 0.5
c3=$(read_count)
if [ "$c3" -gt "$c2" ]; then ok; else bad "runs again after unpause ($c2 -> $c3)"; fi
expect_status "unpause a running one" 1 b unpause pz
expect_match "not paused" 'is not paused' "$err"
b pause pz >/dev/null
expect_status "rm a paused container" 1 b rm pz
expect_eq "Docker's words for it" 'cannot remove container "/pz": container is paused and must be unpaused first' "$(said "$err")"
expect_status "stop a paused container" 0 b stop -t 1 pz
expect_status "stopped" 0 b inspect -f '{{.State.Status}}' pz
expect_eq "exited after stop" "exited" "$out"
expect_status "pause a stopped one" 1 b pause pz
expect_match "not running" 'is not running' "$err"
b rm pz >/dev/null

b run -d --name tp busybox sh -c 'sleep 300 & sleep 301' >/dev/null
expect_status "top" 0 b top tp
expect_match "top header" '^UID +PID +PPID +C +STIME +TTY +TIME +CMD' "$out"
expect_match "both sleeps" 'sleep 300' "$out"
expect_match "second sleep" 'sleep 301' "$out"
expect_eq "only the container's processes" "2" "$(echo "$out" | tail -n +2 | wc -l)"
expect_status "top with ps options" 0 b top tp -o pid,comm
expect_match "custom columns" '^PID +COMMAND' "$out"
expect_status "top bad ps options" 1 b top tp --no-such-option
b rm -f tp >/dev/null
expect_status "top of a stopped container" 1 b top tp

b run --name df busybox sh -c 'echo x >/etc/added; echo y >>/etc/passwd; rm /etc/group; mkdir -p /new/deep; touch /new/deep/f' >/dev/null
expect_status "diff" 0 b diff df
expect_eq "diff lines" "$(printf 'C /etc\nA /etc/added\nD /etc/group\nC /etc/passwd\nA /new\nA /new/deep\nA /new/deep/f')" "$out"
expect_status "diff unknown" 1 b diff nosuch

finish
