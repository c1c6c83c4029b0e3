#!/bin/bash
# Volumes, binds and tmpfs mounts with real containers: the volume commands,
# -v/--mount/--tmpfs/--volumes-from, copy-up, the local driver's options,
# rm -v, prune, the notes' backup and restore recipe, and failures that
# leave the store as it was.
. "$(dirname "$0")/lib.sh"

busybox_image || exit 1
HEX64='^[0-9a-f]{64}$'

# The store's files and rows, volumes and mounts included.
volume_snapshot() {
	store_snapshot
	sqlite3 "$BERTH_ROOT/berth.db" 'SELECT name, driver, labels, options FROM volumes ORDER BY 1;
		SELECT container_id, position, volume FROM container_mounts ORDER BY 1, 2;'
}

# An image with a VOLUME whose directory holds a file and has its own owner and mode.
rootfs=$TEST_DIR/rootfs
mkdir -p "$rootfs"
"$SOURCE_DIR/scripts/busybox-rootfs.sh" | tar -x -C "$rootfs"
mkdir -p "$rootfs/data"
echo seed >"$rootfs/data/seed"
ln "$rootfs/data/seed" "$rootfs/data/seed-link"
chown 1000:1001 "$rootfs/data"
chmod 0750 "$rootfs/data"
tar -C "$rootfs" -c . | b import -c 'VOLUME /data' -c 'CMD ["sh"]' \
	-c 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' - volimg >/dev/null
rm -rf "$rootfs"

# volume create / ls / inspect
expect_status "volume create" 0 b volume create --label team=blue --label tier vol1
expect_eq "create prints the name" "vol1" "$out"
expect_status "volume create again is fine" 0 b volume create vol1
expect_status "volume inspect" 0 b volume inspect vol1
expect_match "inspect Name" '"Name": "vol1"' "$out"
expect_match "inspect Driver" '"Driver": "local"' "$out"
expect_match "inspect Scope" '"Scope": "local"' "$out"
expect_match "inspect Options null" '"Options": null' "$out"
expect_match "inspect CreatedAt" '"CreatedAt": "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"' "$out"
expect_eq "inspect Mountpoint" "$BERTH_ROOT/volumes/vol1/_data" \
	"$(b volume inspect -f '{{.Mountpoint}}' vol1)"
expect_eq "inspect Labels" "blue" "$(b volume inspect -f '{{index .Labels "team"}}' vol1)"
[ -d "$BERTH_ROOT/volumes/vol1/_data" ] && ok || bad "vol1's directory exists"
expect_status "volume ls" 0 b volume ls
expect_eq "ls table" "$(printf 'DRIVER    VOLUME NAME\nlocal     vol1')" "$out"
expect_status "volume ls --format" 0 b volume ls --format '{{.Name}}|{{.Driver}}|{{.Scope}}'
expect_eq "ls format" "vol1|local|local" "$out"
expect_status "volume inspect missing" 1 b volume inspect nosuchvol
expect_match "inspect missing message" 'No such volume: nosuchvol|get nosuchvol: no such volume' "$err"
expect_status "volume create bad name" 1 b volume create 'a/b'
expect_match "bad name message" 'includes invalid characters for a local volume name' "$err"
expect_status "volume create bad option" 1 b volume create -o foo=bar badopt
expect_match "bad option message" 'invalid option: "foo"' "$err"
expect_status "volume create missing device" 1 b volume create -o type=tmpfs badopt
expect_match "missing device message" 'missing required option: "device"' "$err"
expect_status "volume create unknown driver" 1 b volume create -d nosuchdriver badopt
expect_match "unknown driver message" 'plugin "nosuchdriver" not found' "$err"
expect_eq "failed creates left nothing" "vol1" "$(b volume ls -q)"

# named volumes: data outlives containers; created on demand; :ro
expect_status "write to a named volume" 0 b run --rm -v vol1:/data busybox sh -c 'echo kept >/data/f'
expect_status "read it back" 0 b run --rm -v vol1:/data busybox cat /data/f
expect_eq "named volume data" "kept" "$out"
expect_status "read-only volume" 1 b run --rm -v vol1:/data:ro busybox sh -c 'cat /data/f; echo x >/data/g'
expect_match "ro refuses writes" 'Read-only file system' "$err"
expect_eq "ro still reads" "kept" "$out"
expect_status "volume made on demand" 0 b run --rm -v ondemand:/x busybox true
expect_eq "on-demand volume listed" "ondemand" "$(b volume ls -q --filter name=ondemand)"

# anonymous volumes and inspect's Mounts
b create --name anon -v /scratch busybox true >/dev/null
anon=$(b inspect -f '{{range .Mounts}}{{.Name}}{{end}}' anon)
expect_match "anonymous name is 64 hex" "$HEX64" "$anon"
expect_eq "Mounts shape" "volume $anon $BERTH_ROOT/volumes/$anon/_data /scratch local  true " \
	"$(b inspect -f '{{range .Mounts}}{{.Type}} {{.Name}} {{.Source}} {{.Destination}} {{.Driver}} {{.Mode}} {{.RW}} {{.Propagation}}{{end}}' anon)"
expect_match "anonymous label" 'com.docker.volume.anonymous' "$(b volume inspect "$anon")"
b create --name named -v vol1:/data:ro busybox true >/dev/null
expect_eq "named Mounts" "volume vol1 /data ro false" \
	"$(b inspect -f '{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}} {{.Mode}} {{.RW}}{{end}}' named)"

# volume rm refuses a volume in use, even with -f, by running or stopped containers
expect_status "rm in use" 1 b volume rm vol1
named_id=$(b inspect -f '{{.Id}}' named)
expect_eq "in-use message" "remove vol1: volume is in use - [$named_id]" "$(said "$err")"
expect_status "rm -f in use" 1 b volume rm -f vol1
expect_status "rm -f missing is quiet" 0 b volume rm -f nosuchvol
expect_status "rm missing" 1 b volume rm nosuchvol
expect_match "rm missing message" 'no such volume' "$err"

# rm -v removes anonymous volumes only; named ones stay
expect_status "rm -v" 0 b rm -v anon named
expect_eq "anonymous volume gone" "" "$(b volume ls -q --filter name="$anon")"
[ ! -e "$BERTH_ROOT/volumes/$anon" ] && ok || bad "anonymous volume directory removed"
expect_eq "named volume stays" "vol1" "$(b volume ls -q --filter name=vol1)"
b create --name keepanon -v /k busybox true >/dev/null
keep=$(b inspect -f '{{range .Mounts}}{{.Name}}{{end}}' keepanon)
b rm keepanon >/dev/null
expect_eq "rm without -v keeps anonymous volumes" "$keep" "$(b volume ls -q --filter name="$keep")"
expect_status "--rm removes its anonymous volume" 0 b run --rm -v /tmpdata busybox true
expect_eq "only the kept anonymous volume" "$keep" "$(b volume ls -q --filter label=com.docker.volume.anonymous)"

# copy-up: image content goes into an empty new volume, with its owner and mode
expect_status "image VOLUME" 0 b run --rm volimg sh -c 'cat /data/seed; stat -c "%u:%g %a %h" /data /data/seed'
expect_eq "image VOLUME copied up" "$(printf 'seed\n1000:1001 750 2\n0:0 644 2')" "$out"
expect_status "named volume copy-up" 0 b run --rm -v seeded:/data volimg cat /data/seed
expect_eq "named volume gets the image's content" "seed" "$out"
expect_eq "copied onto the host" "seed" "$(cat "$BERTH_ROOT/volumes/seeded/_data/seed")"
expect_status "non-empty volume is not overwritten" 0 b run --rm -v vol1:/data volimg ls /data
expect_eq "vol1 unchanged" "f" "$out"
expect_status "volume-nocopy" 0 b run --rm --mount type=volume,src=nocopy,dst=/data,volume-nocopy volimg ls -A /data
expect_eq "nocopy volume empty" "" "$out"
expect_status "-v ...:nocopy" 0 b run --rm -v nocopy2:/data:nocopy volimg ls -A /data
expect_eq "nocopy mode volume empty" "" "$out"
expect_status "bind is never copied into" 0 b run --rm -v "$TEST_DIR/emptybind:/data" volimg ls -A /data
expect_eq "bind stays empty" "" "$out"

# binds: -v creates a missing host directory, --mount refuses it
hostdir=$TEST_DIR/host
mkdir -p "$hostdir"
echo fromhost >"$hostdir/file"
expect_status "bind rw" 0 b run --rm -v "$hostdir:/h" busybox sh -c 'cat /h/file; echo back >/h/new'
expect_eq "bind reads host" "fromhost" "$out"
expect_eq "bind writes host" "back" "$(cat "$hostdir/new")"
expect_status "bind ro" 1 b run --rm -v "$hostdir:/h:ro" busybox touch /h/x
expect_match "bind ro message" 'Read-only file system' "$err"
expect_status "-v makes a missing host dir" 0 b run --rm -v "$TEST_DIR/made/deep:/m" busybox true
[ -d "$TEST_DIR/made/deep" ] && ok || bad "-v created the host directory"
expect_status "--mount bind" 0 b run --rm --mount "type=bind,src=$hostdir/file,dst=/etc/hostfile,readonly" busybox cat /etc/hostfile
expect_eq "--mount bind of a file" "fromhost" "$out"
expect_eq "bind Mounts" "bind $hostdir /h ro false rprivate" \
	"$(b create -v "$hostdir:/h:ro" busybox true | xargs -I{} "$BERTH" inspect -f '{{range .Mounts}}{{.Type}} {{.Source}} {{.Destination}} {{.Mode}} {{.RW}} {{.Propagation}}{{end}}' {})"

# tmpfs: --tmpfs and --mount type=tmpfs, inside the container only
expect_status "--tmpfs" 0 b run --rm --tmpfs /run:size=1m,exec busybox grep ' /run ' /proc/mounts
expect_match "--tmpfs mount" '^tmpfs /run tmpfs rw,nosuid,nodev,relatime,size=1024k' "$out"
expect_status "--mount tmpfs" 0 b run --rm --mount type=tmpfs,dst=/t,tmpfs-size=2m,tmpfs-mode=1770 busybox sh -c 'grep " /t " /proc/mounts; stat -c %a /t'
expect_match "--mount tmpfs size" 'size=2048k' "$out"
expect_match "--mount tmpfs noexec" 'noexec' "$out"
expect_match "--mount tmpfs mode" '1770$' "$out"

# the local driver's options
expect_status "tmpfs volume" 0 b volume create -o type=tmpfs -o device=tmpfs -o o=size=3m tmpvol
expect_eq "tmpfs volume options" '{"device":"tmpfs","o":"size=3m","type":"tmpfs"}' \
	"$(b volume inspect -f '{{json .Options}}' tmpvol)"
expect_status "tmpfs volume mounted" 0 b run --rm -v tmpvol:/m busybox sh -c 'grep " /m " /proc/mounts; echo x >/m/y'
expect_match "tmpfs volume is a tmpfs" '^tmpfs /m tmpfs .*size=3072k' "$out"
expect_eq "tmpfs volume never touches the host" "" "$(ls -A "$BERTH_ROOT/volumes/tmpvol/_data")"
mkdir -p "$TEST_DIR/device"
echo devdata >"$TEST_DIR/device/f"
expect_status "bind volume" 0 b volume create -o type=none -o o=bind -o "device=$TEST_DIR/device" bindvol
expect_status "bind volume mounted" 0 b run --rm -v bindvol:/b busybox sh -c 'cat /b/f; echo w >/b/w'
expect_eq "bind volume reads the device" "devdata" "$out"
expect_eq "bind volume writes the device" "w" "$(cat "$TEST_DIR/device/w")"

# --volumes-from, with :ro
b run -d --name src -v /shared -v vol1:/named busybox sh -c 'echo s >/shared/s; sleep 600' >/dev/null
sleep 0.3
expect_status "volumes-from" 0 b run --rm --volumes-from src busybox sh -c 'cat /shared/s /named/f'
expect_eq "volumes-from sees both" "$(printf 's\nkept')" "$out"
expect_status "volumes-from :ro" 1 b run --rm --volumes-from src:ro busybox touch /shared/x
expect_match "volumes-from ro" 'Read-only file system' "$err"
expect_status "volumes-from bad mode" 125 b run --rm --volumes-from src:zz busybox true
expect_match "volumes-from bad mode message" 'invalid mode: zz' "$err"
b rm -f src >/dev/null

# the notes' backup and restore recipe, unchanged
cd "$TEST_DIR" || exit 1
b run -d --name db -v /data busybox sh -c 'echo hi >/data/f; sleep 600' >/dev/null
sleep 0.3
expect_status "backup" 0 b run --rm --volumes-from db -v $(pwd):/backup busybox tar cvf /backup/backup.tar /data
expect_eq "backup holds the file" "$(printf 'data/\ndata/f')" "$(tar tf backup.tar)"
b run -d --name db2 -v /data busybox sleep 600 >/dev/null
expect_status "restore" 0 b run --rm --volumes-from db2 -v $(pwd):/backup busybox sh -c "cd /data && tar xvf /backup/backup.tar --strip 1"
expect_status "restored data" 0 b run --rm --volumes-from db2 busybox cat /data/f
expect_eq "restored content" "hi" "$out"
cd - >/dev/null || exit 1

# prune: unused anonymous volumes; with -a named ones too; never one in use
db_vol=$(b inspect -f '{{range .Mounts}}{{.Name}}{{end}}' db)
expect_status "dangling filter" 0 b volume ls -q --filter dangling=true
[[ "$out" == *"$keep"* && "$out" != *"$db_vol"* ]] && ok || bad "dangling lists unused only: $out"
expect_status "prune" 0 b volume prune -f
expect_match "prune deleted the unused anonymous volume" "Deleted Volumes:"$'\n'"$keep" "$out"
expect_match "prune reports space" 'Total reclaimed space: ' "$out"
expect_eq "in-use anonymous volume kept" "$db_vol" "$(b volume ls -q --filter name="$db_vol")"
expect_eq "named volume kept by prune" "vol1" "$(b volume ls -q --filter name=vol1)"
expect_status "prune -a" 0 b volume prune -a -f
expect_eq "prune -a kept only volumes in use" "$(printf '%s\n' "$db_vol" "$(b inspect -f '{{range .Mounts}}{{.Name}}{{end}}' db2)" | sort)" \
	"$(b volume ls -q | sort)"
expect_eq "bind volume's device survives its removal" "devdata" "$(cat "$TEST_DIR/device/f")"

# failures leave everything as it was
before=$(volume_snapshot)
expect_status "missing bind source" 125 b run --rm --mount type=bind,source=/nope,target=/x busybox true
expect_eq "missing bind source message" 'invalid mount config for type "bind": bind source path does not exist: /nope' "$(said "$err")"
expect_status "relative volume" 125 b run --rm -v x busybox true
expect_match "relative volume message" "^invalid volume specification: 'x'" "$(said "$err")"
expect_status "bad mode after a new volume" 125 b run --rm -v newvol:/a -v /b:/c:zz busybox true
expect_match "bad mode message" 'invalid mode: zz' "$err"
expect_status "bad bind after a new volume" 125 b run --rm -v newvol:/a --mount type=bind,src=/nope,dst=/b busybox true
expect_status "duplicate mount point" 125 b run --rm -v n1:/x -v n2:/x busybox true
expect_match "duplicate message" 'Duplicate mount point: /x' "$err"
expect_status "ro anonymous" 125 b run --rm --mount type=volume,dst=/x,readonly busybox true
expect_match "ro anonymous message" 'must not set ReadOnly mode when using anonymous volumes' "$err"
expect_status "bad --mount" 125 b run --rm --mount type=volume,src=a busybox true
expect_match "bad --mount message" 'invalid argument "type=volume,src=a" for "--mount" flag: target is required' "$err"
expect_status "bad tmpfs option" 125 b run --rm --tmpfs /t:bogus busybox true
expect_match "bad tmpfs message" 'invalid tmpfs option \["bogus"\]' "$err"
expect_status "volumes-from missing" 125 b run --rm --volumes-from nosuch busybox true
expect_status "volume rm in use" 1 b volume rm "$db_vol"
expect_eq "store unchanged after failures" "$before" "$(volume_snapshot)"

# A copy-up a crash cut short is emptied by the next berth, but never
# under a running container that uses the volume: its data is theirs now.
b volume create shared >/dev/null
b run -d --name user -v shared:/data busybox sh -c 'echo kept >/data/file; sleep 600' >/dev/null
for _ in $(seq 100); do [ -s "$BERTH_ROOT/volumes/shared/_data/file" ] && break; sleep 0.05; done
mkdir -p "$BERTH_RUN/intents"
echo "999999 1" >"$BERTH_RUN/intents/copyup-shared" # a berth that died mid-copy
DOCKER_HOST= "${BERTH_ITSELF:-$BERTH}" ps >/dev/null # a berth that starts, and settles intents
expect_eq "a volume in use keeps its data" "kept" "$(cat "$BERTH_ROOT/volumes/shared/_data/file")"
expect_status "the intent is settled" 1 test -e "$BERTH_RUN/intents/copyup-shared"
b rm -f user >/dev/null
echo "999999 1" >"$BERTH_RUN/intents/copyup-shared"
DOCKER_HOST= "${BERTH_ITSELF:-$BERTH}" ps >/dev/null
expect_status "emptied once nothing runs on it" 1 test -e "$BERTH_ROOT/volumes/shared/_data/file"
b volume rm shared >/dev/null

# clean up: containers, then volumes; nothing stays mounted
b rm -f -v db db2 >/dev/null
expect_eq "rm -v took the recipe's volumes" "" "$(b volume ls -q)"
expect_eq "no volume directories left" "" "$(ls -A "$BERTH_ROOT/volumes")"
expect_eq "no mounts left under the test root" "" "$(grep -F " $TEST_DIR" /proc/self/mountinfo)"
finish
