#!/bin/bash
# Faults with nothing lost: 100 concurrent CNI ADDs with kill -9 of dpnoded
# in the middle, again with kill -9 of ovsdb-server, and a state directory
# that is full (ENOSPC). After each: every ADD that returned success has its
# port (state, OVS row, socket dir), nothing is half-made (a state entry
# without its OVS row or dir, an owned OVS row or a dir nobody records), and
# kubelet's retries (DEL of the failed, ADD again) converge. Figures printed.
. "$(dirname "$0")/lib.sh"

CNI=$ROOT/$BUILD/cni/dpnode-cni
N=${FAULT_ADDS:-100}
it_setup
STATE=$T/state
mkdir -p "$STATE"
write_config "$T/node.json" ".vhostuser = {\"socket_root\": \"$T/vs\", \"kubelet_dir\": \"$T/kubelet\",
	\"state_file\": \"$STATE/vhost.json\", \"group\": 107, \"mode\": \"0770\"}"
it_start
it_wait_converged 90 || exit 1

uid_of() { printf '%08x-0000-4000-8000-%012x' "$1" "$1"; }
cni() { # COMMAND i
	printf '{"cniVersion": "1.0.0", "name": "ovn-dpdk", "type": "dpnode-cni", "server_socket": "%s",
	  "vhost_user_socket_volume_name": "v", "vhost_user_socket_name": "s"}' "$T/dpnoded.sock" |
		CNI_COMMAND=$1 CNI_CONTAINERID=ctr-$2 CNI_NETNS=/var/run/netns/p$2 CNI_IFNAME=net1 \
			CNI_PATH=/opt/cni/bin \
			CNI_ARGS="K8S_POD_NAMESPACE=faults;K8S_POD_NAME=p$2;K8S_POD_UID=$(uid_of "$2")" "$CNI"
}
# burst DIR: N ADDs, 16 at a time, each leaving DIR/i.rc and DIR/i.out
burst() {
	mkdir -p "$1"
	for i in $(seq 1 "$N"); do
		(
			cni ADD "$i" >"$1/$i.out" 2>&1
			echo $? >"$1/$i.rc"
		) &
		[ $((i % 16)) -eq 0 ] && wait
	done
	wait
}
failures() { # how the failed ADDs failed, counted by CNI code and message
	local i
	for i in $(seq 1 "$N"); do
		[ "$(cat "$1/$i.rc")" = 0 ] || jq -r '"code \(.code): \(.msg)"' "$1/$i.out" 2>/dev/null
	done | sort | uniq -c | sed 's/^ */# failed ADDs: /'
}
succeeded() { grep -lx 0 "$1"/*.rc 2>/dev/null | wc -l; }
finished() { ls "$1"/*.rc 2>/dev/null | wc -l; }

# What the node holds, as sorted pod UIDs, three ways.
state_uids() { "$CTL" state "$STATE/vhost.json" 2>/dev/null | jq -r '.ports[].req.pod_uid' | sort; }
ovs_names() { vsctl --bare --columns=name find Interface type=dpdkvhostuserclient | sed '/^$/d' | sort; }
dir_uids() { ls "$T/vs" 2>/dev/null | sort; }
list_ports() { "$CTL" vhost list --json | jq -r '.ports[].port' | sort; }
ovs_match() { [ "$(ovs_names)" = "$(list_ports)" ]; }

# invariants NAME DIR: successes kept, nothing half-made
invariants() {
	local name=$1 dir=$2 lost=0 i
	wait_until 60 converged >/dev/null
	wait_until 30 ovs_match >/dev/null
	for i in $(seq 1 "$N"); do
		[ "$(cat "$dir/$i.rc" 2>/dev/null)" = 0 ] || continue
		state_uids | grep -qx "$(uid_of "$i")" || lost=$((lost + 1))
	done
	check_eq "$name: every ADD that succeeded has its port after the fault (lost)" "$lost" 0
	check_eq "$name: OVS rows = ports in the state file" "$(ovs_names)" "$(list_ports)"
	check_eq "$name: socket dirs = pods in the state file" "$(dir_uids)" "$(state_uids)"
	check "$name: no temp state file left" bash -c "! ls $STATE/*.tmp 2>/dev/null | grep -q ."
}

# kubelet's retry of a failed ADD: DEL then ADD again; all N end up made
retry_failed() { # name dir
	local i fixed=0
	for i in $(seq 1 "$N"); do
		[ "$(cat "$2/$i.rc" 2>/dev/null)" = 0 ] && continue
		cni DEL "$i" >/dev/null 2>&1
		cni ADD "$i" >/dev/null 2>&1 && fixed=$((fixed + 1))
	done
	check_eq "$1: kubelet's retries (DEL + ADD) bring every pod up" "$(state_uids | wc -l)" "$N"
	check_eq "$1: ... and each is an OVS row" "$(ovs_names | wc -l)" "$N"
	echo "# $1: $fixed ADDs retried after the fault"
}

delete_all() { # name
	local i
	for i in $(seq 1 "$N"); do cni DEL "$i" >/dev/null 2>&1; done
	check_eq "$1: DEL of every pod leaves no port" "$(list_ports | wc -l)" 0
	check_eq "$1: ... no OVS row" "$(ovs_names | wc -l)" 0
	check_eq "$1: ... no socket dir" "$(dir_uids | wc -l)" 0
}

# --- kill -9 dpnoded in the middle of the burst ---
B=$T/burst1
burst "$B" &
BURST=$!
wait_until 120 bash -c "[ \$(grep -lx 0 $B/*.rc 2>/dev/null | wc -l) -ge $((N / 4)) ]" >/dev/null
kill -KILL "$DPNODED_PID"
killed_at=$(succeeded "$B")
wait "$DPNODED_PID" 2>/dev/null
# what a kill between making a port's directory and recording the port
# leaves (the burst may or may not have hit that window): made for sure here
ORPHAN=$T/vs/$(uid_of 999)/v
mkdir -p "$ORPHAN"
/usr/bin/python3 -c "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$ORPHAN/s"
it_start
wait "$BURST"
wait_until 120 bash -c "[ \$(ls $B/*.rc | wc -l) -ge $N ]" >/dev/null
ok_adds=$(succeeded "$B")
echo "# kill -9 dpnoded: $N ADDs, $killed_at had succeeded when it died, $ok_adds succeeded in all"
check "kill -9 dpnoded: some ADDs failed or waited through the restart, none hung" \
	[ "$(finished "$B")" -eq "$N" ]
failures "$B"
check "kill -9 dpnoded: a half-made port's directory is removed at restart" \
	wait_until 10 bash -c "[ ! -e $T/vs/$(uid_of 999) ]"
invariants "kill -9 dpnoded" "$B"
retry_failed "kill -9 dpnoded" "$B"
delete_all "kill -9 dpnoded"

# --- kill -9 ovsdb-server in the middle of the burst ---
B=$T/burst2
burst "$B" &
BURST=$!
wait_until 120 bash -c "[ \$(grep -lx 0 $B/*.rc 2>/dev/null | wc -l) -ge $((N / 4)) ]" >/dev/null
kill -KILL "$(pidfile_pid ovsdb-server)"
killed_at=$(succeeded "$B")
wait "$BURST"
wait_until 120 bash -c "[ \$(ls $B/*.rc | wc -l) -ge $N ]" >/dev/null
ok_adds=$(succeeded "$B")
echo "# kill -9 ovsdb-server: $N ADDs, $killed_at had succeeded when it died, $ok_adds succeeded in all"
failures "$B"
check "kill -9 ovsdb-server: dpnoded restarted it" wait_until 60 bash -c \
	"[ \"\$($CTL status --json | jq -r .ovs.db_connected)\" = true ]"
invariants "kill -9 ovsdb-server" "$B"
retry_failed "kill -9 ovsdb-server" "$B"
delete_all "kill -9 ovsdb-server"

# --- a logical port is bound to one interface: claims on it are refused ---
vadd() { # uid ns pod [provider]
	"$CTL" vhost add --pod-uid "$1" --namespace "$2" --pod "$3" --ifname net1 --volume v \
		--socket-name s ${4:+--provider "$4"} 2>&1
}
vsctl add-port br-int foreign -- set Interface foreign type=internal external_ids:iface-id=web.prod
out=$(vadd "$(uid_of 201)" prod web)
check "iface-id of an interface dpnode does not manage: refused naming it" \
	grep -q 'iface_id web.prod is already on OVS interface foreign, which dpnode does not manage' <<<"$out"
check_eq "... nothing made" "$(list_ports | wc -l)/$(dir_uids | wc -l)" 0/0
vsctl del-port br-int foreign
# dpnoded's iface-id index follows the rows: once the foreign one is gone the claim is free
freed() { vadd "$(uid_of 201)" prod web >/dev/null; }
check "... and free once that interface is gone" wait_until 5 freed
"$CTL" vhost del --pod-uid "$(uid_of 201)" --ifname net1 >/dev/null
# pod "a.b" in namespace "c" and pod "a" in "b" with provider "c" are both a.b.c
vadd "$(uid_of 202)" c a.b >/dev/null
out=$(vadd "$(uid_of 203)" b a c)
check "the same iface-id from another pod (names with dots): refused naming the first" \
	grep -q 'iface_id a.b.c is already used by vhost port .* (pod c/a.b interface net1)' <<<"$out"
check_eq "... only the first port exists" "$(list_ports | wc -l)/$(dir_uids | wc -l)" 1/1
"$CTL" vhost del --pod-uid "$(uid_of 202)" --ifname net1 >/dev/null

# --- the state directory is full ---
# lazily: a reader of the state dir must not make the test's exit status
umount_state() {
	mountpoint -q "$STATE" && umount -l "$STATE"
	return 0
}
trap 'rc=$?; umount_state; (exit $rc); it_cleanup' EXIT
# dpnoded moves to a small disk (its start folds the journal into a
# snapshot), which then fills up: the next change needs a block it cannot get
it_stop_dpnoded
mkdir -p "$T/state.saved" && cp -a "$STATE/." "$T/state.saved/"
mount -t tmpfs -o size=512k tmpfs "$STATE"
cp -a "$T/state.saved/." "$STATE/"
it_start
wait_until 60 converged >/dev/null
dd if=/dev/zero of="$STATE/filler" bs=4k count=1000 2>/dev/null # fills it: dd stops at ENOSPC
out=$(cni ADD 1)
rc=$?
check_eq "ENOSPC: ADD fails" "$rc" 1
check "ENOSPC: the CNI error says the state could not be written and why" \
	bash -c "jq -e '.code == 100 and (.details | test(\"cannot write state: No space left on device\"))' <<<'$out' >/dev/null"
echo "# ENOSPC: $(jq -c '{code, msg, details}' <<<"$out")"
sleep 1
check_eq "ENOSPC: no port in OVS" "$(ovs_names | wc -l)" 0
check_eq "ENOSPC: no socket dir" "$(dir_uids | wc -l)" 0
check_eq "ENOSPC: the state unchanged" "$("$CTL" state "$STATE/vhost.json" | jq -c .ports)" "{}"
check "ENOSPC: dpnoded still serves" bash -c "$CTL ping >/dev/null"
rm -f "$STATE/filler"
out=$(cni ADD 1)
check_eq "space back: the same ADD succeeds" "$?" 0
check_eq "space back: its port in OVS" "$(ovs_names | wc -l)" 1
cni DEL 1 >/dev/null
check_eq "space back: DEL cleans up" "$(list_ports | wc -l)" 0

it_stop_dpnoded
umount_state
[ "$N_FAIL" -eq 0 ]
