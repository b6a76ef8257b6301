# Runs in the guest: dpnodectl vfs on a real kernel with netdevsim.
. /dpn-out/env.sh
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
check_eq() { if [ "$2" == "$3" ]; then ok "$1"; else notok "$1 (got '$2', want '$3')"; fi; }
CTL=$DPN_ROOT/$DPN_BUILD/tools/dpnodectl
export DPNODE_NIC_TABLE=$DPN_ROOT/conf/nics.json

modprobe psample
insmod "$DPN_VM_MODDIR/netdevsim.ko"
echo "11 1 1" >/sys/bus/netdevsim/new_device
udevadm settle 2>/dev/null
echo 4 >/sys/bus/netdevsim/devices/netdevsim11/sriov_numvfs
j=$("$CTL" vfs --json)
check_eq "legacy: netdevsim PF found with 4 VFs" "$(jq -c '.pfs[] | [.bus, .pci, .numvfs, (.vfs | length)]' <<<"$j")" '["netdevsim","netdevsim11",4,4]'
check_eq "legacy: eswitch mode from devlink" "$(jq -r '.pfs[0].eswitch_mode' <<<"$j")" legacy
devlink dev eswitch set netdevsim/netdevsim11 mode switchdev
pf=$(jq -r '.pfs[0].netdev' <<<"$j")
ip link set "$pf" vf 2 mac 02:00:00:00:02:02 vlan 20 trust on spoofchk off
j=$("$CTL" vfs --json)
check_eq "switchdev: mode from devlink" "$(jq -r '.pfs[0].eswitch_mode' <<<"$j")" switchdev
want=$(devlink port show | awk '/flavour pcivf/ {for (i = 1; i <= NF; i++) {if ($i == "netdev") n = $(i + 1); if ($i == "vfnum") v = $(i + 1)}; print v, n}' | sort -n | awk '{print $2}' | paste -sd,)
got=$(jq -r '[.pfs[0].vfs[] | .representor] | join(",")' <<<"$j")
check_eq "switchdev: every VF mapped to its representor (devlink's view)" "$got" "$want"
check_eq "switchdev: representors named pf0vfN by the kernel" \
	"$(for r in ${got//,/ }; do cat /sys/class/net/$r/phys_port_name; done | paste -sd,)" "pf0vf0,pf0vf1,pf0vf2,pf0vf3"
check_eq "VF attributes read over rtnetlink" \
	"$(jq -c '.pfs[0].vfs[2] | [.mac, .vlan, .trust, .spoofchk]' <<<"$j")" '["02:00:00:00:02:02",20,true,false]'
echo "# $(jq -c '.pfs[0] | {netdev, eswitch_mode, uplink_representor, vfs: [.vfs[] | {index, representor, mac}]}' <<<"$j")"
