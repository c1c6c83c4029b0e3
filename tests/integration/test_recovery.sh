#!/bin/bash
# Containers outlive the berth process that started them; whichever berth
# process comes next tells the truth about them, whatever happened.
source "$(dirname "$0")/lib.sh"
busybox_image

b run -d --name long busybox sleep 300 >/dev/null
expect_status "running after the starting process exited" 0 b inspect -f '{{.State.Status}}' long
expect_eq "still running" "running" "$out"
shim=$(cut -d' ' -f1 "$BERTH_RUN/containers/$(b inspect -f '{{.Id}}' long)/shim.pid")
init=$(cut -d' ' -f1 "$BERTH_RUN/containers/$(b inspect -f '{{.Id}}' long)/init.pid")
kill -9 "$shim"
sleep 0.3
expect_status "ps after the monitor was killed" 0 b ps -a --format '{{.Names}} {{.State}}'
expect_eq "reported exited" "long exited" "$out"
expect_status "exit code when the monitor vanished" 0 b inspect -f '{{.State.ExitCode}}' long
expect_eq "255" "255" "$out"
# the container's init, not any "sleep 300" on the host; its end (by
# PDEATHSIG) is asynchronous, so waited for
for _ in $(seq 50); do kill -0 "$init" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$init" 2>/dev/null; then bad "its processes are gone: init $init still runs"; else ok; fi

# the same when the container runs as another user (a user switch clears
# the parent-death signal, which must be set again)
b run -d --name asnobody -u nobody busybox sleep 301 >/dev/null
init=$(cut -d' ' -f1 "$BERTH_RUN/containers/$(b inspect -f '{{.Id}}' asnobody)/init.pid")
kill -9 "$(cut -d' ' -f1 "$BERTH_RUN/containers/$(b inspect -f '{{.Id}}' asnobody)/shim.pid")"
for _ in $(seq 50); do kill -0 "$init" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$init" 2>/dev/null; then bad "a non-root container dies with its monitor: $init runs"; else ok; fi

b run -d --name short busybox sh -c 'exit 7' >/dev/null
sleep 0.5
expect_status "exit recorded without anyone waiting" 0 b inspect -f '{{.State.Status}} {{.State.ExitCode}}' short
expect_eq "exited 7" "exited 7" "$out"

b run -d --rm --name gone busybox true >/dev/null
sleep 0.5
expect_status "--rm detached container removed by the next berth" 0 b ps -a --format '{{.Names}}'
if echo "$out" | grep -qx gone; then bad "--rm container still listed"; else ok; fi

# a stale run directory (machine rebooted: pid files point at nothing)
b run -d --name stale busybox sleep 300 >/dev/null
sid=$(b inspect -f '{{.Id}}' stale)
kill -9 "$(cut -d' ' -f1 "$BERTH_RUN/containers/$sid/shim.pid")" "$(cut -d' ' -f1 "$BERTH_RUN/containers/$sid/init.pid")" 2>/dev/null
echo "999999 1" >"$BERTH_RUN/containers/$sid/shim.pid"
expect_status "stale run dir" 0 b inspect -f '{{.State.Status}}' stale
expect_eq "stale reported exited" "exited" "$out"

# several berth processes at once
for i in 1 2 3 4 5 6; do
	b run -d --name par$i busybox sleep 30 >/dev/null &
done
wait
expect_status "parallel runs all recorded" 0 b ps --filter name=par --format '{{.Names}}'
expect_eq "six containers" "6" "$(echo "$out" | grep -c par)"
for i in 1 2 3 4 5 6; do b rm -f par$i >/dev/null & done
wait
expect_eq "all removed" "" "$(b ps -aq --filter name=par)"

# a crash half-way through removal is finished by the next process
b create --name halfgone busybox true >/dev/null
hid=$(b inspect -f '{{.Id}}' halfgone)
sqlite3 "$BERTH_ROOT/berth.db" "UPDATE containers SET state='removing' WHERE id='$hid'"
expect_status "removal finished" 0 b ps -a --format '{{.Names}}'
if echo "$out" | grep -qx halfgone; then bad "half-removed container still listed"; else ok; fi
expect_eq "its files are gone" "no" "$([ -d "$BERTH_ROOT/containers/$hid" ] && echo yes || echo no)"

# files a crash left behind with no row: cleared at once
orphan=$(printf 'ab%.0s' $(seq 32))
mkdir -p "$BERTH_ROOT/containers/$orphan/upper" "$BERTH_RUN/containers/$orphan"
b ps >/dev/null
expect_eq "orphan bundle removed" "no" "$([ -d "$BERTH_ROOT/containers/$orphan" ] && echo yes || echo no)"
expect_eq "orphan run dir removed" "no" "$([ -d "$BERTH_RUN/containers/$orphan" ] && echo yes || echo no)"
# a create in progress holds the store's write lock while it makes its
# files and its row: its directory is left alone
young=$(printf 'cd%.0s' $(seq 32))
{
	echo 'BEGIN IMMEDIATE;'
	sleep 1
	echo "INSERT INTO containers(id, name, image_id, image_ref, layers, created, state, config, host_config)"
	echo " VALUES('$young', 'inflight', '', 'busybox', '[]', 0, 'created', '{}', '{}');"
	echo 'COMMIT;'
} | sqlite3 "$BERTH_ROOT/berth.db" &
writer=$!
sleep 0.3
mkdir -p "$BERTH_ROOT/containers/$young"
b ps >/dev/null
wait $writer
expect_eq "a create in progress elsewhere is left alone" "yes" "$([ -d "$BERTH_ROOT/containers/$young" ] && echo yes || echo no)"
sqlite3 "$BERTH_ROOT/berth.db" "DELETE FROM containers WHERE id = '$young'"

finish
