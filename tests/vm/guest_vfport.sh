# Runs in the guest: a pod's VF on a real kernel's switchdev e-switch
# (netdevsim): its MAC set through the PF, its representor netdev attached
# to br-int as a kernel representor and bound by OVN; the offload report.
# OVS-DPDK with 256 MB of huge pages and no DPDK port: no PMD thread on the
# one vCPU; dpnoded in attach mode. (QEMU's -cpu max: DPDK needs SSE4.2.)
. /dpn-out/env.sh
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
check_eq() { if [ "$2" == "$3" ]; then ok "$1"; else notok "$1 (got '$2', want '$3')"; fi; }
check() { local d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else notok "$d"; fi; }
CTL=$DPN_ROOT/$DPN_BUILD/tools/dpnodectl
export DPNODE_NIC_TABLE=$DPN_ROOT/conf/nics.json DPNODE_SOCK=/run/dpnoded.sock
R=/run/t
mkdir -p $R/ovs $R/central $R/ovn /var/run/ovn /var/run/openvswitch
export OVS_RUNDIR=$R/ovs
vsctl() { ovs-vsctl --db=unix:$R/ovs/db.sock --timeout=10 "$@"; }
nbctl() { ovn-nbctl --db=unix:$R/central/nb.sock "$@"; }
sbctl() { ovn-sbctl --db=unix:$R/central/sb.sock "$@"; }
wait_for() { for _ in $(seq 1 150); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }

modprobe psample
modprobe tun
insmod "$DPN_VM_MODDIR/netdevsim.ko"
echo "14 1 1" >/sys/bus/netdevsim/new_device
echo 2 >/sys/bus/netdevsim/devices/netdevsim14/sriov_numvfs
devlink dev eswitch set netdevsim/netdevsim14 mode switchdev
PF=$(ls /sys/bus/netdevsim/devices/netdevsim14/net | head -1)
ip link set "$PF" up

ovsdb-tool create $R/ovs/conf.db /usr/share/openvswitch/vswitch.ovsschema
ovsdb-server $R/ovs/conf.db --remote=punix:$R/ovs/db.sock --pidfile=$R/ovs/ovsdb-server.pid \
	--log-file=$R/ovs/ovsdb-server.log --detach
vsctl --no-wait init
echo 160 >/proc/sys/vm/nr_hugepages
mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages
vsctl --no-wait set Open_vSwitch . other_config:dpdk-init=true other_config:dpdk-socket-mem=256 \
	other_config:dpdk-extra=--no-pci other_config:hw-offload=true
OVS_RUNDIR=$R/ovs /usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk unix:$R/ovs/db.sock \
	--pidfile=$R/ovs/ovs-vswitchd.pid --log-file=$R/ovs/ovs-vswitchd.log --detach
for db in nb sb; do
	ovsdb-tool create $R/central/$db.db /usr/share/ovn/ovn-$db.ovsschema
	ovsdb-server $R/central/$db.db --remote=punix:$R/central/$db.sock --pidfile=$R/central/$db.pid \
		--unixctl=$R/central/$db.ctl --log-file=$R/central/$db.log --detach --no-chdir
done
OVN_RUNDIR=$R/central ovn-northd --ovnnb-db=unix:$R/central/nb.sock --ovnsb-db=unix:$R/central/sb.sock \
	--pidfile=$R/central/northd.pid --log-file=$R/central/northd.log --detach --no-chdir
nbctl ls-add ls1
nbctl lsp-add ls1 cnf-1.default -- lsp-set-addresses cnf-1.default "0a:00:00:00:01:01 10.16.0.21"

cat >$R/node.json <<EOT
{"api": {"socket": "/run/dpnoded.sock"},
 "ovs": {"mode": "attach", "run_dir": "$R/ovs", "db_file": "$R/ovs/conf.db", "log_dir": "$R/ovs", "hw_offload": true},
 "vhostuser": {"state_file": "$R/vhost.json"}, "sriov": {"vf_state_file": "$R/vf.json"},
 "metrics": {"enabled": false},
 "ovn": {"remote": "unix:$R/central/sb.sock", "encap_ip": "198.18.0.1", "system_id": "vm-node", "run_dir": "$R/ovn", "bind_timeout_s": 30}}
EOT
"$DPN_ROOT/$DPN_BUILD/daemon/dpnoded" --config $R/node.json --foreground >$R/dpnoded.log 2>&1 &
wait_for "$CTL" ping || notok "dpnoded answers"
converged() { [ "$("$CTL" status --json | jq -r .reconcile.converged)" = true ]; }
wait_for converged && ok "dpnoded converged on OVS-DPDK in the guest" || { notok "dpnoded converged"; tail -5 $R/ovs/ovs-vswitchd.log; }
OVS_RUNDIR=$R/ovs OVN_RUNDIR=$R/ovn ovn-controller unix:$R/ovs/db.sock --pidfile=$R/ovn/ovn-controller.pid \
	--log-file=$R/ovn/ovn-controller.log --detach --no-chdir

vfline() { ip link show "$PF" | grep ' vf 1 '; }
before=$(vfline)
t0=$(date +%s%N)
r=$("$CTL" call vf.add '{"pod_uid": "u-cnf-1", "namespace": "default", "pod": "cnf-1", "ifname": "net1", "device_id": "netdevsim14/vf1", "mtu": 1400, "vlan": 10, "qos": 2, "trust": "on", "spoofchk": "off", "max_tx_rate": 100}' 2>&1)
P=$(jq -r .ovs_port <<<"$r" 2>/dev/null) || echo "# vf.add: $r"
echo "# vf.add: $((($(date +%s%N) - t0) / 1000000)) ms; $(jq -c '{ovs_port, representor_type, pf_settings, mac}' <<<"$r")"
want=$(devlink port show | awk '/flavour pcivf/ && / vfnum 1 / {for (i = 1; i <= NF; i++) if ($i == "netdev") print $(i + 1)}')
check_eq "the representor netdev of VF 1 (devlink's) is the OVS port" "$P" "$want"
check_eq "a kernel representor (type system)" "$(vsctl get Interface "$P" type)" system
check_eq "iface-id" "$(vsctl get Interface "$P" external_ids:iface-id | tr -d '"')" cnf-1.default
check_eq "the VF's MAC (OVN's) set through the PF on the real kernel" \
	"$(ip link show "$PF" | awk '/vf 1 / {for (i = 1; i <= NF; i++) if ($i == "link/ether") print $(i + 1)}')" 0a:00:00:00:01:01
check_eq "PF settings applied" "$(jq -r .pf_settings <<<"$r")" applied
echo "# PF's VF 1: $(vfline)"
check "VLAN 10 qos 2, trust on, spoof checking off on the real kernel" \
	bash -c "ip link show $PF | grep ' vf 1 ' | grep 'vlan 10, qos 2' | grep 'spoof checking off' | grep -q 'trust on'"
echo "# devlink rate: $(devlink port function rate show 2>&1 | tr '\n' '|')"
check "switchdev: the rate on the VF's e-switch port (devlink rate; IFLA_VF_RATE is refused there)" \
	bash -c "devlink port function rate show | grep -q 'tx_max 100Mbit'"
bound() { [ -n "$(sbctl --bare --columns=chassis find Port_Binding logical_port=cnf-1.default)" ]; }
wait_for bound && ok "OVN bound the representor's logical port to this chassis" || notok "OVN bound the logical port"
inst() { [ "$(vsctl get Interface "$P" external_ids:ovn-installed 2>/dev/null | tr -d '"')" = true ]; }
wait_for inst && ok "ovn-installed on the representor" || notok "ovn-installed on the representor"
ping_pkts() { ip link set "$P" up; ping -c1 -W1 -I "$P" 10.16.0.99 >/dev/null 2>&1; [ "$("$CTL" offload --json | jq '.ports[0].packets')" -gt 0 ]; }
wait_for ping_pkts
o=$("$CTL" offload --json)
check_eq "offload: the netdevsim PF listed (switchdev e-switch)" "$(jq -c '[.pfs[] | [.pci, .eswitch]]' <<<"$o")" '[["netdevsim14","switchdev"]]'
check_eq "offload: 0 offloaded flows on the representor" "$(jq '.ports[0].offloaded_flows' <<<"$o")" 0
check_eq "offload: with the reason" "$(jq -r '.ports[0].not_offloadable_because' <<<"$o" | cut -c1-50)" \
	"a kernel representor in OVS's userspace datapath: "
echo "# $(jq -c '{pf: .pfs[0].not_ready_because, warnings}' <<<"$o")"
"$CTL" call vf.del '{"pod_uid": "u-cnf-1", "ifname": "net1"}' >/dev/null
check_eq "DEL: the PF's view of VF 1 back as before ADD (MAC, VLAN, rate, spoofchk, trust)" "$(vfline)" "$before"
check "DEL: no rate limit left" bash -c "! devlink port function rate show | grep -q 'tx_max 100Mbit'"
check_eq "DEL: the VF's MAC back as it was" \
	"$(ip link show "$PF" | awk '/vf 1 / {for (i = 1; i <= NF; i++) if ($i == "link/ether") print $(i + 1)}')" 00:00:00:00:00:00
gone() { ! vsctl list-ports br-int | grep -qx "$P"; }
wait_for gone && ok "DEL: the representor port is gone" || notok "DEL: the representor port is gone"
kill %1
