# Runs in the guest: dpnoded's inventory follows the kernel by itself (udev
# monitor on the kernel's uevents; no udevd here).
. /dpn-out/env.sh
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
check_eq() { if [ "$2" == "$3" ]; then ok "$1"; else notok "$1 (got '$2', want '$3')"; fi; }
CTL=$DPN_ROOT/$DPN_BUILD/tools/dpnodectl
export DPNODE_NIC_TABLE=$DPN_ROOT/conf/nics.json DPNODE_SOCK=/run/dpnoded.sock

modprobe psample
insmod "$DPN_VM_MODDIR/netdevsim.ko"
# attach mode with no OVS: dpnoded serves its API while it waits for one
echo '{"ovs": {"mode": "attach", "run_dir": "/run/ovs"}, "vhostuser": {"state_file": "/run/vhost.json"}}' >/run/node.json
"$DPN_ROOT/$DPN_BUILD/daemon/dpnoded" --config /run/node.json --foreground >/run/dpnoded.log 2>&1 &
for _ in $(seq 1 50); do "$CTL" ping >/dev/null 2>&1 && break; sleep 0.2; done
inv() { "$CTL" call sriov.inventory; }
# waits until jq expression $1 on the inventory prints $2; prints the ms it took
wait_for() {
	local start=$(date +%s%N) now
	for _ in $(seq 1 300); do
		[ "$(inv | jq -c "$1")" = "$2" ] && { now=$(date +%s%N); echo $(((now - start) / 1000000)); return 0; }
		sleep 0.05
	done
	return 1
}
g0=$(inv | jq .generation)
echo "13 1 1" >/sys/bus/netdevsim/new_device
if ms=$(wait_for '[.pfs[] | .pci]' '["netdevsim13"]'); then ok "new PF seen without asking (${ms} ms)"; else notok "new PF seen"; fi
echo 4 >/sys/bus/netdevsim/devices/netdevsim13/sriov_numvfs
# netdevsim's VFs are not devices and send no uevent: the periodic rescan (10 s)
# finds them; PCI VFs come with uevents
if ms=$(wait_for '.pfs[0].numvfs' '4'); then ok "4 new VFs seen (${ms} ms)"; else notok "4 new VFs seen"; fi
devlink dev eswitch set netdevsim/netdevsim13 mode switchdev
if ms=$(wait_for '[.pfs[0].vfs[].representor | select(. != null)] | length' '4'); then
	ok "switchdev representors seen (${ms} ms)"; else notok "switchdev representors seen"; fi
check_eq "generation moved on" "$(inv | jq ".generation > $g0")" true
echo 13 >/sys/bus/netdevsim/del_device
if ms=$(wait_for '.pfs | length' '0'); then ok "removed PF gone (${ms} ms)"; else notok "removed PF gone"; fi
kill %1
