#!/bin/bash
# Networks: the predefined ones, bridge networks made and removed with
# their kernel bridges, Docker's errors leaving store and kernel as they
# were, and the links a killed berth left behind.
source "$(dirname "$0")/lib.sh"

# Every link this test's networks have, so that cleanup removes them even
# when the test fails (links are host-wide).
net_links() {
	sqlite3 "$BERTH_ROOT/berth.db" "SELECT bridge FROM networks WHERE bridge != ''" 2>/dev/null
}
net_cleanup() {
	local l
	for l in $(net_links) $TEST_LINKS; do ip link del "$l" 2>/dev/null; done
	cleanup
}
TEST_LINKS=""
trap net_cleanup EXIT

link_addr() { ip -4 -o addr show dev "$1" 2>/dev/null | awk '{print $4}'; }

# the predefined networks, as Docker lists them
expect_status "network ls" 0 b network ls
expect_match "header" '^NETWORK ID +NAME +DRIVER +SCOPE$' "$(head -1 <<<"$out")"
expect_eq "bridge, host, none" "$(printf 'bridge bridge local\nhost host local\nnone null local')" \
	"$(b network ls --format '{{.Name}} {{.Driver}} {{.Scope}}')"
expect_status "default bridge inspect" 0 b network inspect -f '{{.Options}}' bridge
expect_match "its own bridge name, not docker0" 'com.docker.network.bridge.name:berth0-[0-9a-f]{8}' "$out"
expect_status "pre-defined cannot go" 1 b network rm bridge
expect_eq "Docker's words" "berth: bridge is a pre-defined network and cannot be removed" "$err"

# a user network: a subnet from the pools, its bridge with the gateway
expect_status "create" 0 b network create --label tier=back testnet
expect_match "prints the id" '^[0-9a-f]{64}$' "$out"
nid=$out
br=$(sqlite3 "$BERTH_ROOT/berth.db" "SELECT bridge FROM networks WHERE name='testnet'")
subnet=$(b network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' testnet)
gw=$(b network inspect -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' testnet)
expect_match "a default pool" '^(172\.(1[7-9]|2[0-9]|3[01])\.0\.0/16|192\.168\.[0-9]+\.0/20)$' "$subnet"
expect_eq "the bridge holds the gateway" "$gw/${subnet#*/}" "$(link_addr "$br")"
expect_eq "the bridge is up" "1" "$(( $(cat /sys/class/net/$br/flags) & 1 ))"
expect_status "by id prefix" 0 b network inspect -f '{{.Name}} {{.Labels.tier}}' "${nid:0:6}"
expect_eq "found" "testnet back" "$out"
expect_status "ls filter" 0 b network ls --filter label=tier=back --filter type=custom -q
expect_eq "only it" "${nid:0:12}" "$out"
expect_status "ls json" 0 b network ls --filter name=testnet --format '{{json .}}'
expect_match "Docker's fields" '^\{"CreatedAt":"[0-9-]+ [0-9:.]+ \+0000 UTC","Driver":"bridge","ID":"[0-9a-f]{12}","IPv4":"true","IPv6":"false","Internal":"false","Labels":"tier=back","Name":"testnet","Scope":"local"\}$' "$out"
expect_status "ls unknown field" 1 b network ls --format '{{.Nmae}}'
expect_match "network context" 'in type \*network\.networkContext$' "$err"

# chosen subnet, gateway, range, internal, own bridge name
expect_status "create with everything" 0 b network create --subnet 10.231.0.0/16 --gateway 10.231.0.254 \
	--ip-range 10.231.5.0/24 --aux-address host1=10.231.0.9 --internal -o com.docker.network.bridge.name=bt-test-$$ fixed
TEST_LINKS="bt-test-$$"
expect_eq "gateway on the named bridge" "10.231.0.254/16" "$(link_addr bt-test-$$)"
expect_status "inspect IPAM" 0 b network inspect -f '{{json .IPAM.Config}} {{.Internal}}' fixed
expect_eq "as given" '[{"Subnet":"10.231.0.0/16","Gateway":"10.231.0.254","IPRange":"10.231.5.0/24","AuxiliaryAddresses":{"host1":"10.231.0.9"}}] true' "$out"

# bad input: Docker's words and status, nothing left in store or kernel
before=$(store_snapshot; sqlite3 "$BERTH_ROOT/berth.db" 'SELECT name, subnet FROM networks ORDER BY 1'; ip -br link | awk '{print $1}' | sort)
expect_status "same name" 1 b network create testnet
expect_eq "name taken" "berth: network with name testnet already exists" "$err"
expect_status "bad subnet" 1 b network create --subnet 10.0.0/24 bad1
expect_eq "bad subnet words" "berth: Invalid subnet 10.0.0/24 : invalid CIDR address: 10.0.0/24" "$err"
expect_status "overlap" 1 b network create --subnet 10.231.7.0/24 bad2
expect_eq "overlap words" "berth: Pool overlaps with other one on this address space" "$err"
expect_status "gateway outside" 1 b network create --subnet 10.232.0.0/16 --gateway 10.1.0.1 bad3
expect_eq "gateway words" "berth: no matching subnet for gateway 10.1.0.1" "$err"
expect_status "gateway without subnet" 1 b network create --gateway 10.1.0.1 bad4
expect_status "host bits in the subnet" 1 b network create --subnet 10.233.0.1/16 bad4b
expect_eq "Docker's words" "berth: invalid subnet 10.233.0.1/16 : it should be 10.233.0.0/16" "$err"
expect_status "gateway is the network address" 1 b network create --subnet 10.233.0.0/16 --gateway 10.233.0.0 bad4c
expect_eq "refused" "berth: invalid gateway 10.233.0.0: it is the subnet's network address" "$err"
expect_status "the host's own network" 1 b network create --subnet 127.0.0.0/8 bad4d
expect_eq "refused" "berth: subnet 127.0.0.0/8 overlaps an address of the host's link lo" "$err"
expect_status "an existing link as bridge" 1 b network create -o com.docker.network.bridge.name=lo bad4e
expect_eq "refused" "berth: existing interface lo is not a bridge of berth's: a bridge network makes its own" "$err"
expect_status "range outside" 1 b network create --subnet 10.232.0.0/16 --ip-range 10.9.0.0/24 bad5
expect_eq "range words" "berth: no matching subnet for range 10.9.0.0/24" "$err"
expect_status "unknown driver" 1 b network create -d frob bad6
expect_eq "driver words" 'berth: plugin "frob" not found' "$err"
expect_status "second host network" 1 b network create -d host bad7
expect_status "bridge name too long" 1 b network create -o com.docker.network.bridge.name=abcdefghijklmnopq bad8
expect_status "bridge name with a quote" 1 b network create -o 'com.docker.network.bridge.name=a"b' bad8b
expect_eq "quote words" 'berth: invalid bridge name: a"b' "$err"
expect_status "bridge name taken" 1 b network create -o com.docker.network.bridge.name=bt-test-$$ bad9
expect_status "bad mtu" 1 b network create -o com.docker.network.driver.mtu=9 bad10
expect_status "rm unknown" 1 b network rm nosuch
expect_eq "not found words" "berth: network nosuch not found" "$err"
expect_status "inspect unknown" 1 b network inspect nosuch
expect_eq "Docker's words" "berth: No such network: nosuch" "$err"
expect_eq "and an empty list" "[]" "$out"
expect_status "rm -f unknown" 0 b network rm -f nosuch
expect_eq "nothing changed" "$before" "$(store_snapshot; sqlite3 "$BERTH_ROOT/berth.db" 'SELECT name, subnet FROM networks ORDER BY 1'; ip -br link | awk '{print $1}' | sort)"

# rm and prune take the bridges with them
expect_status "rm" 0 b network rm testnet
expect_eq "rm prints the name" "testnet" "$out"
if [ -e "/sys/class/net/$br" ]; then bad "bridge $br left after rm"; else ok; fi
b network create --label keep=1 kept >/dev/null
kept_br=$(sqlite3 "$BERTH_ROOT/berth.db" "SELECT bridge FROM networks WHERE name='kept'")
expect_status "prune with a label filter" 0 b network prune -f --filter label!=keep=1
expect_eq "prune report" $'Deleted Networks:\nfixed' "$out"
if [ -e /sys/class/net/bt-test-$$ ]; then bad "bridge of fixed left after prune"; else ok; fi
expect_eq "kept and predefined stay" "bridge host kept none" "$(b network ls --format '{{.Name}}' | tr '\n' ' ' | sed 's/ $//')"

# a berth killed between making a bridge and committing its row: the next
# berth removes the link its intent names, and only that one
b network rm kept >/dev/null
ip link add bt-other-$$ type bridge
dead=bt-d$$
TEST_LINKS="$TEST_LINKS bt-other-$$ $dead"
ip link add "$dead" type bridge
mkdir -p "$BERTH_RUN/intents"
# an intent whose process is gone
printf '999999 1\n' >"$BERTH_RUN/intents/network-link-$dead"
expect_status "next start" 0 b network ls -q
if [ -e "/sys/class/net/$dead" ]; then bad "the orphaned link stayed"; else ok; fi
if [ -e "/sys/class/net/bt-other-$$" ]; then ok; else bad "a link no intent names was removed"; fi
ip link del bt-other-$$ 2>/dev/null
expect_eq "intent settled" "" "$(ls "$BERTH_RUN/intents" | grep network-link)"

# dangling: the user's networks no container is on
b network create lonely >/dev/null
expect_eq "ls --filter dangling=true" "lonely" "$(b network ls --filter dangling=true --format '{{.Name}}')"
expect_status "a bad dangling value" 1 b network ls --filter dangling=maybe
expect_eq "Docker's words" "berth: invalid filter 'dangling=maybe'" "$err"
b network rm lonely >/dev/null

# two data roots on one host: both default bridges were given a subnet
# before either bridge existed; the second start moves to a free one, and
# neither root's containers reach the other's
b2() { BERTH_ROOT=$TEST_DIR/root2 BERTH_RUN=$TEST_DIR/run2 "$BERTH" "$@"; }
busybox_image >/dev/null
BERTH_ROOT=$TEST_DIR/root2 BERTH_RUN=$TEST_DIR/run2 busybox_image >/dev/null
subnet1=$(b network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' bridge)
subnet2=$(b2 network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' bridge)
expect_eq "both rows picked the same pool" "$subnet1" "$subnet2"
expect_status "a container in the first root" 0 b run -d --name r1 busybox httpd -f -p 80
r1_ip=$(b inspect -f '{{.NetworkSettings.IPAddress}}' r1)
expect_status "a container in the second" 0 b2 run -d --name r2 busybox sleep 300
subnet2=$(b2 network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' bridge)
[ "$subnet2" != "$subnet1" ] && ok || bad "the second default bridge took the first's subnet $subnet1"
expect_match "its address in the new subnet" "^${subnet2%.0/*}\." "$(b2 inspect -f '{{.NetworkSettings.IPAddress}}' r2)"
expect_status "no way from one root's network to the other's" 1 b2 exec r2 sh -c "timeout 2 wget -qO- http://$r1_ip/ || exit 1"
b2 rm -f r2 >/dev/null
b rm -f r1 >/dev/null

finish
