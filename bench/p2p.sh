#!/bin/bash
# Pod to pod through br-int: one dpnode-app process with two vhost-user ports
# from dpnoded, txonly on one and rxonly on the other (CPU 0), OVS PMD on CPU 1.
# Prints Mpps delivered and one-way latency percentiles at saturation, and
# latency again with the sender paced at RATE pps (1 Mpps: queues not full);
# the baseline in the same run is the same app with a testpmd io-fwd loop in
# OVS's place.
. "$(dirname "$0")/lib.sh"

bench_begin 1280
# The uplink stays quiet: pod to pod only (a sending net_null would be
# flooded into br-int and measured too).
UPLINK_DEVARGS=net_null0,no-rx=1
RATE=${RATE:-1000000}

both() { # name sock-a sock-b: saturated, then paced
	app_run "$BDIR/$1.json" --vhost "$2" --vhost "$3" --engine txonly,rxonly --pkt-size "$SIZE" --flows 64
	app_run "$BDIR/$1-paced.json" --vhost "$2" --vhost "$3" --engine txonly,rxonly --pkt-size "$SIZE" \
		--flows 64 --rate "$RATE"
}
DPNODE_DPDK='{"socket_mem": [512], "socket_limit": [1024], "lcore": "0", "pmd_cores": "1", "extra_args": ["--no-pci"]}'

through_ovs() {
	node_config "$BDIR/node.conf" "$DPNODE_DPDK"
	node_start "$BDIR/node.conf" || return 1
	local a b
	a=$(node_vhost aaaaaaaa-0000-4000-8000-0000000000c1 net1)
	b=$(node_vhost bbbbbbbb-0000-4000-8000-0000000000c2 net2)
	local pa pb
	pa=$("$CTL" vhost list --json | jq -r '.ports[] | select(.ifname=="net1") | .port')
	pb=$("$CTL" vhost list --json | jq -r '.ports[] | select(.ifname=="net2") | .port')
	ofctl_pair br-int "$pa" "$pb"
	both ovs "$a,server" "$b,server"
	node_stop
}

loop() {
	fw_start "$BDIR" --vdev="net_vhost0,iface=$BDIR/l0.sock,queues=1" \
		--vdev="net_vhost1,iface=$BDIR/l1.sock,queues=1"
	for _ in $(seq 1 50); do [ -S "$BDIR/l1.sock" ] && break; sleep 0.2; done
	fw_cmd "start"
	both loop "$BDIR/l0.sock,client" "$BDIR/l1.sock,client"
	fw_stop
	rm -f "$BDIR/fw.in"
}

through_ovs
loop
lat() { jq '.latency_ns | with_entries(.value |= (if type == "number" then round else . end))' "$1"; }
res() { jq --arg n "$2" --argjson paced "$(lat "${1%.json}-paced.json")" --argjson steal "$(cat "$1.steal")" \
	'{($n + "_mpps"): (.ports[1].rx_pps / 1e6 * 1000 | round / 1000),
	($n + "_tx_mpps"): (.ports[0].tx_pps / 1e6 * 1000 | round / 1000),
	($n + "_latency_ns"): (.latency_ns | with_entries(.value |= (if type == "number" then round else . end))),
	($n + "_paced_latency_ns"): $paced, ($n + "_steal_pct"): $steal}' "$1"; }
json=$(jq -n --argjson size "$SIZE" --argjson secs "$SECS" --argjson o "$(res "$BDIR/ovs.json" ovs)" \
	--argjson l "$(res "$BDIR/loop.json" testpmd_loop)" --argjson m "$(machine_json)" \
	--argjson rate "$RATE" '{bench: "p2p", packet_size: $size, window_s: $secs, paced_pps: $rate} + $o + $l +
	 {ratio: ((if $l.testpmd_loop_mpps > 0 then $o.ovs_mpps / $l.testpmd_loop_mpps else 0 end) * 1000 | round / 1000),
	  machine: $m}')
echo "$json"
save_result p2p "$json"
q() { jq -r "$1" <<<"$json"; }
echo "p2p: OVS br-int $(q .ovs_mpps) Mpps (p50 $(q .ovs_latency_ns.p50) ns, p99 $(q .ovs_latency_ns.p99) ns; at $RATE pps p50 $(q .ovs_paced_latency_ns.p50) ns, p99 $(q .ovs_paced_latency_ns.p99) ns); testpmd loop $(q .testpmd_loop_mpps) Mpps (at $RATE pps p50 $(q .testpmd_loop_paced_latency_ns.p50) ns); ratio=$(q .ratio) (${SIZE}B; steal $(q .ovs_steal_pct) % / $(q .testpmd_loop_steal_pct) %)"
