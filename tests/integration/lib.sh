# Shared by the integration tests: a private BERTH_ROOT, BERTH_RUN and
# cgroup parent per test script, the busybox image, assertions, and a
# cleanup that runs however the script ends.
set -uo pipefail

BERTH=${1:?usage: test.sh path/to/berth}
BERTH=$(readlink -f "$BERTH")
SOURCE_DIR=${BERTH_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
TEST_NAME=$(basename "$0" .sh)
TEST_DIR=$(mktemp -d "/tmp/berth-$TEST_NAME.XXXXXX")
export BERTH_ROOT=$TEST_DIR/root
export BERTH_RUN=$TEST_DIR/run
export BERTH_CGROUP_PARENT=berth-test-$$-$RANDOM
passed=0
failed=0

[ "$(id -u)" -eq 0 ] || { echo "$TEST_NAME: needs root"; exit 1; }

# What berth changes on the host for its networks, put back by cleanup:
# IPv4 and IPv6 forwarding, its bridges (named in the test's store), its
# nftables tables (ip and ip6 berth-<8 hex of the root's path>).
IP_FORWARD_BEFORE=$(cat /proc/sys/net/ipv4/ip_forward)
IP6_FORWARD_BEFORE=$(cat /proc/sys/net/ipv6/conf/all/forwarding)
berth_table() { echo "berth-$(printf '%s' "$1" | sha256sum | cut -c1-8)"; }
TEST_TABLE=$(berth_table "$BERTH_ROOT")
FIRST_ROOT=$BERTH_ROOT
network_cleanup() {
	local l root
	# a test may have moved to, or used, a second data root
	for root in "$FIRST_ROOT" "$BERTH_ROOT" "$TEST_DIR"/root?*; do
		[ -d "$root" ] || continue
		for l in $(sqlite3 "$root/berth.db" "SELECT bridge FROM networks WHERE bridge != ''" 2>/dev/null); do
			ip link del "$l" 2>/dev/null
		done
		nft delete table ip "$(berth_table "$root")" 2>/dev/null
		nft delete table ip6 "$(berth_table "$root")" 2>/dev/null
	done
	echo "$IP_FORWARD_BEFORE" >/proc/sys/net/ipv4/ip_forward
	echo "$IP6_FORWARD_BEFORE" >/proc/sys/net/ipv6/conf/all/forwarding
}

# Every cgroup directory this test's containers could have made.
test_cgroup_dirs() {
	awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo |
		while read -r mnt; do
			[ -d "$mnt/$BERTH_CGROUP_PARENT" ] && echo "$mnt/$BERTH_CGROUP_PARENT"
		done
}

cleanup() {
	local f pid
	for f in "$BERTH_RUN"/containers/*/shim.pid "$BERTH_RUN"/containers/*/init.pid \
		"$TEST_DIR"/run?*/containers/*/shim.pid "$TEST_DIR"/run?*/containers/*/init.pid; do
		[ -f "$f" ] || continue
		pid=$(cut -d' ' -f1 "$f")
		[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	done
	# the monitors' helpers for log receivers linger a while after them
	pkill -9 -f "berth-logger --forward $TEST_DIR/" 2>/dev/null
	sleep 0.1
	network_cleanup
	local dir
	for dir in $(test_cgroup_dirs); do
		find "$dir" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
		rmdir "$dir" 2>/dev/null
	done
	grep -F " $TEST_DIR" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m"; done
	rm -rf "$TEST_DIR"
}
trap cleanup EXIT
# a test stopped by a signal cleans up too (bash runs the EXIT trap then)
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# berth on this host's engine, whatever DOCKER_HOST a test exports for docker
b() { DOCKER_HOST= DOCKER_CONTEXT= "$BERTH" "$@"; }

# BERTH_DRIVER=docker: the test's commands are the stock docker CLI's,
# against a `berth daemon` on the test's own store (its socket in
# $TEST_DIR), so that a script written for berth's CLI shows that
# Docker's client sees the same engine; $BERTH becomes a wrapper that
# hands everything but berth's own commands (daemon, the console) to
# docker. The daemon goes with the test's cleanup.
BERTH_DRIVER=${BERTH_DRIVER:-berth}
if [ "$BERTH_DRIVER" = docker ]; then
	command -v docker >/dev/null || { echo "$TEST_NAME: BERTH_DRIVER=docker needs the docker CLI"; exit 1; }
	BERTH_ITSELF=$BERTH
	DRIVER_SOCK=$TEST_DIR/driver.sock
	export DOCKER_CONFIG=$TEST_DIR/driver-docker-config
	mkdir -p "$TEST_DIR/driver" "$DOCKER_CONFIG"
	cat >"$TEST_DIR/driver/berth" <<EOF
#!/bin/sh
# docker for the test's commands; berth for what only berth has
case "\${1:-}" in
daemon | system-dial-stdio) exec "$BERTH_ITSELF" "\$@" ;;
esac
exec docker -H "unix://$DRIVER_SOCK" "\$@"
EOF
	chmod 0755 "$TEST_DIR/driver/berth"
	"$BERTH_ITSELF" daemon -H "unix://$DRIVER_SOCK" >"$TEST_DIR/driver/daemon.log" 2>&1 &
	DRIVER_DAEMON=$!
	for _ in $(seq 100); do
		curl -sf --max-time 1 --unix-socket "$DRIVER_SOCK" http://docker/_ping >/dev/null 2>&1 && break
		sleep 0.05
	done
	BERTH=$TEST_DIR/driver/berth
	driver_cleanup() {
		kill -TERM "$DRIVER_DAEMON" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$DRIVER_DAEMON" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$DRIVER_DAEMON" 2>/dev/null
		wait "$DRIVER_DAEMON" 2>/dev/null
		cleanup
	}
	trap driver_cleanup EXIT
fi

# said TEXT: a CLI's message without the words only one client adds
# ("berth: ", "docker: ", "Error response from daemon: "), first line
# only, so that a check holds under either driver.
said() { sed -n '1{s/^berth: //; s/^docker: //; s/^Error response from daemon: //; p}' <<<"$1"; }
# berth_cli: true unless the docker driver runs the test (for what only
# berth's own client does: its quiet answers, its checks of empty lists)
berth_cli() { [ "${BERTH_DRIVER:-berth}" = berth ]; }

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# wait_for DESCRIPTION COMMAND...: polls until the command succeeds (5 s)
wait_for() {
	local desc=$1 i
	shift
	for i in $(seq 50); do
		"$@" >/dev/null 2>&1 && { ok; return 0; }
		sleep 0.1
	done
	bad "$desc: never happened"
}

# free_port: a TCP port on 127.0.0.1 nothing listens on now
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
	if [ "$2" == "$3" ]; then ok; else bad "$1: expected [$2], got [$3]"; fi
}

# expect_match DESCRIPTION REGEX ACTUAL
expect_match() {
	if [[ "$3" =~ $2 ]]; then ok; else bad "$1: [$3] does not match /$2/"; fi
}

# expect_status DESCRIPTION CODE COMMAND... (stdout and stderr kept in $out, $err)
expect_status() {
	local desc=$1 want=$2
	shift 2
	out=$("$@" 2>"$TEST_DIR/stderr")
	local got=$?
	err=$(cat "$TEST_DIR/stderr")
	if [ "$got" -eq "$want" ]; then ok; else bad "$desc: exit $got, expected $want (stderr: $err)"; fi
}

# The store's files, to show that a failed command changed nothing.
store_snapshot() {
	# tmp/ is scratch space: staging, and containers' files being deleted
	(cd "$BERTH_ROOT" && find . -path ./berth.db-wal -prune -o -path ./berth.db-shm -prune -o -path ./tmp -prune -o -print | sort
	 sqlite3 berth.db 'SELECT id, name, state FROM containers ORDER BY id; SELECT reference FROM tags ORDER BY 1;' 2>/dev/null)
}

busybox_image() {
	"$SOURCE_DIR/scripts/busybox-image.sh" "${BERTH_ITSELF:-$BERTH}"
}

finish() {
	echo "$TEST_NAME: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}
