#!/bin/bash
# A dockerd for the tests and the bench that leaves the host's own engines
# alone: its own data root, exec root and socket under DIR, no iptables
# rules, and its own network namespace, so that `--bridge=none` (which
# makes dockerd delete a bridge named docker0) acts on that namespace and
# never on the host's docker0.
#
#   private-dockerd.sh start DIR   starts it; prints the DOCKER_HOST to use
#   private-dockerd.sh stop DIR    stops it, unmounts what it left under
#                                  DIR and deletes its namespace
# With PRIVATE_DOCKERD_BRIDGE=1 it keeps its default bridge (docker0 with
# 10.199.0.1/24) and its iptables rules, both inside its own namespace.
set -euo pipefail
action=${1:?usage: private-dockerd.sh start|stop DIR}
dir=${2:?usage: private-dockerd.sh start|stop DIR}
netns=berth-dockerd-$(echo "$dir" | md5sum | cut -c1-12)

case $action in
start)
	command -v dockerd >/dev/null || { echo "private-dockerd: dockerd missing (apt-get install docker.io)" >&2; exit 1; }
	mkdir -p "$dir/docker" "$dir/docker-exec"
	ip netns add "$netns"
	ip -n "$netns" link set lo up
	if [ "${PRIVATE_DOCKERD_BRIDGE:-0}" = 1 ]; then
		network_flags="--bip 10.199.0.1/24 --ip6tables=false"
	else
		network_flags="--bridge=none --iptables=false --ip6tables=false"
	fi
	# nsenter, not `ip netns exec`: that one also remounts /sys, hiding
	# the cgroup hierarchies dockerd needs.
	nsenter --net="/run/netns/$netns" \
		dockerd --data-root "$dir/docker" --exec-root "$dir/docker-exec" \
		--pidfile "$dir/docker.pid" -H "unix://$dir/docker.sock" \
		$network_flags \
		>"$dir/dockerd.log" 2>&1 </dev/null &
	echo $! >"$dir/dockerd.pid"
	for _ in $(seq 150); do
		DOCKER_HOST=unix://$dir/docker.sock docker version >/dev/null 2>&1 && break
		sleep 0.2
	done
	echo "unix://$dir/docker.sock"
	;;
stop)
	if [ -f "$dir/dockerd.pid" ]; then
		export DOCKER_HOST=unix://$dir/docker.sock
		docker ps -aq 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1 || true
		pid=$(cat "$dir/dockerd.pid")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
		rm -f "$dir/dockerd.pid"
	fi
	grep -F " $dir/" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r umount -l || true
	ip netns del "$netns" 2>/dev/null || true
	;;
*)
	echo "usage: private-dockerd.sh start|stop DIR" >&2
	exit 2
	;;
esac
