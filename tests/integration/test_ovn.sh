#!/bin/bash
# dpnode under a real OVN control plane (Debian's ovn-central and ovn-host):
# dpnoded runs ovn-controller against its OVS, vhost-user ports carry the
# MAC and IPs kube-ovn-controller gave their logical ports, CNI ADD waits for
# the logical port and for ovn-installed, and the faults around it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/guest.sh"

CNI=$ROOT/$BUILD/cni/dpnode-cni
it_setup
trap 'guest_stop_all; it_cleanup' EXIT
reserve_hugepages 1024 || { notok "reserve hugepages"; exit 1; }
ovn_central_start || { notok "OVN central (NB, SB, ovn-northd) started"; exit 1; }
ok "OVN central (NB, SB, ovn-northd) started"
nbctl ls-add ls1
lsp_add ls1 pod-a.default "0a:00:00:00:00:0a 10.16.0.10 fd00:10:16::a"
write_config "$T/node.json" ".hugepages.mb_per_numa = [2048]
	| .vhostuser = {\"socket_root\": \"$T/vs\", \"kubelet_dir\": \"$T/kubelet\",
		\"state_file\": \"$T/vhost.json\"}
	| .ovn = {\"remote\": \"$OVN_SB\", \"encap_ip\": \"198.18.0.1\", \"system_id\": \"node-t\",
		\"run_dir\": \"$T/ovn\", \"bind_timeout_s\": 6}"
it_start
it_wait_converged 90 || exit 1
ovn_ok() { [ "$(st .modules.ovn.state)" = ok ]; }
if ms=$(wait_until 60 ovn_ok); then ok "ovn: SB connected, chassis registered (${ms} ms)"; else
	notok "ovn: SB connected, chassis registered: $(st .modules.ovn.error)"; fi
ctl_pid() { cat "$T/ovn/ovn-controller.pid" 2>/dev/null; }
check_eq "ovn: dpnoded runs ovn-controller" "$(st .ovn.controller.pid)" "$(ctl_pid)"
check_eq "ovn: the chassis in the SB is this node" "$(sbctl --bare --columns=name list Chassis)" node-t
check_eq "ovn: br-int is secure (OVN programs it)" "$(vsctl get Bridge br-int fail_mode)" secure
check "human status: the OVN line and ovn-controller" \
	bash -c "'$CTL' status | grep -q '^ovn: .* connected, chassis node-t registered' && '$CTL' status | grep -q 'ovn-controller  pid [0-9]'"

nad() { # POD [MAC]: runtimeConfig as Multus passes it (CNIDeviceInfoFile capability)
	cat <<EOT
{"cniVersion": "1.0.0", "name": "ovn-dpdk", "type": "dpnode-cni",
 "server_socket": "$T/dpnoded.sock", "vhost_user_socket_volume_name": "vhostuser-sockets",
 "vhost_user_socket_name": "sock",
 "runtimeConfig": {"CNIDeviceInfoFile": "$T/devinfo/ovn-dpdk-ctr-$1_net1" ${2:+, \"mac\": \"$2\"}}}
EOT
}
cni() { # COMMAND POD [MAC]
	nad "$2" "${3:-}" | CNI_COMMAND=$1 CNI_CONTAINERID=ctr-$2 CNI_NETNS=/var/run/netns/$2 CNI_IFNAME=net1 \
		CNI_PATH=/opt/cni/bin CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=$2;K8S_POD_UID=uid-$2" \
		"$CNI"
}
port_of() { "$CTL" call vhost.list 2>/dev/null | jq -r ".ports[] | select(.iface_id==\"$1.default\") | .port"; }

t0=$(date +%s%N)
out=$(cni ADD pod-a)
check_eq "ADD pod-a: exit 0" "$?" 0
echo "# ADD with OVN: $((($(date +%s%N) - t0) / 1000000)) ms"
check_eq "ADD pod-a: OVN's MAC in the result" "$(jq -r '.interfaces[0].mac' <<<"$out")" 0a:00:00:00:00:0a
check_eq "ADD pod-a: OVN's dual-stack IPs in the result" "$(jq -c '[.ips[].address]' <<<"$out")" \
	'["10.16.0.10/32","fd00:10:16::a/128"]'
PA=$(port_of pod-a)
check_eq "ovs: attached-mac is OVN's" "$(vsctl get Interface "$PA" external_ids:attached-mac)" '"0a:00:00:00:00:0a"'
check_eq "ovs: ip is OVN's" "$(vsctl get Interface "$PA" external_ids:ip)" '"10.16.0.10,fd00:10:16::a"'
check_eq "ovs: ovn-installed when ADD returned" "$(vsctl get Interface "$PA" external_ids:ovn-installed)" '"true"'
check_eq "sb: pod-a bound to this chassis" \
	"$(sbctl --bare --columns=chassis find Port_Binding logical_port=pod-a.default)" \
	"$(sbctl --bare --columns=_uuid find Chassis name=node-t)"
check_eq "sb: dpnoded watches only its own ports" "$(st .ovn.watched_ports)" 1
check_eq "CNI 1.0.0: no socketPath in the result (not a spec field)" \
	"$(jq -c '.interfaces[0] | has("socketPath")' <<<"$out")" false
check_eq "device-info file at the path Multus passed, spec 1.1.0" \
	"$(jq -c . "$T/devinfo/ovn-dpdk-ctr-pod-a_net1")" \
	'{"type":"vhost-user","version":"1.1.0","vhost-user":{"mode":"server","path":"/var/run/vhostuser/sock"}}'

# The logical port comes after kubelet's ADD: ADD waits for it.
cni ADD pod-b >"$T/b.out" &
bpid=$!
sleep 1.5
lsp_add ls1 pod-b.default "0a:00:00:00:00:0b 10.16.0.11"
wait "$bpid"
check_eq "ADD before the logical port exists: succeeds once it is made" "$?" 0
check_eq "ADD before the logical port exists: OVN's MAC" "$(jq -r '.interfaces[0].mac' "$T/b.out")" 0a:00:00:00:00:0b

# Traffic through OVN's pipeline (port security on both logical ports) with
# the MACs dpnode-cni returned; a frame from another MAC is dropped. The
# addresses are testpmd txonly's own (198.18.0.1 -> 198.18.0.2).
lsp_add ls1 pod-t1.default "0a:00:00:00:01:01 198.18.0.1"
lsp_add ls1 pod-t2.default "0a:00:00:00:01:02 198.18.0.2"
out1=$(cni ADD pod-t1)
out2=$(cni ADD pod-t2)
mac_of() { jq -r '.interfaces[0].mac' <<<"$1"; }
sock_of() { # the host's end of the socket (the pod sees its mount path)
	local pod
	pod=$(jq -r '.interfaces[0].mac' <<<"$1")
	"$CTL" call vhost.list | jq -r ".ports[] | select(.mac==\"$pod\") | .socket_path"
}
check_eq "traffic: the ADDs returned OVN's MACs" "$(mac_of "$out1") $(mac_of "$out2")" \
	"0a:00:00:00:01:01 0a:00:00:00:01:02"
guest_start ga "$(sock_of "$out1")" "$(mac_of "$out1")"
guest_start gb "$(sock_of "$out2")" "$(mac_of "$out2")"
links_up() {
	[ "$("$CTL" call vhost.list | jq -c '[.ports[] | select(.iface_id | startswith("pod-t")) | .ovs.link_state] | unique')" = '["up"]' ]
}
check "traffic: guests connected" wait_until 60 links_up
guest_cmd ga "set eth-peer 0 $(mac_of "$out2")"
guest_cmd gb "start" # rxonly: counts what it polls
b_rx=$(guest_rx gb)
guest_send ga 4
b_got() { [ "$(guest_rx gb)" -gt "$b_rx" ]; }
if ms=$(wait_until 30 b_got); then ok "traffic: pod-t1 -> pod-t2 through OVN (${ms} ms)"; else
	notok "traffic: pod-t1 -> pod-t2 through OVN"; fi
echo "# pod-t2 received $(($(guest_rx gb) - b_rx)) of 128 frames"
# kill -9 ovs-vswitchd: dpnoded restarts it, ovn-controller reprograms br-int.
b_rx=$(guest_rx gb)
kill -KILL "$(pidfile_pid ovs-vswitchd)"
back() {
	guest_send ga 1
	sleep 0.2
	[ "$(guest_rx gb)" -gt "$b_rx" ]
}
if ms=$(wait_until 60 back); then
	# the figure is printed, not asserted: this VM's steal makes a timed bound flaky
	ok "kill -9 ovs-vswitchd: traffic through OVN back in ${ms} ms (target: 10 s)"
else
	notok "kill -9 ovs-vswitchd: traffic through OVN back"
fi
# planned restart: flow-restore-wait until ovn-controller has reprogrammed br-int
check "planned restart: traffic flows before it" wait_until 30 back
restarts0=$(st .ovs.vswitchd.restarts)
vs_old=$(pidfile_pid ovs-vswitchd)
t0=$(date +%s%N)
"$CTL" ovs restart >"$T/planned.out" 2>&1 &
planned=$!
wait_until 10 bash -c "[ \"\$(cat $T/ovs/ovs-vswitchd.pid 2>/dev/null)\" != $vs_old ]" >/dev/null
b_rx=$(guest_rx gb)
if wait_until 60 back >/dev/null; then
	ok "planned restart: traffic through OVN back $((($(date +%s%N) - t0) / 1000000)) ms after the restart began"
else
	notok "planned restart: traffic through OVN back"
fi
wait "$planned"
check_eq "planned restart: dpnodectl ovs restart finished" "$?" 0
echo "# planned restart: $(cat "$T/planned.out")"
check "planned restart: a new ovs-vswitchd" [ "$(pidfile_pid ovs-vswitchd)" != "$vs_old" ]
check_eq "planned restart: not counted as a crash" "$(st .ovs.vswitchd.restarts)" "$restarts0"
check_eq "planned restart: status counts it" "$(st .ovs.planned_restart.done)/$(st .ovs.planned_restart.state)" 1/none
check "planned restart: flow-restore-wait cleared" \
	bash -c "! ovs-vsctl --db=unix:$T/ovs/db.sock get Open_vSwitch . other_config:flow-restore-wait 2>/dev/null"
guest_stop_all
guest_start ga "$(sock_of "$out1")" 02:00:00:00:00:99
guest_start gb "$(sock_of "$out2")" "$(mac_of "$out2")"
check "wrong MAC: guests connected again" wait_until 60 links_up
guest_cmd ga "set eth-peer 0 $(mac_of "$out2")"
guest_cmd gb "start"
b_rx=$(guest_rx gb)
guest_send ga 4
sleep 2
check_eq "wrong MAC: OVN's port security drops every frame" "$(($(guest_rx gb) - b_rx))" 0
guest_stop_all
cni DEL pod-t1 && cni DEL pod-t2

# Never made: a retryable CNI error naming the logical port, nothing left.
t0=$(date +%s)
out=$(cni ADD pod-c)
rc=$?
check_eq "no logical port: ADD fails" "$rc" 1
check_eq "no logical port: CNI code 11 (try again later)" "$(jq .code <<<"$out")" 11
check "no logical port: the error names it" grep -q 'pod-c.default' <<<"$(jq -r .details <<<"$out")"
check "no logical port: after the bind timeout (6 s)" [ $(($(date +%s) - t0)) -ge 6 ]
check_eq "no logical port: no vhost port left" "$(port_of pod-c)" ""

# Bad input: a MAC that is not OVN's, addresses OVN cannot give.
out=$(cni ADD pod-a) # unchanged re-ADD is fine
check_eq "ADD again: exit 0" "$?" 0
lsp_add ls1 pod-d.default "0a:00:00:00:00:0d 10.16.0.13"
out=$(cni ADD pod-d 02:00:00:00:00:99)
check_eq "MAC not OVN's: refused" "$(jq .code <<<"$out")" 100
check "MAC not OVN's: names both" grep -q '02:00:00:00:00:99.*0a:00:00:00:00:0d' <<<"$(jq -r .details <<<"$out")"
nbctl lsp-add ls1 pod-e.default -- lsp-set-addresses pod-e.default unknown
out=$(cni ADD pod-e)
check_eq "addresses 'unknown': refused" "$(jq .code <<<"$out")" 100
check "addresses 'unknown': says what is wrong" grep -q 'does not start with a unicast MAC' <<<"$(jq -r .details <<<"$out")"
check_eq "refused ADDs: no vhost port left" "$(port_of pod-d)$(port_of pod-e)" ""
check_eq "refused ADDs: dpnoded stops watching their logical ports" "$(st .ovn.watched_ports)" 2
check_eq "bad input: pod-a still bound" "$(vsctl get Interface "$PA" external_ids:ovn-installed)" '"true"'

# Faults: ovn-controller killed, the SB ovsdb-server restarted.
old=$(ctl_pid)
kill -9 "$old"
new_ctl() { p=$(ctl_pid); [ -n "$p" ] && [ "$p" != "$old" ] && alive "$p"; }
if ms=$(wait_until 30 new_ctl); then ok "kill -9 ovn-controller: restarted (${ms} ms)"; else notok "kill -9 ovn-controller: restarted"; fi
check "kill -9 ovn-controller: the restart is counted" [ "$(st .ovn.controller.restarts)" -ge 1 ]
check_eq "kill -9 ovn-controller: pod-a stays bound" "$(vsctl get Interface "$PA" external_ids:ovn-installed)" '"true"'
sb0=$(status_json | jq '.ovn.sb_rx_bytes + .ovn.sb_tx_bytes')
kill -TERM "$(cat "$T/central/sb.pid")"
sb_down() { [ "$(st .ovn.sb_connected)" = false ]; }
if ms=$(wait_until 30 sb_down); then ok "SB restart: dpnoded sees the SB go (${ms} ms)"; else notok "SB restart: dpnoded sees the SB go"; fi
sb_said() { grep -q "$1" <<<"$(st .ovn.sb_error)"; }
check "SB unreachable: status says why" wait_until 10 sb_said 'sb.sock'
# Something else answers there: an NB database (wrong schema).
ovsdb-tool create "$T/central/wrong.db" /usr/share/ovn/ovn-nb.ovsschema
ovsdb-server "$T/central/wrong.db" --remote="punix:$T/central/sb.sock" --pidfile="$T/central/wrong.pid" \
	--unixctl="$T/central/wrong.ctl" --log-file="$T/central/wrong.log" --detach --no-chdir
check "wrong-schema SB: status names the refused monitor" wait_until 30 sb_said 'monitor of OVN_Southbound refused'
check_eq "wrong-schema SB: the ovn module is pending, dpnoded up" "$(st .modules.ovn.state)" pending
kill -TERM "$(cat "$T/central/wrong.pid")"
sleep 0.5
ovn_db_start sb
sb_up() { [ "$(st .ovn.sb_connected)" = true ]; }
if ms=$(wait_until 30 sb_up); then ok "SB restart: dpnoded reconnects (${ms} ms)"; else notok "SB restart: dpnoded reconnects"; fi
sb_bytes() { status_json | jq '.ovn.sb_rx_bytes + .ovn.sb_tx_bytes'; }
echo "# SB traffic of dpnoded's connection, a reconnect with 2 ports watched: $(($(sb_bytes) - sb0)) bytes"
lsp_add ls1 pod-f.default "0a:00:00:00:00:0f 10.16.0.15"
b0=$(sb_bytes)
out=$(cni ADD pod-f)
echo "# SB traffic of dpnoded's connection for one port ADD: $(($(sb_bytes) - b0)) bytes"
check_eq "SB restart: a new ADD works" "$(jq -r '.interfaces[0].mac' <<<"$out")" 0a:00:00:00:00:0f

# DEL never waits for OVN.
nbctl lsp-del pod-b.default
t0=$(date +%s%N)
cni DEL pod-b
check_eq "DEL: exit 0" "$?" 0
echo "# DEL with OVN: $((($(date +%s%N) - t0) / 1000000)) ms"
check_eq "DEL: the vhost port is gone" "$(port_of pod-b)" ""
check "DEL: its device-info file is gone" [ ! -e "$T/devinfo/ovn-dpdk-ctr-pod-b_net1" ]

# A state file damaged behind dpnoded's back (truncated): it is rebuilt
# from the last good copy and the journals, loses nothing, and says so. (A
# start folds the journal into a snapshot first.)
n_before=$("$CTL" call vhost.list | jq '.ports | length')
it_stop_dpnoded
it_start
wait_until 60 "$CTL" ping >/dev/null
it_stop_dpnoded
truncate -s 10 "$T/vhost.json"
it_start
check "damaged state: dpnoded starts" wait_until 60 "$CTL" ping
check_eq "damaged state: every port restored (last good copy + journals)" \
	"$("$CTL" call vhost.list | jq '.ports | length')" "$n_before"
check_eq "damaged state: status says so" \
	"$(st '.vhostuser.restored_from_last_good_copy, .modules.vhost.state' | tr '\n' ' ')" "true degraded "
