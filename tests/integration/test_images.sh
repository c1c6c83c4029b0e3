#!/bin/bash
# Images end to end: import (file, stdin, gzip, --change), images/ls with
# filters and formats, tag, rmi rules, history, inspect, save/load both
# ways, export, image prune, and malformed input that changes nothing.
source "$(dirname "$0")/lib.sh"

"$SOURCE_DIR/scripts/busybox-rootfs.sh" "$TEST_DIR/rootfs.tar"
expect_status "import from file" 0 b import -c 'CMD ["sh"]' -c 'ENV PATH=/bin' "$TEST_DIR/rootfs.tar" busybox:latest
id=$out
expect_match "import prints the id" '^sha256:[0-9a-f]{64}$' "$id"
expect_eq "image id is the sha256 of the config" "${id#sha256:}" \
	"$(sqlite3 "$BERTH_ROOT/berth.db" "SELECT config FROM images WHERE id='$id'" | head -c -1 | sha256sum | cut -d' ' -f1)"
gzip -c "$TEST_DIR/rootfs.tar" >"$TEST_DIR/rootfs.tar.gz"
expect_status "import gzip from stdin" 0 sh -c "'$BERTH' import - other:1 <'$TEST_DIR/rootfs.tar.gz'"
expect_status "same layer shared" 0 b image inspect -f '{{index .RootFS.Layers 0}}' other:1
layer=$out
expect_status "layer of busybox" 0 b image inspect -f '{{index .RootFS.Layers 0}}' busybox
expect_eq "gzip and plain import give one diff id" "$layer" "$out"
expect_eq "diff id is the sha256 of the tar" "sha256:$(sha256sum <"$TEST_DIR/rootfs.tar" | cut -d' ' -f1)" "$layer"
expect_status "images table" 0 b images
expect_match "images header" '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE' "$out"
expect_match "busybox row" 'busybox +latest +[0-9a-f]{12} ' "$out"
expect_status "images format" 0 b images --format '{{.Repository}}:{{.Tag}}'
expect_eq "repos" "$(printf 'busybox:latest\nother:1' | sort)" "$(echo "$out" | sort)"
expect_status "images reference arg" 0 b images busybox --format '{{.Repository}}'
expect_eq "filtered by reference" "busybox" "$out"
expect_status "images filter reference glob" 0 b images --filter 'reference=oth*' --format '{{.Repository}}'
expect_eq "glob" "other" "$out"
expect_status "tag" 0 b tag busybox:latest mybox:v1
expect_status "tag listed" 0 b images mybox --format '{{.Tag}} {{.ID}}'
expect_eq "tag points at the image" "v1 ${id:7:12}" "$out"
expect_status "tag bad target" 1 b tag busybox 'Bad:Name'
expect_match "bad reference message" 'invalid reference format' "$err"
expect_status "history" 0 b history busybox
expect_match "history header" '^IMAGE +CREATED +CREATED BY +SIZE +COMMENT' "$out"
expect_status "inspect config" 0 b image inspect -f '{{json .Config.Cmd}} {{.Os}} {{.Architecture}}' busybox
expect_eq "config" '["sh"] linux amd64' "$out"

# rmi rules
b run --name user1 busybox true
expect_status "rmi untags one of several tags" 0 b rmi mybox:v1
expect_eq "untagged" "Untagged: mybox:v1" "$out"
expect_status "rmi refused while a stopped container uses it" 1 b rmi busybox
expect_match "conflict message" 'conflict: unable to remove repository reference "busybox" \(must force\) - container [0-9a-f]{12} is using its referenced image' "$err"
b tag busybox mybox:v2 >/dev/null
expect_status "rmi by id with several tags refused" 1 b rmi "${id:7:12}"
expect_match "several tags message" 'image is referenced in multiple repositories' "$err"
b run -d --name user2 busybox sleep 60 >/dev/null
expect_status "rmi -f refused while a running container uses it" 1 b rmi -f "${id:7:12}"
expect_match "running message" 'image is being used by running container' "$err"
b rm -f user1 user2 >/dev/null
b rmi mybox:v2 >/dev/null

# save / load round trip into a second store
expect_status "save" 0 b save -o "$TEST_DIR/saved.tar" busybox:latest
expect_status "save has docker's layout" 0 tar -tf "$TEST_DIR/saved.tar"
expect_match "manifest.json" 'manifest.json' "$out"
expect_match "oci layout" 'oci-layout' "$out"
expect_match "index.json" 'index.json' "$out"
manifest=$(tar -xOf "$TEST_DIR/saved.tar" manifest.json)
expect_match "manifest RepoTags" '"RepoTags":\["busybox:latest"\]' "$manifest"
expect_status "save to a terminal-less stdout" 0 sh -c "'$BERTH' save busybox >'$TEST_DIR/stdout.tar'"
expect_status "save missing image" 1 b save -o "$TEST_DIR/none.tar" nosuch
expect_eq "failed save leaves no file" "no" "$([ -e "$TEST_DIR/none.tar" ] && echo yes || echo no)"
(
	export BERTH_ROOT=$TEST_DIR/root2 BERTH_RUN=$TEST_DIR/run2
	expect_status "load into a fresh store" 0 b load -i "$TEST_DIR/saved.tar"
	expect_eq "loaded message" "Loaded image: busybox:latest" "$out"
	expect_status "same id after load" 0 b image inspect -f '{{.Id}}' busybox
	expect_eq "id preserved" "$id" "$out"
	expect_status "loaded image runs" 0 b run --rm busybox echo loaded
	expect_eq "run loaded" "loaded" "$out"
	network_cleanup # this store's bridge and table
	echo "$passed $failed" >"$TEST_DIR/sub"
)
read -r passed failed <"$TEST_DIR/sub"

# export a container's filesystem and import it again
b run --name exp busybox sh -c 'echo data >/made-here; rm /etc/shadow' >/dev/null
expect_status "export" 0 b export -o "$TEST_DIR/exp.tar" exp
expect_status "export content" 0 tar -tf "$TEST_DIR/exp.tar"
if echo "$out" | grep -qxE '(\./)?made-here'; then ok; else bad "new file must be exported"; fi
if echo "$out" | grep -q 'etc/shadow'; then bad "deleted file must not be exported"; else ok; fi
expect_status "export to terminal-less stdout" 0 sh -c "'$BERTH' export exp | tar -t >/dev/null"
b rm exp >/dev/null
expect_status "import the export" 0 b import "$TEST_DIR/exp.tar" flat:1
expect_status "flat image runs" 0 b run --rm flat:1 cat /made-here
expect_eq "flat content" "data" "$out"

# malformed input changes nothing
before=$(store_snapshot)
head -c 3000 "$TEST_DIR/rootfs.tar" >"$TEST_DIR/truncated.tar"
expect_status "truncated tar" 1 b import "$TEST_DIR/truncated.tar" broken:1
echo "not a tar at all" >"$TEST_DIR/garbage.tar"
expect_status "garbage tar" 1 b import "$TEST_DIR/garbage.tar" broken:2
expect_status "garbage load" 1 b load -i "$TEST_DIR/garbage.tar"
expect_status "bad change" 1 b import -c 'FROBNICATE x' "$TEST_DIR/rootfs.tar" broken:3
# import from a URL: the engine downloads it (the daemon's, with -H)
mkdir -p "$TEST_DIR/www"
cp "$TEST_DIR/rootfs.tar.gz" "$TEST_DIR/www/"
wport=$(free_port)
(cd "$TEST_DIR/www" && exec python3 -m http.server "$wport" --bind 127.0.0.1 >/dev/null 2>&1) &
www=$!
wait_for "the web server answers" curl -sf -o /dev/null "http://127.0.0.1:$wport/rootfs.tar.gz"
expect_status "import from a URL" 0 b import -c 'CMD ["echo", "from-url"]' "http://127.0.0.1:$wport/rootfs.tar.gz" fromurl:1
expect_eq "Docker's lines: where from, then the ID" "Downloading from http://127.0.0.1:$wport/rootfs.tar.gz" "$(head -1 <<<"$out")"
expect_match "the ID last" '^sha256:[0-9a-f]{64}$' "$(tail -1 <<<"$out")"
expect_status "https to a plain http server" 1 b import "https://127.0.0.1:$wport/rootfs.tar.gz" broken:5
expect_match "Go's words" 'http: server gave HTTP response to HTTPS client' "$err"
expect_eq "the same layer as from the file" "$layer" "$(b image inspect -f '{{index .RootFS.Layers 0}}' fromurl:1)"
expect_eq "its history says where from" "Imported from http://127.0.0.1:$wport/rootfs.tar.gz" \
	"$(b history --no-trunc --format '{{.Comment}}' fromurl:1)"
expect_status "import from a URL that is not there" 1 b import "http://127.0.0.1:$wport/nothing.tar" broken:4
expect_match "why" 'invalid response status 404' "$err"
expect_status "nothing made of it" 1 b image inspect broken:4
kill "$www"
wait "$www" 2>/dev/null
b rmi fromurl:1 >/dev/null
expect_status "rmi missing" 1 b rmi nosuch:latest
expect_match "rmi missing message" 'No such image: nosuch:latest' "$err"
expect_eq "store unchanged" "$before" "$(store_snapshot)"
expect_eq "no staging left" "" "$(ls -A "$BERTH_ROOT/tmp" 2>/dev/null | grep -v "^removed-")"

# prune
b tag busybox dangling:1 >/dev/null
b import "$TEST_DIR/rootfs.tar" >/dev/null   # untagged: dangling
expect_status "image prune" 0 b image prune -f
expect_match "reclaimed line" 'Total reclaimed space' "$out"
expect_status "prune -a keeps used images" 0 sh -c "'$BERTH' create busybox true >/dev/null && '$BERTH' image prune -a -f"
expect_status "busybox still there" 0 b image inspect busybox
expect_status "others gone" 1 b image inspect other:1

finish
