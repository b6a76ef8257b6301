#!/bin/bash
# vhost-user end to end: dpnode-cni ADD for two pods, two DPDK guests on the
# sockets, traffic both ways through br-int, recovery from kill -9 of
# ovs-vswitchd and of dpnoded, DEL cleaning up everything (twice).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/guest.sh"

CNI=$ROOT/$BUILD/cni/dpnode-cni
it_setup
trap 'guest_stop_all; it_cleanup' EXIT
reserve_hugepages 1024 || { notok "reserve hugepages"; exit 1; }
write_config "$T/node.json" ".hugepages.mb_per_numa = [2048]
	| .vhostuser = {\"socket_root\": \"$T/vs\", \"kubelet_dir\": \"$T/kubelet\",
		\"state_file\": \"$T/vhost.json\", \"group\": 107, \"mode\": \"0770\"}"
UID_A=aaaaaaaa-0000-4000-8000-00000000000a
UID_B=bbbbbbbb-0000-4000-8000-00000000000b
# Pod A has its emptyDir on this node (as kubelet makes it); pod B has none.
EMPTY_A=$T/kubelet/pods/$UID_A/volumes/kubernetes.io~empty-dir/vhostuser-sockets
mkdir -p "$EMPTY_A"
it_start
it_wait_converged 90 || exit 1

nad() {
	cat <<EOT
{"cniVersion": "1.1.0", "name": "ovn-dpdk", "type": "dpnode-cni",
 "server_socket": "$T/dpnoded.sock", "provider": "ovn-dpdk.default.ovn",
 "vhost_user_socket_volume_name": "vhostuser-sockets", "vhost_user_socket_name": "sock",
 "mtu": ${1:-1500}}
EOT
}
cni() { # COMMAND POD UID [mtu]
	nad "${4:-}" | CNI_COMMAND=$1 CNI_CONTAINERID=ctr-$2 CNI_NETNS=/var/run/netns/$2 CNI_IFNAME=net1 \
		CNI_PATH=/opt/cni/bin CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=$2;K8S_POD_UID=$3" \
		"$CNI"
}

out_a=$(cni ADD pod-a $UID_A)
check_eq "cni ADD pod-a: exit 0" "$?" 0
out_b=$(cni ADD pod-b $UID_B)
check_eq "cni ADD pod-b: exit 0" "$?" 0
SOCK_A=$(jq -r '.interfaces[0].socketPath' <<<"$out_a")
SOCK_B=$(jq -r '.interfaces[0].socketPath' <<<"$out_b")
check_eq "cni ADD: result socketPath" "$SOCK_A" "$T/vs/$UID_A/vhostuser-sockets/sock"
check "cni ADD: result has the MAC, dns empty" \
	[ "$(jq -c '[(.interfaces[0].mac | test("^[0-9a-f:]{17}$")), .dns]' <<<"$out_a")" = '[true,{}]' ]
PORT_A=$("$CTL" vhost list --pod-uid $UID_A --json | jq -r '.ports[0].port')
PORT_B=$("$CTL" vhost list --pod-uid $UID_B --json | jq -r '.ports[0].port')
check_eq "ovs: port type" "$(vget Interface "$PORT_A" type)" dpdkvhostuserclient
check_eq "ovs: vhost-server-path" "$(vget Interface "$PORT_A" options:vhost-server-path)" "$SOCK_A"
check_eq "ovs: on br-int" "$(vsctl port-to-br "$PORT_A")" br-int
check_eq "ovs: iface-id as Kube-OVN names it" "$(vget Interface "$PORT_A" external_ids:iface-id)" \
	pod-a.default.ovn-dpdk.default.ovn
check_eq "ovs: pod_name/pod_namespace" \
	"$(vget Interface "$PORT_A" external_ids:pod_name)/$(vget Interface "$PORT_A" external_ids:pod_namespace)" \
	pod-a/default
check_eq "ovs: attached-mac" "$(vget Interface "$PORT_A" external_ids:attached-mac)" \
	"$(jq -r '.interfaces[0].mac' <<<"$out_a")"
check_eq "ovs: mtu_request" "$(vget Interface "$PORT_A" mtu_request)" 1500
check_eq "ovs: dpnode-owner" "$(vget Port "$PORT_A" external_ids:dpnode-owner)" dpnoded
check_eq "dir: mode 0770 group 107, never world-writable" \
	"$(stat -c '%a %g' "$T/vs/$UID_A/vhostuser-sockets")" "770 107"
check "dir: pod-a's emptyDir bound onto its socket dir" mountpoint -q "$T/vs/$UID_A/vhostuser-sockets"
check "dir: pod-b (no emptyDir here) gets a plain dir" bash -c "[ -d '$T/vs/$UID_B/vhostuser-sockets' ] && ! mountpoint -q '$T/vs/$UID_B/vhostuser-sockets'"

# Guests (the kubelet path of an emptyDir is itself too long for a socket:
# that is why the short directory exists; a pod sees the volume at its mount).
guest_start ga "$SOCK_A"
guest_start gb "$SOCK_B"
links_up() {
	[ "$("$CTL" vhost list --json | jq -c '[.ports[].ovs.link_state] | unique')" = '["up"]' ]
}
check "guests connected: both vhost ports up in OVS" wait_until 60 links_up
check "dir: pod-a's socket lands in its emptyDir through the bind mount" [ -S "$EMPTY_A/sock" ]

# Traffic both ways: each guest sends, each counts what the other sent.
guest_send ga 4
guest_send gb 4
both_rx() { [ "$(guest_rx ga)" -gt 0 ] && [ "$(guest_rx gb)" -gt 0 ]; }
check "traffic: both guests receive through br-int" wait_until 60 both_rx
echo "# guest rx: ga=$(guest_rx ga) gb=$(guest_rx gb)"
ovs_counts() {
	[ "$(vget Interface "$PORT_A" statistics:rx_packets)" -gt 0 ] &&
		[ "$(vget Interface "$PORT_A" statistics:tx_packets)" -gt 0 ] &&
		[ "$(vget Interface "$PORT_B" statistics:rx_packets)" -gt 0 ] &&
		[ "$(vget Interface "$PORT_B" statistics:tx_packets)" -gt 0 ]
}
check "traffic: OVS counts rx and tx on both vhost ports" wait_until 60 ovs_counts

# kill -9 ovs-vswitchd: OVS reconnects to the guests' sockets by itself.
rx_a=$(guest_rx ga)
rx_b=$(guest_rx gb)
kill -KILL "$(pidfile_pid ovs-vswitchd)"
resumed() {
	guest_send ga 1
	guest_send gb 1
	sleep 0.3
	[ "$(guest_rx ga)" -gt "$rx_a" ] && [ "$(guest_rx gb)" -gt "$rx_b" ]
}
if ms=$(wait_until 60 resumed); then
	ok "kill -9 ovs-vswitchd: traffic resumes by itself in ${ms} ms"
else
	notok "kill -9 ovs-vswitchd: traffic did not resume within 60 s"
fi

# Same ADD again: no-op. Same pod and interface, other MTU: a named conflict.
row=$(vsctl get Interface "$PORT_A" _uuid)
cni ADD pod-a $UID_A >/dev/null
check_eq "cni ADD again: exit 0" "$?" 0
check_eq "cni ADD again: port untouched" "$(vsctl get Interface "$PORT_A" _uuid)" "$row"
out=$(cni ADD pod-a $UID_A 9000)
check_eq "conflicting ADD: exit 1" "$?" 1
check_eq "conflicting ADD: CNI error code 100" "$(jq .code <<<"$out")" 100
check "conflicting ADD: names the conflict" grep -q 'different mtu (has 1500, asked 9000)' <<<"$out"

# kill -9 dpnoded: the next one adopts the vhost ports from its state file.
kill -KILL "$DPNODED_PID"
wait "$DPNODED_PID" 2>/dev/null
it_start
it_wait_converged 30
check_eq "dpnoded restart: vhost port adopted (same row)" "$(vsctl get Interface "$PORT_A" _uuid)" "$row"
check_eq "dpnoded restart: both ports listed" "$("$CTL" vhost list --json | jq '.ports | length')" 2
rx_a=$(guest_rx ga)
check "dpnoded restart: traffic still flows" wait_until 60 resumed

nad | CNI_COMMAND=CHECK CNI_CONTAINERID=ctr-pod-a CNI_NETNS=/x CNI_IFNAME=net1 \
	CNI_ARGS="K8S_POD_NAMESPACE=default;K8S_POD_NAME=pod-a;K8S_POD_UID=$UID_A" "$CNI" >/dev/null
check_eq "cni CHECK: exit 0 while the port is up" "$?" 0

# DEL: port, mount and directory go; a second DEL succeeds.
guest_stop_all
cni DEL pod-a $UID_A
check_eq "cni DEL pod-a: exit 0" "$?" 0
gone_from_ovs() { ! vsctl list-ports br-int | grep -q "$PORT_A"; }
check "cni DEL: port removed from br-int" wait_until 30 gone_from_ovs
check "cni DEL: emptyDir unmounted" bash -c "! mountpoint -q '$T/vs/$UID_A/vhostuser-sockets'"
check "cni DEL: socket directory removed" [ ! -e "$T/vs/$UID_A" ]
check "cni DEL: the pod's emptyDir itself is kept (kubelet owns it)" [ -d "$EMPTY_A" ]
cni DEL pod-a $UID_A
check_eq "cni DEL again: exit 0" "$?" 0
out=$(nad | CNI_COMMAND=CHECK CNI_CONTAINERID=ctr-pod-a CNI_NETNS=/x CNI_IFNAME=net1 \
	CNI_ARGS="K8S_POD_NAMESPACE=default;K8S_POD_NAME=pod-a;K8S_POD_UID=$UID_A" "$CNI")
check_eq "cni CHECK after DEL: error code 102" "$(jq .code <<<"$out")" 102
cni DEL pod-b $UID_B
check "cni DEL pod-b: directory removed" [ ! -e "$T/vs/$UID_B" ]
check_eq "state file empty (snapshot and journal)" "$("$CTL" state "$T/vhost.json" | jq -c .ports)" '{}'

nad | CNI_COMMAND=STATUS "$CNI" >/dev/null
check_eq "cni STATUS: 0 while dpnoded is converged" "$?" 0
it_stop_dpnoded
out=$(nad | CNI_COMMAND=STATUS "$CNI")
check_eq "cni STATUS without dpnoded: code 50" "$(jq .code <<<"$out")" 50
out=$(cni ADD pod-c cccccccc-0000-4000-8000-00000000000c)
check_eq "cni ADD without dpnoded: code 11 (try again later)" "$(jq .code <<<"$out")" 11

out=$(echo '{"cniVersion": "1.0.0"}' | CNI_COMMAND=VERSION "$CNI")
check_eq "cni VERSION" "$(jq -c .supportedVersions <<<"$out")" '["0.3.1","0.4.0","1.0.0","1.1.0"]'
