#!/bin/bash
# One-time setup of the VM rig, cached in $DPN_VM_CACHE (default
# /var/cache/dpnode-vm): netdevsim.ko built out of tree from linux-source-6.1
# against the installed Debian kernel's headers (Debian's 6.1 ships without
# it), and a busybox initramfs that boots into the host's root, read-only over
# 9p with a tmpfs overlay. Prints the cache dir.
set -euo pipefail

CACHE=${DPN_VM_CACHE:-/var/cache/dpnode-vm}
KVER=$(ls /lib/modules | grep -E '^6\.1\.[0-9]+-[0-9]+-amd64$' | sort -V | tail -1)
[ -n "$KVER" ] || { echo "vm-setup: no Debian 6.1 kernel installed (tools/install-deps.sh)" >&2; exit 1; }
[ -f "/boot/vmlinuz-$KVER" ] || { echo "vm-setup: /boot/vmlinuz-$KVER missing" >&2; exit 1; }
HDR=/usr/src/linux-headers-$KVER
[ -d "$HDR" ] || { echo "vm-setup: $HDR missing (linux-headers-amd64)" >&2; exit 1; }
OUT=$CACHE/$KVER
mkdir -p "$OUT"

if [ ! -f "$OUT/netdevsim.ko" ]; then
	src=$(mktemp -d)
	tar -C "$src" -xJf /usr/src/linux-source-6.1.tar.xz --wildcards 'linux-source-6.1/drivers/net/netdevsim/*'
	make -s -C "$HDR" M="$src/linux-source-6.1/drivers/net/netdevsim" CONFIG_NETDEVSIM=m modules >"$OUT/build.log" 2>&1 ||
		{ cat "$OUT/build.log" >&2; exit 1; }
	cp "$src/linux-source-6.1/drivers/net/netdevsim/netdevsim.ko" "$OUT/netdevsim.ko.tmp"
	mv "$OUT/netdevsim.ko.tmp" "$OUT/netdevsim.ko"
	rm -rf "$src"
fi

if [ ! -f "$OUT/initramfs.gz" ] || [ "$0" -nt "$OUT/initramfs.gz" ]; then
	ir=$(mktemp -d)
	mkdir -p "$ir"/{bin,dev,proc,sys,host,out,tmp,mnt,lib/mod}
	cp /bin/busybox "$ir/bin/busybox"
	# insmod does not resolve dependencies: the host's modprobe orders them
	for ko in $(for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -S "$KVER" --show-depends "$m"; done | awk '$1 == "insmod" {print $2}' | awk '!seen[$0]++'); do
		m=$(basename "$ko" .ko)
		cp "$ko" "$ir/lib/mod/$m.ko"
		echo "$m" >>"$ir/lib/mod/order"
	done
	cat >"$ir/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
CMD=$(sed -n 's/.*dpn_cmd=\([^ ]*\).*/\1/p' /proc/cmdline)
for m in $(cat /lib/mod/order); do insmod /lib/mod/$m.ko || echo "vm: insmod $m failed"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro hostroot /host || echo "vm: 9p host root failed"
mount -t 9p -o trans=virtio,version=9p2000.L out /out || echo "vm: 9p out failed"
mount -t tmpfs tmpfs /tmp
mkdir -p /tmp/upper /tmp/work
mount -t overlay overlay -o lowerdir=/host,upperdir=/tmp/upper,workdir=/tmp/work /mnt
for d in proc sys dev; do mount --move /$d /mnt/$d 2>/dev/null || mount --bind /$d /mnt/$d; done
mkdir -p /mnt/dpn-out && mount --bind /out /mnt/dpn-out
mount -t tmpfs tmpfs /mnt/run
chroot /mnt /bin/sh -c "cd / && /bin/bash $CMD >/dpn-out/stdout 2>&1 </dev/null; echo \$? >/dpn-out/rc"
sync
echo o >/proc/sysrq-trigger
sleep 10
INIT
	chmod +x "$ir/init"
	(cd "$ir" && find . | cpio -o -H newc 2>/dev/null | gzip -1 >"$OUT/initramfs.gz.tmp")
	mv "$OUT/initramfs.gz.tmp" "$OUT/initramfs.gz"
	rm -rf "$ir"
fi
ln -sfn "/boot/vmlinuz-$KVER" "$OUT/vmlinuz"
echo "$OUT"
