#!/bin/bash
# The simulated node comes up under dpnoded with real OVS-DPDK: status,
# bridges, uplink, encap IP, PMD cores, hugepages; traffic crosses br-phy;
# a converged node sends no further transactions.
. "$(dirname "$0")/lib.sh"

it_setup
it_start
it_wait_converged 90 || exit 1

check_eq "status: dpdk_initialized is boolean true" "$(status_json | jq -c '.dpdk_initialized')" true
check_eq "status: config_applied" "$(st .config_applied)" true
check "status: dpdk_version names DPDK" grep -q '^DPDK ' <<<"$(st .dpdk_version)"
check "status: ovs-vswitchd pid is the pidfile's" [ "$(st .ovs.vswitchd.pid)" = "$(pidfile_pid ovs-vswitchd)" ]
check "status: ovsdb-server pid is the pidfile's" [ "$(st .ovs.ovsdb_server.pid)" = "$(pidfile_pid ovsdb-server)" ]
check_eq "status: PMD cores from pmd-rxq-show" "$(status_json | jq -c .pmd_cores)" "[1]"
check "status: 2M hugepages on node 0, requested 512 and obtained" \
	[ "$(st '.hugepages[] | select(.numa==0 and .size_kb==2048) | (.total >= .requested and .requested == 512)')" = true ]
check_eq "status: every module's outcome, in dependency order" \
	"$(status_json | jq -c '.modules | to_entries | sort_by(.value.order) | map([.key, .value.state])')" \
	'[["hugepages","ok"],["sriov","ok"],["ovs","ok"],["ovn","disabled"],["vhost","ok"],["vfport","ok"],["offload","ok"],["deviceplugin","disabled"],["metrics","ok"]]'
check "human status: one line of module outcomes in init order" \
	bash -c "'$CTL' status | grep -q '^modules: *hugepages ok, sriov ok, ovs ok, ovn disabled, vhost ok, vfport ok, offload ok, deviceplugin disabled, metrics ok$'"
check_eq "status: ovs depends on hugepages and sriov" "$(status_json | jq -c .modules.ovs.depends_on)" '["hugepages","sriov"]'
check_eq "status: a disabled module says why" "$(st .modules.deviceplugin.reason)" \
	"the device plugin is not enabled (no device_plugin section)"
check_eq "api: a disabled module's method answers with the reason" \
	"$("$CTL" call deviceplugin.status 2>&1)" \
	"dpnodectl: deviceplugin.status: the device plugin is not enabled (no device_plugin section)"
check_eq "status: bridges" "$(status_json | jq -c '[.bridges[].name]')" '["br-int","br-phy"]'
check_eq "status: uplink port" \
	"$(status_json | jq -c '.bridges[] | select(.name=="br-phy") | .ports[] | select(.name=="dpdk0") | [.type, .ofport, .admin_state, .link_state, .owned]')" \
	'["dpdk",1,"up","up",true]'
check "human status shows dpdk_initialized and the uplink" \
	bash -c "'$CTL' status | grep -q 'dpdk_initialized: true' && '$CTL' status | grep -q 'dpdk0 .*dpdk'"

# What OVS itself says (ovs-vsctl is fine in tests).
check_eq "ovsdb: br-phy datapath_type" "$(vsctl get Bridge br-phy datapath_type)" netdev
check_eq "ovsdb: br-phy fail_mode" "$(vsctl get Bridge br-phy fail_mode)" standalone
check_eq "ovsdb: br-int fail_mode without OVN" "$(vsctl get Bridge br-int fail_mode)" standalone
check_eq "ovsdb: dpdk0 devargs" "$(vsctl get Interface dpdk0 options:dpdk-devargs)" "\"net_af_packet0,iface=$VA\""
check_eq "ovsdb: dpnode owns dpdk0" "$(vsctl get Port dpdk0 external_ids:dpnode-owner | tr -d '"')" dpnoded
check_eq "ovsdb: dpdk-socket-mem" "$(vsctl get Open_vSwitch . other_config:dpdk-socket-mem)" '"512"'
check_eq "ovsdb: pmd-cpu-mask" "$(vsctl get Open_vSwitch . other_config:pmd-cpu-mask)" '"0x2"'
check_eq "ovsdb: dpdk-extra" "$(vsctl get Open_vSwitch . other_config:dpdk-extra)" '"--no-pci"'
check "netlink: encap IP on br-phy" bash -c "ip -br addr show br-phy | grep -q '$ENCAP_IP/24'"
check "netlink: br-phy is up" bash -c "ip -o link show br-phy | grep -q '<[^>]*,UP'"

# The datapath forwards: the namespace host pings the node's tunnel endpoint
# through veth -> net_af_packet -> br-phy (NORMAL) -> br-phy's tap and back.
check "traffic: peer host pings the encap IP through OVS-DPDK" \
	ip netns exec "$NS" ping -c 3 -i 0.2 -W 2 "$ENCAP_IP"
rx_ok() { [ "$(vsctl get Interface dpdk0 statistics:rx_packets)" -gt 0 ] && [ "$(vsctl get Interface dpdk0 statistics:tx_packets)" -gt 0 ]; }
check "traffic: dpdk0 rx and tx counters moved" wait_until 30 rx_ok

# Idempotent: a converged node sends nothing more, even when asked.
t1=$(st .reconcile.transactions)
u1=$(vsctl get Interface dpdk0 _uuid)
"$CTL" reconcile >/dev/null
sleep 3
check_eq "idempotent: no transaction after converging" "$(st .reconcile.transactions)" "$t1"
check_eq "idempotent: dpdk0 row untouched" "$(vsctl get Interface dpdk0 _uuid)" "$u1"

# SIGTERM with stop_on_exit stops OVS and removes the API socket.
vs=$(pidfile_pid ovs-vswitchd)
it_stop_dpnoded
check "SIGTERM: dpnoded stopped ovs-vswitchd (stop_on_exit)" bash -c "! kill -0 $vs 2>/dev/null"
check "SIGTERM: API socket removed" [ ! -e "$T/dpnoded.sock" ]
