#!/bin/bash
# build: Dockerfiles into images, each RUN in a berth container; the cache
# (hits, misses and why), .dockerignore, multi-stage, stdin contexts,
# hostile contexts and images, bad input, and what a killed build leaves.
source "$(dirname "$0")/lib.sh"
busybox_image

CTX=$TEST_DIR/ctx
mkdir -p "$CTX/sub/deep"
cd "$CTX" || exit 1
echo hello >a.txt
echo deep >sub/deep/d.txt
echo secret >secret.txt
echo log >x.log
echo keep >keep.log
printf 'secret.txt\n*.log\n!keep.log\n' >.dockerignore
cat >Dockerfile <<'EOF'
# syntax=docker/dockerfile:1
ARG BASE=busybox
FROM ${BASE}
ARG NAME=world
ENV GREETING="hello ${NAME}" \
    SECOND=2
LABEL org.example.name="$NAME" other=yes
WORKDIR /app
COPY a.txt ./
COPY sub/ /app/sub/
COPY . /ctx/
RUN echo "$GREETING" >greeting && echo out-line && echo err-line >&2
USER 1000:1000
EXPOSE 80 53/udp 8000-8001
VOLUME /data
STOPSIGNAL SIGINT
HEALTHCHECK --interval=5s --retries=2 CMD true
SHELL ["/bin/sh", "-ec"]
ENTRYPOINT ["/bin/cat"]
CMD ["/app/greeting"]
EOF

# --- a build, its image and its output --------------------------------------
expect_status "build" 0 b build -t demo:1 -t demo:latest --progress plain .
expect_match "BuildKit's vertices" '#[0-9]+ \[2/5\] COPY a.txt \./' "$err"
expect_match "RUN output, timed" '#[0-9]+ [0-9]+\.[0-9]{3} out-line' "$err"
expect_match "stderr too" '#[0-9]+ [0-9]+\.[0-9]{3} err-line' "$err"
expect_match "named" 'naming to docker.io/library/demo:1 done' "$err"
expect_eq "nothing on stdout" "" "$out"
expect_status "runs" 0 b run --rm demo:1
expect_eq "RUN's file, ENTRYPOINT and CMD" "hello world" "$out"
expect_status "inspect" 0 b image inspect -f '{{json .Config.Env}}|{{.Config.WorkingDir}}|{{.Config.User}}|{{json .Config.ExposedPorts}}|{{json .Config.Volumes}}|{{.Config.StopSignal}}|{{json .Config.Healthcheck.Test}}|{{.Config.Healthcheck.Retries}}|{{json .Config.Shell}}|{{index .Config.Labels "org.example.name"}}' demo:1
expect_eq "config" '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","GREETING=hello world","SECOND=2"]|/app|1000:1000|{"53/udp":{},"80/tcp":{},"8000/tcp":{},"8001/tcp":{}}|{"/data":{}}|SIGINT|["CMD-SHELL","true"]|2|["/bin/sh","-ec"]|world' "$out"
expect_status "both tags" 0 b images --format '{{.Tag}}' demo
expect_eq "tags" "$(printf '1\nlatest')" "$(echo "$out" | sort)"
expect_status "history" 0 b history --no-trunc --format '{{.CreatedBy}}' demo:1
expect_match "RUN in history with its args" 'RUN \|1 NAME=world /bin/sh -c echo "\$GREETING" >greeting' "$out"
expect_match "COPY in history" 'COPY a.txt ./ # buildkit' "$out"
expect_status "context files" 0 b run --rm --entrypoint sh demo:1 -c 'cd /ctx && find . -type f | sort | tr "\n" " "; cat /app/sub/deep/d.txt'
expect_eq "ignored files left out, ! re-includes" "./.dockerignore ./Dockerfile ./a.txt ./keep.log ./sub/deep/d.txt deep" "$out"
expect_status "context files owned by root" 0 b run --rm --entrypoint stat demo:1 -c '%u:%g' /app/a.txt
expect_eq "owner" "0:0" "$out"
expect_status "no step container left" 0 b ps -aq
expect_eq "no containers" "" "$out"
expect_status "steps after a VOLUME" 0 b build -q -f - . <<<$'FROM demo:1\nUSER 0\nRUN echo in-volume >/data/x\nCOPY a.txt /data/'
expect_status "no volume left" 0 b volume ls -q
expect_eq "no volumes" "" "$out"

# --- the cache ------------------------------------------------------------------
expect_status "rebuild" 0 b build -t demo:1 .
expect_eq "every step cached" "5" "$(grep -c ' CACHED$' <<<"$err" | tr -d ' ')"
id1=$(b image inspect -f '{{.Id}}' demo:1)
expect_status "same image" 0 b build -q .
expect_eq "-q prints the same id" "$id1" "$out"
touch -d '2001-01-01' a.txt sub/deep/d.txt
expect_status "new mtimes" 0 b build -q .
expect_eq "mtimes never bust the cache" "$id1" "$out"
echo changed >a.txt
expect_status "changed file" 0 b build --progress plain -t demo:2 .
expect_match "the miss says why" 'COPY a.txt ./'$'\n''#[0-9]+ cache miss: the files it copies changed' "$err"
expect_eq "the steps after it run again" "1" "$(grep -c ' CACHED$' <<<"$err" | tr -d ' ')"
expect_status "changed arg" 0 b build --build-arg NAME=bob -t demo:3 .
expect_match "the arg is named" 'cache miss: ENV GREETING="hello \$\{NAME\}" .*: build arg NAME changed' "$err"
expect_status "arg reaches the image" 0 b run --rm demo:3
expect_eq "arg" "hello bob" "$out"
mkdir -p "$TEST_DIR/why" && cd "$TEST_DIR/why" || exit 1
echo a >f
printf 'FROM busybox\nCOPY f /f\nRUN cat /f >/g\nENV X=1\nRUN echo done\n' >Dockerfile
expect_status "a first build" 0 b build .
expect_eq "says nothing of misses" "0" "$(grep -c 'cache miss' <<<"$err" | tr -d ' ')"
sed -i 's|RUN cat /f >/g|RUN cat /f  >/g|' Dockerfile
expect_status "an edited RUN" 0 b build .
expect_match "the instruction changed, and what it was" 'cache miss: the instruction changed \(it was: RUN /bin/sh -c cat /f >/g\)' "$err"
sed -i 's|ENV X=1|ENV X=2|' Dockerfile
expect_status "an edited ENV" 0 b build .
expect_match "named on the next step" 'RUN echo done'$'\n''#[0-9]+ cache miss: ENV X=2: the instruction changed \(it was: ENV X=1\)' "$err"
cd "$CTX" || exit 1
expect_status "--no-cache" 0 b build --no-cache .
expect_eq "nothing cached but the base" "1" "$(grep -c ' CACHED$' <<<"$err" | tr -d ' ')"
expect_status "platform args" 0 b build -q -t plat -f - . <<<$'FROM busybox\nARG TARGETARCH\nARG NAME=x\nRUN echo "$TARGETARCH $NAME" >/arch'
expect_status "reach RUN" 0 b run --rm plat cat /arch
expect_eq "TARGETARCH" "amd64 x" "$out"
expect_status "stay out of history" 0 b history --no-trunc --format '{{.CreatedBy}}' plat
expect_match "only NAME" '^RUN \|1 NAME=x /bin/sh -c' "$(head -1 <<<"$out")"
expect_status "proxy args stay out of the key" 0 b build -q --build-arg HTTP_PROXY=http://127.0.0.1:9 --build-arg NAME=bob .
expect_eq "same image as without" "$(b image inspect -f '{{.Id}}' demo:3)" "$out"

# --- multi-stage, scratch, --target -------------------------------------------------
mkdir -p "$TEST_DIR/ms" && cd "$TEST_DIR/ms" || exit 1
cat >Dockerfile <<'EOF'
FROM busybox AS build
RUN mkdir /out && echo built >/out/result && ln -s result /out/link
FROM build AS unused
RUN echo UNUSED-STAGE-RAN
FROM scratch
COPY --from=build /out/ /
COPY --from=0 /bin/busybox /bin/sh
CMD ["/bin/sh", "-c", "cat /result /link"]
EOF
expect_status "multi-stage" 0 b build -t ms .
expect_eq "unneeded stage skipped" "0" "$(grep -c UNUSED-STAGE-RAN <<<"$err" | tr -d ' ')"
expect_status "runs from scratch" 0 b run --rm ms
expect_eq "files from the stage, link kept" "$(printf 'built\nbuilt')" "$out"
expect_status "two layers" 0 b image inspect -f '{{len .RootFS.Layers}}' ms
expect_eq "layers" "2" "$out"
expect_status "--target" 0 b build -q --target build .
expect_status "target image" 0 b run --rm "$out" cat /out/result
expect_eq "target" "built" "$out"
listed=$(b images -q | wc -l)
expect_status "another multi-stage build" 0 b build -q -t ms2 -f - . <<<$'FROM busybox AS one\nRUN echo 1 >/1\nFROM busybox\nCOPY --from=one /1 /1\nRUN echo 2 >/2'
expect_eq "one more image listed: its steps and other stages are no <none> images" "$((listed + 1))" "$(b images -q | wc -l)"
expect_status "images -a" 0 b images -a --format '{{.Repository}}'
expect_match "shows them" '<none>' "$out"
expect_status "an untagged build" 0 b build -q -f - . <<<$'FROM busybox\nLABEL untagged=yes'
untagged=$out
expect_status "is listed" 0 b images -q --no-trunc
expect_match "as <none>" "$untagged" "$out"
expect_status "the classic builder's stream (DOCKER_BUILDKIT=0)" 0 env DOCKER_BUILDKIT=0 "$BERTH" build --no-cache -t classic .
expect_match "steps, containers, ids" 'Step 2/8 : RUN mkdir /out.*'$'\n'' ---> Running in [0-9a-f]{12}'$'\n''Removing intermediate container [0-9a-f]{12}'$'\n'' ---> [0-9a-f]{12}' "$out"
expect_match "the end" 'Successfully built [0-9a-f]{12}'$'\n''Successfully tagged classic' "$out"
expect_status "cached" 0 env DOCKER_BUILDKIT=0 "$BERTH" build -t classic .
expect_match "Using cache" 'Step 2/8 : RUN mkdir /out.*'$'\n'' ---> Using cache' "$out"
expect_status "missing target" 1 b build --target nope .
expect_match "target error" 'target stage "nope" could not be found' "$err"

# --- ADD, --chown, --chmod, ONBUILD -------------------------------------------------
mkdir -p "$TEST_DIR/add/t" && cd "$TEST_DIR/add" || exit 1
echo in-tar >t/inside.txt
tar -czf files.tar.gz -C t inside.txt
cat >Dockerfile <<'EOF'
FROM busybox
ADD files.tar.gz /unpacked/
COPY files.tar.gz /copied/
COPY --chown=nobody:nogroup --chmod=0640 t/inside.txt /owned
COPY --chown=1234 t/inside.txt /numeric
ONBUILD RUN echo triggered >/onbuild
EOF
expect_status "ADD and COPY" 0 b build -t addimg .
expect_status "ADD unpacks, COPY does not" 0 b run --rm addimg sh -c 'cat /unpacked/inside.txt; ls /copied; stat -c "%U:%G %a" /owned; stat -c "%u:%g" /numeric'
expect_eq "added" "$(printf 'in-tar\nfiles.tar.gz\nnobody:nogroup 640\n1234:1234')" "$out"
printf 'FROM addimg\n' >Dockerfile.child
expect_status "child of an ONBUILD image" 0 b build -f Dockerfile.child -t child .
expect_status "trigger ran" 0 b run --rm child cat /onbuild
expect_eq "onbuild" "triggered" "$out"
expect_status "triggers not inherited further" 0 b image inspect -f '{{json .Config.OnBuild}}' child
expect_eq "no OnBuild" "null" "$out"

# --- heredocs --------------------------------------------------------------------------------
mkdir -p "$TEST_DIR/hd" && cd "$TEST_DIR/hd" || exit 1
{
	printf 'FROM busybox\nARG WHO=you\n'
	printf 'RUN <<EOF\necho "script $WHO"\nEOF\n'
	printf 'RUN cat <<-END >/greet\n\thello "$WHO"\n\tEND\n'
	printf 'COPY <<EOF /conf/app.conf\nname="${WHO}"\npath=\\$HOME\nEOF\n'
	printf "COPY <<'RAW' <<two.txt /docs/\nraw \$WHO\nRAW\ntwo \$WHO\ntwo.txt\n"
	printf 'RUN <<AWK\n#!/bin/awk -f\nBEGIN { print "awk ran" }\nAWK\n'
	printf 'CMD cat /greet /conf/app.conf /docs/RAW /docs/two.txt\n'
} >Dockerfile
expect_status "heredocs" 0 b build -t hd .
expect_match "RUN <<EOF runs the body" '[0-9] script you' "$err"
expect_match "a #! body runs as a file" '[0-9] awk ran' "$err"
expect_status "runs" 0 b run --rm hd
expect_eq "heredoc files" "$(printf 'hello "you"\nname="you"\npath=$HOME\nraw $WHO\ntwo you')" "$out"
expect_status "the script file is not in the image" 1 b run --rm hd ls /dev/pipes
printf 'FROM busybox\nRUN <<EOF\necho never ends\n' >Dockerfile
expect_status "unterminated heredoc" 1 b build .
expect_match "says so" 'line 2: unterminated heredoc EOF' "$err"

# --- RUN --mount, --secret --------------------------------------------------------------------
mkdir -p "$TEST_DIR/mnt" && cd "$TEST_DIR/mnt" || exit 1
echo bound-file >data.txt
echo s3cr3t-value >"$TEST_DIR/secret.txt"
cat >Dockerfile <<'DOCKERFILE'
FROM busybox
RUN --mount=type=cache,target=/cache echo run >>/cache/log && echo "cache-runs $(wc -l </cache/log)"
RUN --mount=type=bind,source=data.txt,target=/mnt/data.txt cat /mnt/data.txt
RUN --mount=type=tmpfs,target=/scratch,size=1m df -k /scratch | awk 'NR==2 {print "tmpfs-kb", $2}'
RUN --mount=type=secret,id=tok cat /run/secrets/tok && stat -c 'mode %a' /run/secrets/tok
RUN --mount=type=secret,id=tok,env=TOKEN echo "env:$TOKEN" && echo "$TOKEN" >/leak-test-env
RUN --mount=type=secret,id=absent true
DOCKERFILE
expect_status "mounts" 0 b build --secret id=tok,src="$TEST_DIR/secret.txt" -t mnt .
expect_match "cache mount" 'cache-runs 1' "$err"
expect_match "bind from the context" '[0-9] bound-file' "$err"
expect_match "tmpfs with its size" 'tmpfs-kb 1024' "$err"
expect_match "secret file, 0400" 's3cr3t-value'$'\n''#[0-9]+ [0-9.]+ mode 400' "$err"
expect_match "secret as a variable" 'env:s3cr3t-value' "$err"
expect_status "--no-cache" 0 b build --no-cache --secret id=tok,src="$TEST_DIR/secret.txt" .
expect_match "the cache mount persists" 'cache-runs 2' "$err"
expect_status "no mount point left in the image" 0 b run --rm mnt sh -c 'ls -d /cache /mnt /scratch /run/secrets 2>/dev/null; true'
expect_eq "no stubs" "" "$out"
expect_status "the secret is in no file of the image but the one the step wrote" 0 b run --rm mnt sh -c 'grep -rl s3cr3t-value /bin /etc /root /run /tmp /leak-test-env 2>/dev/null; true'
expect_eq "only the step's own copy" "/leak-test-env" "$out"
expect_status "nor in the history" 0 b history --no-trunc mnt
expect_eq "history" "0" "$(grep -c s3cr3t <<<"$out" | tr -d ' ')"
echo other >data.txt
expect_status "a changed bind source" 0 b build --secret id=tok,src="$TEST_DIR/secret.txt" .
expect_match "misses" 'RUN --mount=type=bind[^'$'\n'']*'$'\n''#[0-9]+ cache miss' "$err"
printf 'FROM busybox\nRUN --mount=type=secret,id=tok,required cat /run/secrets/tok\n' >Dockerfile
expect_status "a required secret missing" 1 b build .
expect_match "says so" 'secret tok: not found' "$err"
expect_eq "no secret file left" "" "$(ls "$BERTH_ROOT/tmp" | grep secrets)"
expect_status "bad --secret" 1 b build --secret src=/nonexistent .
expect_match "its words" 'id must be set' "$err"

# --- ADD of URLs --------------------------------------------------------------------------------
mkdir -p "$TEST_DIR/www" "$TEST_DIR/url" && cd "$TEST_DIR/www" || exit 1
echo remote-content >file.txt
tar -czf arch.tar.gz file.txt
port=$(free_port)
python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1 &
http_pid=$!
trap 'kill $http_pid 2>/dev/null; cleanup' EXIT
wait_for "the file server answers" curl -sf "http://127.0.0.1:$port/file.txt"
sum=$(sha256sum file.txt | cut -d' ' -f1)
cd "$TEST_DIR/url" || exit 1
printf 'FROM busybox\nADD http://127.0.0.1:%s/file.txt /remote/\nADD --checksum=sha256:%s http://127.0.0.1:%s/file.txt /checked.txt\nADD http://127.0.0.1:%s/arch.tar.gz /a/\n' "$port" "$sum" "$port" "$port" >Dockerfile
expect_status "ADD of URLs" 0 b build -t urlimg .
expect_status "downloaded, 0600, archives not unpacked" 0 b run --rm urlimg sh -c 'cat /remote/file.txt /checked.txt; stat -c %a /remote/file.txt; ls /a'
expect_eq "url files" "$(printf 'remote-content\nremote-content\n600\narch.tar.gz')" "$out"
printf 'FROM busybox\nADD --checksum=sha256:%064d http://127.0.0.1:%s/file.txt /x\n' 0 "$port" >Dockerfile
expect_status "wrong checksum" 1 b build .
expect_match "digest mismatch" 'digest mismatch sha256:0{64}: sha256:'"$sum" "$err"
printf 'FROM busybox\nADD http://127.0.0.1:%s/nope /x\n' "$port" >Dockerfile
expect_status "404" 1 b build .
expect_match "status" 'failed to load cache key: invalid response status 404' "$err"
printf 'FROM busybox\nADD --checksum=sha256:%064d Dockerfile /x\n' 0 >Dockerfile
expect_status "checksum of a local file" 1 b build .
expect_match "refused" "checksum can't be specified" "$err"
kill $http_pid 2>/dev/null

# --- COPY --parents, --exclude -------------------------------------------------------------------
mkdir -p "$TEST_DIR/par/src/a/b" "$TEST_DIR/par/src/c" && cd "$TEST_DIR/par" || exit 1
echo 1 >src/a/b/one.md
echo 2 >src/a/two.txt
echo 3 >src/c/three.md
echo 4 >src/c/skip.log
printf 'FROM busybox\nCOPY --exclude=**/*.log --exclude=a/b src/ /ex/\nCOPY --exclude=*.md src/c/* /ex2/\nCOPY --parents src/a/b/one.md src/c /p1/\nCOPY --parents ./src/./a/b/one.md /p2/\n' >Dockerfile
expect_status "--parents and --exclude" 0 b build -t par .
expect_status "what was copied" 0 b run --rm par sh -c 'find /p1 /p2 /ex /ex2 -type f | sort | tr "\n" " "'
expect_eq "copied" "/ex/a/two.txt /ex/c/three.md /ex2/skip.log /p1/src/a/b/one.md /p1/src/c/skip.log /p1/src/c/three.md /p2/a/b/one.md " "$out"
echo 5 >src/c/more.log
expect_status "an excluded file changed" 0 b build .
expect_match "the --exclude step still hits" 'COPY --exclude=\*\*/\*.log --exclude=a/b src/ /ex/'$'\n''#[0-9]+ CACHED' "$err"

# --- stdin contexts ------------------------------------------------------------------------
expect_status "Dockerfile on stdin" 0 b build -q - <<<$'FROM busybox\nRUN echo from-stdin >/f\nCMD ["cat", "/f"]'
expect_status "runs" 0 b run --rm "$out"
expect_eq "stdin Dockerfile" "from-stdin" "$out"
tar -cz -C "$CTX" . >"$TEST_DIR/ctx.tgz"
expect_status "gzip tar context on stdin" 0 b build -q - <"$TEST_DIR/ctx.tgz"
expect_status "runs" 0 b run --rm "$out"
expect_eq "stdin tar" "hello world" "$out"
expect_status "-f - with a directory" 0 b build -q -f - "$CTX" <<<$'FROM busybox\nCOPY a.txt /\nCMD ["cat", "/a.txt"]'
expect_status "runs" 0 b run --rm "$out"
expect_eq "-f -" "changed" "$out"
# an endless stdin is no Dockerfile: the client stops at the engine's 16 MiB
expect_status "-f - of an endless stdin" 1 sh -c "head -c 20000000 /dev/zero | timeout 30 '$BERTH' build -f - '$CTX'"
expect_match "-f - of an endless stdin: why" 'larger than 16 MiB' "$err"
printf 'FROM busybox\nCOPY a.txt /only-this\n' >"$CTX/Dockerfile.special"
printf '*\n!Dockerfile.special\n' >"$CTX/Dockerfile.special.dockerignore"
expect_status "Dockerfile-specific ignore file wins" 1 b build -f "$CTX/Dockerfile.special" "$CTX"
expect_match "a.txt ignored by it" '"/a.txt": not found' "$err"

# --- remote contexts: git (a daemon on loopback), http(s) tars and Dockerfiles ---------------------
mkdir -p "$TEST_DIR/git/src/sub" && cd "$TEST_DIR/git/src" || exit 1
git init -q -b main
printf 'FROM busybox\nCOPY hello.txt /\nCMD ["cat", "/hello.txt"]\n' >sub/Dockerfile
echo from-v1 >sub/hello.txt
git add -A && git -c user.email=t@t -c user.name=t commit -qm one && git tag v1
echo from-main >sub/hello.txt
git -c user.email=t@t -c user.name=t commit -qam two
git clone -q --bare "$TEST_DIR/git/src" "$TEST_DIR/git/repo.git"
gport=$(free_port)
git daemon --reuseaddr --base-path="$TEST_DIR/git" --export-all --listen=127.0.0.1 --port="$gport" >/dev/null 2>&1 &
git_pid=$!
trap 'kill $git_pid $http_pid 2>/dev/null; cleanup' EXIT
wait_for "the git daemon answers" git ls-remote "git://127.0.0.1:$gport/repo.git"
expect_status "a git context at a tag and a directory" 0 b build -q -t fromgit "git://127.0.0.1:$gport/repo.git#v1:sub"
expect_status "runs" 0 b run --rm fromgit
expect_eq "the tag's file" "from-v1" "$out"
expect_status "at a branch" 0 b build -q -t fromgit "git://127.0.0.1:$gport/repo.git#main:sub"
expect_status "runs" 0 b run --rm fromgit
expect_eq "the branch's file" "from-main" "$out"
expect_status "no .git in the context" 1 b build -q -f - "git://127.0.0.1:$gport/repo.git#main" <<<$'FROM busybox\nCOPY .git /g'
expect_status "a missing repository" 1 b build "git://127.0.0.1:$gport/nope.git"
expect_match "git's words" 'unable to prepare context: git clone: .*not exported' "$err"
expect_status "a missing directory" 1 b build "git://127.0.0.1:$gport/repo.git#v1:nodir"
expect_match "says so" 'the directory nodir is not in' "$err"
kill $git_pid 2>/dev/null
cd "$TEST_DIR/git" || exit 1
expect_status "a local repository at a tag: path#ref:dir" 0 b build -q -t fromlocalgit "src#v1:sub"
expect_status "runs" 0 b run --rm fromlocalgit
expect_eq "the tag's file, not the work tree's" "from-v1" "$out"
expect_status "a bare one" 0 b build -q "$TEST_DIR/git/repo.git#main:sub"
mkdir -p "$TEST_DIR/www2" && tar -czf "$TEST_DIR/www2/ctx.tgz" -C "$TEST_DIR/git/src/sub" .
printf 'FROM busybox\nRUN echo remote-dockerfile\n' >"$TEST_DIR/www2/Dockerfile"
hport=$(free_port)
(cd "$TEST_DIR/www2" && exec python3 -m http.server "$hport" --bind 127.0.0.1 >/dev/null 2>&1) &
http_pid=$!
wait_for "the file server answers" curl -sf "http://127.0.0.1:$hport/ctx.tgz" -o /dev/null
expect_status "a tar's URL" 0 b build -q -t fromurl "http://127.0.0.1:$hport/ctx.tgz"
expect_status "runs" 0 b run --rm fromurl
expect_eq "its file" "from-main" "$out"
expect_status "a Dockerfile's URL" 0 b build --progress plain "http://127.0.0.1:$hport/Dockerfile"
expect_match "built" '[0-9] remote-dockerfile' "$err"
expect_status "a 404" 1 b build "http://127.0.0.1:$hport/none.tgz"
expect_match "says so" 'unable to download remote context .*: invalid response status 404' "$err"
kill $http_pid 2>/dev/null
expect_eq "no staging left" "" "$(ls "$BERTH_ROOT/tmp" | grep build-context)"

# --- hostile contexts and images ------------------------------------------------------------
mkdir -p "$TEST_DIR/hostile" && cd "$TEST_DIR/hostile" || exit 1
echo host-secret >"$TEST_DIR/host-secret"
ln -s "$TEST_DIR/host-secret" escape
ln -s ../../../../../../../../etc/hostname up
printf 'FROM busybox\nCOPY escape /x\n' >Dockerfile
expect_status "a symlink out of the context" 1 b build .
expect_match "resolves inside it" 'not found' "$err"
printf 'FROM busybox\nCOPY up /x\n' >Dockerfile
expect_status "a .. symlink" 1 b build .
expect_match "stays inside" 'not found' "$err"
# an image whose /app leads to a host path: COPY lands inside the image
mkdir -p "$TEST_DIR/host-target"
printf 'FROM busybox\nRUN ln -s %s /app\n' "$TEST_DIR/host-target" >Dockerfile.base
expect_status "base with a symlink" 0 b build -f Dockerfile.base -t evilbase .
echo payload >payload
printf 'FROM evilbase\nCOPY payload /app/\n' >Dockerfile
expect_status "COPY through the image's symlink" 0 b build -t evil .
expect_eq "host path untouched" "" "$(ls "$TEST_DIR/host-target")"
expect_status "file inside the image" 0 b run --rm evil cat "$TEST_DIR/host-target/payload"
expect_eq "inside" "payload" "$out"

# --- what an attacker found: each a test ----------------------------------------------------------
mkdir -p "$TEST_DIR/atk" && cd "$TEST_DIR/atk" || exit 1
# another berth command's start-up never removes a running build's files
mkdir -p ctx1 && echo data >ctx1/f
printf 'FROM busybox\nRUN sleep 2\nCOPY f /f\n' >ctx1/Dockerfile
tar -cf ctx1.tar -C ctx1 .
"$BERTH" build --no-cache -q - <ctx1.tar >atk1.out 2>&1 &
atk=$!
sleep 1
b ps >/dev/null
b images >/dev/null
wait $atk
expect_eq "a build survives other commands starting" "0" "$?"
# a file's bytes cannot pass for the entries after it in the cache key
mkdir -p coll && cd coll || exit 1
printf 'FROM busybox\nCOPY . /app\n' >Dockerfile
: >a
printf Y >b
chmod 644 a b
b build -q -t coll . >/dev/null
rm b
python3 -c "open('a','wb').write(b'b\x00100644\x00Y')"
expect_status "crafted content" 0 b build -q -t coll .
expect_status "is copied, not taken from the cache" 0 b run --rm coll sh -c 'ls /app; wc -c </app/a'
expect_eq "the new a" "$(printf 'Dockerfile\na\n10')" "$out"
cd "$TEST_DIR/atk" || exit 1
# nesting, depth, instructions: refused quickly, never a crash
python3 -c "n=40000;print('FROM busybox');print('ENV A='+'\${A:-'*n+'x'+'}'*n)" >Dockerfile.nest
expect_status "substitutions nested 40000 deep" 1 timeout 20 "$BERTH" build -f Dockerfile.nest .
expect_match "refused" 'nested deeper than 64' "$err"
mkdir -p deep && (cd deep && d=x; for i in $(seq 200); do d=$d/d; done; mkdir -p "$d" && echo bottom >"$d/f")
printf 'FROM busybox\nCOPY deep /deep\n' >Dockerfile.deep
expect_status "a context 200 directories deep" 0 timeout 60 "$BERTH" build -q -f Dockerfile.deep .
python3 -c "print('FROM busybox'); [print('ENV A%d=%d' % (i % 50, i)) for i in range(1200)]" >Dockerfile.many
expect_status "more than 1000 instructions" 1 b build -f Dockerfile.many .
expect_match "refused" 'has 1201 instructions; at most 1000 are built' "$err"
# a fifo or a device where a file is read: refused, never opened
python3 - <<'PY'
import tarfile, io
def tar(name, entries):
    with tarfile.open(name, 'w') as t:
        for path, kind in entries:
            i = tarfile.TarInfo(path)
            if kind == 'fifo': i.type = tarfile.FIFOTYPE
            elif kind == 'chr': i.type = tarfile.CHRTYPE; i.devmajor = 1; i.devminor = 5
            else:
                data = kind.encode(); i.size = len(data); t.addfile(i, io.BytesIO(data)); continue
            t.addfile(i)
tar('fifo-df.tar', [('Dockerfile', 'fifo')])
tar('fifo-ignore.tar', [('Dockerfile', 'FROM busybox\n'), ('.dockerignore', 'fifo')])
PY
expect_status "a fifo as the Dockerfile" 1 timeout 20 "$BERTH" build - <fifo-df.tar
expect_match "says so" 'Dockerfile' "$err"
expect_status "a fifo as the .dockerignore" 0 timeout 20 "$BERTH" build -q - <fifo-ignore.tar
printf 'FROM busybox\nRUN rm -f /etc/passwd && mkfifo /etc/passwd\nCOPY --chown=nobody Dockerfile.fifo /f\n' >Dockerfile.fifo
expect_status "a fifo /etc/passwd in the image" 1 timeout 20 "$BERTH" build -f Dockerfile.fifo .
expect_match "no such user, at once" "can't find uid for user nobody" "$err"
printf 'FROM busybox\nRUN echo "evil:x:-5:4294967295::/:/bin/sh" >>/etc/passwd\nCOPY --chown=evil Dockerfile.ids /f\n' >Dockerfile.ids
expect_status "a malformed passwd entry" 1 b build -f Dockerfile.ids .
expect_match "is no user" "can't find uid for user evil" "$err"
# a download that trickles is given up; Ctrl-C stops it at once
tport=$(free_port)
python3 - "$tport" "$TEST_DIR/trickle.accepted" <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(4)
open(sys.argv[2] + '.listening', 'w').close()
while True:
    c, _ = s.accept()
    c.recv(4096)
    open(sys.argv[2], 'w').close()
    c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n')
    try:
        for _ in range(120):
            c.sendall(b'xx'); time.sleep(1)
    except OSError:
        pass
    c.close()
PY
trickle=$!
trap 'kill $trickle $git_pid $http_pid 2>/dev/null; cleanup' EXIT
wait_for "the trickling server listens" test -e "$TEST_DIR/trickle.accepted.listening"
printf 'FROM busybox\nADD http://127.0.0.1:%s/big /big\n' "$tport" >Dockerfile.trickle
"$BERTH" build -f Dockerfile.trickle . >trickle.out 2>&1 &
builder=$!
wait_for "the download has begun" test -e "$TEST_DIR/trickle.accepted"
kill -INT $builder
t0=$(date +%s%N)
wait $builder
expect_eq "Ctrl-C during a download: exit 130" "130" "$?"
expect_eq "at once" "yes" "$([ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 3000 ] && echo yes || echo no)"
kill $trickle 2>/dev/null
# a step's escape sequences are shown, not obeyed, on a terminal; a NUL does not cut a line
printf 'FROM busybox\nRUN printf "A\\033]0;TITLE\\007B\\033[2JC\\000D\\n"\n' >Dockerfile.esc
script -qec "\"$BERTH\" build --no-cache --progress plain -f Dockerfile.esc ." "$TEST_DIR/atk/esc.typescript" >/dev/null 2>&1
expect_match "escapes shown" 'A\\x1b\]0;TITLE\\x07B\\x1b\[2JC\\x00D' "$(cat "$TEST_DIR/atk/esc.typescript")"
expect_eq "never obeyed" "0" "$(grep -c $'\033]0;TITLE' "$TEST_DIR/atk/esc.typescript" | tr -d ' ')"
# output faster than it can be shown: all of it, or a line that says it was clipped
printf 'FROM busybox\nRUN seq 1 2000000; echo END\n' >Dockerfile.flood
"$BERTH" build --no-cache --progress plain -f Dockerfile.flood . >/dev/null 2>flood.err
expect_match "a flood ends whole or says it was clipped" '(#[0-9]+ [0-9.]+ END|output clipped)' "$(grep -E ' END$|output clipped' flood.err)"
# mount points through the image's symlinks leave nothing in the layer
echo x >x
echo sec >"$TEST_DIR/atk/sec"
printf 'FROM busybox\nRUN mkdir -p /real/dir /run && ln -s /real/dir /run/secrets && ln -s real /bb\nRUN --mount=type=secret,id=s1 --mount=type=bind,source=x,target=/bb/x cat /run/secrets/s1 /bb/x\nCMD find /real -xdev\n' >Dockerfile.sym
expect_status "mounts through symlinks" 0 b build -q -t symmnt -f Dockerfile.sym --secret id=s1,src="$TEST_DIR/atk/sec" .
expect_status "their stubs" 0 b run --rm symmnt
expect_eq "are not in the layer" "$(printf '/real\n/real/dir')" "$out"

# --- bad input: one line naming the file and line, nothing left behind --------------------
mkdir -p "$TEST_DIR/bad" && cd "$TEST_DIR/bad" || exit 1
before=$(store_snapshot)
bad_build() { # DESCRIPTION REGEX DOCKERFILE
	printf '%b' "$3" >Dockerfile
	expect_status "$1" 1 b build -t bad:1 .
	expect_match "$1: message" "$2" "$(tail -1 <<<"$err")"
}
bad_build "failing RUN" 'Dockerfile:2: RUN: process "/bin/sh -c echo last-words; exit 3" did not complete successfully: exit code: 3' 'FROM busybox\nRUN echo last-words; exit 3\n'
expect_match "its last lines" '> \[2/2\] RUN echo last-words; exit 3:'$'\n''last-words' "$err"
bad_build "missing file" 'Dockerfile:2: COPY: .*"/nope.txt": not found' 'FROM busybox\nCOPY nope.txt /\n'
bad_build "unknown instruction" 'dockerfile parse error on line 3: unknown instruction: FOO' 'FROM busybox\n\nFOO bar\n'
bad_build "unknown flag" 'Dockerfile:2: COPY: unknown flag: bogus' 'FROM busybox\nCOPY --bogus=1 a /\n'
bad_build "no FROM" 'no build stage in current context' 'RUN true\n'
bad_build "missing base" 'Dockerfile:1: FROM' 'FROM localhost:1/none:1\n'
bad_build "one COPY argument" 'COPY requires at least two arguments' 'FROM busybox\nCOPY a\n'
bad_build "unknown user" "can't find uid for user ghost" 'FROM busybox\nCOPY Dockerfile /\nCOPY --chown=ghost Dockerfile /x\n'
bad_build "bad stage name" 'invalid name for build stage: "1x"' 'FROM busybox AS 1x\n'
bad_build "bad port" 'invalid containerPort: 99999' 'FROM busybox\nEXPOSE 99999\n'
bad_build "required variable" 'X: needs X' 'FROM busybox\nWORKDIR ${X:?needs X}\n'
bad_build "many sources, file dest" 'the destination must be a directory and end with a /' 'FROM busybox\nCOPY Dockerfile Dockerfile /x\n'
bad_build "RUN on scratch" 'FROM scratch' 'FROM scratch\nRUN true\n'
expect_status "no Dockerfile" 1 b build -f nothere .
expect_match "says so" 'failed to read dockerfile' "$err"
expect_status "missing context" 1 b build "$TEST_DIR/none"
expect_match "context" 'unable to prepare context: path ".*none" not found' "$err"
expect_status "bad tag" 125 b build -t 'Bad:Tag' .
expect_match "tag" 'invalid argument "Bad:Tag" for "-t, --tag" flag: invalid reference format: repository name \(library/Bad\) must be lowercase' "$err"
expect_status "a build arg without a name" 125 b build --build-arg =x .
expect_status "a network the builder has not" 1 b build --network bogus .
expect_match "says so" 'network mode "bogus" not supported' "$err"
printf '# only a comment\n' >Dockerfile.empty
expect_status "an empty Dockerfile" 1 b build -f Dockerfile.empty .
expect_match "says so" 'the Dockerfile \(Dockerfile.empty\) cannot be empty' "$err"
expect_status "no step container left" 0 b ps -aq
expect_eq "no containers" "" "$out"
expect_eq "failed builds tag nothing, leave no container" "$(grep -v '^\./\(blobs\|layers\)' <<<"$before" | grep -v '^sha256:')" "$(store_snapshot | grep -v '^\./\(blobs\|layers\)' | grep -v '^sha256:')"
expect_eq "no mount left" "0" "$(grep -c " $BERTH_ROOT" /proc/self/mountinfo | tr -d ' ')"

# --- --cache-from: an image from elsewhere (saved, loaded: no cache of its own) ---------------------
mkdir -p "$TEST_DIR/cf" && cd "$TEST_DIR/cf" || exit 1
echo data >d.txt
printf 'FROM busybox\nCOPY d.txt /d.txt\nRUN echo ran-first; echo x >/x\nENV A=1\nRUN echo ran-second\n' >Dockerfile
expect_status "the source image" 0 b build -q -t cachesrc .
expect_status "saved" 0 b save -o "$TEST_DIR/cachesrc.tar" cachesrc
b rmi cachesrc >/dev/null
b builder prune -a -f >/dev/null
expect_status "loaded, as a pull would bring it" 0 b load -i "$TEST_DIR/cachesrc.tar"
expect_status "a build with --cache-from" 0 b build --progress plain --cache-from cachesrc -t cf2 .
expect_eq "no step ran" "0" "$(grep -cE '^#[0-9]+ [0-9.]+ ran-' <<<"$err" | tr -d ' ')"
expect_eq "every step from it" "4" "$(grep -c ' CACHED$' <<<"$err" | tr -d ' ')"
expect_eq "the same layers" "$(b image inspect -f '{{json .RootFS.Layers}}' cachesrc)" "$(b image inspect -f '{{json .RootFS.Layers}}' cf2)"
echo changed >d.txt
b builder prune -a -f >/dev/null
expect_status "a changed file" 0 b build --progress plain --cache-from type=registry,ref=cachesrc .
expect_match "the COPY and what follows run" '#[0-9]+ [0-9.]+ ran-first' "$err"
expect_status "a --cache-from that is nowhere" 0 b build -q --cache-from localhost:1/none:1 .
expect_status "--cache-to type=local" 0 b build -q -t lc1 --cache-to type=local,dest="$TEST_DIR/lcache" .
expect_status "the cache is a file there" 0 test -s "$TEST_DIR/lcache/berth-build-cache.tar"
b rmi lc1 >/dev/null
b builder prune -a -f >/dev/null
dangling_before=$(b images --filter dangling=true -q | wc -l)
expect_status "--cache-from type=local" 0 b build --progress plain --cache-from type=local,src="$TEST_DIR/lcache" .
expect_eq "no step ran" "0" "$(grep -cE '^#[0-9]+ [0-9.]+ ran-' <<<"$err" | tr -d ' ')"
expect_status "the loaded cache is no <none> image" 0 b images -q
expect_eq "one more untagged build listed, not its cache" "$((dangling_before + 1))" "$(b images --filter dangling=true -q | wc -l | tr -d ' ')"
expect_status "--cache-to of another kind" 1 b build --cache-to type=registry,ref=x .
expect_match "says what it takes" 'give type=inline or type=local' "$err"

# --- the cache's size: system df, builder prune, the collection after a build ------------------
cd "$CTX" || exit 1
expect_status "system df" 0 b system df --format '{{.Type}} {{.TotalCount}}'
expect_match "counts the build cache" 'Build Cache [1-9][0-9]*' "$out"
expect_status "an image's steps" 0 b build -q -f - . <<<$'FROM busybox\nRUN echo dangling-soon >/f'
dangling=$out
expect_status "cached" 0 b build -q -f - . <<<$'FROM busybox\nRUN echo dangling-soon >/f'
expect_eq "same image" "$dangling" "$out"
expect_status "builder prune" 0 b builder prune -f
expect_match "reports" 'Total reclaimed space' "$out"
expect_status "untagged steps gone" 1 b image inspect "$dangling"
expect_status "a tagged image" 0 b build -q -t kept -f - . <<<$'FROM busybox\nRUN echo kept >/f'
kept=$out
expect_status "prune" 0 b builder prune -f
expect_status "tagged images' steps stay" 0 b build -q -f - . <<<$'FROM busybox\nRUN echo kept >/f'
expect_eq "still cached" "$kept" "$out"
expect_status "prune -a" 0 b builder prune -a -f
expect_status "tagged images stay" 0 b image inspect demo:2
expect_status "cache mounts gone" 0 ls "$BERTH_ROOT/build-cache"
expect_eq "no cache mounts" "" "$out"
expect_status "bad --keep-storage" 125 b builder prune -f --keep-storage lots
printf '{"builder": {"gc": {"defaultKeepStorage": "6KB"}}}' >"$TEST_DIR/daemon.json"
older=$(BERTH_CONFIG=$TEST_DIR/daemon.json b build -q -f - . <<<$'FROM busybox\nRUN head -c 4096 /dev/zero >/big1')
newer=$(BERTH_CONFIG=$TEST_DIR/daemon.json b build -q -f - . <<<$'FROM busybox\nRUN head -c 4096 /dev/zero >/big2')
expect_status "the newest step is kept" 0 b image inspect "$newer"
expect_status "over the limit, the least recently used step went" 1 b image inspect "$older"

# --- Ctrl-C, and the live view on a terminal ----------------------------------------------------
mkdir -p "$TEST_DIR/cancel" && cd "$TEST_DIR/cancel" || exit 1
printf 'FROM busybox\nRUN echo started; sleep 30\n' >Dockerfile
"$BERTH" build --progress plain . >"$TEST_DIR/cancel.out" 2>&1 &
builder=$!
wait_for "the step runs" sh -c "\"$BERTH\" ps -q | grep -q ."
kill -INT $builder
wait $builder
expect_eq "Ctrl-C: exit 130" "130" "$?"
expect_match "says so" 'build cancelled' "$(tail -1 "$TEST_DIR/cancel.out")"
expect_status "its container is gone" 0 b ps -aq
expect_eq "no container" "" "$out"
if command -v tmux >/dev/null; then
	printf 'FROM busybox\nRUN echo a line far longer than the eighty columns of this terminal, which the live view cuts; sleep 1\n' >Dockerfile
	# a socket of the test's own: nothing left in tmux's directory
	tmux -S "$TEST_DIR/tmux-build.sock" new-session -d -x 80 -y 24 "\"$BERTH\" build --no-cache .; echo EXIT=\$?; sleep 60"
	wait_for "the build ends" sh -c "tmux -S $TEST_DIR/tmux-build.sock capture-pane -p | grep -q EXIT="
	screen=$(tmux -S "$TEST_DIR/tmux-build.sock" capture-pane -p)
	tmux -S "$TEST_DIR/tmux-build.sock" kill-server
	expect_match "BuildKit's live view" '\[\+\] Building [0-9.]+s \([0-9]+/[0-9]+\) FINISHED' "$screen"
	expect_match "steps with their times" ' => \[2/2\] RUN echo a line .* [0-9.]+s' "$screen"
	expect_eq "no line wider than the terminal" "0" "$(awk 'length > 80' <<<"$screen" | wc -l | tr -d ' ')"
	expect_match "exit 0" 'EXIT=0' "$screen"
fi

# --- -o, --build-context, --no-cache-filter -------------------------------------------------------
mkdir -p "$TEST_DIR/outp/extra" && cd "$TEST_DIR/outp" || exit 1
echo extra-file >extra/e.txt
printf 'FROM busybox AS base\nRUN echo base-step; echo base >/base.txt; mknod /dev-node c 1 3; touch /suid; chmod 4755 /suid\nFROM base\nCOPY --from=extra e.txt /e.txt\nRUN echo final-step\n' >Dockerfile
expect_status "outputs" 0 b build --build-context extra=./extra -o type=local,dest=exported -o type=tar,dest=out.tar .
expect_eq "local: the files" "$(printf 'extra-file\nbase')" "$(cat exported/e.txt exported/base.txt)"
expect_eq "local: no device node, no setuid bit on the host" "absent 755" "$( [ -e exported/dev-node ] && echo present || echo absent) $(stat -c %a exported/suid)"
expect_match "tar: the files" 'e.txt' "$(tar -tf out.tar | tr '\n' ' ')"
"$BERTH" build -q --build-context extra=./extra -o - . >stdout.tar 2>/dev/null
expect_match "-o -: a tar on stdout" 'base.txt' "$(tar -tf stdout.tar | tr '\n' ' ')"
expect_status "-o - to a terminal is refused" 1 script -qec "\"$BERTH\" build -o - ." /dev/null
expect_status "--no-cache-filter" 0 b build --progress plain --build-context extra=./extra --no-cache-filter base .
expect_match "the named stage runs again" '[0-9] base-step' "$err"
expect_match "and what depends on it" '[0-9] final-step' "$err"
expect_status "FROM a docker-image:// context" 0 b build -q -f - --build-context img=docker-image://busybox . <<<$'FROM img\nRUN test -x /bin/busybox'
expect_status "a missing context directory" 1 b build --build-context extra=./nope .
expect_match "says so" 'build context extra' "$err"

# --- independent stages build at the same time; the first failure stops the rest -----------------
mkdir -p "$TEST_DIR/parallel" && cd "$TEST_DIR/parallel" || exit 1
printf 'FROM busybox AS a\nRUN sleep 1; echo a >/a\nFROM busybox AS b\nRUN sleep 1; echo b >/b\nFROM busybox\nCOPY --from=a /a /a\nCOPY --from=b /b /b\nCMD ["cat", "/a", "/b"]\n' >Dockerfile
t0=$(date +%s%N)
expect_status "two stages" 0 b build -t parallel .
elapsed=$(( ($(date +%s%N) - t0) / 1000000 ))
expect_eq "in parallel: well under the 2 s of one after the other" "yes" "$([ "$elapsed" -lt 1900 ] && echo yes || echo "no ($elapsed ms)")"
expect_status "both there" 0 b run --rm parallel
expect_eq "files of both" "$(printf 'a\nb')" "$out"
printf 'FROM busybox AS a\nRUN sleep 0.3; exit 7\nFROM busybox AS b\nRUN sleep 30\nFROM busybox\nCOPY --from=a /a /a\nCOPY --from=b /b /b\n' >Dockerfile
t0=$(date +%s%N)
expect_status "one fails" 1 b build .
elapsed=$(( ($(date +%s%N) - t0) / 1000000 ))
expect_match "its error is the one told" 'exit code: 7' "$(tail -1 <<<"$err")"
expect_eq "the other stopped at once" "yes" "$([ "$elapsed" -lt 5000 ] && echo yes || echo "no ($elapsed ms)")"
expect_status "no container left" 0 b ps -aq
expect_eq "none" "" "$out"

# --- the console: b builds from the images pane, Esc cancels, at 80x24 ---------------------------
if command -v tmux >/dev/null; then
	mkdir -p "$TEST_DIR/console" && cd "$TEST_DIR/console" || exit 1
	printf 'FROM busybox\nARG MSG=hi\nRUN echo "console says $MSG"\n' >Dockerfile
	printf 'FROM busybox\nRUN echo long; sleep 30\n' >Dockerfile.slow
	TSOCK=$TEST_DIR/tmux-console.sock
	tc() { tmux -S "$TSOCK" "$@"; }
	on_screen() { # TEXT: polls the screen for 10 s
		local i
		for i in $(seq 200); do tc capture-pane -p -t tui | grep -qF -- "$1" && return 0; sleep 0.05; done
		return 1
	}
	expect_on_screen() { if on_screen "$2"; then ok; else bad "$1: '$2' not on the screen"; tc capture-pane -p -t tui | sed 's/^/    | /'; fi; }
	tc new-session -d -s tui -x 80 -y 24 -e BERTH_ROOT="$BERTH_ROOT" -e BERTH_RUN="$BERTH_RUN" \
		-e BERTH_CGROUP_PARENT="$BERTH_CGROUP_PARENT" -e LANG=C.UTF-8 "cd '$TEST_DIR/console' && '$BERTH'; sleep 600"
	expect_on_screen "the console is up" "CONTAINER ID"
	tc send-keys -t tui 2
	expect_on_screen "the images pane" "REPOSITORY"
	tc send-keys -t tui b
	expect_on_screen "the build form" "Build an image"
	tc send-keys -t tui Tab Tab "fromconsole:1" Tab "MSG=there" Enter
	expect_on_screen "the steps live" "console says there"
	expect_on_screen "the end on the status line" "built fromconsole:1 sha256:"
	expect_status "the image is there" 0 b run --rm fromconsole:1 true
	tc send-keys -t tui Escape b
	expect_on_screen "the form again, with the last values" "fromconsole:1"
	tc send-keys -t tui Tab C-u Dockerfile.slow Tab C-u slow:1 Enter
	wait_for "the slow step runs" sh -c "\"$BERTH\" ps -q | grep -q ."
	expect_on_screen "its output shows" "RUN echo long; sleep 30"
	tc send-keys -t tui Escape
	expect_on_screen "Esc cancels it" "build failed: Dockerfile.slow:2: RUN: build cancelled"
	expect_on_screen "the title says so" "build slow:1: cancelled"
	expect_status "its container is gone" 0 b ps -aq
	expect_eq "no container" "" "$out"
	tc kill-server 2>/dev/null
fi

# --- a killed build: the next one removes its container ---------------------------------------
printf 'FROM busybox\nRUN touch /started; sleep 30\n' >Dockerfile
"$BERTH" build . >/dev/null 2>&1 &
builder=$!
wait_for "the step's container runs" sh -c "\"$BERTH\" ps -q | grep -q ."
kill -9 $builder
wait $builder 2>/dev/null
expect_status "the killed build's container is there" 0 b ps -aq
leftover=$out
expect_match "one left" '^[0-9a-f]{12}$' "$leftover"
printf 'FROM busybox\nRUN true\n' >Dockerfile
expect_status "next build" 0 b build .
expect_status "removed it" 0 b ps -aq
expect_eq "no containers" "" "$out"

finish
