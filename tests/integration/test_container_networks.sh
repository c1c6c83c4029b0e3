#!/bin/bash
# Containers on networks, with real traffic: the default bridge, user
# networks, isolation, internal networks, masquerade to a client outside
# (a namespace the test makes), published ports on every address kind
# with the client's real address, Docker's errors, and a berth killed in
# the middle of run. Traffic goes only to loopback, the test's containers
# and the test's own namespace.
source "$(dirname "$0")/lib.sh"

OUTSIDE=bt-out-$$
OUT_HOST=bt-oh$$
MV_PARENT=bt-mv$$
HOSTFW=bt-hostfw-$$
dnsd_pid=
net_cleanup() {
	[ -n "$dnsd_pid" ] && kill "$dnsd_pid" 2>/dev/null
	ip netns pids "$OUTSIDE" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$OUTSIDE" 2>/dev/null
	ip link del "$OUT_HOST" 2>/dev/null
	ip link del "$MV_PARENT" 2>/dev/null
	nft delete table inet "$HOSTFW" 2>/dev/null
	cleanup
}
trap net_cleanup EXIT

busybox_image
# (on the host; inside a container neither wget nor timeout may be the
# init, which ignores the SIGTERM: "|| exit 1" keeps sh from exec'ing)
W="busybox timeout 3 busybox wget -qO-"


# A web server whose CGI prints the client's address, as the container sees it.
WEB='mkdir -p /w/cgi-bin && printf "#!/bin/sh\necho Content-Type: text/plain\necho\necho \$REMOTE_ADDR\n" >/w/cgi-bin/ip && chmod +x /w/cgi-bin/ip && hostname >/w/name && exec httpd -f -p 80 -h /w'

# "outside": a namespace of the test's own, routed from the host
ip netns add "$OUTSIDE"
ip link add "$OUT_HOST" type veth peer name eth0 netns "$OUTSIDE"
ip addr add 10.253.$((RANDOM % 200)).1/30 dev "$OUT_HOST"
OUT_NET=$(ip -4 -o addr show dev "$OUT_HOST" | awk '{print $4}')
OUT_GW=${OUT_NET%/*}
OUT_IP=${OUT_GW%.1}.2
ip link set "$OUT_HOST" up
ip -n "$OUTSIDE" addr add "$OUT_IP/30" dev eth0
ip -n "$OUTSIDE" link set eth0 up
ip -n "$OUTSIDE" link set lo up
ip -n "$OUTSIDE" route add default via "$OUT_GW"
mkdir -p "$TEST_DIR/outside/cgi-bin"
printf '#!/bin/sh\necho Content-Type: text/plain\necho\necho $REMOTE_ADDR\n' >"$TEST_DIR/outside/cgi-bin/ip"
chmod +x "$TEST_DIR/outside/cgi-bin/ip"
ip netns exec "$OUTSIDE" busybox httpd -p "$OUT_IP:80" -h "$TEST_DIR/outside"

# --- the default bridge -----------------------------------------------------
# forwarding off, as on a fresh host: berth turns it on (cleanup puts back
# what the host had)
echo 0 >/proc/sys/net/ipv4/ip_forward
expect_status "run on the default bridge" 0 b run -d --name web busybox sh -c "$WEB"
web=$out
expect_status "inspect" 0 b inspect -f '{{.HostConfig.NetworkMode}} {{.NetworkSettings.IPAddress}} {{.NetworkSettings.Gateway}} {{.NetworkSettings.MacAddress}} {{.NetworkSettings.Networks.bridge.IPPrefixLen}}' web
read -r mode ip gw mac len <<<"$out"
expect_eq "mode" "bridge" "$mode"
expect_eq "forwarding on" "1" "$(cat /proc/sys/net/ipv4/ip_forward)"
subnet=$(b network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' bridge)
expect_eq "prefix of the default network" "${subnet#*/}" "$len"
expect_eq "gateway is the network's" "$(b network inspect -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' bridge)" "$gw"
expect_eq "Docker's MAC for the address" "$(printf '02:42:%02x:%02x:%02x:%02x' ${ip//./ })" "$mac"
wait_for "host reaches the container" $W "http://$ip/name"
expect_eq "it answers" "${web:0:12}" "$($W "http://$ip/name")"
expect_status "hosts file" 0 b exec web cat /etc/hosts
expect_match "its own line" "$ip	${web:0:12}" "$out"
expect_status "another container reaches it" 0 b run --rm busybox sh -c "timeout 3 wget -qO- http://$ip/name || exit 1"
expect_eq "by its address" "${web:0:12}" "$out"
expect_status "the outside, masqueraded" 0 b run --rm busybox sh -c "timeout 3 wget -qO- http://$OUT_IP/cgi-bin/ip || exit 1"
expect_eq "seen as the host" "$OUT_GW" "$out"
expect_status "the host's loopback stays closed" 1 b run --rm busybox sh -c "timeout 3 wget -qO- http://127.0.0.1:1/ || exit 1"
expect_status "network ls shows it attached" 0 b network inspect -f '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}' bridge
expect_eq "Containers" "web $ip/$len" "$out"

# --- published ports ---------------------------------------------------------
expect_status "publish" 0 b run -d --name pub -p 18080:80 -p 127.0.0.1:18081:80 -p 18090-18091:90-91/udp --expose 443 busybox sh -c "$WEB"
pub=$out
wait_for "published on 127.0.0.1" $W "http://127.0.0.1:18081/name"
expect_eq "127.0.0.1" "${pub:0:12}" "$($W http://127.0.0.1:18081/name)"
expect_eq "0.0.0.0 from the host" "${pub:0:12}" "$($W http://127.0.0.1:18080/name)"
expect_match "from the outside, the client's own address" "^(\[::ffff:)?$OUT_IP\]?$" \
	"$(ip netns exec "$OUTSIDE" $W "http://$OUT_GW:18080/cgi-bin/ip")"
expect_eq "a container through the host's address (hairpin)" "${pub:0:12}" \
	"$(b run --rm busybox sh -c "timeout 3 wget -qO- http://$OUT_GW:18080/name || exit 1")"
expect_status "ps PORTS" 0 b ps --filter name=pub --format '{{.Ports}}'
expect_eq "Docker's column" "443/tcp, 0.0.0.0:18080->80/tcp, 127.0.0.1:18081->80/tcp, 0.0.0.0:18090->90/udp, 0.0.0.0:18091->91/udp" "$out"
expect_status "port" 0 b port pub
expect_eq "port lines" $'80/tcp -> 0.0.0.0:18080\n80/tcp -> 127.0.0.1:18081\n90/udp -> 0.0.0.0:18090\n91/udp -> 0.0.0.0:18091' "$out"
expect_status "port 80" 0 b port pub 80/tcp
expect_eq "its bindings" $'0.0.0.0:18080\n127.0.0.1:18081' "$out"
# the host firewall keeps its word: berth's rules are a table of their own,
# so a drop in the host's forward chain wins over berth's accept, and
# survives every rebuild of berth's table (Docker's rules go first in the
# host's own FORWARD chain, moby#4737)
nft -f - <<NFT
table inet $HOSTFW {
	chain forward {
		type filter hook forward priority filter; policy accept;
		meta l4proto tcp ct original proto-dst 18080 drop
	}
}
NFT
W1="busybox timeout 1 busybox wget -qO-"
ip netns exec "$OUTSIDE" $W1 "http://$OUT_GW:18080/name" >/dev/null 2>&1 &&
	bad "the host firewall's drop did not hold the published port" || ok
b run --rm busybox true >/dev/null  # a start: berth's table rebuilt
ip netns exec "$OUTSIDE" $W1 "http://$OUT_GW:18080/name" >/dev/null 2>&1 &&
	bad "after berth rebuilt its table, the host's drop was bypassed" || ok
expect_eq "the host's own table untouched" 1 "$(nft list table inet "$HOSTFW" | grep -c 'proto-dst 18080 drop')"
nft delete table inet "$HOSTFW"
wait_for "open again once the host allows it" ip netns exec "$OUTSIDE" $W "http://$OUT_GW:18080/name"
expect_eq "ps --filter publish" "pub" "$(b ps --filter publish=18081 --format '{{.Names}}')"
expect_eq "ps --filter publish with its protocol" "pub" "$(b ps --filter publish=18090-18091/udp --format '{{.Names}}')"
expect_eq "ps --filter expose" "pub" "$(b ps --filter expose=443 --format '{{.Names}}')"
expect_eq "ps --filter publish of no one" "" "$(b ps --filter publish=18099 --format '{{.Names}}')"
expect_eq "ps --filter network" "pub" "$(b ps --filter network=bridge --filter name=pub --format '{{.Names}}')"
expect_eq "ps --filter network of another" "" "$(b ps --filter network=none --filter name=pub --format '{{.Names}}')"
expect_eq "ps --filter is-task=true: no swarm tasks" "" "$(b ps --filter is-task=true --format '{{.Names}}')"
expect_status "port unpublished" 1 b port pub 443
expect_eq "Docker's words" "berth: Error: No public port '443/tcp' published for pub" "$err"

# taken ports: Docker's words, nothing leased, no rule
rules() { nft list table ip "$TEST_TABLE" 2>/dev/null | grep -c 'dnat to'; }
leases() { sqlite3 "$BERTH_ROOT/berth.db" "SELECT count(*) FROM published_ports; SELECT count(*) FROM network_endpoints WHERE address != ''"; }
before="$(rules) $(leases)"
expect_status "a port berth holds" 125 b run -d --name taken -p 18080:80 busybox sleep 5
expect_match "Docker's words" 'Bind for 0.0.0.0:18080 failed: port is already allocated$' "$err"
busybox nc -l -p 18095 >/dev/null 2>&1 &
ncpid=$!
sleep 0.2
expect_status "a port the host holds" 125 b run -d --name taken2 -p 127.0.0.1:18095:80 busybox sleep 5
expect_match "address in use" 'listen tcp4 127.0.0.1:18095: bind: address already in use$' "$err"
kill "$ncpid" 2>/dev/null
expect_eq "nothing leased, no rule" "$before" "$(rules) $(leases)"
expect_status "bad -p" 125 b run --rm -p 80:abc busybox true
expect_eq "bad -p words" "berth: invalid containerPort: abc" "$err"
expect_status "bad proto" 125 b run --rm -p 80/icmp busybox true
expect_eq "bad proto words" "berth: invalid proto: icmp" "$err"

# -P: every exposed port to a port of the kernel's range
expect_status "publish all" 0 b run -d --name all -P --expose 80 busybox sh -c "$WEB"
range=$(cat /proc/sys/net/ipv4/ip_local_port_range)
hp=$(b port all 80 | cut -d: -f2)
if [ -n "$hp" ] && [ "$hp" -ge "${range%%[[:space:]]*}" ] && [ "$hp" -le "${range##*[[:space:]]}" ]; then ok; else bad "-P port $hp outside $range"; fi
wait_for "-P port answers" $W "http://127.0.0.1:$hp/name"

# a stop gives everything back
veth_of() { b inspect -f '{{.NetworkSettings.SandboxKey}}' "$1"; }
expect_status "stop" 0 b stop -t 1 pub all
expect_eq "ports gone from the table" "0" "$(rules)"
expect_eq "leases gone" "0" "$(sqlite3 "$BERTH_ROOT/berth.db" "SELECT count(*) FROM published_ports")"
expect_status "stopped inspect" 0 b inspect -f '{{.NetworkSettings.IPAddress}}|{{.NetworkSettings.Networks.bridge.NetworkID}}' pub
expect_eq "no address, still attached" "|$(b network inspect -f '{{.Id}}' bridge)" "$out"
expect_status "restart gets the ports again" 0 b start pub
wait_for "published again" $W "http://127.0.0.1:18081/name"

# --- user networks ----------------------------------------------------------
b network create --subnet 10.246.7.0/24 front >/dev/null
b network create back >/dev/null
b network create --internal --subnet 10.252.0.0/24 vault >/dev/null
expect_status "fixed address and MAC" 0 b run -d --name app --network front --ip "$(b network inspect -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' front | sed 's/\.1$/.77/')" --mac-address 02:00:00:00:00:77 --network-alias api busybox sh -c "$WEB"
expect_status "inspect app" 0 b inspect -f '{{.NetworkSettings.Networks.front.IPAddress}} {{.NetworkSettings.Networks.front.MacAddress}} {{.NetworkSettings.Networks.front.Aliases}}' app
read -r app_ip app_mac app_aliases <<<"$out"
expect_match "the address asked for" '\.77$' "$app_ip"
expect_eq "the MAC asked for" "02:00:00:00:00:77" "$app_mac"
expect_eq "alias" "[api]" "$app_aliases"
wait_for "same network reaches it" b run --rm --network front busybox sh -c "timeout 3 wget -qO- http://$app_ip/name || exit 1"
expect_status "another network does not" 1 b run --rm --network back busybox sh -c "timeout 3 wget -qO- http://$app_ip/name || exit 1"
expect_status "the default bridge does not" 1 b run --rm busybox sh -c "timeout 3 wget -qO- http://$app_ip/name || exit 1"
expect_status "a user network reaches the outside" 0 b run --rm --network back busybox sh -c "timeout 3 wget -qO- http://$OUT_IP/cgi-bin/ip || exit 1"
expect_status "an internal one does not" 1 b run --rm --network vault busybox sh -c "timeout 3 wget -qO- http://$OUT_IP/cgi-bin/ip || exit 1"
expect_status "an internal one has no default route" 0 b run --rm --network vault busybox busybox ip route
expect_eq "only its subnet" "10.252.0.0/24 dev eth0 scope link  src 10.252.0.2 " "$out"
expect_status "two networks: eth0 and eth1" 0 b run --rm --network front --network back busybox busybox ip -o -4 addr
expect_match "eth1 too" 'eth1 +inet ' "$out"
expect_status "container: shares the namespace" 0 b run --rm --network container:app busybox sh -c "timeout 3 wget -qO- http://127.0.0.1/name || exit 1"
expect_eq "app answers on its loopback" "$(b inspect -f '{{.Id}}' app | cut -c1-12)" "$out"
# what a shared namespace cannot have: Docker's refusals
while IFS='|' read -r flag words; do
	expect_status "container: with $flag" 125 b run --rm --network container:app $flag busybox true
	expect_eq "Docker's words" "berth: conflicting options: $words" "$err"
done <<'CONFLICTS'
-h other|hostname and the network mode
--dns 10.0.0.1|dns and the network mode
--add-host a:10.0.0.1|custom host-to-IP mapping and the network mode
--mac-address 02:00:00:00:00:01|mac-address and the network mode
-p 18097:80|port publishing and the container type network mode
--expose 80|port exposing and the container type network mode
CONFLICTS
expect_status "host mode with -p" 0 b run --rm --network host -p 18097:80 busybox true
expect_eq "Docker's warning" "WARNING: Published ports are discarded when using host network mode" "$err"
expect_status "--add-host" 0 b run --rm --add-host db:10.1.2.3 --add-host gw=host-gateway busybox cat /etc/hosts
expect_match "entries" $'10.1.2.3\tdb\n[0-9.]+\tgw\n' "$out"
# --link, Docker's legacy links on the default bridge
b run -d --name linked -e SECRET=s3 --expose 80 busybox sh -c "$WEB" >/dev/null
linked_ip=$(b inspect -f '{{.NetworkSettings.IPAddress}}' linked)
linked_id=$(b inspect -f '{{.Id}}' linked)
expect_status "--link name:alias" 0 b run --rm --name linker --link linked:db busybox sh -c 'grep -w db /etc/hosts; env | grep ^DB_ | sort'
expect_eq "Docker's hosts line and variables" "$linked_ip	db ${linked_id:0:12} linked
DB_ENV_SECRET=s3
DB_NAME=/linker/db
DB_PORT=tcp://$linked_ip:80
DB_PORT_80_TCP=tcp://$linked_ip:80
DB_PORT_80_TCP_ADDR=$linked_ip
DB_PORT_80_TCP_PORT=80
DB_PORT_80_TCP_PROTO=tcp" "$out"
expect_status "the alias answers" 0 b run --rm --link linked:db busybox sh -c "timeout 3 wget -qO- http://db/name || exit 1"
expect_status "a link to nothing" 125 b run --rm --link nosuch busybox true
expect_eq "link words" "berth: could not get container for nosuch" "$err"
b stop -t 0 linked >/dev/null
before_links=$(leases)
expect_status "a link to a stopped container" 125 b run --rm --name linker2 --link linked busybox true
expect_eq "stopped words" "berth: Cannot link to a non running container: /linked AS /linker2/linked" "$err"
expect_eq "nothing leased" "$before_links" "$(leases)"
b rm -f linked >/dev/null

expect_status "--dns, --dns-search, --dns-option" 0 b run --rm --dns 10.0.0.2 --dns 10.0.0.3 --dns-search example.com --dns-option ndots:2 busybox cat /etc/resolv.conf
expect_eq "resolv.conf" $'nameserver 10.0.0.2\nnameserver 10.0.0.3\nsearch example.com\noptions ndots:2' "$(grep -E '^(nameserver|search|options)' <<<"$out")"

# names on a user network, at 127.0.0.11: container name, alias, short id,
# PTR; none on the default bridge; a stop is seen at the next query
expect_status "resolv.conf on a user network" 0 b run --rm --network back busybox cat /etc/resolv.conf
expect_match "the embedded resolver" $'nameserver 127.0.0.11\noptions ndots:0' "$out"
b run -d --name named --network back --network-alias db busybox sh -c "$WEB" >/dev/null
named_ip=$(b inspect -f '{{.NetworkSettings.Networks.back.IPAddress}}' named)
named_id=$(b inspect -f '{{.Id}}' named)
resolve() { b run --rm --network "$1" busybox busybox nslookup "$2" 2>/dev/null | sed -n '/^Name:/,$p' | awk '/^Address/ {print $2}'; }
expect_eq "by name" "$named_ip" "$(resolve back named)"
expect_eq "by alias" "$named_ip" "$(resolve back db)"
expect_eq "by short id" "$named_ip" "$(resolve back "${named_id:0:12}")"
expect_eq "any case" "$named_ip" "$(resolve back NAMED)"
expect_eq "by name.network" "$named_ip" "$(resolve back named.back)"
expect_status "reverse" 0 b run --rm --network back busybox busybox nslookup "$named_ip"
expect_match "PTR: name.network, as Docker" "name = named\.back" "$out"
expect_eq "DNSNames" "[\"named\",\"db\",\"${named_id:0:12}\"]" "$(b inspect -f '{{json .NetworkSettings.Networks.back.DNSNames}}' named)"
expect_status "wget by name" 0 b run --rm --network back busybox sh -c "timeout 3 wget -qO- http://db/name || exit 1"
expect_eq "the right one" "${named_id:0:12}" "$out"
expect_eq "not from another network" "" "$(resolve front named)"
expect_status "not on the default bridge" 1 b run --rm busybox sh -c "timeout 3 wget -qO- http://named/name || exit 1"
expect_status "a name no one has" 1 b run --rm --network back busybox busybox nslookup nosuch.invalid 127.0.0.11
# the resolver: the child of named's monitor that is not its init
named_shim=$(cut -d' ' -f1 "$BERTH_RUN/containers/$named_id/shim.pid")
named_init=$(cut -d' ' -f1 "$BERTH_RUN/containers/$named_id/init.pid")
dns_pid=$(cat /proc/$named_shim/task/*/children | tr ' ' '\n' | grep -vx "$named_init" | grep . | head -1)
expect_eq "it is berth-dns" "berth-dns" "$(cat /proc/$dns_pid/comm)"
expect_match "the resolver runs confined" $'Uid:\t65534\t65534\t65534\t65534' "$(cat /proc/$dns_pid/status)"
expect_match "no capabilities" $'CapEff:\t0000000000000000' "$(cat /proc/$dns_pid/status)"
expect_match "no_new_privs and seccomp" $'NoNewPrivs:\t1\nSeccomp:\t2' "$(cat /proc/$dns_pid/status)"
expect_eq "its root is the tables' directory" "$BERTH_RUN/network/dns" "$(readlink /proc/$dns_pid/root)"
expect_status "an alias that is no name" 125 b run --rm --network back --network-alias 'x web 6.6.6.6' busybox true
expect_match "alias words" 'invalid network alias' "$err"
b rename named renamed
expect_eq "renamed: the new name" "$named_ip" "$(resolve back renamed)"
expect_eq "and not the old one" "" "$(resolve back named)"
b stop -t 0 renamed >/dev/null
expect_eq "gone once stopped" "" "$(resolve back renamed)"
# forwarding: other names go to the host's resolvers (--dns here), a
# loopback one included, which the host's namespace reaches
# (a resolver of the test's own: every query gets 10.9.8.7)
python3 - >/dev/null 2>&1 <<'PY' &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.77", 53))
while True:
    q, peer = s.recvfrom(512)
    end = q.index(b"\0", 12) + 5
    s.sendto(q[:2] + b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00" + q[12:end]
             + b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x09\x08\x07", peer)
PY
dnsd_pid=$!
for i in $(seq 50); do ss -lun | grep -q '127.0.0.77:53 ' && break; sleep 0.1; done
expect_status "forwarded to --dns 127.0.0.77" 0 b run --rm --network back --dns 127.0.0.77 busybox busybox nslookup outside.test
expect_match "its answer" 'Address: 10\.9\.8\.7' "$out"
expect_status "an internal network's names do not leave" 1 b run --rm --network vault --dns 127.0.0.77 busybox busybox nslookup outside.test
# left on internal networks only by a disconnect: its names stop leaving too
b run -d --name leaver --network back --dns 127.0.0.77 busybox sleep 300 >/dev/null
expect_status "names leave while it has a way out" 0 b exec leaver busybox nslookup outside.test
b network connect vault leaver
b network disconnect back leaver
expect_status "not once only internal networks are left" 1 b exec leaver busybox nslookup outside.test
b network disconnect vault leaver
expect_status "nor once no network is left" 1 b exec leaver busybox nslookup outside.test
b rm -f leaver >/dev/null
kill "$dnsd_pid" 2>/dev/null
wait "$dnsd_pid" 2>/dev/null

# network connect and disconnect: a running container gets its link,
# address and name at once, and loses them; a created one at its start
b network create side >/dev/null
b run -d --name hub --network back busybox sh -c "$WEB" >/dev/null
expect_status "connect a running container" 0 b network connect --alias sidekick side hub
expect_status "its second link" 0 b exec hub busybox ip -o -4 addr show eth1
hub_side=$(b inspect -f '{{.NetworkSettings.Networks.side.IPAddress}}' hub)
expect_match "an address of side" "inet $hub_side/" "$out"
expect_eq "found by its alias on side at once" "$hub_side" "$(resolve side sidekick)"
expect_status "/etc/hosts has both" 0 b exec hub cat /etc/hosts
expect_match "the new line" "$hub_side	" "$out"
expect_status "connect twice" 1 b network connect side hub
expect_eq "Docker's words" "berth: endpoint with name hub already exists in network side" "$err"
expect_status "connect to host" 1 b network connect host hub
expect_status "disconnect" 0 b network disconnect side hub
expect_status "the link is gone" 2 b exec hub busybox ip link show eth1
expect_match "no eth1" "can't find device 'eth1'" "$err"
expect_eq "and the name" "" "$(resolve side sidekick)"
expect_status "disconnect again" 1 b network disconnect side hub
expect_match "not connected" 'is not connected to network side$' "$err"
# positions stay: after a disconnect and a restart, the next disconnect
# removes its own link, not another's
b network create third >/dev/null
b network connect side hub
b network connect third hub
b network disconnect side hub
b restart -t 0 hub >/dev/null
third_ip=$(b inspect -f '{{.NetworkSettings.Networks.third.IPAddress}}' hub)
expect_status "third's address on its own link" 0 b exec hub busybox ip -o -4 addr show eth2
expect_match "eth2 holds it" "inet $third_ip/" "$out"
expect_status "disconnect third" 0 b network disconnect third hub
expect_status "its link went" 0 b exec hub busybox ip -o -4 addr
if [[ "$out" == *"$third_ip"* ]]; then bad "third's address stayed"; else ok; fi
expect_match "back's stayed" "eth0 +inet " "$out"
b create --name later --network back busybox sleep 300 >/dev/null
expect_status "connect a created container" 0 b network connect side later
expect_status "it starts on both" 0 b start later
expect_eq "two networks" "back side " "$(b inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' later)"
b rm -f hub later >/dev/null

# macvlan on a parent the test makes (a veth: this kernel may lack dummy)
ip link add "$MV_PARENT" type veth peer name "${MV_PARENT}p"
ip link set "$MV_PARENT" up
ip link set "${MV_PARENT}p" up
expect_status "macvlan network" 0 b network create -d macvlan -o parent="$MV_PARENT" --subnet 10.249.0.0/24 mvnet
b run -d --name mv1 --network mvnet busybox sh -c "$WEB" >/dev/null
expect_eq "an address of its subnet" "10.249.0.2" "$(b inspect -f '{{.NetworkSettings.Networks.mvnet.IPAddress}}' mv1)"
expect_status "another macvlan container reaches it by name" 0 b run --rm --network mvnet busybox sh -c "timeout 3 wget -qO- http://mv1/name || exit 1"
expect_eq "mv1 answers" "$(b inspect -f '{{.Id}}' mv1 | cut -c1-12)" "$out"
expect_status "the parent once more" 1 b network create -d macvlan -o parent="$MV_PARENT" mvnet2
expect_eq "parent words" "berth: network mvnet is already using parent interface $MV_PARENT" "$err"
expect_status "no such parent" 1 b network create -d macvlan -o parent=bt-none$$ mvnet3
expect_eq "missing parent words" "berth: -o parent interface was not found on the host: bt-none$$" "$err"
expect_status "bad mode" 1 b network create -d macvlan -o parent="$MV_PARENT" -o macvlan_mode=weird mvnet4
expect_eq "mode words" "berth: requested macvlan mode 'weird' is not valid, 'bridge' mode is the macvlan driver default" "$err"
expect_status "no parent: berth makes one" 0 b network create -d macvlan mvown
own_parent=$(sqlite3 "$BERTH_ROOT/berth.db" "SELECT bridge FROM networks WHERE name='mvown'")
expect_match "its own link" '^berth-[0-9a-f]{9}$' "$own_parent"
if [ -e "/sys/class/net/$own_parent" ]; then ok; else bad "no parent link $own_parent"; fi
expect_status "rm takes it" 0 b network rm mvown
if [ -e "/sys/class/net/$own_parent" ]; then bad "parent $own_parent left"; else ok; fi
b rm -f mv1 >/dev/null
b network rm mvnet >/dev/null
# ipvlan, where the kernel has it
b network create -d ipvlan -o parent="$MV_PARENT" --subnet 10.248.0.0/24 ivnet >/dev/null
if ip link add link "$MV_PARENT" name bt-iv$$ type ipvlan 2>/dev/null; then
	ip link del bt-iv$$
	b run -d --name iv1 --network ivnet busybox sh -c "$WEB" >/dev/null
	expect_status "ipvlan by name" 0 b run --rm --network ivnet busybox sh -c "timeout 3 wget -qO- http://iv1/name || exit 1"
	b rm -f iv1 >/dev/null
else
	expect_status "no ipvlan in this kernel" 125 b run --rm --network ivnet busybox true
	expect_eq "says so" "berth: this kernel has no ipvlan links (CONFIG_IPVLAN)" "$err"
fi
b network rm ivnet >/dev/null

# bad input: Docker's words and status, nothing left
before=$(store_snapshot; leases; sqlite3 "$BERTH_ROOT/berth.db" 'SELECT count(*) FROM network_endpoints')
expect_status "unknown network" 125 b run --rm --network nosuch busybox true
expect_eq "not found" "berth: network nosuch not found" "$err"
expect_status "alias on the default bridge" 125 b run --rm --network-alias x busybox true
expect_eq "alias words" "berth: network-scoped alias is supported only for containers in user defined networks" "$err"
expect_status "ip on the default bridge" 125 b run --rm --ip 172.17.0.9 busybox true
expect_eq "ip words" "berth: user specified IP address is supported on user defined networks only" "$err"
expect_status "ip on a network whose subnet berth picked" 125 b run --rm --network back --ip 10.9.9.9 busybox true
expect_match "Docker's words" 'user specified IP address is supported only when connecting to networks with user configured subnets$' "$err"
expect_status "the network's address" 125 b run --rm --network front --ip 10.246.7.0 busybox true
expect_match "refused" 'invalid address 10\.246\.7\.0: it is the subnet.s network address$' "$err"
expect_status "its broadcast address" 125 b run --rm --network front --ip 10.246.7.255 busybox true
expect_match "refused" 'broadcast address$' "$err"
expect_status "ip outside the subnet" 125 b run --rm --network front --ip 10.9.9.9 busybox true
expect_eq "subnet words" "berth: no configured subnet or ip-range contain the IP address 10.9.9.9" "$err"
expect_status "ip taken" 125 b run --rm --network front --ip "$app_ip" busybox true
expect_match "in use" 'Address already in use$' "$err"
expect_status "bad --ip" 125 b run --rm --network front --ip 1.2.3 busybox true
expect_status "bad --dns" 125 b run --rm --dns 'nameserver' busybox true
expect_eq "dns words" "berth: nameserver is not an ip address" "$err"
expect_status "bad add-host" 125 b run --rm --add-host nocolon busybox true
expect_eq "add-host words" 'berth: bad format for add-host: "nocolon"' "$err"
expect_eq "nothing left" "$before" "$(store_snapshot; leases; sqlite3 "$BERTH_ROOT/berth.db" 'SELECT count(*) FROM network_endpoints')"

# network rm: refused while a container runs on it; a stopped one loses it
expect_status "rm in use" 1 b network rm front
expect_match "active endpoints" 'has active endpoints$' "$err"
b stop -t 1 app >/dev/null
expect_status "rm once stopped" 0 b network rm front
expect_status "its container cannot start" 1 b start app
expect_eq "Docker's words" "berth: network front not found" "$err"

# --- a berth killed after giving back ports, before the rebuild: its
# intent makes the next berth rebuild (no rule left to a new container)
b run -d --name stale -p 18300:80 busybox sleep 300 >/dev/null
expect_eq "its rule" "1" "$(nft list table ip "$TEST_TABLE" | grep -c 'dport 18300')"
sqlite3 "$BERTH_ROOT/berth.db" "DELETE FROM published_ports WHERE host_port = 18300"
printf '999999 1\n' >"$BERTH_RUN/intents/firewall-999999"
b ps >/dev/null
expect_eq "the next berth rebuilt" "0" "$(nft list table ip "$TEST_TABLE" | grep -c 'dport 18300')"
expect_eq "intent settled" "" "$(ls "$BERTH_RUN/intents" | grep firewall)"
b rm -f stale >/dev/null

# --- a berth killed in the middle of run ------------------------------------
for delay in 0.005 0.01 0.02 0.03 0.05 0.08; do
	b run -d --name "k${delay#0.}" -p "127.0.0.1::80" busybox sleep 300 >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
sleep 0.3
b ps -a >/dev/null
# every lease belongs to a running container, every veth of ours to a lease
running=$(b ps -q --no-trunc | sort)
for c in $(sqlite3 "$BERTH_ROOT/berth.db" "SELECT container_id FROM network_endpoints WHERE address != '' UNION SELECT container_id FROM published_ports" | sort -u); do
	grep -qx "$c" <<<"$running" || bad "a lease of $c, which does not run"
done
ok
vethcount=$(ip -br link | grep -c "^berthv.*master" || true)
ours=$(for br in $(sqlite3 "$BERTH_ROOT/berth.db" "SELECT bridge FROM networks WHERE bridge != ''"); do ls "/sys/class/net/$br/brif" 2>/dev/null; done | wc -l)
leased=$(sqlite3 "$BERTH_ROOT/berth.db" "SELECT count(*) FROM network_endpoints WHERE address != ''")
expect_eq "one veth per lease on our bridges" "$leased" "$ours"

# --- a berth killed in the middle of connect and disconnect -----------------
# the next berth makes row and link agree: a network inspect shows with an
# address is a link up inside, with that address
b network create crashnet >/dev/null
b run -d --name victim busybox sleep 300 >/dev/null
for delay in 0.001 0.002 0.003 0.004 0.005 0.006 0.007 0.008 0.009 0.012; do
	for verb in connect disconnect; do
		timeout -s KILL "$delay" "$BERTH" network "$verb" crashnet victim >/dev/null 2>&1
		b ps >/dev/null
		vip=$(b inspect -f '{{with index .NetworkSettings.Networks "crashnet"}}{{.IPAddress}}{{end}}' victim)
		[ -z "$vip" ] || b exec victim busybox ip -o addr | grep -q "inet $vip/" ||
			bad "killed $verb after $delay s: inspect says $vip, the container has no such address"
	done
done
ok
expect_eq "no intent left" "" "$(ls "$BERTH_RUN/intents" 2>/dev/null | grep netchange)"

b rm -f $(b ps -aq) >/dev/null
# the kernel destroys a namespace, and its veths, a moment after its last process
our_veths() { for br in $(sqlite3 "$BERTH_ROOT/berth.db" "SELECT bridge FROM networks WHERE bridge != ''"); do ls "/sys/class/net/$br/brif" 2>/dev/null; done; }
for i in $(seq 150); do [ -z "$(our_veths)" ] && break; sleep 0.1; done
expect_eq "no veth of ours left" "" "$(our_veths)"
expect_eq "no lease left" "0 0" "$(leases | tr '\n' ' ' | sed 's/ $//')"
finish
