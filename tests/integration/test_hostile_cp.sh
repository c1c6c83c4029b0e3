#!/bin/bash
# cp against a hostile image: its own gconv modules (which glibc would load
# for a pax archive's charset conversion, CVE-2019-14271's class) and its
# own lzop and lrzip (which libarchive would run to decompress a stream).
# Nothing of the container may ever be loaded or run by berth: each
# attack leaves a marker file and a line on stderr when it works.
source "$(dirname "$0")/lib.sh"
busybox_image

rootfs=$TEST_DIR/rootfs
mkdir -p "$rootfs"
"$SOURCE_DIR/scripts/busybox-rootfs.sh" | tar -x -C "$rootfs"
gconv=$rootfs/usr/lib/x86_64-linux-gnu/gconv
mkdir -p "$gconv" "$rootfs/usr/local/bin" "$rootfs/usr/lib64" "$rootfs/lib/x86_64-linux-gnu"
cat >"$TEST_DIR/evil.c" <<'EOF'
#include <fcntl.h>
#include <unistd.h>
__attribute__((constructor)) static void pwn(void)
{
	int fd = open("/gconv-ran", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	if (write(2, "GCONV-RAN\n", 10) < 0)
		return;
}
int gconv(void) { return 0; }
int gconv_init(void) { return 0; }
EOF
gcc -shared -fPIC -o "$gconv/EVIL.so" "$TEST_DIR/evil.c"
# the loader the module needs, so a chrooted dlopen would succeed
cp /lib64/ld-linux-x86-64.so.2 "$rootfs/usr/lib64/" 2>/dev/null
cp /lib/x86_64-linux-gnu/libc.so.6 "$rootfs/lib/x86_64-linux-gnu/"
cat >"$gconv/gconv-modules" <<'EOF'
alias	ANSI_X3.4-1968//	EVIL//
alias	ISO-8859-1//	EVIL//
alias	UTF-8//	EVIL//
module	EVIL//	INTERNAL	EVIL	1
module	INTERNAL	EVIL//	EVIL	1
EOF
for prog in lzop lrzip grzip lz4 zstd xz gzip bzip2 uudecode; do
	printf '#!/bin/sh\ntouch /%s-ran\necho %s-RAN >&2\ncat >/dev/null\n' "$prog" "$prog" \
		>"$rootfs/usr/local/bin/$prog"
	chmod 755 "$rootfs/usr/local/bin/$prog"
done
(cd "$rootfs" && tar -c .) | b import -c 'CMD ["sh"]' - hostile:cp >/dev/null

# markers: none may appear anywhere
no_markers() {
	local where=$1 found
	found=$(b exec hx sh -c 'ls / | grep -- -ran' 2>/dev/null)
	expect_eq "$where: nothing of the container ran inside it" "" "$found"
	expect_eq "$where: nothing ran on the host" "" "$(ls / | grep -- -ran)"
}

{ printf '\x89LZO\x00\r\n\x1a\n\x10\x30\x20\x60\x09\x40\x01\x05\x03\x00\x00\x01\x00\x00\x81\xa4'; head -c 512 /dev/zero; } >"$TEST_DIR/stream.lzo"
{ printf 'LRZI\x00\x06'; head -c 512 /dev/zero; } >"$TEST_DIR/stream.lrz"

b run -d --name hx hostile:cp sleep 300 >/dev/null
mkdir -p "$TEST_DIR/out"

# running: reading writes a pax archive (charset conversion)
expect_status "cp from a running hostile container" 0 b cp hx:/etc/passwd "$TEST_DIR/out/"
expect_eq "no gconv module loaded (stderr)" "" "$(grep -E 'GCONV-RAN' <<<"$err")"
expect_status "cp a tree from it" 0 b cp hx:/usr "$TEST_DIR/out/usr"
expect_status "cp to stdout" 0 sh -c "'$BERTH' cp hx:/etc - >/dev/null"
expect_eq "no gconv module loaded (tar to stdout)" "" "$(grep -E 'GCONV-RAN' <<<"$err")"
# running: streams that libarchive would hand to an external program
expect_status "lzop stream refused" 1 sh -c "'$BERTH' cp - hx:/tmp <'$TEST_DIR/stream.lzo'"
expect_eq "no lzop run" "" "$(grep -E 'RAN' <<<"$err")"
expect_status "lrzip stream refused" 1 sh -c "'$BERTH' cp - hx:/tmp <'$TEST_DIR/stream.lrz'"
expect_eq "no lrzip run" "" "$(grep -E 'RAN' <<<"$err")"
expect_status "a file into it" 0 b cp "$TEST_DIR/evil.c" hx:/tmp/
no_markers running

# stopped: the same against its files
b stop -t 0 hx >/dev/null
expect_status "cp from a stopped hostile container" 0 b cp hx:/etc/passwd "$TEST_DIR/out/passwd2"
expect_eq "no gconv module loaded (stopped)" "" "$(grep -E 'GCONV-RAN' <<<"$err")"
expect_status "lzop into a stopped one refused" 1 sh -c "'$BERTH' cp - hx:/tmp <'$TEST_DIR/stream.lzo'"
expect_eq "no lzop run (stopped)" "" "$(grep -E 'RAN' <<<"$err")"
expect_status "a file into the stopped one" 0 b cp "$TEST_DIR/evil.c" hx:/tmp/second.c
b start hx >/dev/null
no_markers stopped
# compressed streams berth decompresses itself still work
(cd "$TEST_DIR/out" && tar -czf "$TEST_DIR/ok.tgz" passwd)
expect_status "gzip stream accepted" 0 sh -c "'$BERTH' cp - hx:/tmp <'$TEST_DIR/ok.tgz'"
expect_status "it arrived" 0 b exec hx cat /tmp/passwd
b rm -f hx >/dev/null
expect_eq "no mounts left" "" "$(grep -F "$TEST_DIR" /proc/self/mountinfo)"

finish
