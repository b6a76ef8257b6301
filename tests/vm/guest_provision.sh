# Runs in the guest: dpnode provisions netdevsim (VF count, switchdev, VF
# attributes), re-applying changes nothing, an impossible request names the
# PF and leaves the device as it was.
. /dpn-out/env.sh
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
check() { local d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else notok "$d"; fi; }
check_eq() { if [ "$2" == "$3" ]; then ok "$1"; else notok "$1 (got '$2', want '$3')"; fi; }
CTL=$DPN_ROOT/$DPN_BUILD/tools/dpnodectl
export DPNODE_NIC_TABLE=$DPN_ROOT/conf/nics.json

mount -t debugfs none /sys/kernel/debug 2>/dev/null
modprobe psample
insmod "$DPN_VM_MODDIR/netdevsim.ko"
echo "12 1 1" >/sys/bus/netdevsim/new_device
sleep 0.5
PF=$(ls /sys/bus/netdevsim/devices/netdevsim12/net | head -1)
cat >/tmp/node.json <<EOT
{"sriov": {"pfs": [{"pf": "$PF", "num_vfs": 4, "eswitch": "switchdev", "hw_tc_offload": true,
  "devlink_params": [{"name": "max_macs", "value": 64, "cmode": "driverinit"},
                     {"name": "test1", "value": false, "cmode": "driverinit"}],
  "vfs": [{"index": 1, "mac": "02:00:00:00:01:01", "vlan": 100, "trust": true, "spoofchk": false},
          {"index": 3, "mac": "02:00:00:00:01:03", "link_state": "disable"}]}]}}
EOT
out=$("$CTL" sriov apply /tmp/node.json 2>&1)
check_eq "apply: exit 0" "$?" 0
echo "$out" | sed 's/^/# /'
check_eq "apply: 4 VFs" "$(cat /sys/bus/netdevsim/devices/netdevsim12/sriov_numvfs)" 4
check "apply: switchdev" bash -c "devlink dev eswitch show netdevsim/netdevsim12 | grep -q 'mode switchdev'"
check "apply: hw-tc-offload on (ethtool ioctl)" bash -c "ethtool -k $PF 2>/dev/null | grep -q 'hw-tc-offload: on' || ! command -v ethtool"
check "apply: VF 1 MAC, VLAN, trust, spoofchk" bash -c "ip link show $PF | grep 'vf 1 ' | grep -q '02:00:00:00:01:01.*vlan 100.*spoof checking off.*trust on'"
check "apply: VF 3 link-state disable" bash -c "ip link show $PF | grep 'vf 3 ' | grep -q 'link-state disable'"
check "apply: devlink param max_macs (driverinit)" bash -c "devlink dev param show netdevsim/netdevsim12 name max_macs | grep -q 'cmode driverinit value 64'"
check "apply: devlink param test1 (bool, driverinit)" bash -c "devlink dev param show netdevsim/netdevsim12 name test1 | grep -q 'cmode driverinit value false'"
check "apply: PF up" bash -c "ip -o link show $PF | grep -q '<[^>]*UP'"
j=$("$CTL" vfs --json)
check_eq "vfs: every VF has its representor" "$(jq '[.pfs[0].vfs[].representor | select(. != null)] | length' <<<"$j")" 4
check_eq "vfs: attributes as configured" "$(jq -c '.pfs[0].vfs[1] | [.mac, .vlan, .trust, .spoofchk]' <<<"$j")" '["02:00:00:00:01:01",100,true,false]'

out=$("$CTL" sriov apply /tmp/node.json 2>&1)
check_eq "re-apply: nothing changes" "$(tail -1 <<<"$out")" "0 change(s)"

# More VFs than netdevsim has (its limit) and a MAC for a VF that does not exist.
before=$(devlink dev eswitch show netdevsim/netdevsim12; cat /sys/bus/netdevsim/devices/netdevsim12/sriov_numvfs)
sed -i 's/"num_vfs": 4/"num_vfs": 2000/' /tmp/node.json
sed -i 's/{"index": 3, "mac": "02:00:00:00:01:03", "link_state": "disable"}/{"index": 1999, "mac": "02:00:00:00:01:09"}/' /tmp/node.json
out=$("$CTL" sriov apply /tmp/node.json 2>&1)
rc=$?
check_eq "impossible request: exit 1" "$rc" 1
check "impossible request: names the PF and what was wrong" grep -qE "$PF: (validate|sriov_numvfs): .*2000" <<<"$out"
echo "$out" | sed 's/^/# /'
after=$(devlink dev eswitch show netdevsim/netdevsim12; cat /sys/bus/netdevsim/devices/netdevsim12/sriov_numvfs)
check_eq "impossible request: device untouched" "$after" "$before"
check "impossible request: VF attributes untouched" bash -c "ip link show $PF | grep 'vf 1 ' | grep -q '02:00:00:00:01:01'"
