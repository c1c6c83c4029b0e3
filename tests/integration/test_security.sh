#!/bin/bash
# Docker's default confinement: capabilities, seccomp, masked and read-only
# paths, no mounts, no host processes, the runtime binary out of reach.
source "$(dirname "$0")/lib.sh"
busybox_image

expect_status "capabilities" 0 b run --rm busybox grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status
expect_eq "docker's default set" "$(printf 'CapInh:\t0000000000000000\nCapPrm:\t00000000a80425fb\nCapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000')" "$out"
expect_status "seccomp on" 0 b run --rm busybox grep -E '^Seccomp:' /proc/self/status
expect_eq "seccomp filter mode" "$(printf 'Seccomp:\t2')" "$out"
expect_status "cannot mount" 1 b run --rm busybox mount -t tmpfs none /tmp
expect_match "mount refused" "permission denied" "$err"
expect_status "cannot unshare" 1 b run --rm busybox unshare -m true
# Masked paths: whichever of Docker's list this kernel has must read empty.
for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/latency_stats /proc/interrupts; do
	[ -e "$p" ] || continue
	expect_status "$p masked" 0 b run --rm busybox sh -c "wc -c <$p"
	expect_eq "$p reads empty" "0" "$out"
done
expect_status "masked directory" 0 b run --rm busybox sh -c 'ls -A /sys/firmware | wc -l'
expect_eq "/sys/firmware empty" "0" "$out"
expect_status "proc/sys read-only" 1 b run --rm busybox sh -c 'echo 1 >/proc/sys/kernel/panic'
expect_status "sysrq-trigger read-only" 1 b run --rm busybox sh -c 'echo h >/proc/sysrq-trigger'
expect_status "no module loading" 1 b run --rm busybox sh -c 'echo x >/tmp/x.ko && insmod /tmp/x.ko'
expect_match "module load refused" 'Operation not permitted' "$err"
expect_status "host processes invisible" 0 b run --rm busybox sh -c 'ls /proc | grep -E "^[0-9]+$" | wc -l'
expect_match "only the container's processes" '^[1-4]$' "$out"
expect_status "sys read-only" 1 b run --rm busybox sh -c 'echo x >/sys/kernel/uevent_helper'
expect_status "devices" 0 b run --rm busybox ls /dev
for d in null zero full random urandom tty pts shm mqueue ptmx; do
	expect_match "device $d" "(^|$(printf '\n'))$d($(printf '\n')|$)" "$out"
done
expect_status "mknod blocked by device rules" 1 b run --rm busybox sh -c 'mknod /tmp/sda b 8 0 && head -c1 /tmp/sda'
expect_status "berth binary unreachable" 1 b run --rm busybox sh -c "ls '$BERTH' '$(dirname "$BERTH")/berth-shim' /proc/1/root$BERTH"
expect_eq "no host binary inside" "" "$out"
expect_status "privileged lifts the limits" 0 b run --rm --privileged busybox sh -c 'mount -t tmpfs none /tmp && grep CapEff /proc/self/status'
expect_eq "all of the host's caps" "$(grep CapEff /proc/self/status)" "$out"
expect_status "read-only rootfs" 1 b run --rm --read-only busybox touch /x
expect_status "read-only rootfs keeps /tmp? no: docker makes it read-only too" 1 b run --rm --read-only busybox touch /tmp/x
cg=$(test_cgroup_dirs | head -1)
b run -d --name cgtest busybox sleep 60 >/dev/null
id=$(b inspect -f '{{.Id}}' cgtest)
expect_eq "container cgroup exists" "yes" "$([ -d "$cg/$id" ] && echo yes || echo no)"
b rm -f cgtest >/dev/null
expect_eq "container cgroup removed" "no" "$([ -d "$cg/$id" ] && echo yes || echo no)"
expect_eq "no mounts left on the host" "" "$(grep -F "$TEST_DIR" /proc/self/mountinfo)"

finish
