#!/bin/bash
# Containers that attack the host through their files:
# - a container sharing a named volume swaps a directory for a symlink to a
#   host directory while another container's image is copied up into the
#   volume: the copy-up's hard links must never reach the host file;
# - a container swaps a regular file for a device node or a fifo while
#   berth reads its files (export, commit --pause=false, cp): berth must
#   never open the device or the fifo (a driver's open as host root may act
#   on hardware), never hang, only report the change.
source "$(dirname "$0")/lib.sh"
busybox_image

# --- copy-up into a shared volume -----------------------------------------
rootfs=$TEST_DIR/rootfs
mkdir -p "$rootfs"
"$SOURCE_DIR/scripts/busybox-rootfs.sh" | tar -x -C "$rootfs"
mkdir -p "$rootfs/data/sub" "$rootfs/data/later"
echo image >"$rootfs/data/sub/f"
ln "$rootfs/data/sub/f" "$rootfs/data/later/f"
for d in sub later; do
	(cd "$rootfs/data/$d" && for i in $(seq 1 3000); do : >"pad$i"; done)
done
(cd "$rootfs" && tar -c .) | b import -c 'CMD ["sh"]' -c 'VOLUME /data' - hostile:volume >/dev/null
secret=$TEST_DIR/hostsecret
mkdir -p "$secret"
echo "host secret" >"$secret/f"

b volume create shared >/dev/null
b run -d --name attacker -v shared:/vol busybox sh -c '
	while :; do
		for d in sub later; do
			if [ -e /vol/$d/f ]; then
				mv /vol/$d /vol/$d.x && ln -s '"$secret"' /vol/$d && exit 0
			fi
		done
	done' >/dev/null
expect_status "a container from the image with the shared volume" 0 \
	b run -d --name victim -v shared:/data hostile:volume sleep 300
expect_eq "the attacker swapped a directory mid-copy" "exited" \
	"$(for i in $(seq 1 100); do s=$(b inspect -f '{{.State.Status}}' attacker); [ "$s" = exited ] && break; sleep 0.1; done; echo "$s")"
expect_eq "the host file has no new link" "1" "$(stat -c %h "$secret/f")"
data=$(b volume inspect -f '{{.Mountpoint}}' shared)
expect_eq "no host inode in the volume" "" \
	"$(find "$data" -xdev -inum "$(stat -c %i "$secret/f")" 2>/dev/null)"
expect_eq "the host file is intact" "host secret" "$(cat "$secret/f")"
b rm -f attacker victim >/dev/null
b volume rm shared >/dev/null

# --- files swapped while berth reads them ---------------------------------
# A static swapper exchanges /w/x (a regular file) with /w/d (a device node
# or a fifo) as fast as the kernel allows.
cat >"$TEST_DIR/swap.c" <<'EOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	mkdir("/w", 0755);
	FILE *f = fopen("/w/x", "w");
	fputs("REGULAR\n", f);
	fclose(f);
	if (argc > 1 && argv[1][0] == 'f') {
		mkfifo("/w/d", 0644);
		link("/w/d", "/w/fifo"); /* a name that stays the fifo's */
	} else
		mknod("/w/d", S_IFCHR | 0644, makedev(1, 11)); /* /dev/kmsg */
	for (;;)
		renameat2(AT_FDCWD, "/w/x", AT_FDCWD, "/w/d", RENAME_EXCHANGE);
}
EOF
gcc -static -O2 -o "$TEST_DIR/swap" "$TEST_DIR/swap.c"
for kind in dev fifo; do
	b run -d --name "swap-$kind" busybox sleep 600 >/dev/null
	b cp "$TEST_DIR/swap" "swap-$kind:/swap" >/dev/null
	b exec -d "swap-$kind" /swap "$kind"
	# a writer waits for a reader of the fifo: if berth ever opened it (an
	# open that a device's driver would see too), the writer goes on
	if [ "$kind" = fifo ]; then
		b exec -d "swap-$kind" sh -c 'exec 3>/w/fifo; touch /opened'
		sleep 0.3
	fi
	hung=0 changed=0 read_device=0
	for i in $(seq 1 15); do
		for op in export commit cp; do
			case $op in
			export) timeout 20 "$BERTH" export "swap-$kind" >"$TEST_DIR/out.tar" 2>"$TEST_DIR/op.err" ;;
			commit) timeout 20 "$BERTH" commit --pause=false "swap-$kind" "swapped:$kind$i" \
					>/dev/null 2>"$TEST_DIR/op.err" &&
					"$BERTH" save "swapped:$kind$i" >"$TEST_DIR/out.tar" ;;
			cp) timeout 20 "$BERTH" cp "swap-$kind:/w" - >"$TEST_DIR/out.tar" 2>"$TEST_DIR/op.err" ;;
			esac
			status=$?
			[ $status -eq 124 ] && hung=$((hung + 1))
			grep -q "changed while it was being read" "$TEST_DIR/op.err" && changed=$((changed + 1))
			# whatever was archived as w/x or w/d must be the regular file's bytes
			if [ $status -eq 0 ] && [ "$op" != commit ]; then
				for name in w/x w/d; do
					content=$(tar -xOf "$TEST_DIR/out.tar" "$name" 2>/dev/null)
					[ -n "$content" ] && [ "$content" != REGULAR ] && read_device=$((read_device + 1))
				done
			fi
		done
	done
	expect_eq "$kind: no read hung" 0 "$hung"
	expect_eq "$kind: nothing but the regular file read" 0 "$read_device"
	[ "$kind" = fifo ] && expect_eq "fifo: never opened" "no" \
		"$(b exec "swap-$kind" sh -c '[ -e /opened ] && echo yes || echo no')"
	echo "$kind: $changed of 45 reads saw the swap and refused it"
	b rm -f "swap-$kind" >/dev/null
done

# --- trees deeper than the open-file limit ---------------------------------
# A container can make a tree far deeper than berth may hold directories
# open; removing the container and its volume must still leave nothing.
cat >"$TEST_DIR/deep.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	if (argc < 3 || chdir(argv[1]) < 0)
		return 1;
	for (int i = 0; i < atoi(argv[2]); i++) {
		FILE *f = fopen("f", "w");
		if (f)
			fclose(f);
		if (mkdir("d", 0755) < 0 || chdir("d") < 0)
			return 1;
	}
	return 0;
}
EOF
gcc -static -O2 -o "$TEST_DIR/deep" "$TEST_DIR/deep.c"
b run -d --name deep -v deepvol:/vol busybox sleep 600 >/dev/null
b cp "$TEST_DIR/deep" deep:/deep >/dev/null
expect_status "a 3000-deep tree in the container" 0 b exec deep /deep / 3000
expect_status "and in its volume" 0 b exec deep /deep /vol 3000
expect_status "rm -f with 256 files open at most" 0 sh -c "ulimit -n 256; '$BERTH' rm -f deep"
expect_status "volume rm with 256 files open at most" 0 sh -c "ulimit -n 256; '$BERTH' volume rm deepvol"
b ps -a >/dev/null
for _ in $(seq 1 50); do
	left=$(ls -A "$BERTH_ROOT/tmp" "$BERTH_ROOT/volumes" 2>/dev/null | grep -c 'removed-\|\.removing-')
	[ "$left" = 0 ] && break
	sleep 0.1
done
expect_eq "nothing of them left" 0 "$left"

finish
