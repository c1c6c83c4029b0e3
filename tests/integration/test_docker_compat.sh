#!/bin/bash
# Images move between berth and Docker both ways: berth's `save` loads into
# a real dockerd and runs there, and Docker's `save` loads into berth and
# runs here; an image berth built runs in Docker as the one Docker built
# from the same Dockerfile. The script starts its own dockerd (scripts/private-dockerd.sh:
# private data root and socket, no iptables, its own network namespace) and
# stops it at the end; the host's bridges (a docker0 among them) are as they
# were.
source "$(dirname "$0")/lib.sh"
busybox_image

# the host's bridges but this test's berth's own (its default bridge)
host_bridges() {
	ip -o link show type bridge 2>/dev/null | awk -F': ' '{print $2}' |
		grep -vxF "$(sqlite3 "$BERTH_ROOT/berth.db" "SELECT bridge FROM networks WHERE bridge != ''" 2>/dev/null)" | sort
}
host_bridges=$(host_bridges)
export DOCKER_HOST
DOCKER_HOST=$("$SOURCE_DIR/scripts/private-dockerd.sh" start "$TEST_DIR/dockerd")
stop_dockerd() {
	"$SOURCE_DIR/scripts/private-dockerd.sh" stop "$TEST_DIR/dockerd"
	cleanup
}
trap stop_dockerd EXIT
expect_status "dockerd answers" 0 docker version --format '{{.Server.Version}}'
# its own network namespace: its --bridge=none cannot touch the host's docker0
dockerd_pid=$(cat "$TEST_DIR/dockerd/dockerd.pid")
expect_eq "dockerd runs in a network namespace of its own" "different" \
	"$([ "$(readlink /proc/"$dockerd_pid"/ns/net)" != "$(readlink /proc/self/ns/net)" ] && echo different || echo same)"

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

# berth build -> Docker: the same Dockerfile built by both, each image run by
# Docker, the same results (files, owners, modes, config, whiteouts)
mkdir -p "$TEST_DIR/bctx/sub"
echo from-context >"$TEST_DIR/bctx/a.txt"
echo nested >"$TEST_DIR/bctx/sub/n.txt"
cat >"$TEST_DIR/bctx/Dockerfile" <<'DOCKERFILE'
FROM berthbox:1
ARG WHO=world
ENV GREETING="hello ${WHO}"
WORKDIR /app
COPY a.txt ./
COPY --chown=1000:1000 sub/ /app/sub/
RUN echo "$GREETING" >greeting && chmod 640 greeting && rm /etc/shadow && mkdir -p /var/x && touch /var/x/y
USER 1000
EXPOSE 8080
LABEL stage=compat
CMD ["sh", "-c", "cat /app/greeting /app/a.txt /app/sub/n.txt; stat -c '%u:%g %a' /app/greeting /app/sub/n.txt; ls /etc/shadow 2>/dev/null | wc -l; id -u; pwd"]
DOCKERFILE
expect_status "berth builds it" 0 b build -q -t builtbyberth:1 "$TEST_DIR/bctx"
expect_status "save" 0 b save -o "$TEST_DIR/built.tar" builtbyberth:1
expect_status "docker loads berth's build" 0 docker load -i "$TEST_DIR/built.tar"
expect_eq "same id in Docker" "$(b image inspect -f '{{.Id}}' builtbyberth:1)" "$(docker image inspect -f '{{.Id}}' builtbyberth:1)"
expect_status "docker runs berth's build" 0 docker run --rm --network none builtbyberth:1
berth_result=$out
expect_status "docker builds the same Dockerfile" 0 env DOCKER_BUILDKIT=0 docker build -q --network none -t builtbydocker:1 "$TEST_DIR/bctx"
expect_status "docker runs its own" 0 docker run --rm --network none builtbydocker:1
expect_eq "the same result" "$out" "$berth_result"
expect_eq "and the expected one" "$(printf 'hello world\nfrom-context\nnested\n0:0 640\n1000:1000 644\n0\n1000\n/app')" "$berth_result"
config='{{json .Config.Env}} {{.Config.User}} {{.Config.WorkingDir}} {{json .Config.ExposedPorts}} {{json .Config.Labels}} {{json .Config.Cmd}}'
expect_eq "the same config" "$(docker image inspect -f "$config" builtbydocker:1)" "$(docker image inspect -f "$config" builtbyberth:1)"

expect_eq "the host's bridges are as they were" "$host_bridges" "$(host_bridges)"

# Logs: json-file lines are Docker's byte for byte (but the time), Docker's
# local files read by berth, and the same words for a bad option
docker run --name dj --network none --label app=web -e REGION=eu --log-opt labels=app --log-opt env=REGION \
	--log-opt tag='{{.Name}}' berthbox:1 sh -c 'printf "a <b> & \"c\"\ttab\n"' >/dev/null 2>&1
b run --name dj --network none --label app=web -e REGION=eu --log-opt labels=app --log-opt env=REGION \
	--log-opt tag='{{.Name}}' berthbox:1 sh -c 'printf "a <b> & \"c\"\ttab\n"' >/dev/null 2>&1
untimed() { sed 's/"time":"[^"]*"/"time":"T"/' "$1"; }
expect_eq "json-file lines as Docker writes them" "$(untimed "$(docker inspect -f '{{.LogPath}}' dj)")" \
	"$(untimed "$(b inspect -f '{{.LogPath}}' dj)")"
docker run --name dl --network none --log-driver local berthbox:1 sh -c 'echo from docker; echo err >&2' >/dev/null 2>&1
b run --name bl --network none --log-driver local berthbox:1 true >/dev/null
dl_file=$(dirname "$(docker inspect -f '{{.ResolvConfPath}}' dl)")/local-logs/container.log
cp "$dl_file" "$BERTH_ROOT/containers/$(b inspect -f '{{.Id}}' bl)/local-logs/container.log"
expect_status "berth reads Docker's local log" 0 b logs bl
expect_eq "its stdout" "from docker" "$out"
expect_eq "its stderr" "err" "$err"
expect_status "docker refuses an unknown option" 125 docker run --rm --log-opt max-sise=1m berthbox:1 true
docker_words=$(printf '%s\n' "${err#*daemon: }" | head -1)
expect_status "berth too" 125 b run --rm --log-opt max-sise=1m berthbox:1 true
expect_eq "in the same words" "$docker_words" "${err#berth: }"

finish
