#!/usr/bin/env bash
# berth-shim against the real kernel: a busybox rootfs as the one lower
# layer, specs written by hand, the shim driven through shim_helper the way
# berth drives it. Needs root. Usage: test_shim.sh <path-to-berth>
# (berth-shim is expected next to it).
set -u

berth=${1:?usage: test_shim.sh <path-to-berth>}
shim=$(cd "$(dirname "$berth")" && pwd)/berth-shim
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ "$(id -u)" != 0 ]; then
	echo "test_shim.sh: must run as root"
	exit 1
fi
if [ ! -x "$shim" ]; then
	echo "test_shim.sh: no berth-shim at $shim"
	exit 1
fi

tmp=$(mktemp -d /tmp/berth-shim-test.XXXXXX)
cgparent=berth-shim-test-$$
passed=0
failed=0

# Kills what the test started, unmounts what it left, removes its cgroups.
cleanup() {
	local f pid
	for f in "$tmp"/c/*/run/shim.pid "$tmp"/c/*/run/init.pid; do
		[ -f "$f" ] || continue
		read -r pid _ <"$f"
		[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	done
	grep -F "$tmp" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	# killed containers take a moment to leave their cgroups
	local try d
	for try in $(seq 50); do
		for d in /sys/fs/cgroup/*/"$cgparent" /sys/fs/cgroup/"$cgparent"; do
			[ -d "$d" ] || continue
			find "$d" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
			rmdir "$d" 2>/dev/null
		done
		ls -d /sys/fs/cgroup/*/"$cgparent" /sys/fs/cgroup/"$cgparent" >/dev/null 2>&1 || break
		sleep 0.1
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() {
	passed=$((passed + 1))
	echo "ok   - $1"
}
not_ok() {
	failed=$((failed + 1))
	echo "FAIL - $1"
	[ $# -gt 1 ] && printf '       %s\n' "${@:2}"
}
# check <name> <expected> <actual>
check() {
	if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "got:      $3"; fi
}
# check_match <name> <extended regex> <actual>
check_match() {
	if [[ "$3" =~ $2 ]]; then ok "$1"; else not_ok "$1" "expected to match: $2" "got: $3"; fi
}

# --- the image: Debian's busybox-static and its applet links ---------------
busybox=/bin/busybox
if ! [ -x $busybox ] || ! ldd $busybox 2>&1 | grep -q 'not a dynamic executable'; then
	apt-get install -y busybox-static >/dev/null 2>&1
fi
if ! "$busybox" --list-full >/dev/null 2>&1; then
	echo "test_shim.sh: busybox-static is not available"
	exit 1
fi
layer=$tmp/layers/bb/diff
mkdir -p "$layer"/{bin,etc,proc,sys,dev,tmp,root}
cp "$busybox" "$layer/bin/busybox"
for applet in $("$busybox" --list-full); do
	[ "$applet" = bin/busybox ] && continue
	mkdir -p "$layer/$(dirname "$applet")"
	ln -sf /bin/busybox "$layer/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$layer/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\nstaff:x:50:nobody\n' >"$layer/etc/group"
# a symlink that would lead a careless runtime out of the rootfs
ln -s /../../../../../.. "$layer/escape"

cc -O2 -Wall -o "$tmp/shim_helper" "$here/shim_helper.c" || exit 1
helper=$tmp/shim_helper
"$helper" seccomp "$tmp/mkdir-denied.bpf" || exit 1

default_caps="0 1 3 4 5 6 7 8 10 13 18 27 29 31"
masked="/proc/acpi /proc/asound /proc/interrupts /proc/kcore /proc/keys /proc/latency_stats
	/proc/sched_debug /proc/scsi /proc/timer_list /proc/timer_stats
	/sys/devices/virtual/powercap /sys/firmware"
readonly_paths="/proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger"

# new_container <name> [spec lines...]: the command comes from the ARGS array.
new_container() {
	local c=$tmp/c/$1
	shift
	mkdir -p "$c"/{upper,work,merged,run}
	{
		echo "id $(printf %s "$c" | sha256sum | cut -c1-64)"
		echo "layers-dir $tmp/layers"
		echo "lower bb/diff"
		echo "upper $c/upper"
		echo "work $c/work"
		echo "rootfs $c/merged"
		for ns in mount uts ipc pid net; do echo "namespace $ns"; done
		echo "hostname testhost"
		echo "cgroup-parent $cgparent/nested"
		for cap in $default_caps; do echo "cap $cap"; done
		for m in $masked; do echo "masked $m"; done
		for r in $readonly_paths; do echo "readonly $r"; done
		echo "device /dev/null c 1 3 666"
		echo "device /dev/zero c 1 5 666"
		echo "device /dev/full c 1 7 666"
		echo "device /dev/random c 1 8 666"
		echo "device /dev/urandom c 1 9 666"
		echo "device /dev/tty c 5 0 666"
		echo "env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
		echo "log-path $c/log.json"
		local a
		for a in "${ARGS[@]}"; do
			a=${a//\\/\\\\}
			echo "arg ${a//$'\n'/\\n}"
		done
		local l
		for l in "$@"; do echo "$l"; done
	} >"$c/spec"
}

# start <name> [helper options]: runs the shim; prints the helper's output.
start() {
	local c=$tmp/c/$1
	shift
	timeout 20 "$helper" run "$shim" "$c" "$c/run" "$@"
}

# wait_exit <name>: waits for the exit file and prints its code.
wait_exit() {
	local f=$tmp/c/$1/run/exit i
	for i in $(seq 200); do
		[ -f "$f" ] && break
		sleep 0.05
	done
	[ -f "$f" ] && cut -d' ' -f1 "$f" || echo none
}

# logs <name>: the "log" values of the json-file, one per line, as written.
logs() {
	sed -e 's/^{"log":"\(.*\)","stream":"[a-z]*","time":"[^"]*"}$/\1/' "$tmp/c/$1/log.json"
}

# pid_of <name> <shim|init>
pid_of() {
	local pid
	read -r pid _ <"$tmp/c/$1/run/$2.pid" && echo "$pid"
}

# running <pid>: true while the process exists (and is no zombie).
running() {
	[ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# --- start line, exit code, the log's exact format ---------------------------
ARGS=(echo hi)
new_container hello
out=$(start hello)
check_match "start line reports ok <init> <shim>" '^start: ok [0-9]+ [0-9]+$' "$out"
check "echo exits 0" 0 "$(wait_exit hello)"
check_match "exit file is <code> <ns> <oom>" '^0 [0-9]{19} 0$' "$(cat "$tmp/c/hello/run/exit")"
check_match "json-file line format" \
	'^\{"log":"hi\\n","stream":"stdout","time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]*[1-9])?Z"\}$' \
	"$(cat "$tmp/c/hello/log.json")"
check "attach.sock is gone after exit" "" "$(ls "$tmp/c/hello/run/attach.sock" 2>/dev/null)"

ARGS=(sh -c 'echo out; echo err >&2; exit 3')
new_container three
start three >/dev/null
check "exit code 3" 3 "$(wait_exit three)"
check "stderr is logged as stderr" 1 \
	"$(grep -c '^{"log":"err\\n","stream":"stderr"' "$tmp/c/three/log.json")"

ARGS=(sh -c 'printf "<a&b>\"\\\\\t\001\377\342\200\250\n"; printf tail')
new_container escape
start escape >/dev/null
wait_exit escape >/dev/null
check "JSON escaping like Go's encoding/json" \
	'\u003ca\u0026b\u003e\"\\\u0009\u0001\ufffd\u2028\n
tail' "$(logs escape)"

ARGS=(sh -c 'head -c 20000 /dev/zero | tr "\000" x; echo')
new_container long
start long >/dev/null
wait_exit long >/dev/null
check "a long line is split at 16 KiB" "16384 3618" \
	"$(logs long | awk '{ printf("%s%d", (NR > 1 ? " " : ""), length($0)) }')"
check "only the last chunk ends the line" "1" "$(logs long | grep -c '\\n$')"

ARGS=(sh -c 'i=0; while [ $i -lt 40 ]; do echo line-$i; i=$((i+1)); done')
new_container rotate "log-max-size 300" "log-max-file 3"
start rotate >/dev/null
wait_exit rotate >/dev/null
check "rotation keeps max-file files" "log.json log.json.1 log.json.2" \
	"$(cd "$tmp/c/rotate" && echo log.json log.json.[0-9]*)"
seq=$(cat "$tmp/c/rotate/log.json.rotations")
check "and counts rotations as a seqlock (even and past 2: none under way)" "even" \
	"$([ $((seq % 2)) -eq 0 ] && [ "$seq" -ge 4 ] && echo even || echo "$seq")"
check "the newest line is in the live file" 1 \
	"$(grep -c 'line-39' "$tmp/c/rotate/log.json")"

# a chain of lowers longer than mount(2)'s one page of options
kver=$(uname -r | awk -F. '{print $1 * 1000 + $2}')
if [ "$kver" -ge 6008 ]; then
	lowers=()
	for i in $(seq 70); do
		name=$(printf 'deep%060d' "$i")
		mkdir -p "$tmp/layers/$name/diff/stack"
		echo "$i" >"$tmp/layers/$name/diff/stack/$i"
		lowers+=("lower $name/diff")
	done
	ARGS=(sh -c 'ls /stack | wc -l')
	new_container longchain
	# the extra layers go above busybox
	sed -i '/^lower bb\/diff$/d' "$tmp/c/longchain/spec"
	printf '%s\n' "${lowers[@]}" "lower bb/diff" >>"$tmp/c/longchain/spec"
	start longchain >/dev/null
	wait_exit longchain >/dev/null
	check "71 lower layers (options past a page)" '70\n' "$(logs longchain)"
else
	echo "     (kernel before 6.8: no lowerdir+, the long-chain test is skipped)"
fi

# --- exec errors ----------------------------------------------------------
ARGS=(nosuch)
new_container notfound
check "missing command" \
	'start: error cmd_not_found exec: "nosuch": executable file not found in $PATH' \
	"$(start notfound)"
check "missing command exits 127" 127 "$(wait_exit notfound)"

ARGS=(/etc)
new_container isdir
check "a directory cannot run" 'start: error cannot_exec exec: "/etc": is a directory' \
	"$(start isdir)"
check "a directory exits 126" 126 "$(wait_exit isdir)"

ARGS=(/etc/passwd)
new_container noexec
check_match "a file without x cannot run" '^start: error cannot_exec .*permission denied$' \
	"$(start noexec)"
check "permission denied exits 126" 126 "$(wait_exit noexec)"

# --- identity and isolation -------------------------------------------------
ARGS=(sh -c 'hostname; echo $$; cat /proc/1/cmdline; echo')
new_container ident
start ident >/dev/null
wait_exit ident >/dev/null
check "hostname, pid 1, /proc/1/cmdline" 'testhost\n
1\n
sh\u0000-c\u0000hostname; echo $$; cat /proc/1/cmdline; echo\u0000\n' "$(logs ident)"

ARGS=(grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)' /proc/self/status)
new_container caps
start caps >/dev/null
wait_exit caps >/dev/null
check "default capabilities" 'CapInh:\u00090000000000000000\n
CapPrm:\u000900000000a80425fb\n
CapEff:\u000900000000a80425fb\n
CapBnd:\u000900000000a80425fb\n
CapAmb:\u00090000000000000000\n
NoNewPrivs:\u00090\n' "$(logs caps)"

ARGS=(grep NoNewPrivs /proc/self/status)
new_container nnp "no-new-privileges 1"
start nnp >/dev/null
wait_exit nnp >/dev/null
check "no-new-privileges" 'NoNewPrivs:\u00091\n' "$(logs nnp)"

ARGS=(ls /proc/self/fd)
new_container fds
start fds >/dev/null
wait_exit fds >/dev/null
check "no descriptor leaks into the container" '0\n
1\n
2\n
3\n' "$(logs fds)"

# the kernel may lack some masked files: test those the host has
mask_probe=""
for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
	[ -e "$f" ] && mask_probe="$mask_probe $f"
done
ARGS=(sh -c "for f in $mask_probe; do cat \$f | wc -c; done; ls /sys/firmware | wc -l")
new_container masked
start masked >/dev/null
wait_exit masked >/dev/null
expect=""
for f in $mask_probe /sys/firmware; do expect="$expect"'0\n'$'\n'; done
check "masked paths read empty ($mask_probe /sys/firmware)" "${expect%$'\n'}" "$(logs masked)"

ARGS=(sh -c 'echo 1 > /proc/sys/kernel/ns_last_pid && echo wrote; mount -t tmpfs none /tmp && echo mounted; exit 0')
new_container locked
start locked >/dev/null
wait_exit locked >/dev/null
check "/proc/sys is read-only" 1 "$(grep -c 'ns_last_pid: Read-only file system' "$tmp/c/locked/log.json")"
check "mount is refused without CAP_SYS_ADMIN (no seccomp)" 0 \
	"$(grep -c -e wrote -e mounted "$tmp/c/locked/log.json")"
check "mount failed with a permission error" 1 "$(grep -c 'mount: permission denied' "$tmp/c/locked/log.json")"

ARGS=(sh -c 'mkdir /tmp/x || echo refused')
new_container seccomp "seccomp $tmp/mkdir-denied.bpf"
start seccomp >/dev/null
wait_exit seccomp >/dev/null
check "the seccomp program is loaded" 1 "$(grep -c 'Operation not supported' "$tmp/c/seccomp/log.json")"
new_container seccomp-nnp "seccomp $tmp/mkdir-denied.bpf" "no-new-privileges 1" "user nobody"
start seccomp-nnp >/dev/null
wait_exit seccomp-nnp >/dev/null
check "seccomp with no-new-privileges as a user" 1 \
	"$(grep -c 'Operation not supported' "$tmp/c/seccomp-nnp/log.json")"

ARGS=(sh -c 'id; echo $HOME; grep CapEff /proc/self/status')
new_container nobody "user nobody"
start nobody >/dev/null
wait_exit nobody >/dev/null
check "user nobody" 'uid=65534(nobody) gid=65534(nogroup) groups=50(staff)\n
/nonexistent\n
CapEff:\u00090000000000000000\n' "$(logs nobody)"

ARGS=(id)
new_container numeric "user 1234:5678" "group-add staff"
start numeric >/dev/null
wait_exit numeric >/dev/null
check "numeric user and group-add" 'uid=1234 gid=5678 groups=50(staff)\n' "$(logs numeric)"

new_container nouser "user nosuch"
check "unknown user" 'start: error system unable to find user nosuch: no matching entries in passwd file' \
	"$(start nouser)"

ARGS=(sh -c 'pwd; echo $FOO')
new_container cwd "cwd /work/deep/er" "env FOO=bar baz"
start cwd >/dev/null
wait_exit cwd >/dev/null
check "cwd is created; env is passed" '/work/deep/er\n
bar baz\n' "$(logs cwd)"

ARGS=(sh -c 'touch /x 2>&1; touch /tmp/y && echo tmp-ok')
new_container rofs "readonly-rootfs 1" "mount tmpfs	tmpfs	/tmp	nosuid,size=1m"
start rofs >/dev/null
wait_exit rofs >/dev/null
check "readonly rootfs, tmpfs mount on top" 'touch: /x: Read-only file system\n
tmp-ok\n' "$(logs rofs)"

mkdir -p "$tmp/hostdir"
echo from-host >"$tmp/hostdir/file"
echo "10.1.2.3 myhost" >"$tmp/hosts"
echo myname >"$tmp/hostname"
ARGS=(sh -c 'cat /data/file; touch /data/new 2>&1; cat /etc/hosts /etc/hostname; ls -d /inside')
new_container binds "mount bind	$tmp/hostdir	/data	ro,rprivate" "etc-hosts $tmp/hosts" \
	"etc-hostname $tmp/hostname" "mount tmpfs	tmpfs	/escape/inside	size=1m"
start binds >/dev/null
wait_exit binds >/dev/null
check "read-only bind, etc files, a mount through a symlink stays inside" 'from-host\n
touch: /data/new: Read-only file system\n
10.1.2.3 myhost\n
myname\n
/inside\n' "$(logs binds)"
check "the host file was not touched" "" "$(ls "$tmp/hostdir/new" 2>/dev/null)"

# --- terminal and attach ------------------------------------------------------
ARGS=(sh -c 'tty; ls /dev/console')
new_container tty "tty 1"
start tty >/dev/null
wait_exit tty >/dev/null
check "a pty is the terminal" '/dev/pts/0\r\n
/dev/console\r\n' "$(logs tty)"

ARGS=(sh -c 'read x; echo got $x; echo e >&2; exit 5')
new_container attachfd "attach-fd 1" "open-stdin 1" "stdin-once 1"
out=$(start attachfd --attach --stdin $'hello\n')
check "attach on fd 4: stdin, stdout, stderr, exit frame" 'start: ok
stdout=got hello\n
stderr=e\n
exit=5' "$(sed 's/^start: ok .*/start: ok/' <<<"$out")"

ARGS=(sh -c 'read x; stty size; echo "[$x]"')
new_container ttyattach "tty 1" "attach-fd 1" "open-stdin 1"
out=$(start ttyattach --attach --resize 40 100 --stdin $'abc\n')
check "tty attach with resize" 'stdout=abc\r\n40 100\r\n[abc]\r\n' "$(grep stdout= <<<"$out")"

ARGS=(cat)
new_container sockattach "open-stdin 1" "stdin-once 1"
start sockattach >/dev/null
check "attach.sock is 0600" 600 "$(stat -c %a "$tmp/c/sockattach/run/attach.sock")"
"$helper" attach "$tmp/c/sockattach/run/attach.sock" >"$tmp/late.out" &
late=$!
# the second client connects first; wait until the shim has it
for i in $(seq 100); do
	[ "$(ss -x 2>/dev/null | grep -c "$tmp/c/sockattach/run/attach.sock")" -ge 2 ] && break
	sleep 0.02
done
out=$("$helper" attach "$tmp/c/sockattach/run/attach.sock" --stdin $'one\n' --stdin $'two\n' --close)
wait $late
check "attach through attach.sock" 'stdout=one\ntwo\n
stderr=
exit=0' "$out"
check "every client gets the output" "$out" "$(cat "$tmp/late.out")"

# a client that stops reading is dropped; the container runs on to its end
ARGS=(sh -c 'read x; head -c 12000000 /dev/zero | tr "\000" a; echo done')
new_container slowclient "open-stdin 1" "log-path /dev/null"
start slowclient >/dev/null
"$helper" stall "$tmp/c/slowclient/run/attach.sock" 5 >"$tmp/stall.out" &
staller=$!
for i in $(seq 100); do grep -q connected "$tmp/stall.out" 2>/dev/null && break; sleep 0.02; done
t0=$(date +%s%N)
out=$("$helper" attach "$tmp/c/slowclient/run/attach.sock" --stdin $'go\n' | tail -n 1)
t1=$(date +%s%N)
check "a stalled client does not hold up the others" exit=0 "$out"
if [ $(((t1 - t0) / 1000000)) -lt 4000 ]; then
	ok "the container finished while a client stalled ($(((t1 - t0) / 1000000)) ms)"
else
	not_ok "the container waited for a stalled client ($(((t1 - t0) / 1000000)) ms)"
fi
wait $staller
check "the stalled client was dropped" dropped "$(tail -n 1 "$tmp/stall.out")"

# --- cgroups, mounts, kill paths --------------------------------------------
ARGS=(sleep 1000)
new_container sleeper "cgroup-set pids.max 50"
start sleeper >/dev/null
init=$(pid_of sleeper init)
shimpid=$(pid_of sleeper shim)
id=$(printf %s "$tmp/c/sleeper" | sha256sum | cut -c1-64)
cgdirs=$(awk '$9 ~ /^cgroup2?$/ {print $5}' /proc/self/mountinfo | while read -r m; do
	[ -d "$m/$cgparent/nested/$id" ] && echo "$m/$cgparent/nested/$id"
done)
nh=$(awk '$9 ~ /^cgroup2?$/' /proc/self/mountinfo | wc -l)
check "a cgroup in every hierarchy ($nh), under a nested parent" "$nh" "$(echo "$cgdirs" | grep -c .)"
inside=0
for d in $cgdirs; do grep -qx "$init" "$d/cgroup.procs" && inside=$((inside + 1)); done
check "the init is in all of them" "$nh" "$inside"
if [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; then
	# hybrid: the controllers belong to v1, and v2 must be left as it is
	unified=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
	[ -n "$unified" ] && check "no controller taken into v2 on a hybrid host" "" \
		"$(cat "$unified/$cgparent/cgroup.subtree_control" "$unified/$cgparent/nested/cgroup.subtree_control")"
fi
pidsdir=$(echo "$cgdirs" | grep /pids/)
[ -n "$pidsdir" ] && check "cgroup-set applied" 50 "$(cat "$pidsdir/pids.max")"
devdir=$(echo "$cgdirs" | grep /devices/)
[ -n "$devdir" ] && check_match "devices cgroup denies all but the defaults" \
	'^c \*:\* m.*c 1:3 rwm.*c 136:\* rwm' "$(tr '\n' ' ' <"$devdir/devices.list")"
check "the rootfs mount is not in the host's namespace" 0 \
	"$(grep -c "$tmp/c/sleeper/merged" /proc/self/mountinfo)"
pss=$(awk '/^Pss:/ {print $2}' "/proc/$shimpid/smaps_rollup")
# what the monitor itself costs: its anonymous memory and its own binary's
# pages (libc's share depends on how many processes on the host map it)
own=$(awk -v bin="$(readlink -f "$shim")" '
	/^[0-9a-f]+-[0-9a-f]+ / { mine = ($6 == bin) }
	/^Pss_Anon:/ { anon += $2 }
	/^Pss:/ && mine { file += $2 }
	END { print anon + file }' "/proc/$shimpid/smaps")
echo "     shim Pss for a running sleep container: ${pss} kB, its own ${own} kB"
if grep -qa __asan_init "$shim"; then
	echo "     (sanitizer build: the 256 KiB bound is not checked)"
elif [ "$own" -lt 256 ]; then
	ok "the monitor's own memory under 256 KiB (${own} kB)"
else
	not_ok "the monitor's own memory ${own} kB >= 256"
fi
kill -9 "$init"
check "kill -9 exits 137" 137 "$(wait_exit sleeper)"
left=0
for d in $cgdirs; do [ -d "$d" ] && left=$((left + 1)); done
check "cgroups removed after exit" 0 "$left"
for i in $(seq 100); do running "$shimpid" || break; sleep 0.02; done
running "$shimpid" && not_ok "the shim exits after the container" || ok "the shim exits after the container"

ARGS=(sleep 1000)
new_container orphan
start orphan >/dev/null
init=$(pid_of orphan init)
kill -9 "$(pid_of orphan shim)"
for i in $(seq 100); do running "$init" || break; sleep 0.02; done
running "$init" && not_ok "killing the shim kills the container" || ok "killing the shim kills the container"

ARGS=(sh -c 'sleep 1000 & exec sleep 1000')
new_container stopme
start stopme >/dev/null
kill -TERM "$(pid_of stopme shim)"
check "SIGTERM to the shim kills the container" 137 "$(wait_exit stopme)"

if [ -d /sys/fs/cgroup/memory ]; then limit="memory.limit_in_bytes 16777216"; else limit="memory.max 16777216"; fi
ARGS=(sh -c 'head -c 200000000 /dev/zero | tail -c 100000000 >/dev/null')
new_container oom "cgroup-set $limit"
start oom >/dev/null
check "an OOM kill is recorded" "137 1" "$(wait_exit oom) $(cut -d' ' -f3 "$tmp/c/oom/run/exit")"

ARGS=(sh -c 'cat /proc/self/cgroup | grep -c -v ":/$"; grep " /sys/fs/cgroup " /proc/self/mountinfo | cut -d" " -f6,9')
new_container cgroupns "namespace cgroup"
start cgroupns >/dev/null
wait_exit cgroupns >/dev/null
check "cgroup namespace: own root, cgroup2 read-only" '0\n
ro,nosuid,nodev,noexec,relatime cgroup2\n' "$(logs cgroupns)"

ARGS=(sh -c 'touch /sys/kernel/x 2>&1; grep -c " /sys .* ro," /proc/self/mountinfo; ls /sys/class/net | grep -c lo')
new_container hostnet
sed -i '/^namespace net$/d' "$tmp/c/hostnet/spec"
start hostnet >/dev/null
wait_exit hostnet >/dev/null
check "host network: /sys is a read-only copy of the host's" 'touch: /sys/kernel/x: Read-only file system\n
1\n
1\n' "$(logs hostnet)"

# --- bad input ----------------------------------------------------------------
mkdir -p "$tmp/c/badspec/run"
printf 'id %s\nrootfs /nonexistent\nupper /x\n' "$(printf x | sha256sum | cut -c1-64)" >"$tmp/c/badspec/spec"
check "a spec without arg is refused" "start: error system spec: missing arg" "$(start badspec)"
printf 'id x\nrootfs /r\nupper /u\narg true\nnamespace time\n' >"$tmp/c/badspec/spec"
check "an unknown namespace is refused" "start: error system spec line 5: bad namespace record" \
	"$(start badspec)"

check "no mount is left in the host" 0 "$(grep -c "$tmp" /proc/self/mountinfo)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
