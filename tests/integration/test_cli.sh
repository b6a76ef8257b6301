#!/bin/bash
# dpnodectl's offline commands and errors, dpnoded's systemd readiness, and
# the `make run` script end to end.
. "$(dirname "$0")/lib.sh"

FIX=$ROOT/tests/fixtures/kubeovn

# --- config import from Kube-OVN, then check the result on this machine ---
T=$(mktemp -d /tmp/dpnit.XXXXXX)
trap 'rm -rf "$T"' EXIT
"$CTL" config import-kubeovn "$FIX/single" >"$T/imported.json"
check_eq "import-kubeovn: exit 0" "$?" 0
check_eq "import-kubeovn: uplink from DPDK_DEV" "$(jq -c .uplink.ports "$T/imported.json")" \
	'[{"name":"dpdk0","pci":"0000:00:0b.0"}]'
check "import-kubeovn: output passes config check here" "$CTL" config check "$T/imported.json"
out=$("$CTL" config import-kubeovn "$FIX/unknown-key" 2>&1)
check_eq "import-kubeovn: unknown key exits 2" "$?" 2
check "import-kubeovn: names the key" grep -q 'unknown key DPDK_TUNNEL_IFACE' <<<"$out"
out=$("$CTL" config check /nonexistent.json 2>&1)
check_eq "config check: missing file exits 2" "$?" 2
check "config check: says which file" grep -q '/nonexistent.json' <<<"$out"
check "config check: sim.json valid" "$CTL" config check "$ROOT/conf/examples/sim.json"

# --- no daemon / bad usage ---
out=$(DPNODE_SOCK=$T/none.sock "$CTL" status 2>&1)
check_eq "status without dpnoded: exit 1" "$?" 1
check "status without dpnoded: names the socket" grep -q "cannot reach dpnoded at $T/none.sock" <<<"$out"
"$CTL" frobnicate >/dev/null 2>&1
check_eq "unknown command: exit 2" "$?" 2
"$DPNODED" --bogus >/dev/null 2>&1
check_eq "dpnoded bad option: exit 2" "$?" 2

# DPNODE_SOCK overrides api.socket for dpnoded as for dpnodectl
rm -rf "$T"

# --- sd_notify: READY=1 only once the node has converged ---
it_setup
/usr/bin/python3 - "$T/notify.sock" >"$T/notify.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(90)
msgs = []
try:
    while True:
        m = s.recv(4096).decode()
        msgs.append(m)
        print(m.replace("\n", " | "), flush=True)
        if "READY=1" in m:
            break
except socket.timeout:
    print("timeout", flush=True)
PY
listener=$!
for _ in $(seq 1 50); do [ -S "$T/notify.sock" ] && break; sleep 0.1; done
# under systemd (NOTIFY_SOCKET set) dpnoded stays in the foreground by itself
NOTIFY_SOCKET=$T/notify.sock "$DPNODED" --config "$T/node.json" >>"$T/dpnoded.log" 2>&1 &
DPNODED_PID=$!
wait "$listener"
check "sd_notify: READY=1 received" grep -q 'READY=1' "$T/notify.out"
check_eq "sd_notify: sent when converged" "$(st .reconcile.converged)" true
it_stop_dpnoded
DPNODE_SOCK=$T/other.sock "$DPNODED" --config "$T/node.json" --foreground >>"$T/dpnoded.log" 2>&1 &
DPNODED_PID=$!
answers() { DPNODE_SOCK=$T/other.sock "$CTL" ping; }
check "DPNODE_SOCK overrides api.socket for dpnoded" wait_until 20 answers
check "DPNODE_SOCK: the config's socket is not used" [ ! -e "$T/dpnoded.sock" ]
it_stop_dpnoded

# --- make run's script: a node comes up, status shown, Ctrl-C stops it ---
ip link del br-phy 2>/dev/null
setsid "$ROOT/tools/sim-node.sh" "$BUILD" >"$T/sim.out" 2>&1 &
sim=$!
up() { grep -q 'Simulated node is up' "$T/sim.out"; }
check "make run: simulated node up" wait_until 120 up
check "make run: printed the status" grep -q 'dpdk_initialized: true' "$T/sim.out"
check "make run: says where to run dpnodectl" grep -q 'DPNODE_SOCK=/run/dpnode-sim/dpnoded.sock' "$T/sim.out"
simvs=$(cat /run/dpnode-sim/ovs/ovs-vswitchd.pid 2>/dev/null)
simd=$(grep -o 'dpnoded pid [0-9]*' "$T/sim.out" | grep -o '[0-9]*$')
kill -INT -- -"$sim"
wait "$sim" 2>/dev/null
gone() { ! alive "$1"; }
check "make run: Ctrl-C stops dpnoded" wait_until 30 gone "$simd"
check "make run: and OVS (stop_on_exit)" wait_until 30 gone "$simvs"
ip link del dpn-sim0 2>/dev/null
