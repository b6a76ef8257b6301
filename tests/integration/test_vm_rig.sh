#!/bin/bash
# The QEMU/netdevsim rig (tests/vm): its one-time setup, and that the guest
# gives SR-IOV VFs, switchdev through devlink and representors.
. "$(dirname "$0")/lib.sh"

if ! out=$("$ROOT/tests/vm/setup.sh" 2>&1); then
	notok "vm rig setup: $out"
	exit 1
fi
ok "vm rig set up in $out"
"$ROOT/tests/vm/run.sh" "$ROOT/tests/vm/guest_rig.sh"
