#!/bin/bash
# berth killed with SIGKILL at random points of each command that changes
# state, many times over; after each kill the next berth process must
# bring everything back in line: the store, `ps`, the monitors, the mounts,
# the cgroups (none frozen by accident) and the files all agree. Then
# berth processes racing each other for one name.
source "$(dirname "$0")/lib.sh"
busybox_image

iterations=${BERTH_CRASH_ITERATIONS:-30}

# Is the process a "<pid> <starttime>" file names still that process?
pidfile_alive() {
	local pid start stat rest
	read -r pid start 2>/dev/null <"$1" || return 1
	stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
	rest=${stat##*) }
	set -- $rest
	[ "$1" != Z ] && [ "$1" != X ] && [ "${20}" = "$start" ]
}

# One line per problem found; none when store, kernel and files agree.
inconsistencies() {
	local id state dir name hierarchy pid freezer
	"$BERTH" ps -a -q >/dev/null 2>&1 # the reconciliation every berth process makes
	declare -A row_state=()
	while IFS='|' read -r id state; do
		[ -n "$id" ] && row_state[$id]=$state
	done < <(sqlite3 "$BERTH_ROOT/berth.db" "SELECT id || '|' || state FROM containers")
	for id in "${!row_state[@]}"; do
		state=${row_state[$id]}
		if pidfile_alive "$BERTH_RUN/containers/$id/shim.pid"; then
			case $state in running | paused | restarting) ;; *) echo "$id is $state with a live monitor" ;; esac
		else
			case $state in running | paused | restarting) echo "$id is $state without a monitor" ;; esac
		fi
		[ -d "$BERTH_ROOT/containers/$id" ] || echo "$id has no directory"
	done
	# every monitor belongs to a container the store knows as running
	for pid in $(pgrep -f "berth-shim $BERTH_ROOT/containers/"); do
		id=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | sed -n 2p)
		id=${id##*/}
		[ -n "$id" ] || continue
		case ${row_state[$id]:-none} in running | paused | restarting) ;; *) echo "monitor $pid runs $id, which is ${row_state[$id]:-unknown}" ;; esac
	done
	for dir in "$BERTH_ROOT"/containers/* "$BERTH_RUN"/containers/*; do
		[ -d "$dir" ] || continue
		id=${dir##*/}
		[ -n "${row_state[$id]:-}" ] || echo "$dir belongs to no container"
	done
	for hierarchy in $(test_cgroup_dirs); do
		for dir in "$hierarchy"/*/; do
			[ -d "$dir" ] || continue
			dir=${dir%/}
			id=${dir##*/}
			case ${row_state[$id]:-none} in
			running | paused | restarting) ;;
			*) echo "cgroup $dir of a container that is ${row_state[$id]:-unknown}" ;;
			esac
			if [ -f "$dir/freezer.state" ]; then
				read -r freezer <"$dir/freezer.state"
				if [ "${row_state[$id]:-}" = paused ]; then
					[ "$freezer" = FROZEN ] || echo "$id $freezer while paused"
				else
					[ "$freezer" = THAWED ] || echo "$id frozen while ${row_state[$id]:-unknown}"
				fi
			fi
		done
	done
	grep -F " $TEST_DIR" /proc/self/mountinfo | awk '{print "mount left: " $5}'
	# images: every row has its files
	while read -r id; do
		[ -n "$id" ] && [ ! -f "$BERTH_ROOT/blobs/sha256/${id#sha256:}" ] && echo "image $id has no config"
	done < <(sqlite3 "$BERTH_ROOT/berth.db" "SELECT id FROM images")
	while read -r id; do
		[ -n "$id" ] && [ ! -d "$BERTH_ROOT/layers/${id#sha256:}/diff" ] && echo "layer $id has no files"
	done < <(sqlite3 "$BERTH_ROOT/berth.db" "SELECT chain_id FROM layers")
	# what a dead berth meant to do is done or undone
	for f in "$BERTH_RUN"/intents/*; do
		[ -e "$f" ] && ! pidfile_alive "$f" && echo "intent ${f##*/} left behind"
	done
	# volumes: a row for every directory and a directory for every row
	declare -A vol_row=()
	while read -r name; do
		[ -n "$name" ] && vol_row[$name]=1
		[ -n "$name" ] && [ ! -d "$BERTH_ROOT/volumes/$name/_data" ] && echo "volume $name has no _data"
	done < <(sqlite3 "$BERTH_ROOT/berth.db" "SELECT name FROM volumes")
	for dir in "$BERTH_ROOT"/volumes/*; do
		[ -d "$dir" ] || continue
		name=${dir##*/}
		[ -n "${vol_row[$name]:-}" ] || echo "volume directory $name has no row"
	done
}

# Agreement is a state to wait for, with a deadline: a monitor removes a
# stopped container's cgroups just after it records the exit, and a start
# killed just after it spawned the monitor is settled once the monitor has
# written its pid file (or two seconds have passed).
check() {
	local problems tries=0
	while problems=$(inconsistencies) && [ -n "$problems" ] && [ $tries -lt 50 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	if [ -z "$problems" ]; then ok; else bad "$1: $problems"; fi
}

# Removes every container and volume between the rounds, so each round's
# checks look at its own few.
clean_slate() {
	"$BERTH" ps -aq | xargs -r "$BERTH" rm -f -v >/dev/null 2>&1
	"$BERTH" volume prune -a -f >/dev/null 2>&1
}

# Runs berth with the arguments in the background and kills it with
# SIGKILL after a random delay below $1 milliseconds.
kill_during() {
	local max=$1 pid
	shift
	"$BERTH" "$@" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '0.%03d' $((RANDOM % max)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

for i in $(seq 1 "$iterations"); do
	kill_during 60 run -d --label crash=run busybox sleep 600
	check "run -d killed (iteration $i)"
done
clean_slate
for i in $(seq 1 "$iterations"); do
	kill_during 30 create --label crash=create -v /anon busybox sleep 600
	check "create killed (iteration $i)"
done
clean_slate
for i in $(seq 1 "$iterations"); do
	id=$("$BERTH" create busybox sleep 600)
	kill_during 40 start "$id"
	check "start killed (iteration $i)"
	# a start that did not happen can happen now, once
	"$BERTH" start "$id" >/dev/null 2>&1
	expect_eq "one monitor after the next start (iteration $i)" 1 \
		"$(pgrep -fc "berth-shim $BERTH_ROOT/containers/$id ")"
done
clean_slate
for i in $(seq 1 "$iterations"); do
	"$BERTH" run -d --name "committed$i" busybox sleep 600 >/dev/null
	kill_during 60 commit "committed$i" "crashcommit:$i"
	check "commit killed (iteration $i)"
	state=$("$BERTH" inspect -f '{{.State.Status}}' "committed$i")
	expect_eq "running after the killed commit (iteration $i)" running "$state"
	expect_status "and it answers (iteration $i)" 0 timeout 10 "$BERTH" exec "committed$i" true
done
clean_slate
for i in $(seq 1 "$iterations"); do
	"$BERTH" run -d --name "removed$i" -v /anon busybox sleep 600 >/dev/null
	kill_during 50 rm -f -v "removed$i"
	check "rm -f -v killed (iteration $i)"
done
clean_slate
"$BERTH" run -d --name limited -m 64m busybox sleep 600 >/dev/null
limited=$("$BERTH" inspect -f '{{.Id}}' limited)
memory_file=$(for d in $(test_cgroup_dirs); do
	for f in "$d/$limited/memory.limit_in_bytes" "$d/$limited/memory.max"; do
		[ -f "$f" ] && echo "$f"
	done
done | head -1)
for i in $(seq 1 "$iterations"); do
	kill_during 30 update -m "$((64 + i))m" --memory-swap -1 limited
	check "update killed (iteration $i)"
	expect_eq "the kernel has the stored limit (iteration $i)" \
		"$("$BERTH" inspect -f '{{.HostConfig.Memory}}' limited)" "$(cat "$memory_file")"
done
clean_slate
"$BERTH" run -d --name paused busybox sleep 600 >/dev/null
for i in $(seq 1 "$iterations"); do
	kill_during 30 pause paused
	check "pause killed (iteration $i)"
	kill_during 30 unpause paused
	check "unpause killed (iteration $i)"
done
clean_slate
for i in $(seq 1 "$iterations"); do
	"$BERTH" run -d --name "policy$i" --restart always busybox sleep 600 >/dev/null
	kill_during 40 stop -t 5 "policy$i"
	check "stop killed (iteration $i)"
	if [ "$("$BERTH" inspect -f '{{.State.Status}}' "policy$i")" = running ]; then
		# the stop never happened: the policy must still bring it back
		kill -9 "$("$BERTH" inspect -f '{{.State.Pid}}' "policy$i")"
		for t in $(seq 1 50); do
			[ "$("$BERTH" inspect -f '{{.RestartCount}}' "policy$i")" -ge 1 ] && break
			sleep 0.1
		done
		expect_eq "restarted after a killed stop (iteration $i)" 1 \
			"$("$BERTH" inspect -f '{{.RestartCount}}' "policy$i")"
	fi
done
clean_slate
for i in $(seq 1 "$iterations"); do
	"$BERTH" tag busybox "crashtag:$i"
	"$BERTH" commit "$("$BERTH" create busybox true)" "crashimage:$i" >/dev/null
	kill_during 40 rmi "crashimage:$i"
	check "rmi killed (iteration $i)"
	"$BERTH" rmi "crashtag:$i" >/dev/null
done
# copy-up: an image VOLUME of many files, the start killed midway
rootfs=$TEST_DIR/rootfs
mkdir -p "$rootfs"
"$SOURCE_DIR/scripts/busybox-rootfs.sh" | tar -x -C "$rootfs"
mkdir -p "$rootfs/data"
(cd "$rootfs/data" && for f in $(seq 1 1000); do echo "$f" >"f$f"; done)
(cd "$rootfs" && tar -c .) | "$BERTH" import -c 'VOLUME /data' - manyfiles >/dev/null
rm -rf "$rootfs"
clean_slate
for i in $(seq 1 "$iterations"); do
	kill_during 100 run -d --name "copied$i" -v "cv$i:/data" manyfiles sleep 600
	check "copy-up killed (iteration $i)"
	# never half: the next container to mount it copies again
	count=$(ls "$BERTH_ROOT/volumes/cv$i/_data" 2>/dev/null | wc -l)
	case $count in 0 | 1000) ok ;; *) bad "copy-up killed (iteration $i): the volume holds $count of 1000 files" ;; esac
done
clean_slate
for i in $(seq 1 "$iterations"); do
	"$BERTH" volume create "vol$i" >/dev/null
	kill_during 20 volume rm "vol$i"
	check "volume rm killed (iteration $i)"
done

# everything can still be removed, and then nothing is left
"$BERTH" ps -aq | xargs -r "$BERTH" rm -f -v >/dev/null 2>&1
"$BERTH" volume prune -a -f >/dev/null 2>&1
check "after removing everything"
expect_eq "no container left" "" "$("$BERTH" ps -aq)"
expect_eq "no monitor left" "" "$(pgrep -f "berth-shim $BERTH_ROOT/")"

# six berth processes racing for one name: one wins, the others made nothing
for round in 1 2 3; do
	for k in 1 2 3 4 5 6; do
		"$BERTH" run -d --name "same$round" busybox sleep 600 >"$TEST_DIR/race$k.out" 2>&1 &
	done
	wait
	winners=$(grep -lc '^[0-9a-f]\{64\}$' "$TEST_DIR"/race*.out | wc -l)
	expect_eq "one winner for same$round" 1 "$winners"
	expect_eq "the losers were told why" 5 \
		"$(grep -l 'is already in use by container' "$TEST_DIR"/race*.out | wc -l)"
	expect_eq "one container of that name" 1 "$("$BERTH" ps -a --filter "name=same$round" -q | wc -l)"
	check "after the race for same$round"
done
"$BERTH" ps -aq | xargs -r "$BERTH" rm -f >/dev/null 2>&1
check "at the end"

finish
