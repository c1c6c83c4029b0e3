#!/bin/bash
# Installs, through apt-get, every Debian package berth needs to build, run
# and test that this machine lacks. Nothing is done when all are present.
set -euo pipefail

packages=(
	build-essential cmake pkg-config
	libuv1-dev libjansson-dev libarchive-dev libsqlite3-dev libseccomp-dev libcap-dev
	libnl-3-dev libnl-route-3-dev libncurses-dev libcmocka-dev
	busybox-static tmux file sqlite3 docker.io
	clang libclang-rt-14-dev
)
if [ "${1:-}" = --bench ]; then
	packages+=(crun hyperfine)
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing ${missing[*]}; run as root to install them" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
