#!/bin/bash
# What /metrics costs on a node with N (200) vhost-user ports: the same node
# idle with metrics off (baseline), then with metrics refreshing every second
# and a scraper pulling every second: dpnoded's and ovs-vswitchd's main
# thread CPU over the same window (ratio), and a scrape's latency against a
# `status` call's (ratio) over K scrapes on one keep-alive connection.
. "$(dirname "$0")/lib.sh"

N=${N:-200}
W=${W:-20}
K=${K:-500}
MPORT=$((21000 + $$ % 1000))
DPDK='{"socket_mem": [512], "lcore": "0", "pmd_cores": "1", "extra_args": ["--no-pci"]}'
bench_begin 1024

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# ovs-vswitchd's main thread (the PMD thread spins whatever we do)
vs_main() { echo "/proc/$1/task/$1"; }
window() { # pid vswitchd-pid seconds [scrape-every-second]
	local a b va vb t
	a=$(cpu_ticks "$1")
	va=$(awk '{print $14 + $15}' "$(vs_main "$2")/stat")
	for t in $(seq 1 "$3"); do
		[ -n "${4:-}" ] && curl -sf "http://127.0.0.1:$MPORT/metrics" >/dev/null
		sleep 1
	done
	b=$(cpu_ticks "$1")
	vb=$(awk '{print $14 + $15}' "$(vs_main "$2")/stat")
	jq -n --argjson d $(((b - a) * 1000 / $(getconf CLK_TCK))) \
		--argjson v $(((vb - va) * 1000 / $(getconf CLK_TCK))) --argjson s "$3" \
		'{dpnoded_cpu_ms: $d, vswitchd_main_cpu_ms: $v, seconds: $s}'
}

run() { # metrics-json out
	node_config "$BDIR/node.conf" "$DPDK"
	jq --argjson m "$1" '.metrics = $m' "$BDIR/node.conf" >"$BDIR/node.conf.new" &&
		mv "$BDIR/node.conf.new" "$BDIR/node.conf"
	node_start "$BDIR/node.conf" || return 1
	local vs i
	vs=$(cat "$BDIR/ovs/ovs-vswitchd.pid")
	if [ ! -s "$BDIR/vhost.json" ]; then
		for i in $(seq 1 "$N"); do node_vhost "uid-$i" "n$i" >/dev/null; done
	fi
	sleep 3
	window "$NODE_PID" "$vs" "$W" "$(jq -r 'select(.enabled) | "scrape"' <<<"$1")" >"$2.cpu"
	if jq -e .enabled <<<"$1" >/dev/null; then
		/usr/bin/python3 - "$MPORT" "$K" "$DPNODE_SOCK" >"$2.lat" <<'EOF'
import http.client, json, socket, sys, time
port, k, sock = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
c = http.client.HTTPConnection("127.0.0.1", port)
lat, size = [], 0
for _ in range(k):
    t = time.perf_counter()
    c.request("GET", "/metrics")
    r = c.getresponse()
    size = len(r.read())
    lat.append(time.perf_counter() - t)
st = []
for i in range(k):  # the baseline: one status call over dpnoded's API socket
    t = time.perf_counter()
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    s.sendall(json.dumps({"version": 1, "id": i, "method": "status"}).encode())
    buf = b""
    while True:
        try:
            json.loads(buf)
            break
        except ValueError:
            buf += s.recv(65536)
    s.close()
    st.append(time.perf_counter() - t)
lat.sort(); st.sort()
print(json.dumps({"scrape_p50_ms": lat[k // 2] * 1e3, "scrape_p99_ms": lat[k * 99 // 100] * 1e3,
                  "status_p50_ms": st[k // 2] * 1e3, "page_bytes": size, "scrapes": k}))
EOF
		curl -sf "http://127.0.0.1:$MPORT/metrics" | awk '/^dpnode_metrics_refresh_seconds / {print "{\"refresh_ms\": " $2 * 1000 "}"}' >"$2.refresh"
	fi
	node_stop
}

mark=$(steal_mark)
run '{"enabled": false}' "$BDIR/off" || exit 1
run "{\"enabled\": true, \"listen\": \"127.0.0.1:$MPORT\", \"interval_s\": 1}" "$BDIR/on" || exit 1
steal=$(steal_since "$mark")
json=$(jq -n --slurpfile off "$BDIR/off.cpu" --slurpfile on "$BDIR/on.cpu" --slurpfile lat "$BDIR/on.lat" \
	--slurpfile rf "$BDIR/on.refresh" --argjson n "$N" --argjson steal "$steal" --argjson m "$(machine_json)" '
	def r(a; b): if b > 0 then (a / b * 100 | round / 100) else null end;
	{ports: $n, metrics_off: $off[0], metrics_on: $on[0], scrape: $lat[0], refresh_ms: $rf[0].refresh_ms,
	 dpnoded_cpu_ratio: r($on[0].dpnoded_cpu_ms; $off[0].dpnoded_cpu_ms),
	 dpnoded_cpu_ms_per_refresh: (($on[0].dpnoded_cpu_ms - $off[0].dpnoded_cpu_ms) / $on[0].seconds),
	 vswitchd_main_cpu_ms_per_refresh: (($on[0].vswitchd_main_cpu_ms - $off[0].vswitchd_main_cpu_ms) / $on[0].seconds),
	 scrape_vs_status_ratio: r($lat[0].scrape_p50_ms; $lat[0].status_p50_ms),
	 steal_pct: $steal, machine: $m}')
save_result metrics "$json"
echo "$json"
echo "metrics: $N ports, refresh every 1 s + 1 scrape/s: dpnoded CPU $(jq .metrics_on.dpnoded_cpu_ms <<<"$json") ms" \
	"vs $(jq .metrics_off.dpnoded_cpu_ms <<<"$json") ms off over ${W} s ($(jq .dpnoded_cpu_ms_per_refresh <<<"$json") ms/refresh," \
	"vswitchd main $(jq .vswitchd_main_cpu_ms_per_refresh <<<"$json") ms/refresh); scrape p50" \
	"$(jq .scrape.scrape_p50_ms <<<"$json" | cut -c1-5) ms vs status p50 $(jq .scrape.status_p50_ms <<<"$json" | cut -c1-5) ms:" \
	"ratio=$(jq .scrape_vs_status_ratio <<<"$json"); page $(jq .scrape.page_bytes <<<"$json") B (steal $steal %)"
