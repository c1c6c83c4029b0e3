#!/bin/bash
# berth as a client of a daemon elsewhere: -H, $DOCKER_HOST, the TLS flags
# and $DOCKER_TLS_VERIFY/$DOCKER_CERT_PATH, contexts, and ssh://.
#   1. berth daemon on a unix socket, driven by a client whose own store is
#      an empty folder: containers, exec, logs, networks, volumes, prunes,
#      events, errors in the local engine's words; the same store seen by
#      the local berth both ways; files both ways (commit, export, cp,
#      save, load, import, push); the commands not yet translated refused.
#   2. a second berth daemon in a network namespace of its own (a veth pair
#      with a private /30), serving tcp:// with TLS that verifies clients:
#      the flags, the environment, a missing client certificate, a wrong
#      CA, its containers kept apart from the first daemon's, contexts.
#   3. ssh:// to a private sshd in that namespace: berth system dial-stdio
#      on the far side (and docker's where berth is not there), an ssh
#      host nothing listens on.
#   4. a real dockerd (scripts/private-dockerd.sh) driven by berth.
#   5. the console on a remote daemon: its header names the daemon.
# Every daemon, sshd, namespace, veth and tmux server is its own and goes
# however the script ends; traffic goes to loopback and the namespaces
# made here only, and ssh never reads or writes root's ~/.ssh.
source "$(dirname "$0")/lib.sh"
busybox_image
command -v tmux >/dev/null || { echo "$TEST_NAME: needs tmux (scripts/install-deps.sh)"; exit 1; }
[ -x /usr/sbin/sshd ] || { echo "$TEST_NAME: needs openssh-server (scripts/install-deps.sh --test)"; exit 1; }

unset DOCKER_HOST DOCKER_CONTEXT DOCKER_CERT_PATH DOCKER_TLS DOCKER_TLS_VERIFY
# contexts and the docker CLI's settings here, not in root's home
export DOCKER_CONFIG=$TEST_DIR/docker-config
# ssh is berth's to spawn: ours first, with its own config, keys and known hosts
mkdir -p "$TEST_DIR/bin"
export PATH=$TEST_DIR/bin:$PATH

SOCK=$TEST_DIR/api.sock
# a client's own store: empty, to show that what it sees is the daemon's
ELSEWHERE=$TEST_DIR/elsewhere
# the far daemon's store and its namespace
ROOT2=$TEST_DIR/root2
RUN2=$TEST_DIR/run2
NS=berth-remote-$$
VETH_HOST=brm$$h
VETH_FAR=brm$$n
SSHD_PID_FILE=$TEST_DIR/ssh/sshd.pid
DOCKERD_DIR=$TEST_DIR/dockerd
TM_SOCKET=$TEST_DIR/tmux.sock
made_run_sshd=0
dockerd_started=0
background=()

tm() { tmux -S "$TM_SOCKET" -f "$TEST_DIR/tmux.conf" "$@"; }
in_far() { nsenter --net="/run/netns/$NS" "$@"; }
far_local() { BERTH_ROOT=$ROOT2 BERTH_RUN=$RUN2 "$BERTH" "$@"; }

remote_cleanup() {
	local p
	tm kill-server 2>/dev/null
	# the containers first, each store by its own engine (the far one in
	# its namespace), while their daemons' stores are still whole
	for p in "${background[@]}"; do kill -9 "$p" 2>/dev/null; done
	for p in "${background[@]}"; do wait "$p" 2>/dev/null; done
	background=()
	timeout 30 "$BERTH" ps -aq 2>/dev/null | xargs -r timeout 30 "$BERTH" rm -f >/dev/null 2>&1
	if [ -e "/run/netns/$NS" ]; then
		if [ -d "$ROOT2" ]; then
			timeout 30 env BERTH_ROOT="$ROOT2" BERTH_RUN="$RUN2" nsenter --net="/run/netns/$NS" "$BERTH" ps -aq 2>/dev/null |
				xargs -r timeout 30 env BERTH_ROOT="$ROOT2" BERTH_RUN="$RUN2" nsenter --net="/run/netns/$NS" "$BERTH" rm -f >/dev/null 2>&1
		fi
		# whatever still runs in the namespace is ours: the far daemon,
		# sshd and its sessions
		[ -f "$SSHD_PID_FILE" ] && kill -9 "$(cat "$SSHD_PID_FILE")" 2>/dev/null
		for p in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		ip link del "$VETH_HOST" 2>/dev/null
		ip netns del "$NS" 2>/dev/null
	fi
	[ "$dockerd_started" = 1 ] && "$SOURCE_DIR/scripts/private-dockerd.sh" stop "$DOCKERD_DIR" >/dev/null 2>&1
	[ "$made_run_sshd" = 1 ] && rmdir /run/sshd 2>/dev/null
	cleanup
}
trap remote_cleanup EXIT

# berth with this test's store, bounded: a hang fails the check, not the run
rb() { timeout 30 "$BERTH" "$@"; }
api_ping() { curl -sf --max-time 5 --unix-socket "$SOCK" http://docker/_ping | grep -qx OK; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# piped INPUT COMMAND...: the command with INPUT (and a newline) on its stdin
piped() {
	local input=$1
	shift
	printf '%s\n' "$input" | "$@"
}
logs_have() { c logs "$1" 2>&1 | grep -q -- "$2"; }

cat >"$TEST_DIR/tmux.conf" <<'EOF'
set -g default-terminal tmux-256color
set -g status off
set -g escape-time 0
EOF

# --- the daemon on a unix socket ---------------------------------------------------------------
"$BERTH" daemon -H "unix://$SOCK" >"$TEST_DIR/daemon.log" 2>&1 &
daemon=$!
background+=("$daemon")
wait_for "the daemon answers /_ping" api_ping
if ! api_ping; then
	echo "daemon log:"
	cat "$TEST_DIR/daemon.log"
	finish
fi

# A registry on loopback that has no image: what a pull of a missing one meets.
cat >"$TEST_DIR/registry.py" <<'EOF'
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def answer(self, code, body):
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)
    def do_GET(self):
        if self.path.rstrip('/') == '/v2':
            return self.answer(200, b'{}')
        self.answer(404, json.dumps({"errors": [{"code": "MANIFEST_UNKNOWN",
            "message": "manifest unknown", "detail": {}}]}).encode())
    do_HEAD = do_GET
s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
EOF
python3 "$TEST_DIR/registry.py" >"$TEST_DIR/registry.port" &
background+=($!)
wait_for "the fake registry starts" test -s "$TEST_DIR/registry.port"
registry_port=$(cat "$TEST_DIR/registry.port")

# unix_suite HOW SUFFIX: the Engine API's commands over the unix socket,
# the client chosen by -H (HOW=flag) or $DOCKER_HOST (HOW=env), its own
# store an empty folder. Container names end in SUFFIX.
unix_suite() {
	local how=$1 s=$2 t0 took
	case $how in
	flag) c() { timeout 30 env BERTH_ROOT="$ELSEWHERE/root" BERTH_RUN="$ELSEWHERE/run" "$BERTH" -H "unix://$SOCK" "$@"; } ;;
	env) c() { timeout 30 env BERTH_ROOT="$ELSEWHERE/root" BERTH_RUN="$ELSEWHERE/run" DOCKER_HOST="unix://$SOCK" "$BERTH" "$@"; } ;;
	esac
	local w=web$s

	expect_status "$how: version" 0 c version
	expect_match "$how: version has the server's section" $'\nServer: berth\n Engine:\n  Version: +[^\n]+\n  API version: +1\\.44 \\(minimum version 1\\.24\\)' "$out"
	expect_status "$how: version --format" 0 c version --format '{{.Server.ApiVersion}} {{.Server.Os}} {{.Server.KernelVersion}}'
	expect_eq "$how: the server's fields" "1.44 linux $(uname -r)" "$out"
	expect_status "$how: info" 0 c info --format '{{.Images}} {{.Name}} {{.OperatingSystem}}'
	expect_eq "$how: info is the daemon's" "$(b info --format '{{.Images}} {{.Name}} {{.OperatingSystem}}')" "$out"
	expect_status "$how: images" 0 c images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
	expect_eq "$how: the daemon's images" "busybox:latest $(b images -q busybox)" "$out"

	# run: attached output, exit codes, stdin, a tty
	expect_status "$how: run --rm" 0 c run --rm busybox echo hi
	expect_eq "$how: run output" hi "$out"
	expect_status "$how: the command's exit code" 3 c run --rm busybox sh -c 'echo before; exit 3'
	expect_eq "$how: output of a failing command" before "$out"
	expect_status "$how: stdout and stderr apart" 0 c run --rm busybox sh -c 'echo to-out; echo to-err >&2'
	expect_eq "$how: stdout" to-out "$out"
	expect_eq "$how: stderr" to-err "$err"
	expect_status "$how: a missing command" 127 c run --rm busybox nosuchcommand
	expect_match "$how: missing command message" 'executable file not found' "$err"
	expect_status "$how: a directory as the command" 126 c run --rm busybox /etc
	expect_match "$how: directory message" 'is a directory' "$err"
	expect_status "$how: run -i" 4 piped $'line1\nline2\n' c run -i --rm busybox sh -c 'cat; exit 4'
	expect_eq "$how: stdin reaches the container" $'line1\nline2' "$out"
	expect_status "$how: run -t without a terminal" 0 c run -t --rm busybox echo on-tty
	expect_eq "$how: -t gives the container a terminal" $'on-tty\r' "$out"
	expect_status "$how: -it without a terminal is refused" 1 piped x c run -it --rm busybox true
	expect_eq "$how: as docker says it" "berth: the input device is not a TTY" "$err"
	local client="BERTH_ROOT=$ELSEWHERE/root BERTH_RUN=$ELSEWHERE/run"
	[ "$how" = flag ] && client="$client $BERTH -H unix://$SOCK" || client="$client DOCKER_HOST=unix://$SOCK $BERTH"
	# typed once the container reads its terminal
	expect_status "$how: run -it on a terminal" 5 timeout 30 script -eqc \
		"env $client run -it --rm --name tty$s busybox sh -c 'tty; a=\$(head -n 1); echo got-\$a; exit 5'" /dev/null \
		< <(for _ in $(seq 100); do b top "tty$s" 2>/dev/null | grep -q 'head -n 1' && break; sleep 0.1; done
			echo typed
			sleep 5)
	expect_match "$how: the container's terminal" $'^/dev/pts/[0-9]+\r\n' "$out"
	expect_match "$how: typed input reaches it" $'got-typed\r' "$out"
	expect_eq "$how: no container left by --rm" "" "$(c ps -aq)"

	# a long-lived container
	expect_status "$how: run -d" 0 c run -d --name "$w" busybox sh -c 'echo out1; echo err1 >&2; echo out2; exec sleep 600'
	expect_match "$how: run -d prints the id" '^[0-9a-f]{64}$' "$out"
	local id=$out
	expect_status "$how: ps" 0 c ps --format '{{.ID}} {{.Names}} {{.Image}} {{.State}}'
	expect_eq "$how: ps shows it" "${id:0:12} $w busybox running" "$out"
	expect_eq "$how: the local berth sees it (same store)" "$w running" "$(b ps --filter "id=$id" --format '{{.Names}} {{.State}}')"
	wait_for "$how: its logs" logs_have "$w" out2
	expect_status "$how: logs" 0 c logs "$w"
	expect_eq "$how: logs: stdout on stdout" $'out1\nout2' "$out"
	expect_eq "$how: logs: stderr on stderr" err1 "$err"
	expect_status "$how: logs --tail 1" 0 c logs --tail 1 "$w"
	expect_eq "$how: --tail 1, as the local berth gives it" "$(b logs --tail 1 "$w" 2>&1)" "$out$err"
	expect_status "$how: logs --tail 2 -t" 0 c logs --tail 2 -t "$w"
	expect_match "$how: timestamps" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]+Z ' "$out$err"
	expect_eq "$how: -t: the same lines as the local berth's" "$(b logs --tail 2 -t "$w" 2>&1 | sort)" "$(printf '%s\n%s\n' "$out" "$err" | grep . | sort)"
	expect_status "$how: exec" 0 c exec "$w" sh -c 'echo in-$HOSTNAME'
	expect_eq "$how: exec output" "in-${id:0:12}" "$out"
	expect_status "$how: exec's exit code" 3 c exec "$w" sh -c 'echo e >&2; exit 3'
	expect_eq "$how: exec's stderr" e "$err"
	expect_status "$how: exec -i" 0 piped exec-stdin c exec -i "$w" cat
	expect_eq "$how: exec -i: stdin reaches it" exec-stdin "$out"
	# stdin larger than the sockets hold, echoed back while still being sent
	head -c 8000000 /dev/urandom >"$TEST_DIR/blob"
	if c exec -i "$w" cat <"$TEST_DIR/blob" | cmp -s - "$TEST_DIR/blob"; then ok; else
		bad "$how: 8 MB through exec -i did not come back whole"; fi
	expect_status "$how: inspect -f" 0 c inspect -f '{{.State.Status}} {{.Name}} {{.Config.Image}} {{.Id}}' "$w"
	expect_eq "$how: inspect" "running /$w busybox $id" "$out"
	expect_status "$how: top" 0 c top "$w"
	expect_match "$how: top shows the command" $'PID.*CMD\n.*sleep 600' "$out"
	expect_status "$how: stats --no-stream" 0 c stats --no-stream --format '{{.Name}} {{.PIDs}}' "$w"
	expect_eq "$how: stats" "$w 1" "$out"
	expect_status "$how: pause" 0 c pause "$w"
	expect_eq "$how: paused" paused "$(b inspect -f '{{.State.Status}}' "$w")"
	expect_status "$how: unpause" 0 c unpause "$w"
	expect_eq "$how: unpaused" running "$(b inspect -f '{{.State.Status}}' "$w")"
	expect_status "$how: rename" 0 c rename "$w" "$w-2"
	expect_eq "$how: renamed, for the local berth too" "$w-2" "$(b ps --filter "id=$id" --format '{{.Names}}')"
	w=$w-2
	expect_status "$how: stop" 0 c stop -t 1 "$w"
	expect_eq "$how: stop's output" "$w" "$out"
	expect_eq "$how: stopped (sleep ignores SIGTERM: killed)" "exited 137" "$(b inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$w")"
	expect_status "$how: start" 0 c start "$w"
	expect_eq "$how: started" running "$(b inspect -f '{{.State.Status}}' "$w")"
	local pid1 pid2
	pid1=$(b inspect -f '{{.State.Pid}}' "$w")
	expect_status "$how: restart" 0 c restart -t 1 "$w"
	pid2=$(b inspect -f '{{.State.Pid}}' "$w")
	[ -n "$pid2" ] && [ "$pid2" != 0 ] && [ "$pid1" != "$pid2" ] && ok || bad "$how: restart kept the process ($pid1, $pid2)"
	expect_status "$how: kill" 0 c kill "$w"
	expect_status "$how: wait" 0 c wait "$w"
	expect_eq "$how: wait prints the exit code" 137 "$out"
	expect_status "$how: rm -f" 0 c rm -f "$w"
	expect_eq "$how: rm -f's output" "$w" "$out"
	expect_eq "$how: gone for the local berth too" "" "$(b ps -aq --filter "id=$id")"

	# logs -f ends when the container does
	expect_status "$how: a short-lived container" 0 c run -d --name "talk$s" busybox sh -c 'echo a1; sleep 1; echo a2'
	t0=$(now_ms)
	expect_status "$how: logs -f" 0 c logs -f "talk$s"
	took=$(($(now_ms) - t0))
	expect_eq "$how: logs -f follows to the end" $'a1\na2' "$out"
	[ "$took" -lt 10000 ] && ok || bad "$how: logs -f took ${took} ms to end after its container"
	expect_status "$how: logs -f of a stopped container" 0 c logs -f "talk$s"
	expect_eq "$how: all of it, at once" $'a1\na2' "$out"
	expect_status "$how: wait on an exited container" 0 c wait "talk$s"
	expect_eq "$how: its code" 0 "$out"
	expect_status "$how: ps -a" 0 c ps -a --filter "name=talk$s" --format '{{.Names}} {{.State}} {{.Status}}'
	expect_match "$how: ps -a shows the exited container" "^talk$s exited Exited \\(0\\) " "$out"
	expect_eq "$how: ps does not" "" "$(c ps -q --filter "name=talk$s")"

	# networks
	expect_status "$how: network create" 0 c network create "net$s"
	expect_match "$how: network create prints the id" '^[0-9a-f]{64}$' "$out"
	expect_match "$how: network ls" $'(^|\n)net'"$s"$'\n' "$(c network ls --format '{{.Name}}')"$'\n'
	expect_eq "$how: the local berth sees the network" "net$s" "$(b network ls --format '{{.Name}}' | grep -x "net$s")"
	expect_status "$how: network inspect" 0 c network inspect -f '{{.Name}} {{.Driver}}' "net$s"
	expect_eq "$how: network inspect" "net$s bridge" "$out"
	c run -d --name "netbox$s" busybox sleep 600 >/dev/null
	expect_status "$how: network connect" 0 c network connect "net$s" "netbox$s"
	expect_eq "$how: connected" "bridge net$s " "$(b inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "netbox$s")"
	expect_status "$how: network disconnect" 0 c network disconnect "net$s" "netbox$s"
	expect_eq "$how: disconnected" "bridge " "$(b inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "netbox$s")"
	c rm -f "netbox$s" >/dev/null
	expect_status "$how: network rm" 0 c network rm "net$s"
	expect_eq "$how: network gone" "" "$(b network ls --format '{{.Name}}' | grep -x "net$s")"

	# volumes
	expect_status "$how: volume create" 0 c volume create "vol$s"
	expect_eq "$how: volume create prints the name" "vol$s" "$out"
	expect_match "$how: volume ls" $'(^|\n)vol'"$s"$'\n' "$(c volume ls --format '{{.Name}}')"$'\n'
	expect_status "$how: volume inspect" 0 c volume inspect -f '{{.Name}} {{.Driver}} {{.Mountpoint}}' "vol$s"
	expect_eq "$how: volume inspect, as the local berth has it" "$(b volume inspect -f '{{.Name}} {{.Driver}} {{.Mountpoint}}' "vol$s")" "$out"
	expect_status "$how: volume rm" 0 c volume rm "vol$s"
	expect_eq "$how: volume gone" "" "$(b volume ls -q --filter "name=vol$s")"

	# prunes: each removes what it should, from the daemon's store
	b create --name "dead$s" busybox true >/dev/null
	b volume create "loose$s" >/dev/null
	b network create "spare$s" >/dev/null
	expect_status "$how: container prune" 0 c container prune -f
	expect_match "$how: container prune names it" "Deleted Containers:"$'\n'"[0-9a-f]{64}" "$out"
	expect_eq "$how: the stopped container pruned" "" "$(b ps -aq --filter "name=dead$s")"
	expect_status "$how: volume prune -a" 0 c volume prune -a -f
	expect_match "$how: volume prune names it" "(^|"$'\n'")loose$s("$'\n'"|$)" "$out"
	expect_eq "$how: the volume pruned" "" "$(b volume ls -q --filter "name=loose$s")"
	expect_status "$how: network prune" 0 c network prune -f
	expect_match "$how: network prune names it" "(^|"$'\n'")spare$s("$'\n'"|$)" "$out"
	expect_eq "$how: the network pruned" "" "$(b network ls -q --filter "name=spare$s")"
	expect_status "$how: image prune" 0 c image prune -f
	expect_match "$how: image prune's total" 'Total reclaimed space: ' "$out"
	expect_eq "$how: busybox, in use by nothing but tagged, kept" "busybox:latest" "$(b images --format '{{.Repository}}:{{.Tag}}')"
	b create --name "dead2$s" busybox true >/dev/null
	expect_status "$how: system prune" 0 c system prune -f
	expect_eq "$how: system prune removed the stopped container" "" "$(b ps -aq --filter "name=dead2$s")"
	b rm -f "dead2$s" >/dev/null 2>&1

	# events, bounded by --since and --until
	local since until
	since=$(date +%s)
	c run --rm --name "ev$s" busybox true >/dev/null 2>&1
	until=$(($(date +%s) + 1))
	expect_status "$how: events --since --until" 0 c events --since "$since" --until "$until" \
		--filter "container=ev$s" --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'
	expect_match "$how: the run's events, in order" \
		"container create ev$s"$'\n'"(.*"$'\n'")?container start ev$s"$'\n'"(.*"$'\n'")?container die ev$s"$'\n'"(.*"$'\n'")?container destroy ev$s" "$out"
	expect_status "$how: system df" 0 c system df --format '{{.Type}} {{.TotalCount}}'
	expect_match "$how: system df counts the daemon's image" $'^Images 1\nContainers [0-9]+\nLocal Volumes [0-9]+\nBuild Cache [0-9]+$' "$out"

	# errors: the local engine's words and exit codes
	local cmd lout lerr lrc
	for cmd in "rm nope" "inspect nope" "logs nope" "exec nope true" "start nope" "stop nope" \
		"kill nope" "network rm nope" "volume rm nope" "rmi nosuchimage:1"; do
		lout=$(b $cmd 2>"$TEST_DIR/lerr")
		lrc=$?
		lerr=$(cat "$TEST_DIR/lerr")
		expect_status "$how: $cmd" "$lrc" c $cmd
		expect_eq "$how: $cmd: stderr as the local engine's" "$lerr" "$err"
		expect_eq "$how: $cmd: stdout as the local engine's" "$lout" "$out"
	done
	expect_status "$how: pull of a missing image" 1 c pull "127.0.0.1:$registry_port/nosuch:1"
	expect_eq "$how: the registry's word for it" "berth: manifest for 127.0.0.1:$registry_port/nosuch:1 not found: manifest unknown: manifest unknown" "$err"
	expect_status "$how: the same pull by the local engine" 1 b pull "127.0.0.1:$registry_port/nosuch:1"
	expect_eq "$how: the same words locally" "berth: manifest for 127.0.0.1:$registry_port/nosuch:1 not found: manifest unknown: manifest unknown" "$err"

	# what the local berth makes, the client sees
	b run -d --name "local$s" busybox sleep 600 >/dev/null
	expect_eq "$how: the client sees the local berth's container" "local$s running" \
		"$(c ps --filter "name=local$s" --format '{{.Names}} {{.State}}')"
	expect_status "$how: and acts on it" 0 c rm -f "local$s"
	expect_eq "$how: removed for the local berth" "" "$(b ps -aq --filter "name=local$s")"

	[ ! -e "$ELSEWHERE/root/berth.db" ] && ok || bad "$how: the client made a store of its own in $ELSEWHERE/root"
}

unix_suite flag -f
unix_suite env -e

# -H wins over $DOCKER_HOST, as docker has it
expect_status "-H over DOCKER_HOST" 0 env DOCKER_HOST=unix:///nonexistent/x.sock BERTH_ROOT="$ELSEWHERE/root" \
	BERTH_RUN="$ELSEWHERE/run" timeout 30 "$BERTH" -H "unix://$SOCK" images -q
expect_eq "-H's daemon answered" "$(b images -q)" "$out"
expect_status "a daemon that is not there" 1 env BERTH_ROOT="$ELSEWHERE/root" BERTH_RUN="$ELSEWHERE/run" \
	timeout 30 "$BERTH" -H "unix://$TEST_DIR/nothing.sock" ps
expect_match "says where it looked" "unix://$TEST_DIR/nothing.sock" "$err"
expect_eq "one line" 1 "$(wc -l <<<"$err")"

# files to and from the daemon: commit, export, cp, save, load, import, push
# uc: the client of the unix socket's daemon, with an empty store of its own
uc() { timeout 30 env BERTH_ROOT="$ELSEWHERE/root" BERTH_RUN="$ELSEWHERE/run" "$BERTH" -H "unix://$SOCK" "$@"; }
b run -d --name keep busybox sleep 600 >/dev/null
keep_id=$(b inspect -f '{{.Id}}' keep)
expect_status "commit" 0 uc commit -c 'ENV FOO=bar' keep kept:1
expect_match "commit prints the image" '^sha256:[0-9a-f]{64}$' "$out"
expect_eq "the local berth has the image, with the change" "$out [FOO=bar]" \
	"$(b image inspect -f '{{.Id}} {{.Config.Env}}' kept:1 | sed 's/\[PATH=[^ ]* /[/')"
expect_status "export" 0 sh -c "timeout 30 env BERTH_ROOT=$ELSEWHERE/root BERTH_RUN=$ELSEWHERE/run $BERTH -H unix://$SOCK export keep | tar -t"
expect_match "export: the container's files" $'(^|\n)bin/busybox\n' "$out"$'\n'
expect_status "cp from the container" 0 uc cp keep:/etc/hostname "$TEST_DIR/copied"
expect_eq "the file copied out" "${keep_id:0:12}" "$(cat "$TEST_DIR/copied" 2>/dev/null)"
echo into-keep >"$TEST_DIR/into"
expect_status "cp - (an archive) into the container" 0 sh -c "tar -C $TEST_DIR -c into | timeout 30 env BERTH_ROOT=$ELSEWHERE/root BERTH_RUN=$ELSEWHERE/run $BERTH -H unix://$SOCK cp - keep:/tmp"
expect_eq "the archive unpacked there" into-keep "$(b exec keep cat /tmp/into)"
b tag busybox moved:1
expect_status "save -o" 0 uc save -o "$TEST_DIR/saved.tar" moved:1
expect_match "save: an image archive" $'(^|\n)manifest\.json\n' "$(tar -tf "$TEST_DIR/saved.tar" 2>&1)"$'\n'
expect_status "save to stdout" 0 sh -c "timeout 30 env BERTH_ROOT=$ELSEWHERE/root BERTH_RUN=$ELSEWHERE/run $BERTH -H unix://$SOCK save moved:1 | tar -t"
expect_match "save to stdout: an image archive" $'(^|\n)manifest\.json\n' "$out"$'\n'
b rmi moved:1 >/dev/null
expect_status "load -i" 0 uc load -i "$TEST_DIR/saved.tar"
expect_eq "load names it" "Loaded image: moved:1" "$out"
expect_eq "the local berth has it back" "$(b images -q busybox)" "$(b images -q moved:1)"
b rmi moved:1 >/dev/null
expect_status "load from stdin" 0 sh -c "timeout 30 env BERTH_ROOT=$ELSEWHERE/root BERTH_RUN=$ELSEWHERE/run $BERTH -H unix://$SOCK load <$TEST_DIR/saved.tar"
expect_eq "load from stdin names it" "Loaded image: moved:1" "$out"
b export keep >"$TEST_DIR/keep.tar"
expect_status "import" 0 uc import "$TEST_DIR/keep.tar" imported:1
expect_match "import prints the image" '^sha256:[0-9a-f]{64}$' "$out"
expect_status "the imported image runs" 0 uc run --rm imported:1 cat /tmp/into
expect_eq "with the container's files" into-keep "$out"
b tag busybox 127.0.0.1:1/pushed:1
lout=$(b push 127.0.0.1:1/pushed:1 2>"$TEST_DIR/lerr")
lrc=$?
expect_status "push to a registry that is not there" "$lrc" uc push 127.0.0.1:1/pushed:1
expect_eq "push: the local engine's words" "$(cat "$TEST_DIR/lerr")" "$err"
expect_eq "push: the local engine's output" "$lout" "$out"
expect_match "push: the connection's error" 'connection refused' "$err"
b rmi kept:1 imported:1 127.0.0.1:1/pushed:1 moved:1 >/dev/null 2>&1

# the daemon's build cache is pruned by the daemon
expect_status "builder prune" 0 uc builder prune -f
expect_match "builder prune: the daemon's total" 'Total reclaimed space' "$out"

# build: the context as the docker CLI sends it (.dockerignore applied,
# the Dockerfile and .dockerignore sent whatever it says), built by the daemon
mkdir -p "$TEST_DIR/ctx/skip" "$TEST_DIR/ctx/sub" "$TEST_DIR/ctx/logs"
cat >"$TEST_DIR/ctx/Dockerfile" <<'EOF'
FROM busybox
COPY . /ctx/
RUN echo built-by-the-daemon
EOF
printf 'skip\n*.log\nlogs\n!logs/keep.log\nDockerfile\n' >"$TEST_DIR/ctx/.dockerignore"
echo a >"$TEST_DIR/ctx/a.txt"
echo x >"$TEST_DIR/ctx/x.log"
echo s >"$TEST_DIR/ctx/skip/s"
echo t >"$TEST_DIR/ctx/sub/t"
echo k >"$TEST_DIR/ctx/logs/keep.log"
echo d >"$TEST_DIR/ctx/logs/drop.log"
expect_status "build" 0 uc build -t built:1 --progress plain "$TEST_DIR/ctx"
expect_match "build: BuildKit's steps" '#[0-9]+ \[3/3\] RUN echo built-by-the-daemon' "$err"
expect_match "build: the step's output" '#[0-9]+ [0-9.]+ built-by-the-daemon' "$err"
expect_match "build: the image named" 'naming to built:1' "$err"
expect_eq "build: the image is the daemon's" "$(b images -q --no-trunc built:1)" \
	"$(uc images -q --no-trunc built:1)"
expect_eq "build: what .dockerignore leaves in" "/ctx/.dockerignore /ctx/a.txt /ctx/logs/keep.log /ctx/sub/t" \
	"$(b run --rm built:1 find /ctx -type f | sort | tr '\n' ' ' | sed 's/ $//')"
expect_status "build -q" 0 uc build -q "$TEST_DIR/ctx"
expect_eq "build -q: the image's id alone" "$(b images -q --no-trunc built:1)" "$out"
expect_status "build, DOCKER_BUILDKIT=0" 0 env DOCKER_BUILDKIT=0 \
	BERTH_ROOT="$ELSEWHERE/root" BERTH_RUN="$ELSEWHERE/run" timeout 30 "$BERTH" -H "unix://$SOCK" \
	build -t built:2 "$TEST_DIR/ctx"
expect_match "DOCKER_BUILDKIT=0: the classic stream" 'Step 3/3 : RUN echo built-by-the-daemon' "$out"
expect_match "DOCKER_BUILDKIT=0: cached" 'Using cache' "$out"
expect_match "DOCKER_BUILDKIT=0: tagged" 'Successfully tagged built:2' "$out"
# a Dockerfile outside the context, from stdin, and stdin as the context
printf 'FROM busybox\nRUN echo from-outside >/outside\n' >"$TEST_DIR/outside.Dockerfile"
expect_status "build -f outside the context" 0 uc build -q -t outside:1 -f "$TEST_DIR/outside.Dockerfile" "$TEST_DIR/ctx"
expect_eq "build -f outside: its image" from-outside "$(b run --rm outside:1 cat /outside)"
expect_status "build -f -" 0 sh -c "printf 'FROM busybox\nRUN echo dash-f >/dashf\n' |
	BERTH_ROOT=$ELSEWHERE/root BERTH_RUN=$ELSEWHERE/run timeout 30 $BERTH -H unix://$SOCK build -q -t dashf:1 -f - $TEST_DIR/ctx"
expect_eq "build -f -: its image" dash-f "$(b run --rm dashf:1 cat /dashf)"
expect_status "build - (a Dockerfile)" 0 sh -c "printf 'FROM busybox\nRUN echo stdin-file >/s\n' |
	BERTH_ROOT=$ELSEWHERE/root BERTH_RUN=$ELSEWHERE/run timeout 30 $BERTH -H unix://$SOCK build -q -t stdinfile:1 -"
expect_eq "build - (a Dockerfile): its image" stdin-file "$(b run --rm stdinfile:1 cat /s)"
expect_status "build - (a tar)" 0 sh -c "tar -C $TEST_DIR/ctx -cz . |
	BERTH_ROOT=$ELSEWHERE/root BERTH_RUN=$ELSEWHERE/run timeout 30 $BERTH -H unix://$SOCK build -q -t stdintar:1 -"
expect_eq "build - (a tar): the context" "/ctx/.dockerignore /ctx/a.txt /ctx/logs/keep.log /ctx/sub/t" \
	"$(b run --rm stdintar:1 find /ctx -type f | sort | tr '\n' ' ' | sed 's/ $//')"
# a failing step: its output, the daemon's words, and the user's file named
printf 'FROM busybox\nRUN echo before-failing; exit 3\n' >"$TEST_DIR/failing.Dockerfile"
before=$(store_snapshot)
expect_status "build: a failing step" 1 uc build --progress plain -t failing:1 -f "$TEST_DIR/failing.Dockerfile" "$TEST_DIR/ctx"
expect_match "a failing step: its output" 'before-failing' "$err"
expect_match "a failing step: the reason last" 'ERROR: failed to solve: .*exit code: 3$' "$(tail -1 <<<"$err")"
expect_match "a failing step: the user's Dockerfile named" "$TEST_DIR/failing.Dockerfile" "$(tail -1 <<<"$err")"
expect_status "a failing step: no image" 1 b image inspect failing:1
# what the classic builder has no word for, and a context that cannot be
# sent whole (it is never built from half of it): one line, nothing made
expect_status "build --secret" 1 uc build --secret id=s,env=HOME -t secret:1 "$TEST_DIR/ctx"
expect_eq "build --secret: BuildKit's" \
	"ERROR: failed to solve: the --secret option requires BuildKit, which berth does not speak to a daemon elsewhere: build on that host, or without the option" \
	"$(tail -1 <<<"$err")"
expect_eq "build --secret: that line alone" 1 "$(grep -c . <<<"$err")"
mkdir -p "$TEST_DIR/deepctx"
echo 'FROM busybox' >"$TEST_DIR/deepctx/Dockerfile"
(cd "$TEST_DIR/deepctx" && for _ in $(seq 70); do d=$(printf 'd%.0s' $(seq 250)); mkdir "$d" && cd "$d" || exit 1; done)
expect_status "build: a context that cannot be sent whole" 1 uc build -t deep:1 "$TEST_DIR/deepctx"
expect_match "a context that cannot be sent whole: why" 'sending the build context: path too long' "$(tail -1 <<<"$err")"
expect_eq "a context that cannot be sent whole: no step left open" "" \
	"$(grep -E '^#1 ' <<<"$err" | grep -vE '^#1 (\[internal\] load build context|ERROR: .*|[0-9.]+ .*)$')"
expect_match "a context that cannot be sent whole: its step failed" $'(^|\n)#1 ERROR: ' "$err"
rm -rf "$TEST_DIR/deepctx"
expect_status "nothing built from half a context" 1 b image inspect deep:1
expect_eq "the failed builds changed nothing" "$before" "$(store_snapshot)"
# a .dockerignore that is a link is followed, as the docker CLI follows it
mkdir -p "$TEST_DIR/linkctx/skipped"
printf 'FROM busybox\nCOPY . /ctx/\n' >"$TEST_DIR/linkctx/Dockerfile"
echo skipped >"$TEST_DIR/linkctx/real.ignore"
ln -s real.ignore "$TEST_DIR/linkctx/.dockerignore"
echo s >"$TEST_DIR/linkctx/skipped/s"
expect_status "build: .dockerignore a link" 0 uc build -q -t linkign:1 "$TEST_DIR/linkctx"
expect_eq "build: the link's patterns apply" "" "$(b run --rm linkign:1 find /ctx/skipped 2>/dev/null)"
# a Dockerfile alone on stdin is the context's Dockerfile, whatever -f names
expect_status "build - with -f" 0 sh -c "printf 'FROM busybox\nRUN echo dash-f-ignored >/d\n' |
	BERTH_ROOT=$ELSEWHERE/root BERTH_RUN=$ELSEWHERE/run timeout 30 $BERTH -H unix://$SOCK build -q -t dashfile:1 -f /etc/passwd -"
expect_eq "build - with -f: the Dockerfile given" dash-f-ignored "$(b run --rm dashfile:1 cat /d)"
b rmi built:1 built:2 outside:1 dashf:1 stdinfile:1 stdintar:1 linkign:1 dashfile:1 >/dev/null 2>&1

# cp of this host's files into a container: cp's names, as the local engine gives them
mkdir -p "$TEST_DIR/cpsrc/sub"
echo file-one >"$TEST_DIR/cpsrc/one"
echo file-two >"$TEST_DIR/cpsrc/sub/two"
expect_status "cp a file into a directory" 0 uc cp "$TEST_DIR/cpsrc/one" keep:/tmp/
expect_eq "under its own name" file-one "$(b exec keep cat /tmp/one)"
expect_status "cp a file to a new name" 0 uc cp "$TEST_DIR/cpsrc/one" keep:/tmp/renamed
expect_eq "under the new name" file-one "$(b exec keep cat /tmp/renamed)"
expect_status "cp a directory to a new name" 0 uc cp "$TEST_DIR/cpsrc/sub" keep:/tmp/newdir
expect_eq "its files there" file-two "$(b exec keep cat /tmp/newdir/two)"
for dest in /tmp/renamed /nope/x /tmp/nodir/; do
	src=$TEST_DIR/cpsrc/one
	[ "$dest" = /tmp/renamed ] && src=$TEST_DIR/cpsrc/sub
	b cp "$src" "keep:$dest" >/dev/null 2>"$TEST_DIR/lerr"
	lrc=$?
	expect_status "cp to $dest: the local engine's status" "$lrc" uc cp "$src" "keep:$dest"
	expect_eq "cp to $dest: the local engine's words" "$(cat "$TEST_DIR/lerr")" "$err"
done

# the registry's commands are the client's, as the docker CLI's are: they
# reach the registry from here and keep credentials in the user's config.json
expect_status "login: the registry reached from the client" 1 sh -c "echo pw | BERTH_ROOT=$ELSEWHERE/root BERTH_RUN=$ELSEWHERE/run timeout 30 $BERTH -H unix://$SOCK login -u u --password-stdin 127.0.0.1:1"
expect_match "login: the client's connection error" 'connection refused' "$err"
[ ! -e "$DOCKER_CONFIG/config.json" ] && ok || bad "a failed login wrote $DOCKER_CONFIG/config.json"
expect_status "manifest inspect from the client" 1 uc manifest inspect 127.0.0.1:1/busybox:latest
expect_match "manifest inspect: the client's connection error" 'connection refused' "$err"
expect_status "logout of a registry never logged into" 0 uc logout 127.0.0.1:1
expect_match "logout: Docker's words" 'Not logged in to 127.0.0.1:1' "$out$err"

# --- a second daemon in a namespace of its own, on tcp:// with TLS ----------------------------
# a /30 of 10.251.0.0/16 nothing on this host uses
for _ in $(seq 20); do
	n=$((RANDOM % 256))
	q=$(((RANDOM % 64) * 4))
	ip -4 route show | grep -q "^10\.251\.$n\." || ip -4 addr show | grep -q "inet 10\.251\.$n\." || break
done
HOST_ADDR=10.251.$n.$((q + 1))
FAR=10.251.$n.$((q + 2))
ip netns add "$NS"
ip -n "$NS" link set lo up
ip link add "$VETH_HOST" type veth peer name "$VETH_FAR" netns "$NS"
ip addr add "$HOST_ADDR/30" dev "$VETH_HOST"
ip link set "$VETH_HOST" up
ip -n "$NS" addr add "$FAR/30" dev "$VETH_FAR"
ip -n "$NS" link set "$VETH_FAR" up
BERTH_ROOT=$ROOT2 BERTH_RUN=$RUN2 "$SOURCE_DIR/scripts/busybox-image.sh" "$BERTH"

tls=$TEST_DIR/tls
wrong=$TEST_DIR/wrong-ca
nocert=$TEST_DIR/no-client-cert
mkdir -p "$tls" "$wrong" "$nocert"
ec() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "$@"; }
(
	cd "$tls" &&
		ec -x509 -keyout ca-key.pem -out ca.pem -days 2 -subj /CN=berth-remote-test-ca &&
		ec -keyout server-key.pem -out server.csr -subj "/CN=$FAR" &&
		printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\n' "$FAR" >server.ext &&
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server.pem \
			-days 2 -extfile server.ext &&
		ec -keyout key.pem -out client.csr -subj /CN=client &&
		printf 'extendedKeyUsage=clientAuth\n' >client.ext &&
		openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out cert.pem \
			-days 2 -extfile client.ext &&
		cd "$wrong" && ec -x509 -keyout ca-key.pem -out ca.pem -days 2 -subj /CN=some-other-ca &&
		cp "$tls/cert.pem" "$tls/key.pem" . && cp "$tls/ca.pem" "$nocert/"
) >/dev/null 2>&1 && ok || bad "could not make the test's certificates"

# the far daemon: TLS on the namespace's address, and its own unix socket
# (where dial-stdio goes for ssh://)
env BERTH_ROOT="$ROOT2" BERTH_RUN="$RUN2" nsenter --net="/run/netns/$NS" "$BERTH" daemon -H "unix://$RUN2/berth.sock" \
	-H "tcp://$FAR:2376" --tlsverify --tlscacert "$tls/ca.pem" --tlscert "$tls/server.pem" \
	--tlskey "$tls/server-key.pem" >"$TEST_DIR/far-daemon.log" 2>&1 &
far_daemon=$!
background+=("$far_daemon")
FARH=tcp://$FAR:2376
TLSFLAGS=(--tlsverify --tlscacert "$tls/ca.pem" --tlscert "$tls/cert.pem" --tlskey "$tls/key.pem")
wait_for "the far daemon answers over TLS" sh -c "curl -sf --max-time 2 --cacert $tls/ca.pem --cert $tls/cert.pem --key $tls/key.pem https://$FAR:2376/_ping | grep -qx OK"
expect_match "it says where it listens" "API listening on tcp://$FAR:2376 .*TLS" "$(cat "$TEST_DIR/far-daemon.log")"

expect_status "--tlsverify ... -H tcp:// ps" 0 rb "${TLSFLAGS[@]}" -H "$FARH" ps -a --format '{{.Names}}'
expect_eq "the far daemon has no containers" "" "$out"
expect_status "version over TLS" 0 rb "${TLSFLAGS[@]}" -H "$FARH" version --format '{{.Server.ApiVersion}} {{.Server.Os}}'
expect_eq "the far server" "1.44 linux" "$out"
expect_status "run --rm over TLS" 4 rb "${TLSFLAGS[@]}" -H "$FARH" run --rm busybox sh -c 'echo over-tls; exit 4'
expect_eq "its output" over-tls "$out"
expect_status "run -d over TLS" 0 rb "${TLSFLAGS[@]}" -H "$FARH" run -d --name farbox busybox sh -c 'echo far-log; exec sleep 600'
far_id=$out
expect_status "stdin over TLS" 0 sh -c "echo piped-tls | timeout 30 $BERTH --tlsverify --tlscacert $tls/ca.pem --tlscert $tls/cert.pem --tlskey $tls/key.pem -H $FARH exec -i farbox cat"
expect_eq "stdin came through" piped-tls "$out"
head -c 8000000 /dev/urandom >"$TEST_DIR/blob"
expect_status "8 MB through exec -i over TLS and back" 0 timeout 60 sh -c "$BERTH --tlsverify --tlscacert $tls/ca.pem --tlscert $tls/cert.pem --tlskey $tls/key.pem -H $FARH exec -i farbox cat <'$TEST_DIR/blob' | cmp - '$TEST_DIR/blob'"
expect_status "DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_HOST" 0 \
	env DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$tls" DOCKER_HOST="$FARH" timeout 30 "$BERTH" ps --format '{{.Names}} {{.ID}}'
expect_eq "the environment's daemon" "farbox ${far_id:0:12}" "$out"
expect_status "the far daemon's store holds it" 0 far_local inspect -f '{{.Name}}' farbox
expect_eq "in root2" /farbox "$out"
expect_eq "the host's daemon does not list it" "" "$(rb -H "unix://$SOCK" ps -aq --filter name=farbox)"
expect_eq "nor the host's engine" "" "$(b ps -aq --filter name=farbox)"
expect_status "the far daemon does not list the host's" 0 rb "${TLSFLAGS[@]}" -H "$FARH" ps -a --format '{{.Names}}'
expect_match "its own" $'(^|\n)farbox\n' "$out"$'\n'
expect_eq "not the host's" "" "$(grep -x keep <<<"$out")"
expect_eq "while the host's daemon has keep" keep "$(rb -H "unix://$SOCK" ps -a --format '{{.Names}}')"

expect_status "no client certificate" 1 env DOCKER_CERT_PATH="$nocert" timeout 30 "$BERTH" --tlsverify -H "$FARH" ps
expect_match "no client certificate: a TLS error" '(certificate|handshake|tls|TLS|alert)' "$err"
expect_eq "no client certificate: one line" 1 "$(wc -l <<<"$err")"
expect_status "a CA that did not sign the server's certificate" 1 env DOCKER_CERT_PATH="$wrong" DOCKER_TLS_VERIFY=1 DOCKER_HOST="$FARH" timeout 30 "$BERTH" ps
expect_match "wrong CA: names the certificate" 'certificate' "$err"
expect_status "plain HTTP to the TLS port" 1 rb -H "$FARH" ps
expect_match "plain HTTP: an error" '.' "$err"
expect_status "a TLS address nothing listens on" 1 \
	env DOCKER_CERT_PATH="$tls" DOCKER_TLS_VERIFY=1 DOCKER_HOST="tcp://$HOST_ADDR:1" timeout 30 "$BERTH" ps
expect_match "nothing there: an error naming the host" "$HOST_ADDR:1" "$err"

# contexts
expect_status "context create far" 0 b context create far --docker "host=$FARH,ca=$tls/ca.pem,cert=$tls/cert.pem,key=$tls/key.pem"
expect_status "--context far ps" 0 rb --context far ps --format '{{.Names}}'
expect_eq "--context far: the far daemon" farbox "$out"
expect_status "DOCKER_CONTEXT=far" 0 env DOCKER_CONTEXT=far timeout 30 "$BERTH" ps --format '{{.Names}}'
expect_eq "DOCKER_CONTEXT: the far daemon" farbox "$out"
expect_status "-H and --context together" 1 rb -H "unix://$SOCK" --context far ps
expect_match "refused as docker does" 'conflicting options: cannot specify both --host and --context' "$err"
expect_status "context use far" 0 b context use far
expect_status "ps on the current context" 0 rb ps --format '{{.Names}}'
expect_eq "the current context's daemon" farbox "$out"
expect_status "logs on the current context" 0 rb logs farbox
expect_eq "its logs" far-log "$out"
expect_status "DOCKER_HOST over the current context" 0 env DOCKER_HOST="unix://$SOCK" timeout 30 "$BERTH" ps --format '{{.Names}}'
expect_eq "DOCKER_HOST's daemon" keep "$out"
expect_status "context use default" 0 b context use default
expect_status "ps on this host's engine again" 0 rb ps --format '{{.Names}}'
expect_eq "this host's engine" keep "$out"
expect_status "context create farssh" 0 b context create farssh --docker "host=ssh://root@$FAR"

# --- ssh:// to a private sshd in the namespace ---------------------------------------------
sshdir=$TEST_DIR/ssh
mkdir -p "$sshdir"
root_ssh() { ls -la --time-style=full-iso /root/.ssh 2>&1; }
root_ssh_before=$(root_ssh)
ssh-keygen -q -t ed25519 -N '' -C berth-remote-host -f "$sshdir/host_key"
ssh-keygen -q -t ed25519 -N '' -C berth-remote-berth -f "$sshdir/id"
ssh-keygen -q -t ed25519 -N '' -C berth-remote-docker -f "$sshdir/id_docker"
# the key's sessions find berth and the far daemon's store; the second
# key's find no berth, only the docker CLI, pointed at the far daemon
{
	echo "environment=\"BERTH_RUN=$RUN2\",environment=\"BERTH_ROOT=$ROOT2\",environment=\"PATH=$(dirname "$BERTH"):/usr/bin:/bin\" $(cat "$sshdir/id.pub")"
	echo "environment=\"DOCKER_HOST=unix://$RUN2/berth.sock\",environment=\"DOCKER_CONFIG=$TEST_DIR/far-docker-config\",environment=\"PATH=/usr/local/bin:/usr/bin:/bin\" $(cat "$sshdir/id_docker.pub")"
} >"$sshdir/authorized_keys"
cat >"$sshdir/sshd_config" <<EOF
ListenAddress $FAR:22
HostKey $sshdir/host_key
PidFile $SSHD_PID_FILE
PermitRootLogin prohibit-password
PermitUserEnvironment yes
AuthorizedKeysFile $sshdir/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowAgentForwarding no
EOF
cat >"$sshdir/ssh_config" <<EOF
Host far-docker
  HostName $FAR
  IdentityFile $sshdir/id_docker
Host *
  IdentityFile $sshdir/id
  IdentitiesOnly yes
  UserKnownHostsFile $sshdir/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking accept-new
  BatchMode yes
  LogLevel ERROR
EOF
cat >"$TEST_DIR/bin/ssh" <<EOF
#!/bin/sh
exec /usr/bin/ssh -F "$sshdir/ssh_config" "\$@"
EOF
chmod +x "$TEST_DIR/bin/ssh"
if [ ! -d /run/sshd ]; then
	mkdir -m 0755 /run/sshd && made_run_sshd=1
fi
in_far /usr/sbin/sshd -f "$sshdir/sshd_config" -E "$sshdir/sshd.log"
wait_for "sshd listens in the namespace" timeout 1 bash -c "exec 3<>/dev/tcp/$FAR/22"

SSHH=ssh://root@$FAR
expect_status "-H ssh:// ps" 0 rb -H "$SSHH" ps --format '{{.Names}} {{.ID}}'
expect_eq "ssh: the far daemon's containers" "farbox ${far_id:0:12}" "$out"
[ -s "$sshdir/known_hosts" ] && ok || bad "ssh did not use the test's known_hosts"
expect_status "ssh: run --rm" 7 rb -H "$SSHH" run --rm busybox sh -c 'echo via-ssh; echo err-ssh >&2; exit 7'
expect_eq "ssh: run output" via-ssh "$out"
expect_eq "ssh: run stderr" err-ssh "$err"
expect_status "ssh: run -i" 0 sh -c "echo piped-ssh | timeout 30 $BERTH -H $SSHH run -i --rm busybox cat"
expect_eq "ssh: stdin came through" piped-ssh "$out"
expect_status "ssh: exec" 3 rb -H "$SSHH" exec farbox sh -c 'echo exec-ssh; exit 3'
expect_eq "ssh: exec output" exec-ssh "$out"
expect_status "ssh: logs" 0 rb -H "$SSHH" logs farbox
expect_eq "ssh: logs" far-log "$out"
expect_status "ssh: a context" 0 rb --context farssh inspect -f '{{.Id}}' farbox
expect_eq "ssh context: the far container" "$far_id" "$out"
expect_status "ssh: the docker CLI's dial-stdio where berth is not" 0 rb -H ssh://root@far-docker ps --format '{{.Names}}'
expect_eq "ssh via docker's dial-stdio: the far daemon" farbox "$out"
expect_status "ssh via docker's dial-stdio: run" 0 rb -H ssh://root@far-docker run --rm busybox echo docker-dial
expect_eq "ssh via docker's dial-stdio: output" docker-dial "$out"
t0=$(now_ms)
expect_status "ssh: a port nothing listens on" 1 rb -H "ssh://root@$FAR:2" ps
took=$(($(now_ms) - t0))
expect_match "ssh: says what ssh said" 'Connection refused' "$err"
expect_match "ssh: names the host" "ssh://root@$FAR:2" "$err"
[ "$took" -lt 5000 ] && ok || bad "ssh: an unreachable host took ${took} ms to fail"
expect_eq "root's ~/.ssh untouched" "$root_ssh_before" "$(root_ssh)"

# --- a real dockerd ------------------------------------------------------------------------
command -v dockerd >/dev/null || { bad "dockerd missing (scripts/install-deps.sh --test)"; finish; }
dockerd_started=1
DH=$("$SOURCE_DIR/scripts/private-dockerd.sh" start "$DOCKERD_DIR")
if ! DOCKER_HOST=$DH timeout 10 docker version >/dev/null 2>&1; then
	bad "the private dockerd did not start"
	tail -20 "$DOCKERD_DIR/dockerd.log"
	finish
fi
expect_status "busybox into dockerd" 0 sh -c "timeout 60 $BERTH save busybox:latest | DOCKER_HOST=$DH timeout 60 docker load"
expect_status "dockerd: images" 0 rb -H "$DH" images --format '{{.Repository}}:{{.Tag}}'
expect_eq "dockerd: busybox" busybox:latest "$out"
expect_status "dockerd: version" 0 rb -H "$DH" version
expect_eq "dockerd: the server's name as docker prints it" "$(DOCKER_HOST=$DH docker version | grep '^Server:')" "$(grep '^Server:' <<<"$out")"
expect_eq "dockerd: the engine's version" "$(DOCKER_HOST=$DH docker version --format '{{.Server.Version}}')" \
	"$(rb -H "$DH" version --format '{{.Server.Version}}')"
expect_status "dockerd: run --rm" 0 rb -H "$DH" run --rm busybox echo hi
expect_eq "dockerd: run output" hi "$out"
expect_status "dockerd: exit code" 3 rb -H "$DH" run --rm busybox sh -c 'exit 3'
expect_status "dockerd: run -d" 0 rb -H "$DH" run -d --name dk busybox sh -c 'echo dk-out; echo dk-err >&2; exec sleep 600'
dk_id=$out
expect_status "dockerd: ps -a" 0 rb -H "$DH" ps -a --format '{{.ID}} {{.Names}}'
expect_eq "dockerd: ps -a shows it" "${dk_id:0:12} dk" "$out"
expect_eq "dockerd: docker agrees" "${dk_id:0:12} dk" "$(DOCKER_HOST=$DH docker ps -a --format '{{.ID}} {{.Names}}')"
expect_status "dockerd: inspect" 0 rb -H "$DH" inspect -f '{{.State.Status}} {{.Name}} {{.Config.Image}}' dk
expect_eq "dockerd: inspect" "running /dk busybox" "$out"
wait_for "dockerd: its logs" sh -c "timeout 10 $BERTH -H $DH logs dk 2>&1 | grep -q dk-err"
expect_status "dockerd: logs" 0 rb -H "$DH" logs dk
expect_eq "dockerd: logs stdout" dk-out "$out"
expect_eq "dockerd: logs stderr" dk-err "$err"
expect_status "dockerd: exec" 4 rb -H "$DH" exec dk sh -c 'echo in-dk; exit 4'
expect_eq "dockerd: exec output" in-dk "$out"
expect_status "dockerd: exec -i" 0 sh -c "echo piped-dk | timeout 30 $BERTH -H $DH exec -i dk cat"
expect_eq "dockerd: exec -i" piped-dk "$out"
# stdin larger than the sockets hold, echoed back while it is still being
# sent: neither the client nor the relay waits on one direction alone
head -c 8000000 /dev/urandom >"$TEST_DIR/blob"
expect_status "dockerd: 8 MB through exec -i and back" 0 timeout 60 sh -c "$BERTH -H $DH exec -i dk cat <'$TEST_DIR/blob' | cmp - '$TEST_DIR/blob'"
expect_status "dockerd: no such container" 1 rb -H "$DH" rm nope
expect_eq "dockerd: the daemon's words" "berth: No such container: nope" "$err"
expect_status "dockerd: rm -f" 0 rb -H "$DH" rm -f dk
expect_eq "dockerd: gone" "" "$(DOCKER_HOST=$DH docker ps -aq)"
# build on dockerd (the context of the builds above): its classic
# builder, BuildKit's view here
expect_status "dockerd: build" 0 rb -H "$DH" build -t dkbuilt:1 --progress plain "$TEST_DIR/ctx"
expect_match "dockerd: build: the step's output" '#[0-9]+ [0-9.]+ built-by-the-daemon' "$err"
expect_eq "dockerd: build: what .dockerignore leaves in" "/ctx/.dockerignore /ctx/a.txt /ctx/logs/keep.log /ctx/sub/t" \
	"$(DOCKER_HOST=$DH timeout 30 docker run --rm dkbuilt:1 find /ctx -type f | sort | tr '\n' ' ' | sed 's/ $//')"
expect_status "dockerd: build -q" 0 rb -H "$DH" build -q "$TEST_DIR/ctx"
expect_eq "dockerd: build -q: the image's id" "$(DOCKER_HOST=$DH docker image inspect -f '{{.Id}}' dkbuilt:1)" "$out"
expect_status "dockerd: build, DOCKER_BUILDKIT=0" 0 env DOCKER_BUILDKIT=0 timeout 30 "$BERTH" -H "$DH" build -t dkbuilt:2 "$TEST_DIR/ctx"
expect_match "dockerd: DOCKER_BUILDKIT=0: dockerd's stream" 'Successfully tagged dkbuilt:2' "$out"
expect_status "dockerd: a failing step" 1 rb -H "$DH" build -f "$TEST_DIR/failing.Dockerfile" "$TEST_DIR/ctx"
expect_match "dockerd: a failing step: dockerd's words" "ERROR: failed to solve: The command '/bin/sh -c echo before-failing; exit 3' returned a non-zero code: 3" "$(tail -1 <<<"$err")"

# --- the console on a remote daemon --------------------------------------------------------
b rm -f keep >/dev/null
rb -H "unix://$SOCK" run -d --name tuibox busybox sleep 600 >/dev/null
tm new-session -d -s tui -x 100 -y 30 -e BERTH_ROOT="$ELSEWHERE/root" -e BERTH_RUN="$ELSEWHERE/run" \
	-e LANG=C.UTF-8 -e DOCKER_CONFIG="$DOCKER_CONFIG" -e BERTH_TUI_TRACE="$TEST_DIR/console.trace" \
	"\"$BERTH\" -H unix://$SOCK; echo \$? >$TEST_DIR/console.rc"
screen() { tm capture-pane -p -t tui 2>/dev/null; }
expect_screen() {
	local desc=$1 text=$2 tries=${3:-100}
	for _ in $(seq "$tries"); do
		screen | grep -qF -- "$text" && { ok; return; }
		sleep 0.05
	done
	bad "$desc: '$text' not on the screen"
	screen | sed 's/^/    | /'
}
expect_screen "the console names the daemon" "unix://$SOCK"
expect_match "in its header" "^ (berth )?@ ([^ ]+ \\()?unix://$SOCK\\)? " "$(screen | head -1)"
expect_screen "the daemon's container is listed" "tuibox"
expect_match "running" 'tuibox +[0-9a-f]{12} +busybox +running' "$(screen)"
rb -H "unix://$SOCK" run -d --name tuilater busybox sleep 600 >/dev/null
expect_screen "one made after it started shows" "tuilater"
# the logs pane follows a container of the daemon
rb -H "unix://$SOCK" run -d --name tuitalk busybox sh -c \
	'echo TALK-FIRST; i=0; while :; do i=$((i+1)); echo "talk-more $i"; sleep 0.1; done' >/dev/null
expect_screen "the talker is listed" "tuitalk"
tm send-keys -t tui /
tm send-keys -t tui tuitalk Enter
tm send-keys -t tui g l
expect_screen "the logs pane shows the daemon's container's first line" "TALK-FIRST"
expect_screen "and follows it" "talk-more 20" 100
expect_eq "each line as it was written" "" "$(screen | grep -aE 'TALK-FIRST|talk-more' | grep -avE '^(TALK-FIRST|talk-more [0-9]+) *$')"
tm send-keys -t tui 1 Escape
rb -H "unix://$SOCK" rm -f tuitalk >/dev/null
# what the console hands the terminal to drives the same daemon
tm send-keys -t tui ":exec -it tuibox echo CHILD-ON-DAEMON" Enter
expect_screen "exec -it from the console reaches the daemon's container" "CHILD-ON-DAEMON"
expect_eq "no local lookup" "" "$(screen | grep -F 'No such container')"
tm send-keys -t tui Enter
# the daemon goes away and comes back: the console says so, tries again,
# and shows what happened meanwhile
kill -9 "$daemon"
wait "$daemon" 2>/dev/null
# (the console's states in its trace; its status line may say more meanwhile)
wait_for "the console knows the daemon is lost" grep -q '^engine-lost ' "$TEST_DIR/console.trace"
expect_screen "a lost daemon is said" "trying again in"
expect_screen "a retry that finds no daemon says it as the CLI does" "Cannot connect to the Docker daemon" 100
"$BERTH" daemon -H "unix://$SOCK" >"$TEST_DIR/daemon2.log" 2>&1 &
daemon=$!
background+=("$daemon")
wait_for "the daemon answers again" api_ping
rb -H "unix://$SOCK" run -d --name tuiback busybox sleep 600 >/dev/null
# (it tries again after 1, 2, 4, then 8 s)
expect_screen "the console follows the daemon again" "tuiback" 300
wait_for "the console knows the daemon answers again" grep -q '^engine-back ' "$TEST_DIR/console.trace"
tm send-keys -t tui q
wait_for "q ends the console's session" sh -c "! tmux -S $TM_SOCKET has-session -t tui"
expect_eq "the console exits with 0" 0 "$(cat "$TEST_DIR/console.rc" 2>/dev/null)"
[ ! -e "$ELSEWHERE/root/berth.db" ] && ok || bad "the console made a store of its own in $ELSEWHERE/root"

# on a context: the far daemon over TLS, named by the context
rm -f "$TEST_DIR/console.rc"
tm new-session -d -s tui -x 100 -y 30 -e BERTH_ROOT="$ELSEWHERE/root" -e BERTH_RUN="$ELSEWHERE/run" \
	-e LANG=C.UTF-8 -e DOCKER_CONFIG="$DOCKER_CONFIG" \
	"\"$BERTH\" --context far; echo \$? >$TEST_DIR/console.rc"
expect_screen "the console on a context names it" "far ($FARH)"
expect_match "in its header" "^ (berth )?@ far \\($FARH\\) " "$(screen | head -1)"
expect_screen "the far daemon's container is listed" "farbox"
expect_eq "not the host daemon's" "" "$(screen | grep -E 'tuibox|tuilater')"
# :context use: the console starts again on the chosen context's daemon
b context create hostd --docker "host=unix://$SOCK" >/dev/null 2>&1
tm send-keys -t tui ":context use hostd" Enter
expect_screen ":context use names the new daemon" "hostd (unix://$SOCK)"
expect_screen "and lists its containers" "tuibox"
expect_screen "and says the switch on its status line" "context switched: now driving hostd"
# at 80 columns the address is cut in its middle: "berth" and the counts stay
tm resize-window -t tui -x 80 -y 24
wait_for "the header fits 80 columns with the counts" \
	bash -c "tmux -S $TM_SOCKET capture-pane -p -t tui | head -1 | grep -qE '^ berth @ hostd .*[0-9]+ running [0-9]+ paused [0-9]+ stopped [0-9]+ images'"
expect_eq "the far daemon's are gone from the list" "" "$(screen | grep -E 'farbox')"
expect_eq "the current context is the one chosen" "hostd" "$(b context show)"
tm send-keys -t tui ":context use far" Enter
expect_screen "and back to the far daemon" "far ($FARH)"
# a context whose daemon does not answer: the console stays where it was
b context create deadctx --docker "host=unix://$TEST_DIR/nobody-here.sock" >/dev/null 2>&1
tm send-keys -t tui ":context use deadctx" Enter
expect_screen "a switch to a daemon that does not answer is undone, and said" "the context was not switched"
expect_eq "the current context is still the one before" "far" "$(b context show)"
expect_match "the console still drives it" "^ (berth )?@ far \\($FARH\\) " "$(screen | head -1)"
tm send-keys -t tui q
wait_for "q ends the second console's session" sh -c "! tmux -S $TM_SOCKET has-session -t tui"
expect_eq "the second console exits with 0" 0 "$(cat "$TEST_DIR/console.rc" 2>/dev/null)"

finish
