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
# "Mpps steal%" of a run
mpps() { echo "$(jq '.ports[0].tx_pps / 1e6 * 1000 | round / 1000' "$1") $(cat "$1.steal")"; }

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
rounds=()
for r in $(seq 1 "$ROUNDS"); do
	read -r c cs <<<"$(ceiling)"
	read -r d ds <<<"$(through_ovs dpnode pairs "$DPNODE_DPDK" "$DPNODE_VHOST")"
	read -r k ks <<<"$(through_ovs kubeovn normal "$KUBEOVN_DPDK")"
	read -r kp kps <<<"$(through_ovs kubeovn-pairs pairs "$KUBEOVN_DPDK")"
	steal=$(max_of "$cs" "$ds" "$ks" "$kps")
	rounds+=("{\"ceiling\": ${c:-0}, \"dpnode\": ${d:-0}, \"kubeovn\": ${k:-0}, \"kubeovn_pairs\": ${kp:-0}, \"steal\": ${steal:-0}}")
	echo "round $r: ceiling $c Mpps, dpnode $d Mpps, kube-ovn $k Mpps, kube-ovn with port-pair rules $kp Mpps (steal up to $steal %)" >&2
done
# Ratios: the median of per-round ratios (switches measured back to back),
# over the rounds without steal: slow swings of speed move it less than
# medians of rates from different rounds.
json=$(printf '%s\n' "${rounds[@]}" | jq -s --argjson size "$SIZE" --argjson secs "$SECS" \
	--argjson max "$STEAL_MAX" --argjson m "$(machine_json)" "$JQ_ROUNDS"'
	(clean($max)) as $c
	| ($c | map(. + {dpnode_ratio: per(.dpnode; .ceiling), kubeovn_ratio: per(.kubeovn; .ceiling),
	                 kubeovn_pairs_ratio: per(.kubeovn_pairs; .ceiling)})) as $cr
	| {bench: "pvp", packet_size: $size, window_s: $secs} + rounds_meta($max) + {
	   ceiling_mpps_median: ($c | map(.ceiling) | median | r3),
	   dpnode_mpps_median: ($c | map(.dpnode) | median | r3),
	   kubeovn_mpps_median: ($c | map(.kubeovn) | median | r3),
	   kubeovn_pairs_mpps_median: ($c | map(.kubeovn_pairs) | median | r3),
	   dpnode_round_ratios: ($cr | map(.dpnode_ratio | r3)),
	   dpnode_over_ceiling: ($cr | map(.dpnode_ratio) | median | r3),
	   kubeovn_over_ceiling: ($cr | map(.kubeovn_ratio) | median | r3),
	   kubeovn_pairs_over_ceiling: ($cr | map(.kubeovn_pairs_ratio) | median | r3),
	   target: 0.90, machine: $m}')
echo "$json"
save_result pvp "$json"
q() { jq -r "$1" <<<"$json"; }
echo "pvp: ceiling $(q .ceiling_mpps_median) Mpps, dpnode $(q .dpnode_mpps_median) Mpps, kube-ovn $(q .kubeovn_mpps_median) Mpps (NORMAL), $(q .kubeovn_pairs_mpps_median) Mpps (port-pair rules); dpnode/ceiling=$(q .dpnode_over_ceiling) (target >= 0.90), kube-ovn/ceiling=$(q .kubeovn_over_ceiling), with dpnode's rules $(q .kubeovn_pairs_over_ceiling) (${SIZE}B; $(steal_note "$json"))"
