#!/bin/sh
# The one list of Debian 12 packages dpnode needs to build, run and test.
# Installs only what is missing; safe to run repeatedly.
set -eu

PKGS="
build-essential
meson
ninja-build
pkg-config
clang-format
clang
libclang-rt-14-dev
libjansson-dev
libevent-dev
libssl-dev
libnl-3-dev
libnl-route-3-dev
libnl-genl-3-dev
libudev-dev
umockdev
libumockdev-dev
libcmocka-dev
protobuf-c-compiler
libprotobuf-c-dev
protobuf-compiler
protobuf-compiler-grpc
libgrpc-dev
python3-grpcio
python3-protobuf
python3-gi
gir1.2-umockdev-1.0
libdpdk-dev
dpdk
dpdk-dev
openvswitch-switch-dpdk
openvswitch-common
ovn-central
ovn-host
iproute2
iputils-ping
procps
psmisc
jq
curl
prometheus
golang-go
golang-github-appc-cni-dev
yamllint
linux-image-amd64
linux-headers-amd64
linux-source-6.1
qemu-system-x86
busybox-static
cpio
kmod
file
gnuplot-nox
"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root to install)" >&2
	exit 1
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# An empty or stale package list makes apt-get install fail: refresh once.
if ! apt-get install -y --no-install-recommends $missing; then
	apt-get update
	apt-get install -y --no-install-recommends $missing
fi

# The packages start system OVS services; dpnode's tests and `make run`
# manage their own instances, so keep the distro ones out of the way.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	systemctl stop openvswitch-switch ovs-vswitchd ovsdb-server ovn-central ovn-host \
		ovn-northd ovn-controller ovn-ovsdb-server-nb ovn-ovsdb-server-sb 2>/dev/null || true
	systemctl disable openvswitch-switch ovn-central ovn-host 2>/dev/null || true
fi
