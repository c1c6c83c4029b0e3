#!/bin/bash
# Containers end to end: run, create/start, ps, stop, kill, restart, rm,
# rename, wait, logs, inspect, exit codes, and failures that change nothing.
source "$(dirname "$0")/lib.sh"
busybox_image

# run: output, exit status, --rm
expect_status "run echo" 0 b run --rm busybox echo hello
expect_eq "run echo output" "hello" "$out"
expect_status "run exit code" 3 b run --rm busybox sh -c 'exit 3'
expect_status "stderr passes through" 0 b run --rm busybox sh -c 'echo oops >&2'
expect_eq "stderr text" "oops" "$err"
expect_eq "--rm leaves nothing" "" "$(b ps -aq)"
expect_status "command not found" 127 b run --rm busybox nosuchcommand
expect_match "not found message" 'executable file not found in \$PATH' "$err"
expect_status "cannot exec a directory" 126 b run --rm busybox /etc

expect_eq "failed --rm runs leave nothing" "" "$(b ps -aq)"

# the container's world
expect_status "hostname flag" 0 b run --rm --hostname box1 busybox hostname
expect_eq "hostname" "box1" "$out"
expect_status "pid 1" 0 b run --rm busybox sh -c 'echo $$'
expect_eq "shell is pid 1" "1" "$out"
expect_status "env" 0 b run --rm -e FOO=bar -e EMPTY= busybox sh -c 'echo "$FOO:$EMPTY:$PATH"'
expect_eq "env values" "bar::/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$out"
printf 'A=1\n# comment\n\nB=two words\n' >"$TEST_DIR/env"
expect_status "env-file" 0 b run --rm --env-file "$TEST_DIR/env" busybox sh -c 'echo "$A/$B"'
expect_eq "env-file values" "1/two words" "$out"
expect_status "workdir created" 0 b run --rm -w /new/dir busybox pwd
expect_eq "workdir" "/new/dir" "$out"
expect_status "user nobody" 0 b run --rm -u nobody busybox id
expect_match "user id" '^uid=65534\(nobody\) gid=65534\(nogroup\)' "$out"
expect_status "numeric user" 0 b run --rm -u 1234:5678 busybox id -u
expect_eq "numeric uid" "1234" "$out"
expect_status "unknown user" 125 b run --rm -u nosuchuser busybox true
expect_match "unknown user message" 'unable to find user nosuchuser' "$err"
expect_status "entrypoint" 0 b run --rm --entrypoint echo busybox a b
expect_eq "entrypoint args" "a b" "$out"
expect_status "default cmd is sh" 0 sh -c "echo 'echo from-stdin' | '$BERTH' run --rm -i busybox"
expect_eq "stdin reaches sh" "from-stdin" "$out"
expect_status "network none has only lo" 0 b run --rm --network none busybox sh -c 'ls /sys/class/net'
expect_eq "interfaces" "lo" "$out"
expect_status "network host" 0 b run --rm --network host busybox hostname
expect_eq "host hostname" "$(hostname)" "$out"
expect_status "no fd leaks into the container" 0 b run --rm busybox ls /proc/self/fd
expect_eq "fds" "$(printf '0\n1\n2\n3')" "$out"

# a terminal: -t gives the container a pty of its own
expect_status "run -t" 0 script -qec "$BERTH run --rm -t busybox tty" /dev/null
expect_match "tty inside" '^/dev/pts/0' "$out"
# the terminal's size is the container's before its program runs
expect_status "run -it has the terminal's size" 0 script -qec "stty cols 100 rows 30; $BERTH run --rm -it busybox stty size" /dev/null
expect_match "rows and columns at start" '30 100' "$out"
before=$(b ps -aq | wc -l)
expect_status "a relative working directory is refused" 125 b run --rm -w relative busybox pwd
expect_eq "Docker's words" "the working directory 'relative' is invalid, it needs to be an absolute path" "$(said "$err")"
expect_eq "nothing left by the refusal" "$before" "$(b ps -aq | wc -l)"
expect_status "run -it reads the terminal" 0 sh -c "printf 'echo typed-\$((6*7))\nexit 5\n' | script -qec '$BERTH run --rm -it busybox sh' /dev/null; echo status=\$?"
expect_match "typed command ran" 'typed-42' "$out"

# signals to berth reach the container (sig-proxy), even from a shell that
# started berth with SIGINT ignored
"$BERTH" run --rm --name sigs busybox sh -c 'trap "echo got-INT; exit 7" INT; while :; do sleep 0.1; done' >"$TEST_DIR/sig.out" &
sigpid=$!
sleep 1
kill -INT $sigpid
wait $sigpid
expect_eq "SIGINT forwarded, the container's exit status returned" "7" "$?"
expect_eq "the trap ran" "got-INT" "$(cat "$TEST_DIR/sig.out")"

# the detach keys leave the container running
expect_status "ctrl-p ctrl-q detaches" 0 sh -c "(sleep 0.5; printf '\020\021') | script -qec '$BERTH run -it --name det busybox sh' /dev/null"
expect_status "still running after detach" 0 b inspect -f '{{.State.Running}}' det
expect_eq "running" "true" "$out"
# detaching from attach is no failure: status 0 (the docker CLI says
# "read escape sequence" and exits 1)
detach_status=0
[ "$BERTH_DRIVER" = docker ] && detach_status=1
expect_status "custom detach keys" "$detach_status" sh -c "(sleep 0.5; printf '\001x') | script -qec '$BERTH attach --detach-keys ctrl-a,x det' /dev/null"
expect_status "still running after the second detach" 0 b inspect -f '{{.State.Running}}' det
expect_eq "running again" "true" "$out"
b rm -f det >/dev/null

# attach to a running container sees its new output
b run -d --name ticker busybox sh -c 'sleep 0.5; for i in 1 2 3; do echo t$i; sleep 0.2; done' >/dev/null
expect_status "attach" 0 timeout 10 "$BERTH" attach ticker
expect_eq "attached output" "$(printf 't1\nt2\nt3')" "$out"
expect_status "attach to a stopped container" 1 b attach ticker
expect_match "attach stopped message" 'You cannot attach to a stopped container' "$err"

# without StdinOnce (run -d -i), one client's end of input leaves stdin open
# for the next; with it (run -i), the end of input is the end of stdin
b run -d -i --name reader busybox sh -c 'while read l; do echo got $l; done; echo STDIN-CLOSED; sleep 300' >/dev/null
# (-k: the docker CLI passes timeout's SIGTERM on to the container)
echo first | timeout -k 1 2 "$BERTH" attach reader >/dev/null
echo second | timeout -k 1 2 "$BERTH" attach reader >/dev/null
expect_eq "both clients reached the one stdin" "$(printf 'got first\ngot second')" "$(b logs reader)"
b rm -f reader >/dev/null
expect_status "run -i ends with its input" 0 timeout 10 sh -c "echo once | '$BERTH' run -i --rm busybox cat"
expect_eq "run -i output" "once" "$out"
b rm ticker >/dev/null

# detached lifecycle
expect_status "run -d" 0 b run -d --name web --label tier=front busybox sleep 300
id=$out
expect_match "run -d prints the id" '^[0-9a-f]{64}$' "$id"
expect_status "ps shows it" 0 b ps --format '{{.Names}} {{.State}} {{.Image}}'
expect_eq "ps row" "web running busybox" "$out"
expect_status "ps -q" 0 b ps -q
expect_eq "ps -q id" "${id:0:12}" "$out"
expect_status "ps --no-trunc" 0 b ps --no-trunc -q
expect_eq "ps full id" "$id" "$out"
expect_status "ps filter label" 0 b ps --filter label=tier=front --format '{{.Names}}'
expect_eq "label filter" "web" "$out"
expect_status "ps filter name" 0 b ps -a --filter name=nomatch -q
expect_eq "name filter" "" "$out"
expect_status "ps bad filter" 1 b ps --filter bogus=1
expect_status "ps header" 0 b ps
expect_match "ps table header" '^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES' "$out"
expect_match "ps status up" 'Up (Less than a second|[0-9]+ seconds)' "$out"
expect_status "inspect by prefix" 0 b inspect --format '{{.State.Status}} {{.Name}} {{.Config.Labels.tier}}' "${id:0:8}"
expect_eq "inspect fields" "running /web front" "$out"
pid=$(b inspect -f '{{.State.Pid}}' web)
expect_match "init pid" '^[0-9]+$' "$pid"
expect_status "duplicate name" 125 b run -d --name web busybox true
expect_match "conflict message" 'Conflict. The container name "/web" is already in use' "$err"
expect_status "rm running refused" 1 b rm web
expect_match "rm running message" 'container is running' "$err"
expect_status "rename" 0 b rename web web2
expect_status "renamed" 0 b inspect -f '{{.Name}}' web2
expect_eq "new name" "/web2" "$out"
expect_status "stop" 0 b stop -t 1 web2
expect_eq "stop prints name" "web2" "$out"
expect_status "stopped state" 0 b inspect -f '{{.State.Status}} {{.State.ExitCode}}' web2
expect_eq "sleep killed by SIGTERM as pid 1 needs SIGKILL" "exited 137" "$out"
expect_status "start again" 0 b start web2
expect_status "running again" 0 b inspect -f '{{.State.Running}}' web2
expect_eq "running" "true" "$out"
expect_status "kill -s TERM to a shell that traps" 0 b kill -s KILL web2
expect_status "wait" 0 b wait web2
expect_eq "wait code" "137" "$out"
expect_status "kill stopped" 1 b kill web2
expect_match "kill stopped message" 'is not running' "$err"
expect_status "restart" 0 b restart -t 0 web2
expect_status "restarted" 0 b inspect -f '{{.State.Running}}' web2
expect_eq "restarted running" "true" "$out"
expect_status "rm -f" 0 b rm -f web2
expect_status "gone" 1 b inspect web2
expect_match "no such object" 'No such object: web2' "$err"

# create then start -a, logs
expect_status "create" 0 b create --name job busybox sh -c 'echo line1; echo line2 >&2; echo line3'
expect_status "created state" 0 b ps -a --filter status=created --format '{{.Names}} {{.Status}}'
expect_eq "created row" "job Created" "$out"
expect_status "start -a" 0 b start -a job
expect_eq "start -a output" "$(printf 'line1\nline3')" "$out"
expect_eq "start -a stderr" "line2" "$err"
expect_status "logs" 0 b logs job
expect_eq "logs stdout" "$(printf 'line1\nline3')" "$out"
expect_eq "logs stderr" "line2" "$err"
b run --name counter busybox sh -c 'for i in 1 2 3 4 5; do echo n$i; done' >/dev/null
expect_status "logs --tail 2" 0 b logs --tail 2 counter
expect_eq "tail" "$(printf 'n4\nn5')" "$out"
expect_status "logs --tail 0" 0 b logs --tail 0 counter
expect_eq "tail 0" "" "$out"
expect_status "logs -t" 0 b logs -t --tail 1 counter
expect_match "timestamps, nine digits as Docker prints them" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z n5$' "$out"
log=$(b inspect -f '{{.LogPath}}' job)
expect_match "json-file line format" '^\{"log":"line1\\n","stream":"stdout","time":"[0-9T:.-]+Z"\}$' "$(head -1 "$log")"
expect_status "logs --until past" 0 b logs --until 2000-01-01T00:00:00Z job
expect_eq "nothing before 2000" "" "$out"
b run -d --name talker busybox sh -c 'for i in 1 2 3; do echo tick$i; sleep 0.3; done' >/dev/null
expect_status "logs -f follows to the end" 0 timeout 10 "$BERTH" logs -f talker
expect_eq "followed lines" "$(printf 'tick1\ntick2\ntick3')" "$out"
expect_status "ps -a -n 1" 0 b ps -a -n 1 --format '{{.Names}}'
expect_eq "latest" "talker" "$out"
expect_status "ps -l" 0 b ps -l --format '{{.Names}}'
expect_eq "latest -l" "talker" "$out"
expect_status "ps exited filter" 0 b ps -a --filter exited=0 --format '{{.Names}}'
expect_match "exited=0" 'job' "$out"
expect_status "json format" 0 b ps -a -n 1 --format json
expect_match "json row" '^\{.*"Names":"talker".*\}$' "$out"
expect_match "json row fields sorted, as Docker's" '^\{"Command":.*"CreatedAt":.*"ID":.*"Image":.*"Labels":.*"Names":.*"State":.*"Status":' "$out"
expect_status "unknown ps field" 1 b ps -a --format '{{.Nmaes}}'
expect_eq "unknown field named as Docker names it" 'failed to execute template: template: :1:2: executing "" at <.Nmaes>: can'"'"'t evaluate field Nmaes in type *formatter.ContainerContext' "$(said "$err")"
expect_status "unknown field with no rows" 1 b ps --filter name=nothing-has-this --format '{{.Nmaes}}'
expect_status "Label method" 0 b ps -a -n 1 --format '[{{.Label "nosuch"}}]'
expect_eq "missing label is empty" "[]" "$out"
expect_status "unknown images field" 1 b images --format '{{.Repo}}'
expect_match "images type" 'template parsing error: .* in type \*formatter\.imageContext$' "$err"
expect_status "images fields Docker has" 0 b images --format '{{.Containers}} {{.SharedSize}} {{.UniqueSize}}'
# berth checks a list's format with no rows to format (the docker CLI
# says nothing then); a key inspect's data lacks is <no value> (the
# docker CLI 28 errs where Docker's type has no such field)
if berth_cli; then
	expect_status "unknown volume field" 1 b volume ls --format '{{.Nmae}}'
	expect_status "unknown stats field" 1 b stats --no-stream --format '{{.CPU}}'
	expect_match "stats type" 'in type \*container\.statsContext$' "$err"
	expect_status "map data keeps <no value>" 0 b inspect -f '{{.Nosuch}}' talker
	expect_eq "inspect unknown key" "<no value>" "$out"
fi
expect_status "container prune" 0 b container prune -f
expect_eq "pruned all" "" "$(b ps -aq)"

# failures leave everything as it was
before=$(store_snapshot)
expect_status "missing image" 125 b run --rm nosuchimage true
expect_match "missing image message" 'Unable to find image .nosuchimage:latest. locally' "$err"
expect_status "bad flag" 125 b run --bogus busybox true
expect_match "bad flag message" 'unknown flag: --bogus' "$err"
expect_status "bad name" 125 b run --name 'bad name!' busybox true
expect_match "bad name message" 'Invalid container name' "$err"
expect_status "bad network" 125 b run --network nosuchnet busybox true
expect_status "bad template" 1 b ps --format '{{.Names'
expect_status "no such container" 1 b stop nosuch
expect_match "no such container message" 'No such container: nosuch' "$err"
expect_status "unknown command" 1 b frobnicate
expect_status "unknown global flag" 125 b --frob ps
expect_match "unknown global flag message" "^unknown flag: --frob" "$(said "$err")"
expect_status "unknown global shorthand" 125 b -z ps
expect_eq "store unchanged after failures" "$before" "$(store_snapshot)"

# aliases
expect_status "container ls" 0 b container ls -a
expect_status "image ls" 0 b image ls -q
expect_match "one image" '^[0-9a-f]{12}$' "$out"

# info and version
expect_status "info" 0 b info --format '{{.Images}} {{.Driver}}'
expect_eq "info fields" "1 overlay2" "$out"
# what info says is read from the system, not assumed
expect_eq "backing filesystem measured" "tmpfs" \
	"$(BERTH_ROOT=/dev/shm/berth-info-$$ "${BERTH_ITSELF:-$BERTH}" info --format '{{index (index .DriverStatus 0) 1}}'; rm -rf /dev/shm/berth-info-$$)"
expect_status "info's plugins" 0 b info
expect_match "info lists the drivers as docker info does" \
	$'\n Plugins:\n  Volume: local\n  Network: bridge host ipvlan macvlan null\n  Log: fluentd gelf journald json-file local syslog\n Swarm: inactive\n' "$out"
expect_eq "no cgroup warning where the host has every controller" "" \
	"$(b info 2>&1 >/dev/null | grep -E 'No (memory|cpu|pids|freezer)')"
if berth_cli && mountpoint -q /sys/fs/cgroup/memory 2>/dev/null; then
	expect_status "info without a memory cgroup" 0 unshare -m sh -c "umount -l /sys/fs/cgroup/memory && '$BERTH' info"
	expect_match "says so in Docker's words" 'WARNING: No memory limit support' "$err"
fi
expect_status "security options" 0 b info --format '{{json .SecurityOptions}}'
if [[ "$out" == *no-new-privileges* ]]; then bad "no-new-privileges listed though off by default"; else ok; fi
expect_status "version" 0 b version --format '{{.Server.Version}}'
expect_match "version" '^[0-9]+\.[0-9]+\.[0-9]+$' "$out"

# what a user coming from Docker meets
expect_status "rm -f of a missing container" 0 b rm -f nosuchcontainer
# berth's is quiet, as the docker CLI's help says (it prints the daemon's 404)
berth_cli && expect_eq "and says nothing" "" "$err"
expect_status "run -dit without a terminal" 0 b run -dit --name tutorial busybox sh
expect_eq "it runs" "running" "$(b inspect -f '{{.State.Status}}' tutorial)"
b pause tutorial >/dev/null
expect_status "start of a paused container" 1 b start tutorial
expect_match "its message" 'cannot start a paused container, try unpause instead' "$err"
expect_eq "still paused" "paused" "$(b inspect -f '{{.State.Status}}' tutorial)"
b rm -f tutorial >/dev/null
b run -d --name latecomer busybox sh -c 'sleep 1; echo late; exit 3' >/dev/null
expect_status "start -a of a running container attaches" 3 b start -a latecomer
expect_eq "its output" "late" "$out"
b rm -f latecomer >/dev/null
b run -d --name exported busybox sleep 60 >/dev/null
expect_status "export -o under a permissive umask" 0 sh -c "umask 022; '$BERTH' export -o '$TEST_DIR/exported.tar' exported"
expect_eq "the export is private" "600" "$(stat -c %a "$TEST_DIR/exported.tar")"
expect_status "save -o" 0 b save -o "$TEST_DIR/saved.tar" busybox
expect_eq "the save is private" "600" "$(stat -c %a "$TEST_DIR/saved.tar")"
expect_status "wrong argument count" 1 b rename exported
expect_match "Docker's words" "'(berth|docker) rename' requires 2 arguments" "$err"
b rm -f exported >/dev/null
# hostnames the kernel and /etc/hosts can hold, or a clear refusal
expect_status "hostname with a newline" 125 b run --rm --hostname "$(printf 'a\nb')" busybox true
expect_match "its message" 'invalid hostname .*control characters' "$err"
expect_status "hostname of 65 bytes" 125 b run --rm --hostname "$(printf 'h%.0s' $(seq 65))" busybox true
expect_match "its message" 'longer than 64 bytes' "$err"
expect_status "hostname of 64 bytes" 0 b run --rm --hostname "$(printf 'h%.0s' $(seq 64))" busybox hostname
expect_eq "it is set" "$(printf 'h%.0s' $(seq 64))" "$out"
# the environment Docker gives: PATH, HOSTNAME, TERM with a tty
expect_status "run -t env" 0 b run --rm -t --hostname envhost busybox env
expect_match "PATH by default" 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "$out"
expect_match "HOSTNAME" 'HOSTNAME=envhost' "$out"
expect_match "TERM with a tty" 'TERM=xterm' "$out"
expect_status "run env without a tty" 0 b run --rm -e HOSTNAME=mine busybox env
expect_match "the container's own value wins" 'HOSTNAME=mine' "$out"
if [[ "$out" == *TERM=* ]]; then bad "TERM without a tty"; else ok; fi

# `wait` reports the exit another berth process recorded (here rm -f's kill)
for round in 1 2 3; do
	b run -d --name waited busybox sleep 1000 >/dev/null
	"$BERTH" wait waited >"$TEST_DIR/wait1" 2>/dev/null &
	w1=$!
	"$BERTH" wait waited >"$TEST_DIR/wait2" 2>/dev/null &
	w2=$!
	sleep 0.3
	b rm -f waited >/dev/null
	wait $w1 $w2
	expect_eq "wait after rm -f, round $round" "137 137" "$(cat "$TEST_DIR/wait1") $(cat "$TEST_DIR/wait2")"
done

finish
