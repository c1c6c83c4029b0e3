#!/bin/bash
# Log drivers: json-file and local (rotation, compression, attributes, the
# 16 KiB split), none, and the receivers on loopback — syslog over udp,
# tcp, tcp+tls, unix and unixgram in each format, journald's native
# protocol on a private socket, fluentd's Forward protocol, GELF over udp
# (chunked, compressed) and tcp; blocking and non-blocking modes against a
# receiver that stalls, one that restarts; `logs` for every driver; bad
# input; daemon.json's log defaults and its checks.
source "$(dirname "$0")/lib.sh"
busybox_image
RECV="$SOURCE_DIR/tests/integration/log_receiver.py"
PY=/usr/bin/python3
receivers=()
stop_receivers() {
	local p
	for p in "${receivers[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${receivers[@]}"; do wait "$p" 2>/dev/null; done
	receivers=()
}
trap 'stop_receivers; cleanup' EXIT

# receiver MODE ADDRESS OUT [options]: starts one and waits until it listens
receiver() {
	rm -f "$3" "$3.ready"
	"$PY" "$RECV" "$@" 2>>"$TEST_DIR/receivers.err" &
	receivers+=($!)
	for _ in $(seq 50); do [ -f "$3.ready" ] && return 0; sleep 0.1; done
	bad "receiver $1 $2 never listened"
}

# lines_in FILE N: waits (10 s) until FILE has at least N lines
lines_in() {
	for _ in $(seq 100); do
		[ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# shim_pid CONTAINER
shim_pid() { cut -d' ' -f1 "$BERTH_RUN/containers/$(b inspect -f '{{.Id}}' "$1")/shim.pid"; }

long_line=$(head -c 40000 /dev/zero | tr '\0' 'x')

# --- json-file: attributes, tag, rotation, compression -------------------------------------
b run -d --name jf --label app=web --label tier=front -e REGION=eu -e SECRET=s \
	--log-opt labels=app --log-opt env=REGION --log-opt labels-regex='^ti' \
	--log-opt tag='{{.Name}}/{{.ImageName}}/{{.ID}}' busybox sh -c 'echo one; echo two >&2' >/dev/null
wait_for "jf exits" sh -c "[ \"\$('$BERTH' inspect -f '{{.State.Status}}' jf)\" = exited ]"
jf_id=$(b inspect -f '{{.Id}}' jf)
jf_log=$(b inspect -f '{{.LogPath}}' jf)
expect_eq "json-file's LogPath" "$BERTH_ROOT/containers/$jf_id/$jf_id-json.log" "$jf_log"
first=$(head -1 "$jf_log")
expect_match "json-file keys in Docker's order, attrs sorted, tag last wins" \
	"^\\{\"log\":\"one\\\\n\",\"stream\":\"stdout\",\"attrs\":\\{\"REGION\":\"eu\",\"app\":\"web\",\"tag\":\"jf/busybox/${jf_id:0:12}\",\"tier\":\"front\"\\},\"time\":\"[0-9T:.-]+Z\"\\}$" "$first"
expect_status "logs --details" 0 b logs --details jf
expect_eq "--details prints the attributes" "REGION=eu,app=web,tag=jf%2Fbusybox%2F${jf_id:0:12},tier=front one" "$out"
expect_eq "--details on stderr too" "REGION=eu,app=web,tag=jf%2Fbusybox%2F${jf_id:0:12},tier=front two" "$err"
expect_status "logs -t --details" 0 b logs -t --details jf
expect_match "timestamp before the details" '^[0-9-]+T[0-9:]+\.[0-9]{9}Z REGION=eu' "$out"

b run -d --name rot --log-opt max-size=2k --log-opt max-file=3 --log-opt compress=true busybox \
	sh -c 'i=0; while [ $i -lt 400 ]; do echo "rotating line $i"; i=$((i+1)); done' >/dev/null
wait_for "rot exits" sh -c "[ \"\$('$BERTH' inspect -f '{{.State.Status}}' rot)\" = exited ]"
rot_id=$(b inspect -f '{{.Id}}' rot)
rot_dir=$BERTH_ROOT/containers/$rot_id
wait_for "the rotated file is compressed" test -f "$rot_dir/$rot_id-json.log.1.gz"
wait_for "no plain rotated file left" sh -c "! ls '$rot_dir/$rot_id-json.log.1' 2>/dev/null"
expect_eq "max-file=3 keeps three files" "3" "$(ls "$rot_dir" | grep -cE -- '-json.log(\.[0-9]+(\.gz)?)?$')"
expect_eq "no .3" "" "$(ls "$rot_dir" | grep -- '-json.log.3')"
size=$(stat -c %s "$rot_dir/$rot_id-json.log")
[ "$size" -le 2200 ] && ok || bad "the live file ($size bytes) stays near max-size=2k (2000 bytes)"
expect_status "logs reads the .gz files" 0 b logs rot
expect_eq "logs ends with the last line" "rotating line 399" "$(echo "$out" | tail -1)"
first_kept=$(echo "$out" | head -1 | awk '{print $3}')
expect_eq "lines are in order and none missing" "$((400 - first_kept))" "$(echo "$out" | wc -l)"
live_lines=$(wc -l <"$rot_dir/$rot_id-json.log")
want=$((live_lines + 10))
expect_status "--tail across rotated files" 0 b logs --tail $want rot
expect_eq "tail over two files" "$want" "$(echo "$out" | wc -l)"
expect_eq "tail starts where it should" "rotating line $((400 - want))" "$(echo "$out" | head -1)"
gzip -t "$rot_dir/$rot_id-json.log.1.gz" && ok || bad "the .gz is gzip"

# the 16 KiB split: pieces without a newline, joined again by logs
b run -d --name long busybox sh -c "echo $long_line; echo after" >/dev/null
wait_for "long exits" sh -c "[ \"\$('$BERTH' inspect -f '{{.State.Status}}' long)\" = exited ]"
long_log=$(b inspect -f '{{.LogPath}}' long)
expect_eq "40000 bytes make three entries and one more line" "4" "$(wc -l <"$long_log")"
piece=$(head -1 "$long_log" | sed 's/.*"log":"\([x]*\)\(\\n\)\{0,1\}".*/\1|\2/')
expect_eq "the first piece is 16384 bytes, no newline" "16384|" "$(echo "$piece" | awk -F'|' '{print length($1) "|" $2}')"
expect_status "logs joins the pieces" 0 b logs long
expect_eq "one line of 40000 bytes" "40000" "$(echo "$out" | head -1 | tr -d '\n' | wc -c)"
expect_eq "then the next line" "after" "$(echo "$out" | tail -1)"
expect_status "logs -t gives the joined line one timestamp" 0 b logs -t long
expect_eq "two lines with timestamps" "2" "$(echo "$out" | wc -l)"

# --- local: Docker's format, rotation and compression on by default ------------------------
b run -d --name loc --log-driver local --log-opt max-size=3k busybox \
	sh -c 'i=0; while [ $i -lt 500 ]; do echo "local line $i"; i=$((i+1)); done; echo oops >&2' >/dev/null
wait_for "loc exits" sh -c "[ \"\$('$BERTH' inspect -f '{{.State.Status}}' loc)\" = exited ]"
loc_dir=$BERTH_ROOT/containers/$(b inspect -f '{{.Id}}' loc)/local-logs
expect_eq "local keeps five files by default" "5" "$(ls "$loc_dir" | grep -cE 'container.log(\.[0-9]+(\.gz)?)?$')"
wait_for "rotated local files compressed" test -f "$loc_dir/container.log.4.gz"
expect_eq "local's LogPath is empty, as Docker's" "" "$(b inspect -f '{{.LogPath}}' loc)"
frame=$("$PY" - "$loc_dir/container.log" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
(n,) = struct.unpack(">I", d[:4])
(m,) = struct.unpack(">I", d[4 + n:8 + n])
p = d[4:4 + n]
print(n == m, p[0] == 0x0a, p[2:8].decode(), p[8] == 0x10)
EOF
)
expect_eq "length, protobuf LogEntry, length" "True True stdout True" "$frame"
expect_status "logs of local" 0 b logs --tail 3 loc
expect_eq "local tail" "$(printf 'local line 498\nlocal line 499')" "$out"
expect_eq "local stderr" "oops" "$err"
expect_status "logs --since in the future" 0 b logs --since 2099-01-01T00:00:00Z loc
expect_eq "nothing since then" "" "$out$err"
b run -d --name loclong --log-driver local busybox sh -c "echo $long_line" >/dev/null
wait_for "loclong exits" sh -c "[ \"\$('$BERTH' inspect -f '{{.State.Status}}' loclong)\" = exited ]"
expect_status "local joins pieces" 0 b logs loclong
expect_eq "local: 40000 bytes in one line" "40001" "$(printf '%s\n' "$out" | wc -c)"

# --- none ----------------------------------------------------------------------------------
b run -d --name quiet --log-driver none busybox echo hi >/dev/null
expect_status "logs of none" 1 b logs quiet
expect_eq "Docker's words" "berth: configured logging driver does not support reading" "$err"
expect_status "none accepts no --log-opt (docker CLI)" 125 b run --rm --log-driver none --log-opt max-size=1m busybox true
expect_eq "the CLI's words" "berth: invalid logging opts for driver none" "$err"

# --- bad input: one line, status 125, nothing made -----------------------------------------
before=$(store_snapshot)
expect_status "unknown driver" 125 b run --rm --log-driver splunk busybox true
expect_eq "plugin words" "berth: error looking up logging plugin splunk: plugin \"splunk\" not found" "$err"
expect_status "unknown option" 125 b run --rm --log-opt max-sise=1m busybox true
expect_eq "unknown opt words" "berth: unknown log opt 'max-sise' for json-file log driver" "$err"
expect_status "another driver's option" 125 b run --rm --log-driver local --log-opt syslog-address=udp://x busybox true
expect_eq "local's words" "berth: unknown log opt 'syslog-address' for log driver local" "$err"
expect_status "gelf's quotes" 125 b run --rm --log-driver gelf --log-opt gelf-address=udp://127.0.0.1:1 --log-opt foo=1 busybox true
expect_eq "gelf's words" "berth: unknown log opt \"foo\" for gelf log driver" "$err"
expect_status "bad max-size" 125 b run --rm --log-opt max-size=lots busybox true
expect_eq "size words" "berth: invalid size: 'lots'" "$err"
expect_status "compress without rotation" 125 b run --rm --log-opt compress=true busybox true
expect_eq "compress words" "berth: compress cannot be true when max-file is less than 2 or max-size is not set" "$err"
expect_status "bad mode" 125 b run --rm --log-opt mode=fast busybox true
expect_eq "mode words" "berth: logger: logging mode not supported: fast" "$err"
expect_status "max-buffer-size needs non-blocking" 125 b run --rm --log-opt max-buffer-size=1m busybox true
expect_eq "buffer words" "berth: logger: max-buffer-size option is only supported with 'mode=non-blocking'" "$err"
expect_status "bad syslog scheme" 125 b run --rm --log-driver syslog --log-opt syslog-address=http://x busybox true
expect_eq "scheme words" "berth: unsupported scheme: 'http'" "$err"
expect_status "bad facility" 125 b run --rm --log-driver syslog --log-opt syslog-address=udp://127.0.0.1 --log-opt syslog-facility=nope busybox true
expect_eq "facility words" "berth: invalid syslog facility" "$err"
expect_status "gelf needs an address" 125 b run --rm --log-driver gelf busybox true
expect_eq "gelf address words" "berth: gelf-address is a required parameter" "$err"
expect_status "gelf compression over tcp" 125 b run --rm --log-driver gelf --log-opt gelf-address=tcp://127.0.0.1:1 --log-opt gelf-compression-type=gzip busybox true
expect_eq "gelf tcp words" "berth: compression is only supported on UDP" "$err"
expect_status "fluentd bad address" 125 b run --rm --log-driver fluentd --log-opt fluentd-address=ftp://x busybox true
expect_match "fluentd scheme words" "unsupported scheme: 'ftp'" "$err"
expect_status "bad tag template" 125 b run --rm --log-opt tag='{{.Nope}}' busybox true
expect_match "tag words" "can't evaluate" "$err"
expect_eq "bad input made nothing" "$before" "$(store_snapshot)"

# --- syslog --------------------------------------------------------------------------------
port=$(free_port)
receiver udp "127.0.0.1:$port" "$TEST_DIR/udp.out"
b run --rm --name sl --log-driver syslog --log-opt syslog-address="udp://127.0.0.1:$port" \
	--log-opt tag=app busybox sh -c 'echo hello; echo oops >&2' >/dev/null 2>&1
lines_in "$TEST_DIR/udp.out" 2 && ok || bad "udp syslog: two datagrams"
expect_match "default format: no hostname, daemon.info" \
	'^<30>[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} app\[[0-9]+\]: hello$' "$(grep hello "$TEST_DIR/udp.out")"
expect_match "stderr is daemon.err" '^<27>.* app\[[0-9]+\]: oops$' "$(grep oops "$TEST_DIR/udp.out")"

port=$(free_port)
receiver tcp "127.0.0.1:$port" "$TEST_DIR/tcp.out"
host=$(hostname)
for fmt in rfc3164 rfc5424 rfc5424micro; do
	b run --rm --log-driver syslog --log-opt syslog-address="tcp://127.0.0.1:$port" \
		--log-opt syslog-format=$fmt --log-opt syslog-facility=local3 busybox echo "fmt $fmt" >/dev/null
done
lines_in "$TEST_DIR/tcp.out" 3 && ok || bad "tcp syslog: three lines"
expect_match "rfc3164" "^<158>[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} $host [0-9a-f]{12}\\[[0-9]+\\]: fmt rfc3164\$" "$(grep 'fmt rfc3164' "$TEST_DIR/tcp.out")"
expect_match "rfc5424" "^<158>1 [0-9-]{10}T[0-9:]{8}(Z|[+-][0-9]{2}:[0-9]{2}) $host [0-9a-f]{12} [0-9]+ [0-9a-f]{12} - fmt rfc5424\$" "$(grep 'fmt rfc5424$' "$TEST_DIR/tcp.out")"
expect_match "rfc5424micro" "^<158>1 [0-9-]{10}T[0-9:]{8}\\.[0-9]{6}(Z|[+-][0-9]{2}:[0-9]{2}) $host [0-9a-f]{12} [0-9]+ [0-9a-f]{12} - fmt rfc5424micro\$" "$(grep 'fmt rfc5424micro' "$TEST_DIR/tcp.out")"

# tcp+tls with rfc5424: octet counting; the receiver's certificate checked
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$TEST_DIR/tls.key" -out "$TEST_DIR/tls.crt" >/dev/null 2>&1
port=$(free_port)
receiver tls "127.0.0.1:$port" "$TEST_DIR/tls.out" --cert "$TEST_DIR/tls.crt" --key "$TEST_DIR/tls.key"
b run --rm --log-driver syslog --log-opt syslog-address="tcp+tls://127.0.0.1:$port" \
	--log-opt syslog-tls-ca-cert="$TEST_DIR/tls.crt" --log-opt syslog-format=rfc5424 busybox echo secure >/dev/null
lines_in "$TEST_DIR/tls.out" 1 && ok || bad "tls syslog arrived"
msg=$(cat "$TEST_DIR/tls.out")
body=${msg#* }
expect_eq "octet count is the message's length, its newline included" "${msg%% *}" "$(printf '%s\n' "$body" | wc -c)"
expect_match "rfc5424 body" '^<30>1 .* - secure$' "$(echo "$body" | head -1)"
expect_status "an unknown CA fails the start" 125 b run --rm --log-driver syslog --log-opt syslog-address="tcp+tls://127.0.0.1:$port" busybox true
expect_match "certificate words" "failed to initialize logging driver: tls: failed to verify certificate" "$err"
expect_status "syslog-tls-skip-verify" 0 b run --rm --log-driver syslog --log-opt syslog-address="tcp+tls://127.0.0.1:$port" --log-opt syslog-tls-skip-verify=true busybox true

receiver unix "$TEST_DIR/syslog.sock" "$TEST_DIR/unix.out"
receiver unixgram "$TEST_DIR/syslog.dgram" "$TEST_DIR/unixgram.out"
b run --rm --log-driver syslog --log-opt syslog-address="unix://$TEST_DIR/syslog.sock" busybox echo by-unix >/dev/null
b run --rm --log-driver syslog --log-opt syslog-address="unixgram://$TEST_DIR/syslog.dgram" busybox echo by-unixgram >/dev/null
lines_in "$TEST_DIR/unix.out" 1 && ok || bad "unix syslog"
lines_in "$TEST_DIR/unixgram.out" 1 && ok || bad "unixgram syslog"
expect_match "unix stream" ': by-unix$' "$(cat "$TEST_DIR/unix.out")"
expect_match "unix datagram" ': by-unixgram$' "$(cat "$TEST_DIR/unixgram.out")"
expect_status "a missing socket path" 125 b run --rm --log-driver syslog --log-opt syslog-address="unix://$TEST_DIR/none.sock" busybox true
expect_eq "stat words" "berth: stat $TEST_DIR/none.sock: no such file or directory" "$err"

port=$(free_port)
expect_status "a refused receiver fails the start" 125 b run --log-driver syslog --log-opt syslog-address="tcp://127.0.0.1:$port" --log-opt mode=non-blocking busybox echo never
expect_eq "Docker's words" "berth: failed to initialize logging driver: dial tcp 127.0.0.1:$port: connect: connection refused" "$err"
expect_eq "the container stays created, as Docker leaves it" "created" "$(b ps -a --latest --format '{{.State}}')"

# --- journald: a real systemd-journald on a private journal socket ----------------------
# A mount namespace of the test's own puts tmpfs over /run/systemd, /run/log
# and /var/log/journal and runs systemd-journald there; berth started in it
# hands that namespace to the monitor and berth-logger, and `logs` reads
# the journal with journalctl, as Docker reads it.
cat >"$TEST_DIR/journal.sh" <<EOF
set -e
for d in /run/systemd /run/log /var/log/journal; do
	mkdir -p "\$d"
	mount -t tmpfs tmpfs "\$d"
done
mkdir -p /run/systemd/journal
/lib/systemd/systemd-journald >"$TEST_DIR/journald.log" 2>&1 &
jpid=\$!
for _ in \$(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
"$BERTH" run --name jd --label team=core --log-driver journald --log-opt labels=team \\
	--log-opt tag='{{.Name}}' busybox sh -c 'echo journal line; echo bad >&2; echo "$long_line"' >/dev/null 2>&1
id=\$("$BERTH" inspect -f '{{.Id}}' jd)
for _ in \$(seq 50); do
	[ "\$(journalctl --no-pager --all -o json CONTAINER_ID_FULL=\$id | wc -l)" -ge 5 ] && break
	sleep 0.1
done
journalctl --no-pager --all -o json CONTAINER_ID_FULL=\$id >"$TEST_DIR/journal.out"
"$BERTH" logs jd >"$TEST_DIR/jd.stdout" 2>"$TEST_DIR/jd.stderr"
"$BERTH" logs --tail 1 --details jd >"$TEST_DIR/jd.tail" 2>&1
"$BERTH" rm jd >/dev/null
kill \$jpid
wait \$jpid || true
EOF
long_line=$long_line unshare -m --propagation private bash "$TEST_DIR/journal.sh"
expect_eq "logs reads the journal: the line, then the long one joined" \
	"journal line|40000" "$(head -1 "$TEST_DIR/jd.stdout")|$(sed -n 2p "$TEST_DIR/jd.stdout" | tr -d '\n' | wc -c)"
expect_eq "and stderr apart" "bad" "$(cat "$TEST_DIR/jd.stderr")"
expect_match "--tail 1 --details: the attribute from the journal" "^TEAM=core x{100}" "$(cat "$TEST_DIR/jd.tail")"
entry=$("$PY" -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("MESSAGE") == "journal line":
        print(e["PRIORITY"], e["CONTAINER_NAME"], e["CONTAINER_TAG"], e["SYSLOG_IDENTIFIER"], e["IMAGE_NAME"], len(e["CONTAINER_ID"]), len(e["CONTAINER_ID_FULL"]), e["TEAM"], "SYSLOG_TIMESTAMP" in e, e["CONTAINER_LOG_ORDINAL"])
' "$TEST_DIR/journal.out")
expect_eq "journald's fields" "6 jd jd jd busybox 12 64 core True 1" "$entry"
pieces=$("$PY" -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if "CONTAINER_PARTIAL_ID" in e:
        print(e["CONTAINER_PARTIAL_ORDINAL"], e["CONTAINER_PARTIAL_LAST"], e.get("CONTAINER_PARTIAL_MESSAGE", "-"), len(e["MESSAGE"]))
' "$TEST_DIR/journal.out" | tr '\n' ' ')
expect_eq "journald: the long line in pieces" "1 false true 16384 2 false true 16384 3 true - 7232 " "$pieces"
expect_eq "stderr is priority 3" "3" "$("$PY" -c '
import json, sys
print([json.loads(l)["PRIORITY"] for l in open(sys.argv[1]) if json.loads(l).get("MESSAGE") == "bad"][0])' "$TEST_DIR/journal.out")"
expect_status "no journal on this host" 125 b run --rm --log-driver journald busybox true
expect_eq "journald words" "berth: failed to initialize logging driver: journald is not enabled on this host" "$err"

# --- fluentd -------------------------------------------------------------------------------
port=$(free_port)
receiver fluentd "127.0.0.1:$port" "$TEST_DIR/fluent.out"
b run -d --name fl --label app=api --log-driver fluentd --log-opt fluentd-address="127.0.0.1:$port" \
	--log-opt labels=app --log-opt tag='docker.{{.Name}}' busybox sh -c 'echo to fluent; echo "$0"' "$long_line" >/dev/null
lines_in "$TEST_DIR/fluent.out" 4 && ok || bad "fluentd: four events"
fl_id=$(b inspect -f '{{.Id}}' fl)
ev=$("$PY" -c '
import json, sys
for l in open(sys.argv[1]):
    tag, t, rec, opt = json.loads(l)
    if rec.get("log") == "to fluent":
        print(tag, type(t).__name__, rec["container_id"], rec["container_name"], rec["source"], rec["app"], sorted(rec))
' "$TEST_DIR/fluent.out")
expect_eq "fluentd's event" "docker.fl int $fl_id /fl stdout api ['app', 'container_id', 'container_name', 'log', 'source']" "$ev"
parts=$("$PY" -c '
import json, sys
for l in open(sys.argv[1]):
    tag, t, rec, opt = json.loads(l)
    if "partial_id" in rec:
        print(rec["partial_message"], rec["partial_ordinal"], rec["partial_last"], len(rec["log"]))
' "$TEST_DIR/fluent.out" | tr '\n' ' ')
expect_eq "fluentd: partial fields on every piece" "true 1 false 16384 true 2 false 16384 true 3 true 7232 " "$parts"
expect_status "logs of fluentd (the cache)" 0 b logs fl
expect_eq "the cache has what was sent" "to fluent" "$(echo "$out" | head -1)"
b run --rm --log-driver fluentd --log-opt fluentd-address="tcp://127.0.0.1:$port" \
	--log-opt fluentd-sub-second-precision=true --log-opt fluentd-request-ack=true busybox echo precise >/dev/null
lines_in "$TEST_DIR/fluent.out" 5 && ok || bad "fluentd: the acknowledged event"
ev=$("$PY" -c '
import json, sys
for l in open(sys.argv[1]):
    tag, t, rec, opt = json.loads(l)
    if rec.get("log") == "precise":
        print(t["ext"], t["sec"] > 1700000000, 0 <= t["nsec"] < 10**9, sorted(opt))
' "$TEST_DIR/fluent.out")
expect_eq "EventTime and request-ack" "0 True True ['chunk']" "$ev"
port2=$(free_port)
expect_status "fluentd refused at start" 125 b run --rm --log-driver fluentd --log-opt fluentd-address="127.0.0.1:$port2" busybox true
expect_eq "fluentd words" "berth: failed to initialize logging driver: dial tcp 127.0.0.1:$port2: connect: connection refused" "$err"
b run -d --name late --log-driver fluentd --log-opt fluentd-address="127.0.0.1:$port2" --log-opt fluentd-async=true \
	--log-opt fluentd-retry-wait=100ms busybox sh -c 'echo early bird; sleep 30' >/dev/null
expect_eq "fluentd-async starts without its receiver" "running" "$(b inspect -f '{{.State.Status}}' late)"
receiver fluentd "127.0.0.1:$port2" "$TEST_DIR/late.out"
lines_in "$TEST_DIR/late.out" 1 && ok || bad "fluentd-async: the line arrives once the receiver is up"
b rm -f late >/dev/null

# --- gelf ----------------------------------------------------------------------------------
port=$(free_port)
receiver gelf-udp "127.0.0.1:$port" "$TEST_DIR/gelf.out"
big=$(head -c 6000 /dev/urandom | base64 -w0)
b run -d --name gl --label app=db --log-driver gelf --log-opt gelf-address="udp://127.0.0.1:$port" \
	--log-opt labels=app --log-opt gelf-compression-type=none busybox sh -c 'echo "to <gelf> & more"; echo "$0" >&2' "$big" >/dev/null
lines_in "$TEST_DIR/gelf.out" 2 && ok || bad "gelf: two messages"
gl_id=$(b inspect -f '{{.Id}}' gl)
msg=$("$PY" -c '
import json, sys
for l in open(sys.argv[1]):
    m = json.loads(l)
    if m["short_message"].startswith("to "):
        print(m["version"], m["level"], m["_container_id"], m["_container_name"], m["_image_name"], m["_app"], m["_tag"], m["short_message"], "number" if isinstance(m["timestamp"], (int, float)) else "?", "_created" in m, "_command" in m)
    else:
        print(m["level"], m["_chunks"] > 5, len(m["short_message"]))
' "$TEST_DIR/gelf.out" | sort)
expect_eq "gelf's message and the chunked one" "$(printf '%s\n%s' "1.1 6 $gl_id gl busybox db ${gl_id:0:12} to <gelf> & more number True True" "3 True ${#big}" | sort)" "$msg"
for c in gzip zlib; do
	b run --rm --log-driver gelf --log-opt gelf-address="udp://127.0.0.1:$port" --log-opt gelf-compression-type=$c busybox echo "packed $c" >/dev/null
done
lines_in "$TEST_DIR/gelf.out" 4 && ok || bad "gelf: gzip and zlib messages"
expect_eq "gzip and zlib inflate" "2" "$(grep -c '"short_message": "packed' "$TEST_DIR/gelf.out")"
port=$(free_port)
receiver gelf-tcp "127.0.0.1:$port" "$TEST_DIR/gelft.out"
b run --rm --log-driver gelf --log-opt gelf-address="tcp://127.0.0.1:$port" busybox echo over tcp >/dev/null
lines_in "$TEST_DIR/gelft.out" 1 && ok || bad "gelf tcp"
expect_match "gelf tcp message" '"short_message": "over tcp"' "$(cat "$TEST_DIR/gelft.out")"

# --- modes: a receiver that stalls, one that restarts --------------------------------------
port=$(free_port)
receiver stall "127.0.0.1:$port" "$TEST_DIR/stall.out"
start=$(date +%s%N)
b run -d --name nb --log-driver syslog --log-opt syslog-address="tcp://127.0.0.1:$port" --log-opt mode=non-blocking \
	--log-opt max-buffer-size=64k busybox sh -c 'i=0; while [ $i -lt 20000 ]; do echo "flood line $i"; i=$((i+1)); done' >/dev/null
wait_for "non-blocking: the container is not held up" sh -c "[ \"\$('$BERTH' inspect -f '{{.State.Status}}' nb)\" = exited ]"
dropped=$(b inspect -f '{{.State.LogDropped}}' nb)
[ "$dropped" -gt 0 ] && ok || bad "dropped lines counted ($dropped)"
sleep 1 # --until 0s is now in whole seconds
expect_status "events say so" 0 b events --since "$((start / 1000000000 - 1))" --until 0s --filter event=log-dropped --format '{{.Actor.Attributes.name}}'
expect_eq "a log-dropped event" "nb" "$(echo "$out" | head -1)"
expect_eq "the cache has every line all the same" "20000" "$(b logs nb | wc -l)"
b run -d --name bl --log-driver syslog --log-opt syslog-address="tcp://127.0.0.1:$port" busybox \
	sh -c 'yes "blocking flood line" | head -c 50000000' >/dev/null
sleep 2
expect_eq "blocking: the container waits for the receiver" "running" "$(b inspect -f '{{.State.Status}}' bl)"
expect_status "stop still works" 0 b stop -t 1 bl
b run -d --name nbrun --log-driver syslog --log-opt syslog-address="tcp://127.0.0.1:$port" --log-opt mode=non-blocking \
	--log-opt max-buffer-size=8k busybox sh -c 'yes "dropped while running" | head -n 20000; exec sleep 30' >/dev/null
sleep 2.5
running_dropped=$(b inspect -f '{{.State.Status}} {{.State.LogDropped}}' nbrun)
[ "${running_dropped%% *}" = running ] && [ "${running_dropped##* }" -gt 100 ] && ok ||
	bad "the count is written while the container runs ($running_dropped)"
b rm -f nbrun >/dev/null
pss=0
port=$(free_port)
receiver tcp "127.0.0.1:$port" "$TEST_DIR/restart.out" --stop-after 1
b run -d --name rs --log-driver syslog --log-opt syslog-address="tcp://127.0.0.1:$port" busybox \
	sh -c 'echo first; sleep 1; echo second; sleep 1; echo third; sleep 30' >/dev/null
lines_in "$TEST_DIR/restart.out" 1 && ok || bad "restart: the first line"
sleep 0.5
receiver tcp "127.0.0.1:$port" "$TEST_DIR/restart2.out"
lines_in "$TEST_DIR/restart2.out" 2 && ok || bad "after the receiver restarts, blocking mode loses nothing"
expect_eq "the lines after the restart" "second third" "$(sed 's/.*: //' "$TEST_DIR/restart2.out" | tr '\n' ' ' | sed 's/ $//')"

# --- the monitor stays small ---------------------------------------------------------------
b run -d --name small busybox sh -c 'i=0; while [ $i -lt 3000 ]; do echo "line $i of a chatty start"; i=$((i+1)); done; exec sleep 60' >/dev/null
wait_for "small has written" sh -c "[ \"\$('$BERTH' logs --tail 1 small)\" = 'line 2999 of a chatty start' ]"
pss=$(awk '/^Pss:/ {print $2}' "/proc/$(shim_pid small)/smaps_rollup")
[ "$pss" -lt 512 ] && ok || bad "json-file monitor Pss ${pss} KiB, not under 512"
b rm -f small rs >/dev/null

# --- daemon.json ---------------------------------------------------------------------------
cfg=$TEST_DIR/daemon.json
export BERTH_CONFIG=$cfg
printf '\xef\xbb\xbf{"log-driver": "local", "log-opts": {"max-size": "1m", "max-file": "2", "compress": "false"}, "iptables": false}' >"$cfg"
expect_status "a daemon.json with a byte order mark" 0 b run -d --name dflt busybox echo hi
expect_match "Docker keys berth ignores are said once" 'WARNING: .*daemon.json: "iptables" is ignored' "$err"
expect_status "then not again" 0 b inspect -f '{{json .HostConfig.LogConfig}}' dflt
expect_eq "the daemon's driver and options" '{"Type":"local","Config":{"max-size":"1m","max-file":"2","compress":"false"}}' "$out"
expect_eq "no warning the second time" "" "$err"
expect_status "another driver does not take the daemon's options" 0 b run -d --name other --log-driver json-file busybox true
expect_eq "json-file with its own" '{"Type":"json-file","Config":{}}' "$(b inspect -f '{{json .HostConfig.LogConfig}}' other)"
expect_status "info shows the driver" 0 b info --format '{{.LoggingDriver}}'
expect_eq "info" "local" "$out"
echo '{"log-driver": "local", "log-opts": {"max-size": 5}}' >"$cfg"
expect_status "a number in log-opts" 1 b ps
expect_eq "Docker's json words" "berth: unable to configure the berth engine with file $cfg: json: cannot unmarshal number into Go struct field Config.log-opts of type string" "$err"
echo '{"log-level": "chatty", "foo": 1, "proxies": {"bar": 2}}' >"$cfg"
expect_status "unknown keys" 1 b ps
expect_eq "every one named" "berth: unable to configure the berth engine with file $cfg: the following directives don't match any configuration option: bar, foo" "$err"
echo '{"log-driver": "local", "log-opts": {"max-file": "many"}}' >"$cfg"
expect_status "a bad log option" 1 b ps
expect_match "its words" "invalid value for max-file: many" "$err"
expect_status "--validate says so too" 1 b daemon --validate
expect_status "--validate of a good file" 0 b daemon --validate --config-file "$SOURCE_DIR/tests/integration/daemon-full.json"
expect_eq "configuration OK" "configuration OK" "$out"
echo '{"dns": ["192.0.2.53"], "default-shm-size": "96M", "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 4096, "Soft": 1024}}}' >"$cfg"
expect_status "daemon defaults reach containers" 0 b run --rm busybox sh -c 'grep nameserver /etc/resolv.conf; ulimit -n; df -m /dev/shm | awk "NR==2 {print \$2}"'
expect_eq "dns, ulimits, shm" "$(printf 'nameserver 192.0.2.53\n1024\n96')" "$out"
unset BERTH_CONFIG
rm -f "$cfg"
expect_status "--config-file names a file that must exist" 1 b --config-file "$cfg" ps
expect_eq "missing file words" "berth: unable to configure the berth engine with file $cfg: open $cfg: no such file or directory" "$err"


# --- what a first user met ------------------------------------------------------------------
b run --name order busybox sh -c 'for i in 1 2 3; do echo out$i; sleep 0.05; echo err$i >&2; sleep 0.05; done' >/dev/null 2>&1
expect_eq "logs 2>&1 through a pipe keeps the order" "out1 err1 out2 err2 out3 err3" \
	"$("$BERTH" logs order 2>&1 | cat | tr '\n' ' ' | sed 's/ $//')"
expect_status "fluentd-async-connect, Docker's older name" 0 b create --log-driver fluentd \
	--log-opt fluentd-address=127.0.0.1:1 --log-opt fluentd-async-connect=true busybox true
port=$(free_port)
receiver stall "127.0.0.1:$port" "$TEST_DIR/stall2.out"
b run -d --name slowstop --log-driver syslog --log-opt syslog-address="tcp://127.0.0.1:$port" busybox \
	sh -c 'yes "held up by a stalled receiver" | head -c 50000000' >/dev/null
sleep 1
start=$(date +%s%N)
expect_status "stop with a stalled receiver" 0 b stop -t 1 slowstop
took=$((($(date +%s%N) - start) / 1000000))
[ "$took" -lt 5000 ] && ok || bad "stop -t 1 took ${took} ms: the monitor's hand-over held it up"
export BERTH_CONFIG=$TEST_DIR/daemon2.json
echo '{"log-driver": "json-file", "log-opts": {"cache-disabled": "true"}}' >"$BERTH_CONFIG"
b create --name nocache --log-driver syslog --log-opt syslog-address=udp://127.0.0.1:1 busybox true >/dev/null 2>&1
expect_eq "the daemon's cache options reach every driver" 'true udp://127.0.0.1:1' \
	"$(b inspect -f '{{index .HostConfig.LogConfig.Config "cache-disabled"}} {{index .HostConfig.LogConfig.Config "syslog-address"}}' nocache)"
echo '{"log-opts": {"tag": "{{.Nope}}"}}' >"$BERTH_CONFIG"
expect_status "--validate checks the tag's template" 1 b daemon --validate
expect_match "its words" "can't evaluate" "$err"
printf '{"debug": true,\n "debug": false,\n "labels": ["a=b",]}\n' >"$BERTH_CONFIG"
expect_status "a syntax error" 1 b ps
expect_match "where it is" "line 3, column [0-9]+" "$err"
printf '{"debug": true, "debug": false}' >"$BERTH_CONFIG"
expect_status "a key given twice: the last one, as dockerd" 0 b info --format '{{.Debug}}'
expect_eq "the last value" "false" "$out"
echo '{"no-new-privileges": true, "icc": false, "experimental": false, "iptables": true}' >"$BERTH_CONFIG"
expect_status "security defaults from daemon.json" 0 b run --rm --network none busybox grep NoNewPrivs /proc/self/status
expect_match "no-new-privileges applied" "NoNewPrivs:[[:space:]]+1" "$out"
expect_eq "Docker's defaults are not warned about" "" "$(echo "$err" | grep -E 'experimental|iptables')"
expect_eq "icc: false is the default bridge's" "false" \
	"$(b network inspect -f '{{index .Options "com.docker.network.bridge.enable_icc"}}' bridge)"
unset BERTH_CONFIG


# --- what an attacker tried ----------------------------------------------------------------
# logs -f through rotations (compressed or not): every line once
for d in "local --log-opt max-size=100k" "json-file --log-opt max-size=20k --log-opt max-file=40 --log-opt compress=true"; do
	b rm -f rotf >/dev/null 2>&1
	b run -d --name rotf --network none --log-driver $d busybox sh -c \
		'sleep 1; i=0; while [ $i -lt 6000 ]; do echo "L$i padding padding padding padding"; i=$((i+1)); [ $((i % 1000)) = 0 ] && sleep 0.1; done; sleep 0.5' >/dev/null
	got=$("$BERTH" logs -f rotf | grep '^L' | awk '{print $1}')
	expect_eq "logs -f across rotations (${d%% *}): 6000 lines, each once" "6000 6000" \
		"$(echo "$got" | wc -l) $(echo "$got" | sort -u | wc -l)"
done
# a rotated file missing in the middle hides none of the older ones
gap_dir=$BERTH_ROOT/containers/$(b inspect -f '{{.Id}}' rotf)
gap_log=$(b inspect -f '{{.LogPath}}' rotf)
before=$(b logs rotf | wc -l)
lost=$(zcat "$gap_log.2.gz" | wc -l)
rm "$gap_log.2.gz"
expect_eq "a gap in the rotated files" "$((before - lost))" "$(b logs rotf | wc -l)"
printf 'garbage' >"$gap_log.1.gz.tmp-99999"
# NULs and bytes that are not UTF-8 are shown, not lost
b run --name oddbytes --log-driver local busybox sh -c 'printf "nul\000byte\n"; printf "bad\377utf8\n"; echo last' >/dev/null
expect_eq "a NUL and a bad byte, in local" "$(printf 'nul\000byte\nbad\357\277\275utf8\nlast\n' | od -c)" "$(b logs oddbytes | od -c)"
b run --name oddjson busybox sh -c 'printf "nul\000byte\n"; echo last' >/dev/null
expect_eq "a NUL in json-file" "$(printf 'nul\000byte\nlast\n' | od -c)" "$(b logs oddjson | od -c)"
# berth-logger: nobody, no capability, no_new_privs, for a receiver anyone may reach
port=$(free_port)
receiver udp "127.0.0.1:$port" "$TEST_DIR/priv.out"
b run -d --name priv --log-driver syslog --log-opt syslog-address="udp://127.0.0.1:$port" \
	--log-opt tag="$(printf 'line\nbreak')" busybox sh -c 'echo one; sleep 30' >/dev/null
lines_in "$TEST_DIR/priv.out" 1 && ok || bad "the receiver got the line"
logger_pid=$(pgrep -f "berth-logger --forward $BERTH_ROOT/containers/$(b inspect -f '{{.Id}}' priv)/spec")
expect_eq "berth-logger's uid, capabilities and no_new_privs" "65534 0000000000000000 0000000000000000 1" \
	"$(awk '/^Uid:/ {u = $2} /^CapEff:/ {e = $2} /^CapBnd:/ {bd = $2} /^NoNewPrivs:/ {n = $2} END {print u, e, bd, n}' "/proc/$logger_pid/status")"
expect_match "a tag cannot start a record of its own" 'line_break\[[0-9]+\]: one$' "$(cat "$TEST_DIR/priv.out")"
b rm -f priv >/dev/null
# a unixgram receiver that stops reading: berth-logger goes within its linger
"$PY" -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); time.sleep(120)' "$TEST_DIR/deaf.sock" &
receivers+=($!)
for _ in $(seq 50); do [ -S "$TEST_DIR/deaf.sock" ] && break; sleep 0.1; done
b run -d --name deaf --log-driver syslog --log-opt syslog-address="unixgram://$TEST_DIR/deaf.sock" \
	--log-opt mode=non-blocking busybox sh -c 'while :; do echo flood; done' >/dev/null
sleep 1
deaf_spec="berth-logger --forward $BERTH_ROOT/containers/$(b inspect -f '{{.Id}}' deaf)/spec"
b rm -f deaf >/dev/null
gone=no
for _ in $(seq 150); do pgrep -f "$deaf_spec" >/dev/null || { gone=yes; break; }; sleep 0.1; done
expect_eq "berth-logger leaves a deaf receiver after its linger" yes "$gone"
# daemon.json that is not a file
mkfifo "$TEST_DIR/fifo.json"
expect_status "a fifo as daemon.json" 1 timeout 5 "$BERTH" --config-file "$TEST_DIR/fifo.json" ps
expect_match "its words" "not a regular file" "$err"

stop_receivers

finish
