#!/bin/bash
# PVP with the same guest (dpnode-app macswap on CPU 0) behind three switches:
#   ceiling:  testpmd io-fwd between net_null and net_vhost (CPU 1)
#   dpnode:   OVS-DPDK as dpnoded configures it (PMD pinned to CPU 1, lcore 0,
#             socket-mem 512), net_null uplink on br-phy, guest on br-int,
#             port-to-port OpenFlow rules (what OVN programs for the pair)
#   kube-ovn: OVS-DPDK set up as Kube-OVN's start script does (dpdk-init,
#             socket-mem 1024, no PMD or lcore mask), same topology, NORMAL
#             switching on br-int; and once more with dpnode's port-pair
#             rules, which isolates what the two configurations change
# Throughput is what the guest sends back, over the same window in each.
# Target: dpnode / ceiling >= 0.90.
SECS=${SECS:-6} # four switches a round: stays under 3 minutes
. "$(dirname "$0")/lib.sh"

bench_begin 1280
mpps() { jq '.ports[0].tx_pps / 1e6 * 1000 | round / 1000' "$1"; }

ceiling() {
	fw_start "$BDIR" --vdev="$NULL_DEVARGS" --vdev="net_vhost0,iface=$BDIR/vh.sock,queues=1"
	for _ in $(seq 1 50); do [ -S "$BDIR/vh.sock" ] && break; sleep 0.2; done
	fw_cmd "start"
	app_run "$BDIR/ceiling.json" --vhost "$BDIR/vh.sock,client" --engine macswap
	fw_stop
	rm -f "$BDIR/fw.in"
	mpps "$BDIR/ceiling.json"
}

through_ovs() { # name pairs|normal dpdk-json [vhostuser-json]
	node_config "$BDIR/$1.conf" "$3" "${4:-}"
	node_start "$BDIR/$1.conf" || return 1
	local sock
	sock=$(node_vhost aaaaaaaa-0000-4000-8000-0000000000b1 vm0)
	if [ "$2" = normal ]; then
		ofctl_normal
	else
		ofctl_pair br-phy dpdk0 patch-phy-int
		ofctl_pair br-int patch-int-phy "$("$CTL" vhost list --json | jq -r '.ports[0].port')"
	fi
	app_run "$BDIR/$1.json" --vhost "$sock,server" --engine macswap
	node_stop
	mpps "$BDIR/$1.json"
}

DPNODE_DPDK='{"socket_mem": [512], "socket_limit": [1024], "lcore": "0", "pmd_cores": "1", "extra_args": ["--no-pci"]}'
# A full guest ring is dropped at once, as testpmd does, instead of the PMD
# spinning on it (OVS retries 8 times by default) while other queues wait.
DPNODE_VHOST=${DPNODE_VHOST:-'{"tx_retries_max": 0}'}
KUBEOVN_DPDK='{"socket_mem": [1024], "extra_args": ["--no-pci"]}'
c=()
d=()
k=()
kp=()
for r in $(seq 1 "$ROUNDS"); do
	c+=("$(ceiling)")
	d+=("$(through_ovs dpnode pairs "$DPNODE_DPDK" "$DPNODE_VHOST")")
	k+=("$(through_ovs kubeovn normal "$KUBEOVN_DPDK")")
	kp+=("$(through_ovs kubeovn-pairs pairs "$KUBEOVN_DPDK")")
	echo "round $r: ceiling ${c[-1]} Mpps, dpnode ${d[-1]} Mpps, kube-ovn ${k[-1]} Mpps, kube-ovn with port-pair rules ${kp[-1]} Mpps" >&2
done
mc=$(median "${c[@]}")
md=$(median "${d[@]}")
mk=$(median "${k[@]}")
mkp=$(median "${kp[@]}")
rd=$(ratio "$md" "$mc")
rk=$(ratio "$mk" "$mc")
rkp=$(ratio "$mkp" "$mc")
arr() { printf '%s\n' "$@" | jq -s .; }
json=$(jq -n --argjson size "$SIZE" --argjson secs "$SECS" --argjson c "$(arr "${c[@]}")" \
	--argjson d "$(arr "${d[@]}")" --argjson k "$(arr "${k[@]}")" --argjson mc "$mc" \
	--argjson md "$md" --argjson mk "$mk" --argjson rd "$rd" --argjson rk "$rk" \
	--argjson kp "$(arr "${kp[@]}")" --argjson mkp "$mkp" --argjson rkp "$rkp" \
	--argjson m "$(machine_json)" \
	'{bench: "pvp", packet_size: $size, window_s: $secs, ceiling_mpps: $c, dpnode_mpps: $d,
	  kubeovn_mpps: $k, ceiling_mpps_median: $mc, dpnode_mpps_median: $md,
	  kubeovn_mpps_median: $mk, dpnode_over_ceiling: $rd, kubeovn_over_ceiling: $rk,
	  kubeovn_pairs_mpps: $kp, kubeovn_pairs_mpps_median: $mkp, kubeovn_pairs_over_ceiling: $rkp,
	  target: 0.90, machine: $m}')
echo "$json"
save_result pvp "$json"
echo "pvp: ceiling $mc Mpps, dpnode $md Mpps, kube-ovn $mk Mpps (NORMAL), $mkp Mpps (port-pair rules); dpnode/ceiling=$rd (target >= 0.90), kube-ovn/ceiling=$rk, with dpnode's rules $rkp (${SIZE}B)"
