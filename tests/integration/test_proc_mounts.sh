#!/bin/bash
# Mounts that would displace the masked paths: destinations in or under
# /proc and under /sys are refused at create (runc's words; exit 1 from
# create, 125 from run, as Docker's statuses go) for -v, --mount, --tmpfs,
# --volumes-from and image VOLUMEs; a mount that reaches procfs or sysfs
# through a symlink in the image, or a /dev/null that is not the null
# device, stops the container at start. After every
# variant, /sys/firmware and the masked /proc files stay masked, and runc's
# exceptions (a procfs on /proc, lxcfs's files) still work.
. "$(dirname "$0")/lib.sh"

busybox_image || exit 1

# The masked paths this kernel has: files read as /dev/null, directories
# are empty read-only tmpfs.
mask_files=""
for f in /proc/kcore /proc/interrupts /proc/keys /proc/timer_list /proc/sched_debug \
	/proc/latency_stats /proc/timer_stats; do
	[ -f "$f" ] && mask_files="$mask_files $f"
done
mask_dirs=""
for d in /sys/firmware /proc/acpi /proc/asound /proc/scsi /sys/devices/virtual/powercap; do
	[ -d "$d" ] && mask_dirs="$mask_dirs $d"
done
MASK_CHECK="for f in $mask_files; do echo \"\$f \$(head -c 64 \$f 2>&1 | wc -c)\"; done
for d in $mask_dirs; do echo \"\$d \$(ls -A \$d | wc -l) \$(stat -f -c %T \$d)\"; done"
mask_expect=""
for f in $mask_files; do mask_expect="$mask_expect$f 0"$'\n'; done
for d in $mask_dirs; do mask_expect="$mask_expect$d 0 tmpfs"$'\n'; done
mask_expect=${mask_expect%$'\n'}
[ -d /sys/firmware ] && [ -n "$(ls -A /sys/firmware)" ] && ok ||
	bad "the host has no /sys/firmware entries to hide: the test would prove nothing"

# expect_masked DESCRIPTION [RUN-OPTIONS...] IMAGE: the masks hold in a container.
expect_masked() {
	local desc=$1
	shift
	expect_status "$desc runs" 0 b run --rm "$@" sh -c "$MASK_CHECK"
	expect_eq "$desc: masked paths stay masked" "$mask_expect" "$out"
}

# expect_refused DESCRIPTION WORDS CREATE-ARGS...: create fails with the
# status Docker's create gives an engine's refusal (1; `run` gives 125) and
# Docker's words, and leaves no container and no volume behind.
expect_refused() {
	local desc=$1 words=$2
	shift 2
	local before
	before=$(store_snapshot; b volume ls -q)
	expect_status "$desc refused" 1 b create "$@"
	expect_match "$desc: message" "^berth: $words\$" "$err"
	expect_eq "$desc: nothing left behind" "$before" "$(store_snapshot; b volume ls -q)"
}

# Images made from the busybox tree plus hostile entries.
rootfs=$TEST_DIR/rootfs
make_image() { # NAME [--change ...]: imports $rootfs, then removes it
	local name=$1
	shift
	tar -C "$rootfs" -c . | b import "$@" -c 'CMD ["sh"]' \
		-c 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' - "$name" >/dev/null
	rm -rf "$rootfs"
}
new_rootfs() {
	mkdir -p "$rootfs"
	"$SOURCE_DIR/scripts/busybox-rootfs.sh" | tar -x -C "$rootfs"
}

# VOLUME /proc/1 with proc/1/fd/N directories in the layer: the volume over
# the init's /proc/1 used to catch the masks, mounted through
# /proc/self/fd/N, and leave /sys/firmware readable.
new_rootfs
for i in $(seq 0 99); do mkdir -p "$rootfs/proc/1/fd/$i"; done
make_image hostile-proc1 -c 'VOLUME /proc/1'
in_proc='"/proc/1" cannot be mounted because it is inside /proc'
expect_refused "image VOLUME /proc/1" "$in_proc" hostile-proc1
expect_status "run of that image" 125 b run --rm hostile-proc1 ls /sys/firmware
expect_eq "run shows nothing of /sys/firmware" "" "$out"
expect_eq "run left no container" "" "$(b ps -aq)"

new_rootfs
make_image hostile-sysvol -c 'VOLUME /sys/firmware'
expect_refused "image VOLUME /sys/firmware" \
	'"/sys/firmware" cannot be mounted because it is inside /sys \(only a privileged container may mount there\)' \
	hostile-sysvol

# Every syntax, and paths that only clean to /proc.
hostdir=$TEST_DIR/hostdir
mkdir -p "$hostdir"
expect_refused "-v named:/proc/1" "$in_proc" -v p1:/proc/1 busybox
expect_refused "-v /host:/proc/1" "$in_proc" -v "$hostdir:/proc/1" busybox
expect_refused "-v /proc/1 (anonymous)" "$in_proc" -v /proc/1 busybox
expect_refused "--mount type=volume" "$in_proc" --mount type=volume,src=p1,dst=/proc/1 busybox
expect_refused "--mount type=bind" '"/proc/self" cannot be mounted because it is inside /proc' \
	--mount "type=bind,src=$hostdir,dst=/proc/self" busybox
expect_refused "--mount type=tmpfs" '"/proc/acpi" cannot be mounted because it is inside /proc' \
	--mount type=tmpfs,dst=/proc/acpi busybox
expect_refused "--tmpfs /proc/sys" '"/proc/sys" cannot be mounted because it is inside /proc' \
	--tmpfs /proc/sys busybox
expect_refused "--tmpfs /proc/./1" "$in_proc" --tmpfs /proc/./1 busybox
expect_refused "-v with .." "$in_proc" -v "$hostdir:/proc/../proc/1" busybox
expect_refused "-v with //" "$in_proc" -v p1://proc//1/ busybox
expect_refused "--tmpfs /proc" '"/proc" cannot be mounted because it is not of type proc' \
	--tmpfs /proc busybox
expect_refused "-v volume on /proc" '"/proc" cannot be mounted because it is not of type proc' \
	-v p1:/proc busybox
expect_refused "-v /host on /proc" '"/proc" cannot be mounted because it is not of type proc' \
	-v "$hostdir:/proc" busybox
expect_refused "privileged changes nothing for /proc" "$in_proc" --privileged -v p1:/proc/1 busybox
in_sys='cannot be mounted because it is inside /sys \(only a privileged container may mount there\)'
expect_refused "-v on /sys/firmware" "\"/sys/firmware\" $in_sys" -v p1:/sys/firmware busybox
expect_refused "--mount bind under /sys" "\"/sys/devices\" $in_sys" \
	--mount "type=bind,src=$hostdir,dst=/sys/devices" busybox
expect_refused "--tmpfs /sys/fs/cgroup" "\"/sys/fs/cgroup\" $in_sys" --tmpfs /sys/fs/cgroup busybox
expect_refused "-v volume on /sys" '"/sys" cannot be mounted because it is not of type sysfs' \
	-v p1:/sys busybox
expect_refused "--tmpfs /sys" '"/sys" cannot be mounted because it is not of type sysfs' \
	--tmpfs /sys busybox

# --volumes-from a container made by an older berth with a mount in /proc
# (its row edited to what such a berth stored): create refuses to inherit
# it, and the old container itself cannot start with it.
b create --name old -v oldvol:/olddata busybox sh -c "$MASK_CHECK" >/dev/null
sqlite3 "$BERTH_ROOT/berth.db" "UPDATE container_mounts SET spec = json_set(spec, '\$.Destination', '/proc/1') WHERE volume = 'oldvol'"
expect_refused "--volumes-from" "$in_proc" --volumes-from old busybox
expect_status "the old container does not start" 1 b start -a old
expect_match "its start says why" '"/proc/1" cannot be mounted because it is inside /proc' "$err"
expect_eq "nothing of it ran" "" "$out"
b rm -f -v old >/dev/null

# Symlinks in the image that lead a harmless-looking destination to /proc
# or /sys: the monitor refuses the mount at start.
new_rootfs
ln -s /proc/1 "$rootfs/data"
ln -s /sys/firmware "$rootfs/firm"
ln -s ../proc/interrupts "$rootfs/interrupts"
make_image hostile-links
expect_status "-v onto a symlink to /proc/1" 125 b run --rm -v sl:/data hostile-links ls /sys/firmware
expect_match "its message" '"/data" cannot be mounted because it is inside /proc' "$err"
expect_eq "it showed nothing" "" "$out"
expect_status "--tmpfs onto a symlink to /proc/1" 125 b run --rm --tmpfs /data hostile-links true
expect_match "its message" '"/data" cannot be mounted because it is inside /proc' "$err"
expect_status "bind onto a symlink to /sys/firmware" 125 b run --rm -v "$hostdir:/firm" hostile-links true
expect_match "its message" '"/firm" cannot be mounted because it is inside /sys' "$err"
expect_status "bind file onto a symlink to a /proc file" 125 \
	b run --rm -v /etc/hostname:/interrupts hostile-links true
expect_match "its message" '"/interrupts" cannot be mounted because it is inside /proc' "$err"
new_rootfs
ln -s /proc/1 "$rootfs/data"
make_image hostile-linkvol -c 'VOLUME /data'
expect_status "image VOLUME on a symlink to /proc/1" 125 b run --rm hostile-linkvol ls /sys/firmware
expect_match "its message" '"/data" cannot be mounted because it is inside /proc' "$err"
new_rootfs
rm -f "$rootfs/etc/hosts"
ln -s /proc/interrupts "$rootfs/etc/hosts"
make_image hostile-hosts
# (the init layer's own /etc/hosts hides the image's symlink)
expect_status "/etc/hosts a symlink into /proc" 0 b run --rm hostile-hosts head -1 /etc/hosts
expect_match "berth's /etc/hosts is bound" 'localhost' "$out"
expect_masked "/etc/hosts a symlink into /proc" hostile-hosts

# A VOLUME over /dev whose null is a symlink: masking with it would put the
# symlink's target (here /proc/version; it could be a writable sysctl) on
# every masked file.
new_rootfs
mkdir -p "$rootfs/dev"
ln -sf /proc/version "$rootfs/dev/null"
make_image hostile-devnull -c 'VOLUME /dev'
expect_status "VOLUME /dev with a fake null" 125 b run --rm hostile-devnull sh -c "$MASK_CHECK"
expect_match "its message" 'mask paths: /dev/null is not the null device' "$err"
expect_eq "nothing ran" "" "$out"

# What stays allowed: runc's exceptions, a procfs bound on /proc, names that
# only start like /proc or /sys, and /sys under --privileged.
printf 'MemTotal: 42 kB\n' >"$TEST_DIR/meminfo"
printf 'processor\t: 0\n' >"$TEST_DIR/cpuinfo"
expect_status "-v onto /proc/meminfo (lxcfs)" 0 \
	b run --rm -v "$TEST_DIR/meminfo:/proc/meminfo:ro" busybox cat /proc/meminfo
expect_eq "the bound meminfo" "MemTotal: 42 kB" "$out"
expect_status "--mount onto /proc/cpuinfo (lxcfs)" 0 \
	b run --rm --mount "type=bind,src=$TEST_DIR/cpuinfo,dst=/proc/cpuinfo" busybox cat /proc/cpuinfo
expect_eq "the bound cpuinfo" "$(printf 'processor\t: 0')" "$out"
expect_masked "with lxcfs-style binds" -v "$TEST_DIR/meminfo:/proc/meminfo" \
	-v "$TEST_DIR/cpuinfo:/proc/cpuinfo" busybox
expect_masked "procfs bound on /proc" -v /proc:/proc busybox
expect_masked "a volume on /procfoo and /system" -v pf:/procfoo -v sy:/system busybox
expect_masked "plain" busybox
expect_masked "the symlink image without mounts" hostile-links
expect_status "privileged may mount under /sys" 0 \
	b run --rm --privileged -v sysfw:/sys/firmware busybox sh -c 'echo kept >/sys/firmware/f && cat /sys/firmware/f'
expect_eq "privileged mount under /sys works" "kept" "$out"

# The masks are what they should be: read-only tmpfs on the directories,
# the null device on the files, none of them writable.
expect_status "mask mounts" 0 b run --rm busybox sh -c \
	"grep ' /sys/firmware ' /proc/self/mountinfo | cut -d' ' -f5,6,9
	 touch /sys/firmware/x 2>/dev/null && echo writable || echo not writable"
expect_eq "/sys/firmware is a read-only tmpfs" "$(printf '/sys/firmware ro,relatime tmpfs\nnot writable')" "$out"
expect_eq "no container left running" "" "$(b ps -q)"
expect_eq "no mounts left on the host" "" "$(grep -F "$TEST_DIR" /proc/self/mountinfo)"

finish
