#!/bin/bash
# Writes a busybox root filesystem as a tar to stdout (or to $1), built from
# Debian's busybox-static: /bin/busybox, a hard link per applet, and the
# small /etc of the busybox image.
set -euo pipefail

busybox=${BUSYBOX:-/bin/busybox}
if ! "$busybox" --list >/dev/null 2>&1 || ! file -L "$busybox" 2>/dev/null | grep -q static; then
	busybox=/bin/busybox
fi
[ -x "$busybox" ] || { echo "busybox-rootfs: $busybox not found (install busybox-static)" >&2; exit 1; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir"/{bin,dev,etc,home,proc,root,sys,tmp,usr/sbin,var/spool/mail,var/www,etc/network}
chmod 700 "$dir/root"
chmod 1777 "$dir/tmp"
cp "$busybox" "$dir/bin/busybox"
chmod 755 "$dir/bin/busybox"
for applet in $("$dir/bin/busybox" --list); do
	[ "$applet" = busybox ] && continue
	ln "$dir/bin/busybox" "$dir/bin/$applet"
done
cat >"$dir/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
PASSWD
cat >"$dir/etc/group" <<'GROUP'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
GROUP
echo 'hosts: files dns' >"$dir/etc/nsswitch.conf"
: >"$dir/etc/shadow"
chmod 600 "$dir/etc/shadow"
tar --numeric-owner --owner=0 --group=0 -C "$dir" -cf "${1:--}" .
