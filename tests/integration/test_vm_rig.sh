#!/bin/bash
# The QEMU/netdevsim rig (tests/vm): its one-time setup, and that the guest
# gives SR-IOV VFs, switchdev through devlink and representors.
. "$(dirname "$0")/lib.sh"

if ! out=$("$ROOT/tests/vm/setup.sh" 2>&1); then
	notok "vm rig setup: $out"
	exit 1
fi
ok "vm rig set up in $out"
BUILD=$BUILD "$ROOT/tests/vm/run.sh" "$ROOT/tests/vm/guest_rig.sh"
# dpnode's SR-IOV discovery on the guest's real kernel
BUILD=$BUILD "$ROOT/tests/vm/run.sh" "$ROOT/tests/vm/guest_discovery.sh"
# dpnode provisions the guest's netdevsim
BUILD=$BUILD "$ROOT/tests/vm/run.sh" "$ROOT/tests/vm/guest_provision.sh"
# dpnoded's inventory follows the kernel
BUILD=$BUILD "$ROOT/tests/vm/run.sh" "$ROOT/tests/vm/guest_monitor.sh"
# a pod's VF on the guest's switchdev e-switch: MAC through the PF, the
# representor on br-int bound by OVN, the offload report (OVS-DPDK in the
# guest needs 256 MB of huge pages)
DPN_VM_MEM=1536 BUILD=$BUILD "$ROOT/tests/vm/run.sh" "$ROOT/tests/vm/guest_vfport.sh"
