#!/bin/bash
# `make run`: a simulated dpnode node on this machine, no NIC needed.
# The uplink is a veth pair (dpn-sim0 <-> dpn-sim1) that OVS-DPDK drives with
# net_af_packet; OVS runs from /run/dpnode-sim. Ctrl-C stops everything.
set -euo pipefail

BUILD=${1:-build}
MODE=${2:-plain} # "ovn": with a local OVN central and two logical ports
CONF=conf/examples/sim.json
[ "$MODE" = ovn ] && CONF=conf/examples/sim-ovn.json
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

C=/run/dpnode-sim/central
stop_central() {
	for f in "$C"/*.pid; do [ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null; done
	return 0
}
if [ "$MODE" = ovn ]; then
	# OVN central as ovn-central runs it: NB and SB ovsdb-servers, ovn-northd
	mkdir -p "$C"
	for db in nb sb; do
		ovsdb-tool create "$C/$db.db" /usr/share/ovn/ovn-$db.ovsschema
		ovsdb-server "$C/$db.db" --remote="punix:$C/$db.sock" --pidfile="$C/$db.pid" \
			--unixctl="$C/$db.ctl" --log-file="$C/$db.log" --detach --no-chdir
	done
	OVN_RUNDIR=$C ovn-northd --ovnnb-db="unix:$C/nb.sock" --ovnsb-db="unix:$C/sb.sock" \
		--pidfile="$C/northd.pid" --log-file="$C/northd.log" --detach --no-chdir
	# what kube-ovn-controller would make for two pods
	nb() { ovn-nbctl --db="unix:$C/nb.sock" "$@"; }
	nb ls-add sim
	nb lsp-add sim vm-a.default -- lsp-set-addresses vm-a.default "0a:58:0a:10:00:0a 10.16.0.10" \
		-- lsp-set-port-security vm-a.default "0a:58:0a:10:00:0a 10.16.0.10"
	nb lsp-add sim vm-b.default -- lsp-set-addresses vm-b.default "0a:58:0a:10:00:0b 10.16.0.11" \
		-- lsp-set-port-security vm-b.default "0a:58:0a:10:00:0b 10.16.0.11"
fi

# The sim's socket, whatever DPNODE_SOCK the caller had.
export DPNODE_SOCK=$SOCK
"$BUILD"/daemon/dpnoded --config "$CONF" --foreground &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid; stop_central' INT TERM

for _ in $(seq 1 120); do
	if "$BUILD"/tools/dpnodectl status --json 2>/dev/null | grep -q '"converged": true'; then
		break
	fi
	kill -0 $pid 2>/dev/null || { echo "sim-node: dpnoded exited" >&2; exit 1; }
	sleep 0.5
done
if [ "$MODE" = ovn ]; then
	# two vhost-user ports on OVN's logical ports: OVN's MACs, bound by the
	# ovn-controller dpnoded runs
	for p in a b; do
		"$BUILD"/tools/dpnodectl vhost add --pod-uid sim-$p --namespace default \
			--pod vm-$p --ifname net1 --volume sockets --socket-name sock >/dev/null ||
			echo "sim-node: vhost add vm-$p failed" >&2
	done
	for _ in $(seq 1 60); do
		[ "$(ovn-sbctl --db="unix:$C/sb.sock" --bare --columns=up find Port_Binding up=true | grep -c true)" -ge 2 ] && break
		sleep 0.5
	done
	echo
	ovn-sbctl --db="unix:$C/sb.sock" show
fi
echo
"$BUILD"/tools/dpnodectl status
[ "$MODE" = ovn ] && "$BUILD"/tools/dpnodectl vhost list
cat <<EOT

Simulated node is up (dpnoded pid $pid). In another terminal:
  DPNODE_SOCK=$SOCK $BUILD/tools/dpnodectl status
  ovs-vsctl --db=unix:/run/dpnode-sim/ovs/db.sock show
Press Ctrl-C to stop the node (OVS is stopped with it).
EOT
[ "$MODE" = ovn ] && cat <<EOT
OVN: ovn-nbctl --db=unix:$C/nb.sock show; ovn-sbctl --db=unix:$C/sb.sock show
A pod's DPDK app on vm-a's port (OVN's MAC):
  dpnode-app --no-env --vhost /run/dpnode-sim/vhost/sim-a/sockets/sock,server --engine txonly \\
    --peer-mac 0a:58:0a:10:00:0b -- --file-prefix vm-a
EOT
wait $pid
stop_central
