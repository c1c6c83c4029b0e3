#!/bin/bash
# commit: a container's changes as a new image with a new layer on top of
# its image's, the container's config with --change applied, pausing.
source "$(dirname "$0")/lib.sh"
busybox_image

b run --name src -e FROM_RUN=1 -w /work busybox sh -c 'echo made >/work/file; rm /etc/shadow' >/dev/null
expect_status "commit" 0 b commit -a "Jane <jane@example.org>" -m "first" -c 'CMD ["cat", "/work/file"]' -c 'LABEL stage=one' src committed:1
expect_match "prints the id" '^sha256:[0-9a-f]{64}$' "$out"
expect_status "runs" 0 b run --rm committed:1
expect_eq "the change is in the image" "made" "$out"
expect_status "whiteout kept" 1 b run --rm committed:1 ls /etc/shadow
expect_status "config from the container" 0 b image inspect -f '{{.Author}}|{{.Comment}}|{{.Config.WorkingDir}}|{{index .Config.Labels "stage"}}|{{json .Config.Cmd}}' committed:1
expect_eq "config" 'Jane <jane@example.org>|first|/work|one|["cat","/work/file"]' "$out"
expect_status "env kept" 0 b run --rm committed:1 sh -c 'echo $FROM_RUN'
expect_eq "env" "1" "$out"
base_layers=$(b image inspect -f '{{len .RootFS.Layers}}' busybox)
expect_eq "one more layer" "$((base_layers + 1))" "$(b image inspect -f '{{len .RootFS.Layers}}' committed:1)"
expect_eq "base layers shared" "$(b image inspect -f '{{index .RootFS.Layers 0}}' busybox)" "$(b image inspect -f '{{index .RootFS.Layers 0}}' committed:1)"
expect_status "history" 0 b history -q committed:1
expect_eq "history rows" "$((base_layers + 1))" "$(echo "$out" | wc -l)"

# a running container is paused while its layer is written, then resumes
b run -d --name live busybox sh -c 'while :; do date +%s%N >/tmp/t; sleep 0.05; done' >/dev/null
sleep 0.3
expect_status "commit a running container" 0 b commit live live:1
expect_status "still running after" 0 b inspect -f '{{.State.Status}}' live
expect_eq "running again" "running" "$out"
sleep 1.1 # --until 0s is now, in whole seconds
expect_status "pause event recorded" 0 b events --since 30s --until 0s --filter container=live --format '{{.Action}}'
expect_match "paused and unpaused" 'pause.*unpause' "$(echo "$out" | tr '\n' ' ')"
expect_status "commit without pausing" 0 b commit --pause=false live live:2
b rm -f live >/dev/null

before=$(store_snapshot)
expect_status "bad change" 1 b commit -c 'NOPE x' src bad:1
expect_status "bad reference" 1 b commit src 'Bad:Ref'
expect_status "missing container" 1 b commit nosuch x:1
expect_eq "failures change nothing" "$before" "$(store_snapshot)"

finish
