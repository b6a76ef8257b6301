#!/bin/bash
# Bar chart (PNG) of the latest results of every bench: bench/results/latest.png
set -euo pipefail
R=${RESULTS:-$(cd "$(dirname "$0")" && pwd)/results}
OUT=${1:-$R/latest.png}
DATA=$(mktemp)
trap 'rm -f "$DATA"' EXIT

row() { printf '"%s" %s\n' "$1" "$2" >>"$DATA"; }
if [ -f "$R/app-latest.json" ]; then
	row "guest: dpnode-app" "$(jq .dpnode_app_mpps_median "$R/app-latest.json")"
	row "guest: testpmd" "$(jq .testpmd_mpps_median "$R/app-latest.json")"
fi
if [ -f "$R/pvp-latest.json" ]; then
	row "PVP: ceiling (testpmd)" "$(jq .ceiling_mpps_median "$R/pvp-latest.json")"
	row "PVP: OVS by dpnode" "$(jq .dpnode_mpps_median "$R/pvp-latest.json")"
	row "PVP: OVS Kube-OVN style (NORMAL)" "$(jq .kubeovn_mpps_median "$R/pvp-latest.json")"
	row "PVP: OVS Kube-OVN style, port-pair rules" "$(jq ".kubeovn_pairs_mpps_median // 0" "$R/pvp-latest.json")"
fi
if [ -f "$R/p2p-latest.json" ]; then
	row "pod-pod: OVS br-int" "$(jq .ovs_mpps "$R/p2p-latest.json")"
	row "pod-pod: testpmd loop" "$(jq .testpmd_loop_mpps "$R/p2p-latest.json")"
fi
[ -s "$DATA" ] || { echo "plot: no results in $R (run bench/*.sh first)" >&2; exit 1; }
SIZE=$(cat "$R"/{app,pvp,p2p}-latest.json 2>/dev/null | jq -s 'map(.packet_size) | unique | map(tostring) | join(",")')
gnuplot <<EOT
set terminal pngcairo size 1000,520 font ",10"
set output "$OUT"
set title "dpnode benchmarks, latest results (Mpps, ${SIZE//\"/}-byte packets, higher is better)"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.7
set ylabel "Mpps"
set yrange [0:*]
set grid ytics
set xtics rotate by -25 nomirror
unset key
plot "$DATA" using 2:xtic(1) lc rgb "#3b6ea8", "" using 0:2:(sprintf("%.2f",\$2)) with labels offset 0,0.7
EOT
echo "plot: $OUT"
