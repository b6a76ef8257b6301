#!/bin/bash
# Pod-burst scale: N vhost-user ports added with C concurrent dpnode-cni ADDs
# (what kubelet does when many pods start), against the same N ports added
# the way Kube-OVN's CNI daemon does it, one `ovs-vsctl add-port` process per
# port at the same concurrency, from the same starting state in the same run.
# An ADD ends when its port has an OpenFlow port (dpnode-cni waits for it; the
# ovs-vsctl way gets `--wait=hv`-like behaviour from waiting on ofport too).
# Prints JSON: totals, p50/p99 per ADD, ratio, dpnoded's RSS (right after
# the burst and once idle) and idle CPU.
. "$(dirname "$0")/lib.sh"

N=${N:-1000}
C=${C:-16}
CNI=$BENCH_ROOT/$BUILD/cni/dpnode-cni
DPDK='{"socket_mem": [512], "lcore": "0", "pmd_cores": "1", "extra_args": ["--no-pci"]}'
bench_begin 1024
UPLINK_DEVARGS=net_null0,no-rx=1

vsctl() { ovs-vsctl --db="unix:$BDIR/ovs/db.sock" --timeout=60 "$@"; }
# bash's own clock, read without a fork (a `date` or `$(...)` per reading is a
# process: thousands per burst, seconds of CPU taken from the daemons measured)
ms_now() { echo $((${EPOCHREALTIME/./} / 1000)); }

# One pod's ADD through dpnode-cni; prints its latency in ms.
cni_add() { # i
	local t0=${EPOCHREALTIME/./}
	CNI_COMMAND=ADD CNI_CONTAINERID=c$1 CNI_NETNS=/x CNI_IFNAME=net1 CNI_PATH=/x \
		CNI_ARGS="K8S_POD_NAMESPACE=bench;K8S_POD_NAME=p$1;K8S_POD_UID=u$1" "$CNI" >/dev/null \
		<<<"{\"cniVersion\": \"1.0.0\", \"name\": \"b\", \"type\": \"dpnode-cni\",
		   \"server_socket\": \"$BDIR/dpnoded.sock\", \"vhost_user_socket_volume_name\": \"v\",
		   \"vhost_user_socket_name\": \"s\"}" || echo "bench: ADD $1 failed" >&2
	echo $(((${EPOCHREALTIME/./} - t0) / 1000))
}

# The same port the Kube-OVN way: one ovs-vsctl per port, then its ofport.
vsctl_add() { # i
	local t0=${EPOCHREALTIME/./} p=kv$1
	vsctl add-port br-int "$p" -- set Interface "$p" type=dpdkvhostuserclient \
		"options:vhost-server-path=$BDIR/kv/$1/s" external_ids:iface-id="p$1.bench" \
		external_ids:pod_name="p$1" external_ids:pod_namespace=bench
	# a port OVS refused never gets one: counted as failed after 60 s
	until [ "$(vsctl get Interface "$p" ofport 2>/dev/null)" -gt 0 ] 2>/dev/null; do
		[ $((${EPOCHREALTIME/./} - t0)) -gt 60000000 ] &&
			{ echo "bench: $p has no ofport after 60 s" >&2 && return; }
		sleep 0.05
	done
	echo $(((${EPOCHREALTIME/./} - t0) / 1000))
}

# N calls of FN at C at a time, the way a container runtime or Kube-OVN's CNI
# daemon makes them: long-lived callers that fork and exec one process per
# pod (a new bash per ADD cost ~4 CPU-s per 1000 here, more than dpnoded).
burst() { # fn
	local k i pids=()
	for ((k = 1; k <= C; k++)); do
		for ((i = k; i <= N; i += C)); do "$1" "$i"; done &
		pids+=($!)
	done
	wait "${pids[@]}" # not the node, also a child of this shell
}

stats() { # file of ms -> {p50, p99, max}
	sort -n "$1" | jq -s '{p50_ms: .[(length * 0.5 | floor)], p99_ms: .[(length * 0.99 | floor)],
		max_ms: .[-1], n: length}'
}
# utime + stime of a stat file (comm may hold spaces: count from the end of it)
stat_ticks() { sed 's/.*) //' "$1" | awk '{print $12 + $13}'; }
cpu_ticks() { stat_ticks "/proc/$1/stat"; }
thread_ticks() { stat_ticks "/proc/$1/task/$2/stat"; } # pid tid
ticks_ms() { echo $((($1 - $2) * 1000 / $(getconf CLK_TCK))); } # now then
pmd_ticks() { # pid -> ticks of its pmd threads
	local t sum=0
	for t in /proc/$1/task/*; do
		grep -q '^pmd' "$t/comm" 2>/dev/null && sum=$((sum + $(thread_ticks "$1" "${t##*/}")))
	done
	echo "$sum"
}
txns() { "$CTL" status --json | jq .reconcile.transactions; } # dpnoded's OVSDB transactions
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
idle_cpu_pct() { # pid seconds
	local a b
	a=$(cpu_ticks "$1")
	sleep "$2"
	b=$(cpu_ticks "$1")
	awk -v a="$a" -v b="$b" -v s="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", (b - a) * 100 / (s * hz)}'
}

run_dpnode() {
	node_config "$BDIR/node.conf" "$DPDK"
	node_start "$BDIR/node.conf" || return 1
	local t0 t1 vs db c0 v0 m0 p0 d0 b0 x0
	vs=$(cat "$BDIR/ovs/ovs-vswitchd.pid")
	db=$(cat "$BDIR/ovs/ovsdb-server.pid")
	x0=$(txns)
	c0=$(cpu_ticks "$NODE_PID") v0=$(cpu_ticks "$vs") m0=$(thread_ticks "$vs" "$vs")
	p0=$(pmd_ticks "$vs") d0=$(cpu_ticks "$db") b0=$(busy_ticks)
	t0=$(ms_now)
	burst cni_add >"$BDIR/dpnode.ms"
	t1=$(ms_now)
	local cpu_d cpu_v cpu_m cpu_p cpu_db cpu_all
	cpu_d=$(ticks_ms "$(cpu_ticks "$NODE_PID")" "$c0") cpu_v=$(ticks_ms "$(cpu_ticks "$vs")" "$v0")
	cpu_m=$(ticks_ms "$(thread_ticks "$vs" "$vs")" "$m0") cpu_p=$(ticks_ms "$(pmd_ticks "$vs")" "$p0")
	cpu_db=$(ticks_ms "$(cpu_ticks "$db")" "$d0") cpu_all=$(ticks_ms "$(busy_ticks)" "$b0")
	local rss idle n_txns
	rss=$(awk '/^VmRSS/ {print $2}' "/proc/$NODE_PID/status")
	# after the RSS: a status of 1000 ports is itself a few MB of JSON
	n_txns=$(($(txns) - x0))
	# idle: once the burst's tail (the last replica updates, vswitchd's first
	# statistics of the new ports) has passed, over a longer window
	sleep "${IDLE_SETTLE_S:-10}"
	idle=$(idle_cpu_pct "$NODE_PID" "${IDLE_S:-20}")
	# and once it has settled (freed memory handed back, nobody reading)
	local rss_idle
	rss_idle=$(awk '/^VmRSS/ {print $2}' "/proc/$NODE_PID/status")
	jq -n --argjson s "$(stats "$BDIR/dpnode.ms")" --argjson total "$((t1 - t0))" \
		--argjson rss "$rss" --argjson ri "$rss_idle" --argjson idle "$idle" \
		--argjson cd "$cpu_d" --argjson cv "$cpu_v" --argjson cm "$cpu_m" --argjson cp "$cpu_p" \
		--argjson cdb "$cpu_db" --argjson ca "$cpu_all" --argjson nt "$n_txns" \
		'$s + {total_ms: $total, rss_kb: $rss, rss_idle_kb: $ri, idle_cpu_pct: $idle, ovsdb_txns: $nt,
		       dpnoded_cpu_ms: $cd, vswitchd_cpu_ms: $cv,
		       cpu_ms: {all: $ca, dpnoded: $cd, vswitchd_main: $cm, vswitchd_pmd: $cp,
		                vswitchd_other: ($cv - $cm - $cp), ovsdb_server: $cdb,
		                rest: ($ca - $cd - $cv - $cdb)}}' >"$BDIR/dpnode.json"
	node_stop
}

run_vsctl() {
	node_config "$BDIR/node.conf" "$DPDK"
	node_start "$BDIR/node.conf" || return 1
	local t0 t1
	seq -f "$BDIR/kv/%g" 1 "$N" | xargs mkdir -p
	t0=$(ms_now)
	burst vsctl_add >"$BDIR/vsctl.ms"
	t1=$(ms_now)
	jq -n --argjson s "$(stats "$BDIR/vsctl.ms")" --argjson total "$((t1 - t0))" \
		--argjson failed "$((N - $(wc -l <"$BDIR/vsctl.ms")))" \
		'$s + {total_ms: $total, failed: $failed}' >"$BDIR/vsctl.json"
	node_stop
}

mark=$(steal_mark)
run_dpnode || exit 1
# ONLY=dpnode skips the baseline while iterating (no ratio then)
if [ "${ONLY:-}" = dpnode ]; then jq . "$BDIR/dpnode.json"; exit 0; fi
run_vsctl || exit 1
steal=$(steal_since "$mark")
json=$(jq -n --slurpfile d "$BDIR/dpnode.json" --slurpfile v "$BDIR/vsctl.json" \
	--argjson n "$N" --argjson c "$C" --argjson steal "$steal" --argjson m "$(machine_json)" '
	{n: $n, concurrency: $c, dpnode: $d[0], ovs_vsctl: $v[0], steal_pct: $steal, machine: $m,
	 ratio: (if $d[0].total_ms > 0 then ($v[0].total_ms / $d[0].total_ms * 1000 | round / 1000) else 0 end)}')
save_result ports "$json"
echo "$json"
echo "ports: $N ports, $C at a time: dpnode $(jq .dpnode.total_ms <<<"$json") ms" \
	"(p50 $(jq .dpnode.p50_ms <<<"$json") ms, p99 $(jq .dpnode.p99_ms <<<"$json") ms)," \
	"ovs-vsctl $(jq .ovs_vsctl.total_ms <<<"$json") ms; ratio=$(jq .ratio <<<"$json")" \
	"rss=$(jq .dpnode.rss_kb <<<"$json") kB ($(jq .dpnode.rss_idle_kb <<<"$json") kB idle)" \
	"idle_cpu=$(jq .dpnode.idle_cpu_pct <<<"$json") %" \
	"(steal $steal %)"
