#!/bin/bash
# IPv6 networks with real traffic: a ULA subnet berth picks or the user's,
# addresses and --ip6, AAAA and PTR at 127.0.0.11, isolation between
# networks, masquerade to a client outside (a namespace the test makes),
# ports published on the host's IPv6 addresses with the client's real
# address, [::1] relayed by the monitor (and ::1 of a [::] binding refused
# at once), connect and disconnect, daemon.json's
# ipv6 and fixed-cidr-v6 for the default bridge, and Docker's refusals.
# Traffic goes only to the test's containers and its own namespace.
source "$(dirname "$0")/lib.sh"

OUTSIDE=bt-o6-$$
OUT_HOST=bt-o6h$$
net_cleanup() {
	ip netns pids "$OUTSIDE" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$OUTSIDE" 2>/dev/null
	ip link del "$OUT_HOST" 2>/dev/null
	cleanup
}
trap net_cleanup EXIT

busybox_image
W="busybox timeout 3 busybox wget -qO-"
# (busybox httpd gives REMOTE_ADDR of IPv6 in brackets)
WEB='mkdir -p /w/cgi-bin && printf "#!/bin/sh\necho Content-Type: text/plain\necho\necho \$REMOTE_ADDR\n" >/w/cgi-bin/ip && chmod +x /w/cgi-bin/ip && hostname >/w/name && exec httpd -f -p 80 -h /w'


# "outside": a namespace of the test's own, routed from the host over IPv6
PFX=fdbe:$(printf "%x:%x" $RANDOM $(($$ % 65536)))
ip netns add "$OUTSIDE"
ip link add "$OUT_HOST" type veth peer name eth0 netns "$OUTSIDE"
ip addr add "$PFX::1/64" dev "$OUT_HOST" nodad
ip link set "$OUT_HOST" up
ip -n "$OUTSIDE" addr add "$PFX::2/64" dev eth0 nodad
ip -n "$OUTSIDE" link set eth0 up
ip -n "$OUTSIDE" link set lo up
ip -n "$OUTSIDE" -6 route add default via "$PFX::1"
mkdir -p "$TEST_DIR/outside/cgi-bin"
printf '#!/bin/sh\necho Content-Type: text/plain\necho\necho $REMOTE_ADDR\n' >"$TEST_DIR/outside/cgi-bin/ip"
chmod +x "$TEST_DIR/outside/cgi-bin/ip"
ip netns exec "$OUTSIDE" busybox httpd -p "[$PFX::2]:80" -h "$TEST_DIR/outside"

# --- networks ----------------------------------------------------------------
echo 0 >/proc/sys/net/ipv6/conf/all/forwarding
expect_status "an IPv6 network, its subnet picked" 0 b network create --ipv6 six
expect_status "inspect" 0 b network inspect -f '{{.EnableIPv6}} {{range .IPAM.Config}}{{.Subnet}},{{.Gateway}} {{end}}' six
read -r enabled v4 v6 <<<"$out"
expect_eq "EnableIPv6" "true" "$enabled"
expect_match "an IPv4 subnet too" '^172\.[0-9]+\.0\.0/16,172\.[0-9]+\.0\.1$' "$v4"
expect_match "a ULA /64, gateway ::1" '^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::/64,fd[0-9a-f:]+::1$' "$v6"
SUB6=${v6%%,*}
expect_status "IPv6 in ls" 0 b network ls --filter name=six --format '{{.IPv6}}'
expect_eq "ls shows it" "true" "$out"
expect_status "a second one gets the next /64" 0 b network create --ipv6 seven
SUB7=$(b network inspect -f '{{range .IPAM.Config}}{{.Subnet}} {{end}}' seven | awk '{print $2}')
[ "$SUB6" != "$SUB7" ] && ok || bad "two networks got one subnet: $SUB6"
expect_status "the user's subnet and gateway" 0 b network create --ipv6 --subnet fd42:77::/64 --gateway fd42:77::fe --subnet 10.201.0.0/24 own6
expect_status "inspect" 0 b network inspect -f '{{range .IPAM.Config}}{{.Subnet}},{{.Gateway}} {{end}}' own6
expect_eq "both families" "10.201.0.0/24,10.201.0.1 fd42:77::/64,fd42:77::fe " "$out"

# Docker's refusals: one line, nothing made
before=$(b network ls -q | sort)
expect_status "a v6 subnet without --ipv6" 1 b network create --subnet fd42:78::/64 nov6
expect_match "words" 'IPv6 is not enabled' "$err"
expect_status "an overlapping v6 subnet" 1 b network create --ipv6 --subnet fd42:77:0:0:1::/80 over
expect_match "Docker's words" 'Pool overlaps with other one on this address space$' "$err"
expect_status "a malformed v6 subnet" 1 b network create --ipv6 --subnet fd42:zz::/64 malformed
expect_match "Docker's words" 'invalid CIDR address: fd42:zz::/64$' "$err"
expect_status "a v6 gateway outside" 1 b network create --ipv6 --subnet fd42:79::/64 --gateway fd42:80::1 gwout
expect_match "Docker's words" 'no matching subnet for gateway fd42:80::1$' "$err"
expect_status "two v6 subnets" 1 b network create --ipv6 --subnet fd42:81::/64 --subnet fd42:82::/64 twice
expect_status "a v6 gateway with no v6 subnet" 1 b network create --subnet 10.202.0.0/24 --gateway fd42:83::1 nosub
expect_match "Docker's words" 'no matching subnet for gateway fd42:83::1$' "$err"
expect_status "host bits in the subnet" 1 b network create --ipv6 --subnet fd42:84::5/64 hostbits
expect_match "Docker's words" 'invalid subnet fd42:84::5/64 : it should be fd42:84::/64$' "$err"
expect_status "a link-local subnet" 1 b network create --ipv6 --subnet fe80::/64 linklocal
expect_match "reserved" 'fe80::/10 is reserved$' "$err"
expect_status "a multicast subnet" 1 b network create --ipv6 --subnet ff02::/64 mcast
expect_match "reserved" 'ff00::/8 is reserved$' "$err"
expect_status "the host's own IPv6 network" 1 b network create --ipv6 --subnet "$PFX::/64" hosts
expect_match "refused" "subnet $PFX::/64 overlaps an address of the host's link $OUT_HOST\$" "$err"
expect_status "the subnet-router anycast as gateway" 1 b network create --ipv6 --subnet fd42:85::/64 --gateway fd42:85:: anycast
expect_match "refused" 'subnet-router anycast address$' "$err"
expect_eq "no network made" "$before" "$(b network ls -q | sort)"

# --- containers ----------------------------------------------------------------
expect_status "a container on it" 0 b run -d --name web6 --network six busybox sh -c "$WEB"
expect_eq "IPv6 forwarding on" "1" "$(cat /proc/sys/net/ipv6/conf/all/forwarding)"
expect_status "inspect" 0 b inspect -f '{{with .NetworkSettings.Networks.six}}{{.GlobalIPv6Address}} {{.GlobalIPv6PrefixLen}} {{.IPv6Gateway}}{{end}}' web6
read -r web6_ip6 web6_len web6_gw6 <<<"$out"
expect_eq "the first address after the gateway" "${SUB6%%::/64}::2 64 ${SUB6%%::/64}::1" "$web6_ip6 $web6_len $web6_gw6"
expect_status "on its link" 0 b exec web6 busybox ip -6 -o addr show eth0 scope global
expect_match "the address" "inet6 $web6_ip6/64" "$out"
expect_status "its default route" 0 b exec web6 busybox ip -6 route show default
expect_match "through the gateway" "via $web6_gw6" "$out"
expect_status "no router advertisement taken inside" 0 b exec web6 cat /proc/sys/net/ipv6/conf/all/accept_ra /proc/sys/net/ipv6/conf/default/accept_ra /proc/sys/net/ipv6/conf/eth0/accept_ra /proc/sys/net/ipv6/conf/eth0/autoconf
expect_eq "accept_ra and autoconf off" $'0\n0\n0\n0' "$out"
bridge6=$(sqlite3 "$BERTH_ROOT/berth.db" "SELECT bridge FROM networks WHERE name = 'six'")
expect_eq "nor on the host's side of the bridge" "0" "$(cat /proc/sys/net/ipv6/conf/$bridge6/accept_ra)"
expect_status "hosts file" 0 b exec web6 cat /etc/hosts
expect_match "its IPv6 line" "$web6_ip6	" "$out"
expect_status "network inspect lists it" 0 b network inspect -f '{{range .Containers}}{{.IPv6Address}}{{end}}' six
expect_eq "with its prefix" "$web6_ip6/64" "$out"
wait_for "the host reaches it over IPv6" $W "http://[$web6_ip6]/name"

expect_status "a name lookup" 0 b run --rm --name client6 --network six busybox sh -c \
	"busybox ip -6 -o addr show eth0 scope global; busybox nslookup -type=AAAA web6 127.0.0.11; timeout 3 wget -qO- http://web6/cgi-bin/ip || exit 1"
expect_match "the next address" "inet6 ${SUB6%%::/64}::3/64" "$out"
expect_match "AAAA of the name" "Address: $web6_ip6" "$out"
expect_match "the server sees the client's own address" "\[${SUB6%%::/64}::3\]\$" "$out"
expect_status "PTR of an IPv6 address" 0 b run --rm --network six busybox nslookup "$web6_ip6" 127.0.0.11
expect_match "the container's name on its network" "name = web6\.six" "$out"
expect_status "--ip6 where berth picked the subnet" 125 b run --rm --network six --ip6 "${SUB6%%::/64}::99" busybox true
expect_match "Docker's words" 'user specified IP address is supported only when connecting to networks with user configured subnets$' "$err"
expect_status "--ip6 on the user's subnet" 0 b run -d --name fixed6 --network own6 --ip6 fd42:77::99 busybox sleep 300
expect_status "the asked address" 0 b exec fixed6 busybox ip -6 -o addr show eth0 scope global
expect_match "on its link" "inet6 fd42:77::99/64" "$out"
expect_status "the address taken" 125 b run --rm --network own6 --ip6 fd42:77::99 busybox true
expect_match "Docker's words" 'Address already in use$' "$err"
expect_status "the subnet-router anycast address" 125 b run --rm --network own6 --ip6 fd42:77:: busybox true
expect_match "refused" 'subnet-router anycast address$' "$err"
b rm -f fixed6 >/dev/null
expect_status "--ip6 outside the subnet" 125 b run --rm --network six --ip6 fd42:99::5 busybox true
expect_match "Docker's words" 'no configured subnet or ip-range contain the IP address fd42:99::5$' "$err"
expect_status "--ip6 not an address" 125 b run --rm --network six --ip6 zz::1 busybox true
expect_match "Docker's words" 'invalid argument "zz::1" for "--ip6" flag' "$err"
expect_status "--ip6 on the default bridge" 125 b run --rm --ip6 fd42:1::5 busybox true
expect_match "Docker's words" 'user specified IP address is supported on user defined networks only$' "$err"

# isolation: another IPv6 network's container is out of reach
expect_status "the other network cannot reach it" 1 b run --rm --network seven busybox sh -c "timeout 2 wget -qO- http://[$web6_ip6]/name || exit 1"
# the outside: masqueraded to the host's address
expect_status "the outside, masqueraded" 0 b run --rm --network six busybox sh -c "timeout 3 wget -qO- http://[$PFX::2]/cgi-bin/ip || exit 1"
expect_eq "as the host (httpd brackets IPv6)" "[$PFX::1]" "$out"

# --- published ports -------------------------------------------------------------
expect_status "published on both families" 0 b run -d --name pub6 --network six -p 18460:80 busybox sh -c "$WEB"
expect_status "port" 0 b port pub6
expect_eq "both, IPv6 in brackets" $'80/tcp -> 0.0.0.0:18460\n80/tcp -> [::]:18460' "$out"
expect_status "ps" 0 b ps --filter name=pub6 --format '{{.Ports}}'
expect_eq "Docker's PORTS" "0.0.0.0:18460->80/tcp, [::]:18460->80/tcp" "$out"
wait_for "from outside over IPv6" ip netns exec "$OUTSIDE" $W "http://[$PFX::1]:18460/name"
expect_eq "the client's real address" "[$PFX::2]" "$(ip netns exec "$OUTSIDE" $W "http://[$PFX::1]:18460/cgi-bin/ip")"
expect_eq "from the host's own IPv6 address" "$(b inspect -f '{{.Id}}' pub6 | cut -c1-12)" "$($W "http://[$PFX::1]:18460/name")"
expect_eq "IPv4 still" "$(b inspect -f '{{.Id}}' pub6 | cut -c1-12)" "$($W "http://127.0.0.1:18460/name")"
start=$(date +%s%N)
timeout 5 bash -c 'exec 3<>/dev/tcp/::1/18460' 2>/dev/null
rc=$?
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$elapsed" -lt 1000 ] && ok ||
	bad "::1 should be refused at once (rc $rc after $elapsed ms)"
expect_status "a port on one IPv6 address" 0 b run -d --name one6 --network six -p "[$PFX::1]:18461:80" busybox sh -c "$WEB"
expect_eq "port" "[$PFX::1]:18461" "$(b port one6 80)"
wait_for "reachable there" ip netns exec "$OUTSIDE" $W "http://[$PFX::1]:18461/name"
expect_status "the same IPv6 port again" 125 b run -d --name again6 --network six -p "[::]:18461:80" busybox true
expect_match "Docker's words" "Bind for \[::\]:18461 failed: port is already allocated\$" "$err"
b rm -f again6 >/dev/null
# [::1]: the kernel cannot forward it; the monitor's relay does
expect_status "published on [::1]" 0 b run -d --name lo6 --network six -p '[::1]:18462:80' busybox sh -c "$WEB"
lo6_id=$(b inspect -f '{{.Id}}' lo6)
expect_eq "port" "[::1]:18462" "$(b port lo6 80)"
wait_for "reachable on [::1]" $W "http://[::1]:18462/name"
expect_eq "the container answers" "${lo6_id:0:12}" "$($W "http://[::1]:18462/name")"
head -c 3000000 /dev/urandom >"$TEST_DIR/big"
b cp "$TEST_DIR/big" lo6:/w/big
expect_eq "3 MB through the relay" "$(sha256sum <"$TEST_DIR/big")" "$($W "http://[::1]:18462/big" | sha256sum)"
# the relay: the child of lo6's monitor named berth-proxy
lo6_shim=$(cut -d' ' -f1 "$BERTH_RUN/containers/$lo6_id/shim.pid")
relay=$(for c in $(cat /proc/$lo6_shim/task/*/children); do [ "$(cat /proc/$c/comm)" = berth-proxy ] && echo "$c"; done)
expect_match "the relay runs confined" $'Uid:\t65534\t65534\t65534\t65534' "$(cat /proc/$relay/status)"
expect_match "no capabilities" $'CapEff:\t0000000000000000' "$(cat /proc/$relay/status)"
expect_match "no_new_privs and seccomp" $'NoNewPrivs:\t1\nSeccomp:\t2' "$(cat /proc/$relay/status)"
# a client that half-closes at once (its FIN before the container's SYN-ACK)
expect_eq "a request sent and half-closed at once" "HTTP/1.0 200 OK" "$(python3 - <<'PY'
import socket
s = socket.create_connection(("::1", 18462))
s.sendall(b"GET /name HTTP/1.0\r\n\r\n")
s.shutdown(socket.SHUT_WR)
print(s.recv(4096).split(b"\r\n")[0].decode().replace("HTTP/1.1", "HTTP/1.0"))
PY
)"
b network connect own6 lo6
expect_status "its first network cannot go while [::1] is relayed to it" 1 b network disconnect six lo6
expect_match "why" 'publishes ports on \[::1\] through network six: stop it before disconnecting it$' "$err"
expect_status "an IPv4-only container on [::1]" 0 b run -d --name lo4 -p '[::1]:18463:80' busybox sh -c "$WEB"
wait_for "relayed to its IPv4 address" $W "http://[::1]:18463/name"
expect_status "udp on [::1]" 125 b run -d --name loudp --network six -p '[::1]:18464:80/udp' busybox true
expect_match "why" 'cannot publish udp on \[::1\]: only tcp is relayed there$' "$err"
b rm -f lo6 lo4 loudp >/dev/null
for i in $(seq 50); do
	timeout 2 bash -c 'exec 3<>/dev/tcp/::1/18462' 2>/dev/null || break
	sleep 0.1
done
timeout 2 bash -c 'exec 3<>/dev/tcp/::1/18462' 2>/dev/null && bad "[::1]:18462 still open after the container went" || ok
expect_status "IPv6 port, container without IPv6" 125 b run -d --name nov6 -p "[$PFX::1]:18465:80" busybox true
expect_match "why" 'the container has no IPv6 address' "$err"
b rm -f nov6 >/dev/null
expect_status "a v4-only container publishes IPv4 only" 0 b run -d --name v4only -p 18464:80 busybox sleep 300
expect_eq "port" "0.0.0.0:18464" "$(b port v4only 80)"
b rm -f one6 pub6 v4only >/dev/null
table=$(nft list table ip6 "$TEST_TABLE")
[[ "$table" != *"18460"* ]] && ok || bad "the rules of removed containers stay: $table"

# --- connect and disconnect ---------------------------------------------------------
expect_status "a running container" 0 b run -d --name joiner busybox sleep 300
expect_status "connect --ip6" 0 b network connect --ip6 fd42:77::50 own6 joiner
expect_status "its new link" 0 b exec joiner busybox ip -6 -o addr show eth1 scope global
expect_match "the asked address" "inet6 fd42:77::50/64" "$out"
expect_status "named on own6" 0 b run --rm --network own6 busybox nslookup -type=AAAA joiner 127.0.0.11
expect_match "AAAA" "Address: fd42:77::50" "$out"
expect_status "disconnect" 0 b network disconnect own6 joiner
expect_status "its link gone" 0 b exec joiner busybox ip -o link
[[ "$out" != *eth1* ]] && ok || bad "eth1 stayed: $out"
expect_status "its name gone" 1 b run --rm --network own6 busybox nslookup -type=AAAA joiner 127.0.0.11
b rm -f joiner web6 >/dev/null

# the ip6 table lives while a network has IPv6
b network rm six seven own6 >/dev/null
nft list table ip6 "$TEST_TABLE" >/dev/null 2>&1 && bad "the ip6 table stayed with no IPv6 network" || ok
nft list table ip "$TEST_TABLE" >/dev/null 2>&1 && ok || bad "the ip table went too"

# --- daemon.json: the default bridge --------------------------------------------------
export BERTH_CONFIG=$TEST_DIR/daemon.json
printf '{"ipv6": true, "fixed-cidr-v6": "fd42:99:1::/64"}\n' >"$BERTH_CONFIG"
expect_status "the default bridge with IPv6" 0 b network inspect -f '{{.EnableIPv6}} {{range .IPAM.Config}}{{.Subnet}} {{end}}' bridge
expect_match "fixed-cidr-v6" '^true 172\.[0-9]+\.0\.0/16 fd42:99:1::/64 $' "$out"
expect_status "a container on it" 0 b run --rm busybox busybox ip -6 -o addr show eth0 scope global
expect_match "an address of fixed-cidr-v6" 'inet6 fd42:99:1::2/64' "$out"
printf '{"ipv6": true}\n' >"$BERTH_CONFIG"
expect_status "ipv6 without fixed-cidr-v6" 0 b network inspect -f '{{range .IPAM.Config}}{{.Subnet}} {{end}}' bridge
expect_match "a ULA subnet" '^172\.[0-9]+\.0\.0/16 fd[0-9a-f]{2}:' "$out"
printf '{}\n' >"$BERTH_CONFIG"
expect_status "ipv6 off again" 0 b network inspect -f '{{.EnableIPv6}}' bridge
expect_eq "off" "false" "$out"
finish
