#!/bin/bash
# OVN over SSL, as Kube-OVN runs it with ENABLE_SSL: the Southbound listens
# on pssl: with a certificate from a PKI (ovs-pki), dpnoded's SB client and
# the ovn-controller it runs connect with the node's key and certificate and
# check the server against the CA. A certificate from another CA is refused
# and said in status; bad SSL files are config errors naming the key.
. "$(dirname "$0")/lib.sh"

it_setup
SBPORT=$((22000 + $$ % 1000))
PKI=$T/pki
# --- a PKI: the switch CA signs the SB's and the node's certificates ---
mkdir -p "$PKI"
(
	cd "$PKI" || exit 1
	ovs-pki --dir="$PKI/ca" init >/dev/null 2>&1 &&
		ovs-pki --dir="$PKI/ca" req+sign sb switch >/dev/null 2>&1 &&
		ovs-pki --dir="$PKI/ca" req+sign node switch >/dev/null 2>&1
) || { notok "ovs-pki made a CA and two certificates"; exit 1; }
ok "ovs-pki: a CA, the Southbound's and the node's certificates"
CA=$PKI/ca/switchca/cacert.pem

ovn_central_start || { notok "OVN central started"; exit 1; }
# the SB again, also on SSL with its certificate (ovn-northd stays on the
# unix socket)
kill "$(cat "$T/central/sb.pid")"
sleep 0.5
ovsdb-server "$T/central/sb.db" --remote="punix:$T/central/sb.sock" --remote="pssl:$SBPORT:127.0.0.1" \
	--private-key="$PKI/sb-privkey.pem" --certificate="$PKI/sb-cert.pem" --ca-cert="$CA" \
	--pidfile="$T/central/sb.pid" --unixctl="$T/central/sb.ctl" --log-file="$T/central/sb.log" \
	--detach --no-chdir || { notok "SB ovsdb-server on pssl:"; exit 1; }
nbctl ls-add ls1
lsp_add ls1 pod-s.default "0a:00:00:00:00:5a 10.16.0.90"

ovn_json() { # key-file cert-file ca-file
	echo "{\"remote\": \"ssl:127.0.0.1:$SBPORT\", \"encap_ip\": \"198.18.0.1\", \"system_id\": \"node-ssl\",
	  \"run_dir\": \"$T/ovn\", \"bind_timeout_s\": 10,
	  \"ssl\": {\"private_key\": \"$1\", \"certificate\": \"$2\", \"ca_cert\": \"$3\"}}"
}
write_config "$T/node.json" ".vhostuser = {\"socket_root\": \"$T/vs\", \"kubelet_dir\": \"$T/kubelet\",
	\"state_file\": \"$T/vhost.json\"} | .ovn = $(ovn_json "$PKI/node-privkey.pem" "$PKI/node-cert.pem" "$CA")"
check "config check: ovn.ssl with the PKI's files is valid" bash -c "$CTL config check $T/node.json >/dev/null"
it_start
it_wait_converged 90 || exit 1
ovn_ok() { [ "$(st .modules.ovn.state)" = ok ]; }
if ms=$(wait_until 60 ovn_ok); then ok "ssl: SB connected over TLS, chassis registered (${ms} ms)"; else
	notok "ssl: SB connected over TLS: $(st .modules.ovn.error)"; fi
check "ssl: ovn-controller runs with the node's key, certificate and CA" \
	bash -c "tr '\0' ' ' </proc/$(st .ovn.controller.pid)/cmdline | grep -q -- '--private-key=$PKI/node-privkey.pem --certificate=$PKI/node-cert.pem --ca-cert=$CA'"
check_eq "ssl: the chassis registered through ovn-controller's TLS session" \
	"$(sbctl --bare --columns=name list Chassis)" node-ssl
out=$("$CTL" vhost add --pod-uid uid-s --namespace default --pod pod-s --ifname net1 --volume v --socket-name s --json)
check_eq "ssl: vhost.add takes the MAC from the Southbound over TLS" "$(jq -r .mac <<<"$out")" 0a:00:00:00:00:5a
it_stop_dpnoded

# --- a certificate from another CA: the server refuses, status says so ---
OTHER=$T/pki-other
mkdir -p "$OTHER"
(cd "$OTHER" && ovs-pki --dir="$OTHER/ca" init >/dev/null 2>&1 &&
	ovs-pki --dir="$OTHER/ca" req+sign rogue switch >/dev/null 2>&1)
write_config "$T/rogue.json" ".vhostuser = {\"socket_root\": \"$T/vs\", \"kubelet_dir\": \"$T/kubelet\",
	\"state_file\": \"$T/vhost.json\"} | .ovn = ($(ovn_json "$OTHER/rogue-privkey.pem" "$OTHER/rogue-cert.pem" "$OTHER/ca/switchca/cacert.pem") | .controller = \"external\")"
it_start "$T/rogue.json"
it_wait_converged 90
tls_refused() { st .ovn.sb_error | grep -q 'TLS'; }
check "another CA: not connected, status names the TLS failure" wait_until 30 tls_refused
echo "# another CA: $(st .ovn.sb_error)"
check_eq "another CA: the datapath converged all the same" "$(st .reconcile.converged)" true
it_stop_dpnoded

# --- bad SSL files: config errors naming the key, dpnoded does not start ---
echo "not a key" >"$T/junk.pem"
bad() { # config-json-filter expected-error
	write_config "$T/bad.json" ".ovn = ($2)"
	local out
	out=$("$CTL" config check "$T/bad.json" 2>&1)
	check "bad ssl files: $1" grep -qF "$3" <<<"$out"
}
bad "a missing key file named" "$(ovn_json "$T/nope.pem" "$PKI/node-cert.pem" "$CA")" \
	"ovn.ssl.private_key: $T/nope.pem: No such file or directory"
bad "a file that is not a PEM key named" "$(ovn_json "$T/junk.pem" "$PKI/node-cert.pem" "$CA")" \
	"ovn.ssl.private_key: $T/junk.pem is not a PEM private key"
bad "a key given as the certificate named" "$(ovn_json "$PKI/node-privkey.pem" "$PKI/node-privkey.pem" "$CA")" \
	"ovn.ssl.certificate: $PKI/node-privkey.pem is not a PEM certificate"
bad "ssl: remote without ovn.ssl" "$(ovn_json x y z) | del(.ssl)" \
	"ovn.remote: ssl: remotes need ovn.ssl (private_key, certificate, ca_cert)"
# a key that does not match the certificate passes the PEM check; OpenSSL refuses it at start
write_config "$T/mismatch.json" ".ovn = ($(ovn_json "$OTHER/rogue-privkey.pem" "$PKI/node-cert.pem" "$CA"))"
"$DPNODED" --config "$T/mismatch.json" --foreground >"$T/mismatch.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.2; done
if alive "$pid"; then
	kill -KILL "$pid"
	notok "a key that is not the certificate's: dpnoded refuses to start"
else
	check "a key that is not the certificate's: dpnoded refuses to start, naming ovn.ssl and the file" \
		grep -q "ovn.ssl: $OTHER/rogue-privkey.pem" "$T/mismatch.log"
fi
wait "$pid" 2>/dev/null
[ "$N_FAIL" -eq 0 ]
