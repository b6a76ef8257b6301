#!/bin/bash
# OVS's hw-offload reaches a running ovs-vswitchd: dpnoded records what it
# started vswitchd with, and a dpnoded whose config now asks for hw-offload
# restarts vswitchd as a planned restart (flow-restore-wait) instead of
# leaving it without. And the config refuses TC offload on a legacy e-switch.
. "$(dirname "$0")/lib.sh"

it_setup
write_config "$T/off.json" '.ovs.stop_on_exit = false'
it_start "$T/off.json"
it_wait_converged 90 || exit 1
vs1=$(pidfile_pid ovs-vswitchd)
check_eq "hw-offload off: the running vswitchd started without it" "$("$CTL" offload --json | jq -r .ovs.running)" false
check_eq "hw-offload off: recorded with vswitchd's pid" \
	"$(vget Open_vSwitch . external_ids:dpnode-vswitchd-startup | cut -d' ' -f1)" "$vs1"
it_stop_dpnoded
check "dpnoded gone, vswitchd stays (stop_on_exit false)" alive "$vs1"

write_config "$T/on.json" '.ovs.stop_on_exit = false | .ovs.hw_offload = true'
t0=$(date +%s%N)
it_start "$T/on.json"
restarted() { [ "$(st .ovs.planned_restart.done)" = 1 ] && [ "$(st .ovs.planned_restart.state)" = none ]; }
if ms=$(wait_until 90 restarted); then ok "hw-offload on: a planned restart applied it (${ms} ms)"; else
	notok "hw-offload on: a planned restart applied it ($(st .ovs.planned_restart | tr -d '\n'))"; fi
vs2=$(pidfile_pid ovs-vswitchd)
check "hw-offload on: a new ovs-vswitchd" [ -n "$vs2" ] && [ "$vs2" != "$vs1" ]
check_eq "hw-offload on: in the database" "$(vget Open_vSwitch . other_config:hw-offload)" true
check_eq "hw-offload on: the running vswitchd has it" "$("$CTL" offload --json | jq -r .ovs.running)" true
check "hw-offload on: vswitchd said so (Flow API Enabled)" grep -q "Flow API Enabled" "$T/log/ovs-vswitchd.log"
check_eq "flow-restore-wait cleared" "$(vsctl get Open_vSwitch . other_config:flow-restore-wait 2>/dev/null)" ""
echo "# config change to hw-offload applied in $((($(date +%s%N) - t0) / 1000000)) ms"
it_stop_dpnoded
it_start "$T/on.json"
it_wait_converged 90 >/dev/null
sleep 3
check_eq "restart with the same config: no further vswitchd restart" "$(pidfile_pid ovs-vswitchd)" "$vs2"
it_stop_dpnoded
kill -TERM "$(pidfile_pid ovs-vswitchd)" "$(pidfile_pid ovsdb-server)" 2>/dev/null

# TC offload belongs to a switchdev e-switch
echo '{"sriov": {"pfs": [{"pf": "0000:3b:00.0", "num_vfs": 2, "eswitch": "legacy", "hw_tc_offload": true}]}}' >"$T/bad.json"
out=$("$CTL" config check "$T/bad.json" 2>&1)
check_eq "config: hw_tc_offload on a legacy PF is an error (exit 2)" "$?" 2
check "config: naming the PF and what it needs" \
	grep -q 'sriov.pfs\[0\].hw_tc_offload: true needs "eswitch": "switchdev" (PF 0000:3b:00.0 is legacy)' <<<"$out"
