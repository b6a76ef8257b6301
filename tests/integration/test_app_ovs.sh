#!/bin/bash
# dpnode-app as a pod's app on two vhost-user ports from dpnoded, through
# OVS-DPDK (txonly on one, rxonly on the other), and kill -9 ovs-vswitchd in
# the middle of the run: the app must see its links go down and up, take
# OVS's reconnection (virtio_user in server mode only does so through the
# link interrupt), keep forwarding, and neither die of SIGPIPE nor lose its
# stats.
. "$(dirname "$0")/lib.sh"

APP=$ROOT/$BUILD/dpdk-app/dpnode-app
it_setup
APID=
trap '[ -n "$APID" ] && kill -KILL "$APID" 2>/dev/null; rm -f /dev/hugepages/dpnit$$app*; it_cleanup' EXIT
reserve_hugepages 1024 || { notok "reserve hugepages"; exit 1; }
write_config "$T/node.json" ".hugepages.mb_per_numa = [2048]
	| .vhostuser = {\"socket_root\": \"$T/vs\", \"state_file\": \"$T/vhost.json\"}"
it_start
it_wait_converged 90 || exit 1

add() { # pod-uid ifname -> socket path
	"$CTL" vhost add --pod-uid "$1" --namespace test --pod "app-$2" --ifname "$2" --volume v \
		--socket-name "$2" --json | jq -r .socket_path
}
SA=$(add aaaaaaaa-0000-4000-8000-0000000000e1 net1)
SB=$(add bbbbbbbb-0000-4000-8000-0000000000e2 net2)
check "two vhost-user sockets from dpnoded" [ -n "$SA" ] && [ -n "$SB" ]

taskset -c 0 "$APP" --no-env --devinfo-dir /nonexistent --network-status /nonexistent \
	--file-prefix "dpnit$$app" --mem 256 --duration 120 --stats-period 1 --rate 50000 \
	--stats-json "$T/app.json" --vhost "$SA,server" --vhost "$SB,server" \
	--engine txonly,rxonly >"$T/app.out" 2>&1 &
APID=$!

# rx of the rxonly port in the app's latest stats line
rx_lines() { grep -c 'port 1 rxonly' "$T/app.out"; }
last_rx() { grep 'port 1 rxonly' "$T/app.out" | tail -1 | awk '{print $6}'; }
flowing() { [ "$(last_rx)" -gt 0 ]; }
check "traffic: pod port to pod port through br-int" wait_until 20 flowing

kill -KILL "$(pidfile_pid ovs-vswitchd)"
link_down() { [ "$(grep -c 'link down' "$T/app.out")" -ge 2 ]; }
check "kill -9 ovs-vswitchd: the app sees both links go down" wait_until 20 link_down
# the first stats line printed after that counts everything sent before
n=$(rx_lines)
next_line() { [ "$(rx_lines)" -gt "$n" ]; }
wait_until 3 next_line >/dev/null
before=$(last_rx)
resumed() { [ "$(last_rx)" -gt "$before" ]; }
if ms=$(wait_until 40 resumed); then
	ok "kill -9 ovs-vswitchd: traffic resumes by itself (seen within ${ms} ms)"
else
	notok "kill -9 ovs-vswitchd: traffic did not resume within 40 s"
fi
check "links up again on both ports" bash -c "[ \$(grep -c 'link up' '$T/app.out') -ge 2 ]"

# stopped as a pod is (its run would go on for two minutes), through the
# sockets the restart left behind
kill -TERM "$APID"
wait "$APID"
rc=$?
APID=
check_eq "SIGTERM after the OVS restart: the app exits 0 (no SIGPIPE)" "$rc" 0
check "stats JSON: both ports counted one link-down" \
	jq -e '[.ports[].link_downs] == [1, 1]' "$T/app.json"
check "stats JSON: rxonly received after the restart too" \
	jq -e --argjson b "$before" '.ports[1].rx_packets > $b' "$T/app.json"
[ "$N_FAIL" -eq 0 ] || grep -v 'only  rx' "$T/app.out" | tail -20
