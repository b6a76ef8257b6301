#!/bin/bash
# dpnodectl doctor on this machine (every check answers, the exit code
# follows the failures) and on the vendors' sysfs layouts (umockdev): the
# PMD check against this DPDK build (Debian's 22.11: mlx5 and nfp, not xsc).
. "$(dirname "$0")/lib.sh"

FIX=$ROOT/tests/fixtures/sriov
export DPNODE_NIC_TABLE=$ROOT/conf/nics.json
T=$(mktemp -d /tmp/dpnit.XXXXXX)
trap 'rm -rf "$T"' EXIT

"$CTL" doctor --json >"$T/here.json"
rc=$?
check_eq "this machine: ten checks, each pass/warn/fail/skip" \
	"$(jq -c '[.checks[] | select(.result | test("^(pass|warn|fail|skip)$"))] | length' "$T/here.json")" 10
check_eq "this machine: exit 1 exactly when a check fails" "$rc" \
	"$(jq 'if .failed > 0 then 1 else 0 end' "$T/here.json")"
check "this machine: every warn/fail says the fix" \
	[ "$(jq '[.checks[] | select(.result == "warn" or .result == "fail") | select(.fix == "")] | length' "$T/here.json")" = 0 ]
jq -r '.checks[] | "# \(.result)\t\(.check): \(.saw)"' "$T/here.json"
"$CTL" doctor | grep -q '^PASS\|^WARN\|^FAIL\|^SKIP'
check_eq "text output: one line per check" "$("$CTL" doctor | grep -cE '^(PASS|WARN|FAIL|SKIP) ')" 10

doctor() { umockdev-run --device "$FIX/$1.umockdev" -- "$CTL" doctor --json | jq -c "$2"; }
check "mlx5 testbed: both PFs have their PMD in this DPDK" bash -c \
	"$(declare -f doctor); FIX=$FIX CTL=$CTL doctor mellanox '.checks[] | select(.check == \"dpdk-pmds\")' |
	 jq -e '.result == \"pass\" and (.saw | test(\"0000:3b:00.0 .*net_mlx5 in this DPDK\"))' >/dev/null"
check "xsc testbed: Debian's DPDK lacks net_xsc, said with where it is" bash -c \
	"$(declare -f doctor); FIX=$FIX CTL=$CTL doctor yunsilicon '.checks[] | select(.check == \"dpdk-pmds\")' |
	 jq -e '.result == \"warn\" and (.saw | test(\"net_xsc missing from this DPDK - in upstream DPDK from 25.03\"))' >/dev/null"
printf '{"uplink": {"ports": [{"name": "dpdk0", "pci": "0000:3b:00.0"}]}, "ovs": {"hw_offload": true}}' >"$T/mlx.json"
out=$(umockdev-run --device "$FIX/mellanox.umockdev" -- "$CTL" doctor --json --config "$T/mlx.json")
check_eq "mlx5 testbed, offload asked: the PFs' eswitch mode is checked" \
	"$(jq -r '.checks[] | select(.check == "offload") | .result' <<<"$out")" \
	"$(jq -r 'if ([.checks[] | select(.check == "offload") | .saw | test("eswitch legacy|eswitch unknown")] | any) then "fail" else "pass" end' <<<"$out")"
echo "# offload on the mlx5 testbed: $(jq -r '.checks[] | select(.check == "offload") | .saw' <<<"$out")"
[ "$N_FAIL" -eq 0 ]
