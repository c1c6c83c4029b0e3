#!/bin/bash
# Builds, berth and Docker side by side in one run, on the same Dockerfiles
# and contexts:
#   - cold:   a 5-step build (FROM, COPY, RUN, RUN, ENV+CMD) with --no-cache
#   - cached: the same build again, every step from the cache
#   - ctx10k: COPY . of a context of 10,000 files, half of them left out
#             by a .dockerignore, with --no-cache
#   - ctx10k-cached: the same, cached (every file checked again)
# RUN steps use --network none on both sides. Docker is Debian's docker.io
# with its classic builder (no buildx here), as scripts/private-dockerd.sh
# starts it. Each figure is the median of $ROUNDS runs (default 7); raw
# numbers go to bench/results/build.txt.
#
#   bench/build.sh [--no-docker]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
with_docker=1
[ "${1:-}" = --no-docker ] && with_docker=0
ROUNDS=${ROUNDS:-7}

"$root/scripts/install-deps.sh" --bench
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)" >/dev/null

work=$(mktemp -d /tmp/berth-buildbench.XXXXXX)
results=$root/bench/results
mkdir -p "$results"
export BERTH_ROOT=$work/root BERTH_RUN=$work/run BERTH_CGROUP_PARENT=berth-buildbench
berth=$root/build/berth
source "$root/bench/lib.sh"
cleanup() {
	"$root/scripts/private-dockerd.sh" stop "$work/dockerd" >/dev/null 2>&1 || true
	bench_berth_cleanup "$work" berth-buildbench || true
	rm -rf "$work" || true
}
trap cleanup EXIT

"$root/scripts/busybox-image.sh" "$berth" >/dev/null
if [ "$with_docker" = 1 ]; then
	export DOCKER_HOST DOCKER_BUILDKIT=0
	DOCKER_HOST=$("$root/scripts/private-dockerd.sh" start "$work/dockerd")
	DOCKER_HOST= "$berth" save busybox | docker load >/dev/null
fi

# The 5-step build's context.
mkdir -p "$work/five"
head -c $((1 << 20)) /dev/urandom >"$work/five/data.bin"
printf 'echo hello\n' >"$work/five/script.sh"
cat >"$work/five/Dockerfile" <<'EOF'
FROM busybox
COPY data.bin script.sh /app/
RUN sh /app/script.sh >/app/out && md5sum /app/data.bin >/app/sum
RUN mkdir -p /var/lib/app && cp /app/out /var/lib/app/
ENV APP=/app
CMD ["cat", "/app/out"]
EOF

# The context of 10,000 files: 100 directories of 100 files, the odd
# directories' files left out by the .dockerignore.
mkdir -p "$work/ctx10k"
for d in $(seq -w 0 99); do
	mkdir "$work/ctx10k/d$d"
	for f in $(seq -w 0 99); do printf 'file %s %s\n' "$d" "$f" >"$work/ctx10k/d$d/f$f.txt"; done
done
for d in $(seq -w 1 2 99); do echo "d$d" >>"$work/ctx10k/.dockerignore"; done
printf 'FROM busybox\nCOPY . /ctx/\n' >"$work/ctx10k/Dockerfile"

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
out=$results/build.txt
: >"$out"
record() { echo "$1 $2" >>"$out"; }
bbuild() { DOCKER_HOST= "$berth" build -q --network none "$@" >/dev/null; }
dbuild() { docker build -q --network none "$@" >/dev/null; }

# warm both once (first builds fill caches of the page cache and the store)
bbuild -t five "$work/five"; bbuild -t ctx "$work/ctx10k"
if [ "$with_docker" = 1 ]; then dbuild -t five "$work/five"; dbuild -t ctx "$work/ctx10k"; fi

for round in $(seq "$ROUNDS"); do
	t=$(date +%s%N); bbuild --no-cache -t five "$work/five"; record berth-cold "$(ms "$t")"
	t=$(date +%s%N); bbuild -t five "$work/five"; record berth-cached "$(ms "$t")"
	t=$(date +%s%N); bbuild --no-cache -t ctx "$work/ctx10k"; record berth-ctx10k "$(ms "$t")"
	t=$(date +%s%N); bbuild -t ctx "$work/ctx10k"; record berth-ctx10k-cached "$(ms "$t")"
	if [ "$with_docker" = 1 ]; then
		t=$(date +%s%N); dbuild --no-cache -t five "$work/five"; record docker-cold "$(ms "$t")"
		t=$(date +%s%N); dbuild -t five "$work/five"; record docker-cached "$(ms "$t")"
		t=$(date +%s%N); dbuild --no-cache -t ctx "$work/ctx10k"; record docker-ctx10k "$(ms "$t")"
		t=$(date +%s%N); dbuild -t ctx "$work/ctx10k"; record docker-ctx10k-cached "$(ms "$t")"
	fi
	DOCKER_HOST= "$berth" builder prune -f >/dev/null
	[ "$with_docker" = 1 ] && docker image prune -f >/dev/null
done

echo "build bench: median of $ROUNDS (ms)"
printf '%-15s %10s %10s %8s\n' case berth docker ratio
for c in cold cached ctx10k ctx10k-cached; do
	b=$(awk -v k="berth-$c" '$1 == k {print $2}' "$out" | median)
	if [ "$with_docker" = 1 ]; then
		d=$(awk -v k="docker-$c" '$1 == k {print $2}' "$out" | median)
		printf '%-15s %10s %10s %7s%%\n' "$c" "$b" "$d" "$(awk -v b="$b" -v d="$d" 'BEGIN {printf "%.0f", 100 * b / d}')"
	else
		printf '%-15s %10s\n' "$c" "$b"
	fi
done
exit 0
