#!/bin/bash
# dpnode-app macswap vs dpdk-testpmd macswap as the guest of the same PVP loop:
#   net_null (uplink) <-> testpmd io-fwd (CPU 1) <-> vhost-user <-> guest (CPU 0)
# Both guests are measured by the same instrument (the forwarder's counters of
# packets coming back from the guest), in alternating rounds. Target ratio >= 1.05.
. "$(dirname "$0")/lib.sh"

bench_begin 1024

fw_start "$BDIR" --vdev="net_null0,size=$SIZE" --vdev="net_vhost0,iface=$BDIR/vh.sock,queues=1"
for _ in $(seq 1 50); do [ -S "$BDIR/vh.sock" ] && break; sleep 0.2; done
fw_cmd "start"

guest() { # dpnode-app|testpmd
	if [ "$1" = dpnode-app ]; then
		taskset -c 0 "$APP" --no-env --devinfo-dir /nonexistent --network-status /nonexistent \
			--file-prefix dpnbenchg$$ --mem 256 --vhost "$BDIR/vh.sock,client" --engine macswap ${APP_ARGS:-} \
			--stats-period 0 >"$BDIR/guest.out" 2>&1 &
	else
		taskset -c 0 dpdk-testpmd --lcores 0@0,1@0 --no-pci --file-prefix=dpnbenchg$$ \
			--single-file-segments -m 256 --vdev="virtio_user0,path=$BDIR/vh.sock,server=0,queues=1" \
			-- --forward-mode=macswap --auto-start --stats-period 60 --total-num-mbufs=16384 \
			>"$BDIR/guest.out" 2>&1 </dev/null &
	fi
	GUEST=$!
}

measure() { # guest -> Mpps returned by the guest
	guest "$1"
	sleep 3 # connect and warm up
	local a b
	a=$(fw_rx 1)
	sleep "$SECS"
	b=$(fw_rx 1)
	kill -INT "$GUEST"
	for _ in $(seq 1 30); do kill -0 "$GUEST" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$GUEST" 2>/dev/null
	wait "$GUEST" 2>/dev/null
	GUEST=
	rm -f /dev/hugepages/dpnbenchg$$* 2>/dev/null
	awk -v a="$a" -v b="$b" -v s="$SECS" 'BEGIN {printf "%.3f", (b - a) / s / 1e6}'
}

app=()
tpmd=()
for r in $(seq 1 "$ROUNDS"); do
	app+=("$(measure dpnode-app)")
	tpmd+=("$(measure testpmd)")
	echo "round $r: dpnode-app ${app[-1]} Mpps, testpmd ${tpmd[-1]} Mpps" >&2
done
ma=$(median "${app[@]}")
mt=$(median "${tpmd[@]}")
r=$(ratio "$ma" "$mt")
json=$(jq -n --argjson size "$SIZE" --argjson secs "$SECS" --argjson a "$(printf '%s\n' "${app[@]}" | jq -s .)" \
	--argjson t "$(printf '%s\n' "${tpmd[@]}" | jq -s .)" --argjson ma "$ma" --argjson mt "$mt" \
	--argjson r "$r" --argjson m "$(machine_json)" \
	'{bench: "app", packet_size: $size, window_s: $secs, dpnode_app_mpps: $a, testpmd_mpps: $t,
	  dpnode_app_mpps_median: $ma, testpmd_mpps_median: $mt, ratio: $r, target: 1.05, machine: $m}')
echo "$json"
save_result app "$json"
echo "app: dpnode-app $ma Mpps, testpmd $mt Mpps, ratio=$r (target >= 1.05, ${SIZE}B)"
