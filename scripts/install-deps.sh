#!/bin/bash
# Installs, through apt-get, the Debian packages this machine lacks:
#   --run    what berth needs to build and run (scripts/run.sh)
#   --test   that, and what the tests need: cmocka, tmux, sqlite3, Docker
#            to compare with, clang for the fuzz targets, zsh, python3 (the
#            layer check), a registry (docker-registry, htpasswd, skopeo,
#            openssl for its test CA, curl, git for remote build contexts,
#            python3-msgpack and systemd for the log receivers, an sshd the
#            remote tests start on their own) (the default)
#   --bench  that, and crun, hyperfine and docker-registry
# Nothing is done when all are present.
set -euo pipefail

packages=(
	build-essential cmake pkg-config
	libuv1-dev libjansson-dev libarchive-dev libsqlite3-dev libseccomp-dev libncurses-dev
	libnl-3-dev libnl-route-3-dev libnftables-dev libcurl4-openssl-dev zlib1g-dev libssl-dev
	libhttp-parser-dev
	busybox-static file iproute2
)
case ${1:---test} in
--run) ;;
--test) packages+=(libcmocka-dev tmux sqlite3 docker.io clang libclang-rt-14-dev zsh python3 nftables
	docker-registry apache2-utils skopeo openssl curl git python3-msgpack systemd
	python3-docker docker-compose openssh-server openssh-client) ;;
--bench) packages+=(libcmocka-dev tmux sqlite3 docker.io crun hyperfine nftables docker-registry) ;;
*)
	echo "usage: install-deps.sh [--run|--test|--bench]" >&2
	exit 2
	;;
esac

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
# Packages install services (sshd, dockerd) that must not start on their
# own: the tests start their own, in namespaces they make.
policy=/usr/sbin/policy-rc.d
made_policy=
if [ ! -e $policy ]; then
	printf '#!/bin/sh\nexit 101\n' >$policy && chmod 755 $policy && made_policy=1
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
[ -n "$made_policy" ] && rm -f $policy
exit "${status:-0}"
