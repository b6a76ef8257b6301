# Runs in the guest: the rig gives what dpnode's SR-IOV tests need.
. /dpn-out/env.sh
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
check() { local d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else notok "$d"; fi; }

check "guest runs Debian's 6.1 kernel" bash -c "uname -r | grep -q '^6\.1\.'"
check "host root visible read-only with a writable overlay" bash -c "touch /etc/dpn-vm-probe && rm /etc/dpn-vm-probe"
modprobe psample
check "netdevsim.ko (built out of tree) loads" insmod "$DPN_VM_MODDIR/netdevsim.ko"
echo "10 1 1" >/sys/bus/netdevsim/new_device
check "netdevsim device with one port" test -d /sys/bus/netdevsim/devices/netdevsim10/net
echo 4 >/sys/bus/netdevsim/devices/netdevsim10/sriov_numvfs
check "4 SR-IOV VFs" test "$(cat /sys/bus/netdevsim/devices/netdevsim10/sriov_numvfs)" = 4
check "devlink: eswitch to switchdev" devlink dev eswitch set netdevsim/netdevsim10 mode switchdev
check "devlink: mode reads back switchdev" bash -c "devlink dev eswitch show netdevsim/netdevsim10 | grep -q 'mode switchdev'"
n=$(for d in /sys/class/net/*; do cat "$d/phys_port_name" 2>/dev/null; done | grep -c '^pf0vf[0-3]$')
check "VF representors pf0vf0..3 with phys_port_name" test "$n" = 4
check "representors share the PF's phys_switch_id" bash -c \
	"[ \$(for d in /sys/class/net/*; do cat \$d/phys_switch_id 2>/dev/null; done | sort -u | wc -l) = 1 ]"
check "devlink ports of flavour pcivf" bash -c "devlink port show | grep -c 'flavour pcivf' | grep -qx 4"
pf=$(ls /sys/bus/netdevsim/devices/netdevsim10/net | head -1)
ip link set "$pf" vf 1 mac 02:00:00:00:01:01 vlan 10 trust on 2>/dev/null
check "VF MAC, VLAN and trust set and read back" bash -c "ip link show $pf | grep 'vf 1' | grep -q '02:00:00:00:01:01.*vlan 10.*trust on'"
check "openvswitch.ko loads" modprobe openvswitch
