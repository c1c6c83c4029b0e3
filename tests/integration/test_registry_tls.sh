#!/bin/bash
# A registry that is not on loopback is secure: TLS, verified. The test
# makes a namespace joined to the host by a veth pair (198.51.100.0/30, a
# documentation range), runs docker-registry there with a certificate of
# the test's own CA (openssl), and checks that berth refuses it until
# certs.d has the CA, uses a client certificate from certs.d, treats it as
# insecure when daemon.json says so, goes through registry-mirrors-for
# first (falling back to the registry), and through daemon.json's proxy.
source "$(dirname "$0")/lib.sh"
busybox_image

export DOCKER_CONFIG=$TEST_DIR/docker-config
export BERTH_CERTS_D=$TEST_DIR/certs.d
NS=bt-rt-$$
NETNS=$NS
HOSTLINK=brt$$h
FAULTS=$SOURCE_DIR/tests/integration/registry_faults.py
SERVERS=()
stop_all() {
	local p
	for p in "${SERVERS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	ip link del "$HOSTLINK" 2>/dev/null
	cleanup
}
trap stop_all EXIT

ip netns add "$NS"
ip link add "$HOSTLINK" type veth peer name eth0 netns "$NS"
ip addr add 198.51.100.1/30 dev "$HOSTLINK"
ip link set "$HOSTLINK" up
ip -n "$NS" addr add 198.51.100.2/30 dev eth0
ip -n "$NS" link set eth0 up
ip -n "$NS" link set lo up
in_ns() { nsenter --net="/run/netns/$NS" "$@"; }

# the test's CA, a server certificate for 198.51.100.2, a client certificate
pki=$TEST_DIR/pki
mkdir -p "$pki"
(
	cd "$pki" || exit 1
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=berth-test-ca -keyout ca.key -out ca.crt
	openssl req -newkey rsa:2048 -nodes -subj /CN=198.51.100.2 -keyout server.key -out server.csr
	printf 'subjectAltName=IP:198.51.100.2\n' >san.ext
	openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.crt
	openssl req -newkey rsa:2048 -nodes -subj /CN=berth-client -keyout client.key -out client.csr
	openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out client.cert
) >/dev/null 2>&1

# start_registry NAME ADDR [YAML...]: a docker-registry in the namespace
start_registry() {
	local dir=$TEST_DIR/$1 addr=$2
	shift 2
	mkdir -p "$dir"
	{
		echo "version: 0.1"
		echo "log: {level: error}"
		echo "storage: {filesystem: {rootdirectory: $dir/data}}"
		echo "http:"
		echo "  addr: $addr"
		printf '%s\n' "$@"
	} >"$dir/config.yml"
	# nsenter itself, not the in_ns function: $! must be the registry
	# (a backgrounded function is a subshell, and killing it leaves the
	# registry running)
	nsenter --net="/run/netns/$NETNS" docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
	SERVERS+=($!)
	wait_for "registry $dir listens" in_ns python3 -c "import socket; socket.create_connection(('${addr%:*}', ${addr##*:}))"
}
start_registry tls 198.51.100.2:5443 "  tls: {certificate: $pki/server.crt, key: $pki/server.key}"
start_registry mtls 198.51.100.2:5444 "  tls: {certificate: $pki/server.crt, key: $pki/server.key, clientcas: [$pki/ca.crt]}"
S=198.51.100.2:5443
M=198.51.100.2:5444

# seed both, from berth's save, by skopeo trusting the test CA
b save -o "$TEST_DIR/bb.tar" busybox
mkdir -p "$TEST_DIR/skopeo-ca"
cp "$pki/ca.crt" "$TEST_DIR/skopeo-ca/"
expect_status "seed the TLS registry" 0 skopeo copy --quiet --dest-cert-dir "$TEST_DIR/skopeo-ca" \
	"docker-archive:$TEST_DIR/bb.tar" "docker://$S/box:1"
mkdir -p "$TEST_DIR/skopeo-client"
cp "$pki/ca.crt" "$pki/client.cert" "$pki/client.key" "$TEST_DIR/skopeo-client/"
expect_status "seed the client-certificate registry" 0 skopeo copy --quiet --dest-cert-dir "$TEST_DIR/skopeo-client" \
	"docker-archive:$TEST_DIR/bb.tar" "docker://$M/box:1"
busybox_id=$(b image inspect -f '{{.Id}}' busybox)

# --- verification ------------------------------------------------------------------
before=$(store_snapshot)
expect_status "an unknown CA is refused" 1 b pull "$S/box:1"
expect_match "x509" "Get \"https://$S/v2/\": .*x509: certificate signed by unknown authority" "$err"
expect_eq "nothing changed" "$before" "$(store_snapshot)"
mkdir -p "$BERTH_CERTS_D/$S"
cp "$pki/ca.crt" "$BERTH_CERTS_D/$S/ca.crt"
expect_status "certs.d's CA" 0 b pull "$S/box:1"
expect_eq "the image" "$busybox_id" "$(b image inspect -f '{{.Id}}' "$S/box:1")"
b tag busybox "$S/box:2"
expect_status "push over TLS" 0 b push "$S/box:2"

# --- a client certificate ----------------------------------------------------------
mkdir -p "$BERTH_CERTS_D/$M"
cp "$pki/ca.crt" "$BERTH_CERTS_D/$M/ca.crt"
expect_status "no client certificate" 1 b pull "$M/box:1"
cp "$pki/client.cert" "$BERTH_CERTS_D/$M/client.cert"
expect_status "a certificate without its key" 1 b pull "$M/box:1"
expect_match "Docker's words" "missing key client.key for client certificate client.cert" "$err"
cp "$pki/client.key" "$BERTH_CERTS_D/$M/client.key"
expect_status "with the client certificate" 0 b pull "$M/box:1"

# --- insecure-registries: a name, and a CIDR ------------------------------------------
rm -rf "$BERTH_CERTS_D/$S"
b rmi "$S/box:1" >/dev/null
echo "{\"insecure-registries\": [\"$S\"]}" >"$TEST_DIR/by-name.json"
expect_status "an insecure registry by name" 0 env BERTH_CONFIG="$TEST_DIR/by-name.json" "$BERTH" pull "$S/box:1"
b rmi "$S/box:1" >/dev/null
echo '{"insecure-registries": ["198.51.100.0/30"]}' >"$TEST_DIR/by-cidr.json"
expect_status "an insecure registry by CIDR" 0 env BERTH_CONFIG="$TEST_DIR/by-cidr.json" "$BERTH" pull "$S/box:1"
expect_status "info lists the CIDR" 0 env BERTH_CONFIG="$TEST_DIR/by-cidr.json" "$BERTH" info -f '{{json .RegistryConfig.InsecureRegistryCIDRs}}'
expect_match "with loopback's" '"198.51.100.0/30".*|.*"198.51.100.0/30"' "$out"

# --- a mirror first, the registry when the mirror fails ------------------------------------
mkdir -p "$BERTH_CERTS_D/$S"
cp "$pki/ca.crt" "$BERTH_CERTS_D/$S/ca.crt"
MIRROR=$(free_port)
mkdir -p "$TEST_DIR/mirror"
cat >"$TEST_DIR/mirror/config.yml" <<EOF
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $TEST_DIR/mirror/data}}
http: {addr: 127.0.0.1:$MIRROR}
EOF
docker-registry serve "$TEST_DIR/mirror/config.yml" >"$TEST_DIR/mirror/log" 2>&1 &
SERVERS+=($!)
wait_for "the mirror answers" curl -s -o /dev/null "http://127.0.0.1:$MIRROR/v2/"
MPROXY=$(free_port)
touch "$TEST_DIR/mirror.log"
python3 "$FAULTS" proxy "$MPROXY" "http://127.0.0.1:$MIRROR" "$TEST_DIR/mirror.log" &
SERVERS+=($!)
wait_for "the mirror's proxy answers" curl -s -o /dev/null "http://127.0.0.1:$MPROXY/v2/"
skopeo copy --quiet --dest-tls-verify=false "docker-archive:$TEST_DIR/bb.tar" "docker://127.0.0.1:$MIRROR/box:1" >/dev/null
echo "{\"registry-mirrors-for\": {\"$S\": [\"http://127.0.0.1:$MPROXY\"]}}" >"$TEST_DIR/mirrors.json"
b rmi "$S/box:1" >/dev/null
expect_status "a pull through the mirror" 0 env BERTH_CONFIG="$TEST_DIR/mirrors.json" "$BERTH" pull "$S/box:1"
expect_match "the mirror served the manifest" '"path": "/v2/box/manifests/1"' "$(cat "$TEST_DIR/mirror.log")"
expect_eq "the image keeps the registry's name" "$busybox_id" "$(b image inspect -f '{{.Id}}' "$S/box:1")"
expect_status "a tag the mirror lacks comes from the registry" 0 env BERTH_CONFIG="$TEST_DIR/mirrors.json" "$BERTH" pull "$S/box:2"
kill "${SERVERS[-1]}"
wait "${SERVERS[-1]}" 2>/dev/null
b rmi "$S/box:1" >/dev/null
expect_status "a mirror that is down gives way to the registry" 0 env BERTH_CONFIG="$TEST_DIR/mirrors.json" "$BERTH" pull "$S/box:1"
expect_status "a push never goes to a mirror" 0 env BERTH_CONFIG="$TEST_DIR/mirrors.json" "$BERTH" push "$S/box:2"

# --- daemon.json's proxy -----------------------------------------------------------------
PROXY=$(free_port)
touch "$TEST_DIR/connect.log"
python3 "$FAULTS" connect "$PROXY" "$TEST_DIR/connect.log" &
SERVERS+=($!)
wait_for "the proxy listens" python3 -c "import socket; socket.create_connection(('127.0.0.1', $PROXY))"
echo "{\"proxies\": {\"https-proxy\": \"http://127.0.0.1:$PROXY\"}}" >"$TEST_DIR/proxy.json"
b rmi "$S/box:1" >/dev/null
expect_status "a pull through the proxy" 0 env BERTH_CONFIG="$TEST_DIR/proxy.json" "$BERTH" pull "$S/box:1"
expect_match "it tunnelled to the registry" "CONNECT $S" "$(cat "$TEST_DIR/connect.log")"
: >"$TEST_DIR/connect.log"
b rmi "$S/box:1" >/dev/null
expect_status "HTTPS_PROXY from the environment" 0 env HTTPS_PROXY="http://127.0.0.1:$PROXY" "$BERTH" pull "$S/box:1"
expect_match "tunnelled too" "CONNECT $S" "$(cat "$TEST_DIR/connect.log")"
: >"$TEST_DIR/connect.log"
b rmi "$S/box:1" >/dev/null
expect_status "NO_PROXY names the registry" 0 env HTTPS_PROXY="http://127.0.0.1:$PROXY" NO_PROXY=198.51.100.2 "$BERTH" pull "$S/box:1"
expect_eq "no tunnel then" "" "$(cat "$TEST_DIR/connect.log")"

finish
