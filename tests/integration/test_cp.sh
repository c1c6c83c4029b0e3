#!/bin/bash
# cp both ways, running and stopped, Docker's naming rules, and paths that
# must resolve inside the container whatever its symlinks say.
source "$(dirname "$0")/lib.sh"
busybox_image

host=$TEST_DIR/host
mkdir -p "$host/srcdir/sub"
echo one >"$host/srcdir/a"
echo two >"$host/srcdir/sub/b"
echo file >"$host/f.txt"

b run -d --name cp1 busybox sh -c 'mkdir -p /data && echo inside >/data/x && ln -s / /data/toroot && ln -s '"$host"' /data/hostpath && sleep 300' >/dev/null
sleep 0.3
# container -> host
expect_status "file into an existing dir" 0 b cp cp1:/etc/passwd "$host/"
expect_eq "copied file" "$(b run --rm busybox cat /etc/passwd)" "$(cat "$host/passwd")"
expect_status "file to a new name" 0 b cp cp1:/data/x "$host/renamed"
expect_eq "renamed content" "inside" "$(cat "$host/renamed")"
expect_status "dir to a new name" 0 b cp cp1:/data "$host/datacopy"
expect_eq "dir content" "inside" "$(cat "$host/datacopy/x")"
expect_eq "symlinks copied as links" "/" "$(readlink "$host/datacopy/toroot")"
expect_status "dir into an existing dir" 0 b cp cp1:/data "$host/srcdir"
expect_eq "nested" "inside" "$(cat "$host/srcdir/data/x")"
expect_status "contents with /." 0 b cp cp1:/data/. "$host/contents"
expect_eq "contents copied" "inside" "$(cat "$host/contents/x")"
expect_status "to stdout as tar" 0 sh -c "'$BERTH' cp cp1:/data/x - | tar -xO"
expect_eq "tar stream" "inside" "$out"
expect_status "missing source" 1 b cp cp1:/nope "$host/nope"
expect_match "missing message" 'Could not find the file /nope in container cp1' "$err"
expect_status "dir onto a file" 1 b cp cp1:/data "$host/f.txt"
expect_match "dir onto file message" 'cannot copy a directory to a file' "$err"

# host -> container
expect_status "file into a dir" 0 b cp "$host/f.txt" cp1:/tmp/
expect_status "read back" 0 sh -c "'$BERTH' cp cp1:/tmp/f.txt - | tar -xO"
expect_eq "read back content" "file" "$out"
expect_status "dir to a new name" 0 b cp "$host/srcdir" cp1:/newdir
expect_status "check inside" 0 b run --rm --volumes-from cp1 busybox true
ids=$(b inspect -f '{{.Id}}' cp1)
expect_eq "nested file arrived" "two" "$(cat "$BERTH_ROOT/containers/$ids/upper/newdir/sub/b")"
expect_status "missing parent" 1 b cp "$host/f.txt" cp1:/no/such/dir/f
expect_match "missing parent message" 'Could not find the file /no/such/dir' "$err"
# symlinks in the container resolve inside the container, never on the host
expect_status "through a symlink to /" 0 b cp "$host/f.txt" cp1:/data/toroot/escaped.txt
expect_eq "landed in the container's root" "file" "$(cat "$BERTH_ROOT/containers/$ids/upper/escaped.txt")"
expect_eq "not on the host's root" "no" "$([ -e /escaped.txt ] && echo yes || echo no)"
expect_status "through a symlink naming a host path" 1 b cp "$host/f.txt" cp1:/data/hostpath/evil.txt
expect_eq "nothing written on the host" "no" "$([ -e "$host/evil.txt" ] && echo yes || echo no)"
expect_status "reading through a symlink to a host path" 1 b cp cp1:/data/hostpath/f.txt "$host/stolen"
expect_eq "host file not read" "no" "$([ -e "$host/stolen" ] && echo yes || echo no)"
# a tar on stdin with .. is refused
(cd "$host" && tar --absolute-names -cf "$TEST_DIR/evil.tar" ../host/f.txt 2>/dev/null)
expect_status "tar with .. refused" 1 sh -c "'$BERTH' cp - cp1:/tmp <'$TEST_DIR/evil.tar'"

# stopped containers
b stop -t 0 cp1 >/dev/null
expect_status "from a stopped container" 0 b cp cp1:/tmp/f.txt "$host/fromstopped"
expect_eq "stopped content" "file" "$(cat "$host/fromstopped")"
expect_status "into a stopped container" 0 b cp "$host/f.txt" cp1:/tmp/second.txt
expect_status "visible at the next start" 0 b diff cp1
expect_match "diff shows it" 'A /tmp/second.txt' "$out"
expect_eq "no mounts left" "" "$(grep -F "$TEST_DIR" /proc/self/mountinfo)"
expect_status "between containers refused" 1 b cp cp1:/a cp1:/b
expect_status "no container at all" 1 b cp /a /b
b rm cp1 >/dev/null

finish
