#!/bin/bash
# Resource limits on real containers: memory, swap, CPU, cpuset, pids,
# ulimits, /dev/shm, the OOM killer, `update` of running and stopped
# containers, and dockerd's refusals leaving the store as it was.
source "$(dirname "$0")/lib.sh"
busybox_image

V2=no
[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && V2=yes

# cg ID V1-CONTROLLER V1-FILE V2-FILE: the host's copy of a container's cgroup file.
cg() {
	if [ "$V2" = yes ]; then
		cat "/sys/fs/cgroup/$BERTH_CGROUP_PARENT/$1/$4"
	else
		cat "/sys/fs/cgroup/$2/$BERTH_CGROUP_PARENT/$1/$3"
	fi
}

# the same file as the container sees it
inside() {
	if [ "$V2" = yes ]; then echo "/sys/fs/cgroup/$3"; else echo "/sys/fs/cgroup/$1/$2"; fi
}

# --- memory -------------------------------------------------------------
id=$(b run -d --name mem -m 64m busybox sleep 60)
expect_eq "memory limit in the cgroup" "67108864" "$(cg "$id" memory memory.limit_in_bytes memory.max)"
expect_status "memory limit inside" 0 b run --rm -m 64m busybox cat "$(inside memory memory.limit_in_bytes memory.max)"
expect_eq "memory limit read inside" "67108864" "$out"
expect_eq "inspect Memory, MemorySwap twice it" "67108864 134217728" \
	"$(b inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' mem)"
if [ "$V2" = no ] && [ -f /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]; then
	expect_eq "memsw is memory plus swap" "134217728" "$(cg "$id" memory memory.memsw.limit_in_bytes x)"
fi
b rm -f mem >/dev/null

id=$(b run -d --name swap -m 32m --memory-swap 48m --memory-reservation 16m busybox sleep 60)
if [ "$V2" = yes ]; then
	expect_eq "swap alone in memory.swap.max" "16777216" "$(cg "$id" x x memory.swap.max)"
	expect_eq "reservation is memory.low" "16777216" "$(cg "$id" x x memory.low)"
elif [ -f /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]; then
	expect_eq "memsw as given" "50331648" "$(cg "$id" memory memory.memsw.limit_in_bytes x)"
	expect_eq "reservation is the soft limit" "16777216" "$(cg "$id" memory memory.soft_limit_in_bytes x)"
fi
b rm -f swap >/dev/null

if [ "$V2" = no ]; then
	id=$(b run -d --name nooom -m 16m --oom-kill-disable busybox sleep 60)
	expect_match "OOM killer disabled" "oom_kill_disable 1" "$(cg "$id" memory memory.oom_control x)"
	b rm -f nooom >/dev/null
fi

# --- the OOM killer: exit 137, OOMKilled, an "oom" event before "die" ----
t0=$(date +%s.%N)
expect_status "OOM-killed run" 137 b run --name oomer -m 8m busybox sh -c 'x=; while :; do x="$x$x"; x="${x}aaaaaaaaaaaaaaaa"; done'
expect_eq "OOMKilled and exit code" "true 137" "$(b inspect -f '{{.State.OOMKilled}} {{.State.ExitCode}}' oomer)"
expect_status "oom event" 0 timeout 5 "$BERTH" events --since "$t0" --until "$(date +%s.%N)" -f container=oomer --format '{{.Action}}'
expect_eq "create, start, oom, die" "create start oom die" "$(echo "$out" | grep -v attach | tr '\n' ' ' | sed 's/ $//')"
b rm -f oomer >/dev/null
expect_status "within the limit" 0 b run --rm -m 32m busybox sh -c 'head -c 4m /dev/zero | tail -c 1 | wc -c'
expect_eq "no OOM under the limit" "1" "$(echo "$out" | tr -d ' ')"

# --- CPU -----------------------------------------------------------------
id=$(b run -d --name cpu --cpus 0.5 --cpu-shares 512 --cpuset-cpus 0 busybox sleep 60)
if [ "$V2" = yes ]; then
	expect_eq "--cpus sets cpu.max" "50000 100000" "$(cg "$id" x x cpu.max)"
	expect_eq "shares as a weight" "20" "$(cg "$id" x x cpu.weight)"
else
	expect_eq "--cpus sets the CFS quota" "50000" "$(cg "$id" cpu cpu.cfs_quota_us x)"
	expect_eq "over a 100ms period" "100000" "$(cg "$id" cpu cpu.cfs_period_us x)"
	expect_eq "cpu shares" "512" "$(cg "$id" cpu cpu.shares x)"
	expect_status "quota inside" 0 b run --rm --cpus 0.5 busybox cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us
	expect_eq "quota read inside" "50000" "$out"
fi
expect_eq "cpuset" "0" "$(cg "$id" cpuset cpuset.cpus cpuset.cpus)"
expect_eq "inspect NanoCpus" "500000000 512 0" \
	"$(b inspect -f '{{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}} {{.HostConfig.CpusetCpus}}' cpu)"
b rm -f cpu >/dev/null
id=$(b run -d --name cfs --cpu-period 50000 --cpu-quota 25000 busybox sleep 60)
if [ "$V2" = yes ]; then
	expect_eq "period and quota" "25000 50000" "$(cg "$id" x x cpu.max)"
else
	expect_eq "period and quota" "50000 25000" "$(cg "$id" cpu cpu.cfs_period_us x) $(cg "$id" cpu cpu.cfs_quota_us x)"
fi
b rm -f cfs >/dev/null

# --- pids: a fork bomb stops at the limit --------------------------------
expect_status "fork bomb under --pids-limit" 2 b run --rm --pids-limit 10 busybox sh -c 'for i in $(seq 50); do sleep 10 & done; wait'
expect_match "fork refused" "can't fork" "$err"
expect_status "the same without a limit" 0 b run --rm busybox sh -c 'for i in $(seq 50); do sleep 1 & done; wait'
id=$(b run -d --name pids --pids-limit 10 busybox sleep 60)
expect_eq "pids.max" "10" "$(cg "$id" pids pids.max pids.max)"
b rm -f pids >/dev/null

# --- ulimits and /dev/shm ------------------------------------------------
expect_status "--ulimit nofile" 0 b run --rm --ulimit nofile=100:200 busybox sh -c 'ulimit -n; ulimit -Hn'
expect_eq "soft and hard nofile" "$(printf '100\n200')" "$out"
expect_status "two ulimits" 0 b run --rm --ulimit nofile=150 --ulimit core=0 busybox sh -c 'ulimit -n; ulimit -Hn; ulimit -c'
expect_eq "hard defaults to soft" "$(printf '150\n150\n0')" "$out"
expect_eq "inspect Ulimits" '[{"Name":"nofile","Hard":200,"Soft":100}]' \
	"$(b create --ulimit nofile=100:200 busybox true | xargs "$BERTH" inspect -f '{{json .HostConfig.Ulimits}}')"
expect_status "--shm-size" 0 b run --rm --shm-size 1m busybox df -k /dev/shm
expect_match "1 MiB of /dev/shm" "shm +1024 " "$out"
expect_status "default shm" 0 b run --rm busybox df -k /dev/shm
expect_match "64 MiB of /dev/shm" "shm +65536 " "$out"

# --- update ----------------------------------------------------------------
t1=$(date +%s.%N)
id=$(b run -d --name upd -m 32m busybox sleep 60)
expect_status "update memory and swap" 0 b update -m 64m --memory-swap 128m upd
expect_eq "update prints the name" "upd" "$out"
expect_eq "new limit in the cgroup" "67108864" "$(cg "$id" memory memory.limit_in_bytes memory.max)"
expect_eq "HostConfig saved" "67108864 134217728" "$(b inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' upd)"
expect_status "update lowers the limit" 0 b update -m 16m upd
expect_eq "lowered" "16777216" "$(cg "$id" memory memory.limit_in_bytes memory.max)"
expect_status "update pids and cpus" 0 b update --pids-limit 5 --cpus 1 upd
expect_eq "pids.max updated" "5" "$(cg "$id" pids pids.max pids.max)"
[ "$V2" = no ] && expect_eq "quota updated" "100000" "$(cg "$id" cpu cpu.cfs_quota_us x)"
expect_status "pids limit lifted" 0 b update --pids-limit -1 upd
expect_eq "pids.max back to max" "max" "$(cg "$id" pids pids.max pids.max)"
expect_status "update event" 0 timeout 5 "$BERTH" events --since "$t1" --until "$(date +%s.%N)" -f container=upd -f event=update --format '{{.Action}}'
expect_eq "one event per update" "4" "$(echo "$out" | grep -c update)"
expect_status "paused containers are updated too" 0 b pause upd
expect_status "update while paused" 0 b update --pids-limit 7 upd
expect_eq "pids.max while paused" "7" "$(cg "$id" pids pids.max pids.max)"
b unpause upd >/dev/null
b rm -f upd >/dev/null

b create --name stopped -m 32m busybox cat "$(inside memory memory.limit_in_bytes memory.max)" >/dev/null
expect_status "update a stopped container" 0 b update -m 48m --memory-swap 96m --restart on-failure:3 stopped
expect_eq "only HostConfig changes" "50331648 on-failure 3" \
	"$(b inspect -f '{{.HostConfig.Memory}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' stopped)"
expect_status "the next start uses it" 0 b start -a stopped
expect_eq "limit applied at start" "50331648" "$out"
b rm -f stopped >/dev/null

# --- refusals: Docker's words, exit statuses, nothing stored ---------------
ncpu=$(nproc)
before=$(store_snapshot)
expect_status "bad memory string" 125 b run --rm -m x busybox true
expect_eq "pflag's words" "berth: invalid argument \"x\" for \"-m, --memory\" flag: invalid size: 'x'
See 'berth run --help'." "$err"
expect_status "memory too small" 125 b run --rm -m 4m busybox true
expect_eq "6MB minimum" "berth: Minimum memory limit allowed is 6MB" "$err"
expect_status "too many CPUs" 125 b run --rm --cpus $((ncpu + 1)) busybox true
expect_eq "CPU range" "berth: Range of CPUs is from 0.01 to $ncpu.00, as there are only $ncpu CPUs available" "$err"
expect_status "cpus not a number" 125 b create --cpus abc busybox true
expect_match "rational" 'invalid argument "abc" for "--cpus" flag: failed to parse abc as a rational number' "$err"
expect_status "swap below memory" 125 b run --rm -m 10m --memory-swap 5m busybox true
expect_eq "swap words" "berth: Minimum memoryswap limit should be larger than memory limit, see usage" "$err"
expect_status "swap without memory" 1 b create --memory-swap 10m busybox true
expect_eq "swap needs memory" "berth: You should always set the Memory limit when using Memoryswap limit, see usage" "$err"
expect_status "unknown ulimit" 125 b run --rm --ulimit foo=1 busybox true
expect_match "ulimit type" 'invalid argument "foo=1" for "--ulimit" flag: invalid ulimit type: foo' "$err"
expect_status "bad cpuset" 125 b run --rm --cpuset-cpus 0-x busybox true
expect_eq "cpuset words" "berth: Invalid value 0-x for cpuset cpus: invalid format: 0-x" "$err"
expect_status "cpus and period" 125 b run --rm --cpus 1 --cpu-period 50000 busybox true
expect_eq "conflict" "berth: Conflicting options: Nano CPUs and CPU Period cannot both be set" "$err"
expect_status "bad pids limit" 125 b run --rm --pids-limit many busybox true
expect_match "ParseInt" 'strconv.ParseInt: parsing "many": invalid syntax' "$err"
expect_eq "refused runs stored nothing" "$before" "$(store_snapshot)"

b run -d --name keep -m 32m busybox sleep 60 >/dev/null
id=$(b inspect -f '{{.Id}}' keep)
before=$(store_snapshot)
hc_before=$(b inspect -f '{{json .HostConfig}}' keep)
expect_status "update below the minimum" 1 b update -m 4m keep
expect_eq "update words" "berth: Minimum memory limit allowed is 6MB" "$err"
expect_status "update above the old swap" 1 b update -m 512m keep
expect_eq "update conflict" "berth: Cannot update container $id: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time" "$err"
expect_status "update with no flag" 1 b update keep
expect_eq "no flag" "berth: you must provide one or more flags when using this command" "$err"
expect_status "update a bad restart policy" 1 b update --restart sometimes keep
expect_eq "restart words" "berth: invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'" "$err"
expect_status "update a missing container" 1 b update -m 64m nosuch
expect_match "no such container" "[Nn]o such container" "$err"
expect_eq "refused updates stored nothing" "$before" "$(store_snapshot)"
expect_eq "HostConfig unchanged" "$hc_before" "$(b inspect -f '{{json .HostConfig}}' keep)"
expect_eq "cgroup unchanged" "33554432" "$(cg "$id" memory memory.limit_in_bytes memory.max)"
b rm -f keep >/dev/null

finish
