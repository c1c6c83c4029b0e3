#!/bin/bash
# HEALTHCHECK and --health-*: the monitor runs the check inside the running
# container, Docker's starting -> healthy -> unhealthy states, FailingStreak
# and Log in inspect, the timeout, --no-healthcheck over an image's check,
# and the ps status suffix and health filter.
source "$(dirname "$0")/lib.sh"
busybox_image

# wait_health DESCRIPTION SECONDS CONTAINER STATUS: polls State.Health.Status
wait_health() {
	local desc=$1 secs=$2 c=$3 want=$4 got=
	for _ in $(seq $((secs * 10))); do
		got=$(b inspect -f '{{.State.Health.Status}}' "$c" 2>/dev/null)
		if [ "$got" = "$want" ]; then ok; return 0; fi
		sleep 0.1
	done
	bad "$desc: not $want within ${secs}s (last: $got)"
}

b run -d --name hc --health-cmd 'test -f /tmp/ok && echo fine' --health-interval 200ms \
	--health-retries 2 busybox sh -c 'sleep 1; touch /tmp/ok; exec sleep 1000' >/dev/null
expect_status "inspect right away" 0 b inspect -f '{{.State.Health.Status}}' hc
expect_eq "starting first" "starting" "$out"
expect_status "ps while starting" 0 b ps --filter name=hc --format '{{.Status}}'
expect_match "ps shows health: starting" '^Up .* \(health: starting\)$' "$out"
expect_status "config kept" 0 b inspect -f '{{json .Config.Healthcheck}}' hc
expect_eq "Docker's Healthcheck shape" '{"Test":["CMD-SHELL","test -f /tmp/ok && echo fine"],"Interval":200000000,"Retries":2}' "$out"
wait_health "the file appears" 5 hc healthy
expect_status "streak reset" 0 b inspect -f '{{.State.Health.FailingStreak}}' hc
expect_eq "no failing streak when healthy" "0" "$out"
expect_status "log of the success" 0 b inspect -f '{{with $l := .State.Health.Log}}{{range $l}}{{.ExitCode}}:{{.Output}}|{{end}}{{end}}' hc
expect_match "the check's output and code" '0:fine' "$out"
expect_status "ps healthy" 0 b ps --filter name=hc --format '{{.Status}}'
expect_match "ps shows (healthy)" '^Up .* \(healthy\)$' "$out"
expect_status "health filter" 0 b ps --filter health=healthy --format '{{.Names}}'
expect_eq "health=healthy lists it" "hc" "$out"

b exec hc rm /tmp/ok
wait_health "the file goes" 5 hc unhealthy
expect_status "failing streak" 0 b inspect -f '{{.State.Health.FailingStreak}}' hc
expect_match "at least the retries" '^[2-9]$|^[1-9][0-9]+$' "$out"
expect_status "log entries" 0 b inspect -f '{{len .State.Health.Log}}' hc
expect_eq "the last five results" "5" "$out"
expect_status "last exit code" 0 b inspect -f '{{range .State.Health.Log}}{{.ExitCode}} {{end}}' hc
expect_match "failures are exit 1" '1 $' "$out"
expect_status "ps unhealthy" 0 b ps --filter name=hc --format '{{.Status}}'
expect_match "ps shows (unhealthy)" '^Up .* \(unhealthy\)$' "$out"
expect_status "filter unhealthy" 0 b ps --filter health=unhealthy --format '{{.Names}}'
expect_eq "health=unhealthy lists it" "hc" "$out"
b exec hc touch /tmp/ok
wait_health "one success heals" 5 hc healthy

b run -d --name slow --health-cmd 'sleep 5' --health-interval 200ms --health-timeout 300ms \
	--health-retries 1 busybox sleep 1000 >/dev/null
wait_health "a check past its timeout fails" 5 slow unhealthy
expect_status "timeout in the log" 0 b inspect -f '{{range .State.Health.Log}}{{.ExitCode}}:{{.Output}}|{{end}}' slow
expect_match "exit -1 and Docker's message" '^-1:Health check exceeded timeout \(300ms\)\|' "$out"
# probes keep coming every 200 ms, so one may be running at any moment:
# what must not be is one older than its timeout (the container's own
# processes; another test may run a sleep 5 of its own)
sleep 1.5
expect_eq "no probe outlives its timeout" "" \
	"$("$BERTH" top slow -o pid,etimes,args | awk 'NR > 1 && $3 == "sleep" && $4 == "5" && $2 >= 1')"

"$SOURCE_DIR/scripts/busybox-rootfs.sh" | b import --change 'CMD ["sleep", "1000"]' \
	--change 'HEALTHCHECK --interval=1s CMD true' - hcimage >/dev/null
b run -d --name imagecheck hcimage >/dev/null
wait_health "the image's HEALTHCHECK runs" 5 imagecheck healthy
b run -d --name nocheck --no-healthcheck hcimage >/dev/null
sleep 1.5
expect_status "no health with --no-healthcheck" 0 b inspect -f '{{.State.Health}}' nocheck
# (the docker CLI reads its typed data: <nil>)
expect_match "State.Health absent" "^(<no value>|<nil>)$" "$out"
expect_status "ps without suffix" 0 b ps --filter name=nocheck --format '{{.Status}}'
expect_match "plain Up" '^Up [^(]*$' "$out"
expect_status "health=none" 0 b ps --filter health=none --format '{{.Names}}'
expect_eq "only the unchecked container" "nocheck" "$out"
expect_status "conflicting flags" 125 b run -d --no-healthcheck --health-cmd true busybox true
expect_match "docker's words" 'conflicts with --health-\* options' "$err"
expect_status "bad duration" 125 b run -d --health-interval 5x busybox true
expect_match "the flag is named" 'health-interval' "$err"

b rm -f hc slow imagecheck nocheck >/dev/null
expect_status "unknown health filter" 1 b ps --filter health=bogus
expect_match "health filter message" 'Unrecognised filter value for health: bogus' "$err"

# health changes become events, and a follower notices them (and a
# container's exit) with no other berth process looking
t0=$(date +%s)
"$BERTH" events --filter type=container --format '{{.Action}} {{.Actor.Attributes.name}}' >"$TEST_DIR/follow.out" &
follower=$!
sleep 0.3
"$BERTH" run -d --name hev --health-cmd 'true' --health-interval 200ms busybox sh -c 'sleep 1.5' >/dev/null
for _ in $(seq 40); do grep -q '^die hev' "$TEST_DIR/follow.out" && break; sleep 0.1; done
kill $follower 2>/dev/null
wait $follower 2>/dev/null
expect_match "health_status event followed" 'health_status: healthy hev' "$(tr '\n' ' ' <"$TEST_DIR/follow.out")"
expect_match "exit noticed by the follower alone" 'die hev' "$(tr '\n' ' ' <"$TEST_DIR/follow.out")"
expect_status "health event in history" 0 b events --since "$t0" --until "$(( $(date +%s) + 1 ))" --filter event=health_status --format '{{.Action}}'
expect_match "health_status recorded" 'health_status: healthy' "$out"

finish
