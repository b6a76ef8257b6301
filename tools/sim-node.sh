#!/bin/bash
# `make run`: a simulated dpnode node on this machine, no NIC needed.
# The uplink is a veth pair (dpn-sim0 <-> dpn-sim1) that OVS-DPDK drives with
# net_af_packet; OVS runs from /run/dpnode-sim. Ctrl-C stops everything.
set -euo pipefail

BUILD=${1:-build}
CONF=conf/examples/sim.json
SOCK=/run/dpnode-sim/dpnoded.sock
HUGE_PAGES=${HUGE_PAGES:-512}   # 2M pages: 1 GiB, matching sim.json

[ "$(id -u)" = 0 ] || { echo "sim-node: run as root (hugepages, OVS, netlink)" >&2; exit 1; }

# Huge pages first: dpnoded would reserve them too, but a clear message here
# beats a DPDK failure later on a machine short of memory.
cur=$(cat /proc/sys/vm/nr_hugepages)
if [ "$cur" -lt "$HUGE_PAGES" ]; then
	echo "$HUGE_PAGES" > /proc/sys/vm/nr_hugepages
fi
got=$(cat /proc/sys/vm/nr_hugepages)
[ "$got" -ge "$HUGE_PAGES" ] || { echo "sim-node: wanted $HUGE_PAGES hugepages, kernel gave $got" >&2; exit 1; }

if ! ip link show dpn-sim0 >/dev/null 2>&1; then
	ip link add dpn-sim0 type veth peer name dpn-sim1
fi
ip link set dpn-sim0 up
ip link set dpn-sim1 up

"$BUILD"/tools/dpnodectl config check "$CONF"
# Each run starts from an empty OVS database.
rm -rf /run/dpnode-sim

# The sim's socket, whatever DPNODE_SOCK the caller had.
export DPNODE_SOCK=$SOCK
"$BUILD"/daemon/dpnoded --config "$CONF" --foreground &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid' INT TERM

for _ in $(seq 1 120); do
	if "$BUILD"/tools/dpnodectl status --json 2>/dev/null | grep -q '"converged": true'; then
		break
	fi
	kill -0 $pid 2>/dev/null || { echo "sim-node: dpnoded exited" >&2; exit 1; }
	sleep 0.5
done
echo
"$BUILD"/tools/dpnodectl status
cat <<EOT

Simulated node is up (dpnoded pid $pid). In another terminal:
  DPNODE_SOCK=$SOCK $BUILD/tools/dpnodectl status
  ovs-vsctl --db=unix:/run/dpnode-sim/ovs/db.sock show
Press Ctrl-C to stop the node (OVS is stopped with it).
EOT
wait $pid
