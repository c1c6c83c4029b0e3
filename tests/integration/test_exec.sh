#!/bin/bash
# exec: a command inside a running container's namespaces and cgroups, with
# Docker's statuses and words, stdin/stdout/stderr and terminals like run,
# detaching, events, and nothing left behind.
source "$(dirname "$0")/lib.sh"
busybox_image

t0=$(date +%s)
b run -d --name box --hostname boxhost -e FROMRUN=1 -e SHARED=run busybox sleep 600 >/dev/null
id=$(b inspect -f '{{.Id}}' box)
init=$(cut -d' ' -f1 "$BERTH_RUN/containers/$id/init.pid")
cgroup2_only=false
[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && cgroup2_only=true

# waits up to 5 s for a command to succeed
wait_for() {
	for _ in $(seq 50); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# output and statuses
expect_status "exec echo" 0 b exec box echo hello
expect_eq "exec output" "hello" "$out"
expect_status "container exec alias" 0 b container exec box echo alias
expect_eq "alias output" "alias" "$out"
expect_status "exit status is the command's" 3 b exec box sh -c 'exit 3'
expect_status "stderr passes through" 0 b exec box sh -c 'echo oops >&2'
expect_eq "stderr text" "oops" "$err"
expect_eq "stderr is not stdout" "" "$out"
expect_status "killed by a signal" 137 b exec box sh -c 'kill -9 $$'
expect_status "command not found" 127 b exec box nosuchcommand
expect_match "not found message" 'exec: "nosuchcommand": executable file not found in \$PATH' "$err"
expect_status "missing path" 127 b exec box /no/such/file
expect_status "cannot exec a directory" 126 b exec box /etc
expect_status "cannot exec a file without x" 126 b exec box /etc/passwd
expect_match "permission message" 'permission denied' "$err"
expect_status "options after the container are the command's" 127 b exec box --help
expect_status "no command" 1 b exec box
expect_match "usage message" 'requires at least 2 arguments' "$err"
expect_status "failed execs leave no zombies" 0 b exec box ps -o stat,comm
expect_eq "no zombie in the container" "" "$(echo "$out" | awk '$1 ~ /^Z/')"

# environment: Docker's base, the container's Env, then the exec's -e
expect_status "env" 0 b exec -e FOO=bar -e SHARED=exec box sh -c 'echo "$FOO:$FROMRUN:$SHARED:$HOSTNAME:$HOME:$PATH"'
expect_eq "env values" "bar:1:exec:boxhost:/root:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$out"
expect_status "container env without -e" 0 b exec box sh -c 'echo "$SHARED:${TERM:-none}"'
expect_eq "container env" "run:none" "$out"
expect_status "bare -e of an unset name unsets" 0 env -u FROMRUN "$BERTH" exec -e FROMRUN box sh -c 'echo "${FROMRUN-unset}"'
expect_eq "unset" "unset" "$out"
printf 'A=1\n# comment\nB=two words\n' >"$TEST_DIR/env"
expect_status "env-file" 0 b exec --env-file "$TEST_DIR/env" box sh -c 'echo "$A/$B"'
expect_eq "env-file values" "1/two words" "$out"
expect_status "bad -e" 125 b exec -e =x box true

# working directory: the container's by default; -w must exist (runc does not make it)
expect_status "default workdir" 0 b exec box pwd
expect_eq "workdir is /" "/" "$out"
expect_status "-w" 0 b exec -w /etc box pwd
expect_eq "-w dir" "/etc" "$out"
expect_status "-w missing" 127 b exec -w /nonexistent box pwd
expect_match "-w missing message" 'chdir to cwd \("/nonexistent"\) set in config.json failed: no such file or directory' "$err"
# an exec that cannot start: 126, as Docker's daemon records it
expect_status "-w relative" 126 b exec -w etc box pwd
b run -d --name wbox -w /data/dir -u nobody busybox sleep 600 >/dev/null
expect_status "the container's WorkingDir and User" 0 b exec wbox sh -c 'pwd; id -u'
expect_eq "inherited workdir and user" "$(printf '/data/dir\n65534')" "$out"
expect_status "-u root overrides the container's user" 0 b exec -u root wbox id -u
expect_eq "uid 0" "0" "$out"
b rm -f wbox >/dev/null

# users
expect_status "-u nobody" 0 b exec -u nobody box id
expect_match "nobody" '^uid=65534\(nobody\) gid=65534\(nogroup\)' "$out"
expect_status "-u numeric" 0 b exec -u 1234:5678 box sh -c 'id -u; id -g'
expect_eq "numeric ids" "$(printf '1234\n5678')" "$out"
expect_status "unknown user" 126 b exec -u nosuchuser box true
expect_match "unknown user message" 'unable to find user nosuchuser: no matching entries in passwd file' "$err"

# the container's world: processes, hostname, namespaces, cgroups
expect_status "ps" 0 b exec box ps
expect_match "pid 1 is the container's command" $'\n +1 +root +sleep 600' "$out"
expect_status "hostname" 0 b exec box hostname
expect_eq "same hostname" "boxhost" "$out"
for ns in net mnt ipc uts pid; do
	expect_status "$ns namespace" 0 b exec box sh -c "readlink /proc/1/ns/$ns; readlink /proc/self/ns/$ns"
	expect_eq "same $ns namespace inside" "$(echo "$out" | head -1)" "$(echo "$out" | tail -1)"
	expect_eq "the init's $ns namespace" "$(readlink /proc/"$init"/ns/$ns)" "$(echo "$out" | tail -1)"
done
expect_status "own network namespace" 0 b exec box readlink /proc/self/ns/net
[ "$out" != "$(readlink /proc/self/ns/net)" ] && ok || bad "exec ran in the host's network namespace"
expect_status "cgroup" 0 b exec box sh -c 'cat /proc/self/cgroup; echo --; cat /proc/1/cgroup'
expect_eq "same cgroups as pid 1" "$(echo "$out" | sed '/^--$/,$d')" "$(echo "$out" | sed '1,/^--$/d')"
if $cgroup2_only; then
	expect_match "cgroup namespace root" '^0::/$' "$out"
else
	expect_match "the container's cgroup path" ":/$BERTH_CGROUP_PARENT/$id" "$out"
fi

# privileges: Docker's default capabilities and seccomp; --privileged adds
# every capability and keeps the container's seccomp profile, as Docker does
expect_status "caps" 0 b exec box grep -E '^Cap(Eff|Bnd)' /proc/self/status
expect_eq "default caps" "$(printf 'CapBnd:\t00000000a80425fb\nCapEff:\t00000000a80425fb')" "$(echo "$out" | sort)"
expect_status "seccomp" 0 b exec box grep '^Seccomp:' /proc/self/status
expect_match "filtered" $'Seccomp:\t2' "$out"
expect_status "privileged caps" 0 b exec --privileged box grep '^CapEff' /proc/self/status
eff=$(echo "$out" | cut -f2)
[ $((0x$eff & (1 << 21))) -ne 0 ] && ok || bad "--privileged lacks CAP_SYS_ADMIN: $eff"
expect_status "privileged seccomp" 0 b exec --privileged box grep '^Seccomp:' /proc/self/status
expect_match "still filtered" $'Seccomp:\t2' "$out"
expect_status "the container keeps its caps" 0 b exec box grep '^CapEff' /proc/1/status
expect_eq "init caps" $'CapEff:\t00000000a80425fb' "$out"

# no descriptor of berth's reaches the command
expect_status "no fd leaks" 0 b exec box ls /proc/self/fd
expect_eq "fds" "$(printf '0\n1\n2\n3')" "$out"
expect_status "no fd leaks with -i" 0 sh -c "echo | '$BERTH' exec -i box ls /proc/self/fd"
expect_eq "fds with -i" "$(printf '0\n1\n2\n3')" "$out"

# stdin
expect_status "-i with piped stdin" 0 sh -c "echo hi | '$BERTH' exec -i box cat"
expect_eq "stdin reaches the command" "hi" "$out"
expect_status "without -i stdin is not forwarded" 0 sh -c "echo hi | '$BERTH' exec box cat"
expect_eq "no stdin" "" "$out"
head -c 3000000 /dev/urandom >"$TEST_DIR/blob"
expect_status "large stdin and stdout round trip" 0 sh -c "'$BERTH' exec -i box cat <'$TEST_DIR/blob' | cmp - '$TEST_DIR/blob'"
expect_status "large output through a slow reader" 0 sh -c "'$BERTH' exec box head -c 20000000 /dev/zero | (sleep 1; wc -c)"
expect_eq "nothing dropped" "20000000" "$(echo "$out" | tr -d ' ')"

# terminals
expect_status "-t" 0 script -qec "$BERTH exec -t box tty" /dev/null
expect_match "a pty of the container's" '^/dev/pts/[0-9]+' "$out"
expect_status "-t sets TERM" 0 script -qec "$BERTH exec -t box sh -c 'echo \$TERM'" /dev/null
expect_match "TERM" '^xterm' "$out"
expect_status "-t takes the window size" 0 script -qec "stty rows 30 cols 100; $BERTH exec -t box stty -a" /dev/null
expect_match "window size" 'rows 30; columns 100' "$out"
expect_status "-it reads the terminal" 0 sh -c "printf 'echo typed-\$((6*7))\nexit 5\n' | script -qec '$BERTH exec -it box sh' /dev/null; echo status=\$?"
expect_match "typed command ran" 'typed-42' "$out"
expect_match "status of the shell" 'status=5' "$out"
expect_status "-it needs a terminal" 1 sh -c "echo | '$BERTH' exec -it box sh"
expect_match "not a TTY" 'the input device is not a TTY' "$err"

# detached
start=$(date +%s%N)
expect_status "-d" 0 b exec -d box sh -c 'sleep 1; echo done >/tmp/detached'
expect_eq "-d prints nothing" "" "$out"
[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 900 ] && ok || bad "-d waited for the command"
expect_status "the command is still running" 1 b exec box test -e /tmp/detached
wait_for b exec box test -e /tmp/detached && ok || bad "the detached command never ran"
expect_status "detached output" 0 b exec box cat /tmp/detached
expect_eq "detached wrote" "done" "$out"

# refusals
expect_status "missing container" 1 b exec nosuch true
expect_match "missing message" 'No such container: nosuch' "$err"
b run -d --name short busybox true >/dev/null
b wait short >/dev/null
shortid=$(b inspect -f '{{.Id}}' short)
expect_status "stopped container" 1 b exec short true
expect_match "not running message" "container $shortid is not running" "$err"
b pause box >/dev/null
expect_status "paused container" 1 b exec box true
expect_match "paused message" 'Container box is paused, unpause the container before exec' "$err"
b unpause box >/dev/null

# events: Docker's actions and attributes
expect_status "events" 0 b events --since "$t0" --until "$(($(date +%s) + 1))" --filter container=box --format '{{.Action}}|{{.Actor.Attributes.exitCode}}|{{.Actor.Attributes.name}}'
expect_match "exec_create" 'exec_create: sh -c exit 3[|]<no value>[|]box' "$out"
expect_match "exec_start" 'exec_start: echo hello[|]<no value>[|]box' "$out"
expect_match "no arguments: a trailing space" 'exec_start: hostname [|]' "$out"
expect_match "exec_die with the status" 'exec_die[|]3[|]box' "$out"

# an exec ends with its container
b run -d --name brief busybox sleep 600 >/dev/null
b exec brief sleep 300 &
execpid=$!
wait_for b exec brief sh -c 'ps | grep -q "[s]leep 300"' && ok || bad "exec in brief never started"
b kill brief >/dev/null
wait $execpid
expect_eq "exec killed with its container" "137" "$?"
b rm -f brief >/dev/null

# a killed exec monitor takes its command along
b exec -d box sleep 4242
pidfiles=("$BERTH_RUN/containers/$id"/exec-*.pid)
expect_eq "one exec monitor" "1" "${#pidfiles[@]}"
monitor=$(cut -d' ' -f1 "${pidfiles[0]}")
cmdpid=$(pgrep -f '^sleep 4242$')
expect_eq "the exec's cgroups are the container's" "$(cat /proc/"$init"/cgroup)" "$(cat /proc/"$cmdpid"/cgroup)"
pgrep -f "berth-shim [-]-exec $BERTH_ROOT/" | grep -qx "$monitor" && ok || bad "no exec monitor $monitor"
kill -9 "$monitor"
wait_for sh -c '! pgrep -f "^sleep 4242$" >/dev/null' && ok || bad "the command outlived its monitor"
# a change of user clears the parent-death signal: it must be set again
b exec -d -u nobody box sleep 4343
monitor=$(cut -d' ' -f1 "$BERTH_RUN/containers/$id"/exec-*.pid)
kill -9 "$monitor"
wait_for sh -c '! pgrep -f "^sleep 4343$" >/dev/null' && ok || bad "-u nobody outlived its monitor"

# nothing left behind once execs are over (the next exec collects what is left)
expect_status "exec after all that" 0 b exec box true
wait_for sh -c "! ls '$BERTH_RUN/containers/$id' | grep -q '^exec-'" && ok ||
	bad "exec records left: $(ls "$BERTH_RUN/containers/$id")"
# ([-] keeps the pattern from matching the shell that runs pgrep)
wait_for sh -c "! pgrep -f 'berth-shim [-]-exec $BERTH_ROOT/' >/dev/null" && ok ||
	bad "exec monitors left running: $(pgrep -af "berth-shim [-]-exec $BERTH_ROOT/")"

b rm -f box short >/dev/null
# an end of input the terminal already holds (script relays its own) is an
# end, never a NUL byte handed to the container once the terminal is raw
b run -d --name ttyend busybox sleep 600 >/dev/null
# (berth's client: the docker CLI sends a NUL there)
if berth_cli; then
	nuls=0
	for _ in $(seq 1 10); do
		script -qec "'$BERTH' exec -it ttyend sh -c tty" /dev/null </dev/null >"$TEST_DIR/tty.out"
		# the container's terminal echoes a NUL as ^@
		grep -q '\^@' "$TEST_DIR/tty.out" && nuls=$((nuls + 1))
	done
	expect_eq "no NUL from the terminal's end of input" 0 "$nuls"
	expect_match "the command's own output" '^/dev/pts/0' "$(cat "$TEST_DIR/tty.out")"
fi
b rm -f ttyend >/dev/null

# a spec left by a berth killed between writing it and starting its
# monitor goes at the next exec; one just written (another exec starting) stays
b run -d --name specs busybox sleep 600 >/dev/null
sid=$(b inspect -f '{{.Id}}' specs)
stale="$BERTH_RUN/containers/$sid/exec-$(printf 'a%.0s' $(seq 64)).spec"
fresh="$BERTH_RUN/containers/$sid/exec-$(printf 'b%.0s' $(seq 64)).spec"
echo "arg=true" >"$stale"
touch -d '10 minutes ago' "$stale"
echo "arg=true" >"$fresh"
expect_status "exec sweeps" 0 b exec specs true
if [ -e "$stale" ]; then bad "a stale exec spec stays"; else ok; fi
if [ -e "$fresh" ]; then ok; else bad "a fresh exec spec was removed"; fi
b rm -f specs >/dev/null

finish
