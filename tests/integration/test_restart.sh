#!/bin/bash
# Restart policies: on-failure with a limit, always and unless-stopped with
# Docker's back-off, a stop by the user that stays a stop, the restarting
# state, and containers brought back by the first berth after a reboot.
source "$(dirname "$0")/lib.sh"
busybox_image

# wait_for DESCRIPTION SECONDS COMMAND...: polls until the command succeeds
wait_for() {
	local desc=$1 secs=$2
	shift 2
	for _ in $(seq $((secs * 10))); do
		if "$@" >/dev/null 2>&1; then ok; return 0; fi
		sleep 0.1
	done
	bad "$desc: not within ${secs}s"
}

b run -d --name onfail --restart on-failure:2 busybox sh -c 'echo attempt; exit 4' >/dev/null
wait_for "on-failure gives up" 5 sh -c "[ \"\$('$BERTH' inspect -f '{{.State.Status}}' onfail)\" = exited ]"
expect_status "restart count" 0 b inspect -f '{{.RestartCount}} {{.State.ExitCode}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}' onfail
expect_eq "two restarts, last code" "2 4 on-failure:2" "$out"
expect_eq "three runs logged" "3" "$(b logs onfail | grep -c attempt)"

b run -d --name onfail-ok --restart on-failure busybox true >/dev/null
sleep 0.5
expect_status "success is not restarted" 0 b inspect -f '{{.RestartCount}} {{.State.Status}}' onfail-ok
expect_eq "no restart after exit 0" "0 exited" "$out"

b run -d --name always --restart always busybox sh -c 'exit 3' >/dev/null
wait_for "restarting state shows" 6 sh -c "'$BERTH' ps --filter name=always --format '{{.Status}}' | grep -q '^Restarting (3)'"
expect_status "restarting in inspect" 0 b inspect -f '{{.State.Restarting}}' always
expect_eq "State.Restarting" "true" "$out"
expect_status "stop ends the restarts" 0 b stop always
sleep 1
expect_status "stays stopped" 0 b inspect -f '{{.State.Status}}' always
expect_eq "stopped for good" "exited" "$out"
n1=$(b inspect -f '{{.RestartCount}}' always)
sleep 0.8
expect_eq "no more restarts after stop" "$n1" "$(b inspect -f '{{.RestartCount}}' always)"

b run -d --name us --restart unless-stopped busybox sleep 300 >/dev/null
b run -d --name us-stopped --restart unless-stopped busybox sleep 300 >/dev/null
b stop -t 0 us-stopped >/dev/null
b run -d --name al --restart always busybox sleep 300 >/dev/null
b stop -t 0 al >/dev/null
b run -d --name plain busybox sleep 300 >/dev/null
# a reboot: every monitor and container gone, a new kernel boot id
for f in "$BERTH_RUN"/containers/*/shim.pid; do kill -9 "$(cut -d' ' -f1 "$f")" 2>/dev/null; done
sleep 0.3
echo "00000000-0000-0000-0000-000000000000" >"$BERTH_RUN/boot_id"
# (the berth that starts after the reboot is this host's engine, also
# under the docker driver, whose daemon started before it)
expect_status "first berth after the reboot" 0 env DOCKER_HOST= "${BERTH_ITSELF:-$BERTH}" ps --format '{{.Names}}'
running=$(echo "$out" | sort | tr '\n' ' ')
# Docker's `always` brings back even containers the user had stopped.
expect_eq "always and unless-stopped-that-ran come back" "al always us " "$running"
expect_status "the others stay down" 0 b ps -a --filter status=exited --format '{{.Names}} {{.State}}'
expect_match "unless-stopped that was stopped" 'us-stopped exited' "$out"
expect_match "no policy" 'plain exited' "$out"
expect_status "second berth changes nothing" 0 b ps --format '{{.Names}}'
expect_eq "same set" "al always us " "$(echo "$out" | sort | tr '\n' ' ')"
b rm -f always >/dev/null

# bad policies change nothing
before=$(store_snapshot)
expect_status "unknown policy" 125 b run -d --restart sometimes busybox true
expect_match "unknown policy message" "invalid restart policy: unknown policy 'sometimes'" "$err"
expect_status "count with always" 125 b run -d --restart always:3 busybox true
expect_match "count message" "maximum retry count can only be used with 'on-failure'" "$err"
expect_status "bad count" 125 b run -d --restart on-failure:x busybox true
expect_status "with --rm" 125 b run --rm --restart always busybox true
expect_match "conflict message" 'conflicting options: cannot specify both --restart and --rm' "$err"
expect_eq "store unchanged" "$before" "$(store_snapshot)"

finish
