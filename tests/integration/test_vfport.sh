#!/bin/bash
# SR-IOV VF pods on the sysfs layouts of the vendors' NICs (umockdev) with
# real OVS-DPDK and real OVN. Each VF and its representor are the two ends
# of one veth pair named as the testbed says: what the VF sends comes out of
# the representor, as on the NIC. dpnoded runs under umockdev in attach mode
# (OVS-DPDK, started here, must see the real /sys).
. "$(dirname "$0")/lib.sh"

CNI=$ROOT/$BUILD/cni/dpnode-cni
FIX=$ROOT/tests/fixtures/sriov
export DPNODE_NIC_TABLE=$ROOT/conf/nics.json
it_setup
LINKS=()
cleanup_links() { for l in "${LINKS[@]}"; do ip link del "$l" 2>/dev/null; done; for n in pod-a pod-b pod-c; do ip netns del $n 2>/dev/null; done; }
trap 'cleanup_links; it_cleanup' EXIT
pair() { ip link add "$1" type veth peer name "$2" && LINKS+=("$1" "$2") && ip link set "$2" up; }

ovs_attach_start other_config:hw-offload=true
ovn_central_start || { notok "OVN central started"; exit 1; }
nbctl ls-add ls1
lsp_add ls1 pod-a.default "0a:00:00:00:00:0a 10.16.0.10"
lsp_add ls1 pod-b.default "0a:00:00:00:00:0b 10.16.0.11"
lsp_add ls1 pod-c.default "0a:00:00:00:00:0c 10.16.0.12"
mkdir -p /var/run/ovn
MPORT=$((20000 + $$ % 20000))

write_config "$T/vf.json" ".ovs.mode = \"attach\" | .ovs.hw_offload = true | del(.ovs.stop_on_exit) | del(.hugepages) | del(.uplink)
	| .sriov = {\"vf_state_file\": \"$T/vf-ports.json\"}
	| .vhostuser = {\"socket_root\": \"$T/vs\", \"kubelet_dir\": \"$T/kubelet\", \"state_file\": \"$T/vhost.json\"}
	| .device_plugin = {\"plugin_dir\": \"$T/dp\", \"state_file\": \"$T/alloc.json\"}
	| .metrics = {\"listen\": \"127.0.0.1:$MPORT\", \"interval_s\": 1}
	| .ovn = {\"remote\": \"$OVN_SB\", \"encap_ip\": \"198.18.0.1\", \"system_id\": \"node-vf\",
		\"run_dir\": \"$T/ovn\", \"bind_timeout_s\": 6}"
start_on() { # TESTBED
	umockdev-run --device "$FIX/$1.umockdev" -- "$DPNODED" --config "$T/vf.json" --foreground >>"$T/dpnoded.log" 2>&1 &
	DPNODED_PID=$!
}
bound() { [ "$(sbctl --bare --columns=chassis find Port_Binding logical_port="$1")" != "" ]; }
RES=corigine.com/agilio_sriov # the NIC table's default pool (no device_plugin resources)
nad() { # POD DEVICE IP
	cat <<EOT
{"cniVersion": "1.0.0", "name": "sriov-ovn", "type": "dpnode-cni", "server_socket": "$T/dpnoded.sock",
 "deviceID": "$2", "resourceName": "$RES", "mtu": 1400, "runtimeConfig": {"ips": ["$3/24"]}}
EOT
}
cni() { # COMMAND POD DEVICE IP
	nad "$2" "$3" "$4" | CNI_COMMAND=$1 CNI_CONTAINERID=ctr-$2 CNI_NETNS=/var/run/netns/$2 CNI_IFNAME=net1 \
		CNI_PATH=/opt/cni/bin CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=$2;K8S_POD_UID=uid-$2" \
		"$CNI"
}

# --- Corigine: kernel representors (nfpNrepM), kernel VF netdevs ---------
pair ens3f0np0 ens3f0np0p && pair ens4f0np1 ens4f0np1p # PF netdevs (no VF ops)
pair ens3f0v0 nfp0rep0 && pair ens4f0v1 nfp1rep1      # VF <-> its representor
ip netns add pod-a && ip netns add pod-b
mac_before=$(cat /sys/class/net/ens3f0v0/address)
start_on corigine
it_wait_converged 90 || exit 1
# attach mode: ovn-controller is the node's own (Kube-OVN's ovs-ovn pod), not
# dpnoded's; dpnoded set the Open_vSwitch keys it reads
mkdir -p "$T/ovn"
OVS_RUNDIR=$T/ovs OVN_RUNDIR=$T/ovn ovn-controller unix:$T/ovs/db.sock --pidfile="$T/ovn/ovn-controller.pid" \
	--log-file="$T/ovn/ovn-controller.log" --detach --no-chdir
ovn_ok() { [ "$(st .modules.ovn.state)" = ok ]; }
if ! wait_until 60 ovn_ok >/dev/null; then
	notok "ovn: chassis registered: $(st .modules.ovn.error)"
	ls "$T/ovn" | sed 's/^/# /'; tail -20 "$T"/ovn/*.log | sed 's/^/# /'; st .ovn | sed 's/^/# /'
	exit 1
fi
check_eq "vfport: module ok" "$(st .modules.vfport.state)" ok

t0=$(date +%s%N)
out=$(cni ADD pod-a 0000:3b:02.0 10.16.0.10)
check_eq "ADD pod-a (VF 0000:3b:02.0): exit 0" "$?" 0
echo "# VF ADD (OVN, ovn-installed): $((($(date +%s%N) - t0) / 1000000)) ms"
out_b=$(cni ADD pod-b 0000:3b:0a.1 10.16.0.11)
check_eq "ADD pod-b (VF 0000:3b:0a.1, second PF): exit 0" "$?" 0
check_eq "ADD: OVN's MAC in the result" "$(jq -r '.interfaces[0].mac' <<<"$out")" 0a:00:00:00:00:0a
check_eq "ADD: the interface is in the pod's sandbox" "$(jq -r '.interfaces[0].sandbox' <<<"$out")" /var/run/netns/pod-a
check_eq "ADD: OVN's IP with the asked prefix" "$(jq -c '[.ips[].address]' <<<"$out")" '["10.16.0.10/24"]'
check "pod-a: the VF netdev is net1 in the pod" ip -n pod-a link show net1
check_eq "pod-a: gone from the host" "$(ip link show ens3f0v0 2>/dev/null | wc -l)" 0
check_eq "pod-a: net1 has OVN's MAC" "$(ip netns exec pod-a cat /sys/class/net/net1/address)" 0a:00:00:00:00:0a
check_eq "pod-a: net1 MTU from the config" "$(ip netns exec pod-a cat /sys/class/net/net1/mtu)" 1400
check "pod-a: net1 has 10.16.0.10/24 and is up" bash -c "ip -n pod-a -br addr show net1 | grep -q 'UP.*10.16.0.10/24'"
check_eq "ovs: the representor nfp0rep0 is a system port on br-int" "$(vsctl get Interface nfp0rep0 type)" system
check_eq "ovs: iface-id" "$(vget Interface nfp0rep0 external_ids:iface-id)" pod-a.default
check_eq "ovs: attached-mac is OVN's" "$(vget Interface nfp0rep0 external_ids:attached-mac)" 0a:00:00:00:00:0a
check_eq "ovs: pod_netns" "$(vget Interface nfp0rep0 external_ids:pod_netns)" /var/run/netns/pod-a
check_eq "ovs: mtu_request" "$(vsctl get Interface nfp0rep0 mtu_request)" 1400
check_eq "ovs: ovn-installed when ADD returned" "$(vget Interface nfp0rep0 external_ids:ovn-installed)" true
check "sb: pod-a bound to this chassis" bound pod-a.default
check "sb: pod-b bound to this chassis" bound pod-b.default
check "traffic: pod-a pings pod-b through OVN (VF -> representor -> br-int -> representor -> VF)" \
	ip netns exec pod-a ping -c 3 -W 2 10.16.0.11
check_eq "list: PF settings honestly not applied (the stand-in PF has no VF ops)" \
	"$("$CTL" call vf.list | jq -r '.ports[] | select(.iface_id=="pod-a.default") | .pf_settings' | cut -c1-13)" "not applied: "
# hardware offload: what stands in its way here, said per PF and per port
off() { "$CTL" offload --json | jq -c "$1"; }
check_eq "offload: both Corigine PFs listed" "$(off '[.pfs[].pci]')" '["0000:3b:00.0","0000:3b:00.1"]'
check_eq "offload: Debian's DPDK has the nfp PMD" "$(off '[.pfs[].dpdk_pmd.found] | unique')" '[true]'
check_eq "offload: not ready, and why (no devlink e-switch, hw-tc-offload off on the PF)" \
	"$(off '.pfs[0].not_ready_because')" \
	'["eswitch is unknown (no devlink): representors need switchdev","hw-tc-offload is off on ens3f0np0: TC cannot offload the representors'"'"' flows"]'
check_eq "offload: attach mode cannot know what vswitchd started with" "$(off '.ovs.running')" null
has_warn() { "$CTL" offload --json | jq -e '.warnings | map(select(test("nfp0rep0 .VF 0000:3b:02.0. carries traffic .* none of its datapath flows is offloaded"))) | length == 1' >/dev/null; }
wait_until 15 has_warn >/dev/null
check "offload: a representor with traffic and no offloaded flow is a warning" has_warn
check_eq "offload: per representor, 0 offloaded flows" "$(off '[.ports[] | select(.port == "nfp0rep0") | .offloaded_flows]')" '[0]'
check_eq "offload: the module says degraded, naming the first reason" "$(st .modules.offload.state)" degraded
metric() { curl -s "http://127.0.0.1:$MPORT/metrics" | grep -E "^$1( |\{)"; }
vf_metric() { metric dpnode_vf_attachments | grep -qx 'dpnode_vf_attachments 2'; }
wait_until 10 vf_metric >/dev/null
check "metrics: dpnode_vf_attachments 2" vf_metric
check "metrics: a representor's offloaded flows, by port and VF" \
	bash -c "curl -s http://127.0.0.1:$MPORT/metrics | grep -qx 'dpnode_representor_offloaded_flows{port=\"nfp0rep0\",vf=\"0000:3b:02.0\"} 0'"
echo "# $("$CTL" offload | head -3 | tr '\n' '|')"
echo "# offload-stats-show: $(ovs-appctl -t "$(ls "$T"/ovs/ovs-vswitchd*.ctl | head -1)" dpif-netdev/offload-stats-show | tr '\n' '|')"
echo "# dump-flows: $(ovs-appctl -t "$(ls "$T"/ovs/ovs-vswitchd*.ctl | head -1)" dpctl/dump-flows --names | head -2 | tr '\n' '|')"
again=$(cni ADD pod-a 0000:3b:02.0 10.16.0.10)
check_eq "ADD again: same answer" "$(jq -r '.interfaces[0].mac' <<<"$again")" 0a:00:00:00:00:0a
cni CHECK pod-a 0000:3b:02.0 10.16.0.10 >/dev/null
check_eq "CHECK pod-a: 0" "$?" 0

# bad input: nothing half-made
bad=$(cni ADD pod-c 0000:3b:07.0 10.16.0.12)
check "unknown deviceID: refused naming it" bash -c "jq -e '.code == 100 and (.details | test(\"0000:3b:07.0 is not a VF on this node\"))' <<<'$bad' >/dev/null"
bad=$(cni ADD pod-c 0000:3b:00.0 10.16.0.12)
check "a PF as deviceID: refused naming it" bash -c "jq -e '.details | test(\"0000:3b:00.0 is a PF\")' <<<'$bad' >/dev/null"
bad=$(cni ADD pod-c 0000:3b:0a.1 10.16.0.12)
check "a VF given to another pod: refused naming it" bash -c "jq -e '.details | test(\"already given to pod default/pod-b\")' <<<'$bad' >/dev/null"
bad=$(RES=mellanox.com/cx5_sriov_switchdev cni ADD pod-c 0000:3b:02.1 10.16.0.12)
check "a VF of another pool: refused naming both" bash -c "jq -e '.details | test(\"VF 0000:3b:02.1 is of pool corigine.com/agilio_sriov, the network asks for mellanox.com/cx5_sriov_switchdev\")' <<<'$bad' >/dev/null"
ip netns add pod-c
bad=$(cni ADD pod-c 0000:3b:02.1 10.16.0.12)
check "vfio VF with a PF that cannot set VF MACs: refused naming the PF" bash -c "jq -e '.details | test(\"PF ens3f0np0: cannot set VF 1\")' <<<'$bad' >/dev/null"
check_eq "bad input: no port left behind" "$("$CTL" call vf.list | jq '.ports | length')" 2

# dpnoded restart between ADD and DEL
it_stop_dpnoded
start_on corigine
it_wait_converged 90 || exit 1
check_eq "restart: both attachments adopted" "$("$CTL" call vf.list | jq '.ports | length')" 2
check_eq "restart: the representor port kept" "$(vget Interface nfp0rep0 external_ids:iface-id)" pod-a.default

t0=$(date +%s%N)
cni DEL pod-a 0000:3b:02.0 10.16.0.10
check_eq "DEL pod-a: exit 0" "$?" 0
echo "# VF DEL: $((($(date +%s%N) - t0) / 1000000)) ms"
check "DEL: the VF netdev is back in the host as ens3f0v0" ip link show ens3f0v0
check_eq "DEL: with its own MAC" "$(cat /sys/class/net/ens3f0v0/address)" "$mac_before"
check_eq "DEL: no net1 left in the pod" "$(ip -n pod-a link show net1 2>/dev/null | wc -l)" 0
wait_until 10 bash -c "! ovs-vsctl --db=unix:$T/ovs/db.sock list-ports br-int | grep -qx nfp0rep0" >/dev/null
check_eq "DEL: the representor port is gone" "$(vsctl list-ports br-int | grep -cx nfp0rep0)" 0
ip netns del pod-b
cni DEL pod-b 0000:3b:0a.1 10.16.0.11
check_eq "DEL with the pod's netns gone: exit 0" "$?" 0
check_eq "DEL with the netns gone: the record is gone" "$("$CTL" call vf.list | jq '.ports | length')" 0
cni DEL pod-b 0000:3b:0a.1 10.16.0.11
check_eq "DEL again: exit 0" "$?" 0
it_stop_dpnoded

# --- Yunsilicon: DPDK representors on the bonded uplink device -------------
pair ens4f0v1 ens4f0v1p
RES=yunsilicon.com/xsc_sriov
start_on yunsilicon
it_wait_converged 90 || exit 1
r=$("$CTL" call vf.add "{\"pod_uid\": \"uid-pod-c\", \"namespace\": \"default\", \"pod\": \"pod-c\", \"ifname\": \"net1\", \"device_id\": \"0000:3b:0a.1\", \"netns\": \"/var/run/netns/pod-c\"}" 2>&1)
P=$(jq -r .ovs_port <<<"$r")
check_eq "xsc: the representor is a DPDK port" "$(vsctl get Interface "$P" type)" dpdk
check_eq "xsc: devargs on PF0's device, the second PF's VF 1 numbered after PF0's 2 VFs" \
	"$(vget Interface "$P" options:dpdk-devargs)" "0000:3b:00.0,representor=[3]"
check_eq "xsc: queue sizes by the VF count (5 VFs: rx 1024, tx 1024)" \
	"$(vget Interface "$P" options:n_rxq_desc)/$(vget Interface "$P" options:n_txq_desc)" 1024/1024
check_eq "xsc: external_ids:pci_bdf" "$(vget Interface "$P" external_ids:pci_bdf)" 0000:3b:0a.1
check "offload: Debian's DPDK has no xsc PMD, and says so" bash -c "'$CTL' offload --json | jq -e '.pfs[0].dpdk_pmd | (.found == false and (.note | test(\"25.03\")))' >/dev/null"
has_err() { [ "$("$CTL" call vf.list | jq -r '.ports[0].ovs.error // empty')" != "" ]; }
wait_until 20 has_err >/dev/null
check "xsc: without the hardware, OVS's interface error is in vf.list, not a success" has_err
echo "# OVS said: $("$CTL" call vf.list | jq -r '.ports[0].ovs.error')"
bad=$(cni CHECK pod-c 0000:3b:0a.1 10.16.0.12)
check "xsc: CHECK fails with OVS's words" bash -c "jq -e '.code == 102' <<<'$bad' >/dev/null"
"$CTL" call vf.del '{"pod_uid": "uid-pod-c", "ifname": "net1"}' >/dev/null
check "xsc: DEL: the VF netdev back in the host" ip link show ens4f0v1
check_eq "xsc: DEL: the DPDK port gone" "$(vsctl list-ports br-int | grep -c "^$P$")" 0
it_stop_dpnoded

# --- Mellanox and Yusur: DPDK representors by their own rules -------------
vfadd() { # POD DEVICE [NETNS]
	"$CTL" call vf.add "{\"pod_uid\": \"uid-$1\", \"namespace\": \"default\", \"pod\": \"$1\", \"ifname\": \"net1\", \"device_id\": \"$2\"${3:+, \"netns\": \"$3\"}}" 2>&1
}
vfdel() { "$CTL" call vf.del "{\"pod_uid\": \"uid-$1\", \"ifname\": \"net1\"}" >/dev/null; }
pair ens3f0v0 ens3f0v0p
RES=
start_on mellanox
it_wait_converged 90 || exit 1
P=$(vfadd pod-c 0000:3b:02.0 /var/run/netns/pod-c | jq -r .ovs_port)
check_eq "mlx5: a DPDK representor on the VF's PF" "$(vsctl get Interface "$P" type) $(vget Interface "$P" options:dpdk-devargs)" \
	"dpdk 0000:3b:00.0,representor=vf0"
check "mlx5: Debian's DPDK has net_mlx5" bash -c "'$CTL' offload --json | jq -e '.pfs[0].dpdk_pmd.found' >/dev/null"
vfdel pod-c
it_stop_dpnoded
start_on yusur
it_wait_converged 90 || exit 1
# the testbed's Yusur VFs are vfio-pci (a DPU's): the MAC goes through the PF
# only, which the stand-in PF cannot do; the attach rule is unit-tested
out=$(vfadd pod-c 0000:3b:02.0)
check "yusur: a vfio VF behind a PF without VF ops refused, naming the PF" \
	grep -q "PF ens3f0np0: cannot set VF 0 (0000:3b:02.0) to MAC" <<<"$out"
check_eq "yusur: nothing attached" "$("$CTL" call vf.list | jq '.ports | length')" 0
check "yusur: no PMD in Debian's DPDK, and says why" bash -c "'$CTL' offload --json | jq -e '.pfs[0].dpdk_pmd | (.found == false and (.note | test(\"Yusur\")))' >/dev/null"
vfdel pod-c
