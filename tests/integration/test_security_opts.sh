#!/bin/bash
# Security options on real containers: --cap-add/--cap-drop, --security-opt
# no-new-privileges and seccomp (unconfined, a profile of one's own),
# --device, --sysctl, --group-add with --user, --read-only; and Docker's
# refusals, which leave the store as it was.
source "$(dirname "$0")/lib.sh"
busybox_image

V2=no
[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && V2=yes

# --- capabilities ------------------------------------------------------------
expect_status "default cannot configure links" 2 b run --rm busybox ip link set lo down
expect_match "without NET_ADMIN" "Operation not permitted" "$err"
expect_status "NET_ADMIN can" 0 b run --rm --cap-add NET_ADMIN busybox sh -c 'ip link set lo up && ip link show lo'
expect_match "lo is up" "UP" "$out"
expect_status "NET_ADMIN in the sets" 0 b run --rm --cap-add net_admin busybox grep -E '^Cap(Eff|Bnd)' /proc/self/status
expect_eq "default set plus bit 12" "$(printf 'CapEff:\t00000000a80435fb\nCapBnd:\t00000000a80435fb')" "$out"
expect_status "chown by default" 0 b run --rm busybox chown 1 /tmp
expect_status "chown without CHOWN" 1 b run --rm --cap-drop CHOWN busybox chown 1 /tmp
expect_match "chown refused" "Operation not permitted" "$err"
expect_status "drop all, add one" 0 b run --rm --cap-drop ALL --cap-add KILL busybox grep CapEff /proc/self/status
expect_eq "only KILL" "$(printf 'CapEff:\t0000000000000020')" "$out"
id=$(b create --cap-add net_admin --cap-drop chown --cap-drop mknod --cap-add MKNOD busybox true)
expect_eq "inspect shows Docker's normalized lists" '["CAP_NET_ADMIN"] ["CAP_CHOWN"]' \
	"$(b inspect -f '{{json .HostConfig.CapAdd}} {{json .HostConfig.CapDrop}}' "$id")"
b rm "$id" >/dev/null
expect_status "privileged keeps every capability" 0 b run --rm --privileged --cap-drop ALL busybox grep CapEff /proc/self/status
expect_eq "host's set" "$(grep CapEff /proc/self/status)" "$out"

# --- no-new-privileges and seccomp --------------------------------------------
expect_status "no-new-privileges" 0 b run --rm --security-opt no-new-privileges busybox grep NoNewPrivs /proc/self/status
expect_eq "NoNewPrivs set" "$(printf 'NoNewPrivs:\t1')" "$out"
expect_status "no-new-privileges=true" 0 b run --rm --security-opt no-new-privileges=true busybox grep NoNewPrivs /proc/self/status
expect_eq "NoNewPrivs set by =true" "$(printf 'NoNewPrivs:\t1')" "$out"
expect_status "no-new-privileges=false" 0 b run --rm --security-opt no-new-privileges=false busybox grep NoNewPrivs /proc/self/status
expect_eq "NoNewPrivs clear" "$(printf 'NoNewPrivs:\t0')" "$out"
expect_status "default" 0 b run --rm busybox grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
expect_eq "filtered, privileges may grow" "$(printf 'NoNewPrivs:\t0\nSeccomp:\t2')" "$out"
expect_status "seccomp=unconfined" 0 b run --rm --security-opt seccomp=unconfined busybox grep Seccomp: /proc/self/status
expect_eq "no filter" "$(printf 'Seccomp:\t0')" "$out"
# a user namespace needs no capability: only the default filter refuses it
expect_status "the default filter refuses unshare" 1 b run --rm busybox unshare -U true
expect_status "unconfined lets it through" 0 b run --rm --security-opt seccomp=unconfined busybox unshare -U true

cat >"$TEST_DIR/nomkdir.json" <<'EOF'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [
    { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO" }
  ]
}
EOF
expect_status "profile denying mkdir" 1 b run --rm --security-opt seccomp="$TEST_DIR/nomkdir.json" busybox mkdir /tmp/d
expect_match "mkdir gets EPERM" "mkdir: can't create directory '/tmp/d': Operation not permitted" "$err"
expect_status "the rest is allowed" 0 b run --rm --security-opt seccomp="$TEST_DIR/nomkdir.json" busybox sh -c 'touch /tmp/f && grep Seccomp: /proc/self/status'
expect_eq "filter loaded" "$(printf 'Seccomp:\t2')" "$out"
expect_status "with no-new-privileges too" 1 b run --rm --security-opt no-new-privileges --security-opt seccomp="$TEST_DIR/nomkdir.json" busybox mkdir /tmp/d
id=$(b create --security-opt seccomp="$TEST_DIR/nomkdir.json" busybox mkdir /tmp/d)
expect_match "the CLI sends the profile itself" '^\["seccomp=\{"defaultAction":"SCMP_ACT_ALLOW"' \
	"$(b inspect -f '{{json .HostConfig.SecurityOpt}}' "$id" | sed 's/\\"/"/g')"
rm "$TEST_DIR/nomkdir.json"
expect_status "the profile outlives its file" 1 b start -a "$id"
b rm "$id" >/dev/null
printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}' >"$TEST_DIR/p.json"
expect_status "privileged ignores a profile" 0 b run --rm --privileged --security-opt seccomp="$TEST_DIR/p.json" busybox mkdir /tmp/d

# --- devices -----------------------------------------------------------------------
expect_status "--device with another path" 0 b run --rm --device /dev/null:/dev/mynull busybox sh -c 'ls -l /dev/mynull && echo hi >/dev/mynull && echo written'
expect_match "a character device 1,3" "^crw-rw-rw- +1 root +root +1, +3 .*/dev/mynull" "$out"
expect_match "usable" "written" "$out"
expect_status "absent without the flag" 1 b run --rm busybox ls /dev/mynull
if [ "$V2" = no ] && [ -c /dev/kmsg ]; then
	expect_status "read-only device" 1 b run --rm --device /dev/kmsg:/dev/k:r busybox sh -c 'echo x >/dev/k'
	expect_match "writes refused by the devices cgroup" "Operation not permitted" "$err"
	expect_status "the same device writable" 0 b run --rm --device /dev/kmsg:/dev/k busybox sh -c 'echo berth-test >/dev/k'
fi
expect_eq "inspect Devices" '[{"PathOnHost":"/dev/null","PathInContainer":"/dev/mynull","CgroupPermissions":"rwm"}]' \
	"$(b create --device /dev/null:/dev/mynull busybox true | xargs "$BERTH" inspect -f '{{json .HostConfig.Devices}}')"

# --- sysctls ---------------------------------------------------------------------
expect_status "default forwarding" 0 b run --rm busybox cat /proc/sys/net/ipv4/ip_forward
other=$((1 - out))
expect_status "--sysctl net.ipv4.ip_forward" 0 b run --rm --sysctl net.ipv4.ip_forward=1 busybox cat /proc/sys/net/ipv4/ip_forward
expect_eq "visible inside" "1" "$out"
expect_status "the other value" 0 b run --rm --sysctl net.ipv4.ip_forward=$other busybox cat /proc/sys/net/ipv4/ip_forward
expect_eq "set, not inherited" "$other" "$out"
host_shmmax=$(cat /proc/sys/kernel/shmmax)
expect_status "an IPC sysctl" 0 b run --rm --sysctl kernel.shmmax=1048576 --sysctl kernel.sem="250 32000 32 128" busybox cat /proc/sys/kernel/shmmax /proc/sys/kernel/sem
expect_eq "both set" "$(printf '1048576\n250\t32000\t32\t128')" "$out"
expect_eq "the host's own untouched" "$host_shmmax" "$(cat /proc/sys/kernel/shmmax)"
expect_status "/proc/sys stays read-only" 1 b run --rm --sysctl net.ipv4.ip_forward=1 busybox sh -c 'echo 0 >/proc/sys/net/ipv4/ip_forward'

# --- groups, user, read-only root -----------------------------------------------
expect_status "--group-add" 0 b run --rm --group-add 10 --group-add audio busybox id
expect_eq "extra groups" "uid=0(root) gid=0(root) groups=10(wheel),29(audio)" "$out"
expect_status "--user with --group-add" 0 b run --rm --user 1000:1000 --group-add 10 busybox id
expect_eq "user and groups" "uid=1000 gid=1000 groups=10(wheel)" "$out"
expect_status "unknown group" 125 b run --rm --group-add nosuchgroup busybox id
expect_eq "Docker's words" "berth: Unable to find group nosuchgroup: no matching entries in group file" "$err"
expect_status "--read-only" 1 b run --rm --read-only busybox touch /x
expect_match "read-only root" "Read-only file system" "$err"

# --- refusals ----------------------------------------------------------------------
before=$(store_snapshot)
expect_status "unknown capability" 125 b run --rm --cap-add CAP_FOO busybox true
expect_eq "cap words" 'berth: invalid CapAdd: unknown capability: "CAP_FOO"' "$err"
expect_status "unknown capability to drop" 1 b create --cap-drop foo busybox true
expect_eq "drop words" 'berth: invalid CapDrop: unknown capability: "CAP_FOO"' "$err"
expect_status "bad security-opt" 125 b run --rm --security-opt x busybox true
expect_eq "security-opt words" "berth: invalid --security-opt: \"x\"
See 'berth run --help'." "$err"
expect_status "unknown security-opt" 125 b run --rm --security-opt foo=bar busybox true
expect_eq "dockerd's words" 'berth: invalid --security-opt 2: "foo=bar"' "$err"
expect_status "bad no-new-privileges" 125 b run --rm --security-opt no-new-privileges=maybe busybox true
expect_eq "bool words" 'berth: invalid --security-opt 2: "no-new-privileges=maybe"' "$err"
expect_status "missing profile" 125 b run --rm --security-opt seccomp=/nonexistent.json busybox true
expect_match "profile words" "opening seccomp profile \(/nonexistent.json\) failed: open /nonexistent.json: no such file or directory" "$err"
echo '{not json' >"$TEST_DIR/bad.json"
expect_status "profile not JSON" 125 b run --rm --security-opt seccomp="$TEST_DIR/bad.json" busybox true
expect_match "compacting" "compacting json for seccomp profile \($TEST_DIR/bad.json\) failed" "$err"
echo '{"defaultAction": "SCMP_ACT_SOMETIMES"}' >"$TEST_DIR/bad.json"
expect_status "profile that cannot compile" 125 b run --rm --security-opt seccomp="$TEST_DIR/bad.json" busybox true
expect_match "unknown action" "SCMP_ACT_SOMETIMES" "$err"
expect_status "non-namespaced sysctl" 125 b run --rm --sysctl kernel.panic=1 busybox true
expect_eq "sysctl words" "berth: invalid argument \"kernel.panic=1\" for \"--sysctl\" flag: sysctl 'kernel.panic=1' is not allowed
See 'berth run --help'." "$err"
expect_status "vm sysctl" 125 b run --rm --sysctl vm.swappiness=10 busybox true
expect_match "not allowed" "sysctl 'vm.swappiness=10' is not allowed" "$err"
expect_status "net sysctl with the host's network" 125 b run --rm --network host --sysctl net.ipv4.ip_forward=1 busybox true
expect_eq "host netns words" 'berth: sysctl "net.ipv4.ip_forward" not allowed in host network namespace' "$err"
expect_status "bad device mode" 125 b run --rm --device /dev/null:/dev/x:rwx busybox true
expect_match "mode words" "bad mode specified: rwx" "$err"
expect_status "relative device" 125 b run --rm --device /dev/null:dev/x busybox true
expect_match "absolute" "dev/x is not an absolute path" "$err"
expect_eq "refusals stored nothing" "$before" "$(store_snapshot)"
expect_status "missing device" 125 b run --rm --device /dev/nonexistent busybox true
expect_eq "device words" 'berth: error gathering device information while adding custom device "/dev/nonexistent": no such file or directory' "$err"
expect_status "a file is not a device" 125 b run --rm --device /etc/hostname busybox true
expect_match "not a device" 'adding custom device "/etc/hostname": not a device node' "$err"
expect_eq "--rm removed the containers that could not start" "$before" "$(store_snapshot)"

finish
