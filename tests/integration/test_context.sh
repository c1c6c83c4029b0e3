#!/bin/bash
# context: berth's context commands on the docker CLI's store (a private
# DOCKER_CONFIG), and the docker CLI reading what berth wrote and the other
# way round, with the same files, output and errors.
source "$(dirname "$0")/lib.sh"
# berth as the docker CLI is run: with the test's DOCKER_HOST and DOCKER_CONTEXT
b() { "$BERTH" "$@"; }

DOCKER=${DOCKER_CLI:-/usr/local/bin/docker}
export DOCKER_CONFIG=$TEST_DIR/docker-config
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_CERT_PATH DOCKER_TLS DOCKER_TLS_VERIFY
d() { "$DOCKER" "$@"; }
id_of() { printf '%s' "$1" | sha256sum | cut -c1-64; }
meta_of() { cat "$DOCKER_CONFIG/contexts/meta/$(id_of "$1")/meta.json"; }

# a CA, a certificate and its key, as a TLS daemon's client has them
PKI=$TEST_DIR/pki
mkdir -p "$PKI"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/key.pem" -out "$PKI/cert.pem" \
	-days 2 -subj /CN=berth-test 2>/dev/null
cp "$PKI/cert.pem" "$PKI/ca.pem"
echo junk >"$PKI/junk.pem"

# nothing stored: the default context, this host's engine
expect_status "ls on an empty store" 0 b context ls
expect_match "only the default row" $'^NAME +DESCRIPTION +DOCKER ENDPOINT +ERROR\ndefault \\* +This host\'s berth engine +$' "$out"
expect_status "show" 0 b context show
expect_eq "default is current" "default" "$out"
[ ! -e "$DOCKER_CONFIG" ] && ok || bad "reading the store made $DOCKER_CONFIG"

# create: the name on stdout, docker's words on stderr, docker's bytes on disk
expect_status "create" 0 b context create c1 --description "first <one>" --docker host=tcp://10.0.0.1:2375
expect_eq "create prints the name" "c1" "$out"
expect_eq "create reports" 'Successfully created context "c1"' "$err"
expect_eq "meta.json as docker writes it" \
	'{"Name":"c1","Metadata":{"Description":"first \u003cone\u003e"},"Endpoints":{"docker":{"Host":"tcp://10.0.0.1:2375","SkipTLSVerify":false}}}' \
	"$(meta_of c1)"
expect_eq "meta.json mode" "644" "$(stat -c %a "$DOCKER_CONFIG/contexts/meta/$(id_of c1)/meta.json")"
expect_eq "meta folder mode" "755" "$(stat -c %a "$DOCKER_CONFIG/contexts/meta/$(id_of c1)")"
expect_status "create with TLS" 0 b context create tls1 --docker "host=tcp://10.0.0.2:2376,ca=$PKI/ca.pem,cert=$PKI/cert.pem,key=$PKI/key.pem"
TLS1=$DOCKER_CONFIG/contexts/tls/$(id_of tls1)
expect_eq "TLS files copied in" "$(cat "$PKI/ca.pem" "$PKI/cert.pem" "$PKI/key.pem")" "$(cat "$TLS1/docker/ca.pem" "$TLS1/docker/cert.pem" "$TLS1/docker/key.pem")"
expect_eq "TLS file modes" "600 600 600 700 700" "$(stat -c %a "$TLS1"/docker/ca.pem "$TLS1"/docker/cert.pem "$TLS1"/docker/key.pem "$TLS1/docker" "$TLS1" | tr '\n' ' ' | sed 's/ $//')"
expect_status "create with skip-tls-verify" 0 b context create skip1 --docker host=tcp://10.0.0.3:2376,skip-tls-verify=true
expect_status "create over ssh" 0 b context create ssh1 --docker host=ssh://me@box.example:2222
expect_status "create from another" 0 b context create tls2 --from tls1 --description copied
expect_eq "TLS copied with it" "$(cat "$TLS1"/docker/*.pem)" "$(cat "$DOCKER_CONFIG/contexts/tls/$(id_of tls2)"/docker/*.pem)"
# a copy of a default without a host: berth's own engine to berth, the
# default socket to the docker CLI; its description, which only berth's
# reading would make true, is not written into the shared store
expect_status "create from the default" 0 env -u DOCKER_HOST "$BERTH" context create local2
expect_eq "no description written" "" "$(b context inspect local2 -f '{{.Metadata.Metadata.Description}}' | sed 's/<no value>//')"
expect_status "rm local2" 0 b context rm local2

# refusals, in docker's words and exit statuses
expect_status "existing name" 1 b context create c1 --docker host=tcp://x:1
expect_eq "existing name message" 'berth: context "c1" already exists' "$err"
expect_status "reserved name" 1 b context create default
expect_eq "reserved name message" 'berth: "default" is a reserved context name' "$err"
expect_status "invalid name" 1 b context create 'a b'
expect_eq "invalid name message" 'berth: context name "a b" is invalid, names are validated against regexp "^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$"' "$err"
expect_status "host without a scheme" 1 b context create bad1 --docker host=box:2375
expect_eq "host message" 'berth: unable to create docker endpoint config: unable to apply docker endpoint options: unable to parse docker host `box:2375`' "$err"
expect_status "ssh without a host" 1 b context create bad1 --docker host=ssh://
expect_eq "ssh message" 'berth: unable to create docker endpoint config: invalid docker endpoint options: ssh host connection is not valid: invalid SSH URL: hostname is empty' "$err"
expect_status "bad CA" 1 b context create bad1 --docker "host=tcp://x:1,ca=$PKI/junk.pem"
expect_eq "bad CA message" 'berth: unable to create docker endpoint config: invalid docker endpoint options: failed to retrieve context tls info: ca.pem seems invalid' "$err"
expect_status "unknown key" 1 b context create bad1 --docker nope=1
expect_status "malformed --docker" 125 b context create bad1 --docker nope
expect_status "--docker with --from" 1 b context create bad1 --from c1 --docker host=tcp://x:1
expect_eq "--from message" 'berth: cannot use --docker flag when --from is set' "$err"
[ ! -e "$DOCKER_CONFIG/contexts/meta/$(id_of bad1)" ] && ok || bad "a refused context was stored"

if [ -x "$DOCKER" ]; then
	# the docker CLI reads what berth wrote
	expect_status "docker ls" 0 d context ls --format '{{.Name}} {{.DockerEndpoint}} {{.Description}}'
	expect_match "docker sees c1" $'(^|\n)c1 tcp://10.0.0.1:2375 first <one>($|\n)' "$out"
	expect_status "docker inspect" 0 d context inspect c1 tls1 tls2 skip1 ssh1
	docker_inspect=$out
	expect_status "berth inspect" 0 b context inspect c1 tls1 tls2 skip1 ssh1
	expect_eq "inspect: the same JSON" "$docker_inspect" "$out"
	expect_status "docker inspect TLS" 0 d context inspect tls1 -f '{{json .TLSMaterial}} {{.Endpoints.docker.SkipTLSVerify}}'
	expect_eq "docker sees the TLS files" '{"docker":["ca.pem","cert.pem","key.pem"]} false' "$out"

	# berth reads what docker wrote
	expect_status "docker create" 0 d context create d1 --description "by docker" --docker "host=ssh://other@far.example,ca=$PKI/ca.pem"
	expect_status "berth inspect of docker's" 0 b context inspect d1 -f '{{.Name}} {{.Endpoints.docker.Host}} {{.Metadata.Metadata.Description}} {{json .TLSMaterial}}'
	expect_eq "berth reads docker's context" 'd1 ssh://other@far.example by docker {"docker":["ca.pem"]}' "$out"
	expect_eq "docker's inspect, berth's inspect" "$(d context inspect d1)" "$(b context inspect d1)"

	# context ls: every row but the default one is the same
	expect_eq "ls rows as JSON" "$(d context ls --format json | grep -v '"Name":"default"')" \
		"$(b context ls --format json | grep -v '"Name":"default"')"
	expect_eq "ls -q" "$(d context ls -q)" "$(b context ls -q)"
	# with DOCKER_HOST the default row is docker's too, so the whole table is
	expect_eq "ls with DOCKER_HOST" "$(DOCKER_HOST=tcp://10.9.9.9 d context ls 2>&1)" \
		"$(DOCKER_HOST=tcp://10.9.9.9 b context ls 2>&1)"

	# use: each sees the other's choice, in the same config.json bytes
	expect_status "docker use" 0 d context use d1
	expect_status "berth show after docker use" 0 b context show
	expect_eq "berth sees d1" "d1" "$out"
	docker_config=$(cat "$DOCKER_CONFIG/config.json")
	expect_status "berth use" 0 b context use c1
	expect_eq "use prints the name" "c1" "$out"
	expect_eq "use reports" 'Current context is now "c1"' "$err"
	expect_eq "docker show after berth use" "c1" "$(d context show)"
	expect_eq "config.json as docker writes it" "${docker_config/d1/c1}" "$(cat "$DOCKER_CONFIG/config.json")"
	expect_match "docker marks c1 current" $'(^|\n)c1 \\*' "$(d context ls)"
	expect_status "berth ls marks c1" 0 b context ls --format '{{.Name}} {{.Current}}'
	expect_match "current" $'(^|\n)c1 true' "$out"

	# update by one, seen by the other
	expect_status "berth update" 0 b context update d1 --description "changed" --docker host=tcp://10.0.0.9:2375
	expect_eq "update reports" 'Successfully updated context "d1"' "$err"
	expect_eq "docker sees the update" 'changed tcp://10.0.0.9:2375 {}' \
		"$(d context inspect d1 -f '{{.Metadata.Metadata.Description}} {{.Endpoints.docker.Host}} {{json .TLSMaterial}}')"
	expect_status "docker update" 0 d context update c1 --description "by docker"
	expect_eq "berth sees docker's update" "by docker" "$(b context inspect c1 -f '{{.Metadata.Metadata.Description}}')"
	# the same templates give the same text, {{json .}} the flat struct
	for f in '{{json .}}' json '{{json .Metadata}}' '{{.Name}} {{.Metadata.Name}} {{.Storage.TLSPath}}'; do
		expect_eq "inspect -f $f" "$(d context inspect tls1 c1 -f "$f")" "$(b context inspect tls1 c1 -f "$f")"
	done

	# rm: docker's refusals; each removes the other's
	expect_status "rm the current context" 1 b context rm c1
	expect_eq "rm message" 'berth: context "c1" is in use, set -f flag to force remove' "$err"
	expect_status "docker rm of berth's" 0 d context rm skip1
	expect_status "berth rm of docker's" 0 b context rm d1
	expect_eq "gone for docker too" "" "$(d context ls -q | grep -x d1)"
	expect_status "rm -f the current one" 0 b context rm -f c1
	expect_eq "docker back on default" "default" "$(d context show)"
else
	echo "$TEST_NAME: no docker CLI at $DOCKER: cross-checks skipped"
fi

# use default removes currentContext and keeps every other key
printf '{\n\t"auths": {},\n\t"currentContext": "tls1",\n\t"proxies": {"default": {"httpProxy": "http://p:3128"}}\n}' >"$DOCKER_CONFIG/config.json"
chmod 640 "$DOCKER_CONFIG/config.json"
expect_status "use default" 0 b context use default
expect_eq "key removed, others kept" '{"auths": {}, "proxies": {"default": {"httpProxy": "http://p:3128"}}}' \
	"$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$DOCKER_CONFIG/config.json")"
expect_eq "config.json keeps its mode" "640" "$(stat -c %a "$DOCKER_CONFIG/config.json")"
expect_eq "no file left beside it" "config.json contexts" "$(ls "$DOCKER_CONFIG" | tr '\n' ' ' | sed 's/ $//')"
expect_status "use a missing context" 1 b context use nope1
expect_match "use message" '^berth: context "nope1": context not found: open .*/meta.json: no such file or directory$' "$err"

# the environment's choice: DOCKER_CONTEXT, and DOCKER_HOST over it
expect_eq "DOCKER_CONTEXT" "ssh1" "$(DOCKER_CONTEXT=ssh1 b context show)"
expect_eq "DOCKER_HOST wins" "default" "$(DOCKER_HOST=tcp://h DOCKER_CONTEXT=ssh1 b context show)"
expect_status "DOCKER_HOST warning on use" 0 env DOCKER_HOST=tcp://h "$BERTH" context use ssh1
expect_match "warning" 'Warning: DOCKER_HOST environment variable overrides the active context. To use "ssh1", either set the global --context flag, or unset DOCKER_HOST environment variable.' "$err"
b context use default >/dev/null 2>&1
expect_status "a current context that is gone" 0 env DOCKER_CONTEXT=gone1 "$BERTH" context ls --format '{{.Name}}|{{.Current}}|{{.Error}}'
expect_match "its row says so" $'(^|\n)gone1\\|true\\|context "gone1": context not found: open /tm…($|\n)' "$out"
expect_status "bad DOCKER_HOST" 1 env DOCKER_HOST=foo://bar "$BERTH" context ls
expect_eq "bad DOCKER_HOST message" "berth: invalid bind address format: foo://bar" "$err"

# rm: several at once, refusals reported after the names removed
expect_status "rm several" 1 b context rm tls2 nope1 default
expect_eq "removed" "tls2" "$out"
expect_eq "refusals" 'berth: context "nope1" does not exist
berth: context "default" cannot be removed' "$err"
[ ! -e "$DOCKER_CONFIG/contexts/meta/$(id_of tls2)" ] && [ ! -e "$DOCKER_CONFIG/contexts/tls/$(id_of tls2)" ] && ok ||
	bad "rm left files of tls2"
expect_status "rm -f of nothing" 0 b context rm -f nope1

finish
