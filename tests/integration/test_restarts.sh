#!/bin/bash
# Survives restarts: kill -9 of ovs-vswitchd (ports back by themselves, time reported), of
# dpnoded (the new one adopts: no row re-created, vswitchd untouched), and of
# ovsdb-server (restarted, reconnected, state intact).
. "$(dirname "$0")/lib.sh"

it_setup
it_start
it_wait_converged 90 || exit 1

ifrow() { vsctl get Interface dpdk0 _uuid; }
ofport() { vsctl get Interface dpdk0 ofport; }
pings() { ip netns exec "$NS" ping -c 1 -W 1 "$ENCAP_IP" >/dev/null; }
check "traffic before restarts" wait_until 30 pings

# --- ovs-vswitchd dies ---
vs=$(pidfile_pid ovs-vswitchd)
kill -KILL "$vs"
restored() {
	local pid
	pid=$(st .ovs.vswitchd.pid)
	[ "$pid" != "$vs" ] && [ "$pid" != null ] && converged &&
		[ "$(st '.bridges[] | select(.name=="br-phy") | .ports[] | select(.name=="dpdk0") | .link_state')" = up ] &&
		[ "$(ofport)" -ge 1 ]
}
if ms=$(wait_until 60 restored); then
	ok "kill -9 ovs-vswitchd: restarted, uplink back in ${ms} ms"
else
	notok "kill -9 ovs-vswitchd: uplink not back within 60 s"
fi
check_eq "kill -9 ovs-vswitchd: restart counted" "$(st .ovs.vswitchd.restarts)" 1
check "kill -9 ovs-vswitchd: encap IP still on br-phy" bash -c "ip -br addr show br-phy | grep -q $ENCAP_IP/24"
check "kill -9 ovs-vswitchd: traffic resumes" wait_until 60 pings

# --- dpnoded dies: the next one adopts everything as it is ---
vs=$(pidfile_pid ovs-vswitchd)
db=$(pidfile_pid ovsdb-server)
row=$(ifrow)
port=$(ofport)
brrow=$(vsctl get Bridge br-phy _uuid)
kill -KILL "$DPNODED_PID"
wait "$DPNODED_PID" 2>/dev/null
check "kill -9 dpnoded: OVS keeps running without it" bash -c "kill -0 $vs && kill -0 $db"
check "kill -9 dpnoded: traffic still flows" pings
mark=$(wc -l <"$T/dpnoded.log")
it_start
it_wait_converged 30
check_eq "restart dpnoded: ovs-vswitchd adopted, same pid" "$(st .ovs.vswitchd.pid)" "$vs"
check_eq "restart dpnoded: ovsdb-server adopted, same pid" "$(st .ovs.ovsdb_server.pid)" "$db"
check_eq "restart dpnoded: dpdk0 not re-created (same row)" "$(ifrow)" "$row"
check_eq "restart dpnoded: dpdk0 keeps its ofport" "$(ofport)" "$port"
check_eq "restart dpnoded: br-phy not re-created" "$(vsctl get Bridge br-phy _uuid)" "$brrow"
check "restart dpnoded: no OVSDB operation applied" bash -c "! tail -n +$((mark + 1)) $T/dpnoded.log | grep -q 'applying .* OVSDB operation'"

# --- ovsdb-server dies ---
kill -KILL "$db"
back() { [ "$(st .ovs.ovsdb_server.pid)" != "$db" ] && [ "$(st .ovs.db_connected)" = true ] && converged; }
if ms=$(wait_until 60 back); then
	ok "kill -9 ovsdb-server: restarted and reconnected in ${ms} ms"
else
	notok "kill -9 ovsdb-server: not back within 60 s"
fi
check_eq "kill -9 ovsdb-server: rows kept (same dpdk0 row)" "$(ifrow)" "$row"
check "kill -9 ovsdb-server: traffic still flows" wait_until 60 pings
