#!/bin/bash
# berth as a client of a daemon that is hostile (or broken): a fake daemon
# on a unix socket answers with absurd figures, wrong shapes and streams
# that are not what was asked; and ssh:// with a chatty ssh or a user
# name made to reach a shell. berth must end each with an answer or one
# error line, never a crash, a hang or memory without bound.
source "$(dirname "$0")/lib.sh"

SOCK=$TEST_DIR/fake.sock
cat >"$TEST_DIR/fake.py" <<'PY'
import json, socket, sys, threading, time
path, mode = sys.argv[1], sys.argv[2]

def reply(c, status, body):
    body = body if isinstance(body, bytes) else json.dumps(body).encode()
    c.sendall(b"HTTP/1.1 %s\r\nApi-Version: %s\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\n\r\n" % (status, api, len(body)) + body)

api = b"1.2147483647" if mode == "version" else b"1.43"

def serve(c):
    f = c.makefile("rb")
    try:
        while True:
            line = f.readline()
            if not line:
                return
            target = line.split()[1].decode()
            while f.readline() not in (b"\r\n", b""):
                pass
            if target == "/_ping":
                reply(c, b"200 OK", b"OK")
            elif mode in ("ps", "version"):
                reply(c, b"200 OK", [{"Id": 5}, {}, {"Id": "x", "Names": {}, "Command": 7}])
            elif mode == "pull":
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                          b'{"status":"Downloading","id":"a","progressDetail":{"current":-100,"total":1}}\n'
                          b'{"status":"Downloading","id":"a","progressDetail":{"current":9223372036854775807,"total":1}}\n')
                return
            elif "/images/get" in target:
                reply(c, b"500 Internal Server Error", {"message": "no archive today"})
            elif "/create" in target:
                reply(c, b"201 Created", {"Id": "c" * 64})
            elif target.endswith("/json"):
                reply(c, b"200 OK", {"Id": "c" * 64, "Config": {}})
            elif mode == "logs" and "/logs" in target:
                # a chunked body cut off: the daemon went away mid-stream
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
                          b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
                time.sleep(0.2)
                c.close()
                return
            elif "/wait" in target and mode == "diewait":
                # the wait's head at once, as daemons send it, then nothing
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          b"Transfer-Encoding: chunked\r\n\r\n")
                time.sleep(0.6)
                c.close()
                return
            elif "/attach" in target and mode in ("exit", "diewait"):
                c.sendall(b"HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
                time.sleep(0.5)
                c.close()
                return
            elif "/attach" in target:
                # no upgrade: an endless body where a stream was asked for
                c.sendall(b"HTTP/1.1 200 OK\r\n\r\n")
                while True:
                    c.sendall(b"A" * 1048576)
            elif "/wait" in target and mode == "exit":
                time.sleep(0.2)
                reply(c, b"200 OK", b'{"StatusCode": -9223372036854775808}')
                return
            elif "/wait" in target:
                time.sleep(60)
            else:
                c.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        return

s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(16)
while True:
    threading.Thread(target=serve, args=(s.accept()[0],), daemon=True).start()
PY

fake_pid=
fake() {
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
	rm -f "$SOCK"
	python3 "$TEST_DIR/fake.py" "$SOCK" "$1" &
	fake_pid=$!
	wait_for "the fake daemon ($1) listens" test -S "$SOCK"
}
stop_fake() { [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null; }
trap 'stop_fake; cleanup' EXIT

# a client of the fake daemon, with no store of its own to fall back on
r() { timeout 20 env BERTH_ROOT="$TEST_DIR/none/root" BERTH_RUN="$TEST_DIR/none/run" "$BERTH" -H "unix://$SOCK" "$@"; }

# ids, names and commands of the wrong type or missing: rows, not a crash
fake ps
expect_status "ps of wrong shapes" 0 r ps
expect_eq "ps: a row each" 4 "$(wc -l <<<"$out")"
expect_status "events' missing fields" 0 r ps -q

# an API version past any there is: the newest berth speaks
fake version
expect_status "an absurd API-Version" 0 r ps

# progress figures that are negative or past the total: no overrun of the bar
fake pull
expect_status "pull with absurd progress" 0 r pull busybox

# an exit code no process has: no exit frame, the status of a wait instead
fake exit
r run --rm busybox true >/dev/null 2>&1
code=$?
[ "$code" -ne 139 ] && [ "$code" -ne 134 ] && ok || bad "run with an absurd exit code crashed ($code)"

# the daemon gone while a run waits for its container: said, not silent
fake diewait
expect_status "a run whose wait is cut off" 125 r run --rm busybox true
expect_match "its reason" 'error waiting for container' "$err"

# a follow cut off mid-stream: the connection named as lost, not the HTTP as bad
fake logs
expect_status "logs -f cut off" 1 r logs -f c
expect_match "its reason" 'lost the connection to the daemon' "$err"

# the console on a daemon that is not there: the error ps gives, not a wait
rm -f "$SOCK"
expect_status "the console on a missing daemon" 1 script -qec "timeout 20 env BERTH_ROOT=$TEST_DIR/none/root BERTH_RUN=$TEST_DIR/none/run $BERTH -H unix://$SOCK" /dev/null
expect_match "its reason" 'Cannot connect to the Docker daemon' "$out$err"

# an attach answered with an endless body instead of a stream: refused at
# once, not read into memory
fake attach200
start=$(date +%s)
expect_status "an attach that is no upgrade" 125 r run busybox true
expect_match "its reason" 'did not hand the stream over' "$err"
[ $(($(date +%s) - start)) -lt 10 ] && ok || bad "the refusal took $(($(date +%s) - start)) s"
stop_fake

# --- ssh: what berth hands to ssh, and an ssh that talks a lot --------------------------------
mkdir -p "$TEST_DIR/bin"
cat >"$TEST_DIR/bin/ssh" <<EOF
#!/bin/bash
printf '%s\n' "\$@" >"$TEST_DIR/ssh.argv"
# 70 KB on stderr, more than a pipe holds, before the stream
head -c 70000 /dev/zero | tr '\0' 'w' >&2
exec "$BERTH" -H "unix://$TEST_DIR/d.sock" system dial-stdio
EOF
chmod +x "$TEST_DIR/bin/ssh"
# the daemon itself in the background (not a function's subshell), so
# that its pid is the one killed at the end
DOCKER_HOST= "$BERTH" daemon -H "unix://$TEST_DIR/d.sock" >"$TEST_DIR/daemon.log" 2>&1 &
daemon_pid=$!
trap 'stop_fake; kill $daemon_pid 2>/dev/null; wait $daemon_pid 2>/dev/null; cleanup' EXIT
wait_for "the daemon listens" test -S "$TEST_DIR/d.sock"
s() { timeout 20 env PATH="$TEST_DIR/bin:$PATH" BERTH_ROOT="$TEST_DIR/none/root" BERTH_RUN="$TEST_DIR/none/run" "$BERTH" "$@"; }
expect_status "an ssh that fills its stderr pipe" 0 s -H ssh://me@far.example ps
expect_eq "ssh got the host after --" "--" "$(tail -3 "$TEST_DIR/ssh.argv" | head -1)"

rm -f "$TEST_DIR/ssh.argv"
for user in '`id`' '$(id)' 'a|b' 'a b'; do
	expect_status "a user name for a shell: $user" 1 s -H "ssh://$user@far.example" ps
	[ ! -e "$TEST_DIR/ssh.argv" ] && ok || bad "ssh ran for user $user"
done
expect_status "a socket path for a shell" 1 s -H 'ssh://me@far.example/run/x;id' ps
[ ! -e "$TEST_DIR/ssh.argv" ] && ok || bad "ssh ran for a path with ;"
expect_status "a host that is an option" 1 s -H 'ssh://-oProxyCommand=id' ps
[ ! -e "$TEST_DIR/ssh.argv" ] && ok || bad "ssh ran for a host that is an option"

# save -o: a failure leaves neither the output nor a temporary file
fake attach200
expect_status "save from a daemon that fails" 1 r save -o "$TEST_DIR/out.tar" busybox
ls "$TEST_DIR"/out.tar* >/dev/null 2>&1 && bad "save left $(ls "$TEST_DIR"/out.tar*)" || ok
stop_fake

finish
