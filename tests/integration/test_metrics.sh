#!/bin/bash
# /metrics scraped by Debian's Prometheus: a node with two vhost-user ports
# and traffic on its uplink, a Prometheus server on loopback scraping it
# every second, series read back through Prometheus' HTTP API with the
# values the node has; promtool checks the page; scrapes never make dpnoded
# ask OVS more than once per interval; a port in use is said, not fatal.
. "$(dirname "$0")/lib.sh"

MPORT=$((19000 + $$ % 1000))
PPORT=$((20000 + $$ % 1000))
PROM_PID=
it_setup
trap 'prom_stop; it_cleanup' EXIT
prom_stop() { [ -n "$PROM_PID" ] && kill "$PROM_PID" 2>/dev/null && wait "$PROM_PID" 2>/dev/null; PROM_PID=; }
write_config "$T/node.json" ".vhostuser = {\"socket_root\": \"$T/vs\", \"kubelet_dir\": \"$T/kubelet\",
	\"state_file\": \"$T/vhost.json\"} | .metrics = {\"listen\": \"127.0.0.1:$MPORT\", \"interval_s\": 1}"
it_start
it_wait_converged 90 || exit 1

for i in 1 2; do
	"$CTL" vhost add --pod-uid "uid-$i" --namespace shop --pod "web-$i" --ifname net1 --volume v \
		--socket-name s >/dev/null
done
ip netns exec "$NS" ping -c 5 -i 0.2 -W 1 "$ENCAP_IP" >/dev/null
sleep 6 # OVS writes Interface statistics every 5 s

page() { curl -sf "http://127.0.0.1:$MPORT/metrics"; }
check "GET /metrics: 200 with the Prometheus text type" bash -c \
	"curl -sfi http://127.0.0.1:$MPORT/metrics | grep -qi '^Content-Type: text/plain; version=0.0.4'"
page >"$T/page.txt"
if promtool check metrics <"$T/page.txt" >"$T/promtool.txt" 2>&1; then
	ok "promtool check metrics: the page is valid, no lint findings"
else
	notok "promtool check metrics"
	sed 's/^/# /' "$T/promtool.txt" | head -20
fi
check_eq "other paths: 404" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MPORT/")" 404
echo "# page: $(wc -l <"$T/page.txt") lines, $(grep -c '^# TYPE' "$T/page.txt") families"

# --- Prometheus scrapes it ---
mkdir -p "$T/prom"
cat >"$T/prom/prometheus.yml" <<EOT
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: dpnode
    static_configs: [{targets: ["127.0.0.1:$MPORT"]}]
EOT
prometheus --config.file="$T/prom/prometheus.yml" --storage.tsdb.path="$T/prom/data" \
	--web.listen-address="127.0.0.1:$PPORT" >"$T/prom/prometheus.log" 2>&1 &
PROM_PID=$!
# q PROMQL: the first result's value, "" when none
q() {
	curl -sf --get "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode "query=$1" |
		jq -r '.data.result[0].value[1] // ""'
}
up() { [ "$(q 'up{job="dpnode"}')" = 1 ]; }
check "prometheus: the target is up" wait_until 60 up
check_eq "prometheus: dpnode_dpdk_initialized" "$(q dpnode_dpdk_initialized)" 1
check_eq "prometheus: dpnode_vhost_ports" "$(q dpnode_vhost_ports)" 2
check_eq "prometheus: vhost.add calls ok" "$(q 'dpnode_cni_requests_total{method="add",result="ok"}')" 2
check_eq "prometheus: the add latency histogram counted both" \
	"$(q 'dpnode_cni_request_duration_seconds_count{method="add"}')" 2
check_eq "prometheus: a vhost port by pod and namespace" \
	"$(q 'count(dpnode_port_rx_packets_total{bridge="br-int",pod="web-1",namespace="shop",type="dpdkvhostuserclient"})')" 1
check_eq "prometheus: hugepages of NUMA 0 as the kernel counts them" \
	"$(q 'dpnode_hugepages_pages{numa="0",page_size_bytes="2097152"}')" \
	"$(cat /sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages)"
echo "# prometheus query: $(curl -sf --get "http://127.0.0.1:$PPORT/api/v1/query" \
	--data-urlencode 'query=dpnode_port_rx_packets_total{interface="dpdk0"}' | jq -c .data.result)"
echo "# prometheus query: $(curl -sf --get "http://127.0.0.1:$PPORT/api/v1/query" \
	--data-urlencode 'query=sum by (state) (dpnode_pmd_cycles_total)' | jq -c '[.data.result[] | {(.metric.state): .value[1]}] | add')"
rx=$(q 'dpnode_port_rx_packets_total{interface="dpdk0"}')
check "prometheus: the uplink received the pings (rx_packets $rx)" [ "${rx:-0}" -ge 5 ]
check_eq "prometheus: the PMD on core 1 has its cycles" \
	"$(q 'count(dpnode_pmd_cycles_total{core="1"})')" 2
check "prometheus: rx queue placement (dpdk0 on a PMD)" \
	[ -n "$(q 'dpnode_pmd_rxq_usage_ratio{port="dpdk0"}')" ]
check_eq "prometheus: module states" "$(q 'dpnode_module_state{module="ovs",state="ok"}')" 1
check_eq "prometheus: vswitchd restarts before" \
	"$(q 'dpnode_process_restarts_total{process="ovs-vswitchd"}')" 0
kill -KILL "$(pidfile_pid ovs-vswitchd)"
restarted() { [ "$(q 'dpnode_process_restarts_total{process="ovs-vswitchd"}')" = 1 ]; }
check "prometheus: kill -9 ovs-vswitchd shows as a restart" wait_until 60 restarted
echo "# prometheus: $(curl -sf --get "http://127.0.0.1:$PPORT/api/v1/query" \
	--data-urlencode 'query=dpnode_process_restarts_total' | jq -c '[.data.result[] | {(.metric.process): .value[1]}] | add')"
prom_stop

# --- scrapes cost OVS nothing: 200 scrapes in a second, refreshes stay per interval ---
r0=$(st .metrics.refreshes)
t0=$(date +%s%N)
for _ in $(seq 1 200); do page >/dev/null; done
t1=$(date +%s%N)
r1=$(st .metrics.refreshes)
secs=$(((t1 - t0) / 1000000000 + 1))
check "200 scrapes in $(((t1 - t0) / 1000000)) ms caused no extra refresh ($((r1 - r0)) refreshes in ${secs} s)" \
	[ $((r1 - r0)) -le $((secs + 1)) ]

# --- the port is taken: the metrics module degraded, the node fine ---
it_stop_dpnoded
/usr/bin/python3 -c "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $MPORT)); s.listen(); time.sleep(120)" &
HOLD=$!
sleep 0.5
it_start
it_wait_converged 60
check_eq "port in use: the metrics module is degraded" "$(st .modules.metrics.state)" degraded
check "port in use: status says why" bash -c "$CTL status --json | jq -r .modules.metrics.error | grep -q 'cannot listen on 127.0.0.1:$MPORT'"
check_eq "port in use: the datapath converged all the same" "$(st .reconcile.converged)" true
kill "$HOLD"
wait "$HOLD" 2>/dev/null
it_stop_dpnoded
[ "$N_FAIL" -eq 0 ]
