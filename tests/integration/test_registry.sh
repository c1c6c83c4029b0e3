#!/bin/bash
# Pulling from registries: Debian's docker-registry started here on
# loopback (plain HTTP, as 127.0.0.0/8 is insecure by default), seeded by
# skopeo from berth's own save; behind it, the test's proxy
# (registry_faults.py) that logs every request and misbehaves on demand
# (5xx, a blob cut short, a corrupted blob, a slow one). Then credentials:
# basic auth (htpasswd) with login and logout, and token auth with the
# test's token server.
source "$(dirname "$0")/lib.sh"
busybox_image

export DOCKER_CONFIG=$TEST_DIR/docker-config
FAULTS=$SOURCE_DIR/tests/integration/registry_faults.py
SERVERS=()
stop_servers() {
	local p
	for p in "${SERVERS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	cleanup
}
trap stop_servers EXIT


# start_registry NAME PORT [YAML...]: a docker-registry on 127.0.0.1:PORT
start_registry() {
	local dir=$TEST_DIR/$1 port=$2
	shift 2
	mkdir -p "$dir"
	{
		echo "version: 0.1"
		echo "log: {level: error}"
		echo "storage: {filesystem: {rootdirectory: $dir/data}, delete: {enabled: true}}"
		echo "http: {addr: 127.0.0.1:$port}"
		printf '%s\n' "$@"
	} >"$dir/config.yml"
	docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
	SERVERS+=($!)
	wait_for "registry $dir answers" curl -s -o /dev/null "http://127.0.0.1:$port/v2/"
}

# seed IMAGE REPO:TAG PORT [CREDS]: berth's image into a registry, by skopeo
seed() {
	rm -f "$TEST_DIR/seed.tar"
	b save -o "$TEST_DIR/seed.tar" "$1" &&
		skopeo copy --quiet --dest-tls-verify=false ${4:+--dest-creds "$4"} \
			"docker-archive:$TEST_DIR/seed.tar" "docker://127.0.0.1:$3/$2" >/dev/null
}

# faults JSON: the proxy's next misbehaviour
faults() { curl -s -X PUT --data "$1" "http://127.0.0.1:$PROXY/_faults" >/dev/null; }

# blob GETs in the proxy's log since line $1, as "status range" lines
blob_gets() {
	tail -n +"$1" "$TEST_DIR/proxy.log" | python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if e["method"] == "GET" and "/blobs/" in e["path"]:
        print(e["status"], e["range"] or "-", e["path"].rsplit(":", 1)[1][:12])'
}
log_lines() { wc -l <"$TEST_DIR/proxy.log"; }

REG=$(free_port)
start_registry plain "$REG"
PROXY=$(free_port)
touch "$TEST_DIR/proxy.log"
python3 "$FAULTS" proxy "$PROXY" "http://127.0.0.1:$REG" "$TEST_DIR/proxy.log" &
SERVERS+=($!)
wait_for "the proxy answers" curl -s -o /dev/null "http://127.0.0.1:$PROXY/v2/"
R=127.0.0.1:$PROXY

# --- a plain pull ------------------------------------------------------------
busybox_id=$(b image inspect -f '{{.Id}}' busybox)
expect_status "seed busybox" 0 seed busybox busybox:latest "$REG"
manifest_digest=$(skopeo inspect --tls-verify=false "docker://127.0.0.1:$REG/busybox:latest" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["Digest"])')
expect_status "pull" 0 b pull "$R/busybox"
expect_match "Docker's lines" "^Using default tag: latest
latest: Pulling from busybox
Digest: " "$out"
expect_match "the digest and the status" "Digest: $manifest_digest
Status: Downloaded newer image for $R/busybox:latest
$R/busybox:latest\$" "$out"
expect_eq "the same image id as the one pushed" "$busybox_id" "$(b image inspect -f '{{.Id}}' "$R/busybox")"
expect_eq "RepoDigests" "[$R/busybox@$manifest_digest]" "$(b image inspect -f '{{.RepoDigests}}' "$R/busybox")"
expect_match "images --digests" "$R/busybox +latest +$manifest_digest" "$(b images --digests "$R/busybox")"
expect_status "pull again" 0 b pull -q "$R/busybox"
expect_eq "-q prints the reference only" "$R/busybox:latest" "$out"
expect_status "pull again, not quiet" 0 b pull "$R/busybox:latest"
expect_match "up to date" "Status: Image is up to date for $R/busybox:latest" "$out"
expect_status "pull by digest" 0 b pull "$R/busybox@$manifest_digest"
expect_match "a digest pull names the digest" "$R/busybox@$manifest_digest\$" "$out"
expect_status "containers run from it" 0 b run --rm --network none "$R/busybox" echo pulled-ok
expect_eq "its output" "pulled-ok" "$out"
event=$(b events --since 1m --until $(($(date +%s) + 1)) --filter event=pull --format '{{.Actor.Attributes.name}}' | tail -1)
expect_eq "a pull event" "$R/busybox@$manifest_digest" "$event"

# Docker Hub through a mirror (the only way to it here): registry-mirrors
expect_status "seed the mirror" 0 seed busybox library/busybox:mirrored "$REG"
echo "{\"registry-mirrors\": [\"http://$R\"]}" >"$TEST_DIR/hub-mirror.json"
mark=$(( $(log_lines) + 1 ))
expect_status "busybox:mirrored comes from the mirror" 0 env BERTH_CONFIG="$TEST_DIR/hub-mirror.json" "$BERTH" pull busybox:mirrored
expect_match "as Docker Hub's library/busybox" '"/v2/library/busybox/manifests/mirrored"' "$(tail -n +"$mark" "$TEST_DIR/proxy.log")"
expect_match "named as Docker names it" "docker.io/library/busybox:mirrored\$" "$out"
expect_eq "the image" "$busybox_id" "$(b image inspect -f '{{.Id}}' busybox:mirrored)"

# --- run and create pull what is missing ----------------------------------------
b rmi -f "$R/busybox" >/dev/null
expect_status "run pulls a missing image" 0 b run --rm --network none "$R/busybox" echo auto
expect_eq "run's output is the container's" "auto" "$out"
expect_match "Docker's words on stderr" "Unable to find image '$R/busybox:latest' locally
latest: Pulling from busybox" "$err"
b rmi -f "$R/busybox" >/dev/null
expect_status "run -q pulls quietly" 0 b run -q --rm --network none "$R/busybox" echo quiet
expect_eq "only the container speaks" "quiet" "$out"
expect_eq "nothing on stderr" "" "$err"
expect_status "--pull never refuses a missing tag" 125 b run --rm --pull never --network none "$R/busybox:other" true
expect_match "no such image" "No such image" "$err"
expect_status "--pull always pulls first" 0 b create --pull always --network none "$R/busybox"
expect_match "it looked" "Status: Image is up to date" "$err"
b rm "$out" >/dev/null
expect_status "a bad --pull" 125 b run --pull sometimes "$R/busybox" true
expect_eq "its message" "berth: invalid pull option: 'sometimes': must be one of \"always\", \"missing\" or \"never\"" "$err"

# --- what a registry refuses, and what is not there -----------------------------
before=$(store_snapshot)
expect_status "an unknown tag" 1 b pull "$R/busybox:nope"
expect_eq "manifest unknown" "berth: manifest for $R/busybox:nope not found: manifest unknown: manifest unknown" "$err"
expect_status "run of an unknown image" 125 b run --rm "$R/nothing-here" true
expect_match "run says it" "Unable to find image '$R/nothing-here:latest' locally" "$err"
expect_match "and why" "not found: (manifest|name) unknown" "$err"
DOWN=$(free_port)
expect_status "a registry that is down" 1 b pull "127.0.0.1:$DOWN/busybox"
expect_match "connection refused" "dial tcp 127.0.0.1:$DOWN: connect: connection refused" "$err"
expect_status "a bad reference" 1 b pull "Busy/Box"
expect_match "invalid reference format" "invalid reference format" "$err"
expect_status "a platform the image is not" 1 b pull --platform linux/arm64 "$R/busybox"
expect_match "Docker's words" "does not match the specified platform: wanted linux/arm64, actual: linux/amd64" "$err"
expect_status "--platform windows" 1 b pull --platform windows/amd64 "$R/busybox"
expect_eq "the store is as it was" "$before" "$(store_snapshot)"

# manifests no registry here would store: schema 1, a list without this
# platform, a manifest whose bytes are not what its digest header says
schema1='{"schemaVersion": 1, "name": "busybox", "tag": "old", "architecture": "amd64", "fsLayers": [], "history": []}'
index='{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:'$(printf %064d 1)'", "size": 10, "platform": {"architecture": "s390x", "os": "linux"}}, {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:'$(printf %064d 2)'", "size": 10, "platform": {"architecture": "unknown", "os": "unknown"}, "annotations": {"vnd.docker.reference.type": "attestation-manifest"}}]}'
faults "$(python3 -c 'import json, sys; print(json.dumps({"canned": {
    "/v2/busybox/manifests/old": {"type": "application/vnd.docker.distribution.manifest.v1+prettyjws", "body": sys.argv[1]},
    "/v2/busybox/manifests/multi": {"type": "application/vnd.oci.image.index.v1+json", "body": sys.argv[2]},
    "/v2/busybox/manifests/lying": {"type": "application/vnd.oci.image.index.v1+json", "body": sys.argv[2],
                                    "digest": "sha256:" + "0" * 64}}}))' "$schema1" "$index")"
expect_status "schema 1" 1 b pull "$R/busybox:old"
expect_match "Docker's notice" "\\[DEPRECATION NOTICE\\] Docker Image Format v1 and Docker Image manifest version 2, schema 1 support is disabled" "$err"
expect_status "a list without this platform (only s390x and an attestation)" 1 b pull "$R/busybox:multi"
expect_eq "Docker's words" "berth: no matching manifest for linux/amd64 in the manifest list entries" "$err"
expect_status "a manifest that is not what its digest says" 1 b pull "$R/busybox:lying"
expect_match "is refused" "manifest verification failed for digest sha256:0{64}" "$err"
faults '{}'

# --- five layers, in parallel, and what is already here is not fetched ----------
parent=busybox
for i in 1 2 3 4; do
	b run --name "mk$i" --network none "$parent" sh -c "head -c 4194304 /dev/urandom > /f$i" >/dev/null
	b commit "mk$i" "layers:$i" >/dev/null
	b rm "mk$i" >/dev/null
	parent=layers:$i
done
layers_id=$(b image inspect -f '{{.Id}}' layers:4)
expect_status "seed a five-layer image" 0 seed layers:4 layers:latest "$REG"
b rmi layers:4 layers:3 layers:2 layers:1 >/dev/null
mark=$(( $(log_lines) + 1 ))
faults '{"delay": 0.01}'
expect_status "pull five layers" 0 b pull "$R/layers"
expect_eq "the same image id" "$layers_id" "$(b image inspect -f '{{.Id}}' "$R/layers")"
expect_match "the base layer is here already" "[0-9a-f]{12}: Already exists" "$out"
expect_match "each layer's lines" "([0-9a-f]{12}): Pulling fs layer.*\\1: Download complete.*\\1: Pull complete" "$out"
expect_eq "four layers fetched (not the base layer)" 4 "$(tail -n +"$mark" "$TEST_DIR/proxy.log" | grep '/blobs/' | grep -c '"bytes": 4[0-9]\{6\}')"
overlap=$(tail -n +"$mark" "$TEST_DIR/proxy.log" | python3 -c '
import json, sys
spans = [(e["start"], e["end"]) for e in map(json.loads, sys.stdin)
         if e["method"] == "GET" and "/blobs/" in e["path"] and e["bytes"] > 1000000]
print(max(sum(1 for s, e in spans if s <= t < e) for t, _ in spans))')
expect_match "layers download at once, at most three" "^[23]$" "$overlap"
expect_status "the layers are whole" 0 b run --rm --network none "$R/layers" sh -c 'test $(cat /f1 /f2 /f3 /f4 | wc -c) -eq 16777216'
expect_eq "no download is left behind" "" "$(ls "$BERTH_ROOT/downloads" 2>/dev/null)"
# a layer the store had is not recorded as being in this repository: the
# manifest's word for it was never checked (a hostile repository could name
# its own blob there, and a later push would mount it)
base_diff=$(b image inspect -f '{{index .RootFS.Layers 0}}' "$R/layers")
expect_eq "no unchecked blob recorded for the layer that was here" 0 \
	"$(sqlite3 "$BERTH_ROOT/berth.db" "SELECT count(*) FROM layer_sources WHERE diff_id = '$base_diff' AND repository = 'layers'")"
expect_eq "the four downloaded are" 4 \
	"$(sqlite3 "$BERTH_ROOT/berth.db" "SELECT count(*) FROM layer_sources WHERE repository = 'layers'")"

# --- faults: retried, resumed, refused ------------------------------------------
b rmi "$R/layers" "$R/layers@$(b image inspect -f '{{index .RepoDigests 0}}' "$R/layers" | cut -d@ -f2)" >/dev/null 2>&1
b rmi -f "$layers_id" >/dev/null 2>&1
mark=$(( $(log_lines) + 1 ))
faults '{"status": [500, 503]}'
expect_status "5xx answers are retried" 0 b pull "$R/layers"
expect_eq "same image" "$layers_id" "$(b image inspect -f '{{.Id}}' "$R/layers")"
expect_match "with Docker's countdown" "Retrying in 1 second" "$out"
expect_eq "two refusals, then the blobs" 2 "$(blob_gets "$mark" | grep -c '^50[03]')"

b rmi -f "$layers_id" >/dev/null
mark=$(( $(log_lines) + 1 ))
faults '{"truncate": [1000000]}'
expect_status "a blob cut short is resumed" 0 b pull "$R/layers"
expect_eq "same image" "$layers_id" "$(b image inspect -f '{{.Id}}' "$R/layers")"
expect_match "from where it stopped (an HTTP range)" "^20[06] bytes=1000000- " "$(blob_gets "$mark" | grep 'bytes=')"

b rmi -f "$layers_id" >/dev/null
# what a failed pull keeps is its unfinished downloads (R/downloads), to resume
store_now() { store_snapshot | grep -v '^./downloads'; }
before=$(store_now)
faults '{"corrupt": 1}'
expect_status "a corrupted blob" 1 b pull "$R/layers"
expect_match "is refused" "filesystem layer verification failed for digest sha256:([0-9a-f]{64})" "$err"
bad_blob=${BASH_REMATCH[1]}
expect_eq "nothing of it is in the store" "$before" "$(store_now)"
expect_eq "its bytes are not kept to resume from" "" "$(ls "$BERTH_ROOT/downloads/" | grep "$bad_blob")"

# manifests that lie about sizes (the registry stores what it is given)
lying_manifest() { # TAG EDIT: a copy of layers:latest with its last layer's size changed
	curl -s -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
		"http://127.0.0.1:$REG/v2/layers/manifests/latest" | python3 -c '
import json, sys
m = json.load(sys.stdin)
if sys.argv[1] == "none":
    del m["layers"][-1]["size"]
else:
    m["layers"][-1]["size"] = int(sys.argv[1])
sys.stdout.write(json.dumps(m))' "$2" |
		curl -s -o /dev/null -X PUT -H 'Content-Type: application/vnd.docker.distribution.manifest.v2+json' \
			--data-binary @- "http://127.0.0.1:$REG/v2/layers/manifests/$1"
}
lying_manifest nosize none
lying_manifest small 100000
expect_status "a layer without a size" 1 b pull "$R/layers:nosize"
expect_match "is refused" "invalid manifest: layer 4 has no size" "$err"
expect_status "a blob longer than its manifest says" 1 b pull "$R/layers:small"
expect_match "is refused" "filesystem layer verification failed for digest" "$err"
expect_eq "nothing of it is in the store" "$before" "$(store_now)"
top_blob=$(curl -s -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
	"http://127.0.0.1:$REG/v2/layers/manifests/latest" | python3 -c 'import json, sys; print(json.load(sys.stdin)["layers"][-1]["digest"][7:])')
expect_eq "and its bytes are not kept" "" "$(ls "$BERTH_ROOT/downloads/" | grep "$top_blob")"

faults '{"status": [500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500]}'
echo '{"max-download-attempts": 2}' >"$TEST_DIR/daemon.json"
expect_status "attempts run out" 1 env BERTH_CONFIG="$TEST_DIR/daemon.json" "$BERTH" pull "$R/layers"
expect_match "the registry's error" "unknown: injected" "$err"
expect_eq "the store is as it was" "$before" "$(store_now)"
faults '{}'

# interrupted_pull SIGNAL: a slow pull of layers, stopped by SIGNAL once
# its download is under way; its exit status in $pull_status. (A
# background job of a script starts with SIGINT ignored; a terminal's
# foreground pull has it at its default, as here.)
partial_grows() { [ -n "$(find "$BERTH_ROOT/downloads" -type f -size +300k 2>/dev/null)" ]; }
interrupted_pull() {
	local puller
	b rmi -f "$layers_id" >/dev/null 2>&1
	faults '{"delay": 0.05}'
	python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
		"$BERTH" pull "$R/layers" >/dev/null 2>&1 &
	puller=$!
	wait_for "the download is under way" partial_grows
	kill "-$1" "$puller"
	wait "$puller" 2>/dev/null
	pull_status=$?
	faults '{}'
}

# kill -9 in the middle, and the next pull asks only for the rest (the
# failures above left finished downloads: prune them first)
b image prune -f >/dev/null
interrupted_pull KILL
expect_eq "no image after the kill" "" "$(b images -q "$R/layers")"
mark=$(( $(log_lines) + 1 ))
expect_status "the next pull finishes the job" 0 b pull "$R/layers"
expect_eq "same image" "$layers_id" "$(b image inspect -f '{{.Id}}' "$R/layers")"
expect_match "resuming with a range" "^206 bytes=[1-9][0-9]*- " "$(blob_gets "$mark" | grep 'bytes=' | head -1)"
expect_eq "nothing left in downloads" "" "$(ls "$BERTH_ROOT/downloads")"
# Ctrl-C: the same, and Docker's status for it
interrupted_pull INT
expect_eq "Ctrl-C ends the pull with 130" 130 "$pull_status"
expect_eq "no image after Ctrl-C" "" "$(b images -q "$R/layers")"
expect_status "the next pull finishes it" 0 b pull -q "$R/layers"
expect_eq "same image" "$layers_id" "$(b image inspect -f '{{.Id}}' "$R/layers")"
# what a killed pull left is space image prune gives back
interrupted_pull KILL
expect_status "image prune" 0 b image prune -f
expect_match "counts the downloads it removed" "Total reclaimed space: [1-9]" "$out"
expect_eq "downloads are gone" "" "$(ls "$BERTH_ROOT/downloads")"

# two berth processes pulling the same image at once
b rmi -f "$layers_id" >/dev/null
faults '{"delay": 0.005}'
"$BERTH" pull -q "$R/layers" >"$TEST_DIR/p1" 2>&1 &
p1=$!
"$BERTH" pull -q "$R/layers" >"$TEST_DIR/p2" 2>&1 &
p2=$!
wait "$p1"; s1=$?
wait "$p2"; s2=$?
expect_eq "two pulls at once both succeed" "0 0" "$s1 $s2"
expect_eq "one image" "$layers_id" "$(b image inspect -f '{{.Id}}' "$R/layers")"
expect_status "and it runs" 0 b run --rm --network none "$R/layers" test -s /f4
faults '{}'

# --- push ---------------------------------------------------------------------------
b tag busybox "$R/pushed:1"
mark=$(( $(log_lines) + 1 ))
expect_status "push" 0 b push "$R/pushed:1"
expect_match "Docker's lines" "^The push refers to repository \[$R/pushed\]
[0-9a-f]{12}: Preparing
[0-9a-f]{12}: (Pushed|Mounted from layers)
1: digest: (sha256:[0-9a-f]{64}) size: [0-9]+\$" "$out"
pushed_digest=${BASH_REMATCH[2]}
expect_eq "the registry has that manifest" "$pushed_digest" \
	"$(skopeo inspect --tls-verify=false "docker://127.0.0.1:$REG/pushed:1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Digest"])')"
expect_match "the pushed digest is a RepoDigest" "$R/pushed@$pushed_digest" "$(b image inspect -f '{{.RepoDigests}}' busybox)"
expect_status "push again" 0 b push "$R/pushed:1"
expect_match "nothing is uploaded twice" "Layer already exists" "$out"
expect_eq "the same digest (the same bytes)" "$pushed_digest" "$(echo "$out" | sed -n 's/^1: digest: \(sha256:[0-9a-f]*\) .*/\1/p')"
expect_eq "no upload the second time" 0 "$(tail -n +"$mark" "$TEST_DIR/proxy.log" | grep -c '"method": "PUT", "path": "/v2/pushed/blobs')"
b tag busybox "$R/elsewhere:2"
expect_status "push to another repository" 0 b push "$R/elsewhere:2"
expect_match "the layer is mounted, not uploaded" "[0-9a-f]{12}: Mounted from pushed" "$out"
expect_status "push -q" 0 b push -q "$R/elsewhere:2"
expect_eq "prints the reference" "$R/elsewhere:2" "$out"
b tag busybox "$R/elsewhere:3"
expect_status "push -a" 0 b push -a "$R/elsewhere"
expect_match "every tag" "2: digest: .*3: digest: " "$(echo $out)"
expect_status "a tag with -a" 1 b push -a "$R/elsewhere:2"
expect_eq "Docker's words" "berth: tag can't be used with --all-tags/-a" "$err"
b rmi "$R/elsewhere:2" "$R/elsewhere:3" >/dev/null
expect_status "pull -a" 0 b pull -a "$R/elsewhere"
expect_match "pulls every tag" "(2|3): Pulling from elsewhere.*(2|3): Pulling from elsewhere" "$(echo $out)"
expect_match "and names the repository" "$R/elsewhere\$" "$out"
expect_eq "both tags are here" "2 3" "$(b images --format '{{.Tag}}' "$R/elsewhere" | sort | xargs)"
expect_status "manifest inspect" 0 b manifest inspect "$R/pushed:1"
expect_eq "the manifest as the registry has it" "$pushed_digest" "$(printf '%s' "$(echo "$out" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
print(json.dumps(doc, indent=3))')" | sha256sum | sed 's/^/sha256:/; s/ .*//')"
expect_eq "indented with tabs, as Docker" $'{\n\t"schemaVersion": 2,' "$(echo "$out" | head -2)"
expect_status "manifest inspect -v" 0 b manifest inspect -v "$R/pushed:1"
expect_match "the descriptor" "\"digest\": \"$pushed_digest\"" "$out"
expect_status "manifest inspect of nothing" 1 b manifest inspect "$R/pushed:404"
expect_eq "Docker's words" "berth: no such manifest: $R/pushed:404" "$err"
# search: a distribution registry has no v1 search; its catalog is searched
expect_status "search" 0 b search "$R/elsewh"
expect_eq "Docker's columns" "NAME DESCRIPTION STARS OFFICIAL" "$(head -1 <<<"$out" | xargs)"
expect_eq "the repository, named with its registry" "$R/elsewhere" "$(sed -n 2p <<<"$out" | awk '{print $1}')"
expect_eq "every repository holding the word" "$R/elsewhere $R/pushed" \
	"$(b search --format '{{.Name}}' "$R/e" | grep -E '/(elsewhere|pushed)$' | xargs)"
expect_eq "search --limit" 1 "$(b search --limit 1 --format '{{.Name}}' "$R/" | wc -l)"
expect_eq "search -f stars=1: the catalog has no stars" "" "$(b search -f stars=1 --format '{{.Name}}' "$R/elsewhere")"
expect_status "search --limit outside 1-100" 1 b search --limit 101 "$R/x"
expect_eq "Docker's words" "berth: limit 101 is outside the range of [1, 100]" "$err"
expect_status "search: an unknown filter" 1 b search -f nope=1 "$R/x"
expect_eq "Docker's words" "berth: invalid filter 'nope'" "$err"
expect_status "search a registry that is down" 1 b search "127.0.0.1:$DOWN/x"
expect_match "why" "connection refused" "$err"
# the same through the Engine API, for the docker CLI and docker-py
"$BERTH" daemon -H "unix://$TEST_DIR/api.sock" >"$TEST_DIR/daemon.log" 2>&1 &
search_daemon=$!
SERVERS+=("$search_daemon")
wait_for "the daemon answers" curl -sf --unix-socket "$TEST_DIR/api.sock" http://docker/_ping
expect_status "docker search through berth's daemon" 0 env DOCKER_HOST="unix://$TEST_DIR/api.sock" docker search "$R/elsewh"
expect_eq "the docker CLI shows the repository" "$R/elsewhere" "$(sed -n 2p <<<"$out" | awk '{print $1}')"
expect_eq "GET /images/search" "[{\"name\":\"$R/elsewhere\",\"description\":\"\",\"star_count\":0,\"is_official\":false,\"is_automated\":false}]" \
	"$(curl -s --unix-socket "$TEST_DIR/api.sock" "http://docker/v1.44/images/search?term=$R/elsewh")"
expect_eq "GET /images/search: the limit checked" 400 \
	"$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$TEST_DIR/api.sock" "http://docker/images/search?term=$R/x&limit=500")"
# GET /distribution: the registry's descriptor and platforms for a reference
dist=$(curl -s --unix-socket "$TEST_DIR/api.sock" "http://docker/v1.44/distribution/$R/pushed:1/json")
expect_eq "GET /distribution: the manifest's digest and the platform" \
	"$pushed_digest linux/$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')" \
	"$(python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["Descriptor"]["digest"], "%s/%s" % (d["Platforms"][0]["os"], d["Platforms"][0]["architecture"]))' <<<"$dist")"
expect_eq "GET /distribution of nothing" 404 \
	"$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$TEST_DIR/api.sock" "http://docker/distribution/$R/pushed:404/json")"
kill "$search_daemon"
wait "$search_daemon" 2>/dev/null
expect_status "push what is not here" 1 b push "$R/absent:1"
expect_eq "Docker's words" "berth: An image does not exist locally with the tag: $R/absent" "$err"
expect_status "pull what berth pushed" 0 b pull "$R/pushed:1"
expect_match "it is the same image" "Image is up to date" "$out"
expect_status "skopeo reads it" 0 skopeo copy --quiet --src-tls-verify=false "docker://127.0.0.1:$REG/pushed:1" "oci:$TEST_DIR/oci:pushed"
# an image pulled with zstd layers (an OCI manifest) is the same image
expect_status "skopeo writes zstd layers" 0 skopeo copy --quiet --src-tls-verify=false --dest-tls-verify=false \
	--dest-compress-format zstd --format oci "docker://127.0.0.1:$REG/layers:latest" "docker://127.0.0.1:$REG/zstd:1"
expect_status "pull a zstd image" 0 b pull "$R/zstd:1"
# (skopeo rewrote the config as OCI's: a new image ID, the same layers)
expect_eq "the layers of the gzip one" "$(b image inspect -f '{{.RootFS.Layers}}' "$layers_id")" "$(b image inspect -f '{{.RootFS.Layers}}' "$R/zstd:1")"
expect_status "its files" 0 b run --rm --network none "$R/zstd:1" test -s /f4

# a hostile catalog: pages without end, names with escapes in them; a
# search stops at its limit and shows no control character
ENDLESS=$(free_port)
python3 - "$ENDLESS" >"$TEST_DIR/endless.log" 2>&1 <<'PY' &
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith('/v2/_catalog'):
            names = ['repo%05d' % i for i in range(5000)] + ['bad\x1b[31mname', 'ok/evil']
            body = json.dumps({'repositories': names}).encode()
            self.send_response(200)
            self.send_header('Link', '</v2/_catalog?n=1000&last=x>; rel="next"')
        elif self.path.startswith('/v2/'):
            body = b'{}'
            self.send_response(200)
        else:
            body = b'404'
            self.send_response(404)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
PY
SERVERS+=($!)
wait_for "the endless catalog answers" curl -sf -o /dev/null "http://127.0.0.1:$ENDLESS/v2/"
t0=$(date +%s%N)
expect_status "search an endless catalog" 0 b search --limit 3 --format '{{.Name}}' "127.0.0.1:$ENDLESS/"
expect_eq "stops at its limit" "127.0.0.1:$ENDLESS/repo00000 127.0.0.1:$ENDLESS/repo00001 127.0.0.1:$ENDLESS/repo00002" "$(echo $out)"
expect_eq "at once, not page after page" 1 "$(( ($(date +%s%N) - t0) / 1000000000 < 5 ))"
expect_eq "a name with an escape is not a repository's" "127.0.0.1:$ENDLESS/ok/evil" "$(b search --limit 1 --format '{{.Name}}' "127.0.0.1:$ENDLESS/evil")"
expect_eq "and a word without a match ends with the pages, nothing found" "" "$(b search --format '{{.Name}}' "127.0.0.1:$ENDLESS/nomatch")"
expect_status "a registry name that would change the URL" 1 b search "127.0.0.1:$ENDLESS#/x"
expect_match "is refused" 'invalid registry name in search term' "$err"

# --- basic auth, login and logout -------------------------------------------------
AUTH=$(free_port)
htpasswd -Bbn alice s3cret >"$TEST_DIR/htpasswd" 2>/dev/null
start_registry basic "$AUTH" "auth: {htpasswd: {realm: berth-test, path: $TEST_DIR/htpasswd}}"
expect_status "seed the private registry" 0 seed busybox private/box:1 "$AUTH" alice:s3cret
expect_status "a pull without credentials" 1 b pull "127.0.0.1:$AUTH/private/box:1"
expect_match "no basic auth credentials" "no basic auth credentials" "$err"
expect_status "a wrong password" 1 b login -u alice -p wrong "127.0.0.1:$AUTH"
expect_match "is refused" "login attempt to http://127.0.0.1:$AUTH/v2/ failed with status: 401 Unauthorized" "$err"
expect_eq "and not stored" "" "$(cat "$DOCKER_CONFIG/config.json" 2>/dev/null)"
expect_status "login from stdin" 0 sh -c "echo s3cret | '$BERTH' login -u alice --password-stdin 127.0.0.1:$AUTH"
expect_eq "Login Succeeded" "Login Succeeded" "$out"
expect_eq "config.json is the user's alone" "600" "$(stat -c %a "$DOCKER_CONFIG/config.json")"
expect_eq "Docker's format" "$(printf 'alice:s3cret' | base64)" \
	"$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["auths"][sys.argv[2]]["auth"])' "$DOCKER_CONFIG/config.json" "127.0.0.1:$AUTH")"
expect_status "pull with the stored credentials" 0 b pull "127.0.0.1:$AUTH/private/box:1"
expect_eq "search with the stored credentials" "127.0.0.1:$AUTH/private/box" \
	"$(b search --format '{{.Name}}' "127.0.0.1:$AUTH/private")"
# the daemon speaks to a registry with its client's credentials alone,
# never with those its own user stored
"$BERTH" daemon -H "unix://$TEST_DIR/auth-api.sock" >"$TEST_DIR/daemon2.log" 2>&1 &
auth_daemon=$!
SERVERS+=("$auth_daemon")
wait_for "the daemon answers" curl -sf --unix-socket "$TEST_DIR/auth-api.sock" http://docker/_ping
expect_match "the daemon's search without the client's credentials is refused" '"message":".*(unauthorized|credentials)' \
	"$(curl -s --unix-socket "$TEST_DIR/auth-api.sock" "http://docker/images/search?term=127.0.0.1:$AUTH/private")"
creds=$(printf '{"username":"alice","password":"s3cret","serveraddress":"127.0.0.1:%s"}' "$AUTH" | base64 -w0 | tr '+/' '-_')
expect_match "and answered with them" "127.0.0.1:$AUTH/private/box" \
	"$(curl -s -H "X-Registry-Auth: $creds" --unix-socket "$TEST_DIR/auth-api.sock" "http://docker/images/search?term=127.0.0.1:$AUTH/private")"
kill "$auth_daemon"
wait "$auth_daemon" 2>/dev/null
expect_status "login again uses them" 0 b login "127.0.0.1:$AUTH"
expect_match "Docker's words" "Authenticating with existing credentials" "$out"
expect_status "-p warns" 0 b login -u alice -p s3cret "127.0.0.1:$AUTH"
expect_match "the warning" "WARNING! Using --password via the CLI is insecure" "$err"
expect_status "logout" 0 b logout "127.0.0.1:$AUTH"
expect_eq "Docker's words" "Removing login credentials for 127.0.0.1:$AUTH" "$out"
expect_status "logout again" 0 b logout "127.0.0.1:$AUTH"
expect_eq "not logged in" "Not logged in to 127.0.0.1:$AUTH" "$out"
expect_status "no login from a pipe without a username" 1 sh -c "'$BERTH' login 127.0.0.1:$AUTH </dev/null"
expect_match "Docker's words" "Cannot perform an interactive login from a non TTY device" "$err"
expect_status "--password-stdin needs --username" 1 sh -c "echo x | '$BERTH' login --password-stdin 127.0.0.1:$AUTH"
# a hand-written config.json in Docker's format, a URL as its key
mkdir -p "$DOCKER_CONFIG"
printf '{"auths": {"http://127.0.0.1:%s/v1/": {"auth": "%s"}}}\n' "$AUTH" "$(printf alice:s3cret | base64)" >"$DOCKER_CONFIG/config.json"
b rmi "127.0.0.1:$AUTH/private/box:1" >/dev/null
expect_status "credentials written by the docker CLI" 0 b pull "127.0.0.1:$AUTH/private/box:1"
b tag busybox "127.0.0.1:$AUTH/private/pushed:1"
expect_status "push with basic auth" 0 b push "127.0.0.1:$AUTH/private/pushed:1"
rm "$DOCKER_CONFIG/config.json"
expect_status "push without credentials" 1 b push "127.0.0.1:$AUTH/private/pushed:1"
expect_match "no basic auth credentials" "no basic auth credentials" "$err"

# a credential helper (credsStore): docker-credential-<name> get/store/erase
mkdir -p "$TEST_DIR/bin"
cat >"$TEST_DIR/bin/docker-credential-berthtest" <<EOF
#!/usr/bin/env python3
import json, os, sys
path = "$TEST_DIR/helper-store.json"
store = json.load(open(path)) if os.path.exists(path) else {}
action, data = sys.argv[1], sys.stdin.read().strip()
open("$TEST_DIR/helper.log", "a").write(action + "\n")
if action == "get":
    if data not in store:
        print("credentials not found in native keychain")
        sys.exit(1)
    print(json.dumps({"ServerURL": data, "Username": store[data][0], "Secret": store[data][1]}))
elif action == "store":
    doc = json.loads(data)
    store[doc["ServerURL"]] = [doc["Username"], doc["Secret"]]
elif action == "erase":
    store.pop(data, None)
json.dump(store, open(path, "w"))
EOF
chmod +x "$TEST_DIR/bin/docker-credential-berthtest"
mkdir -p "$DOCKER_CONFIG"
echo '{"credsStore": "berthtest"}' >"$DOCKER_CONFIG/config.json"
b rmi "127.0.0.1:$AUTH/private/box:1" >/dev/null
expect_status "login through the helper" 0 env PATH="$TEST_DIR/bin:$PATH" "$BERTH" login -u alice -p s3cret "127.0.0.1:$AUTH"
expect_eq "the helper holds it, config.json does not" '{"credsStore": "berthtest"}' "$(cat "$DOCKER_CONFIG/config.json")"
expect_match "the helper was asked to store" "store" "$(cat "$TEST_DIR/helper.log")"
expect_status "pull with the helper's credentials" 0 env PATH="$TEST_DIR/bin:$PATH" "$BERTH" pull "127.0.0.1:$AUTH/private/box:1"
expect_status "logout through the helper" 0 env PATH="$TEST_DIR/bin:$PATH" "$BERTH" logout "127.0.0.1:$AUTH"
expect_eq "it forgot" "{}" "$(cat "$TEST_DIR/helper-store.json")"
expect_status "and pulls need credentials again" 1 env PATH="$TEST_DIR/bin:$PATH" "$BERTH" pull "127.0.0.1:$AUTH/private/box:1"
expect_status "a helper that is not installed" 1 b pull "127.0.0.1:$AUTH/private/box:1"
expect_match "says so" "docker-credential-berthtest" "$err"
# credHelpers: a helper for this registry only
printf '{"credHelpers": {"127.0.0.1:%s": "berthtest"}}\n' "$AUTH" >"$DOCKER_CONFIG/config.json"
expect_status "login through credHelpers" 0 env PATH="$TEST_DIR/bin:$PATH" "$BERTH" login -u alice -p s3cret "127.0.0.1:$AUTH"
expect_status "pull through credHelpers" 0 env PATH="$TEST_DIR/bin:$PATH" "$BERTH" pull "127.0.0.1:$AUTH/private/box:1"
expect_status "logout through credHelpers" 0 env PATH="$TEST_DIR/bin:$PATH" "$BERTH" logout "127.0.0.1:$AUTH"
rm -f "$DOCKER_CONFIG/config.json"
expect_status "logout with no server: Docker Hub" 0 b logout
expect_eq "under Docker Hub's key" "Not logged in to https://index.docker.io/v1/" "$out"

# --- token auth ---------------------------------------------------------------------
rm -f "$DOCKER_CONFIG/config.json"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=berth-token -keyout "$TEST_DIR/token.key" \
	-out "$TEST_DIR/token.crt" >/dev/null 2>&1
TOKEN=$(free_port)
python3 "$FAULTS" token "$TOKEN" "$TEST_DIR/token.key" "$TEST_DIR/token.crt" bob:hunter2 berth-issuer &
SERVERS+=($!)
wait_for "the token server answers" curl -s -o /dev/null "http://127.0.0.1:$TOKEN/token"
TREG=$(free_port)
start_registry token "$TREG" "auth: {token: {realm: \"http://127.0.0.1:$TOKEN/token\", service: berth-test, issuer: berth-issuer, rootcertbundle: $TEST_DIR/token.crt}}"
expect_status "seed through token auth" 0 seed busybox team/box:1 "$TREG" bob:hunter2
expect_status "an anonymous pull" 1 b pull "127.0.0.1:$TREG/team/box:1"
expect_match "pull access denied" "pull access denied for 127.0.0.1:$TREG/team/box, repository does not exist or may require 'docker login'" "$err"
expect_status "a wrong password at the token server" 1 b login -u bob -p nope "127.0.0.1:$TREG"
expect_match "its refusal" "unauthorized: incorrect username or password" "$err"
expect_status "login" 0 b login -u bob -p hunter2 "127.0.0.1:$TREG"
expect_status "pull with a token" 0 b pull "127.0.0.1:$TREG/team/box:1"
expect_eq "same image" "$busybox_id" "$(b image inspect -f '{{.Id}}' "127.0.0.1:$TREG/team/box:1")"
b tag busybox "127.0.0.1:$TREG/team/mine:1"
expect_status "push with a token" 0 b push "127.0.0.1:$TREG/team/mine:1"
b tag busybox "127.0.0.1:$TREG/team/other:1"
expect_status "push to another repository (a token for both)" 0 b push "127.0.0.1:$TREG/team/other:1"
expect_match "mounted" "Mounted from team/mine" "$out"
b logout "127.0.0.1:$TREG" >/dev/null
# an identity token (an OAuth2 refresh token) in config.json, as Docker keeps one
mkdir -p "$DOCKER_CONFIG"
printf '{"auths": {"127.0.0.1:%s": {"identitytoken": "bob-refresh"}}}\n' "$TREG" >"$DOCKER_CONFIG/config.json"
b rmi "127.0.0.1:$TREG/team/box:1" >/dev/null
expect_status "pull with an identity token" 0 b pull "127.0.0.1:$TREG/team/box:1"
printf '{"auths": {"127.0.0.1:%s": {"identitytoken": "nobody-refresh"}}}\n' "$TREG" >"$DOCKER_CONFIG/config.json"
expect_status "a wrong identity token" 1 b pull "127.0.0.1:$TREG/team/box:1"
expect_match "is refused" "invalid refresh token" "$err"
rm -f "$DOCKER_CONFIG/config.json"
expect_status "push without credentials" 1 b push "127.0.0.1:$TREG/team/other:1"
expect_match "is refused" "unauthorized|denied" "$err"

# --- the console: p pulls (Tab completes local names), u pushes, at 80x24 ------------
if command -v tmux >/dev/null; then
	SOCK=$TEST_DIR/tmux.sock
	printf 'set -g default-terminal tmux-256color\nset -g status off\nset -g escape-time 0\n' >"$TEST_DIR/tmux.conf"
	tm() { tmux -S "$SOCK" -f "$TEST_DIR/tmux.conf" "$@"; }
	screen_has() { tm capture-pane -p -t tui | grep -qF -- "$1"; }
	expect_screen() {
		local i
		for i in $(seq 100); do screen_has "$2" && { ok; return; }; sleep 0.05; done
		bad "$1: '$2' not on the screen"
		tm capture-pane -p -t tui | sed 's/^/    | /'
	}
	b rmi "$R/pushed:1" >/dev/null 2>&1
	tm new-session -d -s tui -x 80 -y 24 -e BERTH_ROOT="$BERTH_ROOT" -e BERTH_RUN="$BERTH_RUN" \
		-e BERTH_CGROUP_PARENT="$BERTH_CGROUP_PARENT" -e DOCKER_CONFIG="$DOCKER_CONFIG" -e LANG=C.UTF-8 \
		"$BERTH; sleep 600"
	expect_screen "the console is up" "CONTAINER ID"
	tm send-keys -t tui 2
	expect_screen "the images pane" "REPOSITORY"
	tm send-keys -t tui p
	expect_screen "the pull prompt" "pull (name[:tag|@digest]):"
	tm send-keys -t tui "$R/elsew" Tab
	expect_screen "Tab completes a local name" "$R/elsewhere:"
	tm send-keys -t tui C-u "$R/pushed:1" Enter
	expect_screen "pulled, with the digest" "pulled $R/pushed:1 sha256:"
	wait_for "the image is back" sh -c "'$BERTH' image inspect '$R/pushed:1'"
	b tag busybox "$R/from-console:1"
	# (a pull once closed the console's stdin: the keys after it went nowhere)
	tm send-keys -t tui p C-u "$R/absent-here:1" Enter
	expect_screen "a failed pull says why (the cause, when the line is short)" "not found: manifest unknown: manifest unknown"
	tm send-keys -t tui u
	expect_screen "u offers the selected tag" "push: "
	tm send-keys -t tui C-u "$R/from-console:1" Enter
	expect_screen "pushed, with the digest" "pushed $R/from-console:1 sha256:"
	expect_status "the registry has it" 0 skopeo inspect --tls-verify=false "docker://127.0.0.1:$REG/from-console:1"
	tm kill-session -t tui
	tm kill-server 2>/dev/null
fi

finish
