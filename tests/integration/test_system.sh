#!/bin/bash
# system df and system prune: Docker's figures and report, against real
# containers, volumes and images.
source "$(dirname "$0")/lib.sh"
busybox_image

b run -d --name keeper -v kept:/kept busybox sleep 300 >/dev/null
b run --name writer -v /anon busybox sh -c 'head -c 5000 /dev/zero >/big; echo x >/anon/x' >/dev/null
b volume create loose >/dev/null

# the summary: counts, active ones and what could go
expect_status "system df" 0 b system df
expect_match "header" '^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE$' "$(head -1 <<<"$out")"
expect_match "images row" '^Images +1 +1 +[0-9.]+[kM]B +0B \(0%\)$' "$(grep '^Images' <<<"$out")"
expect_match "containers row: the stopped writer's 5kB can go" '^Containers +2 +1 +5kB +5kB \(100%\)$' "$(grep '^Containers' <<<"$out")"
expect_match "volumes row: three, two in use" '^Local Volumes +3 +2 +2B +0B \(0%\)$' "$(grep '^Local Volumes' <<<"$out")"
expect_match "build cache row" '^Build Cache +0 +0 +0B +0B$' "$(grep '^Build Cache' <<<"$out")"
expect_status "df json rows" 0 b system df --format '{{json .}}'
expect_match "json row" '^\{"Active":"1","Reclaimable":"0B \(0%\)","Size":"[0-9.]+[kM]B","TotalCount":"1","Type":"Images"\}$' "$(head -1 <<<"$out")"
expect_status "df unknown field" 1 b system df --format '{{.Nope}}'
expect_status "df -v" 0 b system df -v
expect_match "images section" 'Images space usage:' "$out"
expect_match "writer's row" 'writer' "$(sed -n '/Containers space usage/,/Local Volumes/p' <<<"$out")"
expect_match "kept volume linked once" $'\nkept +1 +0B' "$out"
expect_match "the command quoted as Docker lists it" "\"sh -c 'head -c 5000" "$(b ps -a --filter name=writer --format '{{.Command}}')"

# a file with many names counts once, however a container links it, and a
# tree deeper than the walk goes neither crashes nor runs out of files
b run -d --name linker busybox sh -c 'head -c 7000 /dev/zero >/f; i=0; while [ $i -lt 50 ]; do ln /f /l$i; i=$((i+1)); done; d=/deep; i=0; while [ $i -lt 300 ]; do mkdir -p $d; d=$d/x; i=$((i+1)); done; touch /ready; sleep 300' >/dev/null
for _ in $(seq 100); do [ -e "$BERTH_ROOT/containers/$(b inspect -f '{{.Id}}' linker)/upper/ready" ] && break; sleep 0.1; done
expect_status "size of the linked file" 0 b ps --filter name=linker --format '{{.Size}}'
expect_match "once, not 51 times" '^7kB \(virtual ' "$out"
b rm -f linker >/dev/null

# system prune: asks first, and a "no" keeps everything
expect_status "prune refused" 0 sh -c "echo n | '$BERTH' system prune --volumes"
expect_match "warning lists what goes" 'WARNING! This will remove:
  - all stopped containers
  - all networks not used by at least one container
  - all anonymous volumes not used by at least one container
  - all dangling images
  - unused build cache' "$out"
expect_eq "nothing went" "2" "$(b ps -aq | wc -l)"
expect_status "prune until the future keeps nothing stopped" 0 b container prune -f --filter until=2000-01-01T00:00:00Z
expect_eq "until in the past removes nothing" "2" "$(b ps -aq | wc -l)"
expect_status "bad until" 1 b container prune -f --filter until=bogus
expect_status "until with --volumes" 1 b system prune -f --volumes --filter until=1h
expect_match "until with --volumes message" 'The "until" filter is not supported with "--volumes"' "$err"
expect_status "prune" 0 b system prune -f --volumes
expect_match "deleted the writer" $'^Deleted Containers:\n[0-9a-f]{64}\n\nDeleted Volumes:\n[0-9a-f]{64}\n\nTotal reclaimed space: 5.00[0-9]kB$' "$out"
expect_eq "the running one stays" "keeper" "$(b ps -a --format '{{.Names}}')"
expect_eq "named volumes stay" "$(printf 'kept\nloose')" "$(b volume ls -q | sort)"
expect_status "prune -a keeps the image in use" 0 b system prune -af
expect_eq "image kept" "1" "$(b images -q | wc -l)"
b rm -f keeper >/dev/null
expect_status "prune -a" 0 b system prune -af
expect_match "image report in Docker's words" $'Deleted Images:\nuntagged: busybox:latest\ndeleted: sha256:[0-9a-f]{64}' "$out"
expect_eq "no image left" "0" "$(b images -q | wc -l)"

finish
