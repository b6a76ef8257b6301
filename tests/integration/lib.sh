# Shared setup for integration tests: a real OVS-DPDK node under dpnoded in a
# temp dir, its uplink a veth pair driven by net_af_packet, the far end of the
# veth in a network namespace acting as the wire's other host.
# Tests print TAP lines; tests/run.sh counts them.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
DPNODED=$ROOT/$BUILD/daemon/dpnoded
CTL=$ROOT/$BUILD/tools/dpnodectl
N_FAIL=0
DPNODED_PID=
T=
VA=
VB=
NS=
ENCAP_IP=198.18.99.10
PEER_IP=198.18.99.20

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; N_FAIL=$((N_FAIL + 1)); }
# check DESC CMD...: one TAP line from a command's success
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else notok "$desc"; fi
}
# check_eq DESC GOT WANT
check_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else notok "$1 (got '$2', want '$3')"; fi
}

status_json() { "$CTL" status --json 2>/dev/null; }
# jq over the current status
st() { status_json | jq -r "$1"; }
vsctl() { ovs-vsctl --db=unix:$T/ovs/db.sock --timeout=5 "$@"; }
# one value, without the quotes ovs-vsctl adds only to some strings
vget() { vsctl get "$@" | tr -d '"'; }

reserve_hugepages() { # pages of 2M
	local want=$1
	mountpoint -q /dev/hugepages || { mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages; }
	if [ "$(cat /proc/sys/vm/nr_hugepages)" -lt "$want" ]; then
		echo "$want" >/proc/sys/vm/nr_hugepages
	fi
	[ "$(cat /proc/sys/vm/nr_hugepages)" -ge "$want" ]
}

# write_config FILE [jq filter applied to the base config]
write_config() {
	local file=$1 filter=${2:-.}
	jq "$filter" >"$file" <<EOT
{
  "log_level": "debug",
  "api": { "socket": "$T/dpnoded.sock" },
  "hugepages": { "page_size": "2M", "mb_per_numa": [1024] },
  "ovs": {
    "mode": "managed",
    "run_dir": "$T/ovs",
    "db_file": "$T/ovs/conf.db",
    "log_dir": "$T/log",
    "dpdk": {
      "socket_mem": [512],
      "lcore": "0",
      "pmd_cores": "1",
      "extra_args": ["--no-pci"],
      "init_timeout_s": 30
    },
    "stop_on_exit": true
  },
  "uplink": {
    "ports": [ { "name": "dpdk0", "devargs": "net_af_packet0,iface=$VA" } ],
    "encap_ip": "$ENCAP_IP/24"
  }
}
EOT
}

it_setup() {
	T=$(mktemp -d /tmp/dpnit.XXXXXX)
	local id=$$
	VA=dpt${id}a
	VB=dpt${id}b
	NS=dpnit$id
	export DPNODE_SOCK=$T/dpnoded.sock
	trap it_cleanup EXIT
	reserve_hugepages 600 || { notok "reserve hugepages"; exit 1; }
	ip link add "$VA" type veth peer name "$VB"
	ip netns add "$NS"
	ip link set "$VB" netns "$NS"
	ip link set "$VA" up
	ip -n "$NS" link set lo up
	ip -n "$NS" link set "$VB" up
	ip -n "$NS" addr add "$PEER_IP/24" dev "$VB"
	write_config "$T/node.json"
}

it_start() { # [config]
	local conf=${1:-$T/node.json}
	"$DPNODED" --config "$conf" --foreground >>"$T/dpnoded.log" 2>&1 &
	DPNODED_PID=$!
}

# wait_until TIMEOUT_S CMD...: polls every 0.2 s; prints elapsed ms on success
wait_until() {
	local timeout=$1 start now
	shift
	start=$(date +%s%N)
	while :; do
		if "$@" >/dev/null 2>&1; then
			now=$(date +%s%N)
			echo $(((now - start) / 1000000))
			return 0
		fi
		now=$(date +%s%N)
		[ $(((now - start) / 1000000000)) -ge "$timeout" ] && return 1
		sleep 0.2
	done
}

converged() { [ "$(st .reconcile.converged)" = true ]; }

it_wait_converged() { # [timeout]
	local ms
	if ms=$(wait_until "${1:-60}" converged); then
		ok "node converged (${ms} ms)"
	else
		notok "node converged within ${1:-60} s"
		return 1
	fi
}

pidfile_pid() { cat "$T/ovs/$1.pid" 2>/dev/null; }

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' /proc/$1/status 2>/dev/null; }

it_stop_dpnoded() {
	[ -n "$DPNODED_PID" ] || return 0
	kill -TERM "$DPNODED_PID" 2>/dev/null
	for _ in $(seq 1 50); do alive "$DPNODED_PID" || break; sleep 0.2; done
	alive "$DPNODED_PID" && kill -KILL "$DPNODED_PID"
	wait "$DPNODED_PID" 2>/dev/null
	DPNODED_PID=
}

it_cleanup() {
	local rc=$?
	it_stop_dpnoded
	# a sanitizer build (make test runs some tests from one) reports there
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T/dpnoded.log" 2>/dev/null; then
		notok "sanitizers: dpnoded ran clean"
		grep -E -A12 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T/dpnoded.log" | head -40 | sed 's/^/# /'
	fi
	# Only processes this test started: the ones its pidfiles name.
	for p in ovs-vswitchd ovsdb-server; do
		local pid
		pid=$(pidfile_pid $p)
		alive "$pid" && kill -KILL "$pid"
	done
	for f in "$T"/ovn/ovn-controller.pid "$T"/central/*.pid; do
		[ -f "$f" ] || continue
		local pid
		pid=$(cat "$f" 2>/dev/null)
		alive "$pid" && kill -KILL "$pid"
	done
	ip link del "$VA" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	ip link del br-phy 2>/dev/null
	ip link del br-int 2>/dev/null
	# an interrupted vhost test can leave pods' bind mounts behind
	for m in $(awk -v t="$T/" 'index($2, t) == 1 {print $2}' /proc/mounts 2>/dev/null); do
		umount -l "$m"
	done
	if [ "$N_FAIL" -gt 0 ] && [ -d "$T" ]; then
		echo "# --- dpnoded.log (tail) ---"
		tail -40 "$T/dpnoded.log" 2>/dev/null | sed 's/^/# /'
		echo "# --- ovs-vswitchd.log (tail) ---"
		tail -20 "$T/log/ovs-vswitchd.log" 2>/dev/null | sed 's/^/# /'
	fi
	rm -rf "$T"
	exit $((rc != 0 ? rc : N_FAIL > 0))
}

# OVS-DPDK started the way someone else's script does (attach mode), in
# $T/ovs; extra other_config keys as arguments (e.g. other_config:hw-offload=true).
ovs_attach_start() {
	mkdir -p "$T/ovs" "$T/log"
	export OVS_RUNDIR=$T/ovs OVS_LOGDIR=$T/log
	ovsdb-tool create "$T/ovs/conf.db" /usr/share/openvswitch/vswitch.ovsschema
	ovsdb-server "$T/ovs/conf.db" --remote=punix:$T/ovs/db.sock --pidfile=$T/ovs/ovsdb-server.pid \
		--log-file=$T/log/ovsdb-server.log --detach
	vsctl --no-wait init
	vsctl --no-wait set Open_vSwitch . other_config:dpdk-init=true other_config:dpdk-socket-mem=512 \
		other_config:pmd-cpu-mask=0x2 other_config:dpdk-lcore-mask=0x1 other_config:dpdk-extra=--no-pci "$@"
	/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk unix:$T/ovs/db.sock --pidfile=$T/ovs/ovs-vswitchd.pid \
		--log-file=$T/log/ovs-vswitchd.log --detach
}

# OVN central, as ovn-central runs it: NB and SB ovsdb-servers and
# ovn-northd, in $T/central, on unix sockets (OVN_NB / OVN_SB).
ovn_db_start() { # nb|sb (OVN_CLUSTERED=1: a one-member raft cluster, as ovn-central runs clustered)
	local db=$1 schema=/usr/share/ovn/ovn-$1.ovsschema
	if [ ! -f "$T/central/$db.db" ] && [ "${OVN_CLUSTERED:-}" = 1 ]; then
		ovsdb-tool create-cluster "$T/central/$db.db" "$schema" "unix:$T/central/$db-raft.sock"
	fi
	[ -f "$T/central/$db.db" ] || ovsdb-tool create "$T/central/$db.db" "$schema"
	ovsdb-server "$T/central/$db.db" --remote="punix:$T/central/$db.sock" \
		--pidfile="$T/central/$db.pid" --unixctl="$T/central/$db.ctl" \
		--log-file="$T/central/$db.log" --detach --no-chdir
}
ovn_central_start() {
	mkdir -p "$T/central"
	OVN_NB=unix:$T/central/nb.sock
	OVN_SB=unix:$T/central/sb.sock
	ovn_db_start nb && ovn_db_start sb &&
		OVN_RUNDIR=$T/central ovn-northd --ovnnb-db="$OVN_NB" --ovnsb-db="$OVN_SB" \
			--pidfile="$T/central/northd.pid" --log-file="$T/central/northd.log" \
			--detach --no-chdir
}
nbctl() { ovn-nbctl --no-leader-only --db="$OVN_NB" "$@"; }
sbctl() { ovn-sbctl --no-leader-only --db="$OVN_SB" "$@"; }
# A logical port as kube-ovn-controller makes it: addresses and port security.
lsp_add() { # SWITCH PORT "MAC IP..."
	nbctl lsp-add "$1" "$2" -- lsp-set-addresses "$2" "$3" -- lsp-set-port-security "$2" "$3"
}
