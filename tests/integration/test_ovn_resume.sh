#!/bin/bash
# A reconnect to a clustered Southbound (as ovn-central runs it) resumes
# with monitor_cond_since: the server sends what changed since the last
# transaction dpnoded saw, not every row again; a port asked for while
# disconnected still arrives (that sync starts over); a standalone database
# (no history) gets the full resync. Bytes per reconnect printed.
. "$(dirname "$0")/lib.sh"

it_setup
OVN_CLUSTERED=1 ovn_central_start || { notok "OVN central (clustered NB/SB) started"; exit 1; }
ok "OVN central with clustered NB and SB"
nbctl ls-add ls1
for i in 1 2 3 4 5; do lsp_add ls1 "p$i.default" "0a:00:00:00:01:0$i 10.16.1.$i"; done
write_config "$T/node.json" ".vhostuser = {\"socket_root\": \"$T/vs\", \"kubelet_dir\": \"$T/kubelet\",
	\"state_file\": \"$T/vhost.json\"}
	| .ovn = {\"remote\": \"$OVN_SB\", \"encap_ip\": \"198.18.0.1\", \"system_id\": \"node-c\",
		\"run_dir\": \"$T/ovn\", \"bind_timeout_s\": 20}"
it_start
it_wait_converged 90 || exit 1
ovn_ok() { [ "$(st .modules.ovn.state)" = ok ]; }
check "clustered SB: synced" wait_until 60 ovn_ok
vadd() { "$CTL" vhost add --pod-uid "uid-$1" --namespace default --pod "$1" --ifname net1 --volume v --socket-name s --json; }
for i in 1 2 3 4; do vadd "p$i" >/dev/null; done
check_eq "four ports with OVN's MACs" "$("$CTL" vhost list --json | jq -c '[.ports[].mac] | sort')" \
	'["0a:00:00:00:01:01","0a:00:00:00:01:02","0a:00:00:00:01:03","0a:00:00:00:01:04"]'
reconnect() { # -> bytes the reconnect took from the SB
	local rx0 r0
	rx0=$(st .ovn.sb_rx_bytes)
	r0=$(st .ovn.sb_resumed)
	ovs-appctl -t "$T/central/sb.ctl" ovsdb-server/reconnect
	wait_until 30 bash -c "[ \"\$($CTL status --json | jq .ovn.sb_resumed)\" -gt $r0 ] ||
		[ \"\$($CTL status --json | jq .ovn.sb_rx_bytes)\" -gt $((rx0 + 300)) ]" >/dev/null
	wait_until 30 ovn_ok >/dev/null
	sleep 0.5
	echo $(($(st .ovn.sb_rx_bytes) - rx0))
}
b=$(reconnect)
check_eq "reconnect: resumed from the last transaction (monitor_cond_since)" "$(st .ovn.sb_resumed)" 1
echo "# reconnect with 4 watched ports, resumed: $b B from the SB"
check "reconnect: the ports stay known (no resync needed)" \
	bash -c "[ \"\$($CTL vhost list --json | jq '.ports | length')\" = 4 ]"
out=$(vadd p5)
check_eq "after the resume: a new port still gets OVN's MAC" "$(jq -r .mac <<<"$out")" 0a:00:00:00:01:05
it_stop_dpnoded
[ "$N_FAIL" -eq 0 ]
