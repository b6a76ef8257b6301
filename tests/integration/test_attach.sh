#!/bin/bash
# Attach mode: OVS-DPDK started by someone else (as Kube-OVN's start script
# does, bridges made with ovs-vsctl). dpnoded adopts those bridges without
# re-creating them, adds what is missing, never starts or stops OVS.
. "$(dirname "$0")/lib.sh"

it_setup
ovs_attach_start
# The way Kube-OVN's script builds br-phy:
vsctl add-br br-phy -- set Bridge br-phy datapath_type=netdev fail-mode=standalone \
	-- add-port br-phy dpdk0 -- set Interface dpdk0 type=dpdk options:dpdk-devargs=net_af_packet0,iface=$VA
vs=$(pidfile_pid ovs-vswitchd)
br=$(vsctl get Bridge br-phy _uuid)
row=$(vsctl get Interface dpdk0 _uuid)

write_config "$T/attach.json" '.ovs.mode = "attach" | del(.ovs.stop_on_exit) | del(.hugepages)'
it_start "$T/attach.json"
it_wait_converged 60 || exit 1

check_eq "attach: status mode" "$(st .ovs.mode)" attach
check_eq "attach: reports the running vswitchd" "$(st .ovs.vswitchd.pid)" "$vs"
check_eq "attach: br-phy adopted, not re-created" "$(vsctl get Bridge br-phy _uuid)" "$br"
check_eq "attach: dpdk0 adopted, not re-created" "$(vsctl get Interface dpdk0 _uuid)" "$row"
check_eq "attach: dpdk0 now carries dpnode's mark" "$(vget Port dpdk0 external_ids:dpnode-owner)" dpnoded
check_eq "attach: br-int added" "$(vget Bridge br-int datapath_type)" netdev
check "attach: encap IP set on br-phy" bash -c "ip -br addr show br-phy | grep -q $ENCAP_IP/24"
check "attach: traffic" ip netns exec "$NS" ping -c 2 -W 2 "$ENCAP_IP"

it_stop_dpnoded
check_eq "attach: dpnoded exit leaves ovs-vswitchd running" "$(alive "$vs" && echo yes)" yes
check_eq "attach: and its bridges" "$(vsctl get Bridge br-phy _uuid)" "$br"

# In attach mode dpnoded never starts OVS: kill vswitchd, dpnoded waits.
kill -KILL "$vs"
it_start "$T/attach.json"
sleep 4
check_eq "attach: no vswitchd started by dpnoded" "$(st .ovs.vswitchd.pid)" null
check_eq "attach: not converged without vswitchd" "$(st .reconcile.converged)" false
it_stop_dpnoded
kill -KILL "$(pidfile_pid ovsdb-server)" 2>/dev/null
