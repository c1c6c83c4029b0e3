#!/bin/bash
# daemon.json's network keys (BERTH_CONFIG): default-address-pools, bip,
# mtu, ip, default-network-opts; a bad file is Docker's error for every
# command; ipv6 and fixed-cidr-v6 (the default bridge's IPv6) checked.
source "$(dirname "$0")/lib.sh"
busybox_image

export BERTH_CONFIG=$TEST_DIR/daemon.json
config() { printf '%s\n' "$1" >"$BERTH_CONFIG"; }

config '{"default-address-pools": [{"base": "10.77.0.0/16", "size": 24}],
 "default-network-opts": {"bridge": {"com.docker.network.driver.mtu": "1400"}},
 "bip": "10.78.0.1/24", "mtu": 1450, "ip": "127.0.0.1", "userland-proxy": false}'
expect_status "the default bridge from bip" 0 b network inspect -f '{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}} {{index .Options "com.docker.network.driver.mtu"}}' bridge
expect_eq "bip and mtu" "10.78.0.0/24 10.78.0.1 1450" "$out"
expect_status "a network from the pools" 0 b network create pooled1
expect_eq "the first of the pool" "10.77.0.0/24" "$(b network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' pooled1)"
b network create pooled2 >/dev/null
expect_eq "the next one" "10.77.1.0/24" "$(b network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' pooled2)"
expect_eq "default-network-opts" "1400" "$(b network inspect -f '{{index .Options "com.docker.network.driver.mtu"}}' pooled1)"
b network create -o com.docker.network.driver.mtu=1300 own >/dev/null
expect_eq "the user's option wins" "1300" "$(b network inspect -f '{{index .Options "com.docker.network.driver.mtu"}}' own)"
expect_status "a container on the default bridge" 0 b run --rm busybox sh -c 'ip -o -4 addr show eth0; cat /sys/class/net/eth0/mtu'
expect_match "an address of bip" 'inet 10\.78\.0\.2/24' "$out"
expect_match "the mtu" $'\n1450$' "$out"
expect_status "-p without an address binds ip" 0 b run -d --name pub -p 18400:80 busybox sleep 300
expect_eq "on 127.0.0.1" "127.0.0.1:18400" "$(b port pub 80)"
b rm -f pub >/dev/null

# bip changed, no container on the bridge: the next berth moves it
config '{"bip": "10.79.0.1/24"}'
expect_status "bip again" 0 b network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' bridge
expect_eq "moved" "10.79.0.0/24" "$out"
expect_status "and used" 0 b run --rm busybox ip -o -4 addr show eth0
expect_match "a new address" 'inet 10\.79\.0\.2/24' "$out"

# bad files: one line, every command refuses, nothing changes
before=$(store_snapshot)
config '{"bip": '
expect_status "bad JSON" 1 b ps
expect_match "Docker's words" "^berth: unable to configure the berth engine with file $BERTH_CONFIG: " "$err"
config '{"bip": "10.80.0.0/24"}'
expect_status "a bip that is a network" 1 b network ls
expect_match "bip words" 'invalid bip: 10\.80\.0\.0/24$' "$err"
config '{"ipv6": "yes"}'
expect_status "ipv6 not a boolean" 1 b network ls
expect_match "ipv6 words, Docker's" 'json: cannot unmarshal string into Go struct field Config.ipv6 of type bool$' "$err"
config '{"ipv6": true, "fixed-cidr-v6": "fd00::/129"}'
expect_status "a bad fixed-cidr-v6" 1 b network ls
expect_match "fixed-cidr-v6 words" 'invalid fixed-cidr-v6: fd00::/129$' "$err"
config '{"default-address-pools": [{"base": "10.81.0.0/16", "size": 8}]}'
expect_status "a pool smaller than its size" 1 b network ls
expect_eq "nothing changed" "$before" "$(store_snapshot)"
rm -f "$BERTH_CONFIG"
expect_status "a file named in BERTH_CONFIG must be there" 1 b network ls
expect_eq "Docker's words" "berth: unable to configure the berth engine with file $BERTH_CONFIG: open $BERTH_CONFIG: no such file or directory" "$err"
unset BERTH_CONFIG
expect_status "none named, none at the default path: the defaults" 0 b network ls
finish
