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
expect_match "dir onto file message" 'cannot copy (a )?directory' "$err"

# host -> container
expect_status "file into a dir" 0 b cp "$host/f.txt" cp1:/tmp/
expect_status "read back" 0 sh -c "'$BERTH' cp cp1:/tmp/f.txt - | tar -xO"
expect_eq "read back content" "file" "$out"
expect_status "dir to a new name" 0 b cp "$host/srcdir" cp1:/newdir
expect_status "check inside" 0 b run --rm --volumes-from cp1 busybox true
ids=$(b inspect -f '{{.Id}}' cp1)
expect_eq "nested file arrived" "two" "$(cat "$BERTH_ROOT/containers/$ids/upper/newdir/sub/b")"
expect_status "missing parent" 1 b cp "$host/f.txt" cp1:/no/such/dir/f
# (the docker CLI's own words: destination "cp1:/no/such/dir" must be a directory)
expect_match "missing parent message" 'Could not find the file /no/such/dir|"cp1:/no/such/dir" must be a directory' "$err"
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

# a directory is never replaced by a file, nor a file by a directory
mkdir -p "$host/keep/x.txt/inner"
echo precious >"$host/keep/x.txt/inner/doc"
b exec cp1 sh -c 'echo content >/data/x.txt; mkdir -p /data/d/inner; echo kept >/data/d/inner/k; echo f >/data/plain'
expect_status "file onto a host directory refused" 1 b cp cp1:/data/x.txt "$host/keep/"
expect_match "its message" 'cannot overwrite directory ".*keep/x.txt" with non-directory' "$err"
expect_eq "the host directory kept" "precious" "$(cat "$host/keep/x.txt/inner/doc")"
echo file >"$host/keep/d"
expect_status "directory onto a host file refused" 1 b cp cp1:/data/d "$host/keep/"
expect_eq "the host file kept" "file" "$(cat "$host/keep/d")"
mkdir -p "$host/d"
echo hostfile >"$host/d/plain"
b exec cp1 mkdir -p /data/d/f.txt/deep
expect_status "file onto a container directory refused" 1 b cp "$host/f.txt" cp1:/data/d/
expect_match "its message" 'cannot overwrite directory "/data/d/f.txt" with non-directory' "$err"
expect_eq "the container's directory kept" "deep" "$(b exec cp1 ls /data/d/f.txt)"
mkdir -p "$host/inner"
expect_status "a tree onto a container directory of that name" 0 b cp "$host/inner" cp1:/data/d/
expect_eq "the container's tree kept" "kept" "$(b exec cp1 cat /data/d/inner/k)"
mkdir -p "$host/plain"
expect_status "directory onto a container file refused" 1 b cp "$host/plain" cp1:/data/
expect_match "its message" 'cannot overwrite non-directory "/data/plain" with directory' "$err"
expect_eq "the container's file kept" "f" "$(b exec cp1 cat /data/plain)"
# a destination symlink is written through, as Docker resolves it
b exec cp1 sh -c 'echo old >/data/target; ln -s target /data/link'
expect_status "file onto a container symlink" 0 b cp "$host/f.txt" cp1:/data/link
expect_eq "written through the link" "file" "$(b exec cp1 cat /data/target)"
expect_eq "the link stays a link" "target" "$(b exec cp1 readlink /data/link)"
echo old >"$host/hosttarget"
ln -s hosttarget "$host/hostlink"
expect_status "file onto a host symlink" 0 b cp cp1:/data/x.txt "$host/hostlink"
expect_eq "written through the host link" "content" "$(cat "$host/hosttarget")"
expect_eq "the host link stays a link" "hosttarget" "$(readlink "$host/hostlink")"
# what a container sends the host is plain files: no device nodes, no
# setuid or setgid bits, unless -a asks for everything
b exec cp1 sh -c 'mkdir -p /plant && mknod /plant/disk b 7 0 && chmod 666 /plant/disk && cp /bin/busybox /plant/suid && chmod 4755 /plant/suid'
expect_status "cp of a tree with a device and a setuid file" 0 b cp cp1:/plant "$host/planted"
# (berth's client; the docker CLI writes what the archive holds)
if berth_cli; then
	expect_eq "no device node on the host" "no" "$([ -e "$host/planted/disk" ] && echo yes || echo no)"
	expect_eq "no setuid bit on the host" "755" "$(stat -c %a "$host/planted/suid")"
fi
expect_status "the same with -a" 0 b cp -a cp1:/plant "$host/planted-a"
expect_eq "-a keeps the device node" "b" "$(stat -c %A "$host/planted-a/disk" | cut -c1)"
expect_eq "-a keeps the setuid bit" "4755" "$(stat -c %a "$host/planted-a/suid")"
rm -rf "$host/planted-a"

# a relative container path is relative to its root
expect_status "relative container path" 0 sh -c "'$BERTH' cp cp1:data/x.txt - | tar -xO"
expect_eq "relative path content" "content" "$out"

# stopped containers
b stop -t 0 cp1 >/dev/null
expect_status "from a stopped container" 0 b cp cp1:/tmp/f.txt "$host/fromstopped"
expect_eq "stopped content" "file" "$(cat "$host/fromstopped")"
expect_status "into a stopped container" 0 b cp "$host/f.txt" cp1:/tmp/second.txt
expect_status "visible at the next start" 0 b diff cp1
expect_match "diff shows it" 'A /tmp/second.txt' "$out"
expect_eq "no mounts left" "" "$(grep -F "$TEST_DIR" /proc/self/mountinfo)"
# a stopped container's volumes and binds are where it sees them
mkdir -p "$host/bound"
echo bound >"$host/bound/src"
b run --name cpvol -v cpvolume:/v -v "$host/bound:/b" busybox sh -c 'echo invol >/v/in' >/dev/null
expect_status "from a stopped container's volume" 0 sh -c "'$BERTH' cp cpvol:/v/in - | tar -xO"
expect_eq "the volume's file" "invol" "$out"
expect_status "from a stopped container's bind" 0 sh -c "'$BERTH' cp cpvol:/b/src - | tar -xO"
expect_eq "the bind's file" "bound" "$out"
expect_status "into a stopped container's volume" 0 b cp "$host/f.txt" cpvol:/v/
expect_eq "it reached the volume" "file" "$(b run --rm -v cpvolume:/v busybox cat /v/f.txt)"
expect_status "into a stopped container's bind" 0 b cp "$host/f.txt" cpvol:/b/
expect_eq "it reached the host directory" "file" "$(cat "$host/bound/f.txt")"
b rm cpvol >/dev/null
b volume rm cpvolume >/dev/null
expect_status "between containers refused" 1 b cp cp1:/a cp1:/b
expect_status "no container at all" 1 b cp /a /b
b rm cp1 >/dev/null

finish
