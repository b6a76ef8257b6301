#!/bin/bash
# dpnoded's Southbound client through an OVSDB relay (ovsdb-server in relay
# mode, Debian's openvswitch), as a large cluster would run it: ovn.sb_remote
# points at the relay, ovn-controller keeps ovn.remote. The relay serves the
# conditional monitor; the port gets OVN's MAC through it, and a relay that
# goes away is reconnected to.
. "$(dirname "$0")/lib.sh"

it_setup
ovn_central_start || { notok "OVN central started"; exit 1; }
nbctl ls-add ls1
lsp_add ls1 pod-r.default "0a:00:00:00:00:7a 10.16.0.122"
relay_start() {
	ovsdb-server --remote="punix:$T/central/relay.sock" "relay:OVN_Southbound:$OVN_SB" \
		--pidfile="$T/central/relay.pid" --unixctl="$T/central/relay.ctl" \
		--log-file="$T/central/relay.log" --detach --no-chdir
}
check "an OVSDB relay of the Southbound" relay_start
write_config "$T/node.json" ".vhostuser = {\"socket_root\": \"$T/vs\", \"kubelet_dir\": \"$T/kubelet\",
	\"state_file\": \"$T/vhost.json\"}
	| .ovn = {\"remote\": \"$OVN_SB\", \"sb_remote\": \"unix:$T/central/relay.sock\",
		\"encap_ip\": \"198.18.0.1\", \"system_id\": \"node-r\", \"run_dir\": \"$T/ovn\", \"bind_timeout_s\": 10}"
it_start
it_wait_converged 90 || exit 1
ovn_ok() { [ "$(st .modules.ovn.state)" = ok ]; }
if ms=$(wait_until 60 ovn_ok); then ok "relay: dpnoded's SB session through the relay is synced (${ms} ms)"; else
	notok "relay: SB session synced: $(st .modules.ovn.error)"; fi
check_eq "relay: status names the relay" "$(st .ovn.sb_remote)" "unix:$T/central/relay.sock"
out=$("$CTL" vhost add --pod-uid uid-r --namespace default --pod pod-r --ifname net1 --volume v --socket-name s --json)
check_eq "relay: vhost.add has OVN's MAC through the relay" "$(jq -r .mac <<<"$out")" 0a:00:00:00:00:7a
check_eq "relay: and its IP" "$(jq -c .ips <<<"$out")" '["10.16.0.122"]'
check "relay: ovn-controller (on ovn.remote) binds the port" \
	wait_until 30 bash -c "[ \"\$(ovn-sbctl --db=$OVN_SB --bare --columns=chassis find Port_Binding logical_port=pod-r.default)\" != '' ]"
echo "# relay: dpnoded's session moved $(st .ovn.sb_rx_bytes) B from the relay, $(st .ovn.sb_tx_bytes) B to it"

# the relay restarts: dpnoded reconnects, a new port still gets OVN's MAC
kill "$(cat "$T/central/relay.pid")"
sleep 0.5
relay_start
lsp_add ls1 pod-r2.default "0a:00:00:00:00:7b 10.16.0.123"
check "relay restarted: dpnoded resynced" wait_until 30 ovn_ok
out=$("$CTL" vhost add --pod-uid uid-r2 --namespace default --pod pod-r2 --ifname net1 --volume v --socket-name s --json)
check_eq "relay restarted: a new port has OVN's MAC" "$(jq -r .mac <<<"$out")" 0a:00:00:00:00:7b
kill "$(cat "$T/central/relay.pid")" 2>/dev/null
it_stop_dpnoded
[ "$N_FAIL" -eq 0 ]
