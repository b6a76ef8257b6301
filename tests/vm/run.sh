#!/bin/bash
# Runs SCRIPT (a bash script on the host's filesystem) inside a QEMU guest that
# boots Debian's 6.1 kernel on the host's root (read-only 9p + tmpfs overlay).
# The script's output and exit code come back; netdevsim.ko is at
# $DPN_VM_MODDIR/netdevsim.ko inside the guest. KVM hangs on these machines:
# TCG, one vCPU.
set -euo pipefail
SCRIPT=$(readlink -f "$1")
DIR=$(cd "$(dirname "$0")" && pwd)
VM=$("$DIR/setup.sh")
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cp "$SCRIPT" "$OUT/script.sh"
cat >"$OUT/env.sh" <<EOT
export DPN_VM_MODDIR=$VM
export DPN_ROOT=$(cd "$DIR/../.." && pwd)
export DPN_BUILD=${BUILD:-build}
EOT
timeout "${DPN_VM_TIMEOUT:-300}" qemu-system-x86_64 -accel tcg -cpu "${DPN_VM_CPU:-max}" -smp 1 -m "${DPN_VM_MEM:-1024}" \
	-nographic -no-reboot -nodefaults -serial file:"$OUT/console" \
	-kernel "$VM/vmlinuz" -initrd "$VM/initramfs.gz" \
	-append "console=ttyS0 quiet panic=-1 dpn_cmd=/dpn-out/script.sh" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on \
	-virtfs local,path="$OUT",mount_tag=out,security_model=none \
	</dev/null >/dev/null 2>&1 || true
if [ -s "$OUT/stdout" ]; then cat "$OUT/stdout"; else echo "vm: no output; console:"; tail -30 "$OUT/console"; fi
rc=$(cat "$OUT/rc" 2>/dev/null || echo 125)
exit "$rc"
