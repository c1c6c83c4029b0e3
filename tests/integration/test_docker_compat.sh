#!/bin/bash
# Images move between berth and Docker both ways: berth's `save` loads into
# a real dockerd and runs there, and Docker's `save` loads into berth and
# runs here. The script starts its own dockerd (private data root and
# socket, no bridge, no iptables) and stops it at the end.
source "$(dirname "$0")/lib.sh"
busybox_image

command -v dockerd >/dev/null || { echo "test_docker_compat: dockerd missing (apt-get install docker.io)"; exit 1; }
export DOCKER_HOST=unix://$TEST_DIR/docker.sock
dockerd --data-root "$TEST_DIR/docker" --exec-root "$TEST_DIR/dx" --pidfile "$TEST_DIR/docker.pid" \
	-H "$DOCKER_HOST" --bridge=none --iptables=false --ip6tables=false \
	>"$TEST_DIR/dockerd.log" 2>&1 &
dockerd_pid=$!
stop_dockerd() {
	docker ps -aq 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1
	kill "$dockerd_pid" 2>/dev/null
	wait "$dockerd_pid" 2>/dev/null
	grep -F " $TEST_DIR/" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r umount -l
	cleanup
}
trap stop_dockerd EXIT
for _ in $(seq 150); do docker version >/dev/null 2>&1 && break; sleep 0.2; done
expect_status "dockerd answers" 0 docker version --format '{{.Server.Version}}'

# berth -> Docker
b tag busybox berthbox:1
expect_status "berth save" 0 b save -o "$TEST_DIR/from-berth.tar" berthbox:1
expect_status "docker load of berth's archive" 0 docker load -i "$TEST_DIR/from-berth.tar"
expect_match "docker names it" 'Loaded image: berthbox:1' "$out"
expect_eq "same image id in Docker" "$(b image inspect -f '{{.Id}}' berthbox:1)" "$(docker image inspect -f '{{.Id}}' berthbox:1)"
expect_status "docker runs it" 0 docker run --rm --network none berthbox:1 echo hello-from-docker
expect_eq "docker run output" "hello-from-docker" "$out"

# Docker -> berth: an image Docker built itself (a layer on top of ours)
mkdir "$TEST_DIR/context"
printf 'FROM berthbox:1\nRUN echo made-by-docker >/marker && rm /etc/shadow\nCMD ["cat", "/marker"]\n' >"$TEST_DIR/context/Dockerfile"
expect_status "docker builds a layer" 0 env DOCKER_BUILDKIT=0 docker build -q --network none -t dockerbox:2 "$TEST_DIR/context"
expect_status "docker save" 0 docker save -o "$TEST_DIR/from-docker.tar" dockerbox:2
expect_status "berth load of Docker's archive" 0 b load -i "$TEST_DIR/from-docker.tar"
expect_match "berth names it" 'Loaded image: dockerbox:2' "$out"
expect_eq "same image id in berth" "$(docker image inspect -f '{{.Id}}' dockerbox:2)" "$(b image inspect -f '{{.Id}}' dockerbox:2)"
expect_status "berth runs Docker's image" 0 b run --rm dockerbox:2
expect_eq "the layer's file" "made-by-docker" "$out"
expect_status "the whiteout is honoured" 1 b run --rm dockerbox:2 ls /etc/shadow
expect_status "history has both layers" 0 b history -q dockerbox:2
expect_match "two or more rows" $'\n' "$out"

finish
