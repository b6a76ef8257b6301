#!/bin/bash
# dpnode-app: txonly -> testpmd net_vhost loop -> rxonly counts exactly what it
# sent; --print-eal for a PCI + vhost mix from every discovery source; clean
# SIGTERM; startup errors that name what is wrong.
. "$(dirname "$0")/lib.sh"

APP=$ROOT/$BUILD/dpdk-app/dpnode-app
FIX=$ROOT/tests/fixtures/app
T=$(mktemp -d /tmp/dpnit.XXXXXX)
FW=
cleanup() {
	[ -n "$FW" ] && { echo quit >&8; sleep 0.5; kill -KILL "$FW" 2>/dev/null; wait "$FW" 2>/dev/null; }
	rm -f /dev/hugepages/dpnitfw$$* /dev/hugepages/dpnitapp$$* 2>/dev/null
	rm -rf "$T"
	exit $((N_FAIL > 0))
}
trap cleanup EXIT
reserve_hugepages 512 || { notok "reserve hugepages"; exit 1; }
quiet_app() { "$APP" --no-env --devinfo-dir /nonexistent --network-status /nonexistent "$@"; }

# The loop: testpmd with two vhost-user servers, io forwarding with retry,
# on CPU 1; dpnode-app on CPU 0.
mkfifo "$T/fw.in"
exec 8<>"$T/fw.in"
stdbuf -oL dpdk-testpmd --lcores 0@1,1@1 --no-pci --file-prefix=dpnitfw$$ --single-file-segments \
	-m 256 --vdev=net_vhost0,iface=$T/v0.sock,queues=1 --vdev=net_vhost1,iface=$T/v1.sock,queues=1 \
	-- -i --forward-mode=io --total-num-mbufs=16384 <"$T/fw.in" >"$T/fw.out" 2>&1 &
FW=$!
socks() { [ -S "$T/v0.sock" ] && [ -S "$T/v1.sock" ]; }
check "testpmd loop up" wait_until 20 socks
echo "set fwd io retry" >&8
# Retry for up to a second (default: 64 x 1 us): on a shared VM the receiving
# app can be off its vCPU for longer, and the count must stay exact.
echo "set burst tx delay 10 retry 100000" >&8
echo "start" >&8

taskset -c 0 "$APP" --no-env --devinfo-dir /nonexistent --network-status /nonexistent \
	--file-prefix dpnitapp$$ --mem 256 --vhost "$T/v0.sock,client" --vhost "$T/v1.sock,client" \
	--engine txonly,rxonly --tx-packets 1000000 --rate 2000000 --quiesce-ms 1000 \
	--stats-period 0 --stats-json "$T/s.json" >"$T/app.out" 2>&1
check_eq "txonly->rxonly: exit 0" "$?" 0
check_eq "txonly: sent exactly the budget" "$(jq '.ports[0].tx_packets' "$T/s.json")" 1000000
check_eq "rxonly: received every packet sent" "$(jq '.ports[1].rx_packets' "$T/s.json")" 1000000
check_eq "engines per port" "$(jq -c '[.ports[].engine]' "$T/s.json")" '["txonly","rxonly"]'
check_eq "no drops, no errors" "$(jq '[.ports[] | .rx_dropped + .tx_dropped + .rx_errors + .tx_errors] | add' "$T/s.json")" 0
check_eq "latency: one sample per packet" "$(jq '.latency_ns.samples' "$T/s.json")" 1000000
check "latency: ordered percentiles" \
	[ "$(jq '.latency_ns | (.min <= .p50 and .p50 <= .p90 and .p90 <= .p99 and .p99 <= .max and .p50 > 0)' "$T/s.json")" = true ]
echo "# $(jq -c '{tx_pps: .ports[0].tx_pps, latency_ns}' "$T/s.json")"

# Clean shutdown: SIGTERM stops ports and writes the stats.
taskset -c 0 "$APP" --no-env --devinfo-dir /nonexistent --network-status /nonexistent \
	--file-prefix dpnitapp$$ --mem 256 --vhost "$T/v0.sock,client" --engine rxonly \
	--stats-period 0 --stats-json "$T/term.json" >"$T/term.out" 2>&1 &
app=$!
sleep 3
kill -TERM "$app"
wait "$app"
check_eq "SIGTERM: exit 0" "$?" 0
check "SIGTERM: stats written" jq -e '.ports[0].engine == "rxonly"' "$T/term.json"

# --print-eal from every source at once: env, device-info files, network-status, options.
mkdir -p "$T/vh"
out=$(env PCIDEVICE_MELLANOX_COM_CX5_SRIOV_SWITCHDEV=0000:3b:02.0 "$APP" --print-eal \
	--sysfs-root "$FIX/sysfs" --cgroup-root "$FIX/cgroup" --devinfo-dir "$FIX/devinfo/dp" \
	--network-status /nonexistent --file-prefix pod1 --vhost "$T/vh/sock,server,queues=2")
check_eq "--print-eal: exit 0" "$?" 0
check_eq "--print-eal: PCI + vhost mix" "$out" \
	"dpnode-app -l 0 --file-prefix=pod1 --single-file-segments -m 256 --vdev=virtio_user0,path=$T/vh/sock,server=1,queues=2,packed_vq=1 -a 0000:3b:02.0"

# Errors name what is wrong and exit non-zero before touching anything.
out=$("$APP" --print-eal --no-env --sysfs-root "$FIX/sysfs" --cgroup-root "$FIX/cgroup" \
	--devinfo-dir "$FIX/devinfo" --network-status /nonexistent 2>&1)
check_eq "device-info naming an absent socket dir: exit 2" "$?" 2
check "device-info naming an absent socket dir: file and path named" \
	grep -q 'devinfo/cni/net1.json: directory of vhost-user socket /var/run/vhostuser/sock does not exist' <<<"$out"
out=$(quiet_app --vhost "$T/nope.sock,client" --print-eal 2>&1)
check_eq "missing socket: exit 2" "$?" 2
check "missing socket: named" grep -q "vhost-user socket $T/nope.sock does not exist" <<<"$out"
out=$(quiet_app --print-eal 2>&1)
check_eq "no device: exit 2" "$?" 2
out=$(quiet_app --vhost "$T/v0.sock,client" --engine fastest --file-prefix dpnitapp$$ --mem 256 2>&1)
check_eq "bad engine: exit 2" "$?" 2
check "bad engine: named" grep -q '"fastest" is not one of' <<<"$out"
out=$(quiet_app --vhost "$T/vh/x.sock,server" --file-prefix dpnitapp$$ --mem 100000 2>&1)
check_eq "EAL failure: exit 1" "$?" 1
check "EAL failure: DPDK's error text" grep -q 'EAL init failed: ' <<<"$out"
