#!/bin/bash
# The data root and the run root are private to root: an unprivileged
# local user cannot read the store (which holds -e secrets), a volume's
# files or a container's spec, nor run a setuid binary a container left in
# a volume (CVE-2021-41091). Containers running as a non-root --user still
# start and use their volumes and etc files, whatever the umask, and an
# existing root left loose by an older berth is tightened at the next
# command.
. "$(dirname "$0")/lib.sh"

busybox_image || exit 1

# mktemp made the test directory 0700, which alone would hide the roots
# from other users: open it so that only berth's own modes protect them.
chmod 0755 "$TEST_DIR"
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
SECRET=hunter2-$RANDOM$RANDOM
mode() { stat -c %a "$1"; }

# expect_denied DESCRIPTION COMMAND...: as nobody, fails and shows no secret.
expect_denied() {
	local desc=$1
	shift
	out=$("${NOBODY[@]}" "$@" 2>"$TEST_DIR/stderr" | tr -d '\0')
	local got=$? # pipefail: nobody's command's status
	if [ "$got" -ne 0 ]; then ok; else bad "$desc: nobody succeeded (output: ${out:0:200})"; fi
	if [[ "$out" != *"$SECRET"* ]]; then ok; else bad "$desc: nobody read the secret"; fi
}

# What an unprivileged user tries. Before each attempt the test checks, as
# root, that the target exists and holds what matters.
attack() {
	local when=$1 f
	for f in berth.db berth.db-wal berth.db-shm; do
		[ -f "$BERTH_ROOT/$f" ] && ok || bad "$when: $f exists"
		expect_denied "$when: read $f" head -c 64 "$BERTH_ROOT/$f"
	done
	grep -aq -- "$SECRET" "$BERTH_ROOT/berth.db" "$BERTH_ROOT/berth.db-wal" && ok ||
		bad "$when: the store holds the secret env"
	expect_denied "$when: grep the store" grep -ao -- "$SECRET" "$BERTH_ROOT/berth.db" \
		"$BERTH_ROOT/berth.db-wal"
	expect_denied "$when: list the data root" ls "$BERTH_ROOT"
	grep -q -- "$SECRET" "$volume/secret" && ok || bad "$when: the volume holds the secret"
	expect_denied "$when: read a volume's file" cat "$volume/secret"
	expect_denied "$when: list a volume" ls "$volume"
	[ "$(stat -c "%a %u" "$volume/busybox")" == "4755 0" ] && ok ||
		bad "$when: the container left a setuid-root binary"
	# through a shell: setpriv itself still holds root's capabilities when it execs
	expect_denied "$when: run the setuid binary" sh -c 'exec "$0" id' "$volume/busybox"
	grep -q -- "$SECRET" "$bundle/spec" && ok || bad "$when: the spec holds the env"
	expect_denied "$when: read the container's spec" cat "$bundle/spec"
	expect_denied "$when: read the container's log" cat "$bundle/$id-json.log"
	expect_denied "$when: list the run directory" ls "$BERTH_RUN/containers/$id"
}

# A volume a container filled with a secret and a setuid-root binary, and
# a running container with a secret in its environment and its log.
b run --rm -v secrets:/data busybox sh -c \
	'echo "$0" >/data/secret && cp /bin/busybox /data/busybox && chmod 4755 /data/busybox' "$SECRET"
volume=$(b volume inspect -f '{{.Mountpoint}}' secrets)
b run -d --name sec -e "SECRET_TOKEN=$SECRET" -v secrets:/data busybox \
	sh -c 'echo "$SECRET_TOKEN"; exec sleep 600' >/dev/null
id=$(b inspect -f '{{.Id}}' sec)
bundle=$BERTH_ROOT/containers/$id
sleep 0.2

attack "new root"

# The modes themselves.
expect_eq "data root" "700" "$(mode "$BERTH_ROOT")"
for f in berth.db berth.db-wal berth.db-shm; do
	expect_eq "$f" "600" "$(mode "$BERTH_ROOT/$f")"
done
for d in volumes volumes/secrets containers layers blobs tmp seccomp; do
	expect_eq "$d/" "700" "$(mode "$BERTH_ROOT/$d")"
done
expect_eq "run root: passable to the API socket, not listable" "711" "$(mode "$BERTH_RUN")"
expect_eq "run root's containers/" "700" "$(mode "$BERTH_RUN/containers")"
expect_eq "the spec" "600" "$(mode "$bundle/spec")"
expect_eq "a volume's root keeps 0755 for the container" "755" "$(mode "$volume")"
for f in hosts hostname resolv.conf; do
	expect_eq "$f stays readable for the container's user" "644" "$(mode "$bundle/$f")"
done

# Containers as a non-root user: the overlay root, volumes and etc files
# are reached inside the container's mount namespace, not through the
# private roots.
expect_status "--user runs" 0 b run --rm -u 1000:1000 -v secrets:/data busybox sh -c \
	'id -u; cat /etc/hosts /etc/hostname /etc/resolv.conf >/dev/null && echo etc; cat /data/secret'
expect_eq "--user reads its etc files and volume" "$(printf '1000\netc\n%s' "$SECRET")" "$out"
b run --rm -v uservol:/data busybox chown 1000:1000 /data
expect_status "--user writes its volume" 0 b run --rm -u 1000:1000 -v uservol:/data busybox sh -c \
	'echo mine >/data/f && cat /data/f && ls -ln /data/f'
expect_match "--user's file" '^mine.* 1000 +1000 ' "$(echo "$out" | tr '\n' ' ')"
mkdir -m 0777 "$TEST_DIR/share"
expect_status "--user writes a bind mount" 0 b run --rm -u 1000 -v "$TEST_DIR/share:/share" busybox \
	sh -c 'echo shared >/share/f && cat /share/f'
expect_eq "bind mount content" "shared" "$out"
expect_status "exec as a user reaches the volume" 0 b exec -u 1000 sec cat /data/secret
expect_eq "exec read" "$SECRET" "$out"
expect_status "a restarted container as a user" 0 sh -c \
	"'$BERTH' create --name usr -u 1000 -v uservol:/data busybox cat /data/f >/dev/null &&
	 '$BERTH' start -a usr && '$BERTH' start -a usr"
expect_eq "restarted output" "$(printf 'mine\nmine')" "$out"
b rm usr >/dev/null

# Whatever the umask: the etc files stay 0644 (a user in the container
# must read /etc/hosts), the store and the roots stay private.
expect_status "umask 077 at create" 0 sh -c \
	"umask 077; '$BERTH' run --rm -u 1000 busybox sh -c 'head -1 /etc/hosts; cat /etc/hostname >/dev/null'"
expect_match "/etc/hosts readable under umask 077" 'localhost' "$out"
root2=$TEST_DIR/root2 run2=$TEST_DIR/run2
expect_status "umask 000, a fresh root" 0 sh -c \
	"umask 000; BERTH_ROOT='$root2' BERTH_RUN='$run2' '$BERTH' volume create v2"
for p in "$root2" "$root2/volumes" "$root2/volumes/v2" "$root2/containers" "$run2/containers"; do
	expect_eq "umask 000: ${p#$TEST_DIR/}" "700" "$(mode "$p")"
done
expect_eq "umask 000: the run root, passable only" "711" "$(mode "$run2")"
for f in berth.db berth.db-wal berth.db-shm; do
	expect_eq "umask 000: $f" "600" "$(mode "$root2/$f")"
done

# An older berth's root: a 0711 data root, a 0755 run root, a 0644 store, 0755 volumes and
# containers directories. The next command of any kind tightens it.
chmod 0711 "$BERTH_ROOT"
chmod 0755 "$BERTH_RUN"
chmod 0644 "$BERTH_ROOT"/berth.db*
chmod 0755 "$BERTH_ROOT/volumes" "$BERTH_ROOT/volumes/secrets" "$BERTH_ROOT/containers" \
	"$BERTH_RUN/containers" "$BERTH_ROOT/seccomp"
chmod 0644 "$bundle/spec"
"${NOBODY[@]}" cat "$volume/secret" >/dev/null 2>&1 && ok || bad "the loose root is readable"
expect_status "the next command" 0 b ps -q
expect_eq "it lists the running container" "${id:0:12}" "$out"
expect_eq "data root tightened" "700" "$(mode "$BERTH_ROOT")"
expect_eq "run root tightened" "711" "$(mode "$BERTH_RUN")"
for f in berth.db berth.db-wal berth.db-shm; do
	expect_eq "$f tightened" "600" "$(mode "$BERTH_ROOT/$f")"
done
for d in volumes containers seccomp; do
	expect_eq "$d/ tightened" "700" "$(mode "$BERTH_ROOT/$d")"
done
expect_eq "run containers/ tightened" "700" "$(mode "$BERTH_RUN/containers")"
attack "tightened root"
expect_status "the container still works" 0 b exec sec cat /data/secret
expect_eq "after tightening" "$SECRET" "$out"
expect_status "stop" 0 b stop -t 1 sec
expect_status "and start again" 0 b start sec
expect_eq "running again" "running" "$(b inspect -f '{{.State.Status}}' sec)"
b rm -f sec >/dev/null

# A root another user made first (an unprivileged user may create the
# path before berth ever runs) is refused, never adopted: it could hold
# that user's store, whose WAL would then be theirs to read.
for kind in data run; do
	other=$TEST_DIR/preowned-$kind
	mkdir -p "$other"
	chown 65534:65534 "$other"
	chmod 700 "$other"
	if [ $kind = data ]; then
		expect_status "a data root owned by another user" 1 env BERTH_ROOT="$other" "$BERTH" ps
	else
		expect_status "a run root owned by another user" 1 env BERTH_RUN="$other" "$BERTH" ps
	fi
	expect_match "$kind root: the reason" "belongs to uid 65534" "$err"
	expect_eq "$kind root: nothing made in it" "" "$(ls -A "$other")"
done
own=$TEST_DIR/preowned-db
mkdir -p "$own"
chmod 700 "$own"
touch "$own/berth.db"
chown 65534:65534 "$own/berth.db"
expect_status "a store owned by another user" 1 env BERTH_ROOT="$own" "$BERTH" ps
expect_match "store: the reason" "refusing to use it" "$err"
mkdir -p "$TEST_DIR/preowned-link"
chmod 700 "$TEST_DIR/preowned-link"
ln -s /etc/passwd "$TEST_DIR/preowned-link/berth.db"
expect_status "a store that is a link" 1 env BERTH_ROOT="$TEST_DIR/preowned-link" "$BERTH" ps

finish
