# Shared by the benchmarks: CPU 1 forwards (testpmd or the OVS PMD), CPU 0
# runs the guest. Every bench compares against a baseline measured in the
# same invocation, because the machine is shared and noisy.
set -uo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
APP=$BENCH_ROOT/$BUILD/dpdk-app/dpnode-app
SIZE=${SIZE:-64}
# The uplink everywhere: an endless source and sink. copy=1 writes every
# packet (zeros) as a NIC's DMA would; without it a "received" mbuf keeps
# whatever the last packet in it held, which gives OVS's NORMAL switching
# flows that no real traffic has.
NULL_DEVARGS="net_null0,size=$SIZE,copy=1"
SECS=${SECS:-8}     # measuring window per run
ROUNDS=${ROUNDS:-3} # alternating rounds; the median counts
RESULTS=${RESULTS:-$BENCH_ROOT/bench/results}
mkdir -p "$RESULTS"

bench_hugepages() {
	mountpoint -q /dev/hugepages || { mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages; }
	[ "$(cat /proc/sys/vm/nr_hugepages)" -ge "$1" ] || echo "$1" >/proc/sys/vm/nr_hugepages
}

# Time the hypervisor gave to others ("steal") on CPUs 0-1. On a shared VM
# the rates swing with it (from none to most of a window), so every measured
# window reports its share, and ratios are taken over the rounds where it
# stayed at or under STEAL_MAX % (all rounds, flagged, if none did).
STEAL_MAX=${STEAL_MAX:-2}
steal_ticks() { awk '/^cpu[01] / {s += $9} END {print s + 0}' /proc/stat; }
steal_mark() { echo "$(steal_ticks) $(date +%s%N)"; }
steal_since() { # mark -> % of the two CPUs' time since it was taken
	local a t0
	read -r a t0 <<<"$1"
	awk -v a="$a" -v b="$(steal_ticks)" -v t0="$t0" -v t1="$(date +%s%N)" -v hz="$(getconf CLK_TCK)" \
		'BEGIN {s = (t1 - t0) / 1e9; printf "%.1f", (s > 0 ? (b - a) * 100 / (2 * s * hz) : 0)}'
}
max_of() { printf '%s\n' "$@" | sort -g | tail -1; }
# jq for benches in rounds: an array of round objects, each with its "steal"
JQ_ROUNDS='def median: sort | if length == 0 then 0 elif length % 2 == 1 then .[length / 2 | floor]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	def r3: . * 1000 | round / 1000;
	def per($x; $y): if $y > 0 then $x / $y else 0 end;
	def clean($max): (map(select(.steal <= $max))) as $c | if ($c | length) > 0 then $c else . end;
	def rounds_meta($max): {rounds: ., steal_max_pct: $max,
		clean_rounds: (map(select(.steal <= $max)) | length),
		noisy: (length > 0 and all(.[]; .steal > $max))};'
# "N of M rounds with steal <= X %" for a summary line, from a bench's JSON
steal_note() {
	jq -r '"\(.clean_rounds) of \(.rounds | length) rounds with steal <= \(.steal_max_pct) %"
		+ (if .noisy then ": all used, NOISY" else "" end)' <<<"$1"
}

machine_json() {
	jq -n --arg cpu "$(lscpu | sed -n 's/^Model name: *//p' | head -1)" --arg kernel "$(uname -r)" \
		--argjson cores "$(nproc)" --arg dpdk "$(pkg-config --modversion libdpdk)" \
		--arg ovs "$(ovs-vswitchd --version | head -1 | awk '{print $NF}')" \
		'{cpu: $cpu, cores: $cores, kernel: $kernel, dpdk: $dpdk, ovs: $ovs}'
}
save_result() { # name json
	local ts
	ts=$(date -u +%Y%m%dT%H%M%SZ)
	echo "$2" | jq . >"$RESULTS/$1-$ts.json"
	cp "$RESULTS/$1-$ts.json" "$RESULTS/$1-latest.json"
}

# The testpmd forwarder on CPU 1 (interactive, driven through fd 8).
fw_start() { # dir args...
	local dir=$1
	shift
	mkfifo "$dir/fw.in"
	exec 8<>"$dir/fw.in"
	stdbuf -oL dpdk-testpmd --lcores 0@1,1@1 --no-pci --file-prefix=dpnbenchfw$$ --single-file-segments \
		-m 512 "$@" -- -i --forward-mode=io --total-num-mbufs=32768 --burst=32 \
		<"$dir/fw.in" >"$dir/fw.out" 2>&1 &
	FW_PID=$!
}
fw_cmd() { echo "$1" >&8; }
# RX packets on a forwarder port so far
fw_rx() {
	local before
	before=$(grep -c 'RX-packets' "$BDIR/fw.out")
	fw_cmd "show port stats $1"
	for _ in $(seq 1 30); do
		[ "$(grep -c 'RX-packets' "$BDIR/fw.out")" -gt "$before" ] && break
		sleep 0.1
	done
	grep -o 'RX-packets: *[0-9]*' "$BDIR/fw.out" | tail -1 | grep -o '[0-9]*$'
}
fw_stop() {
	[ -n "${FW_PID:-}" ] || return 0
	fw_cmd quit
	sleep 1
	kill -KILL "$FW_PID" 2>/dev/null
	wait "$FW_PID" 2>/dev/null
	FW_PID=
	rm -f /dev/hugepages/dpnbenchfw$$* 2>/dev/null
}

# --- a dpnoded node for the OVS benches -----------------------------------
DPNODED=${DPNODED:-$BENCH_ROOT/$BUILD/daemon/dpnoded}
CTL=$BENCH_ROOT/$BUILD/tools/dpnodectl
NODE_PID=

node_config() { # file ovs-dpdk-json [vhostuser-extra-json]
	jq -n --arg d "$BDIR" --argjson dpdk "$2" --argjson vx "${3:-{\}}" --argjson ox "${BENCH_OVS:-{\}}" --arg up "${UPLINK_DEVARGS:-$NULL_DEVARGS}" '{
	  api: {socket: ($d + "/dpnoded.sock")},
	  hugepages: {page_size: "2M", mb_per_numa: [1536]},
	  ovs: ({mode: "managed", run_dir: ($d + "/ovs"), db_file: ($d + "/ovs/conf.db"),
	        log_dir: ($d + "/log"), dpdk: $dpdk, stop_on_exit: true} + $ox),
	  uplink: {ports: [{name: "dpdk0", devargs: $up}]},
	  integration: {bridge: "br-int", uplink_patch: true},
	  vhostuser: ({socket_root: ($d + "/vs"), state_file: ($d + "/vhost.json")} + $vx)}' >"$1"
}

node_start() { # config
	export DPNODE_SOCK=$BDIR/dpnoded.sock
	"$DPNODED" --config "$1" --foreground >>"$BDIR/dpnoded.log" 2>&1 &
	NODE_PID=$!
	for _ in $(seq 1 300); do
		"$CTL" status --json 2>/dev/null | jq -e '.reconcile.converged' >/dev/null && return 0
		sleep 0.2
	done
	echo "bench: node did not converge; see $BDIR/dpnoded.log" >&2
	return 1
}

node_stop() {
	[ -n "$NODE_PID" ] || return 0
	kill -TERM "$NODE_PID" 2>/dev/null
	wait "$NODE_PID" 2>/dev/null
	NODE_PID=
	for p in ovs-vswitchd ovsdb-server; do # stop_on_exit did it; make sure
		local pid
		pid=$(cat "$BDIR/ovs/$p.pid" 2>/dev/null)
		[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	done
	ip link del br-phy 2>/dev/null
	ip link del br-int 2>/dev/null
	rm -rf "$BDIR/ovs" "$BDIR/log" "$BDIR/vs" "$BDIR"/vhost.json* # the state and its journals
}

# A vhost-user port for a pod; prints the socket path.
node_vhost() { # pod-uid ifname
	"$CTL" vhost add --pod-uid "$1" --namespace bench --pod "bench-$2" --ifname "$2" --volume v \
		--socket-name "$2" --json | jq -r .socket_path
}

ofctl_flow() { # bridge flow
	ovs-ofctl add-flow "unix:$(ls "$BDIR"/ovs/"$1".mgmt)" "$2"
}
# Datapath flows go once the OpenFlow rules are in: net_null sends from the
# moment its port exists, and a megaflow installed meanwhile under the
# default NORMAL rule (exact MACs) would be kept with new actions, which
# keeps OVS off its simple-match fast path for that port for the whole run.
dp_purge() { ovs-appctl -t "$(ls "$BDIR"/ovs/ovs-vswitchd*.ctl)" revalidator/purge; }

# Port-to-port forwarding, what OVN would program for a port pair.
ofctl_pair() { # bridge a b
	ofctl_flow "$1" "in_port=$2,actions=output:$3"
	ofctl_flow "$1" "in_port=$3,actions=output:$2"
	dp_purge
}

# NORMAL switching on br-int (a node without OVN flows). net_null's frames
# are all zeros, so MAC 00:00:00:00:00:00 would be learned on the uplink and
# its frames dropped there: they get addresses on the way in (traffic from a
# NIC has them), and the macswap guest's replies teach NORMAL both.
ofctl_normal() {
	ofctl_flow br-phy "in_port=dpdk0,actions=mod_dl_src:02:00:00:00:00:01,mod_dl_dst:02:00:00:00:00:02,output:patch-phy-int"
	ofctl_flow br-phy "in_port=patch-phy-int,actions=output:dpdk0"
	dp_purge
}

# dpnode-app as guest/pod on CPU 0 for a measured window: its stats JSON in
# the given file, the steal share of the run in file.steal.
app_run() { # out-json args...
	local out=$1
	shift
	local mark
	mark=$(steal_mark)
	taskset -c 0 "$APP" --no-env --devinfo-dir /nonexistent --network-status /nonexistent \
		--file-prefix dpnbenchg$$ --mem 256 --warmup 3 --duration "$SECS" --stats-period 0 \
		--stats-json "$out" "$@" >>"$BDIR/app.out" 2>&1
	steal_since "$mark" >"$out.steal"
	rm -f /dev/hugepages/dpnbenchg$$* 2>/dev/null
}

# A bench's temp dir, hugepages, and everything it starts stopped on exit.
GUEST=
bench_begin() { # hugepages (2 MB pages)
	BDIR=$(mktemp -d /tmp/dpnbench.XXXXXX)
	trap bench_end EXIT
	bench_hugepages "$1"
}
bench_end() {
	[ -n "$GUEST" ] && kill -KILL "$GUEST" 2>/dev/null
	fw_stop
	node_stop
	rm -f /dev/hugepages/dpnbenchg$$* 2>/dev/null
	rm -rf "$BDIR"
}
