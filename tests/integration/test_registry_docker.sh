#!/bin/bash
# berth and Docker share registries: an image berth pushes, Docker pulls
# with the same ID and digest, and the reverse; credentials stored by
# `docker login` serve berth and the reverse. Docker's dockerd is the
# test's own (scripts/private-dockerd.sh: its own network namespace), and
# the registries run in that namespace on its loopback; berth's pulls and
# pushes run there too (nsenter: a pull is a host process that only needs
# to reach the registry).
source "$(dirname "$0")/lib.sh"
busybox_image

export DOCKER_CONFIG=$TEST_DIR/docker-config
export DOCKER_HOST
DOCKER_HOST=$("$SOURCE_DIR/scripts/private-dockerd.sh" start "$TEST_DIR/dockerd")
NETNS=berth-dockerd-$(echo "$TEST_DIR/dockerd" | md5sum | cut -c1-12)
SERVERS=()
stop_all() {
	local p
	for p in "${SERVERS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	"$SOURCE_DIR/scripts/private-dockerd.sh" stop "$TEST_DIR/dockerd"
	cleanup
}
trap stop_all EXIT
expect_status "dockerd answers" 0 docker version --format '{{.Server.Version}}'

in_ns() { nsenter --net="/run/netns/$NETNS" "$@"; }
bn() { in_ns env DOCKER_HOST= "$BERTH" "$@"; }

# start_registry NAME PORT [YAML...]: a docker-registry on the namespace's 127.0.0.1:PORT
start_registry() {
	local dir=$TEST_DIR/$1 port=$2
	shift 2
	mkdir -p "$dir"
	{
		echo "version: 0.1"
		echo "log: {level: error}"
		echo "storage: {filesystem: {rootdirectory: $dir/data}}"
		echo "http: {addr: 127.0.0.1:$port}"
		printf '%s\n' "$@"
	} >"$dir/config.yml"
	# nsenter itself, not the in_ns function: $! must be the registry
	# (a backgrounded function is a subshell, and killing it leaves the
	# registry running)
	nsenter --net="/run/netns/$NETNS" docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
	SERVERS+=($!)
	wait_for "registry $dir answers" in_ns curl -s -o /dev/null "http://127.0.0.1:$port/v2/"
}
start_registry plain 5000
R=127.0.0.1:5000

# --- berth -> Docker ---------------------------------------------------------------
b tag busybox "$R/from-berth:1"
expect_status "berth pushes" 0 bn push "$R/from-berth:1"
berth_digest=$(echo "$out" | sed -n 's/^1: digest: \(sha256:[0-9a-f]*\) .*/\1/p')
expect_match "a digest" "^sha256:[0-9a-f]{64}$" "$berth_digest"
expect_status "docker pulls it" 0 docker pull "$R/from-berth:1"
expect_eq "the same image id in Docker" "$(b image inspect -f '{{.Id}}' "$R/from-berth:1")" \
	"$(docker image inspect -f '{{.Id}}' "$R/from-berth:1")"
expect_eq "the same digest in Docker" "[$R/from-berth@$berth_digest]" \
	"$(docker image inspect -f '{{.RepoDigests}}' "$R/from-berth:1")"
expect_status "docker runs it" 0 docker run --rm --network none "$R/from-berth:1" echo from-berth
expect_eq "its output" "from-berth" "$out"

# --- Docker -> berth: an image Docker built and pushed ---------------------------------
mkdir "$TEST_DIR/context"
printf 'FROM %s/from-berth:1\nRUN echo made-by-docker >/marker && rm /etc/shadow\nCMD ["cat", "/marker"]\n' "$R" \
	>"$TEST_DIR/context/Dockerfile"
expect_status "docker builds a layer" 0 env DOCKER_BUILDKIT=0 docker build -q --network none -t "$R/from-docker:1" "$TEST_DIR/context"
expect_status "docker pushes" 0 docker push "$R/from-docker:1"
docker_digest=$(docker image inspect -f '{{index .RepoDigests 0}}' "$R/from-docker:1" | cut -d@ -f2)
expect_status "berth pulls it" 0 bn pull "$R/from-docker:1"
expect_match "the base layer was here" "Already exists" "$out"
expect_eq "the same image id in berth" "$(docker image inspect -f '{{.Id}}' "$R/from-docker:1")" \
	"$(b image inspect -f '{{.Id}}' "$R/from-docker:1")"
expect_eq "the same digest in berth" "[$R/from-docker@$docker_digest]" \
	"$(b image inspect -f '{{.RepoDigests}}' "$R/from-docker:1")"
expect_status "berth runs it" 0 b run --rm --network none "$R/from-docker:1"
expect_eq "the layer's file" "made-by-docker" "$out"
expect_status "the whiteout is honoured" 1 b run --rm --network none "$R/from-docker:1" ls /etc/shadow
# and berth pushes Docker's image elsewhere: the blobs are mounted, and the
# manifest berth writes names the very layers Docker pushed
b tag "$R/from-docker:1" "$R/copied:1"
expect_status "to another repository" 0 bn push "$R/copied:1"
expect_match "mounting, not uploading" "Mounted from from-docker" "$out"
expect_status "docker pulls that" 0 docker pull "$R/copied:1"
expect_eq "the same image" "$(b image inspect -f '{{.Id}}' "$R/copied:1")" "$(docker image inspect -f '{{.Id}}' "$R/copied:1")"

# --- skopeo copies within the registry, both ways ---------------------------------------
expect_status "skopeo copies berth's image" 0 in_ns skopeo copy --quiet --src-tls-verify=false --dest-tls-verify=false \
	"docker://$R/from-berth:1" "docker://$R/by-skopeo:1"
expect_status "berth pulls skopeo's copy" 0 bn pull "$R/by-skopeo:1"
expect_eq "the same digest (skopeo kept the manifest)" "$R/by-skopeo@$berth_digest" \
	"$(b image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' "$R/by-skopeo:1" | grep by-skopeo)"

# --- credentials: docker login serves berth, berth login serves Docker ------------------
htpasswd -Bbn alice s3cret >"$TEST_DIR/htpasswd" 2>/dev/null
start_registry private 5001 "auth: {htpasswd: {realm: berth-test, path: $TEST_DIR/htpasswd}}"
P=127.0.0.1:5001
expect_status "docker login" 0 sh -c "echo s3cret | docker login -u alice --password-stdin $P"
b tag busybox "$P/team/box:1"
expect_status "berth pushes with Docker's stored login" 0 bn push "$P/team/box:1"
expect_status "docker logout" 0 docker logout "$P"
expect_status "berth no longer can" 1 bn push "$P/team/box:1"
expect_status "berth login" 0 in_ns sh -c "echo s3cret | '$BERTH' login -u alice --password-stdin $P"
expect_status "berth's login is valid: berth login again, no password" 0 bn login "$P"
expect_status "docker pulls with berth's stored login" 0 docker pull "$P/team/box:1"
expect_status "berth logout" 0 b logout "$P"
expect_status "docker no longer can" 1 docker pull "$P/team/box:1"

finish
