#!/bin/bash
# A bonded uplink with a VLAN tag and OVN settings on real OVS-DPDK; then a
# changed config across a dpnoded restart applies just the difference.
. "$(dirname "$0")/lib.sh"

it_setup
# A second uplink leg: another veth into the same peer namespace.
VA2=${VA}2
VB2=${VB}2
ip link add "$VA2" type veth peer name "$VB2"
ip link set "$VB2" netns "$NS"
ip link set "$VA2" up
ip -n "$NS" link set "$VB2" up
trap 'ip link del "$VA2" 2>/dev/null; ip link del patch-foreign 2>/dev/null; it_cleanup' EXIT

write_config "$T/bond.json" ".uplink.ports = [
		{\"name\": \"dpdk0\", \"devargs\": \"net_af_packet0,iface=$VA\"},
		{\"name\": \"dpdk1\", \"devargs\": \"net_af_packet1,iface=$VA2\"}]
	| .uplink.bond = {\"name\": \"bond0\", \"mode\": \"balance-slb\"}
	| .uplink.vlan = 100 | .uplink.mtu = 1400
	| .ovn = {\"remote\": \"tcp:127.0.0.1:6642\", \"encap_type\": \"geneve\",
		\"remote_probe_interval_ms\": 30000, \"system_id\": \"node-a\"}
	| .ovs.other_config = {\"pmd-rxq-assign\": \"roundrobin\"}"
it_start "$T/bond.json"
it_wait_converged 90 || exit 1

check_eq "bond: port bond0 holds both legs" \
	"$(status_json | jq -c '[.bridges[] | select(.name=="br-phy") | .ports[] | select(.port=="bond0") | .name]')" \
	'["dpdk0","dpdk1"]'
check_eq "bond: bond_mode" "$(vsctl get Port bond0 bond_mode)" balance-slb
legs_up() { [ "$(status_json | jq -c '[.bridges[].ports[] | select(.port=="bond0") | .link_state]')" = '["up","up"]' ]; }
check "bond: both legs up" wait_until 60 legs_up
check_eq "vlan: tag on br-phy's internal port" "$(vsctl get Port br-phy tag)" 100
check_eq "mtu: requested on the legs" "$(vsctl get Interface dpdk1 mtu_request)" 1400
check_eq "mtu: applied by OVS on the legs" \
	"$(status_json | jq -c '[.bridges[].ports[] | select(.port=="bond0") | .mtu]')" '[1400,1400]'
check_eq "ovn: ovn-remote" "$(vsctl get Open_vSwitch . external_ids:ovn-remote)" '"tcp:127.0.0.1:6642"'
check_eq "ovn: ovn-encap-ip from uplink.encap_ip" "$(vsctl get Open_vSwitch . external_ids:ovn-encap-ip)" "\"$ENCAP_IP\""
check_eq "ovn: ovn-encap-type" "$(vsctl get Open_vSwitch . external_ids:ovn-encap-type)" geneve
check_eq "ovn: probe interval" "$(vsctl get Open_vSwitch . external_ids:ovn-remote-probe-interval)" '"30000"'
check_eq "ovn: system-id" "$(vget Open_vSwitch . external_ids:system-id)" node-a
check_eq "ovn: br-int is fail-mode secure under OVN" "$(vsctl get Bridge br-int fail_mode)" secure
check_eq "other_config passthrough" "$(vget Open_vSwitch . other_config:pmd-rxq-assign)" roundrobin
check_eq "other_config passthrough recorded" "$(vget Open_vSwitch . external_ids:dpnode-other-config)" pmd-rxq-assign

# Keys and ports of others must survive: what ovn-controller would add.
vsctl set Open_vSwitch . external_ids:hostname=node-a-host
vsctl add-port br-int patch-foreign -- set Interface patch-foreign type=internal
row0=$(vsctl get Interface dpdk0 _uuid)

# New config: no OVN, VLAN 200, active-backup. Restart dpnoded with it.
it_stop_dpnoded_keep_ovs() {
	kill -KILL "$DPNODED_PID"
	wait "$DPNODED_PID" 2>/dev/null
}
it_stop_dpnoded_keep_ovs
write_config "$T/bond2.json" ".uplink.ports = [
		{\"name\": \"dpdk0\", \"devargs\": \"net_af_packet0,iface=$VA\"},
		{\"name\": \"dpdk1\", \"devargs\": \"net_af_packet1,iface=$VA2\"}]
	| .uplink.bond = {\"name\": \"bond0\", \"mode\": \"active-backup\"}
	| .uplink.vlan = 200 | .uplink.mtu = 1400"
mark=$(wc -l <"$T/dpnoded.log")
it_start "$T/bond2.json"
it_wait_converged 30
check_eq "change: bond_mode updated" "$(vsctl get Port bond0 bond_mode)" active-backup
check_eq "change: tag updated" "$(vsctl get Port br-phy tag)" 200
check_eq "change: OVN keys dpnode managed are removed" \
	"$(vsctl get Open_vSwitch . external_ids | grep -c ovn-)" 0
check_eq "change: system-id no longer configured is left alone (not dpnode's to remove)" \
	"$(vget Open_vSwitch . external_ids:system-id)" node-a
check_eq "change: others' external_ids kept" "$(vget Open_vSwitch . external_ids:hostname)" node-a-host
check_eq "change: br-int back to standalone without OVN" "$(vsctl get Bridge br-int fail_mode)" standalone
check_eq "change: others' ports on br-int kept" "$(vsctl port-to-br patch-foreign)" br-int
check_eq "change: dpdk0 row kept (updated in place)" "$(vsctl get Interface dpdk0 _uuid)" "$row0"
check_eq "change: pmd-rxq-assign no longer configured: removed" \
	"$(vsctl get Open_vSwitch . other_config | grep -c pmd-rxq-assign)" 0
check_eq "change: its record removed too" \
	"$(vsctl get Open_vSwitch . external_ids | grep -c dpnode-other-config)" 0
ops=$(tail -n +$((mark + 1)) "$T/dpnoded.log" | grep -o 'applying [0-9]* OVSDB' | head -1)
echo "# restart with changed config: $ops"
check "change: applied in one transaction of few operations" \
	grep -qE 'applying [1-5] OVSDB' <<<"$ops"
