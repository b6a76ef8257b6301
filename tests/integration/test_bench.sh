#!/bin/bash
# The benchmarks still run and measure something (short windows, one round,
# results to a temp dir). Nothing here asserts a rate: benches report ratios,
# tests do not time.
. "$(dirname "$0")/lib.sh"

R=$(mktemp -d /tmp/dpnit.XXXXXX)
trap 'rm -rf "$R"' EXIT
export RESULTS=$R SECS=2 ROUNDS=1 BUILD

out=$(bash "$ROOT/bench/app.sh" 2>&1)
check "bench app: summary line with a ratio" grep -qE '^app: .* ratio=[0-9.]+' <<<"$out"
check "bench app: both guests measured" jq -e '.dpnode_app_mpps_median > 0 and .testpmd_mpps_median > 0' "$R/app-latest.json"
check "bench app: both guests' cycles per packet" jq -e '.dpnode_app_cycles_median > 0 and .testpmd_cycles_median > 0' "$R/app-latest.json"
check "bench app: every round's ratio and the count at target" \
	jq -e '(.round_ratios | length) == 1 and .rounds_at_target <= 1' "$R/app-latest.json"
check "bench app: every round records the hypervisor's steal" \
	jq -e '(.rounds | length) == 1 and (.rounds | all(.steal >= 0)) and (.noisy | type) == "boolean"' "$R/app-latest.json"
out=$(bash "$ROOT/bench/pvp.sh" 2>&1)
check "bench pvp: summary line with ratios" grep -qE '^pvp: .*dpnode/ceiling=[0-9.]+' <<<"$out"
check "bench pvp: all four switches measured" \
	jq -e '.ceiling_mpps_median > 0 and .dpnode_mpps_median > 0 and .kubeovn_mpps_median > 0 and .kubeovn_pairs_mpps_median > 0' "$R/pvp-latest.json"
check "bench pvp: per-round ratios and steal" \
	jq -e '(.dpnode_round_ratios | length) == 1 and (.rounds | all(.steal >= 0))' "$R/pvp-latest.json"
out=$(bash "$ROOT/bench/p2p.sh" 2>&1)
check "bench p2p: summary line" grep -qE '^p2p: OVS br-int [0-9.]+ Mpps' <<<"$out"
check "bench p2p: throughput and latency percentiles" \
	jq -e '.ovs_mpps > 0 and .testpmd_loop_mpps > 0 and .ovs_latency_ns.p99 >= .ovs_latency_ns.p50' "$R/p2p-latest.json"
check "bench p2p: latency with a paced sender too" \
	jq -e '.ovs_paced_latency_ns.p50 > 0 and .testpmd_loop_paced_latency_ns.p50 > 0 and .ovs_steal_pct >= 0' "$R/p2p-latest.json"
out=$(CALLS=200 HOTPLUG=2 bash "$ROOT/bench/deviceplugin.sh" 2>&1)
check "bench deviceplugin: summary line" grep -qE '^deviceplugin: Allocate p50 [0-9.]+ us' <<<"$out"
check "bench deviceplugin: Allocate, no-op and hotplug latencies" \
	jq -e '.calls == 200 and .allocate_us.p99 >= .allocate_us.p50 and .noop_rpc_us.p50 > 0 and .hotplug_events == 4' "$R/deviceplugin-latest.json"
# a burst wider than the old API connection cap: every ADD answered
N=300 C=300 IDLE_S=1 IDLE_SETTLE_S=0 ONLY=dpnode bash "$ROOT/bench/ports.sh" >"$R/ports.json" 2>"$R/ports.err"
check "bench ports: 300 ADDs at once, none failed" bash -c "! grep 'ADD .* failed' '$R/ports.err'"
check "bench ports: latencies, CPU and transactions" \
	jq -e '.n == 300 and .p99_ms >= .p50_ms and .cpu_ms.dpnoded > 0 and .ovsdb_txns > 0' "$R/ports.json"
out=$(bash "$ROOT/bench/plot.sh" "$R/plot.png" 2>&1 && cd "$R" && ls)
check "bench plot: PNG drawn" bash -c "file '$R/plot.png' | grep -q PNG"
check "no dpnode bench processes left" bash -c "! pgrep -f 'file-prefix=[d]pnbench' >/dev/null"
