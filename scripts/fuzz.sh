#!/bin/bash
# Builds the libFuzzer targets of fuzz/ with clang (in build-fuzz/) and runs
# them.
#
#   scripts/fuzz.sh [TARGET|all] [RUNS]    long runs: RUNS executions per target
#                                          (default 1000000), new inputs kept in
#                                          build-fuzz/fuzz-corpus/TARGET
#   scripts/fuzz.sh --smoke                what scripts/test.sh runs: each target a
#                                          few seconds over its seed corpus
#
# FUZZ_JOBS=N splits a long run between N processes. Crashing inputs are
# written to build-fuzz/fuzz-crashes/TARGET/ and the script fails; add them
# to fuzz/corpus/TARGET once the parser is fixed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-fuzz"
targets=(reference filters units template envfile volume shim_spec layer load dns registry dockerfile build_words log_decode api_http)

smoke=0
if [ "${1:-}" = --smoke ]; then
	smoke=1
	shift
fi
target=${1:-all}
runs=${2:-1000000}
jobs=${FUZZ_JOBS:-1}
if [ "$target" != all ]; then
	if [ ! -f "$root/fuzz/fuzz_$target.c" ]; then
		echo "fuzz: no target $target (${targets[*]})" >&2
		exit 2
	fi
	targets=("$target")
fi

CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBERTH_FUZZ=ON -DBERTH_WERROR=ON >/dev/null
# Everything, not only the targets: the whole tree must build warning-free under clang too.
cmake --build "$build" -j"$(nproc)" >/dev/null

# Inputs past these sizes find nothing the smaller ones do not.
max_len() {
	case $1 in
	layer | load) echo 65536 ;;
	shim_spec) echo 16384 ;;
	*) echo 4096 ;;
	esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export BERTH_FUZZ_TMP=${BERTH_FUZZ_TMP:-/tmp}
status=0
for t in "${targets[@]}"; do
	crashes="$build/fuzz-crashes/$t"
	mkdir -p "$crashes"
	args=(-max_len="$(max_len "$t")" -timeout=25 -artifact_prefix="$crashes/"
		-print_final_stats=1)
	[ -f "$root/fuzz/dict/$t.dict" ] && args+=(-dict="$root/fuzz/dict/$t.dict")
	if [ $smoke = 1 ]; then
		work=$(mktemp -d)
		mkdir "$work/corpus"
		echo "== fuzz_$t: 4000 runs or 8 s over fuzz/corpus/$t"
		if ! (cd "$work" && "$build/fuzz/fuzz_$t" "${args[@]}" -runs=4000 -max_total_time=8 \
			"$work/corpus" "$root/fuzz/corpus/$t" >"$work/log" 2>&1); then
			tail -n 40 "$work/log" >&2
			status=1
		fi
		grep -h 'stat::number_of_executed_units' "$work/log" || true
		rm -rf "$work"
		continue
	fi
	corpus="$build/fuzz-corpus/$t"
	logs="$build/fuzz-logs/$t"
	mkdir -p "$corpus" "$logs"
	rm -f "$logs"/fuzz*.log
	echo "== fuzz_$t: $runs runs in $jobs process(es); logs in $logs"
	if [ "$jobs" -gt 1 ]; then
		args+=(-jobs="$jobs" -workers="$jobs" -runs=$(((runs + jobs - 1) / jobs)))
	else
		args+=(-runs="$runs")
	fi
	if ! (cd "$logs" && "$build/fuzz/fuzz_$t" "${args[@]}" "$corpus" "$root/fuzz/corpus/$t" \
		>"$logs/fuzz.log" 2>&1); then
		echo "fuzz_$t failed: see $logs and $crashes" >&2
		status=1
	fi
	total=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs"/fuzz*.log |
		awk '{s += $1} END {print s + 0}')
	echo "fuzz_$t: $total executions"
done
exit $status
