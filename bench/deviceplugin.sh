#!/bin/bash
# Device plugin latencies (see deviceplugin.py): Allocate p50/p99 over 10000
# calls next to a no-op RPC, and hotplug-to-stream latency. CALLS= HOTPLUG= to
# change the counts. Results in bench/results/deviceplugin-*.json.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
case $BUILD in /*) ;; *) BUILD=$BENCH_ROOT/$BUILD ;; esac
json=$(BUILD=$BUILD umockdev-wrapper /usr/bin/python3 "$BENCH_ROOT/bench/deviceplugin.py" |
	jq -c --argjson m "$(machine_json)" '.machine = $m')
echo "$json" | jq .
save_result deviceplugin "$json"
echo "deviceplugin: Allocate p50 $(jq .allocate_us.p50 <<<"$json") us p99 $(jq .allocate_us.p99 <<<"$json") us" \
	"(no-op RPC p50 $(jq .noop_rpc_us.p50 <<<"$json") us; ratio=$(jq .allocate_over_noop_p50 <<<"$json"));" \
	"hotplug->stream p50 $(jq .hotplug_to_stream_ms.p50 <<<"$json") ms p99 $(jq .hotplug_to_stream_ms.p99 <<<"$json") ms"
