#!/bin/bash
# Bad input changes nothing: an invalid config makes dpnoded exit 2 naming each
# problem while the running node and its OVS stay as they are; a second
# dpnoded is refused; a DPDK that cannot start is reported with vswitchd's own
# log line.
. "$(dirname "$0")/lib.sh"

it_setup
it_start
it_wait_converged 90 || exit 1

before=$(ovsdb-client dump unix:$T/ovs/db.sock Open_vSwitch Bridge Port Interface _uuid name 2>/dev/null)
oc_before=$(vsctl get Open_vSwitch . other_config)
vs=$(pidfile_pid ovs-vswitchd)
t0=$(st .reconcile.transactions)

# Same node, broken config: a bad PCI address, a PMD core this machine lacks,
# a NUMA node it does not have, an unknown key.
write_config "$T/bad.json" '.uplink.ports[0] = {"name": "dpdk0", "pci": "0000:zz:00.0"}
	| .ovs.dpdk.pmd_cores = "1,999" | .ovs.dpdk.socket_mem = [512, 512] | .ovs.colour = "blue"'
out=$("$DPNODED" --config "$T/bad.json" --foreground 2>&1)
rc=$?
check_eq "invalid config: dpnoded exits 2" "$rc" 2
for want in 'uplink.ports\[0\].pci: "0000:zz:00.0" is not a PCI address (DDDD:BB:DD.F)' \
	'ovs.dpdk.pmd_cores: CPU 999 is not an online CPU of this machine' \
	'ovs.dpdk.socket_mem\[1\]: NUMA node 1 does not exist on this machine' \
	'ovs.colour: unknown key'; do
	check "invalid config: dpnoded names '${want%%:*}'" grep -q "$want" <<<"$out"
done
out=$("$CTL" config check "$T/bad.json")
check_eq "config check: exit 2" "$?" 2
check_eq "config check: one line per problem" "$(wc -l <<<"$out")" 4
"$CTL" config check "$T/node.json" >/dev/null
check_eq "config check: the good config exits 0" "$?" 0

check_eq "invalid config: OVS rows unchanged" \
	"$(ovsdb-client dump unix:$T/ovs/db.sock Open_vSwitch Bridge Port Interface _uuid name 2>/dev/null)" "$before"
check_eq "invalid config: other_config unchanged" "$(vsctl get Open_vSwitch . other_config)" "$oc_before"
check_eq "invalid config: ovs-vswitchd untouched" "$(pidfile_pid ovs-vswitchd)" "$vs"
check "invalid config: running dpnoded still answers" "$CTL" ping
check_eq "invalid config: running dpnoded sent nothing" "$(st .reconcile.transactions)" "$t0"

# A second daemon on the same node is refused before it touches anything.
"$DPNODED" --config "$T/node.json" --foreground >"$T/second.log" 2>&1
check_eq "second dpnoded: refused (exit 1)" "$?" 1
check "second dpnoded: says another one serves the socket" grep -q 'another dpnoded is serving it' "$T/second.log"
check "second dpnoded: first still answers" "$CTL" ping

# An uplink OVS cannot open: not converged, OVS's error in status.
it_stop_dpnoded
write_config "$T/nonic.json" '.uplink.ports[0].devargs = "net_af_packet0,iface=dpnit-nosuch"'
it_start "$T/nonic.json"
nic_err() { st '.reconcile.last_error // ""' | grep -q "br-phy dpdk0: .*dpnit-nosuch"; }
check "missing NIC: OVS's interface error reported" wait_until 20 nic_err
echo "# last_error: $(st .reconcile.last_error)"
check_eq "missing NIC: not converged" "$(st .reconcile.converged)" false
check_eq "missing NIC: the interface shows the error" \
	"$(st '.bridges[].ports[] | select(.name=="dpdk0") | .error != null')" true

# DPDK that cannot initialize: the error quotes ovs-vswitchd's log line.
it_stop_dpnoded
ip link del br-phy 2>/dev/null
rm -rf "$T/ovs" "$T/log"
write_config "$T/nodpdk.json" '.ovs.dpdk.extra_args = ["--no-pci", "--definitely-not-an-eal-option"]
	| .ovs.dpdk.init_timeout_s = 5'
it_start "$T/nodpdk.json"
failed() { [ "$(st '.ovs.dpdk_init_error != null')" = true ]; }
check "dpdk init failure: reported in status" wait_until 30 failed
err=$(st .ovs.dpdk_init_error)
echo "# dpdk_init_error: $err"
check "dpdk init failure: quotes the vswitchd log line" grep -qE '\|(ERR|EMER)\|' <<<"$err"
check "dpdk init failure: names the log file" grep -q "$T/log/ovs-vswitchd.log" <<<"$err"
check_eq "dpdk init failure: dpdk_initialized false" "$(st .dpdk_initialized)" false
check_eq "dpdk init failure: not converged" "$(st .reconcile.converged)" false
check "dpdk init failure: logged by dpnoded" grep -q 'DPDK' "$T/dpnoded.log"
check_eq "dpdk init failure: the ovs module is pending, with the reason" \
	"$(st '.modules.ovs.state + " " + (.modules.ovs.error | test("DPDK|dpdk|converging") | tostring)')" "pending true"

# A provisioning failure does not stop the node: it is the sriov module's
# outcome in status, logged once (it was logged twice before the module record).
cat >"$T/sriov.json" <<EOT
{"api": {"socket": "$T/sriov.sock"}, "ovs": {"mode": "none"},
 "sriov": {"pfs": [{"pf": "0000:ff:1f.7", "num_vfs": 2}]}}
EOT
DPNODE_SOCK=$T/sriov.sock "$DPNODED" --config "$T/sriov.json" --foreground >"$T/sriov.log" 2>&1 &
spid=$!
sctl() { "$CTL" --sock "$T/sriov.sock" "$@"; }
check "sriov failure: dpnoded serves anyway" wait_until 10 sctl ping
sst=$(sctl status --json)
check_eq "sriov failure: the sriov module is degraded" "$(jq -r .modules.sriov.state <<<"$sst")" degraded
check "sriov failure: the error names the PF" grep -q '0000:ff:1f.7' <<<"$(jq -r .modules.sriov.error <<<"$sst")"
check_eq "sriov failure: provisioning report in status" \
	"$(jq -c '.sriov.provisioning | [.ok, .changes, (.error | test("nothing was changed"))]' <<<"$sst")" '[false,0,true]'
check_eq "sriov failure: the ovs module says ovs.mode none" "$(jq -c .ovs <<<"$sst")" '{"mode":"none"}'
check_eq "sriov failure: vhost is disabled with the reason" "$(jq -r .modules.vhost.state <<<"$sst")" disabled
check_eq "sriov failure: logged once" "$(grep -c '0000:ff:1f.7' "$T/sriov.log")" 1
kill "$spid"
wait "$spid"
check_eq "sriov failure: dpnoded stops cleanly on SIGTERM" "$?" 0
